package bus

import (
	"context"
	"encoding/xml"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/testbed"
)

// onBus runs an exporter on a private dbus-daemon under NetworkManager's
// name and returns it with a client connection.
func onBus(t *testing.T) (*Exporter, *loop.Loop, *dbus.Conn) {
	t.Helper()
	b := testbed.StartBus(t, testbed.BusOptions{})
	l := loop.New()
	e := New(l, Options{Strict: true})
	conn, err := e.Connect(b.Address)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go l.Run(ctx)
	t.Cleanup(func() {
		cancel()
		<-l.Done()
		conn.Close()
	})
	if reply, err := conn.RequestName(testbed.BusName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("request name: %v %v", reply, err)
	}
	return e, l, b.Conn(t)
}

func TestOnARealBus(t *testing.T) {
	e, l, client := onBus(t)
	var mu sync.Mutex
	var handled []string
	ctx := context.Background()
	var dns, agent *Object
	if err := l.Call(ctx, func() {
		agent = e.NewObject(agentClass(&handled, &mu))
		_ = agent.Export()
		dns = e.NewObject(dnsClass())
		dns.Set(ifDns, "Mode", "default")
		_ = dns.Export()
	}); err != nil {
		t.Fatal(err)
	}

	sigs := make(chan *dbus.Signal, 100)
	client.Signal(sigs)
	if err := client.AddMatchSignal(dbus.WithMatchSender(testbed.BusName)); err != nil {
		t.Fatal(err)
	}

	// Pipelined calls from one client are handled in the order sent.
	var calls []*dbus.Call
	obj := client.Object(testbed.BusName, PathAgentManager)
	for i := range 100 {
		calls = append(calls, obj.Go(ifAgent+".Register", 0, nil, fmt.Sprintf("agent%03d", i)))
	}
	for _, c := range calls {
		<-c.Done
		if c.Err != nil {
			t.Fatal(c.Err)
		}
	}
	mu.Lock()
	for i, h := range handled {
		if want := fmt.Sprintf("Register [agent%03d]", i); h != want {
			t.Fatalf("call %d handled as %q", i, h)
		}
	}
	mu.Unlock()

	// Errors keep their names on the wire.
	err := obj.Call(ifAgent+".Unregister", 0).Err
	if de, ok := err.(dbus.Error); !ok || de.Name != AgentManagerFailed {
		t.Errorf("Unregister error %#v", err)
	}

	// Property reads, a change and its signal.
	d := client.Object(testbed.BusName, PathDnsManager)
	v, err := d.GetProperty(ifDns + ".Mode")
	if err != nil || v.Value() != "default" {
		t.Fatalf("Get Mode: %v %v", v, err)
	}
	if err := l.Call(ctx, func() { dns.Set(ifDns, "Mode", "dnsmasq") }); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-sigs:
		if s.Name != propertiesChangedSignal || s.Path != PathDnsManager || s.Body[0] != ifDns {
			t.Fatalf("unexpected signal %v", s)
		}
		if got := s.Body[1].(map[string]dbus.Variant)["Mode"].Value(); got != "dnsmasq" || len(s.Body[2].([]string)) != 0 {
			t.Errorf("PropertiesChanged %v", s.Body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no PropertiesChanged")
	}

	// GetManagedObjects at /org/freedesktop.
	var managed map[dbus.ObjectPath]map[string]map[string]dbus.Variant
	if err := client.Object(testbed.BusName, ObjectManagerPath).Call("org.freedesktop.DBus.ObjectManager.GetManagedObjects", 0).Store(&managed); err != nil {
		t.Fatal(err)
	}
	if managed[PathDnsManager][ifDns]["Mode"].Value() != "dnsmasq" || len(managed[PathAgentManager][ifAgent]) != 0 {
		t.Errorf("GetManagedObjects: %v", managed)
	}

	// Introspect parses and lists the interfaces.
	var data string
	if err := d.Call("org.freedesktop.DBus.Introspectable.Introspect", 0).Store(&data); err != nil {
		t.Fatal(err)
	}
	var node struct {
		Interfaces []struct {
			Name string `xml:"name,attr"`
		} `xml:"interface"`
	}
	if err := xml.Unmarshal([]byte(data), &node); err != nil {
		t.Fatalf("Introspect XML: %v\n%s", err, data)
	}
	var names []string
	for _, i := range node.Interfaces {
		names = append(names, i.Name)
	}
	if fmt.Sprint(names) != "[org.freedesktop.DBus.Properties org.freedesktop.DBus.Introspectable org.freedesktop.DBus.Peer org.freedesktop.NetworkManager.DnsManager]" {
		t.Errorf("interfaces %v", names)
	}
	// Peer works on every path.
	if err := d.Call("org.freedesktop.DBus.Peer.Ping", 0).Err; err != nil {
		t.Errorf("Ping: %v", err)
	}

	// Removal is announced.
	for len(sigs) > 0 {
		<-sigs
	}
	if err := l.Call(ctx, func() { dns.Unexport() }); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-sigs:
		if s.Name != "org.freedesktop.DBus.ObjectManager.InterfacesRemoved" || s.Body[0] != PathDnsManager {
			t.Errorf("unexpected signal %v", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no InterfacesRemoved")
	}
	err = d.Call(ifDns+".Nope", 0).Err
	if de, ok := err.(dbus.Error); !ok || de.Name != DBusUnknownMethod {
		t.Errorf("call on a removed object: %#v", err)
	}
}

// Answers leave in the order the loop finished the calls, as
// NetworkManager's do: a client that sends a burst of calls (nmcli's
// connection migrate, one Update2 per profile) prints their results in
// that order. godbus would send each answer from a goroutine of its own.
func TestAnswersLeaveInTheLoopsOrder(t *testing.T) {
	b := testbed.StartBus(t, testbed.BusOptions{})
	l := loop.New()
	e := New(l, Options{Strict: true})
	server, err := e.Connect(b.Address)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go l.Run(ctx)
	t.Cleanup(func() {
		cancel()
		<-l.Done()
		server.Close()
	})
	var mu sync.Mutex
	var handled []string
	if err := l.Call(context.Background(), func() { _ = e.NewObject(agentClass(&handled, &mu)).Export() }); err != nil {
		t.Fatal(err)
	}

	// The client records the serials of its calls as they leave and
	// the reply serials of the answers as they arrive.
	var sent, answered []uint32
	var smu sync.Mutex
	client, err := dbus.Connect(b.Address,
		dbus.WithOutgoingInterceptor(func(m *dbus.Message) {
			if m.Type == dbus.TypeMethodCall && m.Headers[dbus.FieldDestination].Value() == server.Names()[0] {
				smu.Lock()
				sent = append(sent, m.Serial())
				smu.Unlock()
			}
		}),
		dbus.WithIncomingInterceptor(func(m *dbus.Message) {
			if m.Type == dbus.TypeMethodReply || m.Type == dbus.TypeError {
				smu.Lock()
				answered = append(answered, m.Headers[dbus.FieldReplySerial].Value().(uint32))
				smu.Unlock()
			}
		}))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	obj := client.Object(server.Names()[0], PathAgentManager)
	// Fewer than the bus's limit of pending replies per connection
	// (beyond it dbus-daemon answers LimitsExceeded itself).
	const n = 100
	done := make(chan *dbus.Call, n)
	for i := range n {
		switch i % 4 {
		case 1: // the handler's error
			obj.Go(ifAgent+".Unregister", 0, done)
		case 3: // refused before the loop: a wrong signature
			obj.Go(ifAgent+".Unregister", 0, done, "x")
		default:
			obj.Go(ifAgent+".Register", 0, done, fmt.Sprintf("agent%03d", i))
		}
	}
	for range n {
		<-done
	}
	smu.Lock()
	got := slices.Clone(answered)
	want := slices.Clone(sent)
	smu.Unlock()
	// The client's own Hello and AddMatch calls went to the bus.
	got = slices.DeleteFunc(got, func(s uint32) bool { return !slices.Contains(want, s) })
	if !slices.Equal(got, want) {
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("answer %d is the one to call serial %d, want %d", i, got[i], want[i])
			}
		}
		t.Fatalf("%d answers to %d calls", len(got), len(want))
	}
	// A call that asks for no answer gets none, and the next call its own.
	if err := obj.Go(ifAgent+".Register", dbus.FlagNoReplyExpected, nil, "quiet").Err; err != nil {
		t.Fatal(err)
	}
	if err := obj.Call(ifAgent+".Register", 0, "loud").Err; err != nil {
		t.Fatal(err)
	}
}
