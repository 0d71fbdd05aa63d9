package dhcp6

import (
	"net"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv6"
)

// fakeTransport records sends and lets the test answer them.
type fakeTransport struct {
	mu    sync.Mutex
	sends []*dhcpv6.Message
	at    []time.Time
}

func (f *fakeTransport) Send(m *dhcpv6.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := m.ToBytes()
	cp, _ := dhcpv6.MessageFromBytes(b)
	f.sends = append(f.sends, cp)
	f.at = append(f.at, time.Now())
	return nil
}
func (f *fakeTransport) Close() error { return nil }

func (f *fakeTransport) last() (*dhcpv6.Message, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sends[len(f.sends)-1], len(f.sends)
}

var testDUID = []byte{0, 3, 0, 1, 2, 0, 0, 0, 0, 1}

// reply builds a server answer to m with one address.
func reply(t *testing.T, m *dhcpv6.Message, typ dhcpv6.MessageType, valid time.Duration) *dhcpv6.Message {
	r := &dhcpv6.Message{MessageType: typ, TransactionID: m.TransactionID}
	r.AddOption(dhcpv6.OptClientID(m.Options.ClientID()))
	r.AddOption(dhcpv6.OptServerID(&dhcpv6.DUIDLL{HWType: 1, LinkLayerAddr: net.HardwareAddr{2, 0, 0, 0, 0, 9}}))
	ia := &dhcpv6.OptIANA{IaId: [4]byte{0, 0, 0, 1}, T1: valid / 4, T2: valid / 2}
	ia.Options.Add(&dhcpv6.OptIAAddress{IPv6Addr: net.ParseIP("2001:db8::5"), PreferredLifetime: valid, ValidLifetime: valid})
	r.AddOption(ia)
	return r
}

func TestSolicitRetransmitRenewRebindExpire(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		evs := make(chan Event, 16)
		c, err := New(Config{IfIndex: 2, IfName: "eth1", DUID: testDUID, IAID: 1}, func(e Event) { evs <- e })
		if err != nil {
			t.Fatal(err)
		}
		tr := &fakeTransport{}
		start := time.Now()
		c.start(tr)
		defer c.Stop(false)
		time.Sleep(10 * time.Second)
		synctest.Wait()
		tr.mu.Lock()
		at := append([]time.Time(nil), tr.at...)
		tr.mu.Unlock()
		// First Solicit within SOL_MAX_DELAY (1 s); first timeout in
		// (1 s, 1.1 s]; then about doubling (RAND ±10 %).
		if len(at) < 3 || at[0].Sub(start) > time.Second {
			t.Fatalf("solicits at %v", at)
		}
		if g := at[1].Sub(at[0]); g <= time.Second || g > 1100*time.Millisecond {
			t.Errorf("first retransmission after %v", g)
		}
		if g, prev := at[2].Sub(at[1]), at[1].Sub(at[0]); g < prev*19/10 || g > prev*21/10 {
			t.Errorf("second retransmission after %v (previous %v)", g, prev)
		}
		sol, _ := tr.last()
		c.rx <- received{msg: reply(t, sol, dhcpv6.MessageTypeAdvertise, 100*time.Second)}
		synctest.Wait()
		req, _ := tr.last()
		if req.MessageType != dhcpv6.MessageTypeRequest || req.Options.ServerID() == nil {
			t.Fatalf("after Advertise sent %v", req.MessageType)
		}
		c.rx <- received{msg: reply(t, req, dhcpv6.MessageTypeReply, 100*time.Second)}
		synctest.Wait()
		if e := <-evs; e.Type != EventBound || len(e.Lease.Addresses) != 1 {
			t.Fatalf("event %+v", e)
		}
		// T1 = 25 s: Renew with the server ID; no answer; T2 = 50 s: Rebind
		// without it; valid lifetime 100 s: expiry and a new Solicit.
		time.Sleep(26 * time.Second)
		synctest.Wait()
		if m, _ := tr.last(); m.MessageType != dhcpv6.MessageTypeRenew || m.Options.ServerID() == nil {
			t.Errorf("at T1 sent %v", m.MessageType)
		}
		time.Sleep(25 * time.Second)
		synctest.Wait()
		if m, _ := tr.last(); m.MessageType != dhcpv6.MessageTypeRebind || m.Options.ServerID() != nil {
			t.Errorf("at T2 sent %v", m.MessageType)
		}
		time.Sleep(50 * time.Second)
		synctest.Wait()
		if e := <-evs; e.Type != EventExpired {
			t.Errorf("event %v, want expired", e.Type)
		}
		if s := c.State(); s != StateSolicit {
			t.Errorf("state %v after expiry", s)
		}
	})
}

func TestInformationRefresh(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		evs := make(chan Event, 16)
		c, err := New(Config{IfIndex: 2, IfName: "eth1", DUID: testDUID, IAID: 1, InfoOnly: true}, func(e Event) { evs <- e })
		if err != nil {
			t.Fatal(err)
		}
		tr := &fakeTransport{}
		c.start(tr)
		defer c.Stop(false)
		time.Sleep(2 * time.Second)
		synctest.Wait()
		m, n := tr.last()
		if m.MessageType != dhcpv6.MessageTypeInformationRequest || m.Options.OneIANA() != nil {
			t.Fatalf("sent %v", m.Summary())
		}
		r := &dhcpv6.Message{MessageType: dhcpv6.MessageTypeReply, TransactionID: m.TransactionID}
		r.AddOption(dhcpv6.OptClientID(m.Options.ClientID()))
		r.AddOption(dhcpv6.OptDNS(net.ParseIP("2001:db8::53")))
		r.AddOption(dhcpv6.OptInformationRefreshTime(600 * time.Second))
		c.rx <- received{msg: r}
		synctest.Wait()
		if e := <-evs; e.Type != EventBound || e.Lease.Options["dhcp6_name_servers"] != "2001:db8::53" {
			t.Fatalf("event %+v", e)
		}
		// The refresh time counts from the start of the exchange (within
		// the first second).
		time.Sleep(596 * time.Second)
		synctest.Wait()
		if _, n2 := tr.last(); n2 != n {
			t.Fatalf("asked again before the refresh time")
		}
		time.Sleep(4 * time.Second)
		synctest.Wait()
		m2, _ := tr.last()
		if m2.MessageType != dhcpv6.MessageTypeInformationRequest || m2.TransactionID == m.TransactionID {
			t.Fatalf("no new Information-Request at the refresh time")
		}
		r.TransactionID = m2.TransactionID
		c.rx <- received{msg: r}
		synctest.Wait()
		if e := <-evs; e.Type != EventExtended {
			t.Errorf("refresh gave %v, want extended", e.Type)
		}
	})
}
