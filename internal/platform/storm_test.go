package platform

import (
	"fmt"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/testbed"
)

// stormSize is the number of routes per family the storm tests use: the
// issue's 100k, or 10k with -short.
func stormSize() int {
	if testing.Short() {
		return 10000
	}
	return 100000
}

func routeStorm(n int, verb string) func(w func(string)) {
	return func(w func(string)) {
		for i := 0; i < n; i++ {
			w(fmt.Sprintf("route %s 10.%d.%d.0/24 dev eth1 proto static", verb, 100+i>>16, (i>>8)&255) + fmt.Sprintf(" metric %d", i&255))
		}
	}
}

func route6Storm(n int, verb string) func(w func(string)) {
	return func(w func(string)) {
		for i := 0; i < n; i++ {
			w(fmt.Sprintf("route %s 2001:db8:%x:%x::/64 dev eth1 proto static", verb, 0x100+i>>16, i&0xffff))
		}
	}
}

// stormNS is a namespace with an up veth eth1 for routes to use.
func stormNS(t testing.TB) *testbed.Netns {
	ns := testbed.NewNetns(t)
	peer := testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	testbed.AddAddr(t, ns, "eth1", "192.0.2.1/24")
	return ns
}

func TestRouteStormConverges(t *testing.T) {
	n := stormSize()
	ns := stormNS(t)
	x := startTP(t, ns, tpOptions{})
	add4 := batchFile(t, routeStorm(n, "add"))
	add6 := batchFile(t, route6Storm(n, "add"))
	start := time.Now()
	ns.MustIP("-batch", add4)
	ns.MustIP("-batch", add6)
	t.Logf("added %d IPv4 and %d IPv6 routes in %v", n, n, time.Since(start))
	s := x.converge(2 * time.Minute)
	if len(s.routes4) < n || len(s.routes6) < n {
		t.Fatalf("cache holds %d IPv4 and %d IPv6 routes, want at least %d each", len(s.routes4), len(s.routes6), n)
	}
	checkAgainstIP(t, x)
	var st Stats
	x.call(func() { st = x.p.Stats() })
	t.Logf("after adding: %+v", st)
	ns.MustIP("-batch", batchFile(t, routeStorm(n, "del")))
	ns.MustIP("-batch", batchFile(t, route6Storm(n, "del")))
	s = x.converge(2 * time.Minute)
	if len(s.routes4) > 10 || len(s.routes6) > 10 {
		t.Fatalf("cache still holds %d IPv4 and %d IPv6 routes after deleting the storm", len(s.routes4), len(s.routes6))
	}
	checkAgainstIP(t, x)
	x.call(func() { st = x.p.Stats() })
	t.Logf("after deleting: %+v", st)
}

// TestRouteStormOverrunConverges shrinks the event socket's buffer to
// 64 KiB so the kernel really drops events during the storm: the platform
// must notice (ENOBUFS), resynchronize, and still end equal to the kernel.
func TestRouteStormOverrunConverges(t *testing.T) {
	n := stormSize()
	ns := stormNS(t)
	x := startTP(t, ns, tpOptions{rcvBuf: 64 << 10, backoff: 200 * time.Millisecond})
	ns.MustIP("-batch", batchFile(t, routeStorm(n, "add")))
	ns.MustIP("-batch", batchFile(t, route6Storm(n, "add")))
	s := x.converge(2 * time.Minute)
	if len(s.routes4) < n || len(s.routes6) < n {
		t.Fatalf("cache holds %d IPv4 and %d IPv6 routes, want at least %d each", len(s.routes4), len(s.routes6), n)
	}
	checkAgainstIP(t, x)
	ns.MustIP("-batch", batchFile(t, routeStorm(n, "del")))
	ns.MustIP("-batch", batchFile(t, route6Storm(n, "del")))
	x.converge(2 * time.Minute)
	checkAgainstIP(t, x)
	var st Stats
	x.call(func() { st = x.p.Stats() })
	t.Logf("stats: %+v", st)
	if st.Overruns == 0 {
		t.Fatalf("no ENOBUFS happened with a 64 KiB buffer; the test proves nothing: %+v", st)
	}
	if st.Resyncs < 2 {
		t.Fatalf("%d overruns but only %d resyncs (including the first dump)", st.Overruns, st.Resyncs)
	}
}

// TestResyncsDuringStormConverge forces full resynchronizations while a
// storm of adds and deletes is under way, so that dumps interleave with
// events (and are interrupted by them): the cache must still end equal to
// the kernel.
func TestResyncsDuringStormConverge(t *testing.T) {
	n := stormSize() / 2
	ns := stormNS(t)
	x := startTP(t, ns, tpOptions{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		ns.MustIP("-batch", batchFile(t, routeStorm(n, "add")))
		ns.MustIP("-batch", batchFile(t, route6Storm(n, "add")))
		ns.MustIP("-batch", batchFile(t, routeStorm(n/2, "del")))
	}()
	requests := 0
	for running := true; running; {
		select {
		case <-done:
			running = false
		case <-time.After(100 * time.Millisecond):
			x.call(func() { x.p.rd.request(readerReq{kind: reqFull, why: "test"}) })
			requests++
		}
	}
	x.converge(2 * time.Minute)
	var st Stats
	x.call(func() { st = x.p.Stats() })
	t.Logf("%d resyncs asked for during the storm; stats %+v", requests, st)
	if st.Resyncs < 3 {
		t.Fatalf("only %d resyncs happened; the test did not interleave dumps with events", st.Resyncs)
	}
}
