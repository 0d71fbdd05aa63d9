package nmcli

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/nmcli/format"
	"github.com/gonm/gonm/internal/setting"
)

func cmdDevice(a *App, _ *command, argv []string) {
	cmds := []command{
		{name: "checkpoint", fn: doDeviceCheckpoint, usage: usageDeviceCheckpoint, needsClient: true, needsRunning: true},
		{name: "connect", fn: doDeviceConnect, usage: usageDeviceConnect, needsClient: true, needsRunning: true},
		{name: "disconnect", fn: doDevicesDisconnect, usage: usageDeviceDisconnect, needsClient: true, needsRunning: true},
		{name: "delete", fn: doDevicesDelete, usage: usageDeviceDelete, needsClient: true, needsRunning: true},
		{name: "down", fn: doDevicesDisconnect, usage: usageDeviceDisconnect, needsClient: true, needsRunning: true},
		{name: "lldp", fn: doDeviceLLDP, usage: usageDeviceLldp},
		{name: "monitor", fn: doDevicesMonitor, usage: usageDeviceMonitor, needsClient: true, needsRunning: true},
		{name: "modify", fn: doDeviceModify, usage: usageDeviceModify, needsClient: true, needsRunning: true},
		{name: "reapply", fn: doDeviceReapply, usage: usageDeviceReapply, needsClient: true, needsRunning: true},
		{name: "status", fn: doDevicesStatus, usage: usageDeviceStatus, needsClient: true, needsRunning: true},
		{name: "set", fn: doDeviceSet, usage: usageDeviceSet, needsClient: true, needsRunning: true},
		{name: "show", fn: doDeviceShow, usage: usageDeviceShow, needsClient: true, needsRunning: true},
		{name: "up", fn: doDeviceConnect, usage: usageDeviceConnect, needsClient: true, needsRunning: true},
		{name: "wifi", fn: doDeviceWifi, usage: usageDeviceWifi},
		{fn: doDevicesStatus, usage: usageDevice, needsClient: true, needsRunning: true},
	}
	a.nextArg(&argv)
	a.startPolkitAgentTry()
	a.doCmd(cmds, argv)
}

// sortedDevices orders devices as nmcli lists them: by state (connected
// first), then by their active connections, type, name and path.
func sortedDevices(c *client.Client) []*client.Device {
	devs := c.Devices()
	sort.SliceStable(devs, func(i, j int) bool { return compareDevices(devs[i], devs[j]) < 0 })
	return devs
}

func compareDevices(da, db *client.Device) int {
	if sa, sb := da.State(), db.State(); sa != sb {
		if sb < sa {
			return -1
		}
		return 1
	}
	if c := compareActive(db.ActiveConnection(), da.ActiveConnection()); c != 0 {
		return c
	}
	if c := strings.Compare(da.TypeDescription(), db.TypeDescription()); c != 0 {
		return c
	}
	if c := strings.Compare(da.Interface(), db.Interface()); c != 0 {
		return c
	}
	return strings.Compare(string(da.Path()), string(db.Path()))
}

func (a *App) completeDevice(devs []*client.Device, prefix string, wifiOnly bool) {
	for _, d := range devs {
		if wifiOnly && !d.IsWifi() {
			continue
		}
		if strings.HasPrefix(d.Interface(), prefix) {
			a.print(d.Interface() + "\n")
		}
	}
}

// getDevice takes the interface name at the current word (asking with
// --ask when there is none).
func (a *App) getDevice(argv *[]string) (*client.Device, int, string) {
	var ifname string
	if len(*argv) == 0 {
		if a.ask {
			ifname = a.readline("Interface: ")
		}
		if ifname == "" {
			return nil, ExitUserInput, "No interface specified"
		}
	} else {
		ifname = (*argv)[0]
		a.nextArg(argv)
	}
	devs := sortedDevices(a.client)
	var dev *client.Device
	for _, d := range devs {
		if d.Interface() == ifname {
			dev = d
			break
		}
	}
	if a.complete && len(*argv) == 0 {
		a.completeDevice(devs, ifname, false)
	}
	if dev == nil {
		return nil, ExitNotFound, "Device '" + ifname + "' not found"
	}
	return dev, 0, ""
}

// getDeviceList takes interface names up to the end or "--"; names that
// are not found are reported on stderr and make the exit status 10.
func (a *App) getDeviceList(argv *[]string) []*client.Device {
	if len(*argv) == 0 && a.ask {
		line := a.readline("Interface(s): ")
		words := splitArgs(line, false)
		argv = &words
	}
	if len(*argv) == 0 {
		a.setError(ExitUserInput, "Error: No interface specified.")
		return nil
	}
	devs := sortedDevices(a.client)
	var queue []*client.Device
	for len(*argv) > 0 {
		if (*argv)[0] == "--" {
			*argv = (*argv)[1:]
			break
		}
		if len(*argv) == 1 && a.complete {
			a.completeDevice(devs, (*argv)[0], false)
		}
		var dev *client.Device
		for _, d := range devs {
			if d.Interface() == (*argv)[0] {
				dev = d
				break
			}
		}
		if dev != nil {
			dup := false
			for _, q := range queue {
				dup = dup || q == dev
			}
			if !dup {
				queue = append(queue, dev)
			} else {
				a.printErr("Warning: argument '" + (*argv)[0] + "' is duplicated.\n")
			}
		} else {
			if !a.complete {
				a.printErr("Error: Device '" + (*argv)[0] + "' not found.\n")
			}
			a.setError(ExitNotFound, "Error: not all devices found.")
		}
		if a.ask {
			nextArgFor(nil, argv)
		} else {
			a.nextArg(argv)
		}
	}
	return queue
}

func doDevicesStatus(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if a.complete {
		return
	}
	if len(argv) > 0 {
		a.setError(ExitUserInput, "Error: invalid extra argument '"+argv[0]+"'.")
		return
	}
	spec := a.fieldsSpec("DEVICE,TYPE,STATE,CONNECTION")
	devs := sortedDevices(a.client)
	targets := make([]any, len(devs))
	for i, d := range devs {
		targets[i] = d
	}
	if err := a.printer.PrintTable(targets, "Status of devices", deviceStatusFields, spec); err != nil {
		a.setError(ExitUserInput, "Error: 'device status': "+err.Error())
	}
}

func doDeviceShow(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if !a.modeSpecified {
		a.cfg.Multiline = true
	}
	if len(argv) > 0 {
		dev, code, msg := a.getDevice(&argv)
		if dev == nil {
			a.setError(code, "Error: "+msg+".")
			return
		}
		if len(argv) > 0 {
			a.setError(ExitUserInput, "Error: invalid extra argument '"+argv[0]+"'.")
			return
		}
		if a.complete {
			return
		}
		a.showDeviceInfo(dev)
		return
	}
	devs := sortedDevices(a.client)
	for i, d := range devs {
		if !a.showDeviceInfo(d) {
			break
		}
		if i+1 < len(devs) && !a.printer.JSON() {
			a.print("\n")
		}
	}
}

func (a *App) showDeviceInfo(d *client.Device) bool {
	var spec format.Spec
	switch {
	case a.fieldsIs("common"):
		spec = format.SpecOf(fieldsDeviceShowCommon)
	case strings.EqualFold(*a.requiredFields, "all"):
	default:
		spec = format.SpecOf(*a.requiredFields)
	}
	sections, subs, err := format.ParseFields(deviceShowSections, spec)
	if err != nil {
		a.setError(ExitUserInput, "Error: 'device show': "+err.Error())
		return false
	}
	a.printer.BeginRecord()
	defer a.printer.EndRecord()
	a.printer.MainHeader("Device details (" + d.Interface() + ")")
	wasOutput := false
	for k, idx := range sections {
		sub := subs[k]
		if a.cfg.Output != format.Terse && !a.cfg.Multiline && wasOutput && !a.printer.JSON() {
			a.print("\n")
		}
		wasOutput = false
		group := func(name string, fields []*format.Field) {
			var s format.Spec
			if sub.OK {
				s = format.SpecOf(name + "." + sub.Name)
			}
			a.printer.PrintTable([]any{d}, "", format.Group(name, fields, "NAME"), s)
			wasOutput = true
		}
		switch idx {
		case secGeneral:
			group("GENERAL", deviceGeneralFields)
			continue
		case secCapabilities:
			group("CAPABILITIES", deviceCapabilitiesFields)
			continue
		case secInterfaceFlags:
			group("INTERFACE-FLAGS", deviceInterfaceFlagsFields)
			continue
		case secWifiProperties:
			if d.IsWifi() {
				group("WIFI-PROPERTIES", deviceWifiFields)
			}
			continue
		}
		if d.IsWifi() && idx == secAP {
			var active *client.AccessPoint
			if d.State() == client.DeviceStateActivated {
				active = d.ActiveAccessPoint()
			}
			fspec := format.SpecOf(fieldsWifiListForDevList)
			if sub.OK {
				fspec = format.SpecOf(sub.Name)
			}
			indices, _, _ := format.ParseFields(wifiListFields, fspec)
			rows := format.NewRows(wifiListFields)
			rows.Header(0)
			n := 0
			for _, ap := range sortAccessPoints(d.AccessPoints()) {
				a.fillAccessPoint(rows, ap, active, d.Interface(), &n, format.SectionPrefix)
			}
			a.printer.PrintRows(indices, "", rows)
			wasOutput = true
		}
		if idx == secWiredProperties {
			if d.IsEthernet() {
				group("WIRED-PROPERTIES", deviceWiredFields)
			}
			continue
		}
		switch idx {
		case secIP4:
			if ip := d.IP4Config(); ip != nil {
				wasOutput = a.printIPConfig(ip, sub)
			}
		case secDHCP4:
			if dh := d.DHCP4Config(); dh != nil {
				wasOutput = a.printDHCPConfig(dh, "DHCP4", sub)
			}
		case secIP6:
			if ip := d.IP6Config(); ip != nil {
				wasOutput = a.printIPConfig(ip, sub)
			}
		case secDHCP6:
			if dh := d.DHCP6Config(); dh != nil {
				wasOutput = a.printDHCPConfig(dh, "DHCP6", sub)
			}
		case secBond:
			if d.IsBond() {
				wasOutput = a.printPortsInfo(d, "BOND", sub, masterPropFields, "")
			}
		case secTeam:
			if d.IsTeam() {
				cfg := strings.ReplaceAll(d.TeamConfig(), "\n", " ")
				wasOutput = a.printPortsInfo(d, "TEAM", sub, teamPropFields, cfg)
			}
		case secBridge:
			if d.IsBridge() {
				wasOutput = a.printPortsInfo(d, "BRIDGE", sub, masterPropFields, "")
			}
		case secVLAN:
			if d.IsVLAN() {
				rows := format.NewRows(vlanPropFields)
				indices, _, _ := format.ParseFields(vlanPropFields, sub.Ptr())
				rows.Header(0)
				parent := ""
				if p := d.VLANParent(); p != nil {
					parent = p.Interface()
				}
				rows.Add(format.SectionPrefix, format.Str("VLAN"), format.StrOrNull(parent), format.Str(itoa(int(d.VLANID()))))
				a.printer.PrintRows(indices, "", rows)
				wasOutput = true
			}
		case secBluetooth:
			if d.IsBT() {
				rows := format.NewRows(bluetoothFields)
				indices, _, _ := format.ParseFields(bluetoothFields, sub.Ptr())
				rows.Header(0)
				rows.Add(format.SectionPrefix, format.Str("BLUETOOTH"), format.Str(btCapsString(d.BTCapabilities())))
				a.printer.PrintRows(indices, "", rows)
				wasOutput = true
			}
		case secConnections:
			group("CONNECTIONS", deviceConnectionsFields)
		}
	}
	return true
}

func (a *App) printPortsInfo(d *client.Device, name string, sub format.Sub, fields []*format.Field, teamConfig string) bool {
	var ports []string
	for _, p := range d.Slaves() {
		if ifc := p.Interface(); ifc != "" {
			ports = append(ports, ifc)
		}
	}
	indices, _, _ := format.ParseFields(fields, sub.Ptr())
	rows := format.NewRows(fields)
	rows.Header(0)
	values := []format.Value{format.Str(name), format.Str(strings.Join(ports, " "))}
	if len(fields) == 3 {
		values = append(values, format.StrOrNull(teamConfig))
	}
	rows.Add(format.SectionPrefix, values...)
	a.printer.PrintRows(indices, "", rows)
	return true
}

func btCapsString(c client.BTCapabilities) string {
	var parts []string
	if c&client.BTCapDUN != 0 {
		parts = append(parts, "DUN")
	}
	if c&client.BTCapNAP != 0 {
		parts = append(parts, "NAP")
	}
	if len(parts) == 0 {
		return "(none)"
	}
	return strings.Join(parts, " ")
}

// timeoutError is the message of nmcli's "timeout expired" exit.
func (a *App) timeoutError() {
	a.setErrorf(ExitTimeout, "Error: Timeout %d sec expired.", a.timeout)
}

// activation follows the activation of a device by "device connect" or
// "device wifi connect": it ends when the device is activated or fails.
type activation struct {
	a        *App
	dev      *client.Device
	ac       *client.ActiveConnection
	hotspot  bool
	unsub    func()
	finished bool
}

func (act *activation) check() {
	if act.finished {
		return
	}
	if act.ac.State() == client.ActiveStateActivating {
		return
	}
	a := act.a
	state := act.dev.State()
	switch {
	case state == client.DeviceStateActivated:
		a.eraseLine()
		a.print("Device '" + act.dev.Interface() + "' successfully activated with '" + act.ac.UUID() + "'.\n")
		if act.hotspot {
			a.print("Hint: \"nmcli dev wifi show-password\" shows the Wi-Fi name and password.\n")
		}
	case state <= client.DeviceStateDisconnected || state >= client.DeviceStateDeactivating:
		a.setError(ExitConActivation, "Error: Connection activation failed: "+deviceReasonString(act.dev.StateReason())+".")
	default:
		return
	}
	act.finish()
}

func (act *activation) finish() {
	act.finished = true
	if act.unsub != nil {
		act.unsub()
	}
	act.a.quitWithProgress()
}

func (act *activation) follow() {
	act.unsub = act.a.client.Subscribe(func(ev client.Event) {
		if ev.Kind != client.PropertiesChanged {
			return
		}
		if ev.Object == act.dev.Object && ev.HasChanged("org.freedesktop.NetworkManager.Device", "StateReason") ||
			ev.Object == act.ac.Object && ev.HasChanged("org.freedesktop.NetworkManager.Connection.Active", "State") {
			act.check()
		}
	})
	act.check()
}

// eraseLine clears the terminal line nmcli's progress indicator uses; it
// is written whether or not stdout is a terminal.
func (a *App) eraseLine() { a.print("\x1b[2K\r") }

// startProgress shows nmcli's spinner (pretty mode only) with the text
// text() returns, every 120 ms, until quitWithProgress.
func (a *App) startProgress(text func() string) {
	if a.cfg.Output != format.PrettyOutput {
		return
	}
	a.stopProgress()
	idx := 0
	var tick func()
	tick = func() {
		a.eraseLine()
		a.print(string("|/-\\"[idx]) + " " + text())
		idx = (idx + 1) % 4
		a.progress = a.loop.AfterFunc(120*time.Millisecond, tick)
	}
	a.progress = a.loop.AfterFunc(120*time.Millisecond, tick)
}

func (a *App) stopProgress() bool {
	if a.progress != nil {
		stopped := a.progress.Stop()
		a.progress = nil
		return stopped
	}
	return false
}

// quitWithProgress quits, erasing the spinner's line if one was shown.
func (a *App) quitWithProgress() {
	if a.progress != nil {
		a.stopProgress()
		a.eraseLine()
	}
	a.quit()
}

func (a *App) afterTimeout(fn func()) *loop.Timer {
	return a.loop.AfterFunc(time.Duration(a.timeout)*time.Second, fn)
}

// oneDeviceArg reads the single device argument of "device connect" and
// "device reapply", applying defaultTimeout when -w was not given, and arms
// the wait for the command's reply. It returns nil when the command has
// nothing more to do: an error is set, or only completions were asked for.
// nmcli words the extra-argument error differently in the two commands, so
// each passes its own extraArgFormat (with one %s for the argument).
func (a *App) oneDeviceArg(argv []string, defaultTimeout int, extraArgFormat string) *client.Device {
	if a.timeout == -1 {
		a.timeout = defaultTimeout
	}
	a.nextArg(&argv)
	dev, code, msg := a.getDevice(&argv)
	if dev == nil {
		a.setError(code, "Error: "+msg+".")
		return nil
	}
	if len(argv) > 0 {
		a.setErrorf(ExitUserInput, extraArgFormat, argv[0])
		return nil
	}
	if a.complete {
		return nil
	}
	a.nowait = a.timeout == 0
	a.shouldWait++
	return dev
}

func doDeviceConnect(a *App, _ *command, argv []string) {
	dev := a.oneDeviceArg(argv, 90, "Error: extra argument not allowed: '%s'.")
	if dev == nil {
		return
	}
	a.registerSecretAgent("nmcli-connect")
	act := &activation{a: a, dev: dev}
	a.client.ActivateConnectionAsync(context.Background(), nil, dev, "", func(ac *client.ActiveConnection, err error) {
		if err != nil {
			if errors.Is(err, client.ErrUnknownConnection) {
				s := client.Settings{"connection": {"id": dbus.MakeVariant(dev.Interface())}}
				a.client.AddAndActivateConnectionAsync(context.Background(), s, dev, "", act.added(true, false))
				return
			}
			a.setError(ExitConActivation, "Error: Device activation failed: "+err.Error())
			a.quitWithProgress()
			return
		}
		if a.nowait {
			a.quitWithProgress()
			return
		}
		if a.agent != nil {
			if cn := ac.Connection(); cn != nil {
				a.agent.enable(string(cn.Path()))
			}
		}
		act.ac = ac
		act.follow()
		a.afterTimeout(func() {
			a.timeoutError()
			a.quitWithProgress()
		})
	})
	a.startProgress(func() string { return deviceStateWithExternal(dev) })
}

// added returns the callback for an activation that may have created the
// profile: it reports errors in nmcli's words and then follows the
// device.
func (act *activation) added(create, hotspot bool) func(*client.ActiveConnection, error) {
	a := act.a
	act.hotspot = hotspot
	return func(ac *client.ActiveConnection, err error) {
		if err != nil {
			switch {
			case hotspot:
				a.setError(ExitConActivation, "Error: Failed to setup a Wi-Fi hotspot: "+err.Error())
			case create:
				a.setError(ExitConActivation, "Error: Failed to add/activate new connection: "+err.Error())
			default:
				a.setError(ExitConActivation, "Error: Failed to activate connection: "+err.Error())
			}
			a.quitWithProgress()
			return
		}
		if cn := ac.Connection(); cn != nil {
			if w := connectionDeprecated(cn.Settings()); w != "" {
				a.printErr("Warning: " + w + ".\n")
			}
		}
		if a.nowait {
			a.quitWithProgress()
			return
		}
		a.startProgress(func() string { return deviceStateWithExternal(act.dev) })
		act.ac = ac
		act.follow()
		a.afterTimeout(func() {
			a.timeoutError()
			a.quitWithProgress()
		})
	}
}

// startDeviceOp reads the device arguments of "device disconnect" and
// "device delete" and starts tracking the devices, timeout included. The
// operation is nil when the command has nothing more to do: an error is
// set, no device was named, or only completions were asked for.
func (a *App) startDeviceOp(argv []string) ([]*client.Device, *objectOp) {
	if a.timeout == -1 {
		a.timeout = 10
	}
	a.nextArg(&argv)
	queue := a.getDeviceList(&argv)
	if len(argv) > 0 {
		a.setError(ExitUserInput, "Error: invalid extra argument '"+argv[0]+"'.")
		return nil, nil
	}
	if len(queue) == 0 || a.complete {
		return nil, nil
	}
	op := &objectOp{a: a}
	for _, d := range queue {
		op.add(d.Object)
	}
	if a.timeout > 0 {
		op.timer = a.afterTimeout(func() {
			a.timeoutError()
			op.done(nil)
		})
	}
	return queue, op
}

func doDevicesDisconnect(a *App, _ *command, argv []string) {
	queue, op := a.startDeviceOp(argv)
	if op == nil {
		return
	}
	op.unsub = a.client.Subscribe(func(ev client.Event) {
		switch {
		case ev.Kind == client.DeviceRemoved:
			d := ev.Object.AsDevice()
			if !op.has(d.Object) {
				return
			}
			a.print("Device '" + d.Interface() + "' successfully disconnected.\n")
			op.done(d.Object)
		case ev.Kind == client.PropertiesChanged && ev.HasChanged(ifaceNMDev, "StateReason"):
			d := ev.Object.AsDevice()
			if d == nil || !op.has(d.Object) {
				return
			}
			if d.State() <= client.DeviceStateDisconnected {
				a.print("Device '" + d.Interface() + "' successfully disconnected.\n")
				op.done(d.Object)
			}
		}
	})
	a.nowait = a.timeout == 0
	a.shouldWait++
	for _, d := range queue {
		d.DisconnectAsync(context.Background(), func(err error) {
			if op.finished || !op.has(d.Object) {
				return
			}
			if err != nil {
				a.setError(ExitDevDisconnect, "Error: not all devices disconnected.")
				a.printErr("Error: Device '" + d.Interface() + "' (" + string(d.Path()) + ") disconnecting failed: " + err.Error() + "\n")
				op.done(d.Object)
				return
			}
			state := d.State()
			if a.nowait || state <= client.DeviceStateDisconnected {
				if state <= client.DeviceStateDisconnected {
					if a.cfg.Output == format.PrettyOutput {
						a.eraseLine()
					}
					a.print("Device '" + d.Interface() + "' successfully disconnected.\n")
				}
				op.done(d.Object)
			}
		})
	}
}

func doDevicesDelete(a *App, _ *command, argv []string) {
	queue, op := a.startDeviceOp(argv)
	if op == nil {
		return
	}
	a.nowait = a.timeout == 0
	a.shouldWait++
	for _, d := range queue {
		name := d.Interface()
		d.DeleteAsync(context.Background(), func(err error) {
			if op.finished {
				return
			}
			if err != nil {
				a.setError(ExitUnknown, "Error: not all devices deleted.")
				a.printErr("Error: Device '" + name + "' (" + string(d.Path()) + ") deletion failed: " + err.Error() + "\n")
			} else {
				a.print("Device '" + name + "' successfully removed.\n")
			}
			op.done(d.Object)
		})
	}
}

func doDeviceReapply(a *App, _ *command, argv []string) {
	dev := a.oneDeviceArg(argv, 10, "Error: invalid extra argument '%s'.")
	if dev == nil {
		return
	}
	dev.ReapplyAsync(context.Background(), nil, 0, 0, func(err error) {
		if err != nil {
			a.setError(ExitDevDisconnect, "Error: Reapplying connection to device '"+dev.Interface()+"' ("+string(dev.Path())+") failed: "+err.Error())
		} else {
			if a.cfg.Output == format.PrettyOutput {
				a.eraseLine()
			}
			a.print("Connection successfully reapplied to device '" + dev.Interface() + "'.\n")
		}
		a.quitWithProgress()
	})
}

// doDeviceModify changes the connection applied to a device (not its
// profile) and reapplies it.
func doDeviceModify(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	dev, code, msg := a.getDevice(&argv)
	if dev == nil {
		a.setError(code, "Error: "+msg+".")
		return
	}
	if a.timeout == -1 {
		a.timeout = 10
	}
	a.nowait = a.timeout == 0
	a.shouldWait++
	args := append([]string(nil), argv...)
	dev.GetAppliedConnectionAsync(context.Background(), func(s client.Settings, version uint64, err error) {
		if err != nil {
			a.setError(ExitUnknown, "Error: Reading applied connection from device '"+dev.Interface()+"' ("+string(dev.Path())+") failed: "+simpleMessage(err))
			a.quit()
			return
		}
		c, perr := setting.FromDBus(setting.Dict(s), setting.ParseBestEffort|setting.ParseClient)
		if perr != nil || c == nil {
			c = setting.NewConnection()
		}
		ps := a.newPropSession()
		if err := ps.process(c, &args, true); err != nil {
			a.setError(errCode(err), err.Error())
			a.quit()
			return
		}
		if a.complete {
			a.quit()
			return
		}
		dev.ReapplyAsync(context.Background(), client.Settings(c.ToDBusClient(setting.WithSecrets)), version, 0, func(err error) {
			if err != nil {
				a.setError(ExitDevDisconnect, "Error: Reapplying connection to device '"+dev.Interface()+"' ("+string(dev.Path())+") failed: "+simpleMessage(err))
			} else {
				if a.cfg.Output == format.PrettyOutput {
					a.eraseLine()
				}
				a.print("Connection successfully reapplied to device '" + dev.Interface() + "'.\n")
			}
			a.quit()
		})
	})
}

func doDeviceSet(a *App, _ *command, argv []string) {
	orig := argv
	a.nextArg(&argv)
	if len(argv) >= 1 && argv[0] == "ifname" {
		a.nextArg(&argv)
	}
	dev, code, msg := a.getDevice(&argv)
	if dev == nil {
		a.setError(code, "Error: "+msg+".")
		return
	}
	if len(argv) == 0 {
		a.setError(ExitUserInput, "Error: No property specified.")
		return
	}
	type setting struct {
		idx   int
		value bool
	}
	autoconnect, managed := setting{idx: -1}, setting{idx: -1}
	i := 0
	for {
		if len(argv) == 1 && a.complete {
			a.completeStrings(argv[0], "managed", "autoconnect")
		}
		var target *setting
		var name string
		switch {
		case matches(argv[0], "managed"):
			target, name = &managed, "managed"
		case matches(argv[0], "autoconnect"):
			target, name = &autoconnect, "autoconnect"
		default:
			a.setError(ExitUserInput, "Error: property '"+argv[0]+"' is not known.")
			return
		}
		argv = argv[1:]
		if len(argv) == 0 {
			a.setError(ExitUserInput, "Error: '"+prevWord(orig, argv)+"' argument is missing.")
			return
		}
		if len(argv) == 1 && a.complete {
			a.completeBool(argv[0])
		}
		flag, err := parseBool(argv[0])
		if err != nil {
			a.setError(ExitUserInput, "Error: '"+name+"': "+err.Error()+".")
			return
		}
		i++
		target.idx, target.value = i, flag
		if a.nextArg(&argv) != 0 {
			break
		}
	}
	if a.complete {
		return
	}
	ctx := context.Background()
	if autoconnect.idx >= 0 && managed.idx >= 0 && managed.idx < autoconnect.idx {
		dev.SetManaged(ctx, managed.value)
		managed.idx = -1
	}
	if autoconnect.idx >= 0 {
		dev.SetAutoconnect(ctx, autoconnect.value)
	}
	if managed.idx >= 0 {
		dev.SetManaged(ctx, managed.value)
	}
}

// parseBool is nmcli's boolean parser: true/yes/on, false/no/off (also
// abbreviated, case-insensitively), or 0/1.
func parseBool(s string) (bool, error) {
	s = strings.TrimRight(strings.TrimLeft(s, asciiSpace), asciiSpace)
	if s == "o" {
		return false, errors.New("'" + s + "' is ambiguous (on, off)")
	}
	if _, ok := stringIsValid(s, []string{"true", "yes", "on"}); ok {
		return true, nil
	}
	if _, ok := stringIsValid(s, []string{"false", "no", "off"}); ok {
		return false, nil
	}
	switch s {
	case "1":
		return true, nil
	case "0":
		return false, nil
	}
	return false, errors.New("'" + s + "' is not valid; use [true, yes, on] or [false, no, off]")
}

// stringIsValid finds input among allowed, case-insensitively, accepting
// an unambiguous prefix.
func stringIsValid(input string, allowed []string) (string, bool) {
	if input == "" {
		return "", false
	}
	partial := ""
	ambiguous := false
	for _, p := range allowed {
		if len(input) <= len(p) && strings.EqualFold(input, p[:len(input)]) {
			if len(input) == len(p) {
				return p, true
			}
			if partial == "" {
				partial = p
			} else {
				ambiguous = true
			}
		}
	}
	if ambiguous || partial == "" {
		return "", false
	}
	return partial, true
}

func doDevicesMonitor(a *App, _ *command, argv []string) {
	if a.complete {
		return
	}
	a.nextArg(&argv)
	if len(argv) > 0 {
		devs := a.getDeviceList(&argv)
		if len(argv) > 0 {
			a.setError(ExitUserInput, "Error: invalid extra argument '"+argv[0]+"'.")
			return
		}
		if len(devs) == 0 {
			return
		}
		a.monitorDevices(devs)
		return
	}
	a.monitorDevices(nil)
}
