package dhcpid

import (
	"encoding/binary"
	"net/netip"
)

// IPv4LL SipHash keys: the MAC seed key is systemd's, the pick key
// NetworkManager's.
var (
	ipv4llMACKey  = [16]byte{0xdf, 0x04, 0x22, 0x98, 0x3f, 0xad, 0x14, 0x52, 0xf9, 0x87, 0x2e, 0xd1, 0x9c, 0x70, 0xe2, 0xf2}
	ipv4llPickKey = [16]byte{0x15, 0xac, 0x82, 0xa6, 0xd6, 0x3f, 0x49, 0x78, 0x98, 0x77, 0x5d, 0x0c, 0x69, 0x02, 0x94, 0x0b}
)

// IPv4LLGenerator yields the sequence of 169.254/16 candidates
// NetworkManager tries for a MAC address: the same MAC always gives the
// same first address, and each conflict moves to the next.
type IPv4LLGenerator struct {
	seed       uint64
	generation uint64
	last       netip.Addr
}

// NewIPv4LLGenerator seeds the sequence with the interface's MAC address.
func NewIPv4LLGenerator(mac []byte) *IPv4LLGenerator {
	return &IPv4LLGenerator{seed: sipHash24(ipv4llMACKey, mac)}
}

// Next returns the next candidate, never x.x.0.x or x.x.255.x and never the
// previous one.
func (g *IPv4LLGenerator) Next() netip.Addr {
	for {
		var buf [16]byte
		binary.LittleEndian.PutUint64(buf[0:8], g.seed)
		binary.LittleEndian.PutUint64(buf[8:16], g.generation)
		h := sipHash24(ipv4llPickKey, buf[:])
		g.generation++
		a := netip.AddrFrom4([4]byte{169, 254, byte(h >> 8), byte(h)})
		third := byte(h >> 8)
		if a == g.last || third == 0 || third == 0xff {
			continue
		}
		g.last = a
		return a
	}
}
