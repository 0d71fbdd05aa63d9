package nl

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// Builder encodes one request: a header, a fixed family header (ifinfomsg,
// ifaddrmsg, rtmsg, fib_rule_hdr ...) and attributes, nested as needed.
// The zero value is not usable; use NewRequest.
type Builder struct {
	b []byte
}

// NewRequest starts a message of the given type and flags (NLM_F_REQUEST
// is added) whose body begins with fixed, the family header in its wire
// form.
func NewRequest(typ, flags uint16, fixed []byte) *Builder {
	b := &Builder{b: make([]byte, hdrLen, 256)}
	ne.PutUint16(b.b[4:6], typ)
	ne.PutUint16(b.b[6:8], flags|unix.NLM_F_REQUEST)
	b.b = append(b.b, fixed...)
	b.pad()
	return b
}

func (b *Builder) pad() {
	for len(b.b)%4 != 0 {
		b.b = append(b.b, 0)
	}
}

// Bytes appends an attribute with a raw payload.
func (b *Builder) Bytes(typ uint16, v []byte) {
	l := attrHdr + len(v)
	b.b = ne.AppendUint16(b.b, uint16(l))
	b.b = ne.AppendUint16(b.b, typ)
	b.b = append(b.b, v...)
	b.pad()
}

// Flag appends an attribute without payload.
func (b *Builder) Flag(typ uint16) { b.Bytes(typ, nil) }

// U8 appends a one-byte attribute.
func (b *Builder) U8(typ uint16, v uint8) { b.Bytes(typ, []byte{v}) }

// U16 appends a host-order two-byte attribute.
func (b *Builder) U16(typ uint16, v uint16) { b.Bytes(typ, ne.AppendUint16(nil, v)) }

// U32 appends a host-order four-byte attribute.
func (b *Builder) U32(typ uint16, v uint32) { b.Bytes(typ, ne.AppendUint32(nil, v)) }

// U64 appends a host-order eight-byte attribute.
func (b *Builder) U64(typ uint16, v uint64) { b.Bytes(typ, ne.AppendUint64(nil, v)) }

// BE16 appends a network-order two-byte attribute.
func (b *Builder) BE16(typ uint16, v uint16) { b.Bytes(typ, binary.BigEndian.AppendUint16(nil, v)) }

// String appends a NUL-terminated string attribute.
func (b *Builder) String(typ uint16, s string) { b.Bytes(typ, append([]byte(s), 0)) }

// Nest opens a nested attribute; End closes it.
func (b *Builder) Nest(typ uint16) int {
	off := len(b.b)
	b.b = ne.AppendUint16(b.b, 0)
	b.b = ne.AppendUint16(b.b, typ|unix.NLA_F_NESTED)
	return off
}

// End closes the nested attribute opened at off.
func (b *Builder) End(off int) {
	ne.PutUint16(b.b[off:off+2], uint16(len(b.b)-off))
}

// Message returns the encoded message with its length set. Seq and PID are
// filled in when it is sent.
func (b *Builder) Message() []byte {
	ne.PutUint32(b.b[0:4], uint32(len(b.b)))
	return b.b
}

// Fixed returns the bytes of the family header and attributes (the
// message without the netlink header), for tests.
func (b *Builder) Fixed() []byte { return b.b[hdrLen:] }

// Raw appends bytes as they are (a nested fixed header such as the veth
// peer's ifinfomsg), padded to alignment.
func (b *Builder) Raw(v []byte) {
	b.b = append(b.b, v...)
	b.pad()
}
