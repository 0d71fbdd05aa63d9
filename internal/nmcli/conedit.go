package nmcli

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/gkeyfile"
	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/nmcli/format"
	"github.com/gonm/gonm/internal/setting"
)

// connection add, modify and clone, online through the daemon's Settings
// API or --offline from and to keyfiles.

// readOfflineConnection reads the keyfile on stdin that "--offline
// connection modify" works on.
func (a *App) readOfflineConnection() bool {
	data, err := io.ReadAll(a.env.Stdin)
	if err != nil {
		a.setError(ExitUnknown, err.Error())
		return false
	}
	kf, err := gkeyfile.Parse(data)
	if err != nil {
		msg := err.Error()
		if pe, ok := err.(*gkeyfile.ParseError); ok && pe.GLib != "" {
			msg = pe.GLib
		}
		a.setError(ExitUnknown, msg)
		return false
	}
	dir, _ := os.Getwd()
	c := keyfile.Read(kf, keyfile.ReadOptions{BaseDir: dir})
	a.offlineConns = []*setting.Connection{c}
	return true
}

// printOfflineConnection writes the normalized profile as a keyfile, the
// result of --offline add and modify.
func (a *App) printOfflineConnection(c *setting.Connection) {
	if _, err := c.Normalize(); err != nil {
		a.setError(ExitUnknown, "Error: Error writing connection: "+err.Error())
		return
	}
	w := keyfile.Write(c, keyfile.WriteOptions{})
	a.print(string(w.File.Marshal()))
}

// connectionWarnings warns about deprecated profiles and duplicate names.
func (a *App) connectionWarnings(c *setting.Connection, self dbus.ObjectPath) {
	if d := deprecatedReason(c); d != "" {
		a.printErr("Warning: " + d + ".\n")
	}
	found := 0
	if a.client != nil {
		for _, cn := range a.client.Connections() {
			if cn.Path() == self {
				continue
			}
			if cn.ID() == c.ID() {
				found++
			}
		}
	}
	switch {
	case found == 1:
		a.printErr("Warning: There is another connection with the name '" + c.ID() + "'. Reference the connection by its uuid '" + c.UUID() + "'\n")
	case found > 1:
		a.printErrf("Warning: There are %d other connections with the name '%s'. Reference the connection by its uuid '%s'\n", found, c.ID(), c.UUID())
	}
}

// deprecatedReason names what nmcli considers deprecated in a profile.
func deprecatedReason(c *setting.Connection) string {
	if c.Type() == "wimax" {
		return "WiMax is no longer supported"
	}
	if s := c.Setting("802-11-wireless-security"); s != nil {
		if km := s.Str("key-mgmt"); km == "ieee8021x" || km == "none" {
			return "WEP encryption is known to be insecure"
		}
	}
	return ""
}

// addProfile sends a new profile to the daemon (or prints it offline)
// and reports the result with msgFmt.
func (a *App) addProfile(c *setting.Connection, temporary bool, done func(cn *client.Connection, err error)) {
	a.shouldWait++
	d := c.ToDBusClient(setting.WithSecrets)
	a.client.AddConnectionAsync(context.Background(), client.Settings(d), !temporary, func(path dbus.ObjectPath, err error) {
		if err != nil {
			done(nil, err)
			return
		}
		// libnm reports the new profile once it knows the object.
		if cn := a.client.ConnectionByPath(path); cn != nil && cn.Visible() {
			done(cn, nil)
			return
		}
		var unsub func()
		var timer interface{ Stop() bool }
		finished := false
		finish := func(cn *client.Connection) {
			if finished {
				return
			}
			finished = true
			unsub()
			timer.Stop()
			done(cn, nil)
		}
		unsub = a.client.Subscribe(func(ev client.Event) {
			if ev.Kind == client.ConnectionAdded && ev.Object.Path() == path {
				finish(ev.Object.AsConnection())
			}
		})
		timer = a.loop.AfterFunc(25*time.Second, func() { finish(nil) })
	})
}

func doConnectionAdd(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	a.returnValue = ExitSuccess
	c := setting.NewConnection()
	c.Add(setting.MustNewSetting("connection"))
	ps := a.newPropSession()
	save := true
	seenDashDash := false
	for len(argv) > 0 {
		err := ps.process(c, &argv, false)
		if err == nil {
			break
		}
		switch {
		case len(argv) > 0 && argv[0] == "--" && !seenDashDash:
			seenDashDash = true
			a.nextArg(&argv)
			continue
		case len(argv) > 0 && argv[0] == "save":
			argv = argv[1:]
			if len(argv) == 0 {
				a.setError(ExitUserInput, "Error: value for 'save' argument is required.")
				return
			}
			b, err := setting.ParseBool(argv[0])
			if err != nil {
				a.setError(ExitUserInput, "Error: 'save': "+err.Error()+".")
				return
			}
			save = b
			a.nextArg(&argv)
			continue
		}
		a.setError(errCode(err), err.Error())
		return
	}
	if a.complete {
		return
	}
	if err := ps.enableTypeSettings(c); err != nil {
		a.setError(errCode(err), err.Error())
		return
	}
	con := c.Setting("connection")
	if con.Str("slave-type") != "" {
		for _, p := range []string{"mtu", "mac-address", "cloned-mac-address"} {
			ps.disableProp(setting.Lookup("802-3-ethernet").Prop(p))
		}
	}
	if _, ok := con.String("id"); !ok {
		if t, ok := con.String("type"); ok {
			name := nameAliasToplevel(t, con.Str("slave-type"))
			if ifname, ok := con.String("interface-name"); ok {
				name += "-" + ifname
			}
			con.MustSet("id", uniqueProfileName(ps.connections, name))
		}
	}
	c.Normalize()
	// "connection add" insists on the options it cannot do without.
	for _, name := range setting.NmcliSettingOrder {
		for _, o := range cliOptions(setting.Lookup(name)) {
			if !ps.optionRelevant(c, o) {
				continue
			}
			if o.inf&setting.InfRequired != 0 {
				a.setError(ExitUserInput, "Error: '"+o.alias+"' argument is required.")
				return
			}
		}
	}
	if a.offline {
		a.printOfflineConnection(c)
		return
	}
	a.addProfile(c, !save, func(cn *client.Connection, err error) {
		if err != nil {
			a.setError(ExitConActivation, "Error: Failed to add '"+c.ID()+"' connection: "+simpleMessage(err))
		} else {
			added := c
			var path dbus.ObjectPath
			if cn != nil {
				added = profileOf(cn)
				path = cn.Path()
			}
			a.connectionWarnings(added, path)
			a.print("Connection '" + added.ID() + "' (" + added.UUID() + ") successfully added.\n")
		}
		a.quit()
	})
}

func doConnectionModify(a *App, _ *command, argv []string) {
	temporary := false
	if a.nextArg(&argv, "--temporary") > 0 {
		temporary = true
		a.nextArg(&argv)
	}
	var c *setting.Connection
	var cn *client.Connection
	if a.offline {
		if len(a.offlineConns) > 0 {
			c = a.offlineConns[0]
		}
	} else {
		var code int
		var msg string
		cn, _, _, code, msg = a.getConnection(&argv, nil)
		if cn == nil {
			a.setError(code, "Error: "+msg+".")
			return
		}
		c = profileOf(cn)
	}
	if c == nil {
		return
	}
	if !a.offline || len(argv) > 0 {
		ps := a.newPropSession()
		if err := ps.process(c, &argv, true); err != nil {
			a.setError(errCode(err), err.Error())
			return
		}
	}
	if a.complete {
		return
	}
	if a.offline {
		a.printOfflineConnection(c)
		return
	}
	flags := client.Update2ToDisk
	if temporary {
		flags = client.Update2InMemory
	}
	a.shouldWait++
	cn.Update2Async(context.Background(), client.Settings(c.ToDBusClient(setting.WithSecrets)), flags, func(err error) {
		if err != nil {
			a.setError(ExitUnknown, "Error: Failed to modify connection '"+c.ID()+"': "+simpleMessage(err))
		} else {
			a.connectionWarnings(c, cn.Path())
			if a.cfg.Output == format.PrettyOutput {
				a.print("Connection '" + c.ID() + "' (" + c.UUID() + ") successfully modified.\n")
			}
		}
		a.quit()
	})
}

func doConnectionClone(a *App, _ *command, argv []string) {
	temporary := false
	if a.nextArg(&argv, "--temporary") > 0 {
		temporary = true
		a.nextArg(&argv)
	}
	args := argv
	cn := a.oneConnectionArg(&args, "Connection (name, UUID, or path): ")
	if cn == nil {
		return
	}
	var newName string
	switch {
	case len(args) > 0:
		newName = args[0]
	case a.ask:
		newName = a.readline("New connection name: ")
	default:
		a.setError(ExitUserInput, "Error: <new name> argument is missing.")
		return
	}
	rest := args
	if a.ask {
		if len(rest) > 0 {
			rest = rest[1:]
		}
	} else if a.nextArg(&rest) == 0 {
		a.setError(ExitUserInput, "Error: unknown extra argument: '"+rest[0]+"'.")
		return
	}
	orig := profileOf(cn)
	c := orig.Clone()
	con := c.Ensure("connection")
	con.MustSet("id", newName)
	con.MustSet("uuid", setting.NewUUID())
	a.fetchSecrets(cn, c)
	a.addProfile(c, temporary, func(added *client.Connection, err error) {
		if err != nil {
			a.setError(ExitConActivation, "Error: Failed to add '"+newName+"' connection: "+simpleMessage(err))
		} else {
			id, uuid := c.ID(), c.UUID()
			if added != nil {
				id, uuid = added.ID(), added.UUID()
			}
			a.print(orig.ID() + " (" + orig.UUID() + ") cloned as " + id + " (" + uuid + ").\n")
		}
		a.quit()
	})
}
