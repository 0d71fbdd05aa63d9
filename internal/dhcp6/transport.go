package dhcp6

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"

	"github.com/insomniacslk/dhcp/dhcpv6"
	"golang.org/x/sys/unix"
)

const (
	clientPort = 546
	serverPort = 547
)

// allServers is All_DHCP_Relay_Agents_and_Servers.
var allServers = netip.MustParseAddr("ff02::1:2")

type udpTransport struct {
	conn    net.PacketConn
	ifindex int
}

// openTransport opens [::]:546 bound to the interface, in the calling
// thread's network namespace, and starts the reader.
func openTransport(ifindex int, deliver func(received) bool) (*udpTransport, error) {
	fd, err := unix.Socket(unix.AF_INET6, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.IPPROTO_UDP)
	if err != nil {
		return nil, fmt.Errorf("dhcp6: open UDP socket: %w", err)
	}
	for _, o := range []struct{ level, opt, val int }{
		{unix.SOL_SOCKET, unix.SO_REUSEADDR, 1},
		{unix.SOL_SOCKET, unix.SO_BINDTOIFINDEX, ifindex},
		{unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1},
		{unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_IF, ifindex},
		{unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_LOOP, 0},
	} {
		if err := unix.SetsockoptInt(fd, o.level, o.opt, o.val); err != nil {
			unix.Close(fd)
			return nil, fmt.Errorf("dhcp6: socket option %d: %w", o.opt, err)
		}
	}
	if err := unix.Bind(fd, &unix.SockaddrInet6{Port: clientPort}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("dhcp6: bind port %d: %w", clientPort, err)
	}
	f := os.NewFile(uintptr(fd), "dhcp6")
	defer f.Close()
	pc, err := net.FilePacketConn(f)
	if err != nil {
		return nil, fmt.Errorf("dhcp6: %w", err)
	}
	t := &udpTransport{conn: pc, ifindex: ifindex}
	go t.read(deliver)
	return t, nil
}

func (t *udpTransport) read(deliver func(received) bool) {
	buf := make([]byte, 65536)
	for {
		n, _, err := t.conn.ReadFrom(buf)
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				deliver(received{err: err})
			}
			return
		}
		m, err := dhcpv6.MessageFromBytes(buf[:n])
		if err != nil {
			continue // malformed: dropped
		}
		if !deliver(received{msg: m}) {
			return
		}
	}
}

// Send multicasts to all servers on the link.
func (t *udpTransport) Send(m *dhcpv6.Message) error {
	_, err := t.conn.WriteTo(m.ToBytes(), &net.UDPAddr{IP: allServers.AsSlice(), Port: serverPort, Zone: fmt.Sprint(t.ifindex)})
	return err
}

func (t *udpTransport) Close() error { return t.conn.Close() }
