package difftest

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/testbed"
)

// The IP4Config/IP6Config objects of devices, read by Debian's nmcli and
// by libnm, against NetworkManager 1.42 for the same static profiles:
// IPv4 only (gateway, routes with metrics and tables, DNS), IPv6 only,
// dual-stack with routing rules, IPv6 link-local only, IPv6 ignore, both
// families disabled; and the devices without an activation (a
// disconnected device, an unmanaged one, lo), which have the objects too.
// Link-local addresses are EUI-64 (addr-gen-mode=eui64) from the same
// hardware addresses on both sides, so they compare as they are.

func ipProfile(n int, id, iface, ip4, ip6 string) string {
	return fmt.Sprintf("[connection]\nid=%s\nuuid=7e000000-0000-4000-8000-0000000000%02d\ntype=ethernet\nautoconnect=false\ninterface-name=%s\n\n[ipv4]\n%s\n[ipv6]\naddr-gen-mode=eui64\n%s\n",
		id, n, iface, ip4, ip6)
}

func ipProfiles() map[string]string {
	return map[string]string{
		"p4.nmconnection": ipProfile(1, "p4", "eth1",
			"method=manual\naddress1=192.0.2.1/24\ngateway=192.0.2.254\nroute1=198.51.100.0/24,192.0.2.253,50\nroute2=203.0.113.0/24,192.0.2.252\nroute2_options=table=300\nroute3=10.9.0.0/16\ndns=192.0.2.53;192.0.2.54;\ndns-search=example.com;\n",
			"method=disabled\n"),
		"p6.nmconnection": ipProfile(2, "p6", "eth2",
			"method=disabled\n",
			"method=manual\naddress1=2001:db8:1::1/64\naddress2=2001:db8:9::1/128\ngateway=2001:db8:1::fffe\nroute1=2001:db8:2::/64,2001:db8:1::fffd,200\nroute2=2001:db8:3::/64\nroute2_options=table=301\ndns=2001:db8:1::53;\ndns-search=example.org;\n"),
		"pd.nmconnection": ipProfile(3, "pd", "eth3",
			"method=manual\naddress1=192.0.2.33/24\naddress2=192.0.2.34/24\ngateway=192.0.2.254\nroute-metric=300\nroute-table=302\nrouting-rule1=priority 100 from 192.0.2.0/24 table 302\ndns=192.0.2.53;\n",
			"method=manual\naddress1=2001:db8:33::1/64\ngateway=2001:db8:33::fffe\nroute-metric=301\nrouting-rule1=priority 101 from 2001:db8:33::/64 table 303\ndns=2001:db8:33::53;\n"),
		"pll.nmconnection":  ipProfile(4, "pll", "eth4", "method=disabled\n", "method=link-local\n"),
		"pign.nmconnection": ipProfile(5, "pign", "eth5", "method=manual\naddress1=192.0.2.55/24\n", "method=ignore\n"),
		"pdis.nmconnection": ipProfile(6, "pdis", "eth6", "method=disabled\n", "method=disabled\n"),
	}
}

var ipIfaces = []string{"eth1", "eth2", "eth3", "eth4", "eth5", "eth6", "eth8", "eth9", "lo"}

const libnmIPConfigScript = `
import sys, gi
gi.require_version("NM", "1.0")
from gi.repository import NM

c = NM.Client.new(None)
for iface in sys.argv[1:]:
    d = c.get_device_by_iface(iface)
    for fam, cfg in (("ip4", d.get_ip4_config()), ("ip6", d.get_ip6_config())):
        if cfg is None:
            print(iface, fam, "none")
            continue
        print(iface, fam, "addresses", [a.get_address() + "/" + str(a.get_prefix()) for a in cfg.get_addresses()])
        print(iface, fam, "routes", [(r.get_dest(), r.get_prefix(), r.get_next_hop(), r.get_metric(),
            r.get_attribute("table").unpack() if r.get_attribute("table") else None) for r in cfg.get_routes()])
        print(iface, fam, "gateway", cfg.get_gateway())
        print(iface, fam, "nameservers", list(cfg.get_nameservers()))
        print(iface, fam, "domains", list(cfg.get_domains()), "searches", list(cfg.get_searches()),
              "wins", list(cfg.get_wins_servers()) if fam == "ip4" else [])
    ac = d.get_active_connection()
    if ac is not None:
        a4, a6 = ac.get_ip4_config(), ac.get_ip6_config()
        print(iface, "active", ac.get_id(), "ip4", a4 is not None and a4.get_path() == d.get_ip4_config().get_path(),
              "ip6", a6 is not None and a6.get_path() == d.get_ip6_config().get_path())
`

func TestIPConfigMatchesReference(t *testing.T) {
	outs := map[string]string{}
	sc := scenario{
		profiles: ipProfiles(),
		conf:     "[keyfile]\nunmanaged-devices=interface-name:eth9\n",
		setup: func(s *devSide) {
			for i := 1; i <= 9; i++ {
				if i == 7 {
					continue
				}
				testbed.Veth(t, s.ns, fmt.Sprintf("eth%d", i), s.peer, fmt.Sprintf("peer%d", i))
				s.ns.MustIP("link", "set", fmt.Sprintf("eth%d", i), "address", fmt.Sprintf("02:00:5e:10:01:%02x", i))
				testbed.LinkUp(t, s.peer, fmt.Sprintf("peer%d", i), true)
			}
			// eth9's kernel link-local address follows its new MAC
			// address.
			testbed.LinkUp(t, s.ns, "eth9", false)
			s.ns.MustIP("-6", "addr", "flush", "dev", "eth9")
			testbed.LinkUp(t, s.ns, "eth9", true)
		},
		steps: func(s *devSide) {
			var log strings.Builder
			for _, id := range []string{"p4", "p6", "pd", "pll", "pign", "pdis"} {
				s.nmcli("connection", "up", id)
			}
			for _, iface := range []string{"eth1", "eth2", "eth3", "eth4", "eth5", "eth6"} {
				s.waitState(iface, 100)
			}
			s.waitState("eth8", 30)
			quiet(s)
			s.settle()
			for _, iface := range ipIfaces {
				out, _ := s.ns.Run("nmcli", "device", "show", iface)
				fmt.Fprintf(&log, "$ nmcli device show %s\n%s", iface, ipSections(out))
				out, _ = s.ns.Run("nmcli", "-g", "IP4.ADDRESS,IP4.ROUTE,IP6.ADDRESS,IP6.ROUTE", "device", "show", iface)
				fmt.Fprintf(&log, "$ nmcli -g IP4.ADDRESS,IP4.ROUTE,IP6.ADDRESS,IP6.ROUTE device show %s\n%s", iface, out)
			}
			for _, args := range [][]string{{"-4", "rule"}, {"-6", "rule"}} {
				fmt.Fprintf(&log, "$ ip %s\n%s", strings.Join(args, " "), s.ns.MustIP(args...))
			}
			if _, err := os.Stat("/usr/bin/python3"); err == nil {
				out, err := s.ns.Run("/usr/bin/python3", append([]string{"-c", libnmIPConfigScript}, ipIfaces...)...)
				if err != nil {
					t.Errorf("%s: libnm: %v", s.name, err)
				}
				fmt.Fprintf(&log, "$ libnm\n%s", out)
			}
			outs[s.name] = log.String()
		},
	}
	compareSides(t, sc)
	if outs["nm"] != outs["gonm"] {
		t.Errorf("IP configuration seen by clients differs:\n%s\nNetworkManager 1.42:\n%s\ngonm:\n%s", lineDiff(outs["nm"], outs["gonm"]), outs["nm"], outs["gonm"])
	} else {
		t.Logf("transcript:\n%s", outs["nm"])
	}
}

// ipSections keeps the IP4 and IP6 lines of nmcli's device show.
func ipSections(out string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(out, "\n") {
		if strings.HasPrefix(l, "IP4.") || strings.HasPrefix(l, "IP6.") {
			b.WriteString(l)
		}
	}
	return b.String()
}

// IPv4 address conflict detection (ipv4.dad-timeout): an address the
// peer already has fails the activation with NetworkManager's reason; a
// free one is configured after the probe and the activation completes.
func TestIPv4AddressConflict(t *testing.T) {
	prof := func(n int, iface, addr string) string {
		return fmt.Sprintf("[connection]\nid=acd%d\nuuid=7e000000-0000-4000-8000-0000000001%02d\ntype=ethernet\nautoconnect=false\ninterface-name=%s\n\n[ipv4]\nmethod=manual\naddress1=%s\ndad-timeout=2000\n\n[ipv6]\nmethod=disabled\n", n, n, iface, addr)
	}
	sc := scenario{
		profiles: map[string]string{"acd1.nmconnection": prof(1, "eth1", "192.0.2.1/24"), "acd2.nmconnection": prof(2, "eth2", "192.0.2.2/24")},
		setup: func(s *devSide) {
			testbed.Veth(t, s.ns, "eth1", s.peer, "peer1")
			testbed.Veth(t, s.ns, "eth2", s.peer, "peer2")
			testbed.LinkUp(t, s.peer, "peer1", true)
			testbed.LinkUp(t, s.peer, "peer2", true)
			testbed.AddAddr(t, s.peer, "peer1", "192.0.2.1/24")
		},
		steps: func(s *devSide) {
			s.waitState("eth1", 30)
			s.waitState("eth2", 30)
			if err := s.activate("7e000000-0000-4000-8000-000000000101", "eth1"); err != nil {
				t.Fatalf("%s: activate: %v", s.name, err)
			}
			s.until("failure", 30*time.Second, func() bool {
				s.mu.Lock()
				defer s.mu.Unlock()
				for _, e := range s.events {
					if strings.HasPrefix(e, "device eth1: 120 ") {
						return true
					}
				}
				return false
			})
			s.waitState("eth1", 30)
			if err := s.activate("7e000000-0000-4000-8000-000000000102", "eth2"); err != nil {
				t.Fatalf("%s: activate: %v", s.name, err)
			}
			s.waitState("eth2", 100)
			if out := s.ns.MustIP("-4", "-o", "addr", "show", "dev", "eth2"); !strings.Contains(out, "192.0.2.2/24") {
				t.Errorf("%s: eth2 lacks its address after the probe: %s", s.name, out)
			}
			if out := s.ns.MustIP("-4", "-o", "addr", "show", "dev", "eth1"); strings.Contains(out, "192.0.2.1/24") {
				t.Errorf("%s: eth1 has the address another host holds: %s", s.name, out)
			}
		},
	}
	compareSides(t, sc)
}

// Reapply after the profile changed (an address added, a route and the
// gateway removed, the route metric changed, DNS replaced), and an address
// someone else added to the interface meanwhile: the IP sections nmcli
// shows afterwards are NetworkManager 1.42's.
func TestReapplyIPConfig(t *testing.T) {
	outs := map[string]string{}
	sc := scenario{
		profiles: map[string]string{"p4.nmconnection": ipProfiles()["p4.nmconnection"]},
		setup: func(s *devSide) {
			testbed.Veth(t, s.ns, "eth1", s.peer, "peer1")
			s.ns.MustIP("link", "set", "eth1", "address", "02:00:5e:10:01:01")
			testbed.LinkUp(t, s.peer, "peer1", true)
		},
		steps: func(s *devSide) {
			var log strings.Builder
			s.nmcli("connection", "up", "p4")
			s.waitState("eth1", 100)
			s.settle()
			s.ns.MustIP("addr", "add", "192.0.2.99/24", "dev", "eth1")
			s.nmcli("connection", "modify", "p4", "+ipv4.addresses", "192.0.2.5/24", "-ipv4.routes", "198.51.100.0/24 192.0.2.253 50",
				"ipv4.gateway", "", "ipv4.route-metric", "222", "ipv4.dns", "192.0.2.99")
			out, err := s.ns.Run("nmcli", "device", "reapply", "eth1")
			fmt.Fprintf(&log, "$ nmcli device reapply eth1 [%v]\n%s", err, out)
			s.settle()
			time.Sleep(time.Second)
			out, _ = s.ns.Run("nmcli", "device", "show", "eth1")
			fmt.Fprintf(&log, "$ nmcli device show eth1\n%s", ipSections(out))
			outs[s.name] = log.String()
		},
	}
	compareSides(t, sc)
	if outs["nm"] != outs["gonm"] {
		t.Errorf("after reapply:\n%s\nNetworkManager 1.42:\n%s\ngonm:\n%s", lineDiff(outs["nm"], outs["gonm"]), outs["nm"], outs["gonm"])
	} else {
		t.Logf("transcript:\n%s", outs["nm"])
	}
}
