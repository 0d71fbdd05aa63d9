package platform

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/platform/nl"
)

// wire builds expected request bytes by hand, independently of nl.Builder:
// attributes as (len u16, type u16, payload, padding).
type wire struct{ b []byte }

func (w *wire) attr(typ uint16, payload []byte) *wire {
	l := 4 + len(payload)
	w.b = binary.NativeEndian.AppendUint16(w.b, uint16(l))
	w.b = binary.NativeEndian.AppendUint16(w.b, typ)
	w.b = append(w.b, payload...)
	for len(w.b)%4 != 0 {
		w.b = append(w.b, 0)
	}
	return w
}

func (w *wire) nest(typ uint16, inner *wire) *wire {
	return w.attr(typ|unix.NLA_F_NESTED, inner.b)
}

func u16b(v uint16) []byte { return binary.NativeEndian.AppendUint16(nil, v) }
func u32b(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }
func strz(s string) []byte { return append([]byte(s), 0) }

// header checks the netlink header and returns the body.
func header(t *testing.T, msg []byte, typ, flags uint16) []byte {
	t.Helper()
	if len(msg) < 16 {
		t.Fatalf("message of %d bytes", len(msg))
	}
	if l := binary.NativeEndian.Uint32(msg); int(l) != len(msg) {
		t.Fatalf("length field %d, message %d bytes", l, len(msg))
	}
	if got := binary.NativeEndian.Uint16(msg[4:]); got != typ {
		t.Fatalf("type %d, want %d", got, typ)
	}
	if got := binary.NativeEndian.Uint16(msg[6:]); got != flags|unix.NLM_F_REQUEST {
		t.Fatalf("flags %#x, want %#x", got, flags|unix.NLM_F_REQUEST)
	}
	return msg[16:]
}

func TestLinkAddRequestsForKindsThisKernelLacks(t *testing.T) {
	ifi := ifinfomsg(unix.AF_UNSPEC, 0, 0, 0)
	cases := []struct {
		name string
		spec LinkSpec
		want *wire
	}{
		{
			"vlan",
			LinkSpec{Name: "eth0.10", Parent: 5, Data: &VlanData{ID: 10, Protocol: 0x88a8}},
			(&wire{}).attr(unix.IFLA_IFNAME, strz("eth0.10")).attr(unix.IFLA_LINK, u32b(5)).
				nest(unix.IFLA_LINKINFO, (&wire{}).attr(unix.IFLA_INFO_KIND, strz("vlan")).
					nest(unix.IFLA_INFO_DATA, (&wire{}).attr(unix.IFLA_VLAN_ID, u16b(10)).
						attr(unix.IFLA_VLAN_PROTOCOL, []byte{0x88, 0xa8}))),
		},
		{
			"bond",
			LinkSpec{Name: "bond0", Data: &BondData{Mode: BondActiveBackup, Miimon: 100, UpDelay: 200, DownDelay: 300, MinLinks: 1}},
			(&wire{}).attr(unix.IFLA_IFNAME, strz("bond0")).
				nest(unix.IFLA_LINKINFO, (&wire{}).attr(unix.IFLA_INFO_KIND, strz("bond")).
					nest(unix.IFLA_INFO_DATA, (&wire{}).attr(unix.IFLA_BOND_MODE, []byte{1}).
						attr(unix.IFLA_BOND_MIIMON, u32b(100)).attr(unix.IFLA_BOND_UPDELAY, u32b(200)).
						attr(unix.IFLA_BOND_DOWNDELAY, u32b(300)).attr(unix.IFLA_BOND_MIN_LINKS, u32b(1)))),
		},
		{
			"dummy",
			LinkSpec{Name: "dummy0", Data: KindOnly("dummy"), MTU: 9000},
			(&wire{}).attr(unix.IFLA_IFNAME, strz("dummy0")).attr(unix.IFLA_MTU, u32b(9000)).
				nest(unix.IFLA_LINKINFO, (&wire{}).attr(unix.IFLA_INFO_KIND, strz("dummy"))),
		},
		{
			"vrf",
			LinkSpec{Name: "vrf-blue", Data: &VrfData{Table: 1001}},
			(&wire{}).attr(unix.IFLA_IFNAME, strz("vrf-blue")).
				nest(unix.IFLA_LINKINFO, (&wire{}).attr(unix.IFLA_INFO_KIND, strz("vrf")).
					nest(unix.IFLA_INFO_DATA, (&wire{}).attr(unix.IFLA_VRF_TABLE, u32b(1001)))),
		},
		{
			"wireguard",
			LinkSpec{Name: "wg0", Data: KindOnly("wireguard")},
			(&wire{}).attr(unix.IFLA_IFNAME, strz("wg0")).
				nest(unix.IFLA_LINKINFO, (&wire{}).attr(unix.IFLA_INFO_KIND, strz("wireguard"))),
		},
		{
			"team",
			LinkSpec{Name: "team0", Data: KindOnly("team")},
			(&wire{}).attr(unix.IFLA_IFNAME, strz("team0")).
				nest(unix.IFLA_LINKINFO, (&wire{}).attr(unix.IFLA_INFO_KIND, strz("team"))),
		},
		{
			"veth with peer",
			LinkSpec{Name: "v0", Data: &VethData{Peer: "v1"}},
			(&wire{}).attr(unix.IFLA_IFNAME, strz("v0")).
				nest(unix.IFLA_LINKINFO, (&wire{}).attr(unix.IFLA_INFO_KIND, strz("veth")).
					nest(unix.IFLA_INFO_DATA, (&wire{}).nest(1 /* VETH_INFO_PEER */, &wire{b: append(make([]byte, 16),
						(&wire{}).attr(unix.IFLA_IFNAME, strz("v1")).b...)}))),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := header(t, linkAddRequest(&c.spec), unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL)
			want := append(append([]byte(nil), ifi...), c.want.b...)
			if !bytes.Equal(body, want) {
				t.Fatalf("request body\n got %x\nwant %x", body, want)
			}
			// The settings read back through the decoder the cache uses.
			l, ok, err := parseLink(append(ifinfomsg(unix.AF_UNSPEC, 7, 0, 0), c.want.b...))
			if err != nil || !ok {
				t.Fatalf("decode: %v %v", ok, err)
			}
			if l.Kind != c.spec.Data.Kind() {
				t.Errorf("kind %q, want %q", l.Kind, c.spec.Data.Kind())
			}
			if d, ok := linkKinds[l.Kind]; !ok || l.Type != d.linkType {
				t.Errorf("type %s for kind %s", l.Type, l.Kind)
			}
			switch want := c.spec.Data.(type) {
			case *VlanData, *VrfData:
				if l.Data == nil || !l.Data.equal(want) {
					t.Errorf("settings read back %v, want %v", l.Data, want)
				}
			case *BondData:
				got, ok := l.Data.(*BondData)
				if !ok || got.Mode != want.Mode || got.Miimon != want.Miimon || got.UpDelay != want.UpDelay ||
					got.DownDelay != want.DownDelay || got.MinLinks != want.MinLinks {
					t.Errorf("bond settings read back %v, want %v", l.Data, want)
				}
			}
		})
	}
}

func TestLinkChangeRequest(t *testing.T) {
	up, mtu, name, master, mode := true, uint32(1400), "wan0", int32(9), uint8(1) // IN6_ADDR_GEN_MODE_NONE
	mac := MakeHWAddr([]byte{2, 0, 0, 0, 0, 1})
	body := header(t, linkChangeRequest(4, &LinkChange{Up: &up, MTU: &mtu, Addr: &mac, Name: &name, Master: &master, AddrGenMode: &mode}),
		unix.RTM_NEWLINK, 0)
	want := append(ifinfomsg(unix.AF_UNSPEC, 4, unix.IFF_UP, unix.IFF_UP),
		(&wire{}).attr(unix.IFLA_MTU, u32b(1400)).attr(unix.IFLA_ADDRESS, mac.Bytes()).
			attr(unix.IFLA_IFNAME, strz("wan0")).attr(unix.IFLA_MASTER, u32b(9)).
			nest(unix.IFLA_AF_SPEC, (&wire{}).nest(unix.AF_INET6, (&wire{}).attr(unix.IFLA_INET6_ADDR_GEN_MODE, []byte{mode}))).b...)
	if !bytes.Equal(body, want) {
		t.Fatalf("\n got %x\nwant %x", body, want)
	}
	down := false
	body = header(t, linkChangeRequest(4, &LinkChange{Up: &down}), unix.RTM_NEWLINK, 0)
	if !bytes.Equal(body, ifinfomsg(unix.AF_UNSPEC, 4, 0, unix.IFF_UP)) {
		t.Fatalf("set down: %x", body)
	}
}

// Requests and notifications share their layout, so a route request must
// decode to the same route the caller described.
func TestRouteRequestRoundTrip(t *testing.T) {
	routes := []Route{
		{Table: 254, Dst: netip.MustParsePrefix("10.0.0.0/8"), Gateway: netip.MustParseAddr("192.0.2.1"), Index: 3,
			Metric: 100, Protocol: unix.RTPROT_STATIC, Type: unix.RTN_UNICAST, MTU: 1400,
			PrefSrc: netip.MustParseAddr("192.0.2.7")},
		{Table: 1000, Dst: netip.MustParsePrefix("0.0.0.0/0"), Index: 3, Metric: 5, Protocol: unix.RTPROT_DHCP,
			Type: unix.RTN_UNICAST, Scope: unix.RT_SCOPE_LINK, Flags: unix.RTNH_F_ONLINK,
			Metrics: RouteMetrics{Window: 10, InitCWnd: 20, AdvMSS: 1300, Lock: 1 << unix.RTAX_MTU}},
		{Table: 254, Dst: netip.MustParsePrefix("10.9.0.0/16"), Index: 3, Metric: 7, Protocol: unix.RTPROT_STATIC,
			Type: unix.RTN_UNICAST, Scope: unix.RT_SCOPE_LINK, MTU: 1280,
			Metrics: RouteMetrics{Window: 1, CWnd: 2, InitCWnd: 3, InitRWnd: 4, AdvMSS: 5, RTOMin: 6, QuickAck: 1, Lock: 1 << unix.RTAX_WINDOW}},
		{Table: 254, Dst: netip.MustParsePrefix("100.64.0.0/10"), Protocol: unix.RTPROT_STATIC,
			Type: unix.RTN_BLACKHOLE, Metric: 9},
		{Table: 254, Dst: netip.MustParsePrefix("198.51.100.0/24"), Protocol: unix.RTPROT_STATIC,
			Type: unix.RTN_UNICAST, Index: 2, Gateway: netip.MustParseAddr("192.0.2.1"), Weight: 2,
			Nexthops: []Nexthop{{Index: 4, Gateway: netip.MustParseAddr("192.0.2.2"), Weight: 3}}},
		{Table: 254, Dst: netip.MustParsePrefix("2001:db8::/32"), Src: netip.MustParsePrefix("2001:db8:1::/48"),
			Gateway: netip.MustParseAddr("fe80::1"), Index: 2, Metric: 1024, Protocol: unix.RTPROT_RA,
			Type: unix.RTN_UNICAST, Pref: 1},
	}
	for i := range routes {
		want := routes[i]
		msg := routeRequest(unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_EXCL, &want)
		body := header(t, msg, unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_EXCL)
		got, ok, err := parseRoute(body, nil)
		if err != nil || !ok || len(got) != 1 {
			t.Fatalf("%s: decode: %v %v %d", &want, ok, err, len(got))
		}
		if !got[0].Equal(&want) {
			t.Errorf("round trip\n got %+v\nwant %+v", got[0], want)
		}
	}
}

func TestIPv6MultipathIsSplit(t *testing.T) {
	hop := func(index uint32, gw string) []byte {
		a := netip.MustParseAddr(gw).As16()
		attr := (&wire{}).attr(unix.RTA_GATEWAY, a[:]).b
		b := make([]byte, 8)
		binary.NativeEndian.PutUint16(b, uint16(8+len(attr)))
		binary.NativeEndian.PutUint32(b[4:], index)
		return append(b, attr...)
	}
	dst := netip.MustParseAddr("2001:db8:5::").As16()
	body := append(rtmsg(unix.AF_INET6, 48, 0, 0, 254, unix.RTPROT_STATIC, 0, unix.RTN_UNICAST, 0),
		(&wire{}).attr(unix.RTA_DST, dst[:]).attr(unix.RTA_PRIORITY, u32b(1024)).
			attr(unix.RTA_MULTIPATH, append(hop(2, "fe80::1"), hop(3, "fe80::2")...)).b...)
	rs, ok, err := parseRoute(body, nil)
	if err != nil || !ok || len(rs) != 2 {
		t.Fatalf("got %d routes, %v, %v", len(rs), ok, err)
	}
	if rs[0].Index != 2 || rs[0].Gateway.String() != "fe80::1" || rs[1].Index != 3 || rs[1].Gateway.String() != "fe80::2" {
		t.Fatalf("split wrongly: %v / %v", &rs[0], &rs[1])
	}
	if rs[0].SameID(&rs[1]) {
		t.Fatalf("the two hops must be different routes")
	}
}

func TestUntrackedRoutesAreSkipped(t *testing.T) {
	dst := []byte{10, 0, 0, 0}
	attrs := (&wire{}).attr(unix.RTA_DST, dst).attr(unix.RTA_OIF, u32b(2)).b
	for _, c := range []struct {
		proto, typ uint8
		flags      uint32
		tracked    bool
	}{
		{unix.RTPROT_STATIC, unix.RTN_UNICAST, 0, true},
		{unix.RTPROT_UNSPEC, unix.RTN_UNICAST, 0, true},
		{12 /* bird */, unix.RTN_UNICAST, 0, false},
		{186 /* bgp */, unix.RTN_UNICAST, 0, false},
		{unix.RTPROT_KERNEL, unix.RTN_BROADCAST, 0, false},
		{unix.RTPROT_KERNEL, unix.RTN_MULTICAST, 0, false},
		{unix.RTPROT_STATIC, unix.RTN_UNICAST, unix.RTM_F_CLONED, false},
	} {
		body := append(rtmsg(unix.AF_INET, 8, 0, 0, 254, c.proto, 0, c.typ, c.flags), attrs...)
		rs, ok, err := parseRoute(body, nil)
		if err != nil || ok != c.tracked || (len(rs) == 1) != c.tracked {
			t.Errorf("proto %d type %d flags %#x: ok %v (%d routes) err %v, want tracked %v", c.proto, c.typ, c.flags, ok, len(rs), err, c.tracked)
		}
		if got := filterAccepts(t, append(nlhdr(unix.RTM_NEWROUTE, len(body)), body...)); got != c.tracked {
			t.Errorf("proto %d type %d flags %#x: socket filter accepts %v, want %v", c.proto, c.typ, c.flags, got, c.tracked)
		}
	}
}

func nlhdr(typ uint16, bodyLen int) []byte {
	h := make([]byte, 16)
	binary.NativeEndian.PutUint32(h, uint32(16+bodyLen))
	binary.NativeEndian.PutUint16(h[4:], typ)
	return h
}

// filterAccepts runs the socket filter program on a datagram with a small
// classic-BPF interpreter covering the instructions it uses.
func filterAccepts(t *testing.T, pkt []byte) bool {
	t.Helper()
	prog := routeFilter()
	var a uint32
	for pc := 0; pc < len(prog); pc++ {
		in := prog[pc]
		switch in.Code {
		case unix.BPF_LD | unix.BPF_B | unix.BPF_ABS:
			if int(in.K) >= len(pkt) {
				return false // the kernel drops on an out-of-bounds load
			}
			a = uint32(pkt[in.K])
		case unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K:
			if a == in.K {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		case unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K:
			if a&in.K != 0 {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		case unix.BPF_RET | unix.BPF_K:
			return in.K != 0
		default:
			t.Fatalf("instruction %#x not handled by the test interpreter", in.Code)
		}
	}
	t.Fatal("program fell off its end")
	return false
}

func TestFilterPassesOtherMessages(t *testing.T) {
	for _, typ := range []uint16{unix.RTM_NEWLINK, unix.RTM_DELLINK, unix.RTM_NEWADDR, unix.RTM_NEWRULE, unix.NLMSG_DONE} {
		pkt := append(nlhdr(typ, 16), make([]byte, 16)...)
		if !filterAccepts(t, pkt) {
			t.Errorf("message type %d dropped", typ)
		}
	}
}

func TestAddrRequest(t *testing.T) {
	a := Address{Index: 3, Address: netip.MustParseAddr("192.0.2.5"), PrefixLen: 24,
		Broadcast: netip.MustParseAddr("192.0.2.255"), Label: "eth1:x",
		Flags: unix.IFA_F_NOPREFIXROUTE, Valid: 300, Preferred: 100, RoutePriority: 50}
	body := header(t, addrRequest(unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_REPLACE, &a),
		unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_REPLACE)
	ci := append(append(u32b(100), u32b(300)...), make([]byte, 8)...)
	want := append([]byte{unix.AF_INET, 24, 0, 0}, u32b(3)...)
	want = append(want, (&wire{}).attr(unix.IFA_LOCAL, []byte{192, 0, 2, 5}).attr(unix.IFA_ADDRESS, []byte{192, 0, 2, 5}).
		attr(unix.IFA_BROADCAST, []byte{192, 0, 2, 255}).attr(unix.IFA_LABEL, strz("eth1:x")).
		attr(unix.IFA_FLAGS, u32b(unix.IFA_F_NOPREFIXROUTE)).attr(unix.IFA_CACHEINFO, ci).
		attr(unix.IFA_RT_PRIORITY, u32b(50)).b...)
	if !bytes.Equal(body, want) {
		t.Fatalf("\n got %x\nwant %x", body, want)
	}
	got, ok, err := parseAddr(body, 0)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if got.Address != a.Address || got.Peer != a.Address || got.PrefixLen != 24 || got.Flags != a.Flags ||
		got.Label != a.Label || got.Valid != 300 || got.Preferred != 100 || got.RoutePriority != 50 {
		t.Fatalf("decoded %+v", got)
	}
}

func TestRuleRequestRoundTrip(t *testing.T) {
	rules := []Rule{
		{Family: unix.AF_INET, Priority: 100, Action: unix.FR_ACT_TO_TBL, Table: 1000,
			Src: netip.MustParsePrefix("192.0.2.0/24"), IIFName: "eth1", FwMark: 0x10, FwMask: 0xff,
			SuppressPrefixLen: -1, SuppressIfGroup: -1, Protocol: unix.RTPROT_STATIC,
			UIDRange: &Range{Start: 1000, End: 2000}, DPortRange: &Range{Start: 53, End: 53}, IPProto: 17},
		{Family: unix.AF_INET6, Priority: 200, Action: unix.FR_ACT_TO_TBL, Table: 254, Flags: unix.FIB_RULE_INVERT,
			Dst: netip.MustParsePrefix("2001:db8::/32"), SuppressPrefixLen: 0, SuppressIfGroup: -1},
	}
	for i := range rules {
		body := header(t, ruleRequest(unix.RTM_NEWRULE, 0, &rules[i]), unix.RTM_NEWRULE, 0)
		got, ok, err := parseRule(body)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if !got.Equal(&rules[i]) {
			t.Errorf("round trip\n got %s %+v\nwant %s %+v", &got, got, &rules[i], rules[i])
		}
	}
}

func TestDumpRequestsAreStrict(t *testing.T) {
	// Strict checking rejects dump requests with anything but filter
	// fields set; the route dump filters by protocol and table only.
	body := header(t, routeDumpRequest(unix.AF_INET6, unix.RTPROT_STATIC, 1000), unix.RTM_GETROUTE, 0)
	want := append(rtmsg(unix.AF_INET6, 0, 0, 0, 0, unix.RTPROT_STATIC, 0, 0, 0), (&wire{}).attr(unix.RTA_TABLE, u32b(1000)).b...)
	if !bytes.Equal(body, want) {
		t.Fatalf("\n got %x\nwant %x", body, want)
	}
}

var _ = nl.NewRequest

// A bridge's settings go out as the attributes Set names, in that order
// and in each attribute's wire form, and read back as the same settings.
func TestBridgeDataWireForms(t *testing.T) {
	d := &BridgeData{ForwardDelay: 1500, HelloTime: 200, MaxAge: 2000, AgeingTime: 30000, STPState: 1,
		Priority: 0x7000, VlanFiltering: true, VlanProtocol: 0x88a8, VlanDefaultPVID: 3, VlanStatsEnabled: true,
		GroupFwdMask: 8, GroupAddr: MakeHWAddr([]byte{1, 0x80, 0xc2, 0, 0, 3}), MulticastSnooping: true,
		MulticastRouter: 2, MulticastQuerier: true, MulticastQueryUseIfaddr: true, MulticastHashMax: 4096}
	d.Set = []uint16{unix.IFLA_BR_MCAST_HASH_MAX, unix.IFLA_BR_FORWARD_DELAY, unix.IFLA_BR_HELLO_TIME,
		unix.IFLA_BR_MAX_AGE, unix.IFLA_BR_AGEING_TIME, unix.IFLA_BR_STP_STATE, unix.IFLA_BR_PRIORITY,
		unix.IFLA_BR_VLAN_FILTERING, unix.IFLA_BR_VLAN_PROTOCOL, unix.IFLA_BR_VLAN_DEFAULT_PVID,
		unix.IFLA_BR_VLAN_STATS_ENABLED, unix.IFLA_BR_GROUP_FWD_MASK, unix.IFLA_BR_GROUP_ADDR,
		unix.IFLA_BR_MCAST_SNOOPING, unix.IFLA_BR_MCAST_ROUTER, unix.IFLA_BR_MCAST_QUERIER,
		unix.IFLA_BR_MCAST_QUERY_USE_IFADDR}
	inner := (&wire{}).attr(unix.IFLA_BR_MCAST_HASH_MAX, u32b(4096)).
		attr(unix.IFLA_BR_FORWARD_DELAY, u32b(1500)).
		attr(unix.IFLA_BR_HELLO_TIME, u32b(200)).
		attr(unix.IFLA_BR_MAX_AGE, u32b(2000)).
		attr(unix.IFLA_BR_AGEING_TIME, u32b(30000)).
		attr(unix.IFLA_BR_STP_STATE, u32b(1)).
		attr(unix.IFLA_BR_PRIORITY, u16b(0x7000)).
		attr(unix.IFLA_BR_VLAN_FILTERING, []byte{1}).
		attr(unix.IFLA_BR_VLAN_PROTOCOL, []byte{0x88, 0xa8}).
		attr(unix.IFLA_BR_VLAN_DEFAULT_PVID, u16b(3)).
		attr(unix.IFLA_BR_VLAN_STATS_ENABLED, []byte{1}).
		attr(unix.IFLA_BR_GROUP_FWD_MASK, u16b(8)).
		attr(unix.IFLA_BR_GROUP_ADDR, []byte{1, 0x80, 0xc2, 0, 0, 3}).
		attr(unix.IFLA_BR_MCAST_SNOOPING, []byte{1}).
		attr(unix.IFLA_BR_MCAST_ROUTER, []byte{2}).
		attr(unix.IFLA_BR_MCAST_QUERIER, []byte{1}).
		attr(unix.IFLA_BR_MCAST_QUERY_USE_IFADDR, []byte{1})
	want := (&wire{}).nest(unix.IFLA_INFO_DATA, inner)
	b := nl.NewRequest(unix.RTM_NEWLINK, 0, nil)
	d.encode(b)
	if got := header(t, b.Message(), unix.RTM_NEWLINK, 0); !bytes.Equal(got, want.b) {
		t.Errorf("encode:\n got %x\nwant %x", got, want.b)
	}
	back := parseBridge(inner.b).(*BridgeData)
	if !back.equal(d) || back.Set != nil {
		t.Errorf("parseBridge read back %+v, want %+v", back, d)
	}
	// Nothing to set sends no IFLA_INFO_DATA at all (kernel defaults).
	b = nl.NewRequest(unix.RTM_NEWLINK, 0, nil)
	(&BridgeData{STPState: 1}).encode(b)
	if got := header(t, b.Message(), unix.RTM_NEWLINK, 0); len(got) != 0 {
		t.Errorf("empty Set encoded %x", got)
	}
}
