package dhcp6

import (
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/dhcpid"
	"github.com/gonm/gonm/internal/hostid"
	"github.com/gonm/gonm/internal/testbed"
	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/dhcpv6/server6"
)

type env struct {
	ns, peer *testbed.Netns
	index    int
	hw       net.HardwareAddr
}

func newEnv(t *testing.T) *env {
	t.Helper()
	testbed.RequireRoot(t)
	ns := testbed.NewNetns(t)
	peer := testbed.NewNetns(t)
	for _, n := range []*testbed.Netns{ns, peer} {
		// Link-local addresses usable at once (no DAD wait).
		n.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0")
	}
	// The kernel must not configure addresses from RAs by itself (the
	// daemon does, as NetworkManager).
	ns.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_ra=0")
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	peer.MustIP("addr", "add", "2001:db8:1::1/64", "dev", "peer1")
	e := &env{ns: ns, peer: peer}
	if err := ns.Do(func() error {
		ifi, err := net.InterfaceByName("eth1")
		if err != nil {
			return err
		}
		e.index, e.hw = ifi.Index, ifi.HardwareAddr
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Wait for the link-local addresses.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(ns.MustIP("-6", "addr", "show", "dev", "eth1"), "fe80::") ||
		!strings.Contains(peer.MustIP("-6", "addr", "show", "dev", "peer1"), "fe80::") {
		if time.Now().After(deadline) {
			t.Fatal("no link-local address")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return e
}

type events chan Event

func (ev events) wait(t *testing.T, want EventType, timeout time.Duration) Event {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case e := <-ev:
			if e.Type == want {
				return e
			}
			if e.Type == EventFailed {
				t.Fatalf("client failed: %v", e.Err)
			}
		case <-deadline:
			t.Fatalf("no %v event within %v", want, timeout)
		}
	}
}

func (e *env) start(t *testing.T, cfg Config) (*Client, events) {
	t.Helper()
	cfg.IfIndex, cfg.IfName = e.index, "eth1"
	if cfg.DUID == nil {
		cfg.DUID = dhcpid.DUIDLL(dhcpid.ARPHRDEther, e.hw)
	}
	ev := make(events, 32)
	c, err := New(cfg, func(x Event) { ev <- x })
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ns.Do(c.Start); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop(false) })
	return c, ev
}

func TestDnsmasqStateful(t *testing.T) {
	e := newEnv(t)
	testbed.StartDnsmasq(t, e.peer, "peer1",
		"--dhcp-range=2001:db8:1::100,2001:db8:1::1ff,64,2m",
		"--dhcp-option=option6:dns-server,[2001:db8:1::53]",
		"--dhcp-option=option6:domain-search,example.test")
	mid, _ := hostid.ParseMachineID("3d1219c7c4c5404aaa1f6d2a48adfda4")
	duid := dhcpid.DUIDFromMachineID(mid)
	iaid := dhcpid.IAIDFromIfName("eth1")
	_, ev := e.start(t, Config{DUID: duid, IAID: iaid})
	x := ev.wait(t, EventBound, 15*time.Second)
	l := x.Lease
	if len(l.Addresses) != 1 || !netip.MustParsePrefix("2001:db8:1::/64").Contains(l.Addresses[0].Addr) {
		t.Fatalf("addresses %+v", l.Addresses)
	}
	if l.Addresses[0].Valid != 2*time.Minute {
		t.Errorf("valid lifetime %v", l.Addresses[0].Valid)
	}
	want := map[string]string{
		"ip6_address":         l.Addresses[0].Addr.String(),
		"dhcp6_name_servers":  "2001:db8:1::53",
		"dhcp6_domain_search": "example.test",
		"iaid":                dhcpid.IAIDHex(iaid),
	}
	for k, v := range want {
		if l.Options[k] != v {
			t.Errorf("option %s = %q, want %q", k, l.Options[k], v)
		}
	}
	if l.T1 == 0 || l.T2 <= l.T1 {
		t.Errorf("T1 %v T2 %v", l.T1, l.T2)
	}
}

func TestDnsmasqInformationRequest(t *testing.T) {
	e := newEnv(t)
	testbed.StartDnsmasq(t, e.peer, "peer1",
		"--dhcp-range=2001:db8:1::,ra-stateless",
		"--dhcp-option=option6:dns-server,[2001:db8:1::53]",
		"--dhcp-option=option6:domain-search,example.test")
	_, ev := e.start(t, Config{InfoOnly: true, IAID: 1})
	x := ev.wait(t, EventBound, 15*time.Second)
	if len(x.Lease.Addresses) != 0 || x.Lease.Options["dhcp6_name_servers"] != "2001:db8:1::53" || x.Lease.Options["dhcp6_domain_search"] != "example.test" {
		t.Errorf("information: %+v", x.Lease)
	}
	if _, ok := x.Lease.Options["ip6_address"]; ok {
		t.Errorf("information-only lease has an address option")
	}
}

// pdServer delegates 2001:db8:ff00::/56 with short lifetimes and gives an
// address, to test prefix delegation and renewal.
type pdServer struct {
	mu   sync.Mutex
	seen []dhcpv6.MessageType
}

func (p *pdServer) handle(conn net.PacketConn, peer net.Addr, d dhcpv6.DHCPv6) {
	m, err := d.GetInnerMessage()
	if err != nil {
		return
	}
	p.mu.Lock()
	p.seen = append(p.seen, m.MessageType)
	p.mu.Unlock()
	var reply *dhcpv6.Message
	sid := &dhcpv6.DUIDLL{HWType: 1, LinkLayerAddr: net.HardwareAddr{2, 0, 0, 0, 0, 0x53}}
	mods := []dhcpv6.Modifier{dhcpv6.WithServerID(sid)}
	switch m.MessageType {
	case dhcpv6.MessageTypeSolicit:
		reply, err = dhcpv6.NewAdvertiseFromSolicit(m, mods...)
	case dhcpv6.MessageTypeRequest, dhcpv6.MessageTypeRenew, dhcpv6.MessageTypeRebind:
		reply, err = dhcpv6.NewReplyFromMessage(m, mods...)
	default:
		return
	}
	if err != nil {
		return
	}
	var iaid [4]byte
	if na := m.Options.OneIANA(); na != nil {
		iaid = na.IaId
		ia := &dhcpv6.OptIANA{IaId: iaid, T1: 2 * time.Second, T2: 3 * time.Second}
		ia.Options.Add(&dhcpv6.OptIAAddress{IPv6Addr: net.ParseIP("2001:db8:1::77"), PreferredLifetime: 5 * time.Second, ValidLifetime: 6 * time.Second})
		reply.AddOption(ia)
	}
	if pd := m.Options.OneIAPD(); pd != nil {
		ia := &dhcpv6.OptIAPD{IaId: pd.IaId, T1: 2 * time.Second, T2: 3 * time.Second}
		_, n, _ := net.ParseCIDR("2001:db8:ff00::/56")
		ia.Options.Add(&dhcpv6.OptIAPrefix{Prefix: n, PreferredLifetime: 5 * time.Second, ValidLifetime: 6 * time.Second})
		reply.AddOption(ia)
	}
	_, _ = conn.WriteTo(reply.ToBytes(), peer)
}

func TestPrefixDelegationAndRenew(t *testing.T) {
	e := newEnv(t)
	p := &pdServer{}
	var srv *server6.Server
	if err := e.peer.Do(func() error {
		var err error
		srv, err = server6.NewServer("peer1", &net.UDPAddr{IP: net.ParseIP("ff02::1:2"), Port: 547}, p.handle)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	t.Cleanup(func() { srv.Close() })
	c, ev := e.start(t, Config{IAID: 7, PrefixDelegation: true, SendRelease: true})
	x := ev.wait(t, EventBound, 15*time.Second)
	if len(x.Lease.Prefixes) != 1 || x.Lease.Prefixes[0].Prefix != netip.MustParsePrefix("2001:db8:ff00::/56") {
		t.Errorf("prefixes %+v", x.Lease.Prefixes)
	}
	if len(x.Lease.Addresses) != 1 || x.Lease.Options["ip6_address"] != "2001:db8:1::77" {
		t.Errorf("addresses %+v", x.Lease.Addresses)
	}
	// T1 is 2 s: a Renew extends the lease.
	ev.wait(t, EventExtended, 6*time.Second)
	c.Stop(true)
	time.Sleep(200 * time.Millisecond)
	p.mu.Lock()
	defer p.mu.Unlock()
	want := []dhcpv6.MessageType{dhcpv6.MessageTypeSolicit, dhcpv6.MessageTypeRequest, dhcpv6.MessageTypeRenew}
	for i, w := range want {
		if i >= len(p.seen) || p.seen[i] != w {
			t.Fatalf("server saw %v, want it to start with %v", p.seen, want)
		}
	}
}
