package ipconfig

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/testbed"
)

const stormProfile = `[connection]
id=storm
uuid=0f0e0d0c-0b0a-4909-8807-060504030201
type=ethernet
interface-name=eth1

[ipv4]
method=manual
address1=192.0.2.1/24

[ipv6]
method=disabled
`

// routeBatch writes an ip -batch file adding (or deleting) n /32 routes
// through the on-link gateway 192.0.2.254.
func routeBatch(t testing.TB, n int, verb string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "route %s 10.%d.%d.%d/32 via 192.0.2.254 dev eth1 proto static\n", verb, i>>16, i>>8&0xff, i&0xff)
	}
	f := filepath.Join(t.TempDir(), verb+".batch")
	if err := os.WriteFile(f, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// kernelRoutes lists eth1's unicast routes as the kernel has them.
func kernelRoutes(t testing.TB, ns *testbed.Netns) map[string]bool {
	t.Helper()
	var rs []struct {
		Type string `json:"type"`
		Dst  string `json:"dst"`
	}
	out := ns.MustIP("-j", "-4", "route", "show", "table", "all", "dev", "eth1")
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatalf("ip -j route: %v", err)
	}
	m := map[string]bool{}
	for _, r := range rs {
		if r.Type == "unicast" || r.Type == "" {
			d := r.Dst
			if !strings.Contains(d, "/") {
				d += "/32"
			}
			m[d] = true
		}
	}
	return m
}

// busRoutes reads RouteData over D-Bus.
func busRoutes(t testing.TB, c *dbus.Conn, path dbus.ObjectPath) []string {
	t.Helper()
	v, err := c.Object(testbed.BusName, path).GetProperty(IfaceIP4 + ".RouteData")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range v.Value().([]map[string]dbus.Variant) {
		out = append(out, fmt.Sprintf("%s/%d", d["dest"].Value(), d["prefix"].Value()))
	}
	return out
}

// The stale-list case: the daemon stalls (here: its loop is held) during
// an add storm and during a delete storm, the kernel drops events
// (ENOBUFS), and afterwards D-Bus must show the kernel's state, not the
// state of the events that made it. NetworkManager 1.42 sometimes kept
// 100000 or 40877 routes on D-Bus for an interface with 1.
func TestStaleListAfterOverflow(t *testing.T) {
	testbed.RequireRoot(t)
	const n = 20000
	// A small receive buffer so that a stalled loop overflows it.
	g := startGonm(t, stormProfile, platform.Options{RcvBuf: 64 << 10, ResyncBackoff: 200 * time.Millisecond})
	add, del := routeBatch(t, n, "add"), routeBatch(t, n, "delete")

	stalled := func(what, batch string) {
		release := make(chan struct{})
		g.loop.Post(func() { <-release })
		g.ns.MustIP("-batch", batch)
		close(release)
		t.Logf("%s storm done", what)
	}
	overruns := func() int64 {
		var s platform.Stats
		if err := g.loop.Call(context.Background(), func() { s = g.p.Stats() }); err != nil {
			t.Fatal(err)
		}
		return s.Overruns
	}

	stalled("add", add)
	// Settled: 100 routes exported, all of them the kernel's.
	var got []string
	deadline := time.Now().Add(60 * time.Second)
	for {
		got = busRoutes(t, g.client, g.ip4)
		k := kernelRoutes(t, g.ns)
		ok := len(got) == MaxRoutes
		for _, r := range got {
			ok = ok && k[r]
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the add storm D-Bus shows %d routes (%.200v), the kernel %d", len(got), got, len(k))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if o := overruns(); o == 0 {
		t.Fatal("the add storm did not overflow the event socket: the test proves nothing")
	}

	stalled("delete", del)
	// Settled: exactly the kernel's one route.
	deadline = time.Now().Add(60 * time.Second)
	for {
		got = busRoutes(t, g.client, g.ip4)
		k := kernelRoutes(t, g.ns)
		if len(got) == len(k) && len(k) == 1 && k[got[0]] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the delete storm D-Bus shows %d routes (%.200v), the kernel %v", len(got), got, k)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("event socket overruns: %d; D-Bus after both storms: %v", overruns(), got)
}
