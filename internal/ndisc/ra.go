package ndisc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Preference is a router or route preference (RFC 4191) as its two-bit
// wire value; NetworkManager keeps these values.
type Preference uint8

const (
	PrefMedium  Preference = 0
	PrefHigh    Preference = 1
	prefInvalid Preference = 2
	PrefLow     Preference = 3
)

func (p Preference) String() string {
	switch p {
	case PrefLow:
		return "low"
	case PrefMedium:
		return "medium"
	case PrefHigh:
		return "high"
	}
	return "invalid"
}

// priority orders preferences: high > medium > low.
func (p Preference) priority() int {
	switch p {
	case PrefLow:
		return 1
	case PrefMedium:
		return 2
	case PrefHigh:
		return 3
	}
	return 0
}

// coerce maps the reserved value to medium, as RFC 4191 asks.
func coerce(p Preference) Preference {
	if p == prefInvalid {
		return PrefMedium
	}
	return p
}

// Infinity is the all-ones lifetime of RA options.
const Infinity = ^uint32(0)

// PrefixInfo is a Prefix Information option.
type PrefixInfo struct {
	Prefix                   netip.Prefix
	OnLink, Autonomous       bool
	ValidLifetime, Preferred uint32
}

// RouteInfo is a Route Information option (RFC 4191).
type RouteInfo struct {
	Prefix     netip.Prefix
	Preference Preference
	Lifetime   uint32
}

// RA is a parsed Router Advertisement.
type RA struct {
	HopLimit       uint8
	Managed, Other bool
	Preference     Preference
	RouterLifetime uint16
	ReachableTime  uint32 // ms
	RetransTimer   uint32 // ms
	Prefixes       []PrefixInfo
	Routes         []RouteInfo
	RDNSS          []netip.Addr
	RDNSSLifetime  []uint32 // per address
	DNSSL          []string
	DNSSLLifetime  []uint32 // per domain
	MTU            uint32
}

// ICMPv6 types and option codes.
const (
	icmpRouterSolicitation  = 133
	icmpRouterAdvertisement = 134
	optSourceLLAddr         = 1
	optPrefixInfo           = 3
	optMTU                  = 5
	optRouteInfo            = 24
	optRDNSS                = 25
	optDNSSL                = 31
)

// ErrMalformed wraps every reason an RA is rejected.
var ErrMalformed = errors.New("malformed router advertisement")

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// ParseRA decodes an ICMPv6 Router Advertisement (starting at the ICMPv6
// type byte). Options with a bad length make the whole message invalid, as
// RFC 4861 requires; unknown options are skipped.
func ParseRA(b []byte) (*RA, error) {
	if len(b) < 16 {
		return nil, malformed("%d bytes", len(b))
	}
	if b[0] != icmpRouterAdvertisement || b[1] != 0 {
		return nil, malformed("type %d code %d", b[0], b[1])
	}
	ra := &RA{
		HopLimit:       b[4],
		Managed:        b[5]&0x80 != 0,
		Other:          b[5]&0x40 != 0,
		Preference:     coerce(Preference(b[5] >> 3 & 0x3)),
		RouterLifetime: binary.BigEndian.Uint16(b[6:8]),
		ReachableTime:  binary.BigEndian.Uint32(b[8:12]),
		RetransTimer:   binary.BigEndian.Uint32(b[12:16]),
	}
	opts := b[16:]
	for len(opts) > 0 {
		if len(opts) < 2 {
			return nil, malformed("truncated option")
		}
		typ, l := opts[0], int(opts[1])*8
		if l == 0 || l > len(opts) {
			return nil, malformed("option %d with length %d", typ, l)
		}
		o := opts[:l]
		opts = opts[l:]
		switch typ {
		case optPrefixInfo:
			if l != 32 {
				return nil, malformed("prefix option length %d", l)
			}
			plen := int(o[2])
			if plen > 128 {
				continue
			}
			pfx := netip.PrefixFrom(netip.AddrFrom16([16]byte(o[16:32])), plen).Masked()
			ra.Prefixes = append(ra.Prefixes, PrefixInfo{
				Prefix: pfx, OnLink: o[3]&0x80 != 0, Autonomous: o[3]&0x40 != 0,
				ValidLifetime: binary.BigEndian.Uint32(o[4:8]), Preferred: binary.BigEndian.Uint32(o[8:12]),
			})
		case optRouteInfo:
			if l > 24 {
				return nil, malformed("route option length %d", l)
			}
			plen := int(o[2])
			if plen > 128 || (plen > 64 && l < 24) || (plen > 0 && l < 16) {
				return nil, malformed("route option length %d for /%d", l, plen)
			}
			var a [16]byte
			copy(a[:], o[8:])
			ra.Routes = append(ra.Routes, RouteInfo{
				Prefix:     netip.PrefixFrom(netip.AddrFrom16(a), plen).Masked(),
				Preference: coerce(Preference(o[3] >> 3 & 0x3)),
				Lifetime:   binary.BigEndian.Uint32(o[4:8]),
			})
		case optRDNSS:
			if l < 24 || (l-8)%16 != 0 {
				return nil, malformed("RDNSS option length %d", l)
			}
			lt := binary.BigEndian.Uint32(o[4:8])
			for p := 8; p < l; p += 16 {
				ra.RDNSS = append(ra.RDNSS, netip.AddrFrom16([16]byte(o[p:p+16])))
				ra.RDNSSLifetime = append(ra.RDNSSLifetime, lt)
			}
		case optDNSSL:
			if l < 16 {
				return nil, malformed("DNSSL option length %d", l)
			}
			lt := binary.BigEndian.Uint32(o[4:8])
			names, err := parseDNSSL(o[8:])
			if err != nil {
				return nil, err
			}
			for _, n := range names {
				ra.DNSSL = append(ra.DNSSL, n)
				ra.DNSSLLifetime = append(ra.DNSSLLifetime, lt)
			}
		case optMTU:
			if l != 8 {
				return nil, malformed("MTU option length %d", l)
			}
			ra.MTU = binary.BigEndian.Uint32(o[4:8])
		}
	}
	return ra, nil
}

// parseDNSSL decodes uncompressed DNS names, padded with zero bytes.
func parseDNSSL(b []byte) ([]string, error) {
	var names []string
	var labels []string
	for i := 0; i < len(b); {
		n := int(b[i])
		i++
		if n == 0 {
			if len(labels) > 0 {
				names = append(names, strings.Join(labels, "."))
				labels = nil
			}
			continue
		}
		if n > 63 || i+n > len(b) {
			return nil, malformed("DNSSL label")
		}
		labels = append(labels, string(b[i:i+n]))
		i += n
	}
	if len(labels) > 0 {
		return nil, malformed("DNSSL name without end")
	}
	return names, nil
}

// lifetimeToExpiry turns a lifetime in seconds into an expiry time (zero
// time for infinity).
func lifetimeToExpiry(now time.Time, lt uint32) time.Time {
	if lt == Infinity {
		return time.Time{}
	}
	return now.Add(time.Duration(lt) * time.Second)
}

// routerSolicitation is an RS without options (sent before a link-local
// address may be usable, so without source link-layer address).
func routerSolicitation() []byte {
	return []byte{icmpRouterSolicitation, 0, 0, 0, 0, 0, 0, 0}
}
