package platform

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/testbed"
)

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestBirdRoutesCostNothing fills another table with a full BGP table of
// protocol bird (1M routes; 100k with -short). None may be cached, the
// platform must not even receive their events (the socket filter drops
// them in the kernel), memory must barely move, and both a resync and a
// fresh start must still converge.
func TestBirdRoutesCostNothing(t *testing.T) {
	n := 1000000
	if testing.Short() {
		n = 100000
	}
	ns := stormNS(t)
	ns.MustIP("route", "add", "198.51.100.0/24", "via", "192.0.2.254", "proto", "static")
	x := startTP(t, ns, tpOptions{})
	var before Stats
	x.call(func() { before = x.p.Stats() })
	heap0 := heapInUse()
	batch := batchFile(t, func(w func(string)) {
		for i := 0; i < n; i++ {
			w(fmt.Sprintf("route add 10.%d.%d.%d/32 dev eth1 table 200 proto bird", i>>16, (i>>8)&255, i&255))
		}
	})
	start := time.Now()
	ns.MustIP("-batch", batch)
	t.Logf("added %d bird routes in %v", n, time.Since(start))
	// A tracked change after the storm shows when the platform has caught
	// up with the kernel.
	ns.MustIP("route", "add", "203.0.113.0/24", "via", "192.0.2.254", "proto", "static")
	s := x.converge(time.Minute)
	heap1 := heapInUse()
	var after Stats
	x.call(func() { after = x.p.Stats() })
	t.Logf("before %+v\nafter  %+v\nheap %d -> %d bytes", before, after, heap0, heap1)
	if after.Routes4 != before.Routes4+1 {
		t.Errorf("cached IPv4 routes %d -> %d, want exactly one more (the static one)", before.Routes4, after.Routes4)
	}
	if got := after.Datagrams - before.Datagrams; got > 100 {
		t.Errorf("%d event datagrams reached the socket for %d bird routes; the kernel filter should drop them", got, n)
	}
	if grow := int64(heap1) - int64(heap0); grow > 2<<20 {
		t.Errorf("heap grew by %d bytes with %d uncached routes", grow, n)
	}
	for _, r := range s.routes4 {
		if len(r) > 0 && (containsAll(r, "Table:200")) {
			t.Fatalf("a route of table 200 was cached: %s", r)
		}
	}

	// A resync must dump only the tracked protocols and still converge.
	x.call(func() { x.p.rd.request(readerReq{kind: reqFull, why: "test"}) })
	x.waitResyncs(after.Resyncs + 1)
	x.converge(time.Minute)
	if h := heapInUse(); int64(h)-int64(heap0) > 2<<20 {
		t.Errorf("heap grew to %d bytes (from %d) after a resync", h, heap0)
	}

	// A platform started now dumps everything once, dropping the bird
	// routes while decoding.
	heap2 := heapInUse()
	y := startTP(t, ns, tpOptions{})
	y.converge(time.Minute)
	if h := heapInUse(); int64(h)-int64(heap2) > 4<<20 {
		t.Errorf("a second platform took %d bytes of heap", int64(h)-int64(heap2))
	}
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		found := false
		for i := 0; i+len(x) <= len(s); i++ {
			if s[i:i+len(x)] == x {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// waitResyncs waits until the platform has done at least n resyncs.
func (x *tp) waitResyncs(n int64) {
	x.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		var st Stats
		x.call(func() { st = x.p.Stats() })
		if st.Resyncs >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	x.t.Fatalf("fewer than %d resyncs within a minute", n)
}

var _ = testbed.NewNetns
