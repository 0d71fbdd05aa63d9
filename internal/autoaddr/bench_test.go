package autoaddr

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/benchreport"
	"github.com/gonm/gonm/internal/l3cfg"
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
