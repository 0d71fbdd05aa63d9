package difftest

import (
	"errors"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/testbed"
)

// answer is a call's outcome: "ok" or the error name and message.
func answer(err error) string {
	if err == nil {
		return "ok"
	}
	var de dbus.Error
	if errors.As(err, &de) {
		msg := ""
		if len(de.Body) > 0 {
			msg, _ = de.Body[0].(string)
		}
		return de.Name + ": " + msg
	}
	return "error: " + err.Error()
}

// The calls whose answer does not depend on devices or profiles get the
// same answer, error name and text from gonm as from NetworkManager 1.42.
func TestAnswersMatchReference(t *testing.T) {
	ref, gonm := twin(t)
	const (
		nm    = "org.freedesktop.NetworkManager"
		root  = dbus.ObjectPath("/org/freedesktop/NetworkManager")
		props = "org.freedesktop.DBus.Properties"
	)
	calls := []struct {
		path   dbus.ObjectPath
		method string
		args   []any
	}{
		{root, nm + ".GetDeviceByIpIface", []any{"nope0"}},
		{root, nm + ".DeactivateConnection", []any{dbus.ObjectPath("/x")}},
		{root, nm + ".Reload", []any{uint32(8)}},
		{root, nm + ".Reload", []any{uint32(2)}},
		{root, nm + ".SetLogging", []any{"FOO", ""}},
		{root, nm + ".SetLogging", []any{"", "FOO"}},
		{root, nm + ".SetLogging", []any{"INFO", "PLATFORM:FOO"}},
		{root, nm + ".Enable", []any{true}},
		{root, nm + ".Sleep", []any{false}},
		{root, nm + ".CheckpointCreate", []any{[]dbus.ObjectPath{}, uint32(0), uint32(0x100)}},
		{root, nm + ".CheckpointDestroy", []any{dbus.ObjectPath("/x")}},
		{root, nm + ".CheckpointDestroy", []any{dbus.ObjectPath("/")}},
		{root, nm + ".CheckpointRollback", []any{dbus.ObjectPath("/x")}},
		{root, nm + ".CheckpointAdjustRollbackTimeout", []any{dbus.ObjectPath("/x"), uint32(1)}},
		{root, nm + ".state", []any{uint32(5)}},
		{root, nm + ".Nope", nil},
		{root, nm + ".Nope.Nope", nil},
		{"/org/nope", nm + ".state", nil},
		{root, props + ".Get", []any{nm, "Nope"}},
		{root, props + ".Get", []any{nm + ".Nope", "Version"}},
		{root, props + ".GetAll", []any{nm + ".Nope"}},
		{root, props + ".Set", []any{nm, "Version", dbus.MakeVariant("x")}},
		{root, props + ".Set", []any{nm, "WirelessEnabled", dbus.MakeVariant("x")}},
		{root, props + ".Set", []any{nm, "Nope", dbus.MakeVariant("x")}},
		{root, props + ".Set", []any{nm, "WimaxEnabled", dbus.MakeVariant(true)}},
		{"/", props + ".GetAll", []any{nm}},
		{root, "org.freedesktop.DBus.ObjectManager.GetManagedObjects", nil},
		{"/org/freedesktop/NetworkManager/AgentManager", nm + ".AgentManager.Unregister", nil},
		{"/org/freedesktop/NetworkManager/AgentManager", nm + ".AgentManager.Register", []any{"x"}},
		{"/org/freedesktop/NetworkManager/AgentManager", nm + ".AgentManager.Register", []any{".abc"}},
		{"/org/freedesktop/NetworkManager/AgentManager", nm + ".AgentManager.Register", []any{"a b c"}},
		{"/org/freedesktop/NetworkManager/AgentManager", nm + ".AgentManager.Register", []any{"a..bc"}},
		{"/org/freedesktop/NetworkManager/Settings", nm + ".Settings.GetConnectionByUuid", []any{"nope"}},
	}
	for _, c := range calls {
		a := answer(ref.Object(testbed.BusName, c.path).Call(c.method, 0, c.args...).Err)
		b := answer(gonm.Object(testbed.BusName, c.path).Call(c.method, 0, c.args...).Err)
		if a != b {
			t.Errorf("%s %s%v:\n  NetworkManager: %s\n  gonm:           %s", c.path, c.method, c.args, a, b)
		}
	}
	// Read-only answers that do not depend on devices.
	for _, p := range []string{"Version", "VersionInfo", "WimaxEnabled", "WimaxHardwareEnabled", "NetworkingEnabled",
		"ConnectivityCheckAvailable", "ConnectivityCheckEnabled", "ConnectivityCheckUri", "GlobalDnsConfiguration", "Checkpoints"} {
		a, err1 := ref.Object(testbed.BusName, root).GetProperty(nm + "." + p)
		b, err2 := gonm.Object(testbed.BusName, root).GetProperty(nm + "." + p)
		if err1 != nil || err2 != nil || a.String() != b.String() {
			t.Errorf("%s: NetworkManager %v (%v), gonm %v (%v)", p, a, err1, b, err2)
		}
	}
	for _, m := range []string{"GetLogging", "GetPermissions"} {
		var a, b []any
		a = ref.Object(testbed.BusName, root).Call(nm+"."+m, 0).Body
		b = gonm.Object(testbed.BusName, root).Call(nm+"."+m, 0).Body
		if dbus.MakeVariant(a).String() != dbus.MakeVariant(b).String() {
			t.Errorf("%s: NetworkManager %v, gonm %v", m, a, b)
		}
	}
}
