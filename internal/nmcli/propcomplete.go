package nmcli

import (
	"strings"

	"github.com/gonm/gonm/internal/setting"
)

// Completion (--complete-args) of "setting.property" names, aliases and
// values for connection add/modify.

func modPrefix(mod setting.Modifier) string {
	switch mod {
	case setting.ModAdd:
		return "+"
	case setting.ModDel:
		return "-"
	}
	return ""
}

// completePropertyName prints the "setting.property" names that complete
// prefix (and postfix, the part after the dot when there is one), then,
// for plain assignments, the aliases of the profile's settings.
func (ps *propSession) completePropertyName(c *setting.Connection, mod setting.Modifier, prefix string, postfix *string) {
	a := ps.a
	typeParts, _ := setting.NmcliTypeParts(c.Type())
	portParts, _, _ := setting.NmcliPortParts(c.PortType())
	a.print(validPropertiesString(typeParts, portParts, mod, prefix, postfix))
	if mod != setting.ModSet {
		return
	}
	for _, name := range setting.NmcliSettingOrder {
		if !c.Has(name) {
			continue
		}
		for _, o := range cliOptions(setting.Lookup(name)) {
			if o.alias != "" && strings.HasPrefix(o.alias, prefix) {
				a.print(o.alias + "\n")
			}
		}
	}
}

// validPropertiesString lists "[+|-]setting.property" lines of the
// allowed settings matching prefix; with a postfix the prefix names one
// setting (all of its properties starting with postfix), and an
// ambiguous prefix gives nothing.
func validPropertiesString(main, port []setting.NmcliPart, mod setting.Modifier, prefix string, postfix *string) string {
	var b strings.Builder
	propName := ""
	fullMatch := false
	for _, list := range [][]setting.NmcliPart{main, port} {
		for _, part := range list {
			if fullMatch {
				break
			}
			info := setting.Lookup(part.Setting)
			if !strings.HasPrefix(info.Name, prefix) && (info.Alias == "" || !strings.HasPrefix(info.Alias, prefix)) {
				continue
			}
			if postfix != nil {
				if prefix == info.Name || (info.Alias != "" && prefix == info.Alias) {
					b.Reset()
					fullMatch = true
				} else if propName != "" {
					return ""
				}
				propName = prefix
			} else {
				propName = info.Name
			}
			for _, p := range info.NmcliProps() {
				if postfix == nil && info.Alias != "" {
					b.WriteString(modPrefix(mod) + info.Alias + "." + p.Name + "\n")
				}
				if postfix != nil && !strings.HasPrefix(p.Name, *postfix) {
					continue
				}
				b.WriteString(modPrefix(mod) + propName + "." + p.Name + "\n")
			}
		}
	}
	return b.String()
}

// completeExistingSetting prints the names (and aliases) of the
// profile's settings starting with prefix.
func (ps *propSession) completeExistingSetting(c *setting.Connection, prefix string) {
	for _, s := range c.Settings() {
		info := s.Info()
		if strings.HasPrefix(info.Name, prefix) {
			ps.a.print(info.Name + "\n")
		}
		if info.Alias != "" && strings.HasPrefix(info.Alias, prefix) {
			ps.a.print(info.Alias + "\n")
		}
	}
}

// completeProperty completes the value of "setting.property".
func (ps *propSession) completeProperty(c *setting.Connection, sname, prop, prefix string) {
	info := setting.Lookup(sname)
	if info == nil {
		return
	}
	p := info.Prop(prop)
	if p == nil || p.Nmcli == nil {
		return
	}
	ps.completeValue(c, p, prefix)
}

// completeOption completes the value of an option given by its alias.
func (ps *propSession) completeOption(c *setting.Connection, o *cliOption, prefix string) {
	if o.bond {
		var words []string
		switch o.alias {
		case "mode":
			words = []string{"balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb"}
		case "primary":
			words = ps.a.deviceNames()
		case "":
			words = []string{"miimon", "arp"}
		case "lacp-rate":
			words = []string{"slow", "fast"}
		}
		for _, w := range words {
			if strings.HasPrefix(w, prefix) {
				ps.a.print(w + "\n")
			}
		}
		return
	}
	if ps.completeValue(c, o.prop, prefix) {
		return
	}
	if o.prop.FullName() == "bluetooth.type" {
		for _, w := range []string{"panu", "nap", "dun-gsm", "dun-cdma"} {
			if strings.HasPrefix(w, prefix) {
				ps.a.print(w + "\n")
			}
		}
	}
}

// completeValue prints the candidates for a property's value; it reports
// whether the property had any to offer.
func (ps *propSession) completeValue(c *setting.Connection, p *setting.Property, prefix string) bool {
	a := ps.a
	var words []string
	switch p.FullName() {
	case "connection.type":
		for _, name := range setting.NmcliSettingOrder {
			info := setting.Lookup(name)
			if info.NmcliParts == nil {
				continue
			}
			if info.Alias != "" && strings.HasPrefix(info.Alias, prefix) {
				words = append(words, info.Alias)
			}
			if strings.HasPrefix(info.Name, prefix) {
				words = append(words, info.Name)
			}
		}
		for _, s := range []string{"bond-slave", "bridge-slave", "team-slave"} {
			if strings.HasPrefix(s, prefix) {
				words = append(words, s)
			}
		}
	case "connection.interface-name", "ip-tunnel.parent", "macvlan.parent", "vlan.parent", "vxlan.parent":
		for _, n := range a.deviceNames() {
			if strings.HasPrefix(n, prefix) {
				words = append(words, n)
			}
		}
	case "connection.master":
		expected := ""
		if prefix == "" && c != nil {
			expected = c.PortType()
		}
		for _, x := range ps.connections {
			if expected != "" && x.Type() != expected {
				continue
			}
			if prefix != "" && strings.HasPrefix(x.UUID(), prefix) {
				words = append(words, x.UUID())
			}
			if n := x.InterfaceName(); n != "" && strings.HasPrefix(n, prefix) {
				words = append(words, n)
			}
		}
	case "vpn.service-type":
		words = setting.VPNServiceTypeCandidates(prefix)
	case "802-1x.ca-cert", "802-1x.client-cert", "802-1x.phase2-ca-cert", "802-1x.phase2-client-cert",
		"802-1x.private-key", "802-1x.phase2-private-key":
		if strings.Contains(strings.TrimSpace(prefix), " ") && strings.HasSuffix(p.Name, "private-key") {
			return true
		}
		a.returnValue = ExitCompleteFile
		return true
	default:
		words = setting.NmcliComplete(p, prefix)
	}
	for _, w := range words {
		a.print(w + "\n")
	}
	return len(words) > 0
}

// deviceNames lists the interface names of the devices the daemon knows.
func (a *App) deviceNames() []string {
	if a.client == nil {
		return nil
	}
	var out []string
	for _, d := range a.client.Devices() {
		if n := d.Interface(); n != "" {
			out = append(out, n)
		}
	}
	return out
}
