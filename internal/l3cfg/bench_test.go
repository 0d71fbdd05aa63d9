package l3cfg

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/platform"
)

// A profile with 10 000 routes on a veth in a namespace, with the real
// platform: the first commit (everything added), a commit with nothing to
// do (the cost of checking), and a burst of 10 000 foreign routes on the
// interface followed to its end (the platform's and the L3Cfg's work until
// settled, from the last route added).
func BenchmarkCommit10kRoutes(b *testing.B) {
	x := newKxB(b, "INFO")
	c := staticCfg([]string{"192.0.2.10/24"}, "192.0.2.1")
	for i := range 10000 {
		c.IPv4.Routes = append(c.IPv4.Routes, route(netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 8), byte(i), 0}), 24).String(), "192.0.2.254"))
	}
	var batch strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&batch, "route add 172.%d.%d.0/24 dev eth1 proto boot\n", 16+i>>8, i&0xff)
	}
	f := filepath.Join(b.TempDir(), "foreign.batch")
	if err := os.WriteFile(f, []byte(batch.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	var l *L3Cfg
	x.do(func() {
		l = x.reg.Acquire(x.index)
		l.RegisterCommitType(CommitUpdate, "bench")
	})
	var first, second, follow time.Duration
	for range b.N {
		var r *CommitResult
		t0 := time.Now()
		x.do(func() {
			l.AddConfig("static", c, ethOpts)
			r = l.Commit(CommitAuto)
		})
		first += time.Since(t0)
		if len(r.Ops) < 10000 || len(r.Failed()) > 0 {
			b.Fatalf("first commit: %s", r.Summary())
		}
		x.settle()
		t0 = time.Now()
		x.do(func() { r = l.Commit(CommitAuto) })
		second += time.Since(t0)
		if len(r.Ops) != 0 {
			b.Fatalf("second commit: %s", r.Summary())
		}
		x.ns.MustIP("-batch", f)
		t0 = time.Now()
		for n := 0; n < 10000+10000+3; time.Sleep(time.Millisecond) {
			x.do(func() { n = x.p.RouteCount(platform.TypeIP4Route) })
		}
		x.settle()
		follow += time.Since(t0)
		b.StopTimer()
		x.ns.MustIP("route", "flush", "proto", "boot", "dev", "eth1")
		x.do(func() {
			l.RemoveConfig("static")
			l.Commit(CommitAuto)
		})
		x.settle()
		b.StartTimer()
	}
	b.ReportMetric(first.Seconds()/float64(b.N), "s/first-commit")
	b.ReportMetric(second.Seconds()/float64(b.N), "s/noop-commit")
	b.ReportMetric(follow.Seconds()/float64(b.N), "s/follow-10k-foreign")
}
