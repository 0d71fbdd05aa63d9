package nl

import (
	"errors"
	"fmt"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Config describes a socket to open.
type Config struct {
	// Groups are the multicast groups (RTNLGRP_*) to join.
	Groups []uint32
	// RcvBuf is the receive buffer size to force (SO_RCVBUFFORCE, which
	// needs CAP_NET_ADMIN; without it SO_RCVBUF is used and the kernel
	// caps the size at net.core.rmem_max). Zero keeps the default.
	RcvBuf int
	// NonBlock makes the socket non-blocking, for the event reader, which
	// waits with WaitReadable. It is deliberately kept out of Go's
	// poller: that would wake the runtime's scheduler for every datagram
	// of a burst, even while the reader is not waiting. Request sockets
	// are blocking, with Timeout.
	NonBlock bool
	// Timeout bounds how long a blocking request waits for the kernel's
	// answer; zero means 10 s. The kernel answers rtnetlink requests while
	// handling the send, so a long wait means something is badly wrong.
	Timeout time.Duration
}

// Conn is a NETLINK_ROUTE socket. Request, Get and Dump may be used by one
// goroutine at a time; Recv* by one reader goroutine; Close from anywhere.
type Conn struct {
	fd   int
	wake int // eventfd that interrupts WaitReadable (non-blocking sockets)
	pid  uint32
	seq  atomic.Uint32
	// rcvbuf is the effective receive buffer size the kernel reports.
	rcvbuf int
}

// Dial opens a socket in the calling thread's network namespace. Callers
// that need another namespace switch the thread first (see
// internal/platform's netns handling).
func Dial(cfg Config) (*Conn, error) {
	typ := unix.SOCK_RAW | unix.SOCK_CLOEXEC
	if cfg.NonBlock {
		typ |= unix.SOCK_NONBLOCK
	}
	fd, err := unix.Socket(unix.AF_NETLINK, typ, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("netlink socket: %w", err)
	}
	c := &Conn{fd: fd, wake: -1}
	if err := c.setup(cfg); err != nil {
		unix.Close(fd)
		return nil, err
	}
	if cfg.NonBlock {
		w, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
		if err != nil {
			unix.Close(fd)
			return nil, fmt.Errorf("netlink wake-up eventfd: %w", err)
		}
		c.wake = w
	}
	return c, nil
}

func (c *Conn) setup(cfg Config) error {
	if err := unix.Bind(c.fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("netlink bind: %w", err)
	}
	sa, err := unix.Getsockname(c.fd)
	if err != nil {
		return fmt.Errorf("netlink getsockname: %w", err)
	}
	if nsa, ok := sa.(*unix.SockaddrNetlink); ok {
		c.pid = nsa.Pid
	}
	for _, g := range cfg.Groups {
		if err := unix.SetsockoptInt(c.fd, unix.SOL_NETLINK, unix.NETLINK_ADD_MEMBERSHIP, int(g)); err != nil {
			return fmt.Errorf("netlink join group %d: %w", g, err)
		}
	}
	if cfg.RcvBuf > 0 {
		if err := unix.SetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, cfg.RcvBuf); err != nil {
			if err := unix.SetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_RCVBUF, cfg.RcvBuf); err != nil {
				return fmt.Errorf("netlink receive buffer %d: %w", cfg.RcvBuf, err)
			}
		}
	}
	if v, err := unix.GetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_RCVBUF); err == nil {
		c.rcvbuf = v
	}
	// Readable errors from the kernel, dumps filtered by the kernel as
	// asked, and acknowledgements that do not echo the whole request.
	// Kernels too old for an option simply lack the feature.
	_ = unix.SetsockoptInt(c.fd, unix.SOL_NETLINK, unix.NETLINK_EXT_ACK, 1)
	_ = unix.SetsockoptInt(c.fd, unix.SOL_NETLINK, unix.NETLINK_GET_STRICT_CHK, 1)
	_ = unix.SetsockoptInt(c.fd, unix.SOL_NETLINK, unix.NETLINK_CAP_ACK, 1)
	if !cfg.NonBlock {
		t := cfg.Timeout
		if t <= 0 {
			t = 10 * time.Second
		}
		tv := unix.NsecToTimeval(t.Nanoseconds())
		if err := unix.SetsockoptTimeval(c.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
			return fmt.Errorf("netlink receive timeout: %w", err)
		}
	}
	return nil
}

// PortID is the socket's netlink port id; notifications caused by this
// socket's requests carry it.
func (c *Conn) PortID() uint32 { return c.pid }

// RcvBuf is the receive buffer size in effect (as the kernel reports it,
// which is twice what was asked for).
func (c *Conn) RcvBuf() int { return c.rcvbuf }

// Close closes the socket. A goroutine waiting in WaitReadable must have
// been woken (Wake) and have returned first.
func (c *Conn) Close() error {
	if c.wake >= 0 {
		unix.Close(c.wake)
		c.wake = -1
	}
	return unix.Close(c.fd)
}

// ErrWoken is returned by WaitReadable when Wake interrupted it.
var ErrWoken = errors.New("netlink wait interrupted")

// SetFilter attaches a classic BPF program that the kernel runs on each
// datagram before queueing it; datagrams it rejects never reach the
// socket and are not counted as drops.
func (c *Conn) SetFilter(prog []unix.SockFilter) error {
	fp := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if err := unix.SetsockoptSockFprog(c.fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &fp); err != nil {
		return fmt.Errorf("netlink attach filter: %w", err)
	}
	return nil
}

func (c *Conn) nextSeq() uint32 {
	s := c.seq.Add(1)
	if s == 0 {
		s = c.seq.Add(1)
	}
	return s
}

func (c *Conn) send(msg []byte, seq uint32) error {
	ne.PutUint32(msg[8:12], seq)
	ne.PutUint32(msg[12:16], c.pid)
	for {
		err := unix.Sendto(c.fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("netlink send: %w", err)
		}
		return nil
	}
}

// recv reads one datagram on a blocking socket.
func (c *Conn) recv(buf []byte) (int, error) {
	for {
		n, _, err := unix.Recvfrom(c.fd, buf, 0)
		if err == unix.EINTR {
			continue
		}
		if err == unix.EAGAIN {
			return 0, fmt.Errorf("netlink: no answer from the kernel: %w", unix.ETIMEDOUT)
		}
		return n, err
	}
}

// Request sends msg (from Builder.Message) with NLM_F_ACK and waits for the
// kernel's acknowledgement. A kernel error is returned as *Error.
func (c *Conn) Request(msg []byte) error {
	return c.Get(msg, nil)
}

// Get sends msg with NLM_F_ACK and passes each answer message (for
// example the RTM_NEWLINK answering an RTM_GETLINK) to fn until the
// acknowledgement. fn may be nil.
func (c *Conn) Get(msg []byte, fn func(h Header, payload []byte) error) error {
	ne.PutUint16(msg[6:8], ne.Uint16(msg[6:8])|unix.NLM_F_ACK)
	seq := c.nextSeq()
	if err := c.send(msg, seq); err != nil {
		return err
	}
	buf := make([]byte, 32*1024)
	for {
		n, err := c.recv(buf)
		if err != nil {
			return fmt.Errorf("netlink receive: %w", err)
		}
		done := false
		var kerr error
		err = Messages(buf[:n], func(h Header, p []byte) error {
			if h.Seq != seq || h.PID != c.pid {
				return nil // a late answer to an earlier request
			}
			switch h.Type {
			case unix.NLMSG_ERROR:
				done = true
				kerr = parseError(h, p)
				return nil
			case unix.NLMSG_DONE:
				done = true
				return nil
			}
			if fn != nil {
				return fn(h, p)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if done {
			return kerr
		}
	}
}

// DumpResult tells how a dump ended.
type DumpResult struct {
	// Interrupted is set when the kernel flagged a message of the dump
	// with NLM_F_DUMP_INTR: the objects changed while the dump ran, so it
	// may be inconsistent and must be repeated.
	Interrupted bool
	// Messages counts the data messages seen.
	Messages int
}

// Dump sends msg with NLM_F_DUMP and passes every answer message to fn.
func (c *Conn) Dump(msg []byte, buf []byte, fn func(h Header, payload []byte) error) (DumpResult, error) {
	var res DumpResult
	ne.PutUint16(msg[6:8], ne.Uint16(msg[6:8])|unix.NLM_F_DUMP)
	seq := c.nextSeq()
	if err := c.send(msg, seq); err != nil {
		return res, err
	}
	if len(buf) == 0 {
		buf = make([]byte, 32*1024)
	}
	for {
		n, err := c.recv(buf)
		if err != nil {
			return res, fmt.Errorf("netlink dump receive: %w", err)
		}
		done := false
		var kerr error
		err = Messages(buf[:n], func(h Header, p []byte) error {
			if h.Seq != seq || h.PID != c.pid {
				return nil
			}
			if h.Flags&unix.NLM_F_DUMP_INTR != 0 {
				res.Interrupted = true
			}
			switch h.Type {
			case unix.NLMSG_DONE:
				done = true
				// A dump can end with an error code in NLMSG_DONE.
				if len(p) >= 4 {
					if e := int32(ne.Uint32(p)); e < 0 {
						kerr = &Error{Errno: syscall.Errno(-e), Msg: extAckMsg(h, p[4:], true)}
					}
				}
				return nil
			case unix.NLMSG_ERROR:
				done = true
				kerr = parseError(h, p)
				return nil
			}
			res.Messages++
			return fn(h, p)
		})
		if err != nil {
			// Drain the rest of the dump so the socket stays usable.
			if !done {
				c.drainDump(buf, seq)
			}
			return res, err
		}
		if done {
			return res, kerr
		}
	}
}

func (c *Conn) drainDump(buf []byte, seq uint32) {
	for {
		n, err := c.recv(buf)
		if err != nil {
			return
		}
		done := false
		_ = Messages(buf[:n], func(h Header, _ []byte) error {
			if h.Seq == seq && (h.Type == unix.NLMSG_DONE || h.Type == unix.NLMSG_ERROR) {
				done = true
			}
			return nil
		})
		if done {
			return
		}
	}
}

// mmsghdr is struct mmsghdr of recvmmsg(2).
type mmsghdr struct {
	hdr unix.Msghdr
	len uint32
	_   [4]byte
}

// Batch holds buffers for receiving many datagrams with one recvmmsg(2).
type Batch struct {
	bufs  []byte
	size  int
	iovs  []unix.Iovec
	names []unix.RawSockaddrNetlink
	hdrs  []mmsghdr
	n     int
}

// NewBatch makes room for count datagrams of up to size bytes each.
func NewBatch(count, size int) *Batch {
	b := &Batch{
		bufs:  make([]byte, count*size),
		size:  size,
		iovs:  make([]unix.Iovec, count),
		names: make([]unix.RawSockaddrNetlink, count),
		hdrs:  make([]mmsghdr, count),
	}
	for i := range count {
		b.iovs[i].Base = &b.bufs[i*size]
		b.iovs[i].SetLen(size)
		b.hdrs[i].hdr.Name = (*byte)(unsafe.Pointer(&b.names[i]))
		b.hdrs[i].hdr.Namelen = unix.SizeofSockaddrNetlink
		b.hdrs[i].hdr.Iov = &b.iovs[i]
		b.hdrs[i].hdr.SetIovlen(1)
	}
	return b
}

// Len is the number of datagrams received by the last call.
func (b *Batch) Len() int { return b.n }

// Datagram returns the i-th received datagram, whether the kernel had to
// cut it short (it did not fit the buffer), and whether it came from the
// kernel rather than from another process.
func (b *Batch) Datagram(i int) (data []byte, truncated, fromKernel bool) {
	h := &b.hdrs[i]
	l := int(h.len)
	truncated = h.hdr.Flags&unix.MSG_TRUNC != 0 || l > b.size
	if l > b.size {
		l = b.size
	}
	return b.bufs[i*b.size : i*b.size+l], truncated, b.names[i].Pid == 0
}

func (b *Batch) reset() {
	for i := range b.hdrs {
		b.hdrs[i].len = 0
		b.hdrs[i].hdr.Flags = 0
		b.hdrs[i].hdr.Namelen = unix.SizeofSockaddrNetlink
	}
	b.n = 0
}

// recvmmsg reads as many queued datagrams as fit into b without waiting.
// It returns EAGAIN when nothing is queued and ENOBUFS when the kernel
// dropped messages because the receive buffer was full.
func (b *Batch) recvmmsg(fd int) error {
	b.reset()
	for {
		r, _, errno := unix.Syscall6(unix.SYS_RECVMMSG, uintptr(fd),
			uintptr(unsafe.Pointer(&b.hdrs[0])), uintptr(len(b.hdrs)),
			unix.MSG_DONTWAIT, 0, 0)
		if errno == unix.EINTR {
			continue
		}
		if errno != 0 {
			return errno
		}
		b.n = int(r)
		return nil
	}
}

// TryRecvBatch reads what is queued without waiting; it returns EAGAIN
// when nothing is, ENOBUFS when the kernel dropped messages since the last
// read.
func (c *Conn) TryRecvBatch(b *Batch) error {
	return b.recvmmsg(c.fd)
}

// WaitReadable blocks (in poll(2), on the calling goroutine's thread)
// until the socket has data or an error queued, or Wake is called
// (ErrWoken).
func (c *Conn) WaitReadable() error {
	fds := []unix.PollFd{{Fd: int32(c.fd), Events: unix.POLLIN}, {Fd: int32(c.wake), Events: unix.POLLIN}}
	for {
		_, err := unix.Poll(fds, -1)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("netlink poll: %w", err)
		}
		if fds[1].Revents != 0 {
			var buf [8]byte
			_, _ = unix.Read(c.wake, buf[:])
			return ErrWoken
		}
		return nil
	}
}

// Wake interrupts a current or the next WaitReadable. Safe from any
// goroutine.
func (c *Conn) Wake() {
	var one [8]byte
	ne.PutUint64(one[:], 1)
	_, _ = unix.Write(c.wake, one[:])
}
