package nmcli

import (
	"context"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/nmcli/format"
)

func doConnectionUp(a *App, _ *command, argv []string) {
	if a.timeout == -1 {
		a.timeout = 90
	}
	a.nextArg(&argv)
	work := &argv
	if len(argv) == 0 && a.ask {
		words := splitArgs(a.readline("Connection (name, UUID, or path): "), true)
		work = &words
	}
	var con *client.Connection
	// nmcli tests the command line here, not the line read with --ask:
	// an answer to the prompt is read but not used.
	if len(argv) > 0 && argv[0] != "ifname" {
		c, _, _, code, msg := a.getConnection(work, nil)
		if c == nil {
			a.setError(code, "Error: "+msg+".")
			return
		}
		con = c
	}
	var ifname, ap, pwds string
	orig := argv
	for len(argv) > 0 {
		if len(argv) == 1 && a.complete {
			a.completeStrings(argv[0], "ifname", "ap", "passwd-file")
		}
		key := argv[0]
		switch key {
		case "ifname", "ap", "passwd-file":
			if !a.takeValue(orig, &argv) {
				return
			}
		}
		switch key {
		case "ifname":
			ifname = argv[0]
			if len(argv) == 1 && a.complete {
				a.completeDevice(sortedDevices(a.client), ifname, ap != "")
			}
		case "ap":
			ap = argv[0]
			if len(argv) == 1 && a.complete {
				a.completeAPs(sortedDevices(a.client), ifname, ap, "")
			}
		case "passwd-file":
			if len(argv) == 1 && a.complete {
				a.returnValue = ExitCompleteFile
			}
			pwds = argv[0]
		default:
			if !a.complete {
				a.setError(ExitUserInput, "Error: invalid extra argument '"+key+"'.")
				return
			}
		}
		a.nextArg(&argv)
	}
	if a.complete {
		return
	}
	a.nowait = a.timeout == 0
	a.shouldWait++
	if code, msg := a.activateConnection(con, ifname, ap, pwds); msg != "" {
		a.setError(code, "Error: "+msg+".")
		a.shouldWait--
		return
	}
	a.startProgress(func() string { return "preparing" })
}

// activateConnection starts the activation of a profile, or of a device
// with a profile the daemon chooses, and follows it.
func (a *App) activateConnection(con *client.Connection, ifname, ap, pwds string) (int, string) {
	act := &conActivation{a: a}
	return a.startActivation(con, ifname, ap, pwds, true, func(dev *client.Device, ac *client.ActiveConnection, err error) {
		act.dev = dev
		act.started(ac, err)
	})
}

// startActivation picks the device (and access point) for a profile or
// an interface, reads the password file, registers nmcli's secret agent
// (with agent) and asks the daemon to activate; started gets the chosen
// device and the outcome.
func (a *App) startActivation(con *client.Connection, ifname, ap, pwds string, agent bool,
	started func(dev *client.Device, ac *client.ActiveConnection, err error)) (int, string) {
	var dev *client.Device
	var specific dbus.ObjectPath
	switch {
	case con != nil && (ifname != "" || ap != ""):
		d, spec, msg := a.findDeviceForConnection(con, ifname, ap)
		if d == nil {
			return ExitConActivation, msg
		}
		dev, specific = d, spec
	case ifname != "":
		dev = a.client.DeviceByIface(ifname)
		if dev == nil {
			return ExitNotFound, "unknown device '" + ifname + "'."
		}
	case con == nil:
		return ExitNotFound, "neither a valid connection nor device given"
	}
	passwords, line, err := readPasswordFile(pwds)
	if err != nil {
		if line >= 0 {
			return ExitUserInput, "invalid passwd-file '" + pwds + "' at line " + itoa(line) + ": " + err.Error()
		}
		return ExitUserInput, "invalid passwd-file '" + pwds + "': " + err.Error()
	}
	a.passwords = passwords
	if agent {
		a.registerSecretAgent("nmcli-connect")
	}
	a.client.ActivateConnectionAsync(context.Background(), con, dev, specific, func(ac *client.ActiveConnection, err error) {
		started(dev, ac, err)
	})
	return 0, ""
}

// findDeviceForConnection picks the device (and access point) for "up"
// with ifname or ap given.
func (a *App) findDeviceForConnection(con *client.Connection, ifname, ap string) (*client.Device, dbus.ObjectPath, string) {
	s := con.Settings()
	if s.Type() == "vpn" {
		if ifname != "" {
			d := a.client.DeviceByIface(ifname)
			var ac *client.ActiveConnection
			if d != nil {
				ac = d.ActiveConnection()
			}
			if ac == nil {
				return nil, "", "no active connection on device '" + ifname + "'"
			}
			return d, ac.Path(), ""
		}
		d, ac := a.defaultActive()
		if ac == nil {
			return nil, "", "no active connection or device"
		}
		return d, ac.Path(), ""
	}
	foundName := false
	for _, d := range a.client.Devices() {
		if ifname != "" {
			if d.Interface() != ifname {
				continue
			}
			foundName = true
			if msg := connectionCompatible(d, s); msg != "" {
				return nil, "", "device '" + ifname + "' not compatible with connection '" + s.ID() + "': " + msg
			}
		} else if connectionCompatible(d, s) != "" {
			continue
		}
		if ap != "" && s.Type() == "802-11-wireless" && d.IsWifi() {
			want := strings.ToUpper(ap)
			for _, p := range d.AccessPoints() {
				if p.BSSID() == want {
					return d, p.Path(), ""
				}
			}
			continue
		}
		return d, "", ""
	}
	switch {
	case ifname != "" && foundName:
		return nil, "", "device '" + ifname + "' not compatible with connection '" + s.ID() + "'"
	case ifname != "":
		return nil, "", "device '" + ifname + "' not found for connection '" + s.ID() + "'"
	}
	return nil, "", "no device found for connection '" + s.ID() + "'"
}

// defaultActive is the active connection with the default route (or the
// first with a device) and its first device.
func (a *App) defaultActive() (*client.Device, *client.ActiveConnection) {
	var nonDefDev *client.Device
	var nonDef *client.ActiveConnection
	for _, ac := range a.client.ActiveConnections() {
		devs := ac.Devices()
		if len(devs) == 0 {
			continue
		}
		if ac.Default() {
			return devs[0], ac
		}
		if nonDef == nil {
			nonDef, nonDefDev = ac, devs[0]
		}
	}
	return nonDefDev, nonDef
}

// connectionCompatible is libnm's client-side check that a profile can
// run on a device: the type matches and an interface name, if any, is the
// device's. It returns the reason it cannot, or "".
func connectionCompatible(d *client.Device, s client.Settings) string {
	if ifn := s.InterfaceName(); ifn != "" && ifn != d.Interface() {
		return "The interface names of the device and the connection didn't match"
	}
	want := map[string][]string{
		"802-3-ethernet":  {"NMDeviceEthernet", "NMDeviceVeth"},
		"802-11-wireless": {"NMDeviceWifi"},
		"bridge":          {"NMDeviceBridge"},
		"bond":            {"NMDeviceBond"},
		"team":            {"NMDeviceTeam"},
		"vlan":            {"NMDeviceVlan"},
		"loopback":        {"NMDeviceLoopback"},
		"tun":             {"NMDeviceTun"},
		"macvlan":         {"NMDeviceMacvlan"},
		"vxlan":           {"NMDeviceVxlan"},
		"veth":            {"NMDeviceVeth"},
		"dummy":           {"NMDeviceDummy"},
		"wireguard":       {"NMDeviceWireGuard"},
		"vrf":             {"NMDeviceVrf"},
		"ip-tunnel":       {"NMDeviceIPTunnel"},
		"infiniband":      {"NMDeviceInfiniband"},
		"bluetooth":       {"NMDeviceBt"},
		"generic":         {"NMDeviceGeneric"},
	}[s.Type()]
	for _, w := range want {
		if d.TypeName() == w {
			return ""
		}
	}
	return "The connection was not " + typeArticle(d) + " connection."
}

func typeArticle(d *client.Device) string {
	switch d.TypeName() {
	case "NMDeviceEthernet", "NMDeviceVeth":
		return "an Ethernet or PPPoE"
	case "NMDeviceWifi":
		return "a Wi-Fi"
	case "NMDeviceBridge":
		return "a bridge"
	}
	return "a " + d.TypeDescription()
}

// conActivation follows "connection up" to its end.
type conActivation struct {
	a        *App
	dev      *client.Device
	ac       *client.ActiveConnection
	unsub    func()
	finished bool
}

func (act *conActivation) started(ac *client.ActiveConnection, err error) {
	a := act.a
	if err != nil {
		a.setError(ExitConActivation, "Error: Connection activation failed: "+err.Error())
		act.finish()
		return
	}
	act.ac = ac
	if act.dev == nil && !ac.VPN() {
		if devs := ac.Devices(); len(devs) > 0 {
			act.dev = devs[0]
		}
	}
	state := ac.State()
	if a.nowait || state == client.ActiveStateActivated {
		if state == client.ActiveStateActivated {
			if a.cfg.Output == format.PrettyOutput {
				a.eraseLine()
			}
			a.print("Connection successfully activated (D-Bus active path: " + string(ac.Path()) + ")\n")
		}
		act.finish()
		return
	}
	act.unsub = a.client.Subscribe(func(ev client.Event) {
		if act.finished {
			return
		}
		switch {
		case ev.Object == ac.Object && (ev.Kind == client.ActiveStateChanged ||
			ev.HasChanged("org.freedesktop.NetworkManager.Connection.Active", "State")):
			act.check()
		case act.dev != nil && ev.Object == act.dev.Object && ev.HasChanged(ifaceNMDev, "StateReason"):
			act.check()
		}
	})
	act.check()
	if !act.finished {
		a.startProgress(func() string {
			if ac.State() == client.ActiveStateActivating {
				if devs := ac.Devices(); len(devs) > 0 {
					return deviceStateWithExternal(devs[0])
				}
			}
			return activeStateString(ac.State())
		})
		a.afterTimeout(func() {
			if act.finished {
				return
			}
			a.setErrorf(ExitTimeout, "Error: Timeout expired (%d seconds)", a.timeout)
			act.finish()
		})
	}
}

// effectiveState is the activation's outcome as nmcli judges it: a
// deactivated connection gets a reason from itself or its device, and a
// controller waiting for its ports counts as activated.
func (act *conActivation) effectiveState() (client.ActiveState, string) {
	ac, dev := act.ac, act.dev
	reason := ac.StateReason()
	var devState client.DeviceState
	var devReason client.DeviceStateReason
	if dev != nil {
		devState, devReason = dev.State(), dev.StateReason()
	}
	switch state := ac.State(); state {
	case client.ActiveStateDeactivated:
		var devAC *client.ActiveConnection
		if dev != nil {
			devAC = dev.ActiveConnection()
		}
		switch {
		case dev == nil || reason != client.ActiveReasonDeviceDisconnected || devAC == nil || devAC.Object != ac.Object:
			return state, activeReasonString(reason)
		case devState <= client.DeviceStateDisconnected || devState >= client.DeviceStateFailed:
			return state, deviceReasonString(devReason)
		}
		return client.ActiveStateUnknown, ""
	case client.ActiveStateActivating:
		if dev != nil && (dev.IsBond() || dev.IsTeam() || dev.IsBridge()) &&
			devState >= client.DeviceStateIPConfig && devState <= client.DeviceStateActivated {
			return client.ActiveStateActivated, "master waiting for slaves"
		}
		return state, ""
	default:
		return state, ""
	}
}

func (act *conActivation) check() {
	a := act.a
	state, reason := act.effectiveState()
	switch state {
	case client.ActiveStateActivated:
		if a.cfg.Output == format.PrettyOutput {
			a.eraseLine()
		}
		if reason != "" {
			a.print("Connection successfully activated (" + reason + ") (D-Bus active path: " + string(act.ac.Path()) + ")\n")
		} else {
			a.print("Connection successfully activated (D-Bus active path: " + string(act.ac.Path()) + ")\n")
		}
		act.finish()
	case client.ActiveStateDeactivated:
		a.setError(ExitConActivation, "Error: Connection activation failed: "+reason)
		act.finish()
	case client.ActiveStateActivating:
		if a.agent != nil {
			if cn := act.ac.Connection(); cn != nil {
				a.agent.enable(string(cn.Path()))
			}
		}
	}
}

func (act *conActivation) finish() {
	if act.finished {
		return
	}
	act.finished = true
	if act.unsub != nil {
		act.unsub()
	}
	act.a.quitWithProgress()
}

func doConnectionDown(a *App, _ *command, argv []string) {
	if a.timeout == -1 {
		a.timeout = 10
	}
	a.nextArg(&argv)
	args := argv
	if len(args) == 0 {
		if a.ask {
			args = splitArgs(a.readline("Connection(s) (name, UUID, path or apath): "), true)
		}
		if len(args) == 0 {
			a.setError(ExitUserInput, "Error: No connection specified.")
			return
		}
	}
	acs := a.client.ActiveConnections()
	var found []*client.ActiveConnection
	for len(args) > 0 {
		selector, ok := a.activeSelectorArg(&args)
		if !ok {
			return
		}
		matches := a.findActive(acs, selector, args[0], len(args) == 1 && a.complete)
		if len(matches) == 0 {
			if !a.complete {
				a.printErr("Error: '" + args[0] + "' is not an active connection.\n")
			}
			a.setError(ExitNotFound, "Error: not all active connections found.")
		}
		for _, m := range matches {
			dup := false
			for _, f := range found {
				dup = dup || f.Object == m.Object
			}
			if !dup {
				found = append(found, m)
			}
		}
		if a.ask {
			nextArgFor(nil, &args)
		} else {
			a.nextArg(&args)
		}
	}
	if len(found) == 0 {
		a.setError(ExitNotFound, "Error: no active connection provided.")
		return
	}
	if a.complete {
		return
	}
	op := &objectOp{a: a}
	for _, ac := range found {
		op.add(ac.Object)
	}
	if a.timeout > 0 {
		a.shouldWait++
		op.timer = a.afterTimeout(func() {
			a.setErrorf(ExitTimeout, "Error: Timeout expired (%d seconds)", a.timeout)
			op.done(nil)
		})
		op.unsub = a.client.Subscribe(func(ev client.Event) {
			if ev.Kind != client.PropertiesChanged || !ev.HasChanged("org.freedesktop.NetworkManager.Connection.Active", "State") {
				return
			}
			ac := ev.Object.AsActive()
			if ac == nil || ac.State() < client.ActiveStateDeactivated || !op.has(ac.Object) {
				return
			}
			if a.cfg.Output == format.PrettyOutput {
				a.eraseLine()
			}
			a.print("Connection '" + ac.ID() + "' successfully deactivated (D-Bus active path: " + string(ac.Path()) + ")\n")
			op.done(ac.Object)
		})
	}
	for _, ac := range found {
		if err := a.client.DeactivateConnection(context.Background(), ac); err != nil {
			a.print("Connection '" + ac.ID() + "' deactivation failed: " + err.Error() + "\n")
			if op.timer != nil {
				op.done(ac.Object)
			}
		}
	}
}
