package ndisc

import (
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/benchreport"
	"github.com/gonm/gonm/internal/testbed"
)

func benchEnv(b *testing.B) *env {
	b.Helper()
	testbed.RequireRoot(b)
	testbed.RequireRadvd(b)
	ns := testbed.NewNetns(b)
	peer := testbed.NewNetns(b)
	ns.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_ra=0")
	// The router's link-local address is usable at once, so radvd answers
	// the first solicitation instead of the one about 4 s later.
	peer.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0")
	testbed.Veth(b, ns, "eth1", peer, "peer1")
	e := &env{ns: ns, peer: peer}
	if err := ns.Do(func() error {
		ifi, err := net.InterfaceByName("eth1")
		if err != nil {
			return err
		}
		e.index, e.hw = ifi.Index, ifi.HardwareAddr
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkCarrierToIPv6Address measures the time from carrier up to a
// global SLAAC address from radvd: this engine until it derived the
// address (the kernel's DAD, l3cfg's part, is not included), and
// NetworkManager 1.42 until the address is in the kernel (tentative
// allowed, polled every 5 ms).
func BenchmarkCarrierToIPv6Address(b *testing.B) {
	var rep benchreport.Report
	var gonmTotal, refTotal time.Duration
	for range b.N {
		e := benchEnv(b)
		testbed.StartRadvd(b, e.peer, radvdConf)
		e.peer.MustIP("link", "set", "peer1", "down")
		evs := make(chan Event, 16)
		n, err := New(Config{IfIndex: e.index, IfName: "eth1", HWAddr: e.hw}, func(x Event) { evs <- x })
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		e.peer.MustIP("link", "set", "peer1", "up")
		if err := e.ns.Do(n.Start); err != nil {
			b.Fatal(err)
		}
		for x := range evs {
			if x.Type == EventConfigChanged && len(x.Data.Addresses) > 0 {
				break
			}
		}
		gonmTotal += time.Since(start)
		n.Stop()

		if _, err := os.Stat(testbed.ReferenceBinary); err != nil {
			continue
		}
		r := benchEnv(b)
		testbed.StartRadvd(b, r.peer, radvdConf)
		r.peer.MustIP("link", "set", "peer1", "down")
		r.ns.Bus = testbed.StartBus(b, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
		testbed.StartReference(b, r.ns, testbed.DaemonOptions{Quiet: true})
		r.ns.MustRun("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "t",
			"ipv4.method", "disabled", "ipv6.method", "auto")
		time.Sleep(500 * time.Millisecond)
		start = time.Now()
		r.peer.MustIP("link", "set", "peer1", "up")
		for !strings.Contains(r.ns.MustIP("-6", "addr", "show", "dev", "eth1", "scope", "global"), "2001:db8:1:") {
			if time.Since(start) > 30*time.Second {
				b.Fatal("reference got no address")
			}
			time.Sleep(5 * time.Millisecond)
		}
		refTotal += time.Since(start)
	}
	nf := float64(b.N)
	b.ReportMetric(gonmTotal.Seconds()/nf, "gonm-s/op")
	rep.Add(benchreport.Figure{Scenario: "ndisc/carrier-to-slaac-address", Subject: "gonm", Metric: "seconds", Value: gonmTotal.Seconds() / nf, Unit: "s"})
	if refTotal > 0 {
		b.ReportMetric(refTotal.Seconds()/nf, "nm-s/op")
		rep.Add(benchreport.Figure{Scenario: "ndisc/carrier-to-slaac-address", Subject: "NetworkManager-1.42", Metric: "seconds", Value: refTotal.Seconds() / nf, Unit: "s"})
	}
	if err := rep.Publish(os.Stdout); err != nil {
		b.Error(err)
	}
}
