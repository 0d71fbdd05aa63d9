package acd

import (
	"context"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mdlayher/packet"
)

// memConn is an in-memory PacketConn recording what was sent.
type memConn struct {
	mu   sync.Mutex
	sent [][]byte
	at   []time.Time
}

func (m *memConn) ReadFrom(b []byte) (int, net.Addr, error) { select {} }
func (m *memConn) WriteTo(b []byte, a net.Addr) (int, error) {
	if _, ok := a.(*packet.Addr); !ok {
		panic("not a packet address")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, append([]byte(nil), b...))
	m.at = append(m.at, time.Now())
	return len(b), nil
}
func (m *memConn) Close() error                       { return nil }
func (m *memConn) LocalAddr() net.Addr                { return nil }
func (m *memConn) SetDeadline(t time.Time) error      { return nil }
func (m *memConn) SetReadDeadline(t time.Time) error  { return nil }
func (m *memConn) SetWriteDeadline(t time.Time) error { return nil }

var own = net.HardwareAddr{2, 0, 0, 0, 0, 1}

func TestProbeScheduleScaled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mc := &memConn{}
		c := NewConn(mc, own)
		start := time.Now()
		res, err := Probe(context.Background(), c, make(chan Packet), netip.MustParseAddr("192.0.2.9"), 900*time.Millisecond, rand.New(rand.NewPCG(1, 2)))
		if err != nil || res.Conflict {
			t.Fatalf("%+v %v", res, err)
		}
		total := time.Since(start)
		// 3 probes: within 100 ms, then 100..300 ms apart, then 200 ms.
		if len(mc.sent) != 3 || total < 400*time.Millisecond || total > 900*time.Millisecond {
			t.Fatalf("%d probes in %v", len(mc.sent), total)
		}
		p, err := ParsePacket(mc.sent[0])
		if err != nil || p.Op != OpRequest || p.SenderIP != netip.IPv4Unspecified() || p.TargetIP != netip.MustParseAddr("192.0.2.9") {
			t.Errorf("probe %+v %v", p, err)
		}
	})
}

func TestProbeConflict(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		in := make(chan Packet, 1)
		c := NewConn(&memConn{}, own)
		other := net.HardwareAddr{2, 0, 0, 0, 0, 2}
		in <- Packet{Op: OpReply, SenderMAC: other, SenderIP: netip.MustParseAddr("192.0.2.9"), TargetIP: netip.MustParseAddr("192.0.2.9")}
		res, err := Probe(context.Background(), c, in, netip.MustParseAddr("192.0.2.9"), 9*time.Second, nil)
		if err != nil || !res.Conflict || res.By.String() != other.String() {
			t.Fatalf("%+v %v", res, err)
		}
	})
}

func FuzzParsePacket(f *testing.F) {
	f.Add(Packet{Op: OpRequest, SenderMAC: own, SenderIP: netip.MustParseAddr("192.0.2.1"), TargetMAC: make(net.HardwareAddr, 6), TargetIP: netip.MustParseAddr("192.0.2.2")}.Marshal())
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePacket(b)
		if err != nil {
			return
		}
		if q, err := ParsePacket(p.Marshal()); err != nil || q.SenderIP != p.SenderIP || q.TargetIP != p.TargetIP {
			t.Fatalf("round trip %+v -> %+v %v", p, q, err)
		}
	})
}
