package autoaddr

import (
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"

	"github.com/gonm/gonm/internal/dhcp4"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/testbed"
)

const ipv6Off = "method=disabled"

// dnsmasqArgs serve 192.0.2.10-20 with a router, DNS and classless routes
// (option 121: a default route and 10.9.0.0/16 through another gateway).
var dnsmasqArgs = []string{
	"--dhcp-range=192.0.2.10,192.0.2.20,255.255.255.0,2m",
	"--dhcp-option=option:router,192.0.2.1",
	"--dhcp-option=option:dns-server,192.0.2.53",
	"--dhcp-option=option:domain-name,example.test",
	"--dhcp-option=121,10.9.0.0/16,192.0.2.254,0.0.0.0/0,192.0.2.1",
}

func TestDHCP4DnsmasqClasslessRoutesAndStop(t *testing.T) {
	e := newEnv(t)
	testbed.StartDnsmasq(t, e.peer, "peer1", dnsmasqArgs...)
	d := e.start()
	r := d.run(profile(t, "method=auto", ipv6Off), false, nil)
	d.waitState(r, l3cfg.IPv4, StateReady, 20*time.Second)
	var lease *dhcp4.Lease
	d.do(func() { lease = r.Lease4() })
	addr := lease.Address.Addr().String()
	if !netip.MustParsePrefix("192.0.2.0/24").Contains(lease.Address.Addr()) || lease.Address.Bits() != 24 {
		t.Fatalf("lease %v", lease.Address)
	}
	if lease.Options["rfc3442_classless_static_routes"] != "10.9.0.0/16 192.0.2.254 0.0.0.0/0 192.0.2.1" || lease.Options["ip_address"] != addr {
		t.Errorf("options %v", lease.Options)
	}
	e.waitKernel("192.0.2.0/24 dev eth1 proto kernel", true, 10*time.Second, "-4", "route")
	routes := e.waitKernel("10.9.0.0/16", true, 10*time.Second, "-4", "route")
	// Classless routes replace the router option (RFC 3442), with the
	// device's metric (100, ethernet) and the leased address as source.
	for _, want := range []string{
		"default via 192.0.2.1 dev eth1 proto dhcp src " + addr + " metric 100",
		"10.9.0.0/16 via 192.0.2.254 dev eth1 proto dhcp src " + addr + " metric 100",
		"192.0.2.0/24 dev eth1 proto kernel scope link src " + addr + " metric 100",
	} {
		if !strings.Contains(routes, want) {
			t.Errorf("missing route %q in:\n%s", want, routes)
		}
	}
	if n := strings.Count(routes, "default"); n != 1 {
		t.Errorf("%d default routes:\n%s", n, routes)
	}
	addrs := e.ns.MustIP("-4", "addr", "show", "dev", "eth1")
	if !strings.Contains(addrs, "inet "+addr+"/24") || !strings.Contains(addrs, "dynamic noprefixroute") {
		t.Errorf("address:\n%s", addrs)
	}
	d.do(func() {
		cfg := d.l3.Config(true)
		if len(cfg.IPv4.Nameservers) != 1 || cfg.IPv4.Nameservers[0] != "192.0.2.53" {
			t.Errorf("nameservers %v", cfg.IPv4.Nameservers)
		}
	})
	// The lease file is NetworkManager's internal client's.
	b, err := os.ReadFile(LeaseFile(e.inputs(), testUUID))
	if err != nil || !strings.Contains(string(b), "ADDRESS="+addr) {
		t.Errorf("lease file: %q %v", b, err)
	}

	// Stopping removes exactly what the lease added.
	// (The kernel drops every route of a link with its last IPv4
	// address: the foreign route needs a foreign address.)
	e.ns.MustIP("addr", "add", "198.51.100.9/24", "dev", "eth1")
	e.ns.MustIP("route", "add", "10.77.0.0/16", "via", "198.51.100.5", "dev", "eth1")
	d.do(func() { r.Stop(false, false) })
	e.waitKernel(addr, false, 5*time.Second, "-4", "addr", "show", "dev", "eth1")
	routes = e.waitKernel("proto dhcp", false, 5*time.Second, "-4", "route")
	if !strings.Contains(routes, "10.77.0.0/16") {
		t.Errorf("foreign route removed:\n%s", routes)
	}
}

func TestDHCP4NeverDefaultIgnoreAutoDNSAndMetric(t *testing.T) {
	e := newEnv(t)
	testbed.StartDnsmasq(t, e.peer, "peer1", dnsmasqArgs...)
	d := e.start()
	r := d.run(profile(t, "method=auto\nnever-default=true\nignore-auto-dns=true\nroute-metric=321", ipv6Off), false, nil)
	d.waitState(r, l3cfg.IPv4, StateReady, 20*time.Second)
	routes := e.waitKernel("10.9.0.0/16", true, 10*time.Second, "-4", "route")
	if strings.Contains(routes, "default") || !strings.Contains(routes, "metric 321") {
		t.Errorf("routes:\n%s", routes)
	}
	d.do(func() {
		if cfg := d.l3.Config(true); len(cfg.IPv4.Nameservers) != 0 {
			t.Errorf("nameservers %v with ignore-auto-dns", cfg.IPv4.Nameservers)
		}
	})
}

// fakeServer4 is a DHCPv4 server for what dnsmasq will not do: leases of
// seconds, NAKs, silence.
type fakeServer4 struct {
	mu     sync.Mutex
	lease  time.Duration
	offer  net.IP
	router net.IP // 192.0.2.1 when nil
	naks   int
	silent bool
	seen   []dhcpv4.MessageType
	srv    *server4.Server
}

func (f *fakeServer4) handle(conn net.PacketConn, peer net.Addr, m *dhcpv4.DHCPv4) {
	f.mu.Lock()
	f.seen = append(f.seen, m.MessageType())
	if m.MessageType() == dhcpv4.MessageTypeDecline {
		// The declined address is in use: offer the next one.
		f.offer = net.IPv4(192, 0, 2, f.offer.To4()[3]+1)
	}
	silent, nak := f.silent, false
	if m.MessageType() == dhcpv4.MessageTypeRequest && f.naks > 0 {
		f.naks--
		nak = true
	}
	lease, offer, router := f.lease, f.offer, f.router
	f.mu.Unlock()
	if silent {
		return
	}
	srvID := net.IPv4(192, 0, 2, 1)
	if router == nil {
		router = srvID
	}
	var reply *dhcpv4.DHCPv4
	var err error
	switch {
	case nak:
		reply, err = dhcpv4.NewReplyFromRequest(m)
		if err == nil {
			reply.YourIPAddr = net.IPv4zero
			reply.Options = dhcpv4.Options{}
			reply.UpdateOption(dhcpv4.OptMessageType(dhcpv4.MessageTypeNak))
			reply.UpdateOption(dhcpv4.OptServerIdentifier(srvID))
		}
	case m.MessageType() == dhcpv4.MessageTypeDiscover || m.MessageType() == dhcpv4.MessageTypeRequest:
		typ, ip := dhcpv4.MessageTypeOffer, offer
		if m.MessageType() == dhcpv4.MessageTypeRequest {
			typ = dhcpv4.MessageTypeAck
			if rip := m.RequestedIPAddress(); rip != nil && !rip.IsUnspecified() {
				ip = rip
			} else if !m.ClientIPAddr.IsUnspecified() {
				ip = m.ClientIPAddr
			}
		}
		reply, err = dhcpv4.NewReplyFromRequest(m, dhcpv4.WithMessageType(typ), dhcpv4.WithYourIP(ip),
			dhcpv4.WithServerIP(srvID), dhcpv4.WithOption(dhcpv4.OptServerIdentifier(srvID)),
			dhcpv4.WithOption(dhcpv4.OptIPAddressLeaseTime(lease)), dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
			dhcpv4.WithOption(dhcpv4.OptRouter(router)))
	default:
		return
	}
	if err == nil {
		_, _ = conn.WriteTo(reply.ToBytes(), peer)
	}
}

func (f *fakeServer4) set(fn func(*fakeServer4)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeServer4) count(t dhcpv4.MessageType) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, s := range f.seen {
		if s == t {
			n++
		}
	}
	return n
}

func startFakeServer4(t *testing.T, e *env, f *fakeServer4) {
	t.Helper()
	if f.offer == nil {
		f.offer = net.IPv4(192, 0, 2, 100)
	}
	if err := e.peer.Do(func() error {
		s, err := server4.NewServer("peer1", nil, f.handle)
		f.srv = s
		return err
	}); err != nil {
		t.Fatal(err)
	}
	go f.srv.Serve()
	t.Cleanup(func() { f.srv.Close() })
}

func hasOp(ops []l3cfg.Op, kinds ...l3cfg.OpKind) bool {
	for _, o := range ops {
		for _, k := range kinds {
			if o.Kind == k {
				return true
			}
		}
	}
	return false
}

// A renewal that changes nothing touches nothing but the address's
// lifetime; a server gone until expiry removes exactly the lease's
// objects, and the family fails after the DHCP timeout's grace period.
func TestDHCP4ShortLeaseRenewalThenExpiry(t *testing.T) {
	t.Parallel() // mostly waiting on timers
	e := newEnv(t)
	f := &fakeServer4{lease: 4 * time.Second}
	startFakeServer4(t, e, f)
	d := e.start()
	r := d.run(profile(t, "method=auto\ndhcp-timeout=3", ipv6Off), false, nil)
	d.waitState(r, l3cfg.IPv4, StateReady, 15*time.Second)
	e.waitKernel("default via 192.0.2.1", true, 5*time.Second, "-4", "route")
	var first time.Time
	d.do(func() { first = r.Lease4().Acquired })
	_, mark := d.opsSince(0)
	d.wait("renewal", 6*time.Second, func() bool { return r.Lease4() != nil && r.Lease4().Acquired.After(first) })
	d.wait("commit", 2*time.Second, func() bool { return !d.l3.CommitScheduled() })
	ops, _ := d.opsSince(mark)
	for _, o := range ops {
		if o.Kind != l3cfg.OpAddrUpdate {
			t.Errorf("renewal changed the kernel: %v", o)
		}
	}
	if s, _ := r.State(l3cfg.IPv4); s != StateReady {
		t.Errorf("state %v after renewal", s)
	}

	f.set(func(f *fakeServer4) { f.silent = true })
	d.waitState(r, l3cfg.IPv4, StatePending, 8*time.Second)
	e.waitKernel("192.0.2.100", false, 5*time.Second, "-4", "addr", "show", "dev", "eth1")
	e.waitKernel("proto dhcp", false, 5*time.Second, "-4", "route")
	d.waitState(r, l3cfg.IPv4, StateFailed, 6*time.Second)
	if _, err := r.State(l3cfg.IPv4); err == nil {
		t.Error("failed without a reason")
	}
}

// A NAK on renewal retracts the lease; the client starts over and the
// address comes back.
func TestDHCP4NAKThenNewLease(t *testing.T) {
	t.Parallel() // mostly waiting on timers
	e := newEnv(t)
	f := &fakeServer4{lease: 4 * time.Second}
	startFakeServer4(t, e, f)
	d := e.start()
	r := d.run(profile(t, "method=auto", ipv6Off), false, nil)
	d.waitState(r, l3cfg.IPv4, StateReady, 15*time.Second)
	f.set(func(f *fakeServer4) { f.naks, f.offer = 1, net.IPv4(192, 0, 2, 101) })
	e.waitKernel("192.0.2.101/24", true, 15*time.Second, "-4", "addr", "show", "dev", "eth1")
	out := e.waitKernel("192.0.2.100/", false, 5*time.Second, "-4", "addr", "show", "dev", "eth1")
	if f.count(dhcpv4.MessageTypeDiscover) < 2 {
		t.Errorf("no new discovery after the NAK")
	}
	d.waitState(r, l3cfg.IPv4, StateReady, 5*time.Second)
	_ = out
}

// No server at all: the family fails at dhcp-timeout.
func TestDHCP4Timeout(t *testing.T) {
	t.Parallel() // mostly waiting on timers
	e := newEnv(t)
	d := e.start()
	r := d.run(profile(t, "method=auto\ndhcp-timeout=2", ipv6Off), false, nil)
	d.waitState(r, l3cfg.IPv4, StatePending, time.Second)
	d.waitState(r, l3cfg.IPv4, StateFailed, 6*time.Second)
}

// After a daemon restart the previous lease stays in place while
// INIT-REBOOT confirms it: no address or route is removed or re-added.
func TestDHCP4RestartInitRebootNoFlap(t *testing.T) {
	e := newEnv(t)
	srv := testbed.StartDnsmasq(t, e.peer, "peer1", dnsmasqArgs...)
	conn := profile(t, "method=auto", ipv6Off)
	d := e.start()
	r := d.run(conn, false, nil)
	d.waitState(r, l3cfg.IPv4, StateReady, 20*time.Second)
	var addr string
	d.do(func() { addr = r.Lease4().Address.Addr().String() })
	e.waitKernel("10.9.0.0/16", true, 10*time.Second, "-4", "route")
	var snap l3cfg.State
	d.do(func() {
		r.Stop(false, true)
		snap = d.l3.Snapshot()
	})
	d.stop()
	before := e.ns.MustIP("-4", "route")
	discovers := strings.Count(srv.Output(), "DHCPDISCOVER")

	d2 := e.start()
	d2.do(func() { d2.l3.Restore(snap) })
	r2 := d2.run(conn, true, nil)
	d2.wait("confirmed lease", 20*time.Second, func() bool { return r2.Lease4() != nil })
	d2.wait("commit", 2*time.Second, func() bool { return !d2.l3.CommitScheduled() })
	var got string
	d2.do(func() { got = r2.Lease4().Address.Addr().String() })
	if got != addr {
		t.Errorf("address %s after restart, was %s", got, addr)
	}
	ops, _ := d2.opsSince(0)
	if hasOp(ops, l3cfg.OpAddrDelete, l3cfg.OpAddrAdd, l3cfg.OpRouteDelete, l3cfg.OpRouteAdd) {
		t.Errorf("restart changed the kernel: %v", ops)
	}
	if after := e.ns.MustIP("-4", "route"); after != before {
		t.Errorf("routes changed:\n%s\nthen\n%s", before, after)
	}
	if n := strings.Count(srv.Output(), "DHCPDISCOVER"); n != discovers {
		t.Errorf("the restarted client discovered instead of INIT-REBOOT:\n%s", srv.Output())
	}
}

func TestIPv4LinkLocal(t *testing.T) {
	t.Parallel() // mostly waiting on timers
	e := newEnv(t)
	d := e.start()
	r := d.run(profile(t, "method=link-local\ndad-timeout=200", ipv6Off), false, nil)
	d.waitState(r, l3cfg.IPv4, StateReady, 10*time.Second)
	a, ok := "", false
	d.do(func() { a, ok = r.LinkLocal4() })
	if !ok || !strings.HasPrefix(a, "169.254.") {
		t.Fatalf("link-local address %q", a)
	}
	e.waitKernel("inet "+a+"/16", true, 5*time.Second, "-4", "addr", "show", "dev", "eth1")
	e.waitKernel("169.254.0.0/16 dev eth1 proto kernel scope link src "+a+" metric 100", true, 5*time.Second, "-4", "route")
}

// An offered address another host holds fails ACD (ipv4.dad-timeout): the
// client declines it and takes the next offer; the conflicting address
// never reaches the interface.
func TestDHCP4DeclineOnConflict(t *testing.T) {
	t.Parallel() // mostly waiting on timers
	e := newEnv(t)
	e.peer.MustIP("addr", "add", "192.0.2.100/24", "dev", "peer1")
	f := &fakeServer4{lease: 60 * time.Second}
	startFakeServer4(t, e, f)
	d := e.start()
	r := d.run(profile(t, "method=auto\ndad-timeout=300", ipv6Off), false, nil)
	d.waitState(r, l3cfg.IPv4, StateReady, 20*time.Second)
	var got netip.Addr
	d.do(func() { got = r.Lease4().Address.Addr() })
	if got != netip.MustParseAddr("192.0.2.101") || f.count(dhcpv4.MessageTypeDecline) != 1 {
		t.Errorf("lease %v after %d declines", got, f.count(dhcpv4.MessageTypeDecline))
	}
	ops, _ := d.opsSince(0)
	for _, o := range ops {
		if strings.Contains(o.String(), "192.0.2.100/") {
			t.Errorf("the conflicting address was configured: %v", o)
		}
	}
}

// ipv4.link-local=enabled runs IPv4LL beside DHCPv4: both addresses.
func TestDHCP4WithLinkLocalEnabled(t *testing.T) {
	t.Parallel() // mostly waiting on the link-local probe
	e := newEnv(t)
	testbed.StartDnsmasq(t, e.peer, "peer1", dnsmasqArgs...)
	d := e.start()
	r := d.run(profile(t, "method=auto\nlink-local=3\ndad-timeout=200", ipv6Off), false, nil)
	d.wait("both parts ready", 20*time.Second, func() bool {
		_, ll := r.LinkLocal4()
		s, _ := r.State(l3cfg.IPv4)
		return ll && r.Lease4() != nil && s == StateReady
	})
	var ll string
	var lease netip.Addr
	d.do(func() { ll, _ = r.LinkLocal4(); lease = r.Lease4().Address.Addr() })
	out := e.waitKernel("inet "+ll+"/16", true, 5*time.Second, "-4", "addr", "show", "dev", "eth1")
	if !strings.Contains(out, "inet "+lease.String()+"/24") {
		t.Errorf("addresses:\n%s", out)
	}
}

// A renewal that changes the router changes the default route and only
// that (and the address's lifetime).
func TestDHCP4RenewalWithNewRouter(t *testing.T) {
	t.Parallel() // mostly waiting for the renewal
	e := newEnv(t)
	f := &fakeServer4{lease: 4 * time.Second}
	startFakeServer4(t, e, f)
	d := e.start()
	r := d.run(profile(t, "method=auto", ipv6Off), false, nil)
	d.waitState(r, l3cfg.IPv4, StateReady, 15*time.Second)
	e.waitKernel("default via 192.0.2.1 ", true, 5*time.Second, "-4", "route")
	_, mark := d.opsSince(0)
	f.set(func(f *fakeServer4) { f.router = net.IPv4(192, 0, 2, 254) })
	e.waitKernel("default via 192.0.2.254 ", true, 8*time.Second, "-4", "route")
	routes := e.waitKernel("default via 192.0.2.1 ", false, 2*time.Second, "-4", "route")
	if !strings.Contains(routes, "192.0.2.0/24 dev eth1 proto kernel scope link src 192.0.2.100 metric 100") {
		t.Errorf("routes:\n%s", routes)
	}
	ops, _ := d.opsSince(mark)
	for _, o := range ops {
		switch o.Kind {
		case l3cfg.OpAddrUpdate:
		case l3cfg.OpRouteAdd, l3cfg.OpRouteDelete:
			if !strings.Contains(o.String(), "0.0.0.0/0") {
				t.Errorf("renewal touched another route: %v", o)
			}
		default:
			t.Errorf("renewal made %v", o)
		}
	}
}

// ipv4.dhcp-reject-servers: offers of a rejected server are ignored.
func TestDHCP4RejectServers(t *testing.T) {
	t.Parallel() // waits for the DHCP timeout
	e := newEnv(t)
	f := &fakeServer4{lease: 60 * time.Second}
	startFakeServer4(t, e, f)
	d := e.start()
	r := d.run(profile(t, "method=auto\ndhcp-timeout=3\ndhcp-reject-servers=192.0.2.0/24", ipv6Off), false, nil)
	d.waitState(r, l3cfg.IPv4, StateFailed, 8*time.Second)
	if f.count(dhcpv4.MessageTypeDiscover) == 0 || f.count(dhcpv4.MessageTypeRequest) != 0 {
		t.Errorf("discovers %d requests %d", f.count(dhcpv4.MessageTypeDiscover), f.count(dhcpv4.MessageTypeRequest))
	}
}

// After a restart the server refuses the remembered address (NAK to
// INIT-REBOOT): the held lease goes, exactly, and the new one comes.
func TestDHCP4RestartNAKReplacesHeldLease(t *testing.T) {
	t.Parallel() // waits for the lease
	e := newEnv(t)
	f := &fakeServer4{lease: 60 * time.Second}
	startFakeServer4(t, e, f)
	conn := profile(t, "method=auto", ipv6Off)
	d := e.start()
	r := d.run(conn, false, nil)
	d.waitState(r, l3cfg.IPv4, StateReady, 15*time.Second)
	e.waitKernel("inet 192.0.2.100/24", true, 5*time.Second, "-4", "addr", "show", "dev", "eth1")
	var snap l3cfg.State
	d.do(func() {
		r.Stop(false, true)
		snap = d.l3.Snapshot()
	})
	d.stop()

	f.set(func(f *fakeServer4) { f.naks, f.offer = 1, net.IPv4(192, 0, 2, 101) })
	d2 := e.start()
	d2.do(func() { d2.l3.Restore(snap) })
	r2 := d2.run(conn, true, nil)
	e.waitKernel("inet 192.0.2.101/24", true, 15*time.Second, "-4", "addr", "show", "dev", "eth1")
	addrs := e.waitKernel("192.0.2.100", false, 5*time.Second, "-4", "addr", "show", "dev", "eth1")
	if strings.Count(addrs, "inet ") != 1 {
		t.Errorf("addresses:\n%s", addrs)
	}
	if n := strings.Count(e.ns.MustIP("-4", "route"), "default"); n != 1 {
		t.Errorf("%d default routes", n)
	}
	d2.waitState(r2, l3cfg.IPv4, StateReady, 5*time.Second)
}
