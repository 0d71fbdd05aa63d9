package difftest

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/benchreport"
	"github.com/gonm/gonm/internal/testbed"
)

// The automatic methods through the whole daemon, against NetworkManager
// 1.42: DHCPv4 from dnsmasq, SLAAC from radvd, stateful DHCPv6 after the
// M flag; nmcli device show's DHCP4/DHCP6/IP4/IP6 sections compared (the
// wall-clock expiry and the DHCPv6 identities, which come from each
// daemon's machine, masked).

const autoRadvd = `interface peer2 {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 4;
	AdvDefaultPreference high;
	prefix 2001:db8:2::/64 { AdvOnLink on; AdvAutonomous on; };
	RDNSS 2001:db8:2::53 { };
};
interface peer3 {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 4;
	AdvManagedFlag on;
	prefix 2001:db8:3::/64 { AdvOnLink on; AdvAutonomous off; };
};
`

var autoMask = regexp.MustCompile(`(?m)^(DHCP4\.OPTION\[\d+\]:\s+expiry = |DHCP6\.OPTION\[\d+\]:\s+(dhcp6_client_id|iaid) = ).*$`)

func autoSections(out string) string {
	var b strings.Builder
	// Route lists are compared as sets: NetworkManager's cache takes the
	// kernel's order at its re-dumps, gonm's platform keeps the order
	// routes appeared in (a difference of the platform, not of the
	// methods).
	var routes []string
	lines := strings.SplitAfter(out, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "IP6.ROUTE[") || strings.HasPrefix(l, "IP4.ROUTE[") {
			_, v, _ := strings.Cut(l, ":")
			routes = append(routes, strings.TrimSpace(v))
			lines[i] = ""
		}
	}
	slices.Sort(routes)
	for _, r := range routes {
		lines = append(lines, "ROUTE: "+r+"\n")
	}
	for _, l := range lines {
		for _, p := range []string{"IP4.", "IP6.", "DHCP4.", "DHCP6.", "GENERAL.STATE", "ROUTE:"} {
			if strings.HasPrefix(l, p) {
				l = autoMask.ReplaceAllString(l, "$1MASKED")
				// The routers' link-local addresses differ per run.
				l = regexp.MustCompile(`fe80::[0-9a-f:]+`).ReplaceAllStringFunc(l, func(a string) string {
					if strings.HasPrefix(a, "fe80::5eff:fe10:") {
						return a
					}
					return "fe80::ROUTER"
				})
				b.WriteString(l)
			}
		}
	}
	return b.String()
}

func TestAutoAddrMatchesReference(t *testing.T) {
	outs := map[string]string{}
	prof := func(n int, iface, ip4, ip6 string) string {
		return fmt.Sprintf("[connection]\nid=a%d\nuuid=7e000000-0000-4000-8000-0000000001%02d\ntype=ethernet\nautoconnect=false\ninterface-name=%s\n\n[ipv4]\n%s\n[ipv6]\naddr-gen-mode=eui64\n%s\n", n, n, iface, ip4, ip6)
	}
	sc := scenario{
		profiles: map[string]string{
			"a1.nmconnection": prof(1, "eth1", "method=auto\n", "method=disabled\n"),
			"a2.nmconnection": prof(2, "eth2", "method=disabled\n", "method=auto\n"),
			"a3.nmconnection": prof(3, "eth3", "method=disabled\n", "method=auto\n"),
		},
		setup: func(s *devSide) {
			for _, n := range []string{"default", "all"} {
				for _, x := range []*testbed.Netns{s.ns, s.peer} {
					x.MustRun("sysctl", "-q", "-w", "net.ipv6.conf."+n+".accept_dad=0")
				}
				s.ns.MustRun("sysctl", "-q", "-w", "net.ipv6.conf."+n+".accept_ra=0")
			}
			for i := 1; i <= 3; i++ {
				testbed.Veth(t, s.ns, fmt.Sprintf("eth%d", i), s.peer, fmt.Sprintf("peer%d", i))
				s.ns.MustIP("link", "set", fmt.Sprintf("eth%d", i), "address", fmt.Sprintf("02:00:5e:10:02:%02x", i))
				s.peer.MustIP("link", "set", fmt.Sprintf("peer%d", i), "address", fmt.Sprintf("02:00:5e:10:03:%02x", i))
				testbed.LinkUp(t, s.peer, fmt.Sprintf("peer%d", i), true)
			}
			s.peer.MustIP("addr", "add", "192.0.2.1/24", "dev", "peer1")
			s.peer.MustIP("addr", "add", "2001:db8:3::1/64", "dev", "peer3")
			testbed.StartDnsmasq(t, s.peer, "peer1", "--dhcp-range=192.0.2.10,192.0.2.10,255.255.255.0,2m",
				"--dhcp-option=option:router,192.0.2.1", "--dhcp-option=option:dns-server,192.0.2.53", "--no-ping")
			testbed.StartDnsmasq(t, s.peer, "peer3", "--dhcp-range=2001:db8:3::100,2001:db8:3::100,64,2m",
				"--dhcp-option=option6:dns-server,[2001:db8:3::53]")
			testbed.StartRadvd(t, s.peer, autoRadvd)
		},
		steps: func(s *devSide) {
			var log strings.Builder
			for _, id := range []string{"a1", "a2", "a3"} {
				s.nmcli("connection", "up", id)
			}
			for _, iface := range []string{"eth1", "eth2", "eth3"} {
				s.waitState(iface, 100)
			}
			quiet(s)
			s.settle()
			for _, iface := range []string{"eth1", "eth2", "eth3"} {
				out, _ := s.ns.Run("nmcli", "device", "show", iface)
				fmt.Fprintf(&log, "$ nmcli device show %s\n%s", iface, autoSections(out))
				out, _ = s.ns.Run("nmcli", "-f", "DHCP4,DHCP6", "device", "show", iface)
				fmt.Fprintf(&log, "$ nmcli -f DHCP4,DHCP6 device show %s\n%s", iface, autoSections(out))
			}
			outs[s.name] = log.String()
		},
	}
	// The manager's global state sequence is left out: with three
	// devices activating at once it depends on which finishes first (on
	// either daemon), not on the methods; the device and
	// active-connection sequences are compared.
	compareSides(t, sc, "manager")
	if outs["nm"] != outs["gonm"] {
		t.Errorf("differs:\n%s\nNetworkManager 1.42:\n%s\ngonm:\n%s", lineDiff(outs["nm"], outs["gonm"]), outs["nm"], outs["gonm"])
	} else {
		t.Logf("transcript:\n%s", outs["nm"])
	}
}

// BenchmarkCarrierToRoutableDaemons measures, for each daemon with a
// profile waiting on a link without carrier, the time from carrier up
// until the interface has its DHCPv4 address and default route, and its
// SLAAC address (past DAD, which is on) and default route from radvd.
// Polled every 5 ms with ip.
func BenchmarkCarrierToRoutableDaemons(b *testing.B) {
	testbed.RequireReference(b)
	var rep benchreport.Report
	type sc struct {
		name, ip4, ip6 string
		ready          func(ns *testbed.Netns) bool
	}
	for _, c := range []sc{
		{"daemon/carrier-to-dhcp4-routable", "method=auto\n", "method=disabled\n", func(ns *testbed.Netns) bool {
			return strings.Contains(ns.MustIP("-4", "route"), "default via 192.0.2.1")
		}},
		{"daemon/carrier-to-ipv6-routable", "method=disabled\n", "method=auto\n", func(ns *testbed.Netns) bool {
			a := ns.MustIP("-6", "addr", "show", "dev", "eth1")
			return strings.Contains(a, "2001:db8:2:") && !strings.Contains(a, "tentative") && strings.Contains(ns.MustIP("-6", "route"), "default via fe80::")
		}},
	} {
		for _, subject := range []string{"gonm", "NetworkManager-1.42"} {
			var total time.Duration
			for range b.N {
				ns, peer := testbed.NewNetns(b), testbed.NewNetns(b)
				ns.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_ra=0")
				testbed.Veth(b, ns, "eth1", peer, "peer2")
				peer.MustIP("addr", "add", "192.0.2.1/24", "dev", "peer2")
				peer.MustIP("link", "set", "peer2", "down")
				testbed.StartDnsmasq(b, peer, "peer2", "--dhcp-range=192.0.2.10,192.0.2.20,255.255.255.0,2m",
					"--dhcp-option=option:router,192.0.2.1", "--no-ping")
				testbed.StartRadvd(b, peer, "interface peer2 {\n\tAdvSendAdvert on;\n\tMinRtrAdvInterval 3;\n\tMaxRtrAdvInterval 4;\n\tprefix 2001:db8:2::/64 { AdvOnLink on; AdvAutonomous on; };\n};\n")
				ns.Bus = testbed.StartBus(b, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
				opts := testbed.DaemonOptions{Quiet: true, Config: strings.Replace(testbed.DefaultConfig, "level=DEBUG", "level=INFO", 1)}
				var d *testbed.Daemon
				if subject == "gonm" {
					d = testbed.StartDaemon(b, ns, opts)
				} else {
					d = testbed.StartReference(b, ns, opts)
				}
				kf := "[connection]\nid=b\ntype=ethernet\ninterface-name=eth1\n\n[ipv4]\n" + c.ip4 + "\n[ipv6]\naddr-gen-mode=eui64\n" + c.ip6
				if err := os.WriteFile(d.ConnectionsDir+"/b.nmconnection", []byte(kf), 0o600); err != nil {
					b.Fatal(err)
				}
				ns.MustRun("nmcli", "connection", "reload")
				time.Sleep(time.Second) // the profile waits for carrier
				start := time.Now()
				peer.MustIP("link", "set", "peer2", "up")
				for !c.ready(ns) {
					if time.Since(start) > time.Minute {
						b.Fatalf("%s: %s not routable", subject, c.name)
					}
					time.Sleep(5 * time.Millisecond)
				}
				total += time.Since(start)
			}
			rep.Add(benchreport.Figure{Scenario: c.name, Subject: subject, Metric: "seconds", Value: total.Seconds() / float64(b.N), Unit: "s"})
		}
	}
	if err := rep.Publish(os.Stdout); err != nil {
		b.Error(err)
	}
}

// A restart with DHCPv4, SLAAC and DHCPv6 activations: the restarted
// daemon takes them over while the servers confirm the leases and the
// router answers again; an independent monitor sees no address or route
// removed or added, only the leased and SLAAC addresses' lifetimes
// renewed (NetworkManager does that too when a lease or RA comes).
func TestRestartAutomaticMethodsWithoutDisruption(t *testing.T) {
	changes := map[string]string{}
	prof := func(n int, iface, ip4, ip6 string) string {
		return fmt.Sprintf("[connection]\nid=r%d\nuuid=7e000000-0000-4000-8000-0000000002%02d\ntype=ethernet\ninterface-name=%s\n\n[ipv4]\n%s\n[ipv6]\naddr-gen-mode=eui64\n%s\n", n, n, iface, ip4, ip6)
	}
	sc := scenario{
		profiles: map[string]string{
			"r1.nmconnection": prof(1, "eth1", "method=auto\n", "method=disabled\n"),
			"r2.nmconnection": prof(2, "eth2", "method=disabled\n", "method=auto\n"),
			"r3.nmconnection": prof(3, "eth3", "method=disabled\n", "method=auto\n"),
		},
		busy: true,
		setup: func(s *devSide) {
			for _, n := range []string{"default", "all"} {
				for _, x := range []*testbed.Netns{s.ns, s.peer} {
					x.MustRun("sysctl", "-q", "-w", "net.ipv6.conf."+n+".accept_dad=0")
				}
				s.ns.MustRun("sysctl", "-q", "-w", "net.ipv6.conf."+n+".accept_ra=0")
			}
			for i := 1; i <= 3; i++ {
				testbed.Veth(t, s.ns, fmt.Sprintf("eth%d", i), s.peer, fmt.Sprintf("peer%d", i))
				testbed.LinkUp(t, s.peer, fmt.Sprintf("peer%d", i), true)
			}
			s.peer.MustIP("addr", "add", "192.0.2.1/24", "dev", "peer1")
			s.peer.MustIP("addr", "add", "2001:db8:3::1/64", "dev", "peer3")
			testbed.StartDnsmasq(t, s.peer, "peer1", "--dhcp-range=192.0.2.10,192.0.2.20,255.255.255.0,2m",
				"--dhcp-option=option:router,192.0.2.1", "--no-ping")
			testbed.StartDnsmasq(t, s.peer, "peer3", "--dhcp-range=2001:db8:3::100,2001:db8:3::1ff,64,2m")
			testbed.StartRadvd(t, s.peer, autoRadvd)
		},
		steps: func(s *devSide) {
			for _, iface := range []string{"eth1", "eth2", "eth3"} {
				s.waitState(iface, 100)
			}
			quiet(s)
			s.settle()
			before := kernelState(t, s.ns)
			var mon *netlinkMonitor
			s.restart(func() { mon = startMonitor(t, s.ns) })
			for _, iface := range []string{"eth1", "eth2", "eth3"} {
				s.waitState(iface, 100)
			}
			time.Sleep(4 * time.Second)
			changes[s.name] = mon.stop()
			report := t.Errorf
			if s.name == "nm" {
				report = t.Logf
			}
			if after := kernelState(t, s.ns); after != before {
				report("%s: the restart changed the kernel's configuration:\nbefore:\n%s\nafter:\n%s", s.name, before, after)
			}
		},
	}
	compareSides(t, sc, "manager")
	t.Logf("netlink changes during NetworkManager 1.42's restart (for comparison):\n%s", changes["nm"])
	for _, l := range strings.Split(changes["gonm"], "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		// Lifetime renewals of the automatic addresses are expected;
		// nothing else.
		if strings.HasPrefix(l, "valid_lft") {
			continue // an address line's second half
		}
		if strings.Contains(l, "Deleted") || !regexp.MustCompile(`^\[[^]]*\] \d+: eth\d+\s+inet6? `).MatchString(l) {
			t.Errorf("netlink change during gonm's restart: %s\n(all:\n%s)", l, changes["gonm"])
		}
	}
}
