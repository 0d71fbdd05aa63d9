package ipv4ll

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/dhcpid"
	"github.com/gonm/gonm/internal/testbed"
)

// TestReferenceFirstAddress checks that NetworkManager 1.42 with
// ipv4.method link-local picks the first candidate of our sequence.
func TestReferenceFirstAddress(t *testing.T) {
	testbed.RequireReference(t)
	ns := testbed.NewNetns(t)
	peer := testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	var hw net.HardwareAddr
	if err := ns.Do(func() error {
		ifi, err := net.InterfaceByName("eth1")
		hw = ifi.HardwareAddr
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	testbed.StartReference(t, ns, testbed.DaemonOptions{Quiet: true})
	ns.MustRun("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "t",
		"ipv4.method", "link-local", "ipv4.dad-timeout", "300", "ipv6.method", "disabled")
	want := dhcpid.NewIPv4LLGenerator(hw).Next()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out := ns.MustIP("-4", "addr", "show", "dev", "eth1")
		if strings.Contains(out, "169.254.") {
			if !strings.Contains(out, want.String()+"/16") {
				t.Fatalf("NetworkManager chose another address than %s:\n%s", want, out)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no link-local address:\n%s", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
