package dhcp4

import (
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/benchreport"
	"github.com/gonm/gonm/internal/testbed"
)

// benchLink is newLink for benchmarks, with both ends down (no carrier).
func benchLink(b *testing.B) *link {
	b.Helper()
	testbed.RequireRoot(b)
	ns := testbed.NewNetns(b)
	peer := testbed.NewNetns(b)
	testbed.Veth(b, ns, "eth1", peer, "peer1")
	peer.MustIP("addr", "add", "192.0.2.1/24", "dev", "peer1")
	l := &link{ns: ns, name: "eth1", peerNS: peer, peerDev: "peer1"}
	if err := ns.Do(func() error {
		ifi, err := net.InterfaceByName("eth1")
		if err != nil {
			return err
		}
		l.index, l.hw = ifi.Index, ifi.HardwareAddr
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	peer.MustIP("link", "set", "peer1", "down")
	return l
}

// BenchmarkCarrierToLease measures the time from carrier up to a bound
// DHCPv4 lease from dnsmasq: this engine (started at carrier up, as the
// device will), and NetworkManager 1.42 (until the address is in the
// kernel, polled every 5 ms). dnsmasq runs with --no-ping so that its
// 3-second address check does not dominate.
func BenchmarkCarrierToLease(b *testing.B) {
	var rep benchreport.Report
	var gonmTotal, refTotal time.Duration
	for range b.N {
		l := benchLink(b)
		testbed.StartDnsmasq(b, l.peerNS, "peer1", "--dhcp-range=192.0.2.10,192.0.2.20,255.255.255.0,2m", "--no-ping")
		evs := make(chan Event, 8)
		c, err := New(Config{IfIndex: l.index, IfName: "eth1", HWAddr: l.hw}, func(e Event) { evs <- e })
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		l.peerNS.MustIP("link", "set", "peer1", "up")
		if err := l.ns.Do(c.Start); err != nil {
			b.Fatal(err)
		}
		for e := range evs {
			if e.Type == EventBound {
				break
			}
		}
		gonmTotal += time.Since(start)
		c.Stop(false)

		if _, err := os.Stat(testbed.ReferenceBinary); err != nil {
			continue
		}
		r := benchLink(b)
		testbed.StartDnsmasq(b, r.peerNS, "peer1", "--dhcp-range=192.0.2.10,192.0.2.20,255.255.255.0,2m", "--no-ping")
		r.ns.Bus = testbed.StartBus(b, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
		testbed.StartReference(b, r.ns, testbed.DaemonOptions{Quiet: true})
		r.ns.MustRun("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "t",
			"ipv4.method", "auto", "ipv6.method", "disabled")
		time.Sleep(500 * time.Millisecond) // let it settle waiting for carrier
		start = time.Now()
		r.peerNS.MustIP("link", "set", "peer1", "up")
		for !strings.Contains(r.ns.MustIP("-4", "addr", "show", "dev", "eth1"), "192.0.2.") {
			if time.Since(start) > 30*time.Second {
				b.Fatal("reference got no lease")
			}
			time.Sleep(5 * time.Millisecond)
		}
		refTotal += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(gonmTotal.Seconds()/n, "gonm-s/op")
	rep.Add(benchreport.Figure{Scenario: "dhcp4/carrier-to-lease", Subject: "gonm", Metric: "seconds", Value: gonmTotal.Seconds() / n, Unit: "s"})
	if refTotal > 0 {
		b.ReportMetric(refTotal.Seconds()/n, "nm-s/op")
		rep.Add(benchreport.Figure{Scenario: "dhcp4/carrier-to-lease", Subject: "NetworkManager-1.42", Metric: "seconds", Value: refTotal.Seconds() / n, Unit: "s"})
	}
	if err := rep.Publish(os.Stdout); err != nil {
		b.Error(err)
	}
}
