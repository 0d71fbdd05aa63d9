package l3cfg

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mdlayher/packet"

	"github.com/gonm/gonm/internal/acd"
	"github.com/gonm/gonm/internal/l3cfg/l3cfgtest"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/platform"
)

// arpNet is an in-memory Ethernet segment for one interface: what it
// sends is recorded (and answered for addresses another host "has"), and
// tests inject packets.
type arpNet struct {
	mu     sync.Mutex
	in     chan []byte
	sent   []acd.Packet
	owners map[netip.Addr]net.HardwareAddr // other hosts' addresses
	closed chan struct{}
}

func newARPNet() *arpNet {
	return &arpNet{in: make(chan []byte, 64), owners: map[netip.Addr]net.HardwareAddr{}, closed: make(chan struct{})}
}

func (n *arpNet) ReadFrom(b []byte) (int, net.Addr, error) {
	select {
	case p := <-n.in:
		return copy(b, p), &packet.Addr{}, nil
	case <-n.closed:
		return 0, nil, errors.New("closed")
	}
}

func (n *arpNet) WriteTo(b []byte, a net.Addr) (int, error) {
	p, err := acd.ParsePacket(b)
	if err != nil {
		return 0, err
	}
	n.mu.Lock()
	n.sent = append(n.sent, p)
	mac, taken := n.owners[p.TargetIP]
	n.mu.Unlock()
	if taken && p.SenderIP == netip.IPv4Unspecified() {
		// The owner answers the probe.
		n.inject(acd.Packet{Op: acd.OpReply, SenderMAC: mac, SenderIP: p.TargetIP, TargetMAC: p.SenderMAC, TargetIP: p.TargetIP})
	}
	return len(b), nil
}

func (n *arpNet) inject(p acd.Packet) {
	select {
	case n.in <- p.Marshal():
	case <-n.closed:
	}
}

func (n *arpNet) Close() error {
	select {
	case <-n.closed:
	default:
		close(n.closed)
	}
	return nil
}
func (n *arpNet) LocalAddr() net.Addr              { return nil }
func (n *arpNet) SetDeadline(time.Time) error      { return nil }
func (n *arpNet) SetReadDeadline(time.Time) error  { return nil }
func (n *arpNet) SetWriteDeadline(time.Time) error { return nil }

func (n *arpNet) sentLines() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	var b strings.Builder
	for _, p := range n.sent {
		if p.SenderIP == netip.IPv4Unspecified() {
			b.WriteString("probe " + p.TargetIP.String() + "\n")
		} else {
			b.WriteString("announce " + p.SenderIP.String() + "\n")
		}
	}
	n.sent = nil
	return b.String()
}

// acdFx runs a registry on the fake platform inside a synctest bubble,
// with ARP on an in-memory segment.
type acdFx struct {
	*fx
	arp *arpNet
}

func newACDFx(t *testing.T) *acdFx {
	l := loop.New()
	ctx, cancel := context.WithCancel(context.Background())
	go l.Run(ctx)
	x := &acdFx{fx: &fx{t: t, loop: l, stop: cancel}, arp: newARPNet()}
	x.do(func() {
		x.fake = l3cfgtest.New(l)
		x.fake.AddLink(2, "eth0")
		x.reg = NewRegistry(l, x.fake, Options{OpenARP: func(ifindex int32, hw net.HardwareAddr) (*acd.Conn, error) {
			return acd.NewConn(x.arp, hw), nil
		}})
	})
	x.settle()
	x.ops()
	t.Cleanup(func() {
		x.do(func() { x.reg.Close() })
		x.arp.Close()
		cancel()
		<-l.Done()
	})
	return x
}

func TestACDProbesBeforeConfiguring(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		x := newACDFx(t)
		var l *L3Cfg
		var events []string
		opts := ethOpts
		opts.ACDTimeout = 900 * time.Millisecond
		x.arp.owners[ip("192.0.2.99")] = net.HardwareAddr{2, 0, 0, 0, 0, 0x99}
		x.do(func() {
			l = x.reg.Acquire(2)
			l.Watch(func(e Event) {
				if e.Type == EventACD {
					events = append(events, e.String())
				}
			})
			l.RegisterCommitType(CommitUpdate, "device")
			l.AddConfig("static", staticCfg([]string{"192.0.2.10/24", "192.0.2.99/24"}, ""), opts)
			res := l.Commit(CommitAuto)
			if len(res.ACDPending) != 2 {
				t.Errorf("held back: %v", res.ACDPending)
			}
			if ready, _ := l.CheckReady(IPv4, nil, ReadyIP4ACD); ready {
				t.Error("ready while probing")
			}
		})
		golden(t, "while probing", x.ops(), "")
		time.Sleep(2 * time.Second)
		synctest.Wait()
		x.settle()
		// 192.0.2.10 is free: configured, then announced. 192.0.2.99 is
		// used: never configured.
		golden(t, "after probing", x.ops(), `
address replace 192.0.2.10/24 dev 2 noprefixroute
route add 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.10 metric 100
`)
		golden(t, "events", strings.Join(events, "\n")+"\n", `
acd 192.0.2.10 probing
acd 192.0.2.99 probing
acd 192.0.2.99 used by 02:00:00:00:00:99
acd 192.0.2.10 ready
acd 192.0.2.10 defending
`)
		x.do(func() {
			ready, conflicts := l.CheckReady(IPv4, nil, ReadyIP4ACD)
			if !ready || len(conflicts) != 1 || conflicts[0] != ip("192.0.2.99") {
				t.Errorf("CheckReady = %v %v", ready, conflicts)
			}
		})
		time.Sleep(5 * time.Second)
		synctest.Wait()
		sent := x.arp.sentLines()
		if strings.Count(sent, "probe 192.0.2.10") != 3 || strings.Count(sent, "announce 192.0.2.10") != acd.AnnounceNum ||
			strings.Contains(sent, "announce 192.0.2.99") {
			t.Errorf("ARP sent:\n%s", sent)
		}
	})
}

func TestACDDefendNeverGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		x := newACDFx(t)
		var l *L3Cfg
		opts := ethOpts
		opts.ACDTimeout = 200 * time.Millisecond
		opts.ACDDefend = ACDDefendNever
		x.do(func() {
			l = x.reg.Acquire(2)
			l.RegisterCommitType(CommitUpdate, "device")
			l.AddConfig("static", staticCfg([]string{"192.0.2.10/24"}, ""), opts)
			l.Commit(CommitAuto)
		})
		time.Sleep(time.Second)
		synctest.Wait()
		x.settle()
		x.ops()
		// Another host claims the address.
		x.arp.inject(acd.Packet{Op: acd.OpRequest, SenderMAC: net.HardwareAddr{2, 0, 0, 0, 0, 7},
			SenderIP: ip("192.0.2.10"), TargetIP: ip("192.0.2.10")})
		time.Sleep(100 * time.Millisecond)
		synctest.Wait()
		x.settle()
		golden(t, "given up", x.ops(), `
address delete 192.0.2.10/24 dev 2 noprefixroute
`)
		x.do(func() {
			if st, _ := l.ACDState(ip("192.0.2.10")); st != ACDConflict {
				t.Errorf("state %s", st)
			}
		})
	})
}

// An address already on the interface (an earlier run configured it) is
// not probed again.
func TestACDSkipsAddressAlreadyThere(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		x := newACDFx(t)
		opts := ethOpts
		opts.ACDTimeout = 9 * time.Second
		x.do(func() {
			x.fake.SetAddress(&platform.Address{Index: 2, Address: ip("192.0.2.10"), PrefixLen: 24, Flags: 0x200,
				Valid: platform.LifetimeInfinite, Preferred: platform.LifetimeInfinite})
			l := x.reg.Acquire(2)
			l.RegisterCommitType(CommitUpdate, "device")
			l.AddConfig("static", staticCfg([]string{"192.0.2.10/24"}, ""), opts)
			if res := l.Commit(CommitAuto); len(res.ACDPending) != 0 {
				t.Errorf("held back %v", res.ACDPending)
			}
		})
		if strings.Contains(x.arp.sentLines(), "probe") {
			t.Error("probed an address already configured")
		}
	})
}
