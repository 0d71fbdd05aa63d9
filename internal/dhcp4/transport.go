package dhcp4

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/mdlayher/packet"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

const (
	clientPort = 68
	serverPort = 67
)

// transport sends DHCP messages; replies go to the deliver function given
// when it was opened, which reports false once the client is gone.
type transport interface {
	// Broadcast sends from src:68 to 255.255.255.255:67 on the link layer
	// broadcast address (packet socket: works without a configured address).
	Broadcast(m *dhcpv4.DHCPv4, src netip.Addr) error
	// Unicast sends to server:67 through the kernel's UDP stack (RENEW,
	// RELEASE: the leased address is configured then).
	Unicast(m *dhcpv4.DHCPv4, server netip.Addr) error
	Close() error
}

type sockets struct {
	pkt *packet.Conn
	udp net.PacketConn
}

// udpPort68Filter accepts unfragmented IPv4 UDP datagrams to port 68, so
// the packet socket does not wake up for other traffic.
var udpPort68Filter = func() []bpf.RawInstruction {
	prog, err := bpf.Assemble([]bpf.Instruction{
		bpf.LoadAbsolute{Off: 9, Size: 1},                           // IP protocol
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: 17, SkipFalse: 6},      // UDP?
		bpf.LoadAbsolute{Off: 6, Size: 2},                           // flags/fragment offset
		bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: 0x1fff, SkipTrue: 4}, // a fragment?
		bpf.LoadMemShift{Off: 0},                                    // X = IP header length
		bpf.LoadIndirect{Off: 2, Size: 2},                           // UDP destination port
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: clientPort, SkipFalse: 1},
		bpf.RetConstant{Val: 0xffff},
		bpf.RetConstant{Val: 0},
	})
	if err != nil {
		panic(err)
	}
	return prog
}()

// openTransport opens the packet and UDP sockets on the interface, in the
// calling thread's network namespace, and starts their readers.
func openTransport(ifindex int, hw net.HardwareAddr, deliver func(received) bool) (transport, error) {
	ifi := &net.Interface{Index: ifindex, HardwareAddr: hw}
	pkt, err := packet.Listen(ifi, packet.Datagram, unix.ETH_P_IP, &packet.Config{Filter: udpPort68Filter})
	if err != nil {
		return nil, fmt.Errorf("dhcp4: open packet socket on ifindex %d: %w", ifindex, err)
	}
	udp, err := openUDP(ifindex)
	if err != nil {
		pkt.Close()
		return nil, err
	}
	s := &sockets{pkt: pkt, udp: udp}
	go s.readPacket(deliver)
	go s.readUDP(deliver)
	return s, nil
}

func openUDP(ifindex int) (net.PacketConn, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.IPPROTO_UDP)
	if err != nil {
		return nil, fmt.Errorf("dhcp4: open UDP socket: %w", err)
	}
	opts := []struct{ level, opt, val int }{
		{unix.SOL_SOCKET, unix.SO_REUSEADDR, 1},
		{unix.SOL_SOCKET, unix.SO_BROADCAST, 1},
		{unix.SOL_SOCKET, unix.SO_BINDTOIFINDEX, ifindex},
		{unix.IPPROTO_IP, unix.IP_FREEBIND, 1},
	}
	for _, o := range opts {
		if err := unix.SetsockoptInt(fd, o.level, o.opt, o.val); err != nil {
			unix.Close(fd)
			return nil, fmt.Errorf("dhcp4: UDP socket option %d: %w", o.opt, err)
		}
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Port: clientPort}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("dhcp4: bind UDP port %d: %w", clientPort, err)
	}
	f := os.NewFile(uintptr(fd), "dhcp4-udp")
	defer f.Close()
	pc, err := net.FilePacketConn(f)
	if err != nil {
		return nil, fmt.Errorf("dhcp4: UDP socket: %w", err)
	}
	return pc, nil
}

func (s *sockets) readPacket(deliver func(received) bool) {
	buf := make([]byte, 65536)
	for {
		n, _, err := s.pkt.ReadFrom(buf)
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				deliver(received{err: err})
			}
			return
		}
		payload, ok := parseUDPFrame(buf[:n])
		if !ok {
			continue
		}
		if m, err := dhcpv4.FromBytes(payload); err == nil {
			if !deliver(received{msg: m}) {
				return
			}
		}
	}
}

func (s *sockets) readUDP(deliver func(received) bool) {
	buf := make([]byte, 65536)
	for {
		n, _, err := s.udp.ReadFrom(buf)
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				deliver(received{err: err})
			}
			return
		}
		if m, err := dhcpv4.FromBytes(buf[:n]); err == nil {
			if !deliver(received{msg: m}) {
				return
			}
		}
	}
}

var broadcastMAC = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

func (s *sockets) Broadcast(m *dhcpv4.DHCPv4, src netip.Addr) error {
	frame := buildUDPFrame(m.ToBytes(), src, netip.AddrFrom4([4]byte{255, 255, 255, 255}))
	_, err := s.pkt.WriteTo(frame, &packet.Addr{HardwareAddr: broadcastMAC})
	return err
}

func (s *sockets) Unicast(m *dhcpv4.DHCPv4, server netip.Addr) error {
	_, err := s.udp.WriteTo(m.ToBytes(), &net.UDPAddr{IP: server.AsSlice(), Port: serverPort})
	return err
}

func (s *sockets) Close() error {
	e1 := s.pkt.Close()
	e2 := s.udp.Close()
	return errors.Join(e1, e2)
}

// buildUDPFrame wraps a DHCP message in IPv4 and UDP headers (TTL 64, UDP
// checksum set).
func buildUDPFrame(payload []byte, src, dst netip.Addr) []byte {
	b := make([]byte, 28+len(payload))
	b[0] = 0x45
	b[1] = 0x10 // low delay, as DHCP clients traditionally set
	binary.BigEndian.PutUint16(b[2:4], uint16(len(b)))
	b[8] = 64
	b[9] = 17
	s, d := src.As4(), dst.As4()
	copy(b[12:16], s[:])
	copy(b[16:20], d[:])
	binary.BigEndian.PutUint16(b[10:12], ^checksum(b[:20], 0))
	u := b[20:]
	binary.BigEndian.PutUint16(u[0:2], clientPort)
	binary.BigEndian.PutUint16(u[2:4], serverPort)
	binary.BigEndian.PutUint16(u[4:6], uint16(8+len(payload)))
	copy(u[8:], payload)
	cs := ^checksum(u, pseudoHeaderSum(s, d, len(u)))
	if cs == 0 {
		cs = 0xffff
	}
	binary.BigEndian.PutUint16(u[6:8], cs)
	return b
}

func pseudoHeaderSum(src, dst [4]byte, udpLen int) uint32 {
	var sum uint32
	sum += uint32(src[0])<<8 | uint32(src[1])
	sum += uint32(src[2])<<8 | uint32(src[3])
	sum += uint32(dst[0])<<8 | uint32(dst[1])
	sum += uint32(dst[2])<<8 | uint32(dst[3])
	sum += 17
	sum += uint32(udpLen)
	return sum
}

// checksum is the Internet checksum (not yet complemented) over b, added
// to an initial partial sum.
func checksum(b []byte, initial uint32) uint16 {
	sum := initial
	for len(b) >= 2 {
		sum += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	return uint16(sum)
}

// parseUDPFrame extracts the UDP payload of an IPv4 datagram to port 68,
// checking the headers and the IP checksum; anything else is rejected.
func parseUDPFrame(b []byte) ([]byte, bool) {
	if len(b) < 20 || b[0]>>4 != 4 {
		return nil, false
	}
	ihl := int(b[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(b[2:4]))
	if ihl < 20 || total < ihl+8 || total > len(b) || b[9] != 17 {
		return nil, false
	}
	if binary.BigEndian.Uint16(b[6:8])&0x3fff != 0 {
		return nil, false // fragmented
	}
	if checksum(b[:ihl], 0) != 0xffff {
		return nil, false
	}
	u := b[ihl:total]
	if binary.BigEndian.Uint16(u[2:4]) != clientPort {
		return nil, false
	}
	ulen := int(binary.BigEndian.Uint16(u[4:6]))
	if ulen < 8 || ulen > len(u) {
		return nil, false
	}
	// The UDP checksum is not checked: frames from a local veth or with
	// checksum offload carry only a partial checksum when captured.
	u = u[:ulen]
	return u[8:], true
}
