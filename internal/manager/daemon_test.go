package manager

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/testbed"
	"github.com/gonm/gonm/internal/version"
)

// gonm runs the daemon in a fresh namespace on a private bus.
type gonm struct {
	ns   *testbed.Netns
	d    *testbed.Daemon
	conn *dbus.Conn
	root dbus.BusObject
}

func startGonm(t *testing.T, opts testbed.DaemonOptions, busOpts testbed.BusOptions) *gonm {
	t.Helper()
	ns := testbed.NewNetns(t)
	ns.Bus = testbed.StartBus(t, busOpts)
	d := testbed.StartDaemon(t, ns, opts)
	conn := ns.Bus.Conn(t)
	return &gonm{ns: ns, d: d, conn: conn, root: conn.Object(testbed.BusName, bus.PathManager)}
}

// waitStartup waits until the daemon finished start-up (lo taken over,
// Startup false).
func (g *gonm) waitStartup(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if v, err := g.root.GetProperty(IfaceManager + ".Startup"); err == nil && v.Value() == false {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("start-up did not complete")
}

func (g *gonm) prop(t *testing.T, name string) any {
	t.Helper()
	v, err := g.root.GetProperty(IfaceManager + "." + name)
	if err != nil {
		t.Fatalf("Get %s: %v", name, err)
	}
	return v.Value()
}

func dbusErr(err error) (name, msg string) {
	var de dbus.Error
	if errors.As(err, &de) {
		if len(de.Body) > 0 {
			msg, _ = de.Body[0].(string)
		}
		return de.Name, msg
	}
	if err != nil {
		return "?", err.Error()
	}
	return "", ""
}

func wantError(t *testing.T, what string, err error, name, msg string) {
	t.Helper()
	gotName, gotMsg := dbusErr(err)
	if gotName != name || (msg != "" && gotMsg != msg) {
		t.Errorf("%s: error %s %q, want %s %q", what, gotName, gotMsg, name, msg)
	}
}

func TestRootObject(t *testing.T) {
	g := startGonm(t, testbed.DaemonOptions{}, testbed.BusOptions{})
	g.waitStartup(t)
	// Every property, with the values of a daemon whose namespace has only
	// lo, which it shows connected externally (ignored for the state).
	var all map[string]dbus.Variant
	if err := g.root.Call("org.freedesktop.DBus.Properties.GetAll", 0, IfaceManager).Store(&all); err != nil {
		t.Fatal(err)
	}
	const lo = dbus.ObjectPath("/org/freedesktop/NetworkManager/Devices/1")
	const loAC = dbus.ObjectPath("/org/freedesktop/NetworkManager/ActiveConnection/1")
	want := map[string]any{
		"Devices": []dbus.ObjectPath{lo}, "AllDevices": []dbus.ObjectPath{lo}, "Checkpoints": []dbus.ObjectPath{},
		"NetworkingEnabled": true, "WirelessEnabled": true, "WirelessHardwareEnabled": true,
		"WwanEnabled": true, "WwanHardwareEnabled": true, "WimaxEnabled": false, "WimaxHardwareEnabled": false,
		"RadioFlags": uint32(0), "ActiveConnections": []dbus.ObjectPath{loAC}, "PrimaryConnection": dbus.ObjectPath("/"),
		"PrimaryConnectionType": "", "Metered": uint32(0), "ActivatingConnection": dbus.ObjectPath("/"),
		"Startup": false, "Version": "1.42.4", "VersionInfo": []uint32{1<<16 | 42<<8 | 4}, "Capabilities": []uint32{},
		"State": StateDisconnected, "Connectivity": ConnectivityUnknown, "ConnectivityCheckAvailable": false,
		"ConnectivityCheckEnabled": false, "ConnectivityCheckUri": "", "GlobalDnsConfiguration": map[string]dbus.Variant{},
	}
	if len(all) != len(want) {
		t.Errorf("GetAll has %d properties, want %d", len(all), len(want))
	}
	for k, w := range want {
		v, ok := all[k]
		if !ok {
			t.Errorf("property %s missing", k)
			continue
		}
		if fmt.Sprintf("%#v", v.Value()) != fmt.Sprintf("%#v", w) {
			t.Errorf("%s = %#v, want %#v", k, v.Value(), w)
		}
	}
	if version.NetworkManager != "1.42.4" {
		t.Errorf("version.NetworkManager = %s", version.NetworkManager)
	}

	call := func(method string, args ...any) *dbus.Call {
		return g.root.Call(IfaceManager+"."+method, 0, args...)
	}
	var state uint32
	if err := call("state").Store(&state); err != nil || state != StateDisconnected {
		t.Errorf("state() = %d, %v", state, err)
	}
	var devs []dbus.ObjectPath
	if err := call("GetDevices").Store(&devs); err != nil || !slices.Equal(devs, []dbus.ObjectPath{lo}) {
		t.Errorf("GetDevices = %v, %v", devs, err)
	}
	if err := call("GetAllDevices").Store(&devs); err != nil || !slices.Equal(devs, []dbus.ObjectPath{lo}) {
		t.Errorf("GetAllDevices = %v, %v", devs, err)
	}
	var dev dbus.ObjectPath
	if err := call("GetDeviceByIpIface", "lo").Store(&dev); err != nil || dev != lo {
		t.Errorf("GetDeviceByIpIface(lo) = %v, %v", dev, err)
	}
	wantError(t, "GetDeviceByIpIface", call("GetDeviceByIpIface", "eth0").Err, bus.ManagerUnknownDevice, "No device found for the requested iface.")
	wantError(t, "DeactivateConnection", call("DeactivateConnection", dbus.ObjectPath("/x")).Err, bus.ManagerConnectionNotActive, "The connection was not active.")
	wantError(t, "ActivateConnection", call("ActivateConnection", dbus.ObjectPath("/"), dbus.ObjectPath("/"), dbus.ObjectPath("/")).Err,
		bus.ManagerUnknownDevice, "Only devices may be activated without a specifying a connection")
	wantError(t, "ActivateConnection unknown", call("ActivateConnection", dbus.ObjectPath("/org/freedesktop/NetworkManager/Settings/99"), dbus.ObjectPath("/"), dbus.ObjectPath("/")).Err,
		bus.ManagerUnknownConnection, "Connection could not be found.")
	wantError(t, "CheckpointCreate", call("CheckpointCreate", []dbus.ObjectPath{}, uint32(0), uint32(0)).Err, bus.ManagerFailed, "")
	wantError(t, "CheckpointCreate flags", call("CheckpointCreate", []dbus.ObjectPath{}, uint32(0), uint32(0x100)).Err, bus.ManagerInvalidArguments, "Invalid flags")
	wantError(t, "CheckpointRollback", call("CheckpointRollback", dbus.ObjectPath("/x")).Err, bus.ManagerInvalidArguments, "checkpoint /x does not exist")
	if err := call("CheckpointDestroy", dbus.ObjectPath("/")).Err; err != nil {
		t.Errorf("CheckpointDestroy(/): %v", err)
	}
	var conn uint32
	if err := call("CheckConnectivity").Store(&conn); err != nil || conn != ConnectivityUnknown {
		t.Errorf("CheckConnectivity = %d, %v", conn, err)
	}

	// Logging, live.
	var level, domains string
	if err := call("SetLogging", "info", "CORE,DHCP4:TRACE").Err; err != nil {
		t.Fatal(err)
	}
	if err := call("GetLogging").Store(&level, &domains); err != nil || level != "INFO" || domains != "DHCP4:TRACE,CORE" {
		t.Errorf("GetLogging = %q %q, %v", level, domains, err)
	}
	wantError(t, "SetLogging level", call("SetLogging", "FOO", "").Err, bus.ManagerUnknownLogLevel, "Unknown log level 'FOO'")
	wantError(t, "SetLogging domain", call("SetLogging", "", "FOO").Err, bus.ManagerUnknownLogDomain, "Unknown log domain 'FOO'")
	if err := g.d.WaitLog("logging: level 'INFO' domains 'DHCP4:TRACE,CORE'", 10*time.Second); err != nil {
		t.Error(err)
	}
	if err := call("SetLogging", "debug", "ALL").Err; err != nil {
		t.Fatal(err)
	}

	// Reload: bad flags refused, a changed configuration re-read.
	wantError(t, "Reload(8)", call("Reload", uint32(8)).Err, bus.ManagerInvalidArguments, "Invalid flags for reload")
	if err := os.WriteFile(filepath.Join(g.d.ConfigDir, "90-concheck.conf"), []byte("[connectivity]\nuri=http://example.org/check\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := call("Reload", ReloadConf).Err; err != nil {
		t.Fatal(err)
	}
	if g.prop(t, "ConnectivityCheckUri") != "http://example.org/check" {
		t.Errorf("after Reload: uri %v", g.prop(t, "ConnectivityCheckUri"))
	}
	if g.prop(t, "ConnectivityCheckAvailable") != true {
		t.Errorf("after Reload: ConnectivityCheckAvailable %v", g.prop(t, "ConnectivityCheckAvailable"))
	}

	// Enable: persisted in the state file, state and signal follow.
	sigs := make(chan *dbus.Signal, 20)
	g.conn.Signal(sigs)
	if err := g.conn.AddMatchSignal(dbus.WithMatchObjectPath(bus.PathManager)); err != nil {
		t.Fatal(err)
	}
	wantError(t, "Enable(true)", call("Enable", true).Err, bus.ManagerAlreadyEnabledOrDisabled, "Already enabled")
	if err := call("Enable", false).Err; err != nil {
		t.Fatal(err)
	}
	st, err := os.ReadFile(g.d.StateFile)
	if err != nil || string(st) != "[main]\nNetworkingEnabled=false\nWirelessEnabled=true\nWWANEnabled=true\n" {
		t.Errorf("state file %q, %v", st, err)
	}
	if g.prop(t, "NetworkingEnabled") != false || g.prop(t, "State") != StateAsleep {
		t.Errorf("after Enable(false): NetworkingEnabled %v State %v", g.prop(t, "NetworkingEnabled"), g.prop(t, "State"))
	}
	waitSignal(t, sigs, IfaceManager+".StateChanged", func(s *dbus.Signal) bool { return s.Body[0] == StateAsleep })
	wantError(t, "Enable(false)", call("Enable", false).Err, bus.ManagerAlreadyEnabledOrDisabled, "Already disabled")
	// Radio writes are accepted and ignored while networking is off.
	if err := g.root.SetProperty(IfaceManager+".WirelessEnabled", dbus.MakeVariant(false)); err != nil {
		t.Fatal(err)
	}
	if g.prop(t, "WirelessEnabled") != true {
		t.Error("WirelessEnabled changed while networking is disabled")
	}
	if err := call("Enable", true).Err; err != nil {
		t.Fatal(err)
	}
	if err := g.root.SetProperty(IfaceManager+".WirelessEnabled", dbus.MakeVariant(false)); err != nil {
		t.Fatal(err)
	}
	if g.prop(t, "WirelessEnabled") != false {
		t.Error("WirelessEnabled not changed")
	}
	if st, _ := os.ReadFile(g.d.StateFile); !strings.Contains(string(st), "WirelessEnabled=false") {
		t.Errorf("WirelessEnabled not persisted: %q", st)
	}
	wantError(t, "ConnectivityCheckEnabled", g.root.SetProperty(IfaceManager+".ConnectivityCheckEnabled", dbus.MakeVariant(true)), bus.ManagerFailed, "")
	wantError(t, "Set Version", g.root.SetProperty(IfaceManager+".Version", dbus.MakeVariant("x")), bus.DBusInvalidArgs, "Property “Version” is not writable")

	// Sleep.
	wantError(t, "Sleep(false)", call("Sleep", false).Err, bus.ManagerAlreadyAsleepOrAwake, "Already awake")
	if err := call("Sleep", true).Err; err != nil {
		t.Fatal(err)
	}
	if g.prop(t, "State") != StateAsleep {
		t.Errorf("asleep: State %v", g.prop(t, "State"))
	}
	if err := call("Sleep", false).Err; err != nil {
		t.Fatal(err)
	}
	if g.prop(t, "State") != StateDisconnected {
		t.Errorf("awake: State %v", g.prop(t, "State"))
	}

	// The state file is read at start.
	g.d.Stop()
	testbed.StartDaemon(t, g.ns, testbed.DaemonOptions{Dir: g.d.Dir})
	if v, _ := g.root.GetProperty(IfaceManager + ".WirelessEnabled"); v.Value() != false {
		t.Errorf("WirelessEnabled after restart: %v", v)
	}
}

func waitSignal(t *testing.T, ch chan *dbus.Signal, name string, match func(*dbus.Signal) bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case s := <-ch:
			if s.Name == name && match(s) {
				return
			}
		case <-deadline:
			t.Fatalf("no %s signal", name)
		}
	}
}

func TestStaticObjects(t *testing.T) {
	g := startGonm(t, testbed.DaemonOptions{ConfD: map[string]string{"dns.conf": "[main]\ndns=dnsmasq\nrc-manager=file\n"}}, testbed.BusOptions{})
	dns := g.conn.Object(testbed.BusName, bus.PathDnsManager)
	var all map[string]dbus.Variant
	if err := dns.Call("org.freedesktop.DBus.Properties.GetAll", 0, IfaceDnsManager).Store(&all); err != nil {
		t.Fatal(err)
	}
	if all["Mode"].Value() != "dnsmasq" || all["RcManager"].Value() != "file" || len(all["Configuration"].Value().([]map[string]dbus.Variant)) != 0 {
		t.Errorf("DnsManager: %v", all)
	}
	am := g.conn.Object(testbed.BusName, bus.PathAgentManager)
	wantError(t, "Unregister", am.Call(IfaceAgentManager+".Unregister", 0).Err, bus.AgentManagerNotRegistered, "Caller is not registered as an Agent")
	for id, msg := range map[string]string{
		"ab":      "Identifier length not between 3 and 255 characters (inclusive)",
		".abc":    "Identifier must not start or end with '.'",
		"a b c":   "Identifier contains invalid character ' '",
		"abc..de": "Identifier contains two '.' characters in sequence",
	} {
		wantError(t, "Register "+id, am.Call(IfaceAgentManager+".Register", 0, id).Err, bus.AgentManagerInvalidIdentifier, msg)
	}
	if err := am.Call(IfaceAgentManager+".RegisterWithCapabilities", 0, "org.example.agent", uint32(1)).Err; err != nil {
		t.Fatal(err)
	}
	wantError(t, "Register twice", am.Call(IfaceAgentManager+".Register", 0, "org.example.agent").Err,
		bus.AgentManagerPermissionDenied, "An agent with this ID is already registered for this user.")
	if err := am.Call(IfaceAgentManager+".Unregister", 0).Err; err != nil {
		t.Errorf("Unregister: %v", err)
	}
	// An agent whose connection goes away is forgotten.
	other := g.ns.Bus.Conn(t)
	if err := other.Object(testbed.BusName, bus.PathAgentManager).Call(IfaceAgentManager+".Register", 0, "org.example.agent").Err; err != nil {
		t.Fatal(err)
	}
	other.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := am.Call(IfaceAgentManager+".Register", 0, "org.example.agent").Err
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("agent of a closed connection still registered: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The objects clients bootstrap from are all in GetManagedObjects, with
// exactly the interfaces of their classes.
func TestManagedObjects(t *testing.T) {
	g := startGonm(t, testbed.DaemonOptions{}, testbed.BusOptions{})
	g.waitStartup(t)
	var managed map[dbus.ObjectPath]map[string]map[string]dbus.Variant
	if err := g.conn.Object(testbed.BusName, bus.ObjectManagerPath).Call("org.freedesktop.DBus.ObjectManager.GetManagedObjects", 0).Store(&managed); err != nil {
		t.Fatal(err)
	}
	var got []string
	for p, ifs := range managed {
		for i := range ifs {
			got = append(got, string(p)+" "+i)
		}
	}
	slices.Sort(got)
	want := []string{
		"/org/freedesktop/NetworkManager org.freedesktop.NetworkManager",
		"/org/freedesktop/NetworkManager/ActiveConnection/1 org.freedesktop.NetworkManager.Connection.Active",
		"/org/freedesktop/NetworkManager/AgentManager org.freedesktop.NetworkManager.AgentManager",
		"/org/freedesktop/NetworkManager/Devices/1 org.freedesktop.NetworkManager.Device",
		"/org/freedesktop/NetworkManager/Devices/1 org.freedesktop.NetworkManager.Device.Loopback",
		"/org/freedesktop/NetworkManager/Devices/1 org.freedesktop.NetworkManager.Device.Statistics",
		"/org/freedesktop/NetworkManager/DnsManager org.freedesktop.NetworkManager.DnsManager",
		// lo's IP config objects (every device with a link has them).
		"/org/freedesktop/NetworkManager/IP4Config/1 org.freedesktop.NetworkManager.IP4Config",
		"/org/freedesktop/NetworkManager/IP6Config/1 org.freedesktop.NetworkManager.IP6Config",
		"/org/freedesktop/NetworkManager/Settings org.freedesktop.NetworkManager.Settings",
		// The profile generated for lo's external configuration.
		"/org/freedesktop/NetworkManager/Settings/1 org.freedesktop.NetworkManager.Settings.Connection",
	}
	if !slices.Equal(got, want) {
		t.Errorf("managed objects:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The profile generated for lo's external configuration gets a timestamp
// once its activation is activated, as every profile NetworkManager 1.42
// activates does (nmcli shows it as connection.timestamp and TIMESTAMP).
func TestExternalActivationTimestamp(t *testing.T) {
	g := startGonm(t, testbed.DaemonOptions{}, testbed.BusOptions{})
	g.waitStartup(t)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var s map[string]map[string]dbus.Variant
		err := g.conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager/Settings/1").
			Call("org.freedesktop.NetworkManager.Settings.Connection.GetSettings", 0).Store(&s)
		if err != nil {
			t.Fatal(err)
		}
		if id := s["connection"]["id"].Value(); id != "lo" {
			t.Fatalf("Settings/1 is %v, want lo's generated profile", id)
		}
		ts, _ := s["connection"]["timestamp"].Value().(uint64)
		if now := uint64(time.Now().Unix()); ts > now || ts+60 < now {
			if time.Now().After(deadline) {
				t.Fatalf("lo's profile has timestamp %d, want about %d", ts, now)
			}
			time.Sleep(50 * time.Millisecond)
			continue
		}
		return
	}
}

// Migrating lo's generated profile to a keyfile (nmcli connection
// migrate: Update2 with the keyfile plugin) makes it a profile like any
// other: its activation is no longer external (StateFlags without 0x80,
// nmcli's "connected" instead of "connected (externally)"), as in
// NetworkManager 1.42.
func TestMigratedExternalProfileBecomesManaged(t *testing.T) {
	g := startGonm(t, testbed.DaemonOptions{}, testbed.BusOptions{})
	g.waitStartup(t)
	ac := g.conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager/ActiveConnection/1")
	flags := func() uint32 {
		v, err := ac.GetProperty("org.freedesktop.NetworkManager.Connection.Active.StateFlags")
		if err != nil {
			t.Fatal(err)
		}
		return v.Value().(uint32)
	}
	if f := flags(); f&0x80 == 0 {
		t.Fatalf("lo's activation has state flags %#x, want external (0x80)", f)
	}
	err := g.conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager/Settings/1").Call(
		"org.freedesktop.NetworkManager.Settings.Connection.Update2", 0,
		map[string]map[string]dbus.Variant{}, uint32(0), map[string]dbus.Variant{"plugin": dbus.MakeVariant("keyfile")}).Err
	if err != nil {
		t.Fatal(err)
	}
	if f := flags(); f&0x80 != 0 || f&0x4 == 0 {
		t.Errorf("after the migration lo's activation has state flags %#x, want activated and not external", f)
	}
	out, err := g.ns.Run("nmcli", "-t", "-f", "DEVICE,STATE", "device")
	if err != nil || !strings.Contains(out, "lo:connected\n") {
		t.Errorf("nmcli device after the migration: %v\n%s", err, out)
	}
}

// A client that hears a device reach ACTIVATED and then reads the
// device's IP4Config finds the addresses the activation configured, even
// when the previous change of that object was a moment before (the rate
// limit of IP config objects must not hide them): nmcli device connect
// followed by nmcli device show, or nmcli's device list, which sorts by
// the number of addresses, as NetworkManager's objects, updated as the
// platform changes, show it.
func TestIPConfigCurrentWhenActivated(t *testing.T) {
	ns := testbed.NewNetns(t)
	peer := testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{})
	testbed.StartDaemon(t, ns, testbed.DaemonOptions{Quiet: true})
	conn := ns.Bus.Conn(t)
	g := &gonm{ns: ns, conn: conn, root: conn.Object(testbed.BusName, bus.PathManager)}
	g.waitStartup(t)
	v := dbus.MakeVariant
	profile := map[string]map[string]dbus.Variant{
		"connection": {"id": v("p1"), "uuid": v("8d7c3f8e-2b1a-4c55-9e0f-6a7b8c9d0e1f"), "type": v("802-3-ethernet"),
			"interface-name": v("eth1"), "autoconnect": v(false)},
		"ipv4": {"method": v("manual"), "address-data": v([]map[string]dbus.Variant{{"address": v("192.0.2.10"), "prefix": v(uint32(24))}})},
		"ipv6": {"method": v("disabled")},
	}
	var cpath, dev dbus.ObjectPath
	if err := conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager/Settings").Call(
		"org.freedesktop.NetworkManager.Settings.AddConnection", 0, profile).Store(&cpath); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for g.root.Call(IfaceManager+".GetDeviceByIpIface", 0, "eth1").Store(&dev) != nil {
		if time.Now().After(deadline) {
			t.Fatal("no device eth1")
		}
		time.Sleep(20 * time.Millisecond)
	}
	states := make(chan uint32, 100)
	sigs := make(chan *dbus.Signal, 100)
	conn.Signal(sigs)
	if err := conn.AddMatchSignal(dbus.WithMatchObjectPath(dev), dbus.WithMatchInterface("org.freedesktop.NetworkManager.Device"), dbus.WithMatchMember("StateChanged")); err != nil {
		t.Fatal(err)
	}
	go func() {
		for s := range sigs {
			if s.Path == dev && s.Name == "org.freedesktop.NetworkManager.Device.StateChanged" {
				states <- s.Body[0].(uint32)
			}
		}
	}()
	waitState := func(want uint32) {
		t.Helper()
		for {
			select {
			case s := <-states:
				if s == want {
					return
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("device never reached state %d", want)
			}
		}
	}
	addresses := func() []string {
		var managed map[dbus.ObjectPath]map[string]map[string]dbus.Variant
		if err := conn.Object(testbed.BusName, bus.ObjectManagerPath).Call("org.freedesktop.DBus.ObjectManager.GetManagedObjects", 0).Store(&managed); err != nil {
			t.Fatal(err)
		}
		ip4, _ := managed[dev]["org.freedesktop.NetworkManager.Device"]["Ip4Config"].Value().(dbus.ObjectPath)
		var out []string
		data, _ := managed[ip4]["org.freedesktop.NetworkManager.IP4Config"]["AddressData"].Value().([]map[string]dbus.Variant)
		for _, a := range data {
			out = append(out, fmt.Sprint(a["address"].Value()))
		}
		return out
	}
	for i := range 5 {
		if err := g.root.Call(IfaceManager+".ActivateConnection", 0, cpath, dev, dbus.ObjectPath("/")).Err; err != nil {
			t.Fatal(err)
		}
		waitState(100)
		if got := addresses(); !slices.Equal(got, []string{"192.0.2.10"}) {
			t.Fatalf("round %d: right after ACTIVATED the device's IP4Config has addresses %v, want [192.0.2.10]", i, got)
		}
		if err := conn.Object(testbed.BusName, dev).Call("org.freedesktop.NetworkManager.Device.Disconnect", 0).Err; err != nil {
			t.Fatal(err)
		}
		waitState(30)
	}
}
