package platform

import (
	"errors"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/testbed"
)

// Operations are checked against the kernel (through ip, independently of
// the platform) and against the cache, which must show an operation's
// effect as soon as it returns.

// must reports an operation error. It does not stop the test: these
// checks run on the platform's loop, where FailNow must not be called;
// callers return when it reports false.
func must(t *testing.T, err error) bool {
	t.Helper()
	if err != nil {
		t.Error(err)
		return false
	}
	return true
}

// wantErr checks that err wraps errno and names what was attempted.
func wantErr(t *testing.T, err error, errno unix.Errno, frags ...string) {
	t.Helper()
	if !errors.Is(err, errno) {
		t.Errorf("error %v, want %v", err, errno)
		return
	}
	for _, f := range frags {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not mention %q", err, f)
		}
	}
}

func TestOpsLinks(t *testing.T) {
	ns := testbed.NewNetns(t)
	other := testbed.NewNetns(t)
	x := startTP(t, ns, tpOptions{})
	var v0, br *Link
	var err error
	x.call(func() {
		v0, err = x.p.LinkAdd(&LinkSpec{Name: "v0", Data: &VethData{Peer: "v1"}, MTU: 1400})
		if !must(t, err) {
			return
		}
		if v0.Type != LinkVeth || v0.Driver != "veth" || v0.MTU != 1400 {
			t.Errorf("created veth: %s", v0)
		}
		if _, ok := x.p.LinkByName("v1"); !ok {
			t.Errorf("the peer is not in the cache right after the operation")
		}
		br, err = x.p.LinkAdd(&LinkSpec{Name: "br0", Data: &BridgeData{STPState: 1, ForwardDelay: 500, Priority: 100,
			Set: []uint16{unix.IFLA_BR_STP_STATE, unix.IFLA_BR_FORWARD_DELAY, unix.IFLA_BR_PRIORITY}}})
		if !must(t, err) {
			return
		}
		if d, ok := br.Data.(*BridgeData); !ok || d.STPState != 1 || d.ForwardDelay != 500 || d.Priority != 100 {
			t.Errorf("bridge options not applied: %v", br.Data)
		}
		if !must(t, x.p.LinkChange(br.Index, &LinkChange{Data: &BridgeData{STPState: 0, Set: []uint16{unix.IFLA_BR_STP_STATE}}})) {
			return
		}
		if l, _ := x.p.Link(br.Index); l.Data.(*BridgeData).STPState != 0 {
			t.Errorf("bridge option change not seen: %v", l.Data)
		}
		_, err = x.p.LinkAdd(&LinkSpec{Name: "v0", Data: &VethData{Peer: "v9"}})
		wantErr(t, err, unix.EEXIST, "veth", `"v0"`)
		v1, _ := x.p.LinkByName("v1")
		mv, err := x.p.LinkAdd(&LinkSpec{Name: "mv0", Parent: v1.Index, Data: &MacvlanData{Mode: MacvlanPrivate}})
		if !must(t, err) {
			return
		}
		if mv.Type != LinkMACVLAN || mv.Parent != v1.Index || mv.Data.(*MacvlanData).Mode != MacvlanPrivate {
			t.Errorf("macvlan: %s", mv)
		}
		mt, err := x.p.LinkAdd(&LinkSpec{Name: "mt0", Parent: v1.Index, Data: &MacvlanData{Mode: MacvlanBridge, Tap: true}})
		if !must(t, err) {
			return
		}
		if mt.Type != LinkMACVTAP {
			t.Errorf("macvtap: %s", mt)
		}
		vx, err := x.p.LinkAdd(&LinkSpec{Name: "vx0", Data: &VxlanData{ID: 100, DstPort: 4789, TTL: 16, Learning: true,
			Local: netip.MustParseAddr("192.0.2.1")}})
		if !must(t, err) {
			return
		}
		if d, ok := vx.Data.(*VxlanData); !ok || d.ID != 100 || d.DstPort != 4789 || d.TTL != 16 || d.Local.String() != "192.0.2.1" {
			t.Errorf("vxlan: %v", vx.Data)
		}
		for _, tap := range []bool{false, true} {
			name := map[bool]string{false: "tun0", true: "tap0"}[tap]
			l, err := x.p.LinkAdd(&LinkSpec{Name: name, Data: &TunData{Tap: tap, Owner: 1000, Group: -1}, MTU: 1300})
			if !must(t, err) {
				return
			}
			d, ok := l.Data.(*TunData)
			if l.Type != LinkTUN || !ok || d.Tap != tap || d.Owner != 1000 || !d.Persist || l.MTU != 1300 {
				t.Errorf("%s: %s", name, l)
			}
		}
	})
	out := ns.MustIP("-d", "link", "show", "br0")
	if !strings.Contains(out, "stp_state 0") || !strings.Contains(out, "forward_delay 500") || !strings.Contains(out, "priority 100") {
		t.Errorf("kernel shows the bridge as\n%s", out)
	}
	if out := ns.MustIP("-d", "link", "show", "tap0"); !strings.Contains(out, "tun type tap") || !strings.Contains(out, "persist on") {
		t.Errorf("kernel shows tap0 as\n%s", out)
	}
	if out := strings.TrimSpace(ns.MustRun("cat", "/sys/class/net/tap0/owner")); out != "1000" {
		t.Errorf("tap0 owner %s, want 1000", out)
	}

	x.call(func() {
		if !must(t, x.p.LinkSetMTU(v0.Index, 1280)) {
			return
		}
		mac := MakeHWAddr([]byte{0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee})
		if !must(t, x.p.LinkSetAddress(v0.Index, mac)) {
			return
		}
		if !must(t, x.p.LinkSetName(v0.Index, "lan0")) {
			return
		}
		if !must(t, x.p.LinkSetUp(v0.Index, true)) {
			return
		}
		if !must(t, x.p.LinkAttach(v0.Index, br.Index)) {
			return
		}
		l, _ := x.p.Link(v0.Index)
		if l.MTU != 1280 || l.Addr != mac || l.Name != "lan0" || !l.Up() || l.Master != br.Index {
			t.Errorf("after the changes the cache shows %s", l)
		}
		if !must(t, x.p.LinkDetach(v0.Index)) {
			return
		}
		if !must(t, x.p.LinkSetAddrGenMode(v0.Index, 1)) {
			return
		}
		l, _ = x.p.Link(v0.Index)
		if l.Master != 0 || l.AddrGenMode != 1 {
			t.Errorf("after detaching the cache shows %s (addr-gen-mode %d)", l, l.AddrGenMode)
		}
		err := x.p.LinkSetName(v0.Index, "br0")
		wantErr(t, err, unix.EEXIST, "lan0", `"br0"`)
		wantErr(t, x.p.LinkSetMTU(9999, 1500), unix.ENODEV, "link 9999")
		if err := x.p.LinkSetName(v0.Index, "bad/name"); err == nil || !strings.Contains(err.Error(), "invalid interface name") {
			t.Errorf("invalid name accepted: %v", err)
		}
	})
	out = ns.MustIP("link", "show", "lan0")
	if !strings.Contains(out, "mtu 1280") || !strings.Contains(out, "02:aa:bb:cc:dd:ee") || !strings.Contains(out, ",UP") {
		t.Errorf("kernel shows lan0 as\n%s", out)
	}
	// Traffic counters: a ping to an absent neighbor sends ARP requests;
	// the platform's figures match the kernel's.
	ns.MustIP("link", "set", "v1", "up")
	ns.MustIP("addr", "add", "192.0.2.1/24", "dev", "lan0")
	_, _ = ns.Run("ping", "-c", "1", "-W", "1", "192.0.2.99")
	x.call(func() {
		l, _ := x.p.LinkByName("lan0")
		st, err := x.p.LinkStats(l.Index)
		if !must(t, err) {
			return
		}
		raw, err := ns.Run("cat", "/sys/class/net/lan0/statistics/tx_packets")
		if !must(t, err) {
			return
		}
		tx, _ := strconv.ParseUint(strings.TrimSpace(raw), 10, 64)
		if st.TxPackets == 0 || st.TxPackets > tx || st.TxBytes == 0 {
			t.Errorf("statistics %+v, kernel tx_packets %d", st, tx)
		}
	})
	f, err := os.Open(other.Path())
	if !must(t, err) {
		return
	}
	defer f.Close()
	x.call(func() {
		tap, _ := x.p.LinkByName("tap0")
		if !must(t, x.p.LinkSetNetns(tap.Index, int(f.Fd()))) {
			return
		}
		if _, ok := x.p.LinkByName("tap0"); ok {
			t.Errorf("tap0 still cached after moving it away")
		}
		vx, _ := x.p.LinkByName("vx0")
		if !must(t, x.p.LinkDelete(vx.Index)) {
			return
		}
		if _, ok := x.p.Link(vx.Index); ok {
			t.Errorf("vx0 still cached after deleting it")
		}
		wantErr(t, x.p.LinkDelete(vx.Index), unix.ENODEV)
	})
	if out := other.MustIP("link", "show"); !strings.Contains(out, "tap0") {
		t.Errorf("tap0 not in the other namespace:\n%s", out)
	}
	x.converge(10 * time.Second)
}

// TestOpsKindsFromTheKernelVMTier creates the kinds this machine's kernel
// lacks; where it lacks them, the test runs in the kernel VM tier's guest.
func TestOpsKindsFromTheKernelVMTier(t *testing.T) {
	testbed.RequireKernel(t, "bond", "vlan", "dummy", "vrf", "wireguard", "team")
	for _, c := range []struct {
		kind string
		spec func(parent int32) *LinkSpec
		typ  LinkType
	}{
		{"bond", func(int32) *LinkSpec {
			return &LinkSpec{Name: "bond0", Data: &BondData{Mode: BondActiveBackup, Miimon: 100}}
		}, LinkBond},
		{"vlan", func(p int32) *LinkSpec { return &LinkSpec{Name: "v0.10", Parent: p, Data: &VlanData{ID: 10, Flags: 5}} }, LinkVLAN},
		{"dummy", func(int32) *LinkSpec { return &LinkSpec{Name: "dummy0", Data: KindOnly("dummy")} }, LinkDummy},
		{"vrf", func(int32) *LinkSpec { return &LinkSpec{Name: "vrf0", Data: &VrfData{Table: 1001}} }, LinkVRF},
		{"wireguard", func(int32) *LinkSpec { return &LinkSpec{Name: "wg0", Data: KindOnly("wireguard")} }, LinkWireGuard},
		{"team", func(int32) *LinkSpec { return &LinkSpec{Name: "team0", Data: KindOnly("team")} }, LinkTeam},
	} {
		t.Run(c.kind, func(t *testing.T) {
			ns := testbed.NewNetns(t)
			testbed.Veth(t, ns, "v0", ns, "v1")
			x := startTP(t, ns, tpOptions{})
			parent := x.index("v0")
			x.call(func() {
				l, err := x.p.LinkAdd(c.spec(parent))
				if !must(t, err) {
					return
				}
				if l.Type != c.typ || l.Kind != c.kind {
					t.Errorf("created %s, want type %s kind %s", l, c.typ, c.kind)
				}
				switch want := c.spec(parent).Data.(type) {
				case *VlanData:
					// The kernel fills in what the request left out: the
					// 802.1Q protocol; the flags (REORDER_HDR|LOOSE_BINDING)
					// are as asked.
					full := *want
					full.Protocol = unix.ETH_P_8021Q
					if l.Data == nil || !l.Data.equal(&full) {
						t.Errorf("settings %v, want %v", l.Data, &full)
					}
				case *VrfData:
					if l.Data == nil || !l.Data.equal(want) {
						t.Errorf("settings %v, want %v", l.Data, want)
					}
				case *BondData:
					got, ok := l.Data.(*BondData)
					if !ok || got.Mode != want.Mode || got.Miimon != want.Miimon {
						t.Errorf("bond settings %v, want %v", l.Data, want)
					}
				}
			})
			x.converge(10 * time.Second)
		})
	}
}

func TestOpsAddresses(t *testing.T) {
	ns := testbed.NewNetns(t)
	peer := testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	x := startTP(t, ns, tpOptions{})
	eth1 := x.index("eth1")
	a := &Address{Index: eth1, Address: netip.MustParseAddr("192.0.2.1"), PrefixLen: 24,
		Valid: LifetimeInfinite, Preferred: LifetimeInfinite}
	x.call(func() {
		if !must(t, x.p.AddrAdd(a)) {
			return
		}
		if len(x.p.Addresses(TypeIP4Address, eth1)) != 1 {
			t.Errorf("address not cached right after adding it")
		}
		wantErr(t, x.p.AddrAdd(a), unix.EEXIST, "192.0.2.1/24", "eth1")
		b := *a
		b.Valid, b.Preferred = 600, 300
		if !must(t, x.p.AddrReplace(&b)) {
			return
		}
		got := x.p.Addresses(TypeIP4Address, eth1)
		if len(got) != 1 || got[0].Valid < 598 || got[0].Valid > 601 || got[0].Preferred < 298 || got[0].Preferred > 301 {
			t.Errorf("replaced address: %v", got)
		}
		c := &Address{Index: eth1, Address: netip.MustParseAddr("198.51.100.1"), PrefixLen: 24,
			Flags: unix.IFA_F_NOPREFIXROUTE, Valid: LifetimeInfinite, Preferred: LifetimeInfinite}
		if !must(t, x.p.AddrAdd(c)) {
			return
		}
		// The newest address comes first, as in NetworkManager's cache.
		if got := x.p.Addresses(TypeIP4Address, eth1); len(got) != 2 || got[0].Flags&unix.IFA_F_NOPREFIXROUTE == 0 {
			t.Errorf("noprefixroute not shown: %v", got)
		}
		six := &Address{Index: eth1, Address: netip.MustParseAddr("2001:db8::1"), PrefixLen: 64,
			Flags: unix.IFA_F_NODAD, Valid: LifetimeInfinite, Preferred: LifetimeInfinite}
		if !must(t, x.p.AddrAdd(six)) {
			return
		}
		if got := x.p.Addresses(TypeIP6Address, eth1); len(got) == 0 || got[0].Flags&unix.IFA_F_NODAD == 0 {
			t.Errorf("IPv6 address: %v", got)
		}
		if !must(t, x.p.AddrDelete(six)) {
			return
		}
		wantErr(t, x.p.AddrDelete(six), unix.EADDRNOTAVAIL, "2001:db8::1/64")
		wantErr(t, x.p.AddrAdd(&Address{Index: 999, Address: netip.MustParseAddr("192.0.2.2"), PrefixLen: 24}), unix.ENODEV, "link 999")
	})
	if out := ns.MustIP("route", "show", "198.51.100.0/24"); strings.TrimSpace(out) != "" {
		t.Errorf("noprefixroute address has a prefix route: %s", out)
	}
	// Duplicate address detection: tentative first; failed when the peer
	// already has the address.
	peer.MustIP("addr", "add", "2001:db8::99/64", "dev", "peer1", "nodad")
	x.call(func() {
		if !must(t, x.p.LinkSetUp(eth1, true)) {
			return
		}
		must(t, x.p.AddrAdd(&Address{Index: eth1, Address: netip.MustParseAddr("2001:db8::99"), PrefixLen: 64,
			Valid: LifetimeInfinite, Preferred: LifetimeInfinite}))
		got := find6(x.p, eth1, "2001:db8::99")
		if got == nil || !got.Tentative() {
			t.Errorf("new IPv6 address not tentative: %v", got)
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		var a *Address
		x.call(func() { a = find6(x.p, eth1, "2001:db8::99") })
		if a != nil && a.DADFailed() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("duplicate address detection failure not seen: %v", a)
		}
		time.Sleep(50 * time.Millisecond)
	}
	x.converge(10 * time.Second)
}

func find6(p *Platform, index int32, addr string) *Address {
	for _, a := range p.Addresses(TypeIP6Address, index) {
		if a.Address.String() == addr {
			return a
		}
	}
	return nil
}

func TestOpsRoutes(t *testing.T) {
	ns, _ := silentNS(t)
	x := startTP(t, ns, tpOptions{})
	eth1, eth2 := x.index("eth1"), x.index("eth2")
	routes := []*Route{
		{Dst: netip.MustParsePrefix("10.10.0.0/16"), Gateway: netip.MustParseAddr("192.0.2.254"), Index: eth1, Metric: 20, MTU: 1300},
		{Dst: netip.MustParsePrefix("10.11.0.0/16"), Index: eth1, Table: 1000, PrefSrc: netip.MustParseAddr("192.0.2.1")},
		{Dst: netip.MustParsePrefix("10.12.0.0/16"), Type: unix.RTN_BLACKHOLE},
		{Dst: netip.MustParsePrefix("10.13.0.0/16"), Type: unix.RTN_UNREACHABLE, Metric: 5},
		{Dst: netip.MustParsePrefix("10.14.0.0/16"), Type: unix.RTN_PROHIBIT, Table: 1000},
		{Dst: netip.MustParsePrefix("10.15.0.0/16"), Index: eth1, Gateway: netip.MustParseAddr("192.0.2.254"), Weight: 1,
			Nexthops: []Nexthop{{Index: eth2, Gateway: netip.MustParseAddr("198.51.100.254"), Weight: 4}}},
		{Dst: netip.MustParsePrefix("2001:db8:50::/48"), Gateway: netip.MustParseAddr("2001:db8::fe"), Index: eth1, Metric: 100,
			Metrics: RouteMetrics{AdvMSS: 1200}},
		{Dst: netip.MustParsePrefix("2001:db8:51::/48"), Type: unix.RTN_BLACKHOLE, Metric: 1024},
	}
	x.call(func() {
		for _, r := range routes {
			if !must(t, x.p.RouteAdd(r)) {
				return
			}
		}
		var got []string
		x.p.Routes(TypeIP4Route, 0, true, func(r *Route) bool { got = append(got, r.String()); return true })
		x.p.Routes(TypeIP6Route, 0, true, func(r *Route) bool { got = append(got, r.String()); return true })
		all := strings.Join(got, "\n")
		for _, want := range []string{
			"10.10.0.0/16 via 192.0.2.254 dev 2 proto static metric 20 mtu 1300",
			"10.11.0.0/16 dev 2 table 1000 proto static scope 253 src 192.0.2.1 metric 0",
			"blackhole 10.12.0.0/16 proto static metric 0",
			"unreachable 10.13.0.0/16 proto static metric 5",
			"prohibit 10.14.0.0/16 table 1000 proto static metric 0",
			"10.15.0.0/16 via 192.0.2.254 dev 2 nexthop via 198.51.100.254 dev 3 weight 4 proto static metric 0",
			"2001:db8:50::/48 via 2001:db8::fe dev 2 proto static metric 100",
			"blackhole 2001:db8:51::/48 proto static metric 1024",
		} {
			if !strings.Contains(all, want) {
				t.Errorf("cache lacks %q right after adding it; it has:\n%s", want, all)
			}
		}
		wantErr(t, x.p.RouteAdd(routes[0]), unix.EEXIST, "add route 10.10.0.0/16", "eth1")
		wantErr(t, x.p.RouteAdd(&Route{Dst: netip.MustParsePrefix("10.20.0.0/16"), Gateway: netip.MustParseAddr("203.0.113.1"), Index: eth1}),
			unix.ENETUNREACH, "10.20.0.0/16")
		wantErr(t, x.p.RouteAdd(&Route{Dst: netip.MustParsePrefix("10.21.0.0/16"), Index: 999}), unix.ENODEV, "link 999")
		r := *routes[0]
		r.MTU = 1200
		if !must(t, x.p.RouteReplace(&r)) {
			return
		}
		if !must(t, x.p.RouteDelete(&r)) {
			return
		}
		wantErr(t, x.p.RouteDelete(&r), unix.ESRCH, "delete route 10.10.0.0/16")
		six := *routes[6]
		six.Gateway = netip.MustParseAddr("2001:db8::fd")
		if !must(t, x.p.RouteAppend(&six)) {
			return
		}
	})
	out := ns.MustIP("route", "show", "table", "all")
	for _, want := range []string{"10.11.0.0/16 dev eth1 table 1000 proto static scope link src 192.0.2.1",
		"blackhole 10.12.0.0/16 proto static", "nexthop via 198.51.100.254 dev eth2 weight 4"} {
		if !strings.Contains(out, want) {
			t.Errorf("kernel lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "10.10.0.0/16") {
		t.Errorf("deleted route still in the kernel")
	}
	x.converge(10 * time.Second)
	checkAgainstIP(t, x)
}

func TestOpsRules(t *testing.T) {
	ns := testbed.NewNetns(t)
	x := startTP(t, ns, tpOptions{})
	rules := []*Rule{
		{Family: unix.AF_INET, Priority: 100, Action: unix.FR_ACT_TO_TBL, Table: 1000,
			Src: netip.MustParsePrefix("192.0.2.0/24"), FwMark: 0x10, FwMask: 0xff, SuppressPrefixLen: -1,
			SuppressIfGroup: -1, Protocol: unix.RTPROT_STATIC},
		{Family: unix.AF_INET6, Priority: 200, Action: unix.FR_ACT_TO_TBL, Table: 254, IIFName: "eth9",
			SuppressPrefixLen: 0, SuppressIfGroup: -1, Protocol: unix.RTPROT_STATIC},
	}
	x.call(func() {
		for _, r := range rules {
			if !must(t, x.p.RuleAdd(r)) {
				return
			}
			found := false
			for _, c := range x.p.Rules(r.ObjectType()) {
				found = found || c.Equal(r)
			}
			if !found {
				t.Errorf("rule %s not cached right after adding it", r)
			}
		}
		wantErr(t, x.p.RuleAdd(rules[0]), unix.EEXIST, "100: from 192.0.2.0/24")
	})
	out := ns.MustIP("rule", "show")
	if !strings.Contains(out, "100:	from 192.0.2.0/24 fwmark 0x10/0xff lookup 1000 proto static") {
		t.Errorf("kernel rules:\n%s", out)
	}
	x.converge(10 * time.Second)
	x.call(func() {
		for _, r := range rules {
			if !must(t, x.p.RuleDelete(r)) {
				return
			}
		}
		wantErr(t, x.p.RuleDelete(rules[0]), unix.ENOENT)
	})
	x.converge(10 * time.Second)
}

func TestSysctlsOfTheRightNamespace(t *testing.T) {
	ns := testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", ns, "eth2")
	x := startTP(t, ns, tpOptions{})
	eth1 := x.index("eth1")
	hostFwd, err := os.ReadFile("/proc/sys/net/ipv4/conf/all/forwarding")
	if !must(t, err) {
		return
	}
	x.call(func() {
		if !must(t, x.p.SetIP6Sysctl(eth1, IP6DisableIPv6, "1")) {
			return
		}
		if !must(t, x.p.SetIP6Sysctl(eth1, IP6AcceptRA, "2")) {
			return
		}
		if !must(t, x.p.SetIP6Sysctl(eth1, IP6AddrGenMode, "1")) {
			return
		}
		if !must(t, x.p.SetIP4Sysctl(eth1, IP4Forwarding, "1")) {
			return
		}
		if !must(t, x.p.SysctlSet("net/ipv4/conf/all/forwarding", "1")) {
			return
		}
		if v, err := x.p.IP6Sysctl(eth1, IP6AcceptRA); err != nil || v != "2" {
			t.Errorf("accept_ra reads %q, %v", v, err)
		}
		if err := x.p.SysctlSet("kernel/hostname", "x"); err == nil {
			t.Errorf("a non-net sysctl was accepted")
		}
		if err := x.p.SetIP6Sysctl(eth1, "../../all/forwarding", "1"); err == nil {
			t.Errorf("a path escaping the interface directory was accepted")
		}
		if _, err := x.p.IP6Sysctl(999, IP6AcceptRA); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown link: %v", err)
		}
	})
	for path, want := range map[string]string{
		"net.ipv6.conf.eth1.disable_ipv6": "1", "net.ipv6.conf.eth1.accept_ra": "2",
		"net.ipv6.conf.eth1.addr_gen_mode": "1", "net.ipv4.conf.eth1.forwarding": "1",
		"net.ipv4.conf.all.forwarding": "1",
	} {
		if got := strings.TrimSpace(ns.MustRun("sysctl", "-n", path)); got != want {
			t.Errorf("%s = %s in the namespace, want %s", path, got, want)
		}
	}
	if now, _ := os.ReadFile("/proc/sys/net/ipv4/conf/all/forwarding"); string(now) != string(hostFwd) {
		t.Fatalf("the initial namespace's forwarding changed from %q to %q", hostFwd, now)
	}
}

// Where the kernel lacks a kind, the error says so plainly.
func TestOpsUnsupportedKindError(t *testing.T) {
	if ok, _ := testbed.KindSupported("bond"); ok {
		t.Skip("this kernel has bonding; the unsupported-kind error cannot be provoked")
	}
	ns := testbed.NewNetns(t)
	x := startTP(t, ns, tpOptions{})
	x.call(func() {
		_, err := x.p.LinkAdd(&LinkSpec{Name: "bond0", Data: &BondData{Mode: BondActiveBackup}})
		wantErr(t, err, unix.EOPNOTSUPP, `add bond link "bond0"`, "no bond support")
		t.Log(err)
	})
}
