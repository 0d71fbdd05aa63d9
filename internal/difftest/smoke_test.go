package difftest

import (
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/testbed"
)

// twin starts the reference and gonm, each in its own namespace with its
// own bus, and returns a client connection to each.
func twin(t *testing.T) (ref, gonm *dbus.Conn) {
	t.Helper()
	testbed.RequireReference(t)
	refNS := testbed.NewNetns(t)
	refNS.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	gonmNS := testbed.NewNetns(t)
	gonmNS.Bus = testbed.StartBus(t, testbed.BusOptions{})
	testbed.StartReference(t, refNS, testbed.DaemonOptions{Quiet: true})
	testbed.StartDaemon(t, gonmNS, testbed.DaemonOptions{})
	return refNS.Bus.Conn(t), gonmNS.Bus.Conn(t)
}

func TestSmokeVersionOnBoth(t *testing.T) {
	ref, gonm := twin(t)
	for name, conn := range map[string]*dbus.Conn{"reference": ref, "gonm": gonm} {
		v, err := conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager").
			GetProperty("org.freedesktop.NetworkManager.Version")
		if err != nil {
			t.Fatalf("%s: Get Version: %v", name, err)
		}
		s, ok := v.Value().(string)
		if !ok || s == "" {
			t.Fatalf("%s: Version = %v, want a non-empty string", name, v)
		}
		t.Logf("%s: Version %s", name, s)
	}
}
