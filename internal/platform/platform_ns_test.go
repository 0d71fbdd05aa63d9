package platform

import (
	"testing"
	"time"

	"github.com/gonm/gonm/internal/testbed"
)

func TestStartMirrorsNamespace(t *testing.T) {
	ns := testbed.NewNetns(t)
	peer := testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	testbed.Bridge(t, ns, "br0", "stp_state", "0")
	testbed.AddAddr(t, ns, "eth1", "192.0.2.1/24")
	testbed.AddAddr(t, ns, "eth1", "2001:db8::1/64", "nodad")
	ns.MustIP("route", "add", "198.51.100.0/24", "via", "192.0.2.254", "metric", "50")
	ns.MustIP("route", "add", "203.0.113.0/24", "dev", "eth1", "table", "100", "proto", "static")
	ns.MustIP("-6", "route", "add", "2001:db8:1::/64", "via", "2001:db8::ff", "metric", "7")
	ns.MustIP("rule", "add", "from", "192.0.2.0/24", "lookup", "100", "priority", "100")
	x := startTP(t, ns, tpOptions{trace: true})
	s := x.converge(10 * time.Second)
	checkAgainstIP(t, x)
	if len(s.links) < 3 || len(s.routes4) < 3 || len(s.rules) < 4 {
		t.Fatalf("snapshot looks empty: %+v", s)
	}
	for _, l := range s.links {
		t.Log(l)
	}
	for _, r := range append(s.routes4, s.routes6...) {
		t.Log(r)
	}
}
