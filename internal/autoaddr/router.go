package autoaddr

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/loop"
)

// NetworkManager's router-mode constants (RFC 4861's defaults).
const (
	raInitialCount    = 3                // MAX_INITIAL_RTR_ADVERTISEMENTS
	raMinDelay        = 3 * time.Second  // MIN_DELAY_BETWEEN_RAS
	raInitialInterval = 16 * time.Second // MAX_INITIAL_RTR_ADVERT_INTERVAL
	raSolicitedDelay  = 500 * time.Millisecond
	raMaxInterval     = 600 * time.Second // MaxRtrAdvInterval
	raRouterLifetime  = 900               // seconds, 1.5 × raMaxInterval
	raDNSLifetime     = 900
)

// RAPrefix is a /64 a router announces for SLAAC.
type RAPrefix struct {
	Prefix           netip.Prefix
	Valid, Preferred uint32 // seconds; 0xffffffff: infinite
}

// RAConfig is what a router advertisement says.
type RAConfig struct {
	Prefixes []RAPrefix
	DNS      []netip.Addr
	Domains  []string
}

// BuildRA encodes a Router Advertisement as NetworkManager's router mode
// sends it: no flags, router lifetime 900 s, each prefix on-link and
// autonomous, then RDNSS and DNSSL with lifetime 900 s. The checksum is
// left to the kernel (raw ICMPv6 sockets fill it in).
func BuildRA(c RAConfig) []byte {
	b := make([]byte, 16, 256)
	b[0] = 134 // router advertisement
	binary.BigEndian.PutUint16(b[6:8], raRouterLifetime)
	for _, p := range c.Prefixes {
		o := make([]byte, 32)
		o[0], o[1], o[2], o[3] = 3, 4, 64, 0xc0 // prefix information, L and A
		binary.BigEndian.PutUint32(o[4:8], p.Valid)
		binary.BigEndian.PutUint32(o[8:12], p.Preferred)
		a := p.Prefix.Masked().Addr().As16()
		copy(o[16:24], a[:8])
		b = append(b, o...)
	}
	if len(c.DNS) > 0 {
		o := make([]byte, 8, 8+16*len(c.DNS))
		o[0], o[1] = 25, byte(1+2*len(c.DNS))
		binary.BigEndian.PutUint32(o[4:8], raDNSLifetime)
		for _, d := range c.DNS {
			a := d.As16()
			o = append(o, a[:]...)
		}
		b = append(b, o...)
	}
	var names []byte
	for _, d := range c.Domains {
		w, ok := dnsWire(d)
		if ok {
			names = append(names, w...)
		}
	}
	if len(names) > 0 {
		o := make([]byte, 8, 8+len(names)+7)
		o = append(o, names...)
		for len(o)%8 != 0 {
			o = append(o, 0)
		}
		if len(o)/8 < 256 {
			o[0], o[1] = 31, byte(len(o)/8)
			binary.BigEndian.PutUint32(o[4:8], raDNSLifetime)
			b = append(b, o...)
		}
	}
	return b
}

// dnsWire encodes a domain name in DNS wire format (labels, then a zero).
func dnsWire(name string) ([]byte, bool) {
	name = strings.TrimSuffix(name, ".")
	if name == "" || len(name) > 253 {
		return nil, false
	}
	var w []byte
	for _, l := range strings.Split(name, ".") {
		if l == "" || len(l) > 63 {
			return nil, false
		}
		w = append(w, byte(len(l)))
		w = append(w, l...)
	}
	return append(w, 0), true
}

// router announces prefixes on one interface (ipv6.method shared): it
// answers Router Solicitations and sends unsolicited advertisements with
// NetworkManager's schedule. The socket reader runs on its own goroutine;
// the schedule and the configuration live on the loop.
type router struct {
	l       *loop.Loop
	ifindex int
	f       *os.File
	rc      syscall.RawConn
	cfg     RAConfig
	timer   *loop.Timer
	left    int
	lastRA  time.Time
	sendErr func(error)
	stopped bool
}

// openRouter opens the socket in the calling thread's network namespace.
func openRouter(l *loop.Loop, ifindex int, post func(func()), sendErr func(error)) (*router, error) {
	fd, err := unix.Socket(unix.AF_INET6, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.IPPROTO_ICMPV6)
	if err != nil {
		return nil, fmt.Errorf("router: open ICMPv6 socket: %w", err)
	}
	var filter unix.ICMPv6Filter
	for i := range filter.Data {
		filter.Data[i] = 0xffffffff
	}
	filter.Data[133>>5] &^= 1 << (133 & 31) // only router solicitations
	steps := []func() error{
		func() error { return unix.SetsockoptICMPv6Filter(fd, unix.SOL_ICMPV6, unix.ICMPV6_FILTER, &filter) },
		func() error { return unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_BINDTOIFINDEX, ifindex) },
		func() error { return unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_HOPS, 255) },
		func() error { return unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_UNICAST_HOPS, 255) },
		func() error { return unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_IF, ifindex) },
		func() error { return unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_LOOP, 0) },
		func() error {
			mreq := &unix.IPv6Mreq{Interface: uint32(ifindex)}
			copy(mreq.Multiaddr[:], netip.MustParseAddr("ff02::2").AsSlice())
			return unix.SetsockoptIPv6Mreq(fd, unix.IPPROTO_IPV6, unix.IPV6_JOIN_GROUP, mreq)
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			unix.Close(fd)
			return nil, fmt.Errorf("router: ICMPv6 socket setup: %w", err)
		}
	}
	f := os.NewFile(uintptr(fd), "router")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("router: %w", err)
	}
	r := &router{l: l, ifindex: ifindex, f: f, rc: rc, sendErr: sendErr}
	go r.read(post)
	return r, nil
}

// read waits for solicitations and hands each to the loop.
func (r *router) read(post func(func())) {
	buf := make([]byte, 1500)
	for {
		var n int
		var rerr error
		err := r.rc.Read(func(fd uintptr) bool {
			n, _, rerr = unix.Recvfrom(int(fd), buf, 0)
			return rerr != unix.EAGAIN
		})
		if err == nil {
			err = rerr
		}
		if err != nil {
			return // closed
		}
		if n >= 8 && buf[0] == 133 && buf[1] == 0 {
			post(r.solicited)
		}
	}
}

// setConfig changes what is announced and starts the initial
// announcements again.
func (r *router) setConfig(c RAConfig) {
	r.cfg = c
	r.announceInitial()
}

func (r *router) schedule(d time.Duration) {
	if r.timer == nil {
		r.timer = r.l.AfterFunc(d, r.announce)
	} else {
		r.timer.Reset(d)
	}
}

func randDuration(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + rand.N(hi-lo)
}

func (r *router) announceInitial() {
	r.left = raInitialCount
	if time.Since(r.lastRA) > raMinDelay && r.timer != nil {
		r.timer.Stop()
	}
	if r.timer == nil || !r.timer.Pending() {
		// Whole seconds, as NetworkManager draws them.
		r.schedule(time.Duration(rand.IntN(int(raMinDelay/time.Second))) * time.Second)
	}
}

func (r *router) solicited() {
	if r.stopped {
		return
	}
	if time.Since(r.lastRA) > raMinDelay && r.timer != nil {
		r.timer.Stop()
	}
	if r.timer == nil || !r.timer.Pending() {
		r.schedule(randDuration(0, raSolicitedDelay))
	}
}

func (r *router) announce() {
	if r.stopped {
		return
	}
	r.lastRA = time.Now()
	if err := r.send(BuildRA(r.cfg)); err != nil && r.sendErr != nil {
		r.sendErr(err)
	}
	r.left--
	if r.left > 0 {
		r.schedule(time.Duration(rand.IntN(int((raInitialInterval-raMinDelay)/time.Second)))*time.Second + raMinDelay)
		return
	}
	r.left = 1
	r.schedule(raMaxInterval)
}

func (r *router) send(msg []byte) error {
	to := &unix.SockaddrInet6{ZoneId: uint32(r.ifindex)}
	copy(to.Addr[:], netip.MustParseAddr("ff02::1").AsSlice())
	var serr error
	err := r.rc.Write(func(fd uintptr) bool {
		serr = unix.Sendto(int(fd), msg, 0, to)
		return serr != unix.EAGAIN
	})
	if err != nil {
		return err
	}
	if serr != nil {
		return fmt.Errorf("send router advertisement: %w", serr)
	}
	return nil
}

func (r *router) close() {
	r.stopped = true
	if r.timer != nil {
		r.timer.Stop()
	}
	if err := r.f.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
		r.sendErr(err)
	}
}
