package ndisc

import (
	"encoding/binary"
	"net"
	"net/netip"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gonm/gonm/internal/hostid"
)

// buildRA encodes a router advertisement for tests and fuzz seeds.
func buildRA(flags byte, lifetime uint16, opts ...[]byte) []byte {
	b := []byte{icmpRouterAdvertisement, 0, 0, 0, 64, flags, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint16(b[6:8], lifetime)
	for _, o := range opts {
		b = append(b, o...)
	}
	return b
}

func pio(prefix string, plen byte, flags byte, valid, pref uint32) []byte {
	o := make([]byte, 32)
	o[0], o[1], o[2], o[3] = optPrefixInfo, 4, plen, flags
	binary.BigEndian.PutUint32(o[4:8], valid)
	binary.BigEndian.PutUint32(o[8:12], pref)
	a := netip.MustParseAddr(prefix).As16()
	copy(o[16:], a[:])
	return o
}

func rdnss(lifetime uint32, addrs ...string) []byte {
	o := make([]byte, 8, 8+16*len(addrs))
	o[0], o[1] = optRDNSS, byte(1+2*len(addrs))
	binary.BigEndian.PutUint32(o[4:8], lifetime)
	for _, a := range addrs {
		x := netip.MustParseAddr(a).As16()
		o = append(o, x[:]...)
	}
	return o
}

type fakeSocket struct {
	mu    sync.Mutex
	sends []time.Time
}

func (f *fakeSocket) SendRS() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sends = append(f.sends, time.Now())
	return nil
}
func (f *fakeSocket) Close() error { return nil }

func TestSolicitBackoffAndLifetimes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		evs := make(chan Event, 64)
		n, err := New(Config{IfIndex: 2, IfName: "eth1", HWAddr: net.HardwareAddr{2, 0, 0, 0, 0, 1}}, func(e Event) { evs <- e })
		if err != nil {
			t.Fatal(err)
		}
		sock := &fakeSocket{}
		start := time.Now()
		n.start(sock)
		time.Sleep(60 * time.Second)
		synctest.Wait()
		sock.mu.Lock()
		sends := append([]time.Time(nil), sock.sends...)
		sock.mu.Unlock()
		// First RS within 250 ms, then about 4 s, then roughly doubling.
		if len(sends) < 4 || sends[0].Sub(start) >= 250*time.Millisecond {
			t.Fatalf("solicitations at %v", sends)
		}
		if g := sends[1].Sub(sends[0]); g < 3600*time.Millisecond || g > 4400*time.Millisecond {
			t.Errorf("second RS after %v", g)
		}
		if g := sends[2].Sub(sends[1]); g < 7*time.Second || g > 9*time.Second {
			t.Errorf("third RS after %v", g)
		}
		router := netip.MustParseAddr("fe80::1")
		ra, err := ParseRA(buildRA(0x80, 30, pio("2001:db8::", 64, 0xc0, 20, 10), rdnss(15, "2001:db8::53")))
		if err != nil {
			t.Fatal(err)
		}
		n.rx <- received{ra: ra, from: router}
		synctest.Wait()
		e := <-evs
		if len(e.Data.Addresses) != 1 || len(e.Data.Gateways) != 1 || e.Data.DHCPLevel != DHCPLevelManaged || len(e.Data.DNSServers) != 1 {
			t.Fatalf("after RA: %+v", e.Data)
		}
		sock.mu.Lock()
		nSends := len(sock.sends)
		sock.mu.Unlock()
		// Expiry in lifetime order: preferred (10 s), RDNSS (15 s),
		// address and on-link route (20 s), gateway (30 s).
		time.Sleep(10*time.Second + time.Millisecond)
		synctest.Wait()
		e = <-evs
		if !e.Data.Addresses[0].Deprecated {
			t.Errorf("address not deprecated after its preferred lifetime")
		}
		time.Sleep(5 * time.Second)
		synctest.Wait()
		e = <-evs
		if len(e.Data.DNSServers) != 0 || e.Changed&ChangedDNSServers == 0 {
			t.Errorf("RDNSS did not expire: %+v", e)
		}
		time.Sleep(5 * time.Second)
		synctest.Wait()
		e = <-evs
		if len(e.Data.Addresses) != 0 || len(e.Data.Routes) != 0 || len(e.Data.Gateways) != 1 {
			t.Errorf("at 20 s: %+v", e.Data)
		}
		// A router lifetime of 0 removes the router at once.
		ra0, _ := ParseRA(buildRA(0, 0))
		n.rx <- received{ra: ra0, from: router}
		synctest.Wait()
		e = <-evs
		if len(e.Data.Gateways) != 0 || e.Changed&ChangedGateways == 0 {
			t.Errorf("router lifetime 0 kept the gateway: %+v", e)
		}
		// Everything learnt lived less than 120 s: no early solicitation,
		// the next one is an hour after the last.
		sock.mu.Lock()
		if len(sock.sends) != nSends {
			t.Errorf("solicited again %v after an RA with short lifetimes", time.Since(sends[len(sends)-1]))
		}
		sock.mu.Unlock()
		n.Stop()
	})
}

func TestSlowSolicitBeforeExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, err := New(Config{IfIndex: 2, IfName: "eth1", HWAddr: net.HardwareAddr{2, 0, 0, 0, 0, 1}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		sock := &fakeSocket{}
		n.start(sock)
		defer n.Stop()
		time.Sleep(time.Second) // the first RS went out
		synctest.Wait()
		ra, _ := ParseRA(buildRA(0, 600))
		got := time.Now()
		n.rx <- received{ra: ra, from: netip.MustParseAddr("fe80::1")}
		time.Sleep(700 * time.Second)
		synctest.Wait()
		sock.mu.Lock()
		defer sock.mu.Unlock()
		if len(sock.sends) < 2 {
			t.Fatalf("no solicitation before the router lifetime ended")
		}
		// About 60 s (±10 %) before the 600 s router lifetime ends.
		if d := sock.sends[1].Sub(got); d < 534*time.Second || d > 546*time.Second {
			t.Errorf("next RS %v after the RA, want about 540 s", d)
		}
	})
}

func TestTwoHourRule(t *testing.T) {
	n, _ := New(Config{IfName: "eth1", HWAddr: net.HardwareAddr{2, 0, 0, 0, 0, 1}}, nil)
	now := time.Unix(1000, 0)
	n.addAddress(Address{Addr: netip.MustParseAddr("2001:db8::"), Expiry: now.Add(10 * time.Hour), PreferredExpiry: now.Add(time.Hour)}, now)
	// A spoofed short lifetime cannot cut the address below two hours.
	n.addAddress(Address{Addr: netip.MustParseAddr("2001:db8::"), Expiry: now.Add(time.Minute), PreferredExpiry: now.Add(time.Minute)}, now)
	if got := n.data.Addresses[0].Expiry; got != now.Add(2*time.Hour) {
		t.Errorf("expiry %v, want now+2h", got.Sub(now))
	}
}

func TestParseRARejects(t *testing.T) {
	bad := [][]byte{
		nil,
		buildRA(0, 0)[:10],
		append(buildRA(0, 0), optPrefixInfo, 0), // zero-length option
		append(buildRA(0, 0), optPrefixInfo, 3, 0, 0), // beyond the end
		append(buildRA(0, 0), pio("::", 64, 0, 0, 0)[:24]...),
	}
	for i, b := range bad {
		if _, err := ParseRA(b); err == nil {
			t.Errorf("case %d accepted", i)
		}
	}
}

func FuzzParseRA(f *testing.F) {
	f.Add(buildRA(0xc8, 1800, pio("2001:db8::", 64, 0xc0, 600, 300), rdnss(300, "2001:db8::53"),
		[]byte{optDNSSL, 3, 0, 0, 0, 0, 1, 0x2c, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0, 0, 0},
		[]byte{optRouteInfo, 2, 48, 0x18, 0, 0, 1, 0x2c, 0x20, 0x01, 0x0d, 0xb8, 0, 0x99, 0, 0},
		[]byte{optMTU, 1, 0, 0, 0, 0, 5, 0x78}))
	f.Fuzz(func(t *testing.T, b []byte) {
		ra, err := ParseRA(b)
		if err != nil {
			return
		}
		n, _ := New(Config{IfName: "eth1", HWAddr: net.HardwareAddr{2, 0, 0, 0, 0, 1}}, nil)
		n.receiveRA(ra, netip.MustParseAddr("fe80::1"), time.Unix(1000, 0))
		for _, a := range n.data.Addresses {
			if !a.Addr.Is6() {
				t.Fatalf("bad address %v", a.Addr)
			}
		}
	})
}

func TestLifetimeRounding(t *testing.T) {
	now := time.Unix(1000, 300*int64(time.Millisecond))
	if got := Lifetime(now.Add(600*time.Second), now); got != 601 {
		t.Errorf("lifetime %d, want 601 (from the truncated second, rounded up)", got)
	}
	if got := Lifetime(time.Time{}, now); got != Infinity {
		t.Errorf("infinite lifetime %d", got)
	}
	if got := Lifetime(now.Add(-time.Second), now); got != 0 {
		t.Errorf("expired lifetime %d", got)
	}
}

func TestDADFailedRegenerates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		evs := make(chan Event, 16)
		key := []byte("0123456789abcdef0123456789abcdef")
		n, err := New(Config{IfIndex: 2, IfName: "eth1", Mode: AddrGenStablePrivacy, NetworkID: "net", HostKey: key}, func(e Event) { evs <- e })
		if err != nil {
			t.Fatal(err)
		}
		n.start(&fakeSocket{})
		defer n.Stop()
		ra, _ := ParseRA(buildRA(0, 1800, pio("2001:db8::", 64, 0xc0, 3600, 3600)))
		n.rx <- received{ra: ra, from: netip.MustParseAddr("fe80::1")}
		synctest.Wait()
		e := <-evs
		a0 := e.Data.Addresses[0].Addr
		want0, _ := hostid.StablePrivacyAddr(netip.MustParseAddr("2001:db8::"), 0, "eth1", "net", 0, key)
		if a0 != want0 {
			t.Fatalf("address %v, want %v", a0, want0)
		}
		cur := a0
		for dad := uint32(1); dad < hostid.StablePrivacyRetries; dad++ {
			n.DADFailed(cur)
			synctest.Wait()
			e = <-evs
			want, _ := hostid.StablePrivacyAddr(netip.MustParseAddr("2001:db8::"), 0, "eth1", "net", dad, key)
			if len(e.Data.Addresses) != 1 || e.Data.Addresses[0].Addr != want || e.Data.Addresses[0].DADCounter != dad {
				t.Fatalf("after DAD failure %d: %+v, want %v", dad, e.Data.Addresses, want)
			}
			cur = want
		}
		// The third failure exhausts the retries: the address is dropped.
		n.DADFailed(cur)
		synctest.Wait()
		if e = <-evs; len(e.Data.Addresses) != 0 {
			t.Errorf("address kept after %d DAD failures: %+v", hostid.StablePrivacyRetries, e.Data.Addresses)
		}
	})
}
