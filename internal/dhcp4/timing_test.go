package dhcp4

import (
	"net"
	"net/netip"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gonm/gonm/internal/acd"
	"github.com/insomniacslk/dhcp/dhcpv4"
)

// recordingTransport records when messages were sent, for timing tests in
// a synctest bubble.
type recordingTransport struct {
	mu    sync.Mutex
	sends []sent
}

type sent struct {
	xid     dhcpv4.TransactionID
	at      time.Time
	msg     *dhcpv4.DHCPv4
	unicast bool
}

func (r *recordingTransport) Broadcast(m *dhcpv4.DHCPv4, src netip.Addr) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sends = append(r.sends, sent{xid: m.TransactionID, at: time.Now(), msg: m})
	return nil
}

func (r *recordingTransport) Unicast(m *dhcpv4.DHCPv4, server netip.Addr) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sends = append(r.sends, sent{xid: m.TransactionID, at: time.Now(), msg: m, unicast: true})
	return nil
}

func (r *recordingTransport) Close() error { return nil }

func (r *recordingTransport) all() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sent(nil), r.sends...)
}

func newTestClient(t *testing.T, cfg Config) (*Client, *recordingTransport, chan Event) {
	cfg.IfIndex, cfg.IfName = 2, "eth1"
	cfg.HWAddr = net.HardwareAddr{2, 0, 0, 0, 0, 1}
	evs := make(chan Event, 64)
	c, err := New(cfg, func(e Event) { evs <- e })
	if err != nil {
		t.Fatal(err)
	}
	tr := &recordingTransport{}
	if err := c.start(tr); err != nil {
		t.Fatal(err)
	}
	return c, tr, evs
}

func TestDiscoverBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		c, tr, evs := newTestClient(t, Config{Timeout: 45 * time.Second})
		time.Sleep(200 * time.Second)
		synctest.Wait()
		sends := tr.all()
		// Resends after 2, 4, 8, 16, 32, 64, 64... seconds, each plus a
		// jitter below one second.
		wantGaps := []time.Duration{2, 4, 8, 16, 32, 64, 64}
		if len(sends) < len(wantGaps)+1 {
			t.Fatalf("%d DISCOVERs in 200 s", len(sends))
		}
		if sends[0].at != start {
			t.Errorf("first DISCOVER after %v", sends[0].at.Sub(start))
		}
		for i, g := range wantGaps {
			gap := sends[i+1].at.Sub(sends[i].at)
			if gap < g*time.Second || gap >= (g+1)*time.Second {
				t.Errorf("gap %d = %v, want %v..%v", i, gap, g*time.Second, (g+1)*time.Second)
			}
			if sends[i].msg.MessageType() != dhcpv4.MessageTypeDiscover {
				t.Errorf("message %d is %v", i, sends[i].msg.MessageType())
			}
		}
		if sends[1].xid == sends[0].xid {
			t.Errorf("a resent DISCOVER kept its xid")
		}
		select {
		case e := <-evs:
			if e.Type != EventTimeout {
				t.Errorf("event %v, want timeout", e.Type)
			}
		default:
			t.Errorf("no timeout event after ipv4.dhcp-timeout")
		}
		c.Stop(false)
	})
}

func TestLeaseTimesDefaults(t *testing.T) {
	mk := func(opts ...dhcpv4.Option) dhcpv4.Options {
		o := dhcpv4.Options{}
		for _, x := range opts {
			o.Update(x)
		}
		return o
	}
	cases := []struct {
		opts         dhcpv4.Options
		life, t1, t2 time.Duration
	}{
		{mk(dhcpv4.OptIPAddressLeaseTime(800 * time.Second)), 800 * time.Second, 400 * time.Second, 700 * time.Second},
		{mk(dhcpv4.OptIPAddressLeaseTime(800*time.Second), dhcpv4.OptGeneric(dhcpv4.OptionRebindingTimeValue, []byte{0, 0, 3, 0x84})), 800 * time.Second, 400 * time.Second, 700 * time.Second},
		{mk(dhcpv4.OptIPAddressLeaseTime(800*time.Second), dhcpv4.OptGeneric(dhcpv4.OptionRenewTimeValue, []byte{0, 0, 0, 10})), 800 * time.Second, 10 * time.Second, 700 * time.Second},
		{mk(), InfiniteLifetime, InfiniteLifetime, InfiniteLifetime},
	}
	for i, c := range cases {
		life, t1, t2, err := leaseTimes(c.opts)
		if err != nil || life != c.life || t1 != c.t1 || t2 != c.t2 {
			t.Errorf("case %d: %v %v %v %v, want %v %v %v", i, life, t1, t2, err, c.life, c.t1, c.t2)
		}
	}
}

// serverReply answers a client message as a server would.
func serverReply(t *testing.T, m *dhcpv4.DHCPv4, typ dhcpv4.MessageType, lease time.Duration) *dhcpv4.DHCPv4 {
	r, err := dhcpv4.NewReplyFromRequest(m,
		dhcpv4.WithMessageType(typ),
		dhcpv4.WithYourIP(net.IPv4(192, 0, 2, 50)),
		dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 0, 2, 1))),
		dhcpv4.WithOption(dhcpv4.OptIPAddressLeaseTime(lease)))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRenewRebindScheduleNoBusyLoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, tr, evs := newTestClient(t, Config{})
		defer c.Stop(false)
		synctest.Wait()
		disc := tr.all()[0].msg
		c.rx <- received{msg: serverReply(t, disc, dhcpv4.MessageTypeOffer, 1000*time.Second)}
		synctest.Wait()
		sends := tr.all()
		req := sends[len(sends)-1].msg
		if req.MessageType() != dhcpv4.MessageTypeRequest || req.ServerIdentifier() == nil {
			t.Fatalf("after OFFER sent %s", req.Summary())
		}
		c.rx <- received{msg: serverReply(t, req, dhcpv4.MessageTypeAck, 1000*time.Second)}
		synctest.Wait()
		if e := <-evs; e.Type != EventBound {
			t.Fatalf("event %v", e.Type)
		}
		bound := time.Now()
		n := len(tr.all())
		// T1 = 500 s: RENEW (unicast), resent every 60 s (+ <1 s jitter)
		// until T2 = 875 s, then REBIND (broadcast), then expiry at 1000 s.
		time.Sleep(1001 * time.Second)
		synctest.Wait()
		var renews, rebinds []time.Duration
		for _, s := range tr.all()[n:] {
			switch {
			case s.unicast:
				renews = append(renews, s.at.Sub(bound))
			case !s.msg.ClientIPAddr.IsUnspecified():
				rebinds = append(rebinds, s.at.Sub(bound))
			}
		}
		if len(renews) != 7 || renews[0] != 500*time.Second {
			t.Errorf("renewals at %v, want 7 from 500 s every ~60 s", renews)
		}
		if len(rebinds) != 3 || rebinds[0] != 875*time.Second {
			t.Errorf("rebinds at %v, want 3 from 875 s", rebinds)
		}
		if e := <-evs; e.Type != EventExpired {
			t.Errorf("event %v, want expired", e.Type)
		}
	})
}

// arpPipe is an ARP PacketConn whose received packets the test supplies.
type arpPipe struct {
	in   chan []byte
	mu   sync.Mutex
	sent int
}

func (p *arpPipe) ReadFrom(b []byte) (int, net.Addr, error) {
	pkt, ok := <-p.in
	if !ok {
		return 0, nil, net.ErrClosed
	}
	return copy(b, pkt), nil, nil
}
func (p *arpPipe) WriteTo(b []byte, a net.Addr) (int, error) {
	p.mu.Lock()
	p.sent++
	p.mu.Unlock()
	return len(b), nil
}
func (p *arpPipe) Close() error                       { return nil }
func (p *arpPipe) LocalAddr() net.Addr                { return nil }
func (p *arpPipe) SetDeadline(t time.Time) error      { return nil }
func (p *arpPipe) SetReadDeadline(t time.Time) error  { return nil }
func (p *arpPipe) SetWriteDeadline(t time.Time) error { return nil }

func TestDeclinedAddressRefusedInNextOffer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pipe := &arpPipe{in: make(chan []byte, 4)}
		hw := net.HardwareAddr{2, 0, 0, 0, 0, 1}
		evs := make(chan Event, 16)
		c, err := New(Config{IfIndex: 2, IfName: "eth1", HWAddr: hw, ACDTimeout: 900 * time.Millisecond}, func(e Event) { evs <- e })
		if err != nil {
			t.Fatal(err)
		}
		c.arp = acd.NewConn(pipe, hw)
		tr := &recordingTransport{}
		if err := c.start(tr); err != nil {
			t.Fatal(err)
		}
		defer func() {
			c.Stop(false)
			close(pipe.in)
		}()
		synctest.Wait()
		c.rx <- received{msg: serverReply(t, tr.all()[0].msg, dhcpv4.MessageTypeOffer, 600*time.Second)}
		synctest.Wait()
		sends := tr.all()
		c.rx <- received{msg: serverReply(t, sends[len(sends)-1].msg, dhcpv4.MessageTypeAck, 600*time.Second)}
		synctest.Wait()
		// While probing, another host answers for 192.0.2.50.
		pipe.in <- acd.Packet{Op: acd.OpReply, SenderMAC: net.HardwareAddr{2, 0, 0, 0, 0, 9}, SenderIP: netip.MustParseAddr("192.0.2.50"),
			TargetMAC: hw, TargetIP: netip.IPv4Unspecified()}.Marshal()
		synctest.Wait()
		if e := <-evs; e.Type != EventDeclined {
			t.Fatalf("event %v, want declined", e.Type)
		}
		sends = tr.all()
		if last := sends[len(sends)-1].msg; last.MessageType() != dhcpv4.MessageTypeDecline || !last.RequestedIPAddress().Equal(net.IPv4(192, 0, 2, 50)) {
			t.Fatalf("sent %s, want DECLINE of 192.0.2.50", last.Summary())
		}
		// After the 10 s decline back-off the client discovers again; an
		// offer of the same address is refused without a REQUEST.
		time.Sleep(10*time.Second + 10*time.Millisecond)
		synctest.Wait()
		sends = tr.all()
		disc := sends[len(sends)-1].msg
		if disc.MessageType() != dhcpv4.MessageTypeDiscover {
			t.Fatalf("after the back-off sent %v", disc.MessageType())
		}
		n := len(sends)
		c.rx <- received{msg: serverReply(t, disc, dhcpv4.MessageTypeOffer, 600*time.Second)}
		synctest.Wait()
		if len(tr.all()) != n {
			t.Errorf("the declined address was requested again: %s", tr.all()[n].msg.Summary())
		}
	})
}
