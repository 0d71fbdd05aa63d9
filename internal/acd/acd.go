// Package acd owns IPv4 address conflict detection (RFC 5227) on one
// interface: ARP probes before an address is used, announcements after,
// and watching for other hosts claiming it. Timings follow
// NetworkManager's n-acd: the RFC's 9-second schedule scaled to the
// requested timeout (ipv4.dad-timeout), so a 200 ms timeout probes for
// about 200 ms. DHCPv4 (DECLINE on conflict), IPv4 link-local and l3cfg use
// it. It sends and receives ARP through an ARP packet socket (Open) or any
// PacketConn the caller gives; it calls no other gonm package.
package acd

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"time"

	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"
)

// RFC 5227 constants, in ninths of the total timeout as n-acd scales them.
const (
	probeNum          = 3
	probeWaitNinths   = 1
	probeMinNinths    = 1
	probeMaxNinths    = 3
	announceNum       = 3
	announceWaitNinth = 2
)

// DefaultTimeout is the RFC 5227 duration of a probe.
const DefaultTimeout = 9 * time.Second

// ARP operations.
const (
	OpRequest = 1
	OpReply   = 2
)

// Packet is an Ethernet/IPv4 ARP packet.
type Packet struct {
	Op        uint16
	SenderMAC net.HardwareAddr
	SenderIP  netip.Addr
	TargetMAC net.HardwareAddr
	TargetIP  netip.Addr
}

// Marshal encodes the packet (28 bytes).
func (p Packet) Marshal() []byte {
	b := make([]byte, 28)
	binary.BigEndian.PutUint16(b[0:2], 1)      // Ethernet
	binary.BigEndian.PutUint16(b[2:4], 0x0800) // IPv4
	b[4], b[5] = 6, 4
	binary.BigEndian.PutUint16(b[6:8], p.Op)
	copy(b[8:14], p.SenderMAC)
	if p.SenderIP.Is4() {
		s := p.SenderIP.As4()
		copy(b[14:18], s[:])
	}
	copy(b[18:24], p.TargetMAC)
	if p.TargetIP.Is4() {
		t := p.TargetIP.As4()
		copy(b[24:28], t[:])
	}
	return b
}

// ErrMalformed is returned for ARP packets that are not Ethernet/IPv4.
var ErrMalformed = errors.New("not an Ethernet/IPv4 ARP packet")

// ParsePacket decodes an ARP packet; anything but Ethernet/IPv4 ARP is an
// error.
func ParsePacket(b []byte) (Packet, error) {
	if len(b) < 28 || binary.BigEndian.Uint16(b[0:2]) != 1 || binary.BigEndian.Uint16(b[2:4]) != 0x0800 || b[4] != 6 || b[5] != 4 {
		return Packet{}, ErrMalformed
	}
	return Packet{
		Op:        binary.BigEndian.Uint16(b[6:8]),
		SenderMAC: net.HardwareAddr(append([]byte(nil), b[8:14]...)),
		SenderIP:  netip.AddrFrom4([4]byte(b[14:18])),
		TargetMAC: net.HardwareAddr(append([]byte(nil), b[18:24]...)),
		TargetIP:  netip.AddrFrom4([4]byte(b[24:28])),
	}, nil
}

var broadcastMAC = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// Conn sends and receives ARP packets on one interface.
type Conn struct {
	pc net.PacketConn
	hw net.HardwareAddr
}

// Open opens an ARP packet socket on the interface. Call it in the network
// namespace of the interface; the socket stays bound to it.
func Open(ifindex int, hw net.HardwareAddr) (*Conn, error) {
	ifi := &net.Interface{Index: ifindex, HardwareAddr: hw}
	pc, err := packet.Listen(ifi, packet.Datagram, unix.ETH_P_ARP, nil)
	if err != nil {
		return nil, fmt.Errorf("open ARP socket on ifindex %d: %w", ifindex, err)
	}
	return &Conn{pc: pc, hw: hw}, nil
}

// NewConn wraps any packet connection whose WriteTo accepts *packet.Addr
// (tests use in-memory pairs).
func NewConn(pc net.PacketConn, hw net.HardwareAddr) *Conn { return &Conn{pc: pc, hw: hw} }

// HWAddr is the interface's address, used as sender.
func (c *Conn) HWAddr() net.HardwareAddr { return c.hw }

// Close closes the socket; a blocked Read returns.
func (c *Conn) Close() error { return c.pc.Close() }

// Send broadcasts an ARP packet.
func (c *Conn) Send(p Packet) error {
	_, err := c.pc.WriteTo(p.Marshal(), &packet.Addr{HardwareAddr: broadcastMAC})
	if err != nil {
		return fmt.Errorf("send ARP: %w", err)
	}
	return nil
}

// Read returns the next well-formed ARP packet; malformed ones are skipped.
func (c *Conn) Read() (Packet, error) {
	buf := make([]byte, 1500)
	for {
		n, _, err := c.pc.ReadFrom(buf)
		if err != nil {
			return Packet{}, err
		}
		if p, err := ParsePacket(buf[:n]); err == nil {
			return p, nil
		}
	}
}

// Listen reads packets on a goroutine of its own until the connection is
// closed, and hands them to the returned channel, which is closed then.
// Packets nobody takes while the buffer is full are dropped: a prober only
// needs those that arrive while it listens.
func (c *Conn) Listen(buffer int) <-chan Packet {
	ch := make(chan Packet, buffer)
	go func() {
		defer close(ch)
		for {
			p, err := c.Read()
			if err != nil {
				return
			}
			select {
			case ch <- p:
			default:
			}
		}
	}()
	return ch
}

// Conflicts reports whether p shows another host using addr: it claims
// addr as sender, or (while probing) probes for addr itself.
func Conflicts(p Packet, addr netip.Addr, own net.HardwareAddr, probing bool) bool {
	if string(p.SenderMAC) == string(own) {
		return false
	}
	if p.SenderIP == addr {
		return true
	}
	// A simultaneous probe by another host (RFC 5227 2.1.1).
	return probing && p.Op == OpRequest && p.TargetIP == addr && p.SenderIP == netip.IPv4Unspecified()
}

// Result of a probe.
type Result struct {
	// Conflict is set when another host uses or probes the address.
	Conflict bool
	// By is the conflicting host's MAC address.
	By net.HardwareAddr
}

// Probe checks whether addr is free, taking about timeout (NetworkManager
// scales the RFC schedule: first probe within timeout/9, two more spaced
// timeout/9..3*timeout/9, then a final wait of 2*timeout/9). A timeout of 0
// means no probing: the address is taken as free. Packets arrive through
// in, which the caller fills from Conn.Read on its own goroutine so that
// probing needs no socket deadline; rnd gives the jitter (nil: random).
func Probe(ctx context.Context, c *Conn, in <-chan Packet, addr netip.Addr, timeout time.Duration, rnd *rand.Rand) (Result, error) {
	if timeout <= 0 {
		return Result{}, nil
	}
	if rnd == nil {
		rnd = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	unit := timeout / 9
	jitter := func(max time.Duration) time.Duration {
		if max <= 0 {
			return 0
		}
		return time.Duration(rnd.Int64N(int64(max)))
	}
	wait := jitter(probeWaitNinths * unit)
	sent := 0
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return Result{}, ctx.Err()
		case p, ok := <-in:
			if !ok {
				return Result{}, errors.New("probe: ARP socket closed")
			}
			if Conflicts(p, addr, c.hw, true) {
				return Result{Conflict: true, By: p.SenderMAC}, nil
			}
		case <-timer.C:
			if sent == probeNum {
				return Result{}, nil
			}
			if err := c.Send(Packet{Op: OpRequest, SenderMAC: c.hw, SenderIP: netip.IPv4Unspecified(), TargetIP: addr}); err != nil {
				return Result{}, err
			}
			sent++
			if sent < probeNum {
				timer.Reset(probeMinNinths*unit + jitter((probeMaxNinths-probeMinNinths)*unit))
			} else {
				timer.Reset(announceWaitNinth * unit)
			}
		}
	}
}

// Announce sends an ARP announcement for addr (a request with sender and
// target both addr), telling neighbours to update their caches.
func Announce(c *Conn, addr netip.Addr) error {
	return c.Send(Packet{Op: OpRequest, SenderMAC: c.hw, SenderIP: addr, TargetIP: addr})
}

// AnnounceNum is how many announcements RFC 5227 sends, announceInterval
// apart (scaled like the probe).
const AnnounceNum = announceNum
