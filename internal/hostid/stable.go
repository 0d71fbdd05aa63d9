package hostid

import (
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// StableType says where an effective stable ID came from. The values are
// NetworkManager's; they are hashed into several identifiers.
type StableType uint8

const (
	StableTypeUUID      StableType = 0 // connection.stable-id unset: the profile UUID
	StableTypeStableID  StableType = 1 // a literal stable-id
	StableTypeGenerated StableType = 2 // a stable-id with ${...} substitutions
	StableTypeRandom    StableType = 3 // a stable-id containing ${RANDOM}
)

// StableIDInputs are the values the ${...} patterns of a stable-id expand to.
type StableIDInputs struct {
	UUID   string // ${CONNECTION}
	BootID string // ${BOOT}
	Device string // ${DEVICE}: the IP interface name
	MAC    string // ${MAC}: permanent MAC address, "" when unknown
}

// EffectiveStableID expands connection.stable-id (nil pointer = unset) into
// the identifier NetworkManager hashes, and its type.
func EffectiveStableID(stableID *string, in StableIDInputs) (string, StableType) {
	if stableID == nil {
		return in.UUID, StableTypeUUID
	}
	gen, st := expandStableID(*stableID, in)
	if st != StableTypeGenerated {
		return gen, st
	}
	sum := sha1.Sum([]byte(gen))
	return base64.StdEncoding.EncodeToString(sum[:])[:27], StableTypeGenerated
}

// expandStableID performs the ${...} substitutions. For a generated ID it
// returns the expanded text, which EffectiveStableID then hashes.
func expandStableID(s string, in StableIDInputs) (string, StableType) {
	var out strings.Builder
	generated := false
	start := 0
	for i := 0; i < len(s); {
		if s[i] != '$' {
			i++
			continue
		}
		var sub string
		matched := true
		switch {
		case strings.HasPrefix(s[i:], "${CONNECTION}"):
			i, sub = i+len("${CONNECTION}"), in.UUID
		case strings.HasPrefix(s[i:], "${BOOT}"):
			i, sub = i+len("${BOOT}"), in.BootID
		case strings.HasPrefix(s[i:], "${DEVICE}"):
			i, sub = i+len("${DEVICE}"), in.Device
		case strings.HasPrefix(s[i:], "${MAC}"):
			i, sub = i+len("${MAC}"), in.MAC
		case strings.HasPrefix(s[i:], "${RANDOM}"):
			return randomStableID(), StableTypeRandom
		default:
			matched = false
			i++
			// "$$" is kept verbatim, both characters.
			if i < len(s) && s[i] == '$' {
				i++
			}
		}
		if matched {
			generated = true
			out.WriteString(s[start:i])
			start = i
			// Each substitution is length-prefixed so that different
			// splits of the same text never collide.
			fmt.Fprintf(&out, "=%d{%s}", len(sub), sub)
		}
	}
	if !generated {
		return s, StableTypeStableID
	}
	out.WriteString(s[start:])
	return out.String(), StableTypeGenerated
}

func randomStableID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])[:22]
}

// StablePrivacyRetries is how many DAD conflicts NetworkManager tolerates
// before giving up on a stable-privacy address.
const StablePrivacyRetries = 3

// ErrTooManyDADFailures is returned when dadCounter reached
// StablePrivacyRetries.
var ErrTooManyDADFailures = errors.New("too many DAD collisions")

// StablePrivacyAddr returns prefix's first 64 bits followed by the RFC 7217
// interface identifier NetworkManager computes for (stable type, interface,
// network ID = effective stable ID, DAD counter, host key).
func StablePrivacyAddr(prefix netip.Addr, st StableType, ifname, networkID string, dadCounter uint32, hostKey []byte) (netip.Addr, error) {
	if dadCounter >= StablePrivacyRetries {
		return netip.Addr{}, ErrTooManyDADFailures
	}
	return stablePrivacy(prefix, st, ifname, networkID, dadCounter, hostKey)
}

func stablePrivacy(prefix netip.Addr, st StableType, ifname, networkID string, dadCounter uint32, hostKey []byte) (netip.Addr, error) {
	if !prefix.Is6() {
		return netip.Addr{}, fmt.Errorf("stable-privacy: %v is not an IPv6 prefix", prefix)
	}
	a := prefix.As16()
	h := sha256.New()
	if st != StableTypeUUID {
		// Only non-UUID types hash the type byte, for compatibility with
		// addresses generated before the type existed.
		h.Write([]byte{byte(st)})
	}
	h.Write(a[:8])
	h.Write(append([]byte(ifname), 0))
	h.Write(append([]byte(networkID), 0))
	var tmp [8]byte
	binary.BigEndian.PutUint32(tmp[0:4], dadCounter)
	binary.BigEndian.PutUint32(tmp[4:8], uint32(len(hostKey)))
	h.Write(tmp[:])
	h.Write(hostKey)
	digest := h.Sum(nil)
	for reservedIID(digest[:8]) {
		dadCounter++
		h.Reset()
		h.Write(digest)
		binary.BigEndian.PutUint32(tmp[0:4], dadCounter)
		h.Write(tmp[0:4])
		digest = h.Sum(nil)
	}
	copy(a[8:], digest[:8])
	return netip.AddrFrom16(a), nil
}

// reservedIID reports interface identifiers that RFC 5453 and the IANA
// registry reserve.
func reservedIID(iid []byte) bool {
	if string(iid) == "\x00\x00\x00\x00\x00\x00\x00\x00" {
		return true
	}
	if iid[0] == 0x02 && iid[1] == 0x00 && iid[2] == 0x5e && iid[3] == 0xff && iid[4] == 0xfe {
		return true
	}
	if iid[0] == 0xfd && iid[1] == 0xff && iid[2] == 0xff && iid[3] == 0xff && iid[4] == 0xff && iid[5] == 0xff && iid[6] == 0xff && iid[7]&0x80 != 0 {
		return true
	}
	return false
}

// EUI64Addr returns prefix's first 64 bits followed by the modified EUI-64
// identifier of a 6-byte MAC address (RFC 4291 appendix A).
func EUI64Addr(prefix netip.Addr, mac []byte) (netip.Addr, error) {
	if len(mac) != 6 {
		return netip.Addr{}, fmt.Errorf("eui64: need a 6-byte MAC address, have %d bytes", len(mac))
	}
	a := prefix.As16()
	a[8] = mac[0] ^ 0x02
	a[9], a[10] = mac[1], mac[2]
	a[11], a[12] = 0xff, 0xfe
	a[13], a[14], a[15] = mac[3], mac[4], mac[5]
	return netip.AddrFrom16(a), nil
}
