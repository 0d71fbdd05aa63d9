package platform

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/logging"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/platform/nl"
	"github.com/gonm/gonm/internal/testbed"
)

// tp is a platform under test, running on its own loop, mirroring a
// throwaway namespace.
type tp struct {
	t    testing.TB
	ns   *testbed.Netns
	loop *loop.Loop
	p    *Platform
	sub  *Subscription
}

type tpOptions struct {
	rcvBuf  int
	backoff time.Duration
	trace   bool
}

func startTP(t testing.TB, ns *testbed.Netns, o tpOptions) *tp {
	t.Helper()
	l := loop.New()
	ctx, cancel := context.WithCancel(context.Background())
	go l.Run(ctx)
	var log = logging.New(logging.NewOutput(testWriter{t}, true))
	if o.trace {
		if err := log.Set("TRACE", "PLATFORM"); err != nil {
			t.Fatal(err)
		}
	} else if err := log.Set("INFO", "PLATFORM"); err != nil {
		t.Fatal(err)
	}
	x := &tp{t: t, ns: ns, loop: l}
	x.p = New(l, Options{Netns: ns.Path(), RcvBuf: o.rcvBuf, ResyncBackoff: o.backoff,
		Log: log.For(logging.Platform, "platform")})
	var err error
	x.call(func() { err = x.p.Start() })
	if err != nil {
		cancel()
		t.Fatalf("start platform: %v", err)
	}
	t.Cleanup(func() {
		// The loop stops first: Close must not race with it.
		cancel()
		<-l.Done()
		x.p.Close()
	})
	return x
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// call runs fn on the platform's loop.
func (x *tp) call(fn func()) {
	x.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := x.loop.Call(ctx, fn); err != nil {
		x.t.Fatalf("loop call: %v", err)
	}
}

// index returns a link's index as the cache knows it.
func (x *tp) index(name string) int32 {
	x.t.Helper()
	var idx int32
	x.call(func() {
		if l, ok := x.p.LinkByName(name); ok {
			idx = l.Index
		}
	})
	if idx == 0 {
		x.t.Fatalf("link %s not in the cache", name)
	}
	return idx
}

// snapshot is the state of a namespace rendered as sorted lines, one per
// object, with every field; two snapshots are equal exactly when every
// object and field is.
type snapshot struct {
	links, addrs, routes4, routes6, rules []string
}

func (s *snapshot) sortAll() {
	for _, l := range [][]string{s.links, s.addrs, s.routes4, s.routes6, s.rules} {
		sort.Strings(l)
	}
}

func linkLine(l *Link) string { return fmt.Sprintf("%+v", *l) }

// addrLine leaves out the remaining lifetimes, which count down; they are
// compared separately through their deadline.
func addrLine(a *Address) string {
	b := *a
	if b.Valid != LifetimeInfinite {
		b.Valid = 1
	}
	if b.Preferred != LifetimeInfinite {
		b.Preferred = 1
	}
	return fmt.Sprintf("%+v", b)
}

func routeLine(r *Route) string { return fmt.Sprintf("%+v", *r) }
func ruleLine(r *Rule) string {
	s := fmt.Sprintf("%+v", *r)
	for _, rg := range []*Range{r.UIDRange, r.SPortRange, r.DPortRange} {
		if rg != nil {
			s += fmt.Sprintf(" %v", *rg)
		}
	}
	return s
}

// cacheSnapshot renders the cache.
func (x *tp) cacheSnapshot() snapshot {
	var s snapshot
	x.call(func() {
		for _, l := range x.p.Links() {
			s.links = append(s.links, linkLine(l))
		}
		for _, t := range []ObjectType{TypeIP4Address, TypeIP6Address} {
			for _, a := range x.p.Addresses(t, 0) {
				s.addrs = append(s.addrs, addrLine(a))
			}
		}
		x.p.Routes(TypeIP4Route, 0, true, func(r *Route) bool { s.routes4 = append(s.routes4, routeLine(r)); return true })
		x.p.Routes(TypeIP6Route, 0, true, func(r *Route) bool { s.routes6 = append(s.routes6, routeLine(r)); return true })
		for _, t := range []ObjectType{TypeIP4Rule, TypeIP6Rule} {
			for _, r := range x.p.Rules(t) {
				s.rules = append(s.rules, ruleLine(r))
			}
		}
	})
	s.sortAll()
	return s
}

// dumpSnapshot dumps the namespace on a fresh socket, independently of
// the platform's sockets and cache, and renders it the same way. Links get
// their driver and type completed as the platform does.
func dumpSnapshot(t testing.TB, ns *testbed.Netns) snapshot {
	t.Helper()
	var s snapshot
	err := ns.Do(func() error {
		c, err := nl.Dial(nl.Config{RcvBuf: 8 << 20})
		if err != nil {
			return err
		}
		defer c.Close()
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		now := nowCentis()
		reqs := [][]byte{linkDumpRequest(), addrDumpRequest(unix.AF_INET), addrDumpRequest(unix.AF_INET6),
			routeDumpRequest(unix.AF_INET, 0, 0), routeDumpRequest(unix.AF_INET6, 0, 0),
			ruleDumpRequest(unix.AF_INET), ruleDumpRequest(unix.AF_INET6)}
		links := map[int32]bool{}
		for _, req := range reqs {
			for attempt := 0; ; attempt++ {
				var part snapshot
				res, err := c.Dump(req, nil, func(h nl.Header, p []byte) error {
					switch h.Type {
					case unix.RTM_NEWLINK:
						l, ok, err := parseLink(p)
						if err != nil || !ok {
							return err
						}
						l.Driver = ethtoolDriver(fd, l.Name)
						l.Type = classify(&l, false)
						links[l.Index] = true
						part.links = append(part.links, linkLine(&l))
					case unix.RTM_NEWADDR:
						a, ok, err := parseAddr(p, now)
						if err != nil {
							return err
						}
						if ok {
							part.addrs = append(part.addrs, addrLine(&a))
						}
					case unix.RTM_NEWROUTE:
						rs, _, err := parseRoute(p, nil)
						for i := range rs {
							if rs[i].Is4() {
								part.routes4 = append(part.routes4, routeLine(&rs[i]))
							} else {
								part.routes6 = append(part.routes6, routeLine(&rs[i]))
							}
						}
						return err
					case unix.RTM_NEWRULE:
						r, ok, err := parseRule(p)
						if err != nil {
							return err
						}
						if ok {
							part.rules = append(part.rules, ruleLine(&r))
						}
					}
					return nil
				})
				if err != nil {
					return err
				}
				if res.Interrupted && attempt < 20 {
					continue
				}
				s.links = append(s.links, part.links...)
				s.addrs = append(s.addrs, part.addrs...)
				s.routes4 = append(s.routes4, part.routes4...)
				s.routes6 = append(s.routes6, part.routes6...)
				s.rules = append(s.rules, part.rules...)
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("dump %s: %v", ns.Name, err)
	}
	s.sortAll()
	return s
}

// diff describes how two snapshots differ (at most a few lines per kind).
func diffSnapshots(cache, kernel snapshot) string {
	var b strings.Builder
	for _, k := range []struct {
		name string
		c, k []string
	}{{"link", cache.links, kernel.links}, {"address", cache.addrs, kernel.addrs},
		{"ip4-route", cache.routes4, kernel.routes4}, {"ip6-route", cache.routes6, kernel.routes6},
		{"rule", cache.rules, kernel.rules}} {
		cm, km := map[string]bool{}, map[string]bool{}
		for _, x := range k.c {
			cm[x] = true
		}
		for _, x := range k.k {
			km[x] = true
		}
		shown := 0
		extra, missing := 0, 0
		for _, x := range k.c {
			if !km[x] {
				extra++
				if shown < 5 {
					fmt.Fprintf(&b, "  %s only in cache:  %s\n", k.name, x)
					shown++
				}
			}
		}
		for _, x := range k.k {
			if !cm[x] {
				missing++
				if shown < 10 {
					fmt.Fprintf(&b, "  %s only in kernel: %s\n", k.name, x)
					shown++
				}
			}
		}
		if extra+missing > 0 {
			fmt.Fprintf(&b, "  %s: %d in cache, %d in kernel, %d only in cache, %d only in kernel\n",
				k.name, len(k.c), len(k.k), extra, missing)
		}
	}
	return b.String()
}

// converge waits until the cache equals a fresh dump, or fails the test
// with the difference. Events are applied asynchronously, so the check is
// repeated until it holds; the deadline only bounds a failure.
func (x *tp) converge(timeout time.Duration) snapshot {
	x.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_ = x.loop.Settle(ctx)
		cancel()
		c := x.cacheSnapshot()
		k := dumpSnapshot(x.t, x.ns)
		d := diffSnapshots(c, k)
		if d == "" {
			return c
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("cache did not converge to the kernel's state within %v:\n%s", timeout, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// batchFile writes ip -batch commands to a file.
func batchFile(t testing.TB, lines func(w func(string))) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "batch")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 1<<20)
	lines(func(s string) {
		buf = append(buf, s...)
		buf = append(buf, '\n')
		if len(buf) > 1<<20-200 {
			f.Write(buf)
			buf = buf[:0]
		}
	})
	f.Write(buf)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}
