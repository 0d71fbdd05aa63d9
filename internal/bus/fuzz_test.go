package bus

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"sync"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/loop"
)

func encodeCall(path dbus.ObjectPath, iface, member string, args ...any) []byte {
	msg := callMsg(path, iface, member, args...)
	msg.Headers[dbus.FieldDestination] = dbus.MakeVariant("org.freedesktop.NetworkManager")
	var buf bytes.Buffer
	if err := msg.EncodeTo(&buf, binary.LittleEndian); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

var (
	fuzzOnce sync.Once
	fuzzExp  *Exporter
)

// fuzzExporter is one exporter with a few objects for the whole fuzz run.
func fuzzExporter() *Exporter {
	fuzzOnce.Do(func() {
		l := loop.New()
		// Lenient: the test class replies wrongly on purpose.
		fuzzExp = New(l, Options{})
		fuzzExp.sink = func(dbus.ObjectPath, string, ...any) {}
		go l.Run(context.Background())
		var log []string
		var mu sync.Mutex
		_ = l.Call(context.Background(), func() {
			_ = fuzzExp.NewObject(agentClass(&log, &mu)).Export()
			_ = fuzzExp.NewObject(dnsClass()).Export()
			_ = fuzzExp.NewObject(ip4Class()).Export()
		})
	})
	return fuzzExp
}

// Whatever a client sends, the exporter answers with values or a D-Bus
// error, and does not panic.
func FuzzRoute(f *testing.F) {
	for _, seed := range [][]byte{
		encodeCall(PathAgentManager, ifAgent, "Register", "agent"),
		encodeCall(PathAgentManager, ifAgent, "RegisterWithCapabilities", "agent", uint32(1)),
		encodeCall(PathAgentManager, "", "Unregister"),
		encodeCall(PathDnsManager, "org.freedesktop.DBus.Properties", "Get", ifDns, "Mode"),
		encodeCall(PathDnsManager, "org.freedesktop.DBus.Properties", "GetAll", ifDns),
		encodeCall(PathDnsManager, "org.freedesktop.DBus.Properties", "Set", ifDns, "Mode", dbus.MakeVariant("x")),
		encodeCall("/org/freedesktop/NetworkManager/IP4Config/1", "org.freedesktop.DBus.Properties", "Set", ifIP4, "Gateway", dbus.MakeVariant(uint32(1))),
		encodeCall("/", "org.freedesktop.DBus.Introspectable", "Introspect"),
		encodeCall(ObjectManagerPath, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects"),
		encodeCall("/org/nope", "a.b", "c", map[string]map[string]dbus.Variant{"x": {"y": dbus.MakeVariant([]string{"z"})}}),
	} {
		f.Add(seed)
	}
	e := fuzzExporter()
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, err := dbus.DecodeMessage(bytes.NewReader(data))
		if err != nil {
			return
		}
		msg.Type = dbus.TypeMethodCall
		vals, err := e.await(e.route(msg))
		if err != nil {
			var de *Error
			if !errors.As(err, &de) || de.Name == "" {
				t.Fatalf("answer is not a D-Bus error: %#v", err)
			}
			return
		}
		if _, err := signatureOf(vals); err != nil {
			t.Fatalf("reply cannot be encoded: %v", err)
		}
	})
}
