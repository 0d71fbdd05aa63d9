package nmcli

import (
	"slices"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/nmcli/format"
)

const (
	ifaceNM     = "org.freedesktop.NetworkManager"
	ifaceNMSet  = "org.freedesktop.NetworkManager.Settings"
	ifaceNMDev  = "org.freedesktop.NetworkManager.Device"
	pathNM      = "/org/freedesktop/NetworkManager"
	pathNMSet   = "/org/freedesktop/NetworkManager/Settings"
	pathNMAgent = "/org/freedesktop/NetworkManager/AgentManager"
)

func cmdMonitor(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if a.complete {
		return
	}
	if len(argv) > 0 {
		if !argIsHelp(argv[0]) {
			a.setError(ExitUserInput, "Error: 'monitor' command '"+argv[0]+"' is not valid.")
		}
		usageMonitor(a)
		return
	}
	a.printRunning()
	var lastPrimary dbus.ObjectPath
	if p := a.client.PrimaryConnection(); p != nil {
		lastPrimary = p.Path()
	}
	a.client.Subscribe(func(ev client.Event) {
		if a.done {
			return
		}
		switch {
		case ev.Kind == client.RunningChanged:
			a.printRunning()
		case ev.Kind == client.PropertiesChanged && ev.Object.Path() == pathNMSet && ev.Interface == ifaceNMSet:
			if slices.Contains(ev.Changed, "Hostname") {
				a.print("Hostname set to '" + a.client.Hostname() + "'\n")
			}
		case ev.Kind == client.PropertiesChanged && ev.Object.Path() == pathNM && ev.Interface == ifaceNM:
			for _, name := range ev.Changed {
				switch name {
				case "PrimaryConnection":
					p := a.client.PrimaryConnection()
					var path dbus.ObjectPath
					if p != nil {
						path = p.Path()
					}
					if path == lastPrimary {
						continue
					}
					lastPrimary = path
					if p != nil {
						id := p.ID()
						if id == "" {
							id = p.UUID()
						}
						a.print("'" + id + "' is now the primary connection\n")
					} else {
						a.print("There's no primary connection\n")
					}
				case "Connectivity":
					c := a.client.Connectivity()
					a.print(a.colorize(connectivityColor(c), "Connectivity is now '"+connectivityString(c)+"'\n"))
				case "State":
					s := a.client.State()
					a.print(a.colorize(stateColor(s), "Networkmanager is now in the '"+stateString(s)+"' state\n"))
				}
			}
		}
	})
	a.shouldWait++
	a.monitorDevices(nil)
	a.monitorConnections(nil)
}

func (a *App) printRunning() {
	if a.client.Running() {
		a.print(a.colorize(format.ColorManagerRunning, "NetworkManager is running") + "\n")
	} else {
		a.print(a.colorize(format.ColorManagerStopped, "NetworkManager is stopped") + "\n")
	}
}

// monitorDevices prints device state and active connection changes of the
// given devices (all, and new ones, when nil) until they are all gone.
func (a *App) monitorDevices(devices []*client.Device) {
	watched := map[dbus.ObjectPath]*deviceWatch{}
	all := devices == nil
	if all {
		devices = a.client.Devices()
		a.shouldWait++
	}
	watch := func(d *client.Device) {
		a.shouldWait++
		var acPath dbus.ObjectPath
		if ac := d.ActiveConnection(); ac != nil {
			acPath = ac.Path()
		}
		watched[d.Path()] = &deviceWatch{state: d.State(), ac: acPath, acRaw: rawPath(d, "ActiveConnection")}
	}
	for _, d := range devices {
		watch(d)
	}
	a.client.Subscribe(func(ev client.Event) {
		if a.done {
			return
		}
		switch ev.Kind {
		case client.DeviceAdded:
			if !all {
				return
			}
			d := ev.Object.AsDevice()
			a.print(d.Interface() + ": device created\n")
			watch(d)
		case client.DeviceRemoved:
			d := ev.Object.AsDevice()
			a.print(d.Interface() + ": device removed\n")
			if _, ok := watched[d.Path()]; ok {
				delete(watched, d.Path())
				a.shouldWait--
			}
			if a.shouldWait == 0 {
				a.quit()
			}
		case client.PropertiesChanged:
			w, ok := watched[ev.Object.Path()]
			if !ok || ev.Interface != ifaceNMDev {
				return
			}
			d := ev.Object.AsDevice()
			for _, name := range ev.Changed {
				switch name {
				case "StateReason", "State":
					if s := d.State(); s != w.state {
						w.state = s
						a.print(a.colorize(deviceStateColor(d), d.Interface()+": "+deviceStateWithExternal(d)+"\n"))
					}
				case "ActiveConnection":
					raw := rawPath(d, "ActiveConnection")
					if raw == w.acRaw {
						continue
					}
					w.acRaw = raw
					if ac := d.ActiveConnection(); ac != nil && ac.ID() != "" {
						a.print(d.Interface() + ": using connection '" + ac.ID() + "'\n")
					}
				}
			}
		}
	})
}

type deviceWatch struct {
	state client.DeviceState
	ac    dbus.ObjectPath
	acRaw dbus.ObjectPath
}

func rawPath(d *client.Device, prop string) dbus.ObjectPath {
	v, _ := d.Prop(ifaceNMDev, prop)
	p, _ := v.Value().(dbus.ObjectPath)
	return p
}

// monitorConnections prints profile changes of the given profiles (all,
// and new ones, when nil) until they are all gone.
func (a *App) monitorConnections(conns []*client.Connection) {
	watched := map[dbus.ObjectPath]bool{}
	all := conns == nil
	if all {
		conns = a.client.Connections()
	}
	watch := func(c *client.Connection) {
		a.shouldWait++
		watched[c.Path()] = true
	}
	for _, c := range conns {
		watch(c)
	}
	if all {
		a.shouldWait++
	}
	a.client.Subscribe(func(ev client.Event) {
		if a.done {
			return
		}
		switch ev.Kind {
		case client.ConnectionAdded:
			if !all {
				return
			}
			c := ev.Object.AsConnection()
			a.print(c.ID() + ": connection profile created\n")
			watch(c)
		case client.ConnectionRemoved:
			c := ev.Object.AsConnection()
			a.print(c.ID() + ": connection profile removed\n")
			if watched[c.Path()] {
				delete(watched, c.Path())
				a.shouldWait--
			}
			if a.shouldWait == 0 {
				a.quit()
			}
		case client.ConnectionUpdated:
			if watched[ev.Object.Path()] {
				a.print(ev.Object.AsConnection().ID() + ": connection profile changed\n")
			}
		}
	})
}
