package vmtest_test

import (
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"
	"github.com/gonm/gonm/internal/testbed"
)

// TestDaemonOnGuestKernel runs the whole test bed where the guest's kinds
// exist: a namespace with a dummy link, a private dbus-daemon and gonm's
// daemon (the static build shared by the host), queried over the bus.
func TestDaemonOnGuestKernel(t *testing.T) {
	testbed.RequireKernel(t, "dummy")
	ns := testbed.NewNetns(t)
	ns.MustIP("link", "add", "dummy0", "type", "dummy")
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{})
	d := testbed.StartDaemon(t, ns, testbed.DaemonOptions{Quiet: true})
	var v dbus.Variant
	err := ns.Bus.Conn(t).Object(testbed.BusName, "/org/freedesktop/NetworkManager").
		Call("org.freedesktop.DBus.Properties.Get", 0, "org.freedesktop.NetworkManager", "Version").Store(&v)
	if err != nil {
		t.Fatalf("Get Version: %v\n%s", err, d.Log())
	}
	if s, _ := v.Value().(string); s == "" {
		t.Errorf("Version = %v, want a version string", v)
	}
	if out := ns.MustIP("-d", "link", "show", "dummy0"); !strings.Contains(out, "dummy") {
		t.Errorf("dummy0 is not a dummy link:\n%s", out)
	}
	if err := d.Stop(); err != nil {
		t.Errorf("stop: %v\n%s", err, d.Log())
	}
}
