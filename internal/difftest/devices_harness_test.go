package difftest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/testbed"
)

// The device scenarios run the same steps against NetworkManager 1.42 and
// gonm and compare the StateChanged sequences of every device (named by
// interface) and every active connection (named by profile), and the
// output of nmcli where a step asks for it.

const (
	ifaceNM     = "org.freedesktop.NetworkManager"
	ifaceDevice = "org.freedesktop.NetworkManager.Device"
	ifaceActive = "org.freedesktop.NetworkManager.Connection.Active"
)

// devSide is one daemon in its namespace, with a signal recorder.
type devSide struct {
	t      *testing.T
	name   string
	ns     *testbed.Netns
	peer   *testbed.Netns
	d      *testbed.Daemon
	conn   *dbus.Conn
	mu     sync.Mutex
	events []string
	names  map[dbus.ObjectPath]string
	// profiles maps keyfile order to UUIDs (for gonm before its Settings
	// objects exist).
	uuids []string
	dopts testbed.DaemonOptions
	busy  bool
}

// scenario is one run: links made before the daemon starts, profiles
// installed as keyfiles, extra configuration, then steps.
type scenario struct {
	setup    func(s *devSide)
	profiles map[string]string // file name -> keyfile text
	conf     string
	confD    map[string]string // conf.d files by name
	// busy: an activation keeps start-up from completing (a DHCP
	// attempt); steps begin once the daemon owns its name.
	busy  bool
	steps func(s *devSide)
}

func runSide(t *testing.T, name string, sc scenario) *devSide {
	t.Helper()
	s := &devSide{t: t, name: name, names: map[dbus.ObjectPath]string{}}
	s.ns = testbed.NewNetns(t)
	s.peer = testbed.NewNetns(t)
	opts := testbed.BusOptions{}
	if name == "nm" {
		opts.Policies = []string{testbed.NetworkManagerPolicy}
	}
	s.ns.Bus = testbed.StartBus(t, opts)
	if sc.setup != nil {
		sc.setup(s)
	}
	s.conn = s.ns.Bus.Conn(t)
	ch := make(chan *dbus.Signal, 4096)
	s.conn.Signal(ch)
	for _, m := range []dbus.MatchOption{dbus.WithMatchMember("StateChanged"), dbus.WithMatchMember("DeviceAdded"), dbus.WithMatchMember("DeviceRemoved")} {
		if err := s.conn.AddMatchSignal(m); err != nil {
			t.Fatal(err)
		}
	}
	go s.record(ch)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "system-connections"), 0o755); err != nil {
		t.Fatal(err)
	}
	var files []string
	for f := range sc.profiles {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		text := sc.profiles[f]
		if err := os.WriteFile(filepath.Join(dir, "system-connections", f), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		if m := regexp.MustCompile(`(?m)^uuid=(\S+)`).FindStringSubmatch(text); m != nil {
			s.uuids = append(s.uuids, m[1])
		}
	}
	dopts := testbed.DaemonOptions{Dir: dir, Quiet: os.Getenv("DIFFTEST_VERBOSE") == "" || name == "nm"}
	dopts.ConfD = sc.confD
	if sc.conf != "" {
		dopts.Config = testbed.DefaultConfig + "\n" + sc.conf
	}
	s.dopts = dopts
	s.busy = sc.busy
	s.start()
	sc.steps(s)
	s.settle()
	return s
}

// start starts the daemon (again, with the same files) and waits for the
// end of its start-up.
func (s *devSide) start() {
	if s.name == "nm" {
		s.d = testbed.StartReference(s.t, s.ns, s.dopts)
	} else {
		s.d = testbed.StartDaemon(s.t, s.ns, s.dopts)
	}
	s.dopts.Dir = s.d.Dir
	if !s.busy {
		s.waitStartup()
	}
}

// restart stops the daemon, calls between while it is down, and starts it
// again with the same files. The events recorded so far are dropped: the
// new daemon numbers its objects afresh.
func (s *devSide) restart(between func()) {
	s.t.Helper()
	if err := s.d.Stop(); err != nil {
		s.t.Fatalf("%s: stop: %v", s.name, err)
	}
	s.settle() // signals already received are recorded before the reset
	s.mu.Lock()
	s.events = nil
	s.names = map[dbus.ObjectPath]string{}
	s.mu.Unlock()
	if between != nil {
		between()
	}
	s.start()
}

func (s *devSide) record(ch chan *dbus.Signal) {
	for sig := range ch {
		var ev string
		switch sig.Name {
		case ifaceNM + ".DeviceAdded", ifaceNM + ".DeviceRemoved":
			p, _ := sig.Body[0].(dbus.ObjectPath)
			ev = fmt.Sprintf("%s %s", strings.TrimPrefix(sig.Name, ifaceNM+"."), s.nameOf(p, ifaceDevice, "Interface"))
		case ifaceDevice + ".StateChanged":
			ev = fmt.Sprintf("device %s: %v %v %v", s.nameOf(sig.Path, ifaceDevice, "Interface"), sig.Body[0], sig.Body[1], sig.Body[2])
		case ifaceActive + ".StateChanged":
			ev = fmt.Sprintf("active %s: %v %v", s.nameOf(sig.Path, ifaceActive, "Id"), sig.Body[0], sig.Body[1])
		case ifaceNM + ".StateChanged":
			ev = fmt.Sprintf("manager: %v", sig.Body[0])
		default:
			continue
		}
		s.mu.Lock()
		s.events = append(s.events, ev)
		s.mu.Unlock()
	}
}

// nameOf names an object by a property, remembered once read.
func (s *devSide) nameOf(p dbus.ObjectPath, iface, prop string) string {
	s.mu.Lock()
	n, ok := s.names[p]
	s.mu.Unlock()
	if ok {
		return n
	}
	v, err := s.conn.Object(testbed.BusName, p).GetProperty(iface + "." + prop)
	if err != nil {
		return string(p)
	}
	n = fmt.Sprint(v.Value())
	s.mu.Lock()
	s.names[p] = n
	s.mu.Unlock()
	return n
}

// sequences returns the recorded events grouped per object, in order.
func (s *devSide) sequences() map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string][]string{}
	for _, e := range s.events {
		key := e
		if i := strings.Index(e, ":"); i >= 0 {
			key = e[:i]
		} else if strings.HasPrefix(e, "Device") {
			key = "added/removed"
		}
		out[key] = append(out[key], e)
	}
	return out
}

func (s *devSide) settle() { time.Sleep(300 * time.Millisecond) }

func (s *devSide) waitStartup() {
	s.until("start-up", 20*time.Second, func() bool {
		v, err := s.conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager").GetProperty(ifaceNM + ".Startup")
		return err == nil && v.Value() == false
	})
}

// until polls cond.
func (s *devSide) until(what string, timeout time.Duration, cond func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("%s: timed out waiting for %s", s.name, what)
}

// device finds a device by interface name.
func (s *devSide) device(iface string) dbus.ObjectPath {
	var p dbus.ObjectPath
	err := s.conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager").Call(ifaceNM+".GetDeviceByIpIface", 0, iface).Store(&p)
	if err != nil {
		s.t.Fatalf("%s: GetDeviceByIpIface %s: %v", s.name, iface, err)
	}
	return p
}

func (s *devSide) deviceState(iface string) uint32 {
	var p dbus.ObjectPath
	if err := s.conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager").Call(ifaceNM+".GetDeviceByIpIface", 0, iface).Store(&p); err != nil {
		return 0
	}
	v, err := s.conn.Object(testbed.BusName, p).GetProperty(ifaceDevice + ".State")
	if err != nil {
		return 0
	}
	st, _ := v.Value().(uint32)
	return st
}

// waitState waits until a device reaches a state.
func (s *devSide) waitState(iface string, state uint32) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for s.deviceState(iface) != state {
		if time.Now().After(deadline) {
			out, _ := s.ns.Run("nmcli", "device")
			s.t.Fatalf("%s: timed out waiting for %s in state %d (state %d)\n%s", s.name, iface, state, s.deviceState(iface), out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// profilePath finds a profile's Settings.Connection object.
func (s *devSide) profilePath(uuid string) dbus.ObjectPath {
	var p dbus.ObjectPath
	err := s.conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager/Settings").Call(ifaceNM+".Settings.GetConnectionByUuid", 0, uuid).Store(&p)
	if err == nil {
		return p
	}
	// gonm before its Settings objects exist: the store numbers the
	// profiles it loads in the order of their UUIDs.
	uuids := append([]string(nil), s.uuids...)
	sort.Strings(uuids)
	for i, u := range uuids {
		if u == uuid {
			return dbus.ObjectPath(fmt.Sprintf("/org/freedesktop/NetworkManager/Settings/%d", i+1))
		}
	}
	s.t.Fatalf("%s: no profile %s: %v", s.name, uuid, err)
	return ""
}

// activate calls ActivateConnection and returns the error, if any.
func (s *devSide) activate(uuid, iface string) error {
	dev := dbus.ObjectPath("/")
	if iface != "" {
		dev = s.device(iface)
	}
	var ac dbus.ObjectPath
	return s.conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager").
		Call(ifaceNM+".ActivateConnection", 0, s.profilePath(uuid), dev, dbus.ObjectPath("/")).Store(&ac)
}

// disconnect calls Device.Disconnect.
func (s *devSide) disconnect(iface string) error {
	return s.conn.Object(testbed.BusName, s.device(iface)).Call(ifaceDevice+".Disconnect", 0).Err
}

// nmcli runs nmcli in the namespace.
func (s *devSide) nmcli(args ...string) string {
	out, err := s.ns.Run("nmcli", args...)
	if err != nil {
		s.t.Errorf("%s: nmcli %v: %v", s.name, args, err)
	}
	return out
}

var devUUIDRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// normalize hides what differs between runs (generated UUIDs).
func normalize(s string) string { return devUUIDRE.ReplaceAllString(s, "<uuid>") }

// compareSides runs a scenario on both daemons and compares every
// object's sequence; the keys of ignore are objects left out (timing
// that NetworkManager itself does not fix).
func compareSides(t *testing.T, sc scenario, ignore ...string) (nm, gonm *devSide) {
	t.Helper()
	testbed.RequireReference(t)
	nm = runSide(t, "nm", sc)
	gonm = runSide(t, "gonm", sc)
	a, b := nm.sequences(), gonm.sequences()
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var sorted []string
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		skip := false
		for _, ig := range ignore {
			if k == ig {
				skip = true
			}
		}
		if skip {
			continue
		}
		x, y := strings.Join(a[k], "\n"), strings.Join(b[k], "\n")
		if x != y {
			t.Errorf("%s differs:\nNetworkManager 1.42:\n%s\ngonm:\n%s", k, x, y)
		} else {
			t.Logf("%s:\n%s", k, x)
		}
	}
	return nm, gonm
}
