package difftest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/testbed"
)

// netlinkMonitor records every rtnetlink notification about links,
// addresses, routes, rules and netconf in a namespace, with iproute2's
// `ip monitor`: a monitor that shares no code with the daemon.
type netlinkMonitor struct {
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	out    bytes.Buffer
	from   int
}

func (m *netlinkMonitor) Write(b []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.out.Write(b)
}

func (m *netlinkMonitor) text() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.out.String()[m.from:]
}

// startMonitor starts the monitor and proves it is listening: a canary
// route is added and deleted in table 100 and both notifications must
// arrive. What the monitor records after that is returned by stop.
func startMonitor(t *testing.T, ns *testbed.Netns) *netlinkMonitor {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	m := &netlinkMonitor{cancel: cancel, done: make(chan struct{})}
	cmd := ns.Command(ctx, "ip", "-ts", "monitor", "link", "address", "route", "rule", "netconf")
	cmd.Stdout = m
	cmd.Stderr = m
	if err := cmd.Start(); err != nil {
		t.Fatalf("ip monitor: %v", err)
	}
	go func() { _ = cmd.Wait(); close(m.done) }()
	t.Cleanup(m.stopNow)
	canary := []string{"203.0.113.0/24", "dev", "lo", "table", "100"}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(m.text(), "203.0.113.0/24") {
		if time.Now().After(deadline) {
			t.Fatalf("ip monitor did not report the canary route: %q", m.text())
		}
		// Until the monitor has subscribed, the canary goes unseen: add
		// and delete it until it shows.
		ns.MustIP(append([]string{"route", "add"}, canary...)...)
		time.Sleep(100 * time.Millisecond)
		ns.MustIP(append([]string{"route", "del"}, canary...)...)
	}
	for !strings.Contains(m.text(), "Deleted 203.0.113.0/24") {
		if time.Now().After(deadline) {
			t.Fatalf("ip monitor did not report the canary's removal: %q", m.text())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	m.mu.Lock()
	m.from = m.out.Len()
	m.mu.Unlock()
	return m
}

func (m *netlinkMonitor) stopNow() {
	m.cancel()
	<-m.done
}

// stop ends the monitor and returns the notifications it recorded after
// the canary.
func (m *netlinkMonitor) stop() string {
	time.Sleep(300 * time.Millisecond)
	m.stopNow()
	return m.text()
}

// restartProfiles are 20 profiles that are all active at once: plain
// ethernet with addresses and routes (IPv4 and IPv6), a default route,
// IPv4 disabled with IPv6 link-local, IPv6 ignore and disabled, a bridge
// with two ports, macvlan, vxlan, tun and tap.
func restartProfiles() map[string]string {
	out := map[string]string{}
	add := func(id string, n int, typ, iface, conn, extra, ip4, ip6 string) {
		text := fmt.Sprintf("[connection]\nid=%s\nuuid=33333333-0000-4000-8000-0000000000%02d\ntype=%s\ninterface-name=%s\n%s\n%s\n", id, n, typ, iface, conn, extra)
		if ip4 != "" {
			text += "[ipv4]\n" + ip4 + "\n[ipv6]\n" + ip6 + "\n"
		}
		out[id+".nmconnection"] = text
	}
	for i := 1; i <= 10; i++ {
		add(fmt.Sprintf("e%d", i), i, "ethernet", fmt.Sprintf("eth%d", i), "", "",
			fmt.Sprintf("method=manual\naddress1=10.0.%d.1/24\nroute1=198.51.%d.0/24,10.0.%d.2\n", i, i, i),
			fmt.Sprintf("method=manual\naddress1=fd00:%d::1/64\nroute1=fd01:%d::/64,fd00:%d::2\n", i, i, i))
	}
	add("e13", 13, "ethernet", "eth13", "", "", "method=manual\naddress1=10.0.13.1/24\ngateway=10.0.13.254\n", "method=ignore\n")
	add("e14", 14, "ethernet", "eth14", "", "", "method=disabled\n", "method=link-local\n")
	add("e15", 15, "ethernet", "eth15", "", "", "method=manual\naddress1=10.0.15.1/24\n", "method=disabled\n")
	add("br0", 16, "bridge", "br0", "", "[bridge]\nstp=false\n", "method=manual\naddress1=10.0.16.1/24\n", "method=manual\naddress1=fd00:16::1/64\n")
	add("br0p1", 17, "ethernet", "eth11", "master=br0\nslave-type=bridge\n", "", "", "")
	add("br0p2", 18, "ethernet", "eth12", "master=br0\nslave-type=bridge\n", "", "", "")
	add("mv0", 19, "macvlan", "mv0", "", "[macvlan]\nmode=2\nparent=eth1\n", "method=manual\naddress1=10.0.19.1/24\n", "method=disabled\n")
	add("vx0", 20, "vxlan", "vx0", "", "[vxlan]\nid=42\nlocal=10.0.2.1\nremote=10.0.2.2\ndestination-port=4789\n", "method=manual\naddress1=10.0.20.1/24\n", "method=disabled\n")
	add("tun0", 21, "tun", "tun0", "", "[tun]\nmode=1\n", "method=manual\naddress1=10.0.21.1/24\n", "method=disabled\n")
	add("tap0", 22, "tun", "tap0", "", "[tun]\nmode=2\n", "method=manual\naddress1=10.0.22.1/24\n", "method=manual\naddress1=fd00:22::1/64\n")
	return out
}

var restartIfaces = []string{"eth1", "eth2", "eth3", "eth4", "eth5", "eth6", "eth7", "eth8", "eth9", "eth10",
	"eth11", "eth12", "eth13", "eth14", "eth15", "br0", "mv0", "vx0", "tun0", "tap0"}

// kernelState is what the namespace's kernel holds, for before/after
// comparisons.
func kernelState(t *testing.T, ns *testbed.Netns) string {
	var b strings.Builder
	for _, args := range [][]string{{"-d", "link"}, {"addr"}, {"route", "show", "table", "all"}, {"-6", "route", "show", "table", "all"}, {"rule"}, {"-6", "rule"}} {
		out := ns.MustIP(args...)
		// Counters and timers move on their own.
		out = regexp.MustCompile(`(?m)^\s*(RX|TX):.*\n.*\n`).ReplaceAllString(out, "")
		out = regexp.MustCompile(`(hold_timer|message_age_timer|forward_delay_timer|gc_timer|hello_timer|tcn_timer|topology_change_timer)\s+\S+`).ReplaceAllString(out, "$1")
		out = regexp.MustCompile(`(valid_lft|preferred_lft) \S+`).ReplaceAllString(out, "$1")
		b.WriteString(strings.Join(append([]string{"ip"}, args...), " ") + "\n" + out)
	}
	return b.String()
}

// quiet waits until nothing in the kernel will change by itself: no
// tentative IPv6 address (but on a link without carrier, where DAD waits) and no bridge port with its forward-delay timer
// running.
func quiet(s *devSide) {
	s.until("no tentative addresses and no running bridge timers", 60*time.Second, func() bool {
		for _, l := range strings.Split(s.ns.MustIP("-6", "-o", "addr"), "\n") {
			// tap0 has no carrier: its addresses stay tentative.
			if strings.Contains(l, "tentative") && !strings.Contains(l, " tap0 ") {
				return false
			}
		}
		out := s.ns.MustIP("-d", "link")
		for _, m := range regexp.MustCompile(`forward_delay_timer\s+(\S+)`).FindAllStringSubmatch(out, -1) {
			if m[1] != "0.00" {
				return false
			}
		}
		return true
	})
}

// runStates reads the run state files the daemon keeps per device, by
// interface name.
func runStates(t *testing.T, s *devSide) map[string]string {
	out := map[string]string{}
	names := map[string]string{}
	for _, l := range strings.Split(s.ns.MustIP("-o", "link"), "\n") {
		if f := strings.Fields(l); len(f) > 1 {
			names[strings.TrimSuffix(f[0], ":")] = strings.SplitN(strings.TrimSuffix(f[1], ":"), "@", 2)[0]
		}
	}
	dir := filepath.Join(s.d.RunDir, "devices")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("%s: %v", s.name, err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		name, ok := names[e.Name()]
		if !ok {
			name = "ifindex " + e.Name()
		}
		out[name] = string(b)
	}
	return out
}

// A restart with 20 active profiles: the daemon is stopped (which leaves
// every interface configured) and started again; it takes every device
// over from its run state without a single netlink change, recorded by
// an independent monitor from before the daemon starts until all devices
// are activated again and settled. The StateChanged sequences of the
// second start are compared with NetworkManager 1.42's (which has the same
// run state and state directories across its restart).
func TestRestartWithoutDisruption(t *testing.T) {
	changes := map[string]string{}
	runState := map[string]map[string]string{}
	sc := scenario{
		profiles: restartProfiles(),
		setup: func(s *devSide) {
			for i := 1; i <= 15; i++ {
				testbed.Veth(t, s.ns, fmt.Sprintf("eth%d", i), s.peer, fmt.Sprintf("peer%d", i))
				testbed.LinkUp(t, s.peer, fmt.Sprintf("peer%d", i), true)
			}
		},
		steps: func(s *devSide) {
			for _, iface := range restartIfaces {
				s.waitState(iface, 100)
			}
			quiet(s)
			before := kernelState(t, s.ns)
			states := runStates(t, s)
			var mon *netlinkMonitor
			// NetworkManager 1.42 is not free of changes itself (it
			// re-adds the IPv6 link-local address of a device with
			// ipv6.method=ignore); only gonm's are errors.
			report := t.Errorf
			if s.name == "nm" {
				report = t.Logf
			}
			s.restart(func() {
				if after := kernelState(t, s.ns); after != before {
					report("%s: stopping changed the kernel's configuration:\nbefore:\n%s\nafter:\n%s", s.name, before, after)
				}
				mon = startMonitor(t, s.ns)
			})
			for _, iface := range restartIfaces {
				s.waitState(iface, 100)
			}
			// Longer than any delay in activation (the 2 s carrier wait
			// among them).
			time.Sleep(4 * time.Second)
			changes[s.name] = mon.stop()
			if after := kernelState(t, s.ns); after != before {
				report("%s: the restart changed the kernel's configuration:\nbefore:\n%s\nafter:\n%s", s.name, before, after)
			}
			for _, iface := range restartIfaces {
				if got := s.nmcli("-g", "GENERAL.CON-UUID", "device", "show", iface); !strings.HasPrefix(got, "33333333-") {
					t.Errorf("%s: %s was taken over as an external configuration, not assumed", s.name, iface)
				}
			}
			runState[s.name] = states
		},
	}
	compareSides(t, sc)
	t.Logf("netlink changes during NetworkManager 1.42's restart (for comparison):\n%s", changes["nm"])
	if c := changes["gonm"]; c != "" {
		t.Errorf("netlink changes during gonm's restart:\n%s", c)
	}
	// The run state files say the same, except for the values of the
	// default route metrics, which depend on the order in which devices
	// activated, and the random MAC addresses of the links.
	metric := regexp.MustCompile(`(?m)^(route-metric-default-effective=).*\n(route-metric-default-aspired=.*\n)?`)
	mac := regexp.MustCompile(`(?m)^(perm-hw-addr-fake=)[0-9A-F:]{17}$`)
	var names []string
	for n := range runState["nm"] {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a, b := metric.ReplaceAllString(runState["nm"][n], "${1}<metric>\n"), metric.ReplaceAllString(runState["gonm"][n], "${1}<metric>\n")
		a, b = normalize(mac.ReplaceAllString(a, "${1}<mac>")), normalize(mac.ReplaceAllString(b, "${1}<mac>"))
		if a != b {
			t.Errorf("run state of %s differs:\nNetworkManager 1.42:\n%s\ngonm:\n%s", n, a, b)
		}
	}
	if len(runState["nm"]) != len(runState["gonm"]) {
		t.Errorf("run state files: NetworkManager 1.42 has %d, gonm %d", len(runState["nm"]), len(runState["gonm"]))
	}
}
