package bus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/loop"
)

const (
	ifDns   = "org.freedesktop.NetworkManager.DnsManager"
	ifIP4   = "org.freedesktop.NetworkManager.IP4Config"
	ifAgent = "org.freedesktop.NetworkManager.AgentManager"
	ifDev   = "org.freedesktop.NetworkManager.Device"
	ifStats = "org.freedesktop.NetworkManager.Device.Statistics"
	ifWired = "org.freedesktop.NetworkManager.Device.Wired"
)

type signal struct {
	path dbus.ObjectPath
	name string
	args []any
}

func (s signal) String() string { return fmt.Sprintf("%s %s %v", s.path, s.name, s.args) }

// harness runs an exporter on a loop with signals recorded instead of sent.
type harness struct {
	t    *testing.T
	e    *Exporter
	l    *loop.Loop
	mu   sync.Mutex
	sigs []signal
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, l: loop.New()}
	h.e = New(h.l, Options{Strict: true})
	h.e.sink = func(path dbus.ObjectPath, name string, args ...any) {
		h.mu.Lock()
		h.sigs = append(h.sigs, signal{path, name, args})
		h.mu.Unlock()
	}
	ctx, cancel := context.WithCancel(context.Background())
	go h.l.Run(ctx)
	t.Cleanup(func() {
		cancel()
		<-h.l.Done()
	})
	return h
}

// do runs fn on the loop and waits for the loop to settle (including the
// idle flush of property changes).
func (h *harness) do(fn func()) {
	h.t.Helper()
	ctx := context.Background()
	if err := h.l.Call(ctx, fn); err != nil {
		h.t.Fatal(err)
	}
	if err := h.l.Settle(ctx); err != nil {
		h.t.Fatal(err)
	}
}

// take returns the signals recorded since the last take.
func (h *harness) take() []signal {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.sigs
	h.sigs = nil
	return s
}

// changes returns the PropertiesChanged signals among sigs as
// "path iface: Prop=value ..." strings.
func changes(sigs []signal) []string {
	var out []string
	for _, s := range sigs {
		if s.name != propertiesChangedSignal {
			out = append(out, fmt.Sprintf("%s %s", s.path, s.name))
			continue
		}
		m := s.args[1].(map[string]dbus.Variant)
		var keys []string
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s=%v", k, m[k].Value()))
		}
		out = append(out, fmt.Sprintf("%s %s: %s", s.path, s.args[0], strings.Join(parts, " ")))
	}
	return out
}

func dnsClass() *Class {
	return MustClass(&Class{Name: "DnsManager", Path: PathDnsManager, Interfaces: []*Interface{{Name: ifDns}}})
}

func ip4Class() *Class {
	return MustClass(&Class{Name: "IP4Config", Path: FamilyIP4Config, Numbered: true, Interfaces: []*Interface{{
		Name:      ifIP4,
		RateLimit: &RateLimit{Interval: RateLimitIPConfig, Properties: []string{"AddressData", "Addresses", "RouteData", "Routes", "Gateway"}},
	}}})
}

func TestChangeDetectionAndMerging(t *testing.T) {
	h := newHarness(t)
	var o *Object
	h.do(func() {
		o = h.e.NewObject(dnsClass())
		o.Set(ifDns, "Mode", "default")
		if err := o.Export(); err != nil {
			t.Fatal(err)
		}
	})
	sigs := h.take()
	if len(sigs) != 1 || sigs[0].name != "org.freedesktop.DBus.ObjectManager.InterfacesAdded" || sigs[0].path != ObjectManagerPath {
		t.Fatalf("export: %v", sigs)
	}
	added := sigs[0].args[1].(map[string]map[string]dbus.Variant)
	if added[ifDns]["Mode"].Value() != "default" || added[ifDns]["RcManager"].Value() != "" || len(added[ifDns]) != 3 {
		t.Errorf("InterfacesAdded carries %v", added)
	}

	// The same value again changes nothing.
	h.do(func() { o.Set(ifDns, "Mode", "default") })
	if s := h.take(); len(s) != 0 {
		t.Errorf("unchanged value emitted %v", s)
	}

	// Two properties changed in one turn: one signal with both.
	h.do(func() {
		o.Set(ifDns, "Mode", "dnsmasq")
		o.Set(ifDns, "RcManager", "file")
		o.Set(ifDns, "Mode", "systemd-resolved")
	})
	got := changes(h.take())
	want := []string{"/org/freedesktop/NetworkManager/DnsManager org.freedesktop.NetworkManager.DnsManager: Mode=systemd-resolved RcManager=file"}
	if !slices.Equal(got, want) {
		t.Errorf("merged change: got %q, want %q", got, want)
	}

	// Changed and changed back within a turn: no change.
	h.do(func() {
		o.Set(ifDns, "Mode", "none")
		o.Set(ifDns, "Mode", "systemd-resolved")
	})
	if s := h.take(); len(s) != 0 {
		t.Errorf("change undone within the turn emitted %v", s)
	}

	// An empty list equals a nil one.
	h.do(func() { o.Set(ifDns, "Configuration", []map[string]dbus.Variant(nil)) })
	if s := h.take(); len(s) != 0 {
		t.Errorf("nil list after empty list emitted %v", s)
	}
}

func TestObjectsFlushInOrderAndSignalsFollowChanges(t *testing.T) {
	h := newHarness(t)
	c := ip4Class()
	var a, b *Object
	h.do(func() {
		a, b = h.e.NewObject(c), h.e.NewObject(c)
		_ = a.Export()
		_ = b.Export()
	})
	h.take()
	h.do(func() {
		b.Set(ifIP4, "DnsPriority", int32(5))
		a.Set(ifIP4, "Searches", []string{"example.org"})
		b.Set(ifIP4, "Domains", []string{"lan"})
	})
	got := changes(h.take())
	want := []string{
		"/org/freedesktop/NetworkManager/IP4Config/2 org.freedesktop.NetworkManager.IP4Config: DnsPriority=5 Domains=[lan]",
		"/org/freedesktop/NetworkManager/IP4Config/1 org.freedesktop.NetworkManager.IP4Config: Searches=[example.org]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestEmitFlushesPendingChangesFirst(t *testing.T) {
	h := newHarness(t)
	dev := MustClass(&Class{Name: "Device", Path: FamilyDevices, Numbered: true, Interfaces: []*Interface{
		{Name: ifDev, Methods: deviceMethods(), Setters: map[string]Handler{"Managed": replyOK, "Autoconnect": replyOK}},
		{Name: ifStats, Setters: map[string]Handler{"RefreshRateMs": replyOK}},
	}})
	var d *Object
	h.do(func() {
		d = h.e.NewObject(dev)
		_ = d.Export()
	})
	h.take()
	h.do(func() {
		d.Set(ifDev, "State", uint32(30))
		d.Emit(ifDev, "StateChanged", uint32(30), uint32(20), uint32(0))
		d.Set(ifStats, "TxBytes", uint64(7))
	})
	got := changes(h.take())
	want := []string{
		"/org/freedesktop/NetworkManager/Devices/1 org.freedesktop.NetworkManager.Device: State=30",
		"/org/freedesktop/NetworkManager/Devices/1 org.freedesktop.NetworkManager.Device.StateChanged",
		"/org/freedesktop/NetworkManager/Devices/1 org.freedesktop.NetworkManager.Device.Statistics: TxBytes=7",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func replyOK(c *Call) { c.Reply() }

func deviceMethods() map[string]Handler {
	return map[string]Handler{
		"Reapply": replyOK,
		"GetAppliedConnection": func(c *Call) {
			c.Reply(map[string]map[string]dbus.Variant{}, uint64(0))
		},
		"Disconnect": replyOK,
		"Delete":     replyOK,
	}
}

func TestExportPathsAndUnexport(t *testing.T) {
	h := newHarness(t)
	c := ip4Class()
	dns := dnsClass()
	var objs []*Object
	h.do(func() {
		for range 3 {
			o := h.e.NewObject(c)
			if err := o.Export(); err != nil {
				t.Fatal(err)
			}
			objs = append(objs, o)
		}
		if err := h.e.NewObject(dns).Export(); err != nil {
			t.Fatal(err)
		}
		if err := h.e.NewObject(dns).Export(); err == nil {
			t.Error("second object at a static path exported")
		}
	})
	for i, o := range objs {
		if want := dbus.ObjectPath(fmt.Sprintf("/org/freedesktop/NetworkManager/IP4Config/%d", i+1)); o.Path() != want {
			t.Errorf("object %d at %s, want %s", i, o.Path(), want)
		}
	}
	h.take()
	h.do(func() {
		objs[2].Set(ifIP4, "DnsPriority", int32(9)) // pending, dropped on removal
		objs[0].Set(ifIP4, "DnsPriority", int32(1)) // pending, emitted before the removal
		objs[2].Unexport()
		objs[1].Unexport()
		o := h.e.NewObject(c)
		_ = o.Export()
		objs = append(objs, o)
		objs[1].Export() // again: a new number
	})
	got := changes(h.take())
	want := []string{
		"/org/freedesktop/NetworkManager/IP4Config/1 org.freedesktop.NetworkManager.IP4Config: DnsPriority=1",
		"/org/freedesktop org.freedesktop.DBus.ObjectManager.InterfacesRemoved",
		"/org/freedesktop org.freedesktop.DBus.ObjectManager.InterfacesRemoved",
		"/org/freedesktop org.freedesktop.DBus.ObjectManager.InterfacesAdded",
		"/org/freedesktop org.freedesktop.DBus.ObjectManager.InterfacesAdded",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if objs[3].Path() != "/org/freedesktop/NetworkManager/IP4Config/4" || objs[1].Path() != "/org/freedesktop/NetworkManager/IP4Config/5" {
		t.Errorf("numbers reused: new object at %s, re-exported at %s", objs[3].Path(), objs[1].Path())
	}
	if objs[2].Path() != NoObject {
		t.Errorf("removed object still at %s", objs[2].Path())
	}
	mo := h.e.managedObjects()
	if len(mo) != 4 || mo["/org/freedesktop/NetworkManager/IP4Config/3"] != nil {
		t.Errorf("managed objects: %v", mo)
	}
}

// The rate limit: first change at once, then at most one emission per
// interval with the settled state, which is never lost.
func TestRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		var o *Object
		h.do(func() {
			o = h.e.NewObject(ip4Class())
			_ = o.Export()
		})
		h.take()
		gw := func(s string) { h.do(func() { o.Set(ifIP4, "Gateway", s) }) }
		emitted := func() []string {
			var out []string
			for _, s := range h.take() {
				if s.name == propertiesChangedSignal {
					m := s.args[1].(map[string]dbus.Variant)
					for k, v := range m {
						out = append(out, fmt.Sprintf("%s=%v", k, v.Value()))
					}
				}
			}
			slices.Sort(out)
			return out
		}
		start := time.Now()
		gw("a") // quiet before: at once
		if got := emitted(); !slices.Equal(got, []string{"Gateway=a"}) {
			t.Fatalf("first change: %q", got)
		}
		time.Sleep(100 * time.Millisecond)
		gw("b")
		h.do(func() { o.Set(ifIP4, "DnsPriority", int32(3)) }) // not limited: at once
		time.Sleep(100 * time.Millisecond)
		gw("c")
		if got := emitted(); !slices.Equal(got, []string{"DnsPriority=3"}) {
			t.Fatalf("within the interval only the unlimited change may go out, got %q", got)
		}
		// Get shows the last emitted value while changes are held.
		if v := h.getProp(o, ifIP4, "Gateway"); v != "a" {
			t.Errorf("Get during the interval = %v, want the emitted a", v)
		}
		time.Sleep(time.Until(start.Add(333 * time.Millisecond)))
		synctest.Wait()
		h.do(func() {})
		if got := emitted(); !slices.Equal(got, []string{"Gateway=c"}) {
			t.Fatalf("end of interval: %q, want the settled c", got)
		}
		if v := h.getProp(o, ifIP4, "Gateway"); v != "c" {
			t.Errorf("Get after the interval = %v, want c", v)
		}
		// A continuous stream: one emission per interval.
		n := 0
		for i := range 30 { // 3 s of changes every 100 ms
			gw(fmt.Sprintf("s%d", i))
			n += len(emitted())
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		h.do(func() {})
		last := emitted()
		n += len(last)
		if n < 8 || n > 11 {
			t.Errorf("a 3 s stream of changes gave %d emissions, want about 3 per second", n)
		}
		if v := h.getProp(o, ifIP4, "Gateway"); v != "s29" {
			t.Errorf("settled state %v, want s29", v)
		}
		// Quiet again: the next change goes out at once.
		gw("z")
		if got := emitted(); !slices.Equal(got, []string{"Gateway=z"}) {
			t.Errorf("after a quiet period: %q", got)
		}
		h.do(func() { o.Unexport() })
	})
}

func (h *harness) getProp(o *Object, iface, prop string) any {
	h.t.Helper()
	var path dbus.ObjectPath
	h.do(func() { path = o.Path() })
	vals, err := h.e.await(h.e.route(callMsg(path, "org.freedesktop.DBus.Properties", "Get", iface, prop)))
	if err != nil {
		h.t.Fatalf("Get %s.%s: %v", iface, prop, err)
	}
	return vals[0].(dbus.Variant).Value()
}

func callMsg(path dbus.ObjectPath, iface, member string, args ...any) *dbus.Message {
	msg := &dbus.Message{Type: dbus.TypeMethodCall, Headers: map[dbus.HeaderField]dbus.Variant{
		dbus.FieldPath:   dbus.MakeVariant(path),
		dbus.FieldMember: dbus.MakeVariant(member),
		dbus.FieldSender: dbus.MakeVariant(":1.99"),
	}, Body: args}
	if iface != "" {
		msg.Headers[dbus.FieldInterface] = dbus.MakeVariant(iface)
	}
	if len(args) > 0 {
		msg.Headers[dbus.FieldSignature] = dbus.MakeVariant(dbus.SignatureOf(args...))
	}
	return msg
}

func TestClassValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    *Class
		want string
	}{
		{"unknown interface", &Class{Name: "x", Path: "/x", Interfaces: []*Interface{{Name: "org.example.Nope"}}}, "no introspection file"},
		{"missing handler", &Class{Name: "x", Path: "/x", Interfaces: []*Interface{{Name: ifAgent}}}, "has no handler"},
		{"extra handler", &Class{Name: "x", Path: "/x", Interfaces: []*Interface{{Name: ifDns, Methods: map[string]Handler{"Nope": replyOK}}}}, "does not have"},
		{"missing setter", &Class{Name: "x", Path: "/x", Interfaces: []*Interface{{Name: ifStats}}}, "has no setter"},
		{"setter on read-only", &Class{Name: "x", Path: "/x", Interfaces: []*Interface{{Name: ifDns, Setters: map[string]Handler{"Mode": replyOK}}}}, "not a writable"},
		{"bad path", &Class{Name: "x", Path: "x", Interfaces: []*Interface{{Name: ifDns}}}, "invalid path"},
		{"limit on unknown", &Class{Name: "x", Path: "/x", Interfaces: []*Interface{{Name: ifDns, RateLimit: &RateLimit{Interval: time.Second, Properties: []string{"Nope"}}}}}, "unknown property"},
	} {
		_, err := NewClass(tc.c)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestWrongTypeIsABug(t *testing.T) {
	h := newHarness(t)
	var r any
	h.do(func() {
		o := h.e.NewObject(dnsClass())
		func() {
			defer func() { r = recover() }()
			o.Set(ifDns, "Mode", 5)
		}()
	})
	if r == nil || !strings.Contains(fmt.Sprint(r), `want "s"`) {
		t.Errorf("setting an int on a string property: %v", r)
	}
}

func agentClass(log *[]string, mu *sync.Mutex) *Class {
	rec := func(c *Call) {
		mu.Lock()
		*log = append(*log, fmt.Sprintf("%s %v", c.Member, c.Args))
		mu.Unlock()
	}
	return MustClass(&Class{Name: "AgentManager", Path: PathAgentManager, Interfaces: []*Interface{{
		Name: ifAgent,
		Methods: map[string]Handler{
			"Register":                 func(c *Call) { rec(c); c.Reply() },
			"RegisterWithCapabilities": func(c *Call) { rec(c); c.Reply("wrong") },
			"Unregister":               func(c *Call) { rec(c); c.Error(errors.New("plain Go error")) },
		},
	}}})
}

func TestCallRoutingAndErrors(t *testing.T) {
	h := newHarness(t)
	var log []string
	var mu sync.Mutex
	h.do(func() {
		_ = h.e.NewObject(agentClass(&log, &mu)).Export()
		_ = h.e.NewObject(dnsClass()).Export()
	})
	call := func(path dbus.ObjectPath, iface, member string, args ...any) ([]any, error) {
		return h.e.await(h.e.route(callMsg(path, iface, member, args...)))
	}
	wantErr := func(err error, name, msg string) {
		t.Helper()
		var e *Error
		if !errors.As(err, &e) || e.Name != name || e.Message != msg {
			t.Errorf("error %v, want %s: %s", err, name, msg)
		}
	}
	if _, err := call(PathAgentManager, ifAgent, "Register", "agent.one"); err != nil {
		t.Errorf("Register: %v", err)
	}
	_, err := call("/org/nope", ifAgent, "Register", "x")
	wantErr(err, DBusUnknownMethod, "Object does not exist at path “/org/nope”")
	_, err = call(PathAgentManager, "org.example.Nope", "Register", "x")
	wantErr(err, DBusUnknownMethod, "No such interface “org.example.Nope” on object at path /org/freedesktop/NetworkManager/AgentManager")
	_, err = call(PathAgentManager, ifAgent, "Nope")
	wantErr(err, DBusUnknownMethod, "No such method “Nope”")
	_, err = call(PathAgentManager, ifAgent, "Register", uint32(5))
	wantErr(err, DBusInvalidArgs, "Type of message, “(u)”, does not match expected type “(s)”")
	// A reply that does not match the XML is caught (strict mode panics,
	// so check with a lenient exporter below) and a Go error is mapped to
	// the domain's Failed.
	_, err = call(PathAgentManager, ifAgent, "Unregister")
	wantErr(err, AgentManagerFailed, "plain Go error")
	// No interface given: the member is looked up.
	if _, err := call(PathAgentManager, "", "Register", "agent.two"); err != nil {
		t.Errorf("Register without interface: %v", err)
	}

	// Properties.
	_, err = call(PathDnsManager, "org.freedesktop.DBus.Properties", "Get", ifDns, "Nope")
	wantErr(err, DBusInvalidArgs, "No such property “Nope”")
	_, err = call(PathDnsManager, "org.freedesktop.DBus.Properties", "Get", "org.example.X", "Mode")
	wantErr(err, DBusInvalidArgs, "No such interface “org.example.X”")
	_, err = call(PathDnsManager, "org.freedesktop.DBus.Properties", "GetAll", "org.example.X")
	wantErr(err, DBusInvalidArgs, "No such interface “org.example.X”")
	_, err = call(PathDnsManager, "org.freedesktop.DBus.Properties", "Set", ifDns, "Mode", dbus.MakeVariant("x"))
	wantErr(err, DBusInvalidArgs, "Property “Mode” is not writable")
	_, err = call(PathDnsManager, "org.freedesktop.DBus.Properties", "Get", ifDns)
	wantErr(err, DBusInvalidArgs, "Type of message, “(s)”, does not match expected type “(ss)”")
	vals, err := call(PathDnsManager, "org.freedesktop.DBus.Properties", "GetAll", ifDns)
	if err != nil || len(vals[0].(map[string]dbus.Variant)) != 3 {
		t.Errorf("GetAll: %v %v", vals, err)
	}
	// Paths above the objects only introspect.
	_, err = call("/", "org.freedesktop.DBus.Properties", "GetAll", ifDns)
	wantErr(err, DBusUnknownMethod, "Object does not exist at path “/”")
	vals, err = call("/", "org.freedesktop.DBus.Introspectable", "Introspect")
	if err != nil || !strings.Contains(vals[0].(string), `<node name="org"/>`) {
		t.Errorf("Introspect /: %v %v", vals, err)
	}
	vals, err = call("/org/freedesktop/NetworkManager", "org.freedesktop.DBus.Introspectable", "Introspect")
	if err != nil || !strings.Contains(vals[0].(string), `<node name="AgentManager"/>`) || !strings.Contains(vals[0].(string), `<node name="DnsManager"/>`) ||
		strings.Contains(vals[0].(string), "<interface") {
		t.Errorf("Introspect of a path with only children: %v %v", vals, err)
	}
	vals, err = call(PathDnsManager, "org.freedesktop.DBus.Introspectable", "Introspect")
	if err != nil || !strings.Contains(vals[0].(string), `<interface name="org.freedesktop.NetworkManager.DnsManager">`) ||
		!strings.Contains(vals[0].(string), `<interface name="org.freedesktop.DBus.Properties">`) {
		t.Errorf("Introspect DnsManager: %v %v", vals, err)
	}
	vals, err = call(ObjectManagerPath, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")
	if err != nil || len(vals[0].(map[dbus.ObjectPath]map[string]map[string]dbus.Variant)) != 2 {
		t.Errorf("GetManagedObjects: %v %v", vals, err)
	}
	_, err = call(PathDnsManager, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")
	wantErr(err, DBusUnknownMethod, "No such interface “org.freedesktop.DBus.ObjectManager” on object at path /org/freedesktop/NetworkManager/DnsManager")

	// Shutting down: everything fails with NetworkManager's message.
	h.e.Shutdown()
	_, err = call(PathDnsManager, "org.freedesktop.DBus.Properties", "GetAll", ifDns)
	wantErr(err, DBusFailed, "NetworkManager is exiting")

	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(log, []string{"Register [agent.one]", "Unregister []", "Register [agent.two]"}) {
		t.Errorf("handled calls: %q", log)
	}
}

func TestMalformedReplyBecomesFailed(t *testing.T) {
	l := loop.New()
	e := New(l, Options{}) // lenient: log, do not panic
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); <-l.Done() }()
	go l.Run(ctx)
	var log []string
	var mu sync.Mutex
	_ = l.Call(ctx, func() { _ = e.NewObject(agentClass(&log, &mu)).Export() })
	_, err := e.await(e.route(callMsg(PathAgentManager, ifAgent, "RegisterWithCapabilities", "x", uint32(1))))
	var de *Error
	if !errors.As(err, &de) || de.Name != AgentManagerFailed || !strings.Contains(de.Message, "malformed reply") {
		t.Errorf("malformed reply: %v", err)
	}
}

// Reads are answered from published values, without the loop.
func TestReadsDoNotWaitForABusyLoop(t *testing.T) {
	h := newHarness(t)
	var o *Object
	h.do(func() {
		o = h.e.NewObject(dnsClass())
		o.Set(ifDns, "Mode", "default")
		_ = o.Export()
	})
	release := make(chan struct{})
	h.l.Post(func() { <-release })
	defer close(release)
	done := make(chan error, 1)
	go func() {
		vals, err := h.e.await(h.e.route(callMsg(PathDnsManager, "org.freedesktop.DBus.Properties", "Get", ifDns, "Mode")))
		if err == nil && vals[0].(dbus.Variant).Value() != "default" {
			err = fmt.Errorf("Get returned %v", vals)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Get waited for the busy loop")
	}
}

// Calls reach the loop in the order they arrived, although godbus answers
// each on its own goroutine.
func TestCallsReachTheLoopInArrivalOrder(t *testing.T) {
	h := newHarness(t)
	var log []string
	var mu sync.Mutex
	h.do(func() { _ = h.e.NewObject(agentClass(&log, &mu)).Export() })
	var recs []*pendingCall
	for i := range 200 {
		msg := callMsg(PathAgentManager, ifAgent, "Register", fmt.Sprintf("agent%03d", i))
		h.e.intercept(msg) // what the reader goroutine does, in order
		v, _ := h.e.pending.Load(msg)
		recs = append(recs, v.(*pendingCall))
	}
	var wg sync.WaitGroup
	for _, r := range recs {
		wg.Go(func() { _, _ = h.e.await(r) })
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	for i, l := range log {
		if want := fmt.Sprintf("Register [agent%03d]", i); l != want {
			t.Fatalf("call %d handled as %q, want %q", i, l, want)
		}
	}
}

// What a handler changes is emitted before its reply leaves: a client
// that reads a property right after a method returns sees the method's
// effect, and the PropertiesChanged signal came first.
func TestChangesGoOutBeforeTheReply(t *testing.T) {
	h := newHarness(t)
	var dns *Object
	c := MustClass(&Class{Name: "AgentManager", Path: PathAgentManager, Interfaces: []*Interface{{
		Name: ifAgent,
		Methods: map[string]Handler{
			"Register": func(c *Call) {
				dns.Set(ifDns, "Mode", c.Args[0].(string))
				c.Reply()
				// Keep the loop from idling, so that the idle flush
				// comes late.
				h.l.Post(func() { time.Sleep(20 * time.Millisecond) })
			},
			"RegisterWithCapabilities": replyOK,
			"Unregister":               replyOK,
		},
	}}})
	h.do(func() {
		dns = h.e.NewObject(dnsClass())
		_ = dns.Export()
		_ = h.e.NewObject(c).Export()
	})
	h.take()
	for i := range 20 {
		mode := fmt.Sprintf("mode%d", i)
		if _, err := h.e.await(h.e.route(callMsg(PathAgentManager, ifAgent, "Register", mode))); err != nil {
			t.Fatal(err)
		}
		// No settling: the reply alone must be enough.
		vals, err := h.e.await(h.e.route(callMsg(PathDnsManager, "org.freedesktop.DBus.Properties", "Get", ifDns, "Mode")))
		if err != nil || vals[0].(dbus.Variant).Value() != mode {
			t.Fatalf("Get after the call: %v %v, want %s", vals, err, mode)
		}
		if sigs := h.take(); len(sigs) != 1 || sigs[0].name != propertiesChangedSignal {
			t.Fatalf("signals before the reply: %v", sigs)
		}
	}
}
