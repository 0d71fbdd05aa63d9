package nmcli

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/setting"
)

// connection import/export (WireGuard files; VPN plugins answer as when
// none is installed, the only case gonm has) and connection migrate.

func doConnectionImport(a *App, _ *command, argv []string) {
	temporary := false
	if a.nextArg(&argv, "--temporary") > 0 {
		temporary = true
		a.nextArg(&argv)
	}
	var typ, filename *string
	if len(argv) == 0 {
		if !a.ask {
			a.setError(ExitUserInput, "Error: No arguments provided.")
			return
		}
		t := strings.TrimSpace(a.readline("VPN type: "))
		f := strings.TrimSpace(a.readline("File to import: "))
		typ, filename = &t, &f
	}
	for len(argv) > 0 {
		if len(argv) == 1 && a.complete {
			var opts []string
			if typ == nil {
				opts = append(opts, "type")
			}
			if filename == nil {
				opts = append(opts, "file")
			}
			a.completeStrings(argv[0], opts...)
		}
		switch argv[0] {
		case "type":
			argv = argv[1:]
			if len(argv) == 0 {
				a.setError(ExitUserInput, "Error: type argument is missing.")
				return
			}
			if len(argv) == 1 && a.complete {
				a.completeStrings(argv[0], "wireguard")
				for _, w := range setting.VPNServiceTypeCandidates(argv[0]) {
					a.print(w + "\n")
				}
			}
			t := argv[0]
			typ = &t
		case "file":
			argv = argv[1:]
			if len(argv) == 0 {
				a.setError(ExitUserInput, "Error: file argument is missing.")
				return
			}
			if len(argv) == 1 && a.complete {
				a.returnValue = ExitCompleteFile
			}
			f := argv[0]
			filename = &f
		default:
			a.setError(ExitUserInput, "Error: invalid extra argument '"+argv[0]+"'.")
			return
		}
		a.nextArg(&argv)
	}
	if a.complete {
		return
	}
	if typ == nil {
		a.setError(ExitUserInput, "Error: 'type' argument is required.")
		return
	}
	if filename == nil {
		a.setError(ExitUserInput, "Error: 'file' argument is required.")
		return
	}
	if *typ != "wireguard" {
		st := setting.VPNServiceType(*typ)
		if st == "" {
			a.setError(ExitUnknown, "Error: failed to find VPN plugin for "+*typ+".")
			return
		}
		a.setError(ExitUnknown, "Error: failed to load VPN plugin: unknown VPN plugin \""+st+"\".")
		return
	}
	var c *setting.Connection
	data, err := os.ReadFile(*filename)
	if err == nil {
		c, err = setting.ImportWireGuard(*filename, data)
	} else if strings.HasSuffix(*filename, ".conf") {
		// libnm checks the name first, then reads the file.
		if _, nameErr := setting.ImportWireGuard(*filename, nil); nameErr != nil {
			err = nameErr
		} else {
			err = fileError(*filename, err)
		}
	} else {
		_, err = setting.ImportWireGuard(*filename, nil)
	}
	if err != nil {
		a.setError(ExitUnknown, "Error: failed to import '"+*filename+"': "+err.Error()+".")
		return
	}
	a.addProfile(c, temporary, func(cn *client.Connection, err error) {
		if err != nil {
			a.setError(ExitConActivation, "Error: Failed to add '"+c.ID()+"' connection: "+simpleMessage(err))
		} else {
			added := c
			var path dbus.ObjectPath
			if cn != nil {
				added, path = profileOf(cn), cn.Path()
			}
			a.connectionWarnings(added, path)
			a.print("Connection '" + added.ID() + "' (" + added.UUID() + ") successfully added.\n")
		}
		a.quit()
	})
}

// fileError is GLib's text for a file that could not be opened.
func fileError(name string, err error) error {
	return &cliError{ExitUnknown, "Failed to open file \"" + name + "\": " + errnoString(err)}
}

func errnoString(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		err = pe.Err
	}
	s := err.Error()
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}

func doConnectionExport(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	args := argv
	cn := a.oneConnectionArg(&args, "VPN connection (name, UUID, or path): ")
	if cn == nil {
		return
	}
	var outName string
	if len(args) > 0 {
		outName = args[0]
	}
	if a.ask {
		if len(args) > 0 {
			args = args[1:]
		}
	} else if a.nextArg(&args) == 0 {
		a.setError(ExitUserInput, "Error: unknown extra argument: '"+args[0]+"'.")
		return
	}
	if outName == "" && a.ask {
		outName = a.readline("Output file name: ")
	}
	c := profileOf(cn)
	if c.Type() != "vpn" {
		a.setError(ExitUserInput, "Error: the connection is not VPN.")
		return
	}
	st := c.Setting("vpn").Str("service-type")
	a.setError(ExitUnknown, "Error: failed to load VPN plugin: unknown VPN plugin \""+st+"\".")
}

func doConnectionMigrate(a *App, _ *command, argv []string) {
	if a.timeout == -1 {
		a.timeout = 10
	}
	plugin := "keyfile"
	for a.nextArg(&argv, "--plugin") > 0 {
		argv = argv[1:]
		if len(argv) == 0 {
			a.setError(ExitSuccess, "'--plugin' argument is missing")
			return
		}
		plugin = argv[0]
	}
	args := argv
	if len(args) == 0 && a.ask {
		args = splitArgs(a.readline("Connection(s) (name, UUID, or path): "), true)
	}
	var found []*client.Connection
	var invalid []string
	for len(args) > 0 {
		cn, sel, val, code, msg := a.getConnection(&args, &found)
		if cn != nil {
			continue
		}
		if !a.complete {
			a.printErr("Error: " + msg + ".\n")
		}
		a.setError(code, "Error: not all connections found.")
		if code != ExitNotFound {
			return
		}
		if sel != "" {
			invalid = append(invalid, sel+" '"+val+"'")
		} else {
			invalid = append(invalid, "'"+val+"'")
		}
	}
	if a.complete {
		return
	}
	if len(invalid) > 0 {
		a.returnText = "Error: cannot migrate unknown connection(s): " + strings.Join(invalid, ", ") + "."
		return
	}
	if found == nil {
		found = a.client.Connections()
	}
	pending := len(found)
	finished := false
	var timer interface{ Stop() bool }
	finish := func() {
		if finished {
			return
		}
		finished = true
		timer.Stop()
		a.quit()
	}
	timer = a.afterTimeout(func() {
		a.setErrorf(ExitTimeout, "Error: Timeout expired (%d seconds)", a.timeout)
		finish()
	})
	a.nowait = a.timeout == 0
	a.shouldWait++
	args2 := map[string]dbus.Variant{"plugin": dbus.MakeVariant(plugin)}
	for _, cn := range found {
		cn.Update2ArgsAsync(context.Background(), args2, func(err error) {
			if finished {
				return
			}
			if err != nil {
				a.returnText = "Error: not all connections migrated."
				a.printErr("Error: Connection migration failed: " + simpleMessage(err) + "\n")
				a.returnValue = ExitUnknown
			} else {
				a.print("Connection '" + cn.ID() + "' (" + cn.UUID() + ") successfully migrated.\n")
			}
			if pending--; pending == 0 {
				finish()
			}
		})
	}
	if pending == 0 {
		a.loop.AfterFunc(time.Millisecond, finish)
	}
}
