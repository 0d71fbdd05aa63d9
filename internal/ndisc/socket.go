package ndisc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// rawSocket is an ICMPv6 raw socket bound to one interface that only
// receives Router Advertisements.
type rawSocket struct {
	f       *os.File
	rc      syscall.RawConn
	ifindex int
}

// openSocket opens the socket in the calling thread's network namespace
// and starts its reader.
func openSocket(ifindex int, deliver func(received) bool) (*rawSocket, error) {
	fd, err := unix.Socket(unix.AF_INET6, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.IPPROTO_ICMPV6)
	if err != nil {
		return nil, fmt.Errorf("ndisc: open ICMPv6 socket: %w", err)
	}
	// Only router advertisements pass the filter (a set bit blocks a type).
	var filter unix.ICMPv6Filter
	for i := range filter.Data {
		filter.Data[i] = 0xffffffff
	}
	filter.Data[icmpRouterAdvertisement>>5] &^= 1 << (icmpRouterAdvertisement & 31)
	steps := []func() error{
		func() error { return unix.SetsockoptICMPv6Filter(fd, unix.SOL_ICMPV6, unix.ICMPV6_FILTER, &filter) },
		func() error { return unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_BINDTOIFINDEX, ifindex) },
		func() error { return unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_RECVHOPLIMIT, 1) },
		func() error { return unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_HOPS, 255) },
		func() error { return unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_UNICAST_HOPS, 255) },
		func() error { return unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_IF, ifindex) },
		func() error {
			// Receive RAs sent to all-routers as well as to all-nodes.
			mreq := &unix.IPv6Mreq{Interface: uint32(ifindex)}
			copy(mreq.Multiaddr[:], netip.MustParseAddr("ff02::2").AsSlice())
			_ = unix.SetsockoptIPv6Mreq(fd, unix.IPPROTO_IPV6, unix.IPV6_JOIN_GROUP, mreq)
			return nil
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			unix.Close(fd)
			return nil, fmt.Errorf("ndisc: ICMPv6 socket setup: %w", err)
		}
	}
	f := os.NewFile(uintptr(fd), "ndisc")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("ndisc: %w", err)
	}
	s := &rawSocket{f: f, rc: rc, ifindex: ifindex}
	go s.read(deliver)
	return s, nil
}

func (s *rawSocket) read(deliver func(received) bool) {
	buf := make([]byte, 65536)
	oob := make([]byte, 128)
	for {
		var n, oobn int
		var from unix.Sockaddr
		var rerr error
		err := s.rc.Read(func(fd uintptr) bool {
			n, oobn, _, from, rerr = unix.Recvmsg(int(fd), buf, oob, 0)
			return rerr != unix.EAGAIN
		})
		if err == nil {
			err = rerr
		}
		if err != nil {
			if errors.Is(err, os.ErrClosed) {
				return
			}
			deliver(received{err: err})
			return
		}
		src, ok := from.(*unix.SockaddrInet6)
		if !ok {
			continue
		}
		srcAddr := netip.AddrFrom16(src.Addr)
		// RFC 4861 6.1.2: link-local source and hop limit 255, so the
		// message cannot come from off-link.
		if !srcAddr.IsLinkLocalUnicast() || hopLimit(oob[:oobn]) != 255 {
			continue
		}
		ra, err := ParseRA(buf[:n])
		if err != nil {
			continue
		}
		if !deliver(received{ra: ra, from: srcAddr}) {
			return
		}
	}
}

func hopLimit(oob []byte) int {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return -1
	}
	for _, m := range msgs {
		if m.Header.Level == unix.IPPROTO_IPV6 && m.Header.Type == unix.IPV6_HOPLIMIT && len(m.Data) >= 4 {
			return int(binary.NativeEndian.Uint32(m.Data))
		}
	}
	return -1
}

// SendRS sends a Router Solicitation to all routers (ff02::2).
func (s *rawSocket) SendRS() error {
	to := &unix.SockaddrInet6{ZoneId: uint32(s.ifindex)}
	copy(to.Addr[:], netip.MustParseAddr("ff02::2").AsSlice())
	var serr error
	err := s.rc.Write(func(fd uintptr) bool {
		serr = unix.Sendto(int(fd), routerSolicitation(), 0, to)
		return serr != unix.EAGAIN
	})
	if err != nil {
		return err
	}
	return serr
}

func (s *rawSocket) Close() error { return s.f.Close() }
