package nl

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Netlink headers and attributes are in host byte order; gonm runs on
// little-endian machines only where it is tested, but the order is taken
// from the platform so the encoding stays right elsewhere.
var ne = binary.NativeEndian

const (
	hdrLen  = unix.SizeofNlMsghdr // 16
	attrHdr = unix.SizeofRtAttr   // 4
)

// align rounds n up to the netlink alignment of 4 bytes.
func align(n int) int { return (n + 3) &^ 3 }

// Header is a decoded nlmsghdr.
type Header struct {
	Len   uint32
	Type  uint16
	Flags uint16
	Seq   uint32
	PID   uint32
}

// ErrTruncated reports a message or attribute that claims more bytes than
// the buffer holds.
var ErrTruncated = errors.New("netlink: truncated message")

// Messages walks the netlink messages in buf, calling fn for each with its
// header and payload (the bytes after the header). It stops at the first
// error fn returns, or with ErrTruncated for a malformed buffer. The
// payload aliases buf.
func Messages(buf []byte, fn func(h Header, payload []byte) error) error {
	for len(buf) >= hdrLen {
		h := Header{
			Len:   ne.Uint32(buf[0:4]),
			Type:  ne.Uint16(buf[4:6]),
			Flags: ne.Uint16(buf[6:8]),
			Seq:   ne.Uint32(buf[8:12]),
			PID:   ne.Uint32(buf[12:16]),
		}
		if h.Len < hdrLen || int(h.Len) > len(buf) {
			return fmt.Errorf("%w: header length %d, %d bytes left", ErrTruncated, h.Len, len(buf))
		}
		if err := fn(h, buf[hdrLen:h.Len]); err != nil {
			return err
		}
		next := align(int(h.Len))
		if next >= len(buf) {
			return nil
		}
		buf = buf[next:]
	}
	if len(buf) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", ErrTruncated, len(buf))
	}
	return nil
}

// Attrs iterates over netlink attributes without allocating:
//
//	for it := nl.NewAttrs(b); it.Next(); { switch it.Type() { ... } }
//
// A malformed attribute ends the iteration and sets Err.
type Attrs struct {
	b   []byte
	typ uint16
	val []byte
	err error
}

// NewAttrs starts an iteration over b.
func NewAttrs(b []byte) Attrs { return Attrs{b: b} }

// Next advances to the next attribute and reports whether there is one.
func (a *Attrs) Next() bool {
	if len(a.b) < attrHdr {
		if len(a.b) != 0 && a.err == nil {
			a.err = fmt.Errorf("%w: %d bytes of attribute header", ErrTruncated, len(a.b))
		}
		a.b = nil
		return false
	}
	l := int(ne.Uint16(a.b[0:2]))
	if l < attrHdr || l > len(a.b) {
		a.err = fmt.Errorf("%w: attribute length %d, %d bytes left", ErrTruncated, l, len(a.b))
		a.b = nil
		return false
	}
	// The top two bits of the type are NLA_F_NESTED and
	// NLA_F_NET_BYTEORDER; callers match on the type alone.
	a.typ = ne.Uint16(a.b[2:4]) &^ (unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER)
	a.val = a.b[attrHdr:l]
	n := align(l)
	if n > len(a.b) {
		n = len(a.b)
	}
	a.b = a.b[n:]
	return true
}

// Type is the current attribute's type, without the nested and byte-order
// flags.
func (a *Attrs) Type() uint16 { return a.typ }

// Value is the current attribute's payload; it aliases the message.
func (a *Attrs) Value() []byte { return a.val }

// Err is the first malformation met, if any.
func (a *Attrs) Err() error { return a.err }

// Typed accessors for attribute payloads. Short payloads yield zero and
// false, so a malformed message never panics.

// U8 decodes a one-byte attribute.
func U8(b []byte) (uint8, bool) {
	if len(b) < 1 {
		return 0, false
	}
	return b[0], true
}

// U16 decodes a host-order two-byte attribute.
func U16(b []byte) (uint16, bool) {
	if len(b) < 2 {
		return 0, false
	}
	return ne.Uint16(b), true
}

// U32 decodes a host-order four-byte attribute.
func U32(b []byte) (uint32, bool) {
	if len(b) < 4 {
		return 0, false
	}
	return ne.Uint32(b), true
}

// U64 decodes a host-order eight-byte attribute.
func U64(b []byte) (uint64, bool) {
	if len(b) < 8 {
		return 0, false
	}
	return ne.Uint64(b), true
}

// BE16 decodes a network-order two-byte attribute (ports).
func BE16(b []byte) (uint16, bool) {
	if len(b) < 2 {
		return 0, false
	}
	return binary.BigEndian.Uint16(b), true
}

// String decodes a NUL-terminated string attribute.
func String(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// StringEquals reports whether a NUL-terminated attribute equals s,
// without allocating.
func StringEquals(b []byte, s string) bool {
	n := len(b)
	for i, c := range b {
		if c == 0 {
			n = i
			break
		}
	}
	return string(b[:n]) == s
}
