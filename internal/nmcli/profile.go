package nmcli

import (
	"context"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/nmcli/format"
	"github.com/gonm/gonm/internal/setting"
)

// The profile sections of "connection show ID" (and of the editor's
// "print"): one table per setting, its properties as the settings
// schema's nmcli face renders them.

// settingFields is one field per setting in nmcli's setting order, each
// with its properties nested: what "-f ipv4.addresses" selects from.
func (a *App) settingFields() []*format.Field {
	out := make([]*format.Field, 0, len(setting.NmcliSettingOrder))
	for _, name := range setting.NmcliSettingOrder {
		out = append(out, a.settingField(setting.Lookup(name)))
	}
	return out
}

// settingField is a setting as a section of fields, the table header
// naming it "name".
func (a *App) settingField(info *setting.Info) *format.Field {
	props := info.NmcliProps()
	nested := make([]*format.Field, len(props))
	for i, p := range props {
		nested[i] = &format.Field{Name: p.Name, Get: func(target any, gt format.GetType) format.Value {
			s := target.(*setting.Setting)
			v := p.NmcliGet(s, gt == format.Pretty, a.showSecrets)
			return format.Value{Text: v.Text, Set: v.Text != "", IsDefault: v.Default, Hide: v.Hide}
		}}
	}
	name := info.Name
	return &format.Field{Name: name, Header: "name", Nested: nested,
		Get: func(any, format.GetType) format.Value { return format.Str(name) }}
}

// profileOf decodes a profile's settings as libnm keeps them: what it
// can use, unnormalized.
func profileOf(cn *client.Connection) *setting.Connection {
	c, err := setting.FromDBus(setting.Dict(cn.Settings()), setting.ParseBestEffort|setting.ParseClient)
	if err != nil || c == nil {
		return setting.NewConnection()
	}
	return c
}

// fetchSecrets asks the daemon for the secrets of every setting that has
// some and merges them in; failures leave the secrets out, as in nmcli.
func (a *App) fetchSecrets(cn *client.Connection, c *setting.Connection) {
	for _, s := range c.Settings() {
		if !hasNmcliSecrets(s.Info()) {
			continue
		}
		sec, err := cn.GetSecrets(context.Background(), s.Name())
		if err != nil {
			continue
		}
		if sd, ok := sec[s.Name()]; ok {
			if err := c.UpdateSecrets(s.Name(), map[string]dbus.Variant(sd)); err != nil {
				a.printErr("Error updating secrets for " + s.Name() + ": " + err.Error() + "\n")
			}
		}
	}
}

func hasNmcliSecrets(info *setting.Info) bool {
	for _, p := range info.NmcliProps() {
		if p.Secret {
			return true
		}
	}
	return false
}

// profileDetails prints the setting sections of a profile; fields is
// the profile part of -f (nil for all).
func (a *App) profileDetails(c *setting.Connection, fields *string) bool {
	spec := strings.Join(setting.NmcliShowOrder, ",")
	if fields != nil && !strings.EqualFold(*fields, "common") && !strings.EqualFold(*fields, "all") {
		spec = *fields
	}
	all := a.settingFields()
	sorted := sortedFields(all)
	idx, subs, err := format.ParseFields(sorted, &spec)
	if err != nil {
		a.setError(ExitUserInput, "Error: 'connection show': "+err.Error())
		return false
	}
	a.printer.BeginRecord()
	defer a.printer.EndRecord()
	a.printer.MainHeader("Connection profile details (" + c.ID() + ")")
	wasOutput := false
	for k, i := range idx {
		if a.cfg.Output != format.Terse && !a.cfg.Multiline && wasOutput && !a.printer.JSON() {
			a.print("\n")
		}
		wasOutput = false
		f := sorted[i]
		s := c.Setting(f.Name)
		if s == nil {
			continue
		}
		var one format.Spec
		if subs[k].OK {
			one = format.SpecOf(f.Name + "." + subs[k].Name)
		}
		a.printer.PrintTable([]any{s}, "", []*format.Field{f}, one)
		wasOutput = true
	}
	return true
}

// sortedFields orders settings by name, as nmcli's table of setting
// infos is when it parses -f.
func sortedFields(fields []*format.Field) []*format.Field {
	out := append([]*format.Field(nil), fields...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Name < out[j-1].Name; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
