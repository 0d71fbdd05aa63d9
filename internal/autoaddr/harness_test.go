package autoaddr

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/acd"
	"github.com/gonm/gonm/internal/gkeyfile"
	"github.com/gonm/gonm/internal/hostid"
	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/logging"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/testbed"
)

// testKey is the host key of these tests (stable-privacy addresses).
var testKey = []byte("0123456789abcdef0123456789abcdef")

// env is a client namespace (eth1) behind a veth to a peer namespace
// (peer1 with 192.0.2.1/24 and 2001:db8:1::1/64) where the servers run.
type env struct {
	t        testing.TB
	ns, peer *testbed.Netns
	index    int32
	hw       net.HardwareAddr
	stateDir string
	lg       *logging.Logging
	// hostname is the static host name the methods see.
	hostname string
	// host and machineID replace the test identity when set (to be the
	// reference daemon's).
	host      *hostid.HostID
	machineID *hostid.MachineID
}

func newEnv(t testing.TB) *env {
	t.Helper()
	testbed.RequireRoot(t)
	e := &env{t: t, ns: testbed.NewNetns(t), peer: testbed.NewNetns(t), stateDir: t.TempDir(), hostname: "client.example.test"}
	for _, n := range []*testbed.Netns{e.ns, e.peer} {
		// Addresses usable at once: the tests are about what gets
		// configured, not about the kernel's DAD wait.
		n.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0")
	}
	testbed.Veth(t, e.ns, "eth1", e.peer, "peer1")
	e.peer.MustIP("addr", "add", "192.0.2.1/24", "dev", "peer1")
	e.peer.MustIP("addr", "add", "2001:db8:1::1/64", "dev", "peer1")
	e.ns.MustIP("link", "set", "eth1", "up")
	e.peer.MustIP("link", "set", "peer1", "up")
	if err := e.ns.Do(func() error {
		ifi, err := net.InterfaceByName("eth1")
		if err != nil {
			return err
		}
		e.index, e.hw = int32(ifi.Index), ifi.HardwareAddr
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(e.ns.MustIP("-6", "addr", "show", "dev", "eth1"), "fe80::") ||
		!strings.Contains(e.peer.MustIP("-6", "addr", "show", "dev", "peer1"), "fe80::") ||
		!strings.Contains(e.ns.MustIP("link", "show", "eth1"), "state UP") {
		if time.Now().After(deadline) {
			t.Fatal("veth not up with link-local addresses")
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.lg = logging.New(logging.NewOutput(testLog{t}, true))
	if err := e.lg.Set("DEBUG", "DHCP4,DHCP6,IP4,IP6,AUTOIP4,SHARING,CORE,PLATFORM"); err != nil {
		t.Fatal(err)
	}
	return e
}

type testLog struct{ t testing.TB }

func (w testLog) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

// daemon is one run of "the daemon" in e's namespace: a loop, the
// platform and an l3cfg registry (a restart makes a new one).
type daemon struct {
	e      *env
	loop   *loop.Loop
	p      *platform.Platform
	reg    *l3cfg.Registry
	l3     *l3cfg.L3Cfg
	ops    []l3cfg.Op // every commit's operations, in order
	cancel context.CancelFunc
	closed bool
	// extra adjusts the Runner's options of the next runs.
	extra func(*Options)
}

func (e *env) start() *daemon {
	t := e.t
	t.Helper()
	d := &daemon{e: e, loop: loop.New()}
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	go d.loop.Run(ctx)
	d.p = platform.New(d.loop, platform.Options{Netns: e.ns.Path()})
	var err error
	d.do(func() {
		if err = d.p.Start(); err != nil {
			return
		}
		d.reg = l3cfg.NewRegistry(d.loop, l3cfg.Kernel(d.p), l3cfg.Options{Log: e.lg.For(logging.Core, "l3cfg"),
			OpenARP: func(ifindex int32, hw net.HardwareAddr) (c *acd.Conn, err error) {
				e.ns.Do(func() error {
					c, err = acd.Open(int(ifindex), hw)
					return nil
				})
				return c, err
			}})
		if e.index == 0 {
			return // no eth1 (benchmarks with links of their own)
		}
		d.l3 = d.reg.Acquire(e.index)
		d.l3.RegisterCommitType(l3cfg.CommitUpdate, "test")
		d.l3.Watch(func(ev l3cfg.Event) {
			if ev.Type == l3cfg.EventPostCommit && ev.Result != nil {
				d.ops = append(d.ops, ev.Result.Ops...)
			}
		})
	})
	if err != nil {
		cancel()
		t.Fatalf("platform: %v", err)
	}
	t.Cleanup(d.stop)
	return d
}

// stop ends the run, leaving the kernel as it is.
func (d *daemon) stop() {
	if d.closed {
		return
	}
	d.closed = true
	d.do(func() { d.reg.Close() })
	d.cancel()
	<-d.loop.Done()
	d.p.Close()
}

func (d *daemon) do(fn func()) {
	d.e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := d.loop.Call(ctx, fn); err != nil {
		d.e.t.Fatalf("loop: %v", err)
	}
}

// addLinkLocal6 contributes the interface's IPv6 link-local address as
// the device does (priority IPv6LL, metric 1024), so that gateways on
// the link are reached through its fe80::/64 route.
func (d *daemon) addLinkLocal6() {
	d.do(func() {
		for _, a := range d.p.Addresses(platform.TypeIP6Address, d.e.index) {
			if a.Address.IsLinkLocalUnicast() {
				c := &l3cfg.Config{Source: "ll6"}
				c.IPv6.Addresses = []l3cfg.Address{{Prefix: netip.PrefixFrom(a.Address, 64)}}
				d.l3.AddConfig("ll6", c, l3cfg.ConfigOptions{Priority: l3cfg.PriorityIPv6LL, RouteMetric6: 1024})
				d.l3.ScheduleCommit(l3cfg.CommitAuto)
				return
			}
		}
		d.e.t.Fatal("no link-local address")
	})
}

// opsSince returns the operations of the commits after the first n.
func (d *daemon) opsSince(n int) (ops []l3cfg.Op, total int) {
	d.do(func() {
		ops = append(ops, d.ops[min(n, len(d.ops)):]...)
		total = len(d.ops)
	})
	return ops, total
}

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

const testUUID = "5f0a6c2e-8d43-4b59-9a1b-6f0e3c2d1a01"

// profile is an ethernet profile for eth1 with the given [ipv4] and
// [ipv6] lines.
func profile(t testing.TB, ipv4, ipv6 string) *setting.Connection {
	return parseProfile(t, fmt.Sprintf("[connection]\nid=a\nuuid=%s\ntype=ethernet\ninterface-name=eth1\n\n[ipv4]\n%s\n\n[ipv6]\n%s\n", testUUID, ipv4, ipv6))
}

func (e *env) inputs() Inputs {
	mid, _ := hostid.ParseMachineID("3d1219c7c4c5404aaa1f6d2a48adfda4")
	host := hostid.HostID{Key: testKey, Good: true}
	if e.machineID != nil {
		mid = *e.machineID
	}
	if e.host != nil {
		host = *e.host
	}
	return Inputs{IfIndex: e.index, IfName: "eth1", HWAddr: e.hw, DeviceType: 1,
		Host: host, MachineID: mid, BootID: "b",
		StaticHostname: e.hostname, StateDir: e.stateDir, DefaultUseTempaddr: -1}
}

// run starts the methods of conn on eth1; mod may adjust the parameters.
func (d *daemon) run(conn *setting.Connection, takeover bool, mod func(*Params)) *Runner {
	t := d.e.t
	t.Helper()
	in := d.e.inputs()
	p, warns := FromProfile(conn, in)
	if len(warns) > 0 {
		t.Fatalf("parameters: %v", warns)
	}
	p.LeaseFile = LeaseFile(in, conn.UUID())
	if mod != nil {
		mod(p)
	}
	var r *Runner
	var err error
	d.do(func() {
		o := Options{Loop: d.loop, L3: d.l3, Params: p, InNetns: d.e.ns.Do, Takeover: takeover,
			Log4: d.e.lg.For(logging.DHCP4, "dhcp4"), Log6: d.e.lg.For(logging.IP6, "ip6"), LogLL: d.e.lg.For(logging.AutoIP4, "ipv4ll"),
			LogShared: d.e.lg.For(logging.Sharing, "sharing")}
		if d.extra != nil {
			d.extra(&o)
		}
		r, err = New(o)
		if err == nil {
			err = r.Start()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !d.closed {
			d.do(func() { r.Stop(false, true) })
		}
	})
	return r
}

// wait polls cond on the loop until it holds.
func (d *daemon) wait(what string, timeout time.Duration, cond func() bool) {
	t := d.e.t
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var ok bool
		d.do(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func (d *daemon) waitState(r *Runner, f l3cfg.Family, want State, timeout time.Duration) {
	d.e.t.Helper()
	d.wait(fmt.Sprintf("%v state %v", f, want), timeout, func() bool {
		s, _ := r.State(f)
		return s == want
	})
}

// waitKernel waits until `ip ARGS` shows (or with absent, no longer
// shows) substr.
func (e *env) waitKernel(substr string, present bool, timeout time.Duration, args ...string) string {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		out := e.ns.MustIP(args...)
		if strings.Contains(out, substr) == present {
			return out
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("ip %v: want %q present=%v:\n%s", args, substr, present, out)
		}
		time.Sleep(25 * time.Millisecond)
	}
}
