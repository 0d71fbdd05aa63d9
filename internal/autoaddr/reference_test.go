package autoaddr

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv6/server6"
	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/firewall"
	"github.com/gonm/gonm/internal/hostid"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/logging"
	"github.com/gonm/gonm/internal/ndisc"
	"github.com/gonm/gonm/internal/testbed"
)

// findDnsmasq returns the command line of the dnsmasq whose arguments
// contain marker (read from /proc; nothing is signalled).
func findDnsmasq(marker string) []string {
	dirs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, f := range dirs {
		b, err := os.ReadFile(f)
		if err != nil || !strings.Contains(string(b), marker) {
			continue
		}
		argv := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
		if strings.HasSuffix(argv[0], "dnsmasq") {
			return argv
		}
	}
	return nil
}

// TestReferenceShared activates ipv4.method shared with NetworkManager
// 1.42 and compares what it did with what gonm does for the same
// interface: dnsmasq's command line, the nft ruleset, the address.
func TestReferenceShared(t *testing.T) {
	testbed.RequireReference(t)
	t.Parallel() // mostly waiting on the daemons
	testbed.RequireDnsmasq(t)
	if _, err := os.Stat(firewall.NftPath); err != nil {
		t.Skipf("nftables not installed (apt-get install nftables): %v", err)
	}
	ns, peer := testbed.NewNetns(t), testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	peer.MustIP("link", "set", "peer1", "up")
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	ref := testbed.StartReference(t, ns, testbed.DaemonOptions{Quiet: true})
	ns.MustRun("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "sh",
		"ipv4.method", "shared", "ipv6.method", "disabled")
	var argv []string
	deadline := time.Now().Add(30 * time.Second)
	for argv == nil {
		argv = findDnsmasq("nm-dnsmasq-eth1.pid")
		if argv != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reference started no dnsmasq:\n%s", ns.MustRun("nmcli", "device"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	refRules := ns.MustRun("nft", "list", "ruleset")
	refAddr := ns.MustIP("-4", "addr", "show", "dev", "eth1")
	refFwd := strings.TrimSpace(ns.MustRun("sysctl", "-n", "net.ipv4.ip_forward"))
	if err := ref.Stop(); err != nil {
		t.Fatal(err)
	}

	// Debugging options NetworkManager adds at trace level are not part
	// of the comparison.
	got := slices.DeleteFunc(argv[1:], func(a string) bool { return a == "--log-dhcp" || a == "--log-queries" })
	want, err := DnsmasqArgs("eth1", netip.MustParsePrefix("10.42.0.1/24"), false,
		"/var/lib/NetworkManager/dnsmasq-eth1.leases", "/run/nm-dnsmasq-eth1.pid", "/nonexistent")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("dnsmasq arguments:\nNetworkManager %q\ngonm           %q", got, want)
	}
	if !strings.Contains(refAddr, "inet 10.42.0.1/24") || refFwd != "1" {
		t.Errorf("reference address/forwarding: %s %s", refAddr, refFwd)
	}

	// The same rules from gonm's firewall, in a namespace of their own.
	other := testbed.NewNetns(t)
	cmd := func(ctx context.Context, name string, args ...string) *exec.Cmd {
		return other.Command(ctx, name, args...)
	}
	if err := firewall.ApplyShared(firewall.BackendNftables, cmd, true, "eth1", netip.MustParsePrefix("10.42.0.1/24")); err != nil {
		t.Fatal(err)
	}
	if ours := other.MustRun("nft", "list", "ruleset"); ours != refRules {
		t.Errorf("nft ruleset:\nNetworkManager:\n%s\ngonm:\n%s", refRules, ours)
	}
	if err := firewall.ApplyShared(firewall.BackendNftables, cmd, false, "eth1", netip.MustParsePrefix("10.42.0.1/24")); err != nil {
		t.Fatal(err)
	}
	if left := other.MustRun("nft", "list", "ruleset"); strings.TrimSpace(left) != "" {
		t.Errorf("rules left after removal:\n%s", left)
	}
}

// kernelView is what an interface carries, as ip shows it, with the
// numbers that depend on when one looks (lifetimes) blanked and the
// link-local part (the device's, not the automatic methods') left out.
func kernelView(ns *testbed.Netns, family string) string {
	var keep []string
	// Temporary addresses are random: named by their role wherever they
	// appear.
	var temps []string
	for _, m := range regexp.MustCompile(`inet6 ([0-9a-f:]+)/\d+ [^\n]*temporary`).FindAllStringSubmatch(ns.MustIP(family, "addr", "show", "dev", "eth1"), -1) {
		temps = append(temps, m[1])
	}
	for _, args := range [][]string{{family, "addr", "show", "dev", "eth1"}, {family, "route", "show", "table", "all", "dev", "eth1"}} {
		for _, l := range strings.Split(ns.MustIP(args...), "\n") {
			l = strings.TrimSpace(l)
			if l == "" || strings.HasPrefix(l, "link/") || strings.Contains(l, "fe80::/64") || strings.Contains(l, "scope link") && strings.HasPrefix(l, "inet6 fe80") ||
				strings.HasPrefix(l, "local fe80::") || strings.HasPrefix(l, "multicast ff00::/8") ||
				regexp.MustCompile(`^\d+: `).MatchString(l) {
				continue
			}
			l = regexp.MustCompile(`(valid_lft|preferred_lft|expires) \d+sec`).ReplaceAllString(l, "$1 N")
			// The router's link-local address differs per run, and
			// temporary addresses are random.
			l = regexp.MustCompile(`fe80::[0-9a-f:]+`).ReplaceAllString(l, "fe80::ROUTER")
			for _, tmp := range temps {
				l = strings.ReplaceAll(l, tmp+"/", "TEMPORARY/")
				l = strings.ReplaceAll(l, tmp+" ", "TEMPORARY ")
			}
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// refKernelScenario is one server setup and profile, run on both daemons.
type refKernelScenario struct {
	name       string
	ipv4, ipv6 string   // keyfile lines for gonm
	nmcli      []string // the same profile for nmcli connection add
	family     string   // "-4" or "-6"
	server     func(t *testing.T, peer *testbed.Netns)
	ready      func(ns *testbed.Netns) bool
}

const fixedMAC = "02:00:00:00:00:01"

// TestReferenceKernelResults runs each scenario with NetworkManager 1.42
// and with gonm's automatic methods over l3cfg, each against a fresh
// server, and compares the addresses and routes they leave on eth1.
func TestReferenceKernelResults(t *testing.T) {
	testbed.RequireReference(t)
	t.Parallel() // mostly waiting on the daemons
	dhcp4Ready := func(ns *testbed.Netns) bool {
		return strings.Contains(ns.MustIP("-4", "route"), "default via 192.0.2.1") && strings.Contains(ns.MustIP("-4", "route"), "10.9.0.0/16")
	}
	for _, sc := range []refKernelScenario{{
		name: "dhcp4-classless", ipv4: "method=auto", ipv6: ipv6Off,
		nmcli: []string{"ipv4.method", "auto", "ipv6.method", "disabled"}, family: "-4",
		server: func(t *testing.T, peer *testbed.Netns) {
			testbed.StartDnsmasq(t, peer, "peer1", "--dhcp-range=192.0.2.10,192.0.2.10,255.255.255.0,2m",
				"--dhcp-option=option:router,192.0.2.1", "--dhcp-option=121,10.9.0.0/16,192.0.2.254,0.0.0.0/0,192.0.2.1", "--no-ping")
		},
		ready: dhcp4Ready,
	}, {
		name: "dhcp4-metric-table-never-default", ipv4: "method=auto\nroute-metric=333\nnever-default=true", ipv6: ipv6Off,
		nmcli: []string{"ipv4.method", "auto", "ipv4.route-metric", "333", "ipv4.never-default", "yes", "ipv6.method", "disabled"}, family: "-4",
		server: func(t *testing.T, peer *testbed.Netns) {
			testbed.StartDnsmasq(t, peer, "peer1", "--dhcp-range=192.0.2.10,192.0.2.10,255.255.255.0,2m",
				"--dhcp-option=option:router,192.0.2.1", "--dhcp-option=121,10.9.0.0/16,192.0.2.254,0.0.0.0/0,192.0.2.1", "--no-ping")
		},
		ready: func(ns *testbed.Netns) bool { return strings.Contains(ns.MustIP("-4", "route"), "10.9.0.0/16") },
	}, {
		name: "dhcp4-plus-static", ipv4: "method=auto\naddress1=198.51.100.7/24\nroute1=10.20.0.0/16,192.0.2.254\nroute2=10.30.0.0/16,198.51.100.1,55",
		ipv6: ipv6Off,
		nmcli: []string{"ipv4.method", "auto", "ipv4.addresses", "198.51.100.7/24", "ipv4.routes", "10.20.0.0/16 192.0.2.254, 10.30.0.0/16 198.51.100.1 55",
			"ipv6.method", "disabled"}, family: "-4",
		server: func(t *testing.T, peer *testbed.Netns) {
			testbed.StartDnsmasq(t, peer, "peer1", "--dhcp-range=192.0.2.10,192.0.2.10,255.255.255.0,2m",
				"--dhcp-option=option:router,192.0.2.1", "--no-ping")
		},
		ready: func(ns *testbed.Netns) bool {
			r := ns.MustIP("-4", "route")
			return strings.Contains(r, "default via 192.0.2.1") && strings.Contains(r, "10.20.0.0/16") && strings.Contains(r, "10.30.0.0/16")
		},
	}, {
		name: "dhcp4-table-ignore-auto-routes", ipv4: "method=auto\nroute-table=100\nignore-auto-routes=true\nroute1=10.20.0.0/16,192.0.2.254",
		ipv6: ipv6Off,
		nmcli: []string{"ipv4.method", "auto", "ipv4.route-table", "100", "ipv4.ignore-auto-routes", "yes", "ipv4.routes", "10.20.0.0/16 192.0.2.254",
			"ipv6.method", "disabled"}, family: "-4",
		server: func(t *testing.T, peer *testbed.Netns) {
			testbed.StartDnsmasq(t, peer, "peer1", "--dhcp-range=192.0.2.10,192.0.2.10,255.255.255.0,2m",
				"--dhcp-option=option:router,192.0.2.1", "--dhcp-option=121,10.9.0.0/16,192.0.2.254,0.0.0.0/0,192.0.2.1", "--no-ping")
		},
		ready: func(ns *testbed.Netns) bool {
			r := ns.MustIP("-4", "route", "show", "table", "all")
			return strings.Contains(r, "10.20.0.0/16") && strings.Contains(r, "192.0.2.0/24")
		},
	}, {
		name: "ipv6-auto-metric-never-default", ipv4: ipv4Off, ipv6: "method=auto\naddr-gen-mode=eui64\nroute-metric=222\nnever-default=true",
		nmcli:  []string{"ipv4.method", "disabled", "ipv6.method", "auto", "ipv6.addr-gen-mode", "eui64", "ipv6.route-metric", "222", "ipv6.never-default", "yes"},
		family: "-6",
		server: func(t *testing.T, peer *testbed.Netns) {
			testbed.StartRadvd(t, peer, strings.Replace(radvdSLAAC, "AdvOtherConfigFlag on;", "", 1))
		},
		ready: func(ns *testbed.Netns) bool {
			return strings.Contains(ns.MustIP("-6", "route"), "2001:db8:99::/48") &&
				strings.Contains(ns.MustIP("-6", "addr", "show", "dev", "eth1"), "2001:db8:1:")
		},
	}, {
		name: "dhcp4-two-routers", ipv4: "method=auto", ipv6: ipv6Off,
		nmcli: []string{"ipv4.method", "auto", "ipv6.method", "disabled"}, family: "-4",
		server: func(t *testing.T, peer *testbed.Netns) {
			testbed.StartDnsmasq(t, peer, "peer1", "--dhcp-range=192.0.2.10,192.0.2.10,255.255.255.0,2m",
				"--dhcp-option=option:router,192.0.2.1,192.0.2.2", "--dhcp-option=option:dns-server,192.0.2.53", "--no-ping")
		},
		ready: func(ns *testbed.Netns) bool {
			return strings.Count(ns.MustIP("-4", "route"), "default via") == 2
		},
	}, {
		// Another host holds the first candidate: both take the next one.
		name: "ipv4-link-local-conflict", ipv4: "method=link-local", ipv6: ipv6Off,
		nmcli: []string{"ipv4.method", "link-local", "ipv6.method", "disabled"}, family: "-4",
		server: func(t *testing.T, peer *testbed.Netns) {
			peer.MustIP("addr", "add", "169.254.121.33/16", "dev", "peer1")
		},
		ready: func(ns *testbed.Netns) bool {
			return strings.Contains(ns.MustIP("-4", "route"), "169.254.0.0/16")
		},
	}, {
		name: "ipv4-shared", ipv4: "method=shared", ipv6: ipv6Off,
		nmcli: []string{"ipv4.method", "shared", "ipv6.method", "disabled"}, family: "-4",
		server: func(t *testing.T, peer *testbed.Netns) {},
		ready: func(ns *testbed.Netns) bool {
			return strings.Contains(ns.MustIP("-4", "route"), "10.42.0.0/24")
		},
	}, {
		name: "ipv6-otherconf-information", ipv4: ipv4Off, ipv6: "method=auto\naddr-gen-mode=eui64",
		nmcli: []string{"ipv4.method", "disabled", "ipv6.method", "auto", "ipv6.addr-gen-mode", "eui64"}, family: "-6",
		server: func(t *testing.T, peer *testbed.Netns) {
			testbed.StartDnsmasq(t, peer, "peer1", "--dhcp-range=2001:db8:1::,static",
				"--dhcp-option=option6:dns-server,[2001:db8:1::54]", "--dhcp-option=option6:domain-search,info.example")
			testbed.StartRadvd(t, peer, radvdSLAAC)
		},
		ready: func(ns *testbed.Netns) bool {
			return strings.Contains(ns.MustIP("-6", "route"), "2001:db8:99::/48") &&
				strings.Contains(ns.MustIP("-6", "addr", "show", "dev", "eth1"), "2001:db8:1:")
		},
	}, {
		name: "ipv6-slaac-eui64", ipv4: ipv4Off, ipv6: "method=auto\naddr-gen-mode=eui64",
		nmcli: []string{"ipv4.method", "disabled", "ipv6.method", "auto", "ipv6.addr-gen-mode", "eui64"}, family: "-6",
		server: func(t *testing.T, peer *testbed.Netns) {
			testbed.StartRadvd(t, peer, strings.Replace(radvdSLAAC, "AdvOtherConfigFlag on;", "", 1))
		},
		ready: func(ns *testbed.Netns) bool {
			r := ns.MustIP("-6", "route")
			return strings.Contains(r, "default via fe80::") && strings.Contains(r, "2001:db8:99::/48") &&
				strings.Contains(ns.MustIP("-6", "addr", "show", "dev", "eth1"), "2001:db8:1:")
		},
	}, {
		name: "ipv6-slaac-privacy", ipv4: ipv4Off, ipv6: "method=auto\naddr-gen-mode=eui64\nip6-privacy=2",
		nmcli: []string{"ipv4.method", "disabled", "ipv6.method", "auto", "ipv6.addr-gen-mode", "eui64", "ipv6.ip6-privacy", "2"}, family: "-6",
		server: func(t *testing.T, peer *testbed.Netns) {
			testbed.StartRadvd(t, peer, strings.Replace(radvdSLAAC, "AdvOtherConfigFlag on;", "", 1))
		},
		ready: func(ns *testbed.Netns) bool {
			return strings.Contains(ns.MustIP("-6", "route"), "2001:db8:99::/48") &&
				strings.Contains(ns.MustIP("-6", "addr", "show", "dev", "eth1"), "temporary")
		},
	}, {
		name: "ipv6-managed-dhcpv6", ipv4: ipv4Off, ipv6: "method=auto\naddr-gen-mode=eui64",
		nmcli: []string{"ipv4.method", "disabled", "ipv6.method", "auto", "ipv6.addr-gen-mode", "eui64"}, family: "-6",
		server: func(t *testing.T, peer *testbed.Netns) {
			testbed.StartDnsmasq(t, peer, "peer1", "--dhcp-range=2001:db8:1::100,2001:db8:1::100,64,2m")
			testbed.StartRadvd(t, peer, radvdManaged)
		},
		ready: func(ns *testbed.Netns) bool {
			return strings.Contains(ns.MustIP("-6", "route"), "default via fe80::") &&
				strings.Contains(ns.MustIP("-6", "addr", "show", "dev", "eth1"), "2001:db8:1::100/128")
		},
	}, {
		name: "ipv4-link-local", ipv4: "method=link-local", ipv6: ipv6Off,
		nmcli: []string{"ipv4.method", "link-local", "ipv6.method", "disabled"}, family: "-4",
		server: func(t *testing.T, peer *testbed.Netns) {},
		ready: func(ns *testbed.Netns) bool {
			return strings.Contains(ns.MustIP("-4", "route"), "169.254.0.0/16")
		},
	}} {
		t.Run(sc.name, func(t *testing.T) {
			wait := func(ns *testbed.Netns, who string) {
				deadline := time.Now().Add(30 * time.Second)
				for !sc.ready(ns) {
					if time.Now().After(deadline) {
						t.Fatalf("%s: not configured:\n%s", who, kernelView(ns, sc.family))
					}
					time.Sleep(50 * time.Millisecond)
				}
				time.Sleep(300 * time.Millisecond) // let what follows settle
			}
			// NetworkManager.
			ns, peer := testbed.NewNetns(t), testbed.NewNetns(t)
			for _, n := range []*testbed.Netns{ns, peer} {
				n.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0")
			}
			// The kernel must not configure eth1 from RAs before
			// NetworkManager starts (it would then take eth1 as
			// configured outside and leave it alone).
			ns.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_ra=0")
			testbed.Veth(t, ns, "eth1", peer, "peer1")
			ns.MustIP("link", "set", "eth1", "address", fixedMAC)
			peer.MustIP("link", "set", "peer1", "address", "02:00:00:00:00:fe")
			peer.MustIP("addr", "add", "192.0.2.1/24", "dev", "peer1")
			peer.MustIP("addr", "add", "2001:db8:1::1/64", "dev", "peer1")
			peer.MustIP("link", "set", "peer1", "up")
			sc.server(t, peer)
			ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
			testbed.StartReference(t, ns, testbed.DaemonOptions{Quiet: true})
			ns.MustRun("nmcli", append([]string{"connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "t"}, sc.nmcli...)...)
			wait(ns, "NetworkManager")
			want := kernelView(ns, sc.family)
			refOpts := map[string]string{}
			for _, m := range regexp.MustCompile(`(?m)^DHCP[46]\.OPTION\[\d+\]:\s+(\S+) = (.*)$`).FindAllStringSubmatch(
				ns.MustRun("nmcli", "-f", "DHCP4,DHCP6", "device", "show", "eth1"), -1) {
				refOpts[m[1]] = strings.TrimSpace(m[2])
			}

			// gonm.
			e := newEnv(t)
			e.peer.MustIP("link", "set", "peer1", "address", "02:00:00:00:00:fe")
			e.ns.MustIP("link", "set", "eth1", "address", fixedMAC)
			e.hw, _ = net.ParseMAC(fixedMAC)
			e.hostname = testbed.TestHostname // the reference's
			// What the device does before the automatic methods start:
			// the kernel's RA handling off (NetworkManager's managed
			// set-up) and the IPv6 link-local contribution.
			e.ns.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.eth1.accept_ra=0")
			sc.server(t, e.peer)
			d := e.start()
			d.extra = func(o *Options) {
				o.Command = func(ctx context.Context, name string, args ...string) *exec.Cmd {
					return e.ns.Command(ctx, name, args...)
				}
			}
			conn := profile(t, sc.ipv4, sc.ipv6)
			// The device's part: the profile's static configuration and
			// the link-local address.
			p, _ := FromProfile(conn, e.inputs())
			d.do(func() {
				d.l3.AddConfig("static", l3cfg.FromProfile(conn), l3cfg.ConfigOptions{Priority: l3cfg.PriorityManual,
					RouteMetric4: p.Options4.RouteMetric4, RouteMetric6: p.Options6.RouteMetric6,
					RouteTable4: p.Options4.RouteTable4, RouteTable6: p.Options6.RouteTable6, DNSPriority4: 100, DNSPriority6: 100})
			})
			d.addLinkLocal6()
			r := d.run(conn, false, nil)
			wait(e.ns, "gonm")
			if got := kernelView(e.ns, sc.family); got != want {
				t.Errorf("eth1 differs:\nNetworkManager 1.42:\n%s\ngonm:\n%s", want, got)
			}
			// The DHCP options, as DHCP4Config/DHCP6Config show them
			// (apart from wall-clock expiry and the DHCPv6 identities,
			// which come from each host's machine ID).
			if len(refOpts) > 0 {
				d.wait("a lease", 15*time.Second, func() bool { return r.Lease4() != nil || r.Lease6() != nil })
			}
			ours := map[string]string{}
			d.do(func() {
				if l := r.Lease4(); l != nil {
					ours = l.Options
				}
				if l := r.Lease6(); l != nil {
					ours = l.Options
				}
			})
			if dhcp := strings.Contains(sc.name, "dhcp") || strings.Contains(sc.name, "information"); dhcp != (len(refOpts) > 0) || dhcp != (len(ours) > 0) {
				t.Errorf("DHCP options: NetworkManager %d, gonm %d", len(refOpts), len(ours))
			}
			for k, v := range refOpts {
				if k == "expiry" || k == "dhcp6_client_id" || k == "iaid" {
					continue
				}
				if ours[k] != v {
					t.Errorf("option %s: gonm %q, NetworkManager %q", k, ours[k], v)
				}
			}
			for k := range ours {
				if _, ok := refOpts[k]; !ok {
					t.Errorf("option %s only in gonm's lease (%q)", k, ours[k])
				}
			}
		})
	}
}

// dnsmasqView is what dnsmasq learnt about its client: the lease (MAC,
// address, host name, client ID; no expiry) and the vendor class and name
// the client sent.
func dnsmasqView(srv *testbed.Peer) string {
	var out []string
	b, _ := os.ReadFile(filepath.Join(srv.Dir, "leases"))
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if f := strings.Fields(l); len(f) == 5 {
			out = append(out, "lease "+strings.Join(f[1:], " "))
		}
	}
	seen := map[string]bool{}
	for _, l := range strings.Split(srv.Output(), "\n") {
		for _, key := range []string{"vendor class:", "client provides name:", "user class:"} {
			if i := strings.Index(l, key); i >= 0 && !seen[l[i:]] {
				seen[l[i:]] = true
				out = append(out, l[i:])
			}
		}
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}

// TestReferenceDHCP4Request checks that the DHCPv4 parameters gonm
// derives from a profile (client ID, host name or FQDN, vendor class)
// reach the server as NetworkManager 1.42's do: dnsmasq records the same
// client for both.
func TestReferenceDHCP4Request(t *testing.T) {
	testbed.RequireReference(t)
	t.Parallel() // mostly waiting on the daemons
	for _, sc := range []struct {
		name  string
		ipv4  string
		nmcli []string
	}{
		{"fqdn-vendor", "method=auto\ndhcp-fqdn=host.example.test\ndhcp-vendor-class-identifier=gonm-test",
			[]string{"ipv4.dhcp-fqdn", "host.example.test", "ipv4.dhcp-vendor-class-identifier", "gonm-test"}},
		{"hostname-duid-mac-iaid", "method=auto\ndhcp-hostname=myhost\ndhcp-client-id=duid\ndhcp-iaid=mac",
			[]string{"ipv4.dhcp-hostname", "myhost", "ipv4.dhcp-client-id", "duid", "ipv4.dhcp-iaid", "mac"}},
		{"stable-no-hostname", "method=auto\ndhcp-client-id=stable\ndhcp-send-hostname=false",
			[]string{"ipv4.dhcp-client-id", "stable", "ipv4.dhcp-send-hostname", "no"}},
		{"system-hostname", "method=auto", nil},
	} {
		t.Run(sc.name, func(t *testing.T) {
			args := []string{"--dhcp-range=192.0.2.10,192.0.2.10,255.255.255.0,2m", "--no-ping"}
			// NetworkManager.
			ns, peer := testbed.NewNetns(t), testbed.NewNetns(t)
			testbed.Veth(t, ns, "eth1", peer, "peer1")
			ns.MustIP("link", "set", "eth1", "address", fixedMAC)
			peer.MustIP("addr", "add", "192.0.2.1/24", "dev", "peer1")
			peer.MustIP("link", "set", "peer1", "up")
			srv := testbed.StartDnsmasq(t, peer, "peer1", args...)
			ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
			ref := testbed.StartReference(t, ns, testbed.DaemonOptions{Quiet: true})
			ns.MustRun("nmcli", append([]string{"connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "t",
				"connection.uuid", testUUID, "ipv4.method", "auto", "ipv6.method", "disabled"}, sc.nmcli...)...)
			if _, err := testbed.WaitFile(filepath.Join(srv.Dir, "leases"), "192.0.2.10", 30*time.Second); err != nil {
				t.Fatalf("reference: %v", err)
			}
			want := dnsmasqView(srv)
			t.Logf("NetworkManager 1.42:\n%s", want)
			mid, err := hostid.ReadMachineID("")
			if err != nil {
				t.Skipf("no machine ID on this host: %v", err)
			}
			host, err := hostid.LoadHostID(filepath.Join(ref.StateDir, "secret_key"), &mid)
			if err != nil {
				t.Fatal(err)
			}
			if err := ref.Stop(); err != nil {
				t.Fatal(err)
			}

			// gonm, with the reference's identity.
			e := newEnv(t)
			e.ns.MustIP("link", "set", "eth1", "address", fixedMAC)
			e.hw, _ = net.ParseMAC(fixedMAC)
			e.hostname, e.host, e.machineID = testbed.TestHostname, &host, &mid
			srv = testbed.StartDnsmasq(t, e.peer, "peer1", args...)
			d := e.start()
			r := d.run(profile(t, sc.ipv4, ipv6Off), false, nil)
			d.waitState(r, l3cfg.IPv4, StateReady, 20*time.Second)
			if got := dnsmasqView(srv); got != want {
				t.Errorf("the server saw another client:\nNetworkManager 1.42:\n%s\ngonm:\n%s", want, got)
			}
		})
	}
}

// captureRA waits for a Router Advertisement on peer1 in ns and returns
// it as received (from the ICMPv6 type on).
func captureRA(t *testing.T, ns *testbed.Netns, timeout time.Duration) []byte {
	t.Helper()
	var fd int
	if err := ns.Do(func() (err error) {
		fd, err = unix.Socket(unix.AF_INET6, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_ICMPV6)
		if err != nil {
			return err
		}
		var filter unix.ICMPv6Filter
		for i := range filter.Data {
			filter.Data[i] = 0xffffffff
		}
		filter.Data[134>>5] &^= 1 << (134 & 31)
		return unix.SetsockoptICMPv6Filter(fd, unix.SOL_ICMPV6, unix.ICMPV6_FILTER, &filter)
	}); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	tv := unix.NsecToTimeval(timeout.Nanoseconds())
	_ = unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	buf := make([]byte, 1500)
	n, _, err := unix.Recvfrom(fd, buf, 0)
	for err == unix.EINTR { // the Go runtime's signals
		n, _, err = unix.Recvfrom(fd, buf, 0)
	}
	if err != nil {
		t.Fatalf("no router advertisement within %v: %v", timeout, err)
	}
	return buf[:n]
}

// TestReferenceSharedIPv6RA compares the router advertisement of
// ipv6.method shared (before any delegated prefix) with NetworkManager
// 1.42's, byte for byte apart from the checksum.
func TestReferenceSharedIPv6RA(t *testing.T) {
	testbed.RequireReference(t)
	t.Parallel() // mostly waiting on the daemons
	for _, sc := range []struct {
		name  string
		ipv6  string
		nmcli []string
	}{
		{"plain", "method=shared", nil},
		{"dns", "method=shared\ndns=2001:db8::53;\ndns-search=example.test;", []string{"ipv6.dns", "2001:db8::53", "ipv6.dns-search", "example.test"}},
	} {
		t.Run(sc.name, func(t *testing.T) { compareSharedRA(t, sc.ipv6, sc.nmcli) })
	}
}

func compareSharedRA(t *testing.T, ipv6 string, nmcli []string) {
	ns, peer := testbed.NewNetns(t), testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	peer.MustIP("link", "set", "peer1", "up")
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	testbed.StartReference(t, ns, testbed.DaemonOptions{Quiet: true})
	ns.MustRun("nmcli", append([]string{"connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "t",
		"ipv4.method", "disabled", "ipv6.method", "shared"}, nmcli...)...)
	ref := captureRA(t, peer, 20*time.Second)
	if ra, err := ndisc.ParseRA(ref); err != nil || (len(ra.RDNSS) > 0) != (nmcli != nil) {
		t.Fatalf("scenario broken: NetworkManager's RA %+v %v", ra, err)
	}

	e := newEnv(t)
	d := e.start()
	conn := profile(t, ipv4Off, ipv6)
	// The device's part: the profile's static configuration (its DNS)
	// and the link-local address.
	d.do(func() {
		d.l3.AddConfig("static", l3cfg.FromProfile(conn), l3cfg.ConfigOptions{Priority: l3cfg.PriorityManual, RouteMetric6: 100})
	})
	d.addLinkLocal6()
	d.run(conn, false, nil)
	ours := captureRA(t, e.peer, 20*time.Second)
	zero := func(b []byte) string {
		c := append([]byte(nil), b...)
		if len(c) >= 4 {
			c[2], c[3] = 0, 0
		}
		return fmt.Sprintf("% x", c)
	}
	if zero(ours) != zero(ref) {
		t.Errorf("router advertisement:\nNetworkManager 1.42: %s\ngonm:                %s", zero(ref), zero(ours))
	}
}

// captureRAWith waits for a router advertisement that satisfies ok.
func captureRAWith(t *testing.T, ns *testbed.Netns, timeout time.Duration, ok func(*ndisc.RA) bool) []byte {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		b := captureRA(t, ns, time.Until(deadline))
		if ra, err := ndisc.ParseRA(b); err == nil && ok(ra) {
			return b
		}
	}
	t.Fatalf("no matching router advertisement within %v", timeout)
	return nil
}

// delegationTopology is an uplink namespace (isp0: 2001:db8:1::1/64, radvd
// with the M flag, a DHCPv6 server delegating 2001:db8:ff00::/56) behind
// wan0 of ns, and a client namespace behind eth1.
func delegationTopology(t *testing.T, ns, client *testbed.Netns) {
	up := testbed.NewNetns(t)
	for _, n := range []*testbed.Netns{ns, client, up} {
		n.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0")
	}
	ns.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_ra=0")
	testbed.Veth(t, ns, "wan0", up, "isp0")
	testbed.Veth(t, ns, "eth1", client, "peer1")
	ns.MustIP("link", "set", "eth1", "address", fixedMAC)
	up.MustIP("addr", "add", "2001:db8:1::1/64", "dev", "isp0")
	up.MustIP("link", "set", "isp0", "up")
	client.MustIP("link", "set", "peer1", "up")
	testbed.StartRadvd(t, up, `interface isp0 {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 4;
	AdvManagedFlag on;
	prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous off; };
};
`)
	var srv *server6.Server
	if err := up.Do(func() (err error) {
		srv, err = server6.NewServer("isp0", &net.UDPAddr{IP: net.ParseIP("ff02::1:2"), Port: 547}, pdServer6)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	t.Cleanup(func() { srv.Close() })
}

// raShape is what an RA says, lifetimes that count down left out.
func raShape(b []byte) string {
	ra, err := ndisc.ParseRA(b)
	if err != nil {
		return "invalid: " + err.Error()
	}
	var ps []string
	for _, p := range ra.Prefixes {
		ps = append(ps, fmt.Sprintf("%v onlink=%v auto=%v", p.Prefix, p.OnLink, p.Autonomous))
	}
	return fmt.Sprintf("hop %d M %v O %v pref %v lifetime %d reach %d retrans %d prefixes %v rdnss %v dnssl %v mtu %d",
		ra.HopLimit, ra.Managed, ra.Other, ra.Preference, ra.RouterLifetime, ra.ReachableTime, ra.RetransTimer,
		ps, ra.RDNSS, ra.DNSSL, ra.MTU)
}

// TestReferenceSharedIPv6Delegation: with an uplink that gets a prefix
// delegated, ipv6.method shared takes the same subnet address and
// announces the same prefix as NetworkManager 1.42.
func TestReferenceSharedIPv6Delegation(t *testing.T) {
	testbed.RequireReference(t)
	testbed.RequireRadvd(t)
	t.Parallel() // mostly waiting on the daemons
	withPrefix := func(ra *ndisc.RA) bool { return len(ra.Prefixes) > 0 }

	ns, client := testbed.NewNetns(t), testbed.NewNetns(t)
	delegationTopology(t, ns, client)
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	testbed.StartReference(t, ns, testbed.DaemonOptions{Quiet: true})
	ns.MustRun("nmcli", "connection", "add", "type", "ethernet", "ifname", "wan0", "con-name", "wan",
		"ipv4.method", "disabled", "ipv6.method", "auto")
	ns.MustRun("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "lan",
		"ipv4.method", "disabled", "ipv6.method", "shared")
	refRA := captureRAWith(t, client, 40*time.Second, withPrefix)
	refAddr := kernelView(ns, "-6")

	// gonm: the uplink's methods with prefix delegation, the shared
	// interface given the first /64, as the policy will.
	ns2, client2 := testbed.NewNetns(t), testbed.NewNetns(t)
	delegationTopology(t, ns2, client2)
	e := &env{t: t, ns: ns2, peer: client2, stateDir: t.TempDir(), hostname: testbed.TestHostname, lg: logging.New(logging.NewOutput(testLog{t}, true))}
	if err := e.lg.Set("DEBUG", "DHCP6,IP6,CORE"); err != nil {
		t.Fatal(err)
	}
	if err := ns2.Do(func() error {
		ifi, err := net.InterfaceByName("eth1")
		if err != nil {
			return err
		}
		e.index, e.hw = int32(ifi.Index), ifi.HardwareAddr
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	d := e.start()
	d.addLinkLocal6()
	var wan *l3cfg.L3Cfg
	var wanIndex int32
	d.do(func() {
		lk, _ := d.p.LinkByName("wan0")
		wanIndex = lk.Index
		wan = d.reg.Acquire(wanIndex)
		wan.RegisterCommitType(l3cfg.CommitUpdate, "test")
	})
	in := e.inputs()
	in.IfIndex, in.IfName = wanIndex, "wan0"
	wp, _ := FromProfile(parseProfile(t, "[connection]\nid=w\nuuid=0c9c1c2e-8d43-4b59-9a1b-6f0e3c2d1a02\ntype=ethernet\ninterface-name=wan0\n\n[ipv4]\nmethod=disabled\n\n[ipv6]\nmethod=auto\n"), in)
	wp.PrefixDelegation = true
	var upr *Runner
	d.do(func() {
		var err error
		upr, err = New(Options{Loop: d.loop, L3: wan, Params: wp, InNetns: ns2.Do, Log6: e.lg.For(logging.DHCP6, "wan")})
		if err == nil {
			err = upr.Start()
		}
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Cleanup(func() {
		if !d.closed {
			d.do(func() { upr.Stop(false, true) })
		}
	})
	// eth1 is the second ethernet device activated: the device layer
	// gives it metric 101, as NetworkManager does.
	r := d.run(profile(t, ipv4Off, "method=shared"), false, func(p *Params) { p.Options6.RouteMetric6 = 101 })
	d.wait("delegated prefix", 20*time.Second, func() bool { return upr.Lease6() != nil && len(upr.Lease6().Prefixes) == 1 })
	d.do(func() {
		l := upr.Lease6()
		sub, _ := NewDelegation(l.Prefixes[0].Prefix).Subnet(e.index)
		if err := r.UseIP6Subnet(sub, l.Acquired.Add(l.Prefixes[0].Valid), l.Acquired.Add(l.Prefixes[0].Preferred)); err != nil {
			t.Fatal(err)
		}
	})
	ourRA := captureRAWith(t, client2, 40*time.Second, withPrefix)
	if got, want := raShape(ourRA), raShape(refRA); got != want {
		t.Errorf("router advertisement:\nNetworkManager 1.42: %s\ngonm:                %s", want, got)
	}
	if got := kernelView(ns2, "-6"); got != refAddr {
		t.Errorf("eth1:\nNetworkManager 1.42:\n%s\ngonm:\n%s", refAddr, got)
	}
}
