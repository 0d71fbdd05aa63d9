package nl

import (
	"testing"
)

// FuzzMessages walks arbitrary bytes as netlink messages and their
// attributes, nested ones included; it must never panic or loop.
func FuzzMessages(f *testing.F) {
	f.Add([]byte{20, 0, 0, 0, 16, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 8, 0, 3, 0})
	f.Add(NewRequest(24, 0x600, make([]byte, 12)).Message())
	f.Fuzz(func(t *testing.T, buf []byte) {
		_ = Messages(buf, func(h Header, p []byte) error {
			if int(h.Len) != len(p)+16 {
				t.Fatalf("header length %d, payload %d", h.Len, len(p))
			}
			walk(p, 0)
			if len(p) > 16 {
				walk(p[16:], 0)
			}
			return nil
		})
		var e Error
		_ = parseError(Header{Flags: 0x300}, buf)
		_ = e
	})
}

func walk(b []byte, depth int) {
	if depth > 4 {
		return
	}
	for it := NewAttrs(b); it.Next(); {
		v := it.Value()
		U8(v)
		U16(v)
		U32(v)
		U64(v)
		BE16(v)
		_ = String(v)
		walk(v, depth+1)
	}
}
