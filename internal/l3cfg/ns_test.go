package l3cfg

import (
	"context"
	"net"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/acd"
	"github.com/gonm/gonm/internal/gkeyfile"
	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/logging"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/testbed"
)

// kx is a registry on the real platform, mirroring a namespace with a veth
// pair (eth1 here, peer1 in a peer namespace).
type kx struct {
	t      testing.TB
	ns     *testbed.Netns
	peer   *testbed.Netns
	loop   *loop.Loop
	p      *platform.Platform
	reg    *Registry
	index  int32
	events chan Event
}

func newKx(t *testing.T) *kx { return newKxB(t, "DEBUG") }

func newKxB(t testing.TB, level string) *kx {
	t.Helper()
	testbed.RequireRoot(t)
	x := &kx{t: t, ns: testbed.NewNetns(t), peer: testbed.NewNetns(t), loop: loop.New(), events: make(chan Event, 1024)}
	testbed.Veth(t, x.ns, "eth1", x.peer, "peer1")
	x.ns.MustIP("link", "set", "eth1", "up")
	x.peer.MustIP("link", "set", "peer1", "up")
	ctx, cancel := context.WithCancel(context.Background())
	go x.loop.Run(ctx)
	lg := logging.New(logging.NewOutput(testLog{t}, true))
	if err := lg.Set(level, "CORE"); err != nil {
		t.Fatal(err)
	}
	x.p = platform.New(x.loop, platform.Options{Netns: x.ns.Path()})
	var err error
	x.do(func() {
		if err = x.p.Start(); err != nil {
			return
		}
		x.reg = NewRegistry(x.loop, Kernel(x.p), Options{Log: lg.For(logging.Core, "l3cfg"),
			OpenARP: func(ifindex int32, hw net.HardwareAddr) (c *acd.Conn, err error) {
				x.ns.Do(func() error {
					c, err = acd.Open(int(ifindex), hw)
					return nil
				})
				return c, err
			}})
		lk, _ := x.p.LinkByName("eth1")
		x.index = lk.Index
	})
	if err != nil {
		cancel()
		t.Fatalf("platform: %v", err)
	}
	t.Cleanup(func() {
		x.do(func() { x.reg.Close() })
		cancel()
		<-x.loop.Done()
		x.p.Close()
	})
	return x
}

type testLog struct{ t testing.TB }

func (w testLog) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

func (x *kx) do(fn func()) {
	x.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := x.loop.Call(ctx, fn); err != nil {
		x.t.Fatalf("loop: %v", err)
	}
}

// l3 acquires the L3Cfg of eth1, registered for updates, with its events
// going to x.events.
func (x *kx) l3() *L3Cfg {
	var l *L3Cfg
	x.do(func() {
		l = x.reg.Acquire(x.index)
		l.RegisterCommitType(CommitUpdate, "test")
		l.Watch(func(e Event) {
			select {
			case x.events <- e:
			default:
			}
		})
	})
	return l
}

// waitEvent waits for an event matching ok.
func (x *kx) waitEvent(what string, ok func(Event) bool) Event {
	x.t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case e := <-x.events:
			if ok(e) {
				return e
			}
		case <-timeout:
			x.t.Fatalf("no %s event", what)
		}
	}
}

// ipShow runs ip in the namespace and keeps the lines that matter: no
// link-local (the kernel's own, not configured here), no "linkdown".
func (x *kx) ipShow(args ...string) string {
	x.t.Helper()
	out := x.ns.MustIP(args...)
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimRight(l, " ")
		if l == "" || strings.Contains(l, "fe80:") || strings.Contains(l, "valid_lft") || strings.HasPrefix(strings.TrimSpace(l), "link/") ||
			strings.Contains(l, "ff00::/8") || regexp.MustCompile(`^\d+: `).MatchString(l) {
			continue
		}
		keep = append(keep, strings.TrimSpace(l))
	}
	return strings.Join(keep, "\n") + "\n"
}

// theProfile is the profile of the differential test (the same one was
// activated with NetworkManager 1.42, see TestKernelStaticProfileMatchesReference).
const theProfile = `[connection]
id=s1
uuid=6a9d6d3a-6f0a-4a8e-9e3b-0c1d2e3f4a5b
type=ethernet
interface-name=eth1

[ipv4]
method=manual
address1=192.0.2.10/24
address2=198.51.100.7/25
gateway=192.0.2.1
route1=10.1.0.0/16,192.0.2.254
route2=10.2.0.0/16,192.0.2.253,55
route2_options=table=100
route3=10.3.0.0/24
dns=9.9.9.9;1.1.1.1;
dns-search=example.org;
dns-options=rotate;

[ipv6]
method=manual
addr-gen-mode=eui64
address1=2001:db8::10/64
address2=2001:db8:1::5/64
gateway=2001:db8::1
route1=2001:db8:5::/48,2001:db8::fe
dns=2001:4860:4860::8888;
`

func parseProfile(t testing.TB, text string) *setting.Connection {
	t.Helper()
	kf, err := gkeyfile.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	c := keyfile.Read(kf, keyfile.ReadOptions{})
	if _, err := c.Normalize(); err != nil {
		t.Fatalf("normalize: %v", err)
	}
	return c
}

// What NetworkManager 1.42 configures for theProfile on eth1 (ip output,
// link-local aside), as TestKernelStaticProfileMatchesReference checks.
const wantAddrs = `inet 192.0.2.10/24 brd 192.0.2.255 scope global noprefixroute eth1
inet 198.51.100.7/25 brd 198.51.100.127 scope global noprefixroute eth1
inet6 2001:db8::10/64 scope global noprefixroute
inet6 2001:db8:1::5/64 scope global noprefixroute
`

const wantRoutes = `10.2.0.0/16 via 192.0.2.253 table 100 proto static metric 55
default via 192.0.2.1 proto static metric 100
10.1.0.0/16 via 192.0.2.254 proto static metric 100
10.3.0.0/24 proto static scope link metric 100
192.0.2.0/24 proto kernel scope link src 192.0.2.10 metric 100
198.51.100.0/25 proto kernel scope link src 198.51.100.7 metric 100
local 192.0.2.10 table local proto kernel scope host src 192.0.2.10
broadcast 192.0.2.255 table local proto kernel scope link src 192.0.2.10
local 198.51.100.7 table local proto kernel scope host src 198.51.100.7
broadcast 198.51.100.127 table local proto kernel scope link src 198.51.100.7
2001:db8::/64 proto kernel metric 100 pref medium
2001:db8:1::/64 proto kernel metric 100 pref medium
2001:db8:5::/48 via 2001:db8::fe proto static metric 100 pref medium
default via 2001:db8::1 proto static metric 100 pref medium
local 2001:db8::10 table local proto kernel metric 0 pref medium
local 2001:db8:1::5 table local proto kernel metric 0 pref medium
`

func (x *kx) commitProfile(l *L3Cfg, text string, t CommitType) *CommitResult {
	c := FromProfile(parseProfile(x.t, text))
	opts := ConfigOptions{Priority: PriorityManual,
		RouteMetric4: RouteMetric(IPv4, -1, -1, DeviceVeth), RouteMetric6: RouteMetric(IPv6, -1, -1, DeviceVeth),
		DNSPriority4: DNSPriorityDefaultNormal, DNSPriority6: DNSPriorityDefaultNormal}
	var res *CommitResult
	x.do(func() {
		l.AddConfig("static", c, opts)
		res = l.Commit(t)
	})
	for _, o := range res.Failed() {
		x.t.Errorf("commit: %s", o)
	}
	return res
}

// settle waits until the L3Cfg saw the kernel's answer to its operations.
func (x *kx) settle() {
	x.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := x.loop.Settle(ctx); err != nil {
		x.t.Fatal(err)
	}
}

// waitIP polls ip until its filtered output is want (the kernel finishes
// IPv6 DAD on its own time).
func (x *kx) waitIP(want string, args ...string) {
	x.t.Helper()
	var got string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if got = x.ipShow(args...); got == want {
			return
		}
	}
	x.t.Errorf("ip %s:\n--- got\n%s--- want\n%s", strings.Join(args, " "), got, want)
}

func TestKernelCommitStaticProfile(t *testing.T) {
	x := newKx(t)
	l := x.l3()
	x.commitProfile(l, theProfile, CommitAuto)
	x.settle()
	x.waitIP(wantAddrs, "addr", "show", "dev", "eth1")
	x.waitIP(wantRoutes, "route", "show", "table", "all", "dev", "eth1")
	// Nothing to do the second time.
	if res := x.commitProfile(l, theProfile, CommitAuto); len(res.Ops) != 0 {
		t.Errorf("second commit: %v", res.Ops)
	}
}

// The same profile activated by NetworkManager 1.42 gives the same
// addresses and routes on the interface.
func TestKernelStaticProfileMatchesReference(t *testing.T) {
	testbed.RequireReference(t)
	ref := &kx{t: t, ns: testbed.NewNetns(t), peer: testbed.NewNetns(t)}
	ref.ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	testbed.Veth(t, ref.ns, "eth1", ref.peer, "peer1")
	ref.peer.MustIP("link", "set", "peer1", "up")
	d := testbed.StartReference(t, ref.ns, testbed.DaemonOptions{Quiet: true})
	if err := os.WriteFile(d.ConnectionsDir+"/s1.nmconnection", []byte(theProfile), 0o600); err != nil {
		t.Fatal(err)
	}
	ref.ns.MustRun("nmcli", "connection", "reload")
	ref.ns.MustRun("nmcli", "connection", "up", "s1")
	ref.waitIP(wantAddrs, "addr", "show", "dev", "eth1")
	ref.waitIP(wantRoutes, "route", "show", "table", "all", "dev", "eth1")
}

// A managed route someone removes is noticed on idle; an update leaves it
// removed (as NetworkManager), a reapply restores it; foreign routes and
// addresses stay through updates, a reapply removes the foreign ones of
// the main table only.
func TestKernelExternalChanges(t *testing.T) {
	x := newKx(t)
	l := x.l3()
	x.commitProfile(l, theProfile, CommitAuto)
	x.settle()
	x.ns.MustIP("route", "del", "10.1.0.0/16", "via", "192.0.2.254", "dev", "eth1", "metric", "100")
	x.ns.MustIP("route", "add", "10.9.0.0/16", "dev", "eth1", "proto", "boot", "metric", "7")
	x.ns.MustIP("route", "add", "10.8.0.0/16", "dev", "eth1", "table", "200")
	x.ns.MustIP("addr", "add", "203.0.113.5/24", "dev", "eth1")
	x.waitEvent("platform change", func(e Event) bool { return e.Type == EventPlatformChange && e.Types.Has(platform.TypeIP4Route) })
	x.settle()

	res := x.commitProfile(l, theProfile, CommitAuto)
	if len(res.Ops) != 0 || !slices.ContainsFunc(res.ExternallyRemoved, func(s string) bool { return strings.Contains(s, "10.1.0.0/16") }) {
		t.Errorf("update after the removal: %s, externally removed %q", res.Summary(), res.ExternallyRemoved)
	}
	routes := x.ipShow("route", "show", "table", "all", "dev", "eth1")
	for _, want := range []string{"10.9.0.0/16 scope link metric 7", "10.8.0.0/16 table 200 scope link", "203.0.113.0/24 proto kernel scope link src 203.0.113.5"} {
		if !strings.Contains(routes, want) {
			t.Errorf("foreign route %q gone after an update:\n%s", want, routes)
		}
	}
	if strings.Contains(routes, "10.1.0.0/16") {
		t.Errorf("an update put back a route someone removed:\n%s", routes)
	}

	x.commitProfile(l, theProfile, CommitReapply)
	x.settle()
	routes = x.ipShow("route", "show", "table", "all", "dev", "eth1")
	if !strings.Contains(routes, "10.1.0.0/16 via 192.0.2.254 proto static metric 100") {
		t.Errorf("reapply did not restore the route:\n%s", routes)
	}
	if strings.Contains(routes, "10.9.0.0/16") || strings.Contains(routes, "203.0.113") {
		t.Errorf("reapply left foreign main-table objects:\n%s", routes)
	}
	if !strings.Contains(routes, "10.8.0.0/16 table 200") {
		t.Errorf("reapply removed a route of another table:\n%s", routes)
	}
	x.waitIP(wantAddrs, "addr", "show", "dev", "eth1")
}

// IPv6 DAD: a new address is tentative (not ready), then ready; one
// another node has fails, is reported and not counted ready.
func TestKernelIPv6DAD(t *testing.T) {
	x := newKx(t)
	// The peer holds 2001:db8::66 already (without DAD of its own).
	x.peer.MustIP("addr", "add", "2001:db8::66/64", "dev", "peer1", "nodad")
	l := x.l3()
	c := &Config{Source: "static"}
	c.IPv6.Addresses = []Address{{Prefix: pfx("2001:db8::10/64")}, {Prefix: pfx("2001:db8::66/64")}}
	x.do(func() {
		l.AddConfig("static", c, ethOpts)
		l.Commit(CommitAuto)
		if ready, _ := l.CheckReady(IPv6, nil, ReadyIP6DAD); ready {
			t.Error("ready right after adding addresses that do DAD")
		}
	})
	got := map[string]bool{}
	for len(got) < 2 {
		e := x.waitEvent("DAD", func(e Event) bool { return e.Type == EventDAD })
		got[e.Addr.String()] = e.DADFailed
	}
	if got["2001:db8::10"] || !got["2001:db8::66"] {
		t.Errorf("DAD outcomes (failed?): %v", got)
	}
	x.do(func() {
		ready, conflicts := l.CheckReady(IPv6, nil, ReadyIP6DAD)
		if !ready || len(conflicts) != 1 || conflicts[0] != ip("2001:db8::66") {
			t.Errorf("CheckReady = %v %v", ready, conflicts)
		}
	})
	if out := x.ns.MustIP("-6", "addr", "show", "dev", "eth1"); !regexp.MustCompile(`2001:db8::66/64 scope global .*dadfailed`).MatchString(out) {
		t.Errorf("the kernel's view:\n%s", out)
	}
}

// IPv4 ACD against a real neighbour: an address the peer has is not
// configured; a free one is, after the probe.
func TestKernelACD(t *testing.T) {
	x := newKx(t)
	x.peer.MustIP("addr", "add", "192.0.2.99/24", "dev", "peer1")
	l := x.l3()
	c := staticCfg([]string{"192.0.2.10/24", "192.0.2.99/24"}, "")
	opts := ethOpts
	opts.ACDTimeout = 300 * time.Millisecond
	x.do(func() {
		l.AddConfig("static", c, opts)
		if res := l.Commit(CommitAuto); len(res.ACDPending) != 2 {
			t.Errorf("not held back: %s", res.Summary())
		}
	})
	used := x.waitEvent("ACD used", func(e Event) bool { return e.Type == EventACD && e.ACD == ACDUsed })
	if used.Addr != ip("192.0.2.99") {
		t.Errorf("used: %v", used)
	}
	x.waitEvent("ACD defending", func(e Event) bool { return e.Type == EventACD && e.ACD == ACDDefending })
	x.settle()
	out := x.ns.MustIP("-4", "addr", "show", "dev", "eth1")
	if !strings.Contains(out, "192.0.2.10/24") || strings.Contains(out, "192.0.2.99") {
		t.Errorf("addresses after ACD:\n%s", out)
	}
}

// Routing rules and routes without a device, side by side with
// NetworkManager 1.42 for the same profile: `ip rule` and every route of
// the namespace alike.
func TestKernelRulesAndSpecialRoutesMatchReference(t *testing.T) {
	testbed.RequireReference(t)
	const profile = `[connection]
id=s2
uuid=7b0e7e4b-0f1b-4b9f-af4c-1d2e3f4a5b6c
type=ethernet
interface-name=eth1

[ipv4]
method=manual
address1=192.0.2.10/24
route1=198.18.0.0/15
route1_options=type=blackhole
route2=203.0.113.0/24
route2_options=type=unreachable,table=200
route3=10.5.0.0/16,192.0.2.1,20
route3_options=table=100,src=192.0.2.10
routing-rule1=priority 5000 from 192.0.2.0/24 table 100
routing-rule2=priority 5001 to 10.6.0.0/16 iif eth1 table 200

[ipv6]
method=disabled
`
	show := func(ns *testbed.Netns) string {
		var b strings.Builder
		for _, args := range [][]string{{"-4", "rule"}, {"-4", "route", "show", "table", "all"}} {
			out := ns.MustIP(args...)
			for _, l := range strings.Split(out, "\n") {
				if strings.Contains(l, " lo ") || strings.Contains(l, "dev lo") || strings.Contains(l, "127.0.0.") {
					continue
				}
				b.WriteString(strings.TrimRight(l, " ") + "\n")
			}
		}
		return b.String()
	}

	ref := &kx{t: t, ns: testbed.NewNetns(t), peer: testbed.NewNetns(t)}
	ref.ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	testbed.Veth(t, ref.ns, "eth1", ref.peer, "peer1")
	ref.peer.MustIP("link", "set", "peer1", "up")
	d := testbed.StartReference(t, ref.ns, testbed.DaemonOptions{Quiet: true})
	if err := os.WriteFile(d.ConnectionsDir+"/s2.nmconnection", []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	ref.ns.MustRun("nmcli", "connection", "reload")
	ref.ns.MustRun("nmcli", "connection", "up", "s2")

	x := newKx(t)
	x.commitProfile(x.l3(), profile, CommitAuto)
	x.settle()
	var got, want string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got, want = show(x.ns), show(ref.ns); got == want {
			break
		}
	}
	if got != want {
		t.Errorf("gonm:\n%s\nNetworkManager 1.42:\n%s", got, want)
	} else {
		t.Logf("identical:\n%s", got)
	}
}
