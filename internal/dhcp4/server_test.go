package dhcp4

import (
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
)

// fakeServer is an in-process DHCP server for behaviours dnsmasq will not
// show: leases of seconds, NAKs, silence.
type fakeServer struct {
	mu        sync.Mutex
	leaseTime uint32
	offer     net.IP
	naks      int  // NAK this many REQUESTs
	silent    bool // drop everything
	extra     []dhcpv4.Option
	seen      []*dhcpv4.DHCPv4
	srv       *server4.Server
}

func (f *fakeServer) handle(conn net.PacketConn, peer net.Addr, m *dhcpv4.DHCPv4) {
	f.mu.Lock()
	f.seen = append(f.seen, m)
	if f.silent {
		f.mu.Unlock()
		return
	}
	var reply *dhcpv4.DHCPv4
	mods := []dhcpv4.Modifier{
		dhcpv4.WithServerIP(net.IPv4(192, 0, 2, 1)),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 0, 2, 1))),
	}
	switch m.MessageType() {
	case dhcpv4.MessageTypeDiscover:
		mods = append(mods, dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer), dhcpv4.WithYourIP(f.offer))
	case dhcpv4.MessageTypeRequest:
		if f.naks > 0 {
			f.naks--
			mods = append(mods, dhcpv4.WithMessageType(dhcpv4.MessageTypeNak))
			break
		}
		ip := m.RequestedIPAddress()
		if ip == nil || ip.IsUnspecified() {
			ip = m.ClientIPAddr
		}
		mods = append(mods, dhcpv4.WithMessageType(dhcpv4.MessageTypeAck), dhcpv4.WithYourIP(ip))
	default:
		f.mu.Unlock()
		return
	}
	if m.MessageType() != dhcpv4.MessageTypeRequest || f.naks >= 0 {
		mods = append(mods,
			dhcpv4.WithOption(dhcpv4.OptIPAddressLeaseTime(time.Duration(f.leaseTime)*time.Second)),
			dhcpv4.WithNetmask(net.CIDRMask(24, 32)))
		for _, o := range f.extra {
			mods = append(mods, dhcpv4.WithOption(o))
		}
	}
	f.mu.Unlock()
	reply, err := dhcpv4.NewReplyFromRequest(m, mods...)
	if err != nil {
		return
	}
	if reply.MessageType() == dhcpv4.MessageTypeNak {
		reply.YourIPAddr = net.IPv4zero
		reply.Options = dhcpv4.Options{}
		reply.UpdateOption(dhcpv4.OptMessageType(dhcpv4.MessageTypeNak))
		reply.UpdateOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 0, 2, 1)))
	}
	_, _ = conn.WriteTo(reply.ToBytes(), peer)
}

func (f *fakeServer) set(fn func(f *fakeServer)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeServer) messages() []*dhcpv4.DHCPv4 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*dhcpv4.DHCPv4(nil), f.seen...)
}

func startFakeServer(t *testing.T, l *link, f *fakeServer) {
	t.Helper()
	if f.offer == nil {
		f.offer = net.IPv4(192, 0, 2, 100)
	}
	if err := l.peerNS.Do(func() error {
		s, err := server4.NewServer(l.peerDev, nil, f.handle)
		f.srv = s
		return err
	}); err != nil {
		t.Fatal(err)
	}
	go f.srv.Serve()
	t.Cleanup(func() { f.srv.Close() })
}

func TestShortLeaseRenewRebindExpire(t *testing.T) {
	l := newLink(t)
	f := &fakeServer{leaseTime: 4}
	startFakeServer(t, l, f)
	c, ev := startClient(t, l, Config{})
	e := ev.wait(t, EventBound, 10*time.Second)
	if e.Lease.Address != netip.MustParsePrefix("192.0.2.100/24") || e.Lease.T1 != 2*time.Second || e.Lease.T2 != 3500*time.Millisecond {
		t.Fatalf("lease %v T1 %v T2 %v", e.Lease.Address, e.Lease.T1, e.Lease.T2)
	}
	l.ns.MustIP("addr", "add", "192.0.2.100/24", "dev", "eth1")
	// At T1 (2 s) the client renews by unicast with ciaddr set.
	e = ev.wait(t, EventExtended, 5*time.Second)
	if e.Lease.Address.Addr() != netip.MustParseAddr("192.0.2.100") {
		t.Errorf("extended lease %v", e.Lease.Address)
	}
	msgs := f.messages()
	last := msgs[len(msgs)-1]
	if last.MessageType() != dhcpv4.MessageTypeRequest || !last.ClientIPAddr.Equal(net.IPv4(192, 0, 2, 100)) || last.RequestedIPAddress() != nil || last.ServerIdentifier() != nil {
		t.Errorf("renewal request: %s", last.Summary())
	}
	// The server goes away: RENEWING at T1, REBINDING at T2, expiry.
	f.set(func(f *fakeServer) { f.silent = true })
	start := time.Now()
	time.Sleep(3700 * time.Millisecond)
	if s := c.State(); s != StateRebinding {
		t.Errorf("state %v after T2, want rebinding", s)
	}
	ev.wait(t, EventExpired, 3*time.Second)
	if d := time.Since(start); d < 3*time.Second {
		t.Errorf("expired after %v, before the lease time", d)
	}
	if s := c.State(); s != StateSelecting && s != StateInit {
		t.Errorf("state %v after expiry, want a new discovery", s)
	}
}

func TestNAKRestart(t *testing.T) {
	l := newLink(t)
	f := &fakeServer{leaseTime: 60, naks: 1}
	startFakeServer(t, l, f)
	_, ev := startClient(t, l, Config{})
	ev.wait(t, EventRetracted, 10*time.Second)
	e := ev.wait(t, EventBound, 10*time.Second)
	if e.Lease.Address.Addr() != netip.MustParseAddr("192.0.2.100") {
		t.Errorf("lease after NAK: %v", e.Lease.Address)
	}
	var discovers int
	for _, m := range f.messages() {
		if m.MessageType() == dhcpv4.MessageTypeDiscover {
			discovers++
		}
	}
	if discovers != 2 {
		t.Errorf("%d DISCOVERs, want 2 (one before, one after the NAK)", discovers)
	}
}

func TestInitRebootFromLeaseFile(t *testing.T) {
	l := newLink(t)
	f := &fakeServer{leaseTime: 60}
	startFakeServer(t, l, f)
	path := t.TempDir() + "/internal-x-eth1.lease"
	if err := WriteLeaseFile(path, netip.MustParseAddr("192.0.2.77")); err != nil {
		t.Fatal(err)
	}
	_, ev := startClient(t, l, Config{LeaseFile: path})
	e := ev.wait(t, EventBound, 10*time.Second)
	if e.Lease.Address.Addr() != netip.MustParseAddr("192.0.2.77") {
		t.Errorf("INIT-REBOOT lease %v", e.Lease.Address)
	}
	first := f.messages()[0]
	if first.MessageType() != dhcpv4.MessageTypeRequest || !first.RequestedIPAddress().Equal(net.IPv4(192, 0, 2, 77)) || first.ServerIdentifier() != nil || !first.ClientIPAddr.IsUnspecified() {
		t.Errorf("first message is not an INIT-REBOOT request: %s", first.Summary())
	}
}

func TestInitRebootFallsBackToDiscover(t *testing.T) {
	l := newLink(t)
	f := &fakeServer{leaseTime: 60}
	startFakeServer(t, l, f)
	// The server ignores the reboot request (it does not know the
	// address); after 2 s the client discovers.
	f.set(func(f *fakeServer) { f.silent = true })
	_, ev := startClient(t, l, Config{LastAddress: netip.MustParseAddr("192.0.2.88")})
	time.Sleep(500 * time.Millisecond)
	f.set(func(f *fakeServer) { f.silent = false })
	e := ev.wait(t, EventBound, 10*time.Second)
	if e.Lease.Address.Addr() != netip.MustParseAddr("192.0.2.100") {
		t.Errorf("lease %v", e.Lease.Address)
	}
	msgs := f.messages()
	if msgs[0].MessageType() != dhcpv4.MessageTypeRequest {
		t.Errorf("first message %v", msgs[0].MessageType())
	}
	// The DISCOVER still suggests the remembered address.
	for _, m := range msgs {
		if m.MessageType() == dhcpv4.MessageTypeDiscover && !m.RequestedIPAddress().Equal(net.IPv4(192, 0, 2, 88)) {
			t.Errorf("DISCOVER without the remembered address: %s", m.Summary())
		}
	}
}

func TestClasslessRoutesPrecedence(t *testing.T) {
	l := newLink(t)
	f := &fakeServer{leaseTime: 60, extra: []dhcpv4.Option{
		dhcpv4.OptGeneric(dhcpv4.OptionClasslessStaticRoute, []byte{
			0, 192, 0, 2, 254, // default via 192.0.2.254
			8, 10, 192, 0, 2, 1, // 10.0.0.0/8 via 192.0.2.1
		}),
		dhcpv4.OptRouter(net.IPv4(192, 0, 2, 1)),
		dhcpv4.OptGeneric(dhcpv4.OptionStaticRoutingTable, []byte{172, 16, 0, 0, 192, 0, 2, 9}),
	}}
	startFakeServer(t, l, f)
	_, ev := startClient(t, l, Config{})
	e := ev.wait(t, EventBound, 10*time.Second)
	o := e.Lease.Options
	if o["rfc3442_classless_static_routes"] != "0.0.0.0/0 192.0.2.254 10.0.0.0/8 192.0.2.1" || o["routers"] != "192.0.2.1" || o["static_routes"] != "172.16.0.0/16 192.0.2.9" {
		t.Errorf("route options %q %q %q", o["rfc3442_classless_static_routes"], o["routers"], o["static_routes"])
	}
	want := []Route{
		{Dest: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr("192.0.2.254"), PrefSrc: netip.MustParseAddr("192.0.2.100")},
		{Dest: netip.MustParsePrefix("10.0.0.0/8"), Gateway: netip.MustParseAddr("192.0.2.1"), PrefSrc: netip.MustParseAddr("192.0.2.100")},
	}
	if len(e.Lease.Routes) != len(want) {
		t.Fatalf("routes %+v", e.Lease.Routes)
	}
	for i := range want {
		if e.Lease.Routes[i] != want[i] {
			t.Errorf("route %d = %+v, want %+v", i, e.Lease.Routes[i], want[i])
		}
	}
}

func TestDeclineOnConflict(t *testing.T) {
	l := newLink(t)
	// Another host (the peer) already uses the address the server offers.
	l.peerNS.MustIP("addr", "add", "192.0.2.100/24", "dev", "peer1")
	f := &fakeServer{leaseTime: 60}
	startFakeServer(t, l, f)
	_, ev := startClient(t, l, Config{ACDTimeout: 300 * time.Millisecond})
	e := ev.wait(t, EventDeclined, 10*time.Second)
	if len(e.Conflict) != 6 {
		t.Errorf("conflict without the other host's MAC: %v", e.Conflict)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		var declined bool
		for _, m := range f.messages() {
			if m.MessageType() == dhcpv4.MessageTypeDecline && m.RequestedIPAddress().Equal(net.IPv4(192, 0, 2, 100)) {
				declined = true
			}
		}
		if declined {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not get a DECLINE for 192.0.2.100")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestACDNoConflictBinds(t *testing.T) {
	l := newLink(t)
	f := &fakeServer{leaseTime: 60}
	startFakeServer(t, l, f)
	start := time.Now()
	_, ev := startClient(t, l, Config{ACDTimeout: 900 * time.Millisecond})
	ev.wait(t, EventBound, 10*time.Second)
	// A probe lasts at least two probe intervals and the final wait: 4/9
	// of the timeout.
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("bound after %v: the address was not probed", d)
	}
}
