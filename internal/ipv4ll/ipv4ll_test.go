package ipv4ll

import (
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/dhcpid"
	"github.com/gonm/gonm/internal/testbed"
)

func TestConflictPicksNextAddress(t *testing.T) {
	testbed.RequireRoot(t)
	ns := testbed.NewNetns(t)
	peer := testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	var index int
	var hw net.HardwareAddr
	if err := ns.Do(func() error {
		ifi, err := net.InterfaceByName("eth1")
		index, hw = ifi.Index, ifi.HardwareAddr
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// Probes sent before the veth has carrier would be lost.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(ns.MustIP("link", "show", "eth1"), "state UP") || !strings.Contains(peer.MustIP("link", "show", "peer1"), "state UP") {
		if time.Now().After(deadline) {
			t.Fatal("veth has no carrier")
		}
		time.Sleep(10 * time.Millisecond)
	}
	gen := dhcpid.NewIPv4LLGenerator(hw)
	first, second := gen.Next(), gen.Next()
	// The peer already uses the first candidate.
	peer.MustIP("addr", "add", first.String()+"/16", "dev", "peer1")
	evs := make(chan Event, 8)
	e, err := New(Config{IfIndex: index, HWAddr: hw, Timeout: 300 * time.Millisecond}, func(x Event) { evs <- x })
	if err != nil {
		t.Fatal(err)
	}
	if err := ns.Do(e.Start); err != nil {
		t.Fatal(err)
	}
	defer e.Stop()
	select {
	case x := <-evs:
		if x.Type != EventBound || x.Addr != second {
			t.Fatalf("event %+v, want bound to %v (first candidate %v was taken)", x, second, first)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no address")
	}
	if !netip.MustParsePrefix("169.254.0.0/16").Contains(second) {
		t.Errorf("%v is not link-local", second)
	}
}

func TestGeneratorIsStable(t *testing.T) {
	mac := []byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}
	a, b := dhcpid.NewIPv4LLGenerator(mac), dhcpid.NewIPv4LLGenerator(mac)
	for range 20 {
		x, y := a.Next(), b.Next()
		if x != y {
			t.Fatalf("same MAC, different sequences: %v %v", x, y)
		}
		if b := x.As4(); b[0] != 169 || b[1] != 254 || b[2] == 0 || b[2] == 255 {
			t.Fatalf("bad candidate %v", x)
		}
	}
}
