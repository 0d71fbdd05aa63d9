package autoaddr

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/benchreport"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/logging"
	"github.com/gonm/gonm/internal/testbed"
)

// carrierless is newEnv with the peer end down: eth1 has no carrier.
func carrierless(b *testing.B) *env {
	b.Helper()
	e := newEnv(b)
	e.peer.MustIP("link", "set", "peer1", "down")
	e.waitKernel("NO-CARRIER", true, 5*time.Second, "link", "show", "eth1")
	return e
}

var (
	routable4 = regexp.MustCompile(`(?m)^default via 192\.0\.2\.1 dev eth1 `)
	global6   = regexp.MustCompile(`inet6 2001:db8:1:[0-9a-f:]+/64 scope global`)
)

// routable reports whether eth1 has an address of family f (IPv6: past
// DAD) and a default route.
func routable(e *env, f l3cfg.Family) bool {
	if f == l3cfg.IPv4 {
		return strings.Contains(e.ns.MustIP("-4", "addr", "show", "dev", "eth1"), "inet 192.0.2.") &&
			routable4.MatchString(e.ns.MustIP("-4", "route"))
	}
	a := e.ns.MustIP("-6", "addr", "show", "dev", "eth1")
	return global6.MatchString(a) && !strings.Contains(a, "tentative") &&
		strings.Contains(e.ns.MustIP("-6", "route"), "default via fe80::")
}

func waitRoutable(b *testing.B, e *env, f l3cfg.Family, start time.Time) time.Duration {
	for !routable(e, f) {
		if time.Since(start) > 60*time.Second {
			b.Fatalf("eth1 not routable (%v)", f)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

// BenchmarkCarrierToRoutable measures, for DHCPv4 (dnsmasq, --no-ping)
// and IPv6 router advertisements (radvd), the time from carrier up until
// the interface has its address (IPv6: past DAD) and default route in
// the kernel: gonm's automatic methods over l3cfg (started at carrier up,
// as a device does), and NetworkManager 1.42 activating the same
// profile. Both polled every 5 ms with ip. Both namespaces run with
// accept_dad 0 (newEnv), so the IPv6 figure leaves the kernel's DAD wait
// out for both.
func BenchmarkCarrierToRoutable(b *testing.B) {
	var rep benchreport.Report
	const radvdFast = `interface peer1 {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 4;
	prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; };
};
`
	type scenario struct {
		name       string
		f          l3cfg.Family
		ipv4, ipv6 string
		server     func(e *env)
	}
	for _, sc := range []scenario{
		{"autoaddr/carrier-to-dhcp4-routable", l3cfg.IPv4, "method=auto", ipv6Off, func(e *env) {
			testbed.StartDnsmasq(b, e.peer, "peer1", "--dhcp-range=192.0.2.10,192.0.2.20,255.255.255.0,2m",
				"--dhcp-option=option:router,192.0.2.1", "--no-ping")
		}},
		{"autoaddr/carrier-to-ipv6-routable", l3cfg.IPv6, ipv4Off, "method=auto\naddr-gen-mode=stable-privacy", func(e *env) {
			testbed.StartRadvd(b, e.peer, radvdFast)
		}},
	} {
		var gonmTotal, refTotal time.Duration
		for range b.N {
			e := carrierless(b)
			sc.server(e)
			d := e.start()
			conn := profile(b, sc.ipv4, sc.ipv6)
			start := time.Now()
			e.peer.MustIP("link", "set", "peer1", "up")
			r := d.run(conn, false, nil)
			gonmTotal += waitRoutable(b, e, sc.f, start)
			d.do(func() { r.Stop(false, true) })
			d.stop()

			if _, err := os.Stat(testbed.ReferenceBinary); err != nil {
				continue
			}
			e = carrierless(b)
			sc.server(e)
			e.ns.Bus = testbed.StartBus(b, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
			testbed.StartReference(b, e.ns, testbed.DaemonOptions{Quiet: true})
			e.ns.MustRun("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "t",
				"ipv4.method", strings.TrimPrefix(sc.ipv4, "method="),
				"ipv6.method", strings.TrimPrefix(strings.Split(sc.ipv6, "\n")[0], "method="))
			time.Sleep(500 * time.Millisecond) // let it settle waiting for carrier
			start = time.Now()
			e.peer.MustIP("link", "set", "peer1", "up")
			refTotal += waitRoutable(b, e, sc.f, start)
		}
		n := float64(b.N)
		rep.Add(benchreport.Figure{Scenario: sc.name, Subject: "gonm", Metric: "seconds", Value: gonmTotal.Seconds() / n, Unit: "s"})
		if refTotal > 0 {
			rep.Add(benchreport.Figure{Scenario: sc.name, Subject: "NetworkManager-1.42", Metric: "seconds", Value: refTotal.Seconds() / n, Unit: "s"})
		}
	}
	if err := rep.Publish(os.Stdout); err != nil {
		b.Error(err)
	}
}

// manyLinks makes n veth pairs c0..c(n-1) in ns, their peers enslaved to
// a bridge in peer (10.10.0.1/16, dnsmasq serving 10.10.1.0-10.10.2.255)
// and down: no carrier.
func manyLinks(b *testing.B, n int) (ns, peer *testbed.Netns) {
	ns, peer = testbed.NewNetns(b), testbed.NewNetns(b)
	peer.MustIP("link", "add", "br0", "type", "bridge")
	peer.MustIP("addr", "add", "10.10.0.1/16", "dev", "br0")
	peer.MustIP("link", "set", "br0", "up")
	for i := range n {
		testbed.Veth(b, ns, fmt.Sprintf("c%d", i), peer, fmt.Sprintf("s%d", i))
		peer.MustIP("link", "set", fmt.Sprintf("s%d", i), "down", "master", "br0")
	}
	testbed.StartDnsmasq(b, peer, "br0", "--dhcp-range=10.10.1.0,10.10.2.255,255.255.0.0,10m", "--no-ping")
	return ns, peer
}

// carrierUp brings every peer end up at once.
func carrierUp(b *testing.B, peer *testbed.Netns, n int) {
	var batch strings.Builder
	for i := range n {
		fmt.Fprintf(&batch, "link set s%d up\n", i)
	}
	f := filepath.Join(b.TempDir(), "up.batch")
	if err := os.WriteFile(f, []byte(batch.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	peer.MustIP("-batch", f)
}

// leased counts the interfaces of ns with an address from dnsmasq.
func leased(ns *testbed.Netns) int {
	return strings.Count(ns.MustIP("-4", "-o", "addr", "show"), " inet 10.10.")
}

func selfCPU() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// BenchmarkManyInterfacesDHCP4 measures 32 interfaces getting DHCPv4
// leases at once from one dnsmasq: the time from carrier up until every
// interface has its address, and the CPU spent meanwhile. gonm's figure
// is its automatic methods over l3cfg in the test process (CPU of the
// whole process, the polling included); NetworkManager 1.42's is the
// daemon activating 32 profiles (its device activation included, its
// CPU read from /proc).
func BenchmarkManyInterfacesDHCP4(b *testing.B) {
	const n = 32
	var rep benchreport.Report
	scenario := "autoaddr/32-interfaces-dhcp4"
	for range b.N {
		ns, peer := manyLinks(b, n)
		lg := logging.New(logging.NewOutput(io.Discard, true))
		e := &env{t: b, ns: ns, peer: peer, stateDir: b.TempDir(), hostname: "bench", lg: lg}
		d := e.start()
		indexes := make([]int32, n)
		d.do(func() {
			for i := range n {
				lk, _ := d.p.LinkByName(fmt.Sprintf("c%d", i))
				indexes[i] = lk.Index
			}
		})
		cpu0, start := selfCPU(), time.Now()
		carrierUp(b, peer, n)
		runners := make([]*Runner, n)
		d.do(func() {
			for i := range n {
				l3 := d.reg.Acquire(indexes[i])
				l3.RegisterCommitType(l3cfg.CommitUpdate, "bench")
				in := e.inputs()
				in.IfIndex, in.IfName = indexes[i], fmt.Sprintf("c%d", i)
				lk, _ := d.p.Link(indexes[i])
				in.HWAddr = net.HardwareAddr(lk.Addr.Bytes())
				p, _ := FromProfile(profile(b, "method=auto", ipv6Off), in)
				r, err := New(Options{Loop: d.loop, L3: l3, Params: p, InNetns: ns.Do})
				if err == nil {
					err = r.Start()
				}
				if err != nil {
					b.Fatal(err)
				}
				runners[i] = r
			}
		})
		for leased(ns) < n {
			if time.Since(start) > 2*time.Minute {
				b.Fatalf("gonm: %d of %d leased", leased(ns), n)
			}
			time.Sleep(20 * time.Millisecond)
		}
		rep.Add(benchreport.Figure{Scenario: scenario, Subject: "gonm", Metric: "seconds", Value: time.Since(start).Seconds(), Unit: "s"})
		rep.Add(benchreport.Figure{Scenario: scenario, Subject: "gonm", Metric: "cpu_seconds", Value: selfCPU() - cpu0, Unit: "s"})
		d.do(func() {
			for _, r := range runners {
				r.Stop(false, true)
			}
		})
		d.stop()

		if _, err := os.Stat(testbed.ReferenceBinary); err != nil {
			continue
		}
		ns, peer = manyLinks(b, n)
		ns.Bus = testbed.StartBus(b, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
		ref := testbed.StartReference(b, ns, testbed.DaemonOptions{Quiet: true,
			Config: strings.Replace(testbed.DefaultConfig, "level=DEBUG", "level=INFO", 1)})
		for i := range n {
			kf := fmt.Sprintf("[connection]\nid=c%d\ntype=ethernet\ninterface-name=c%d\n\n[ipv4]\nmethod=auto\n\n[ipv6]\nmethod=disabled\n", i, i)
			if err := os.WriteFile(filepath.Join(ref.ConnectionsDir, fmt.Sprintf("c%d.nmconnection", i)), []byte(kf), 0o600); err != nil {
				b.Fatal(err)
			}
		}
		ns.MustRun("nmcli", "connection", "reload")
		time.Sleep(time.Second) // profiles loaded, devices waiting for carrier
		pid := benchreport.ProcessNamed(ref.PID, "NetworkManager")
		cpu0, start = procCPUSeconds(pid), time.Now()
		carrierUp(b, peer, n)
		for leased(ns) < n {
			if time.Since(start) > 2*time.Minute {
				b.Fatalf("NetworkManager: %d of %d leased", leased(ns), n)
			}
			time.Sleep(20 * time.Millisecond)
		}
		rep.Add(benchreport.Figure{Scenario: scenario, Subject: "NetworkManager-1.42", Metric: "seconds", Value: time.Since(start).Seconds(), Unit: "s"})
		rep.Add(benchreport.Figure{Scenario: scenario, Subject: "NetworkManager-1.42", Metric: "cpu_seconds", Value: procCPUSeconds(pid) - cpu0, Unit: "s"})
	}
	if err := rep.Publish(os.Stdout); err != nil {
		b.Error(err)
	}
}

func procCPUSeconds(pid int) float64 { return benchreport.ProcCPU(pid).Seconds() }
