package setting

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"hash"
	"strings"
)

// UUID is a 16-byte RFC 4122 identifier.
type UUID [16]byte

// String formats the UUID in lower case with dashes.
func (u UUID) String() string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:36], u[10:16])
	return string(b[:])
}

// NewUUID returns a random (version 4) UUID.
func NewUUID() string {
	var u UUID
	if _, err := rand.Read(u[:]); err != nil {
		panic("setting: no randomness for a UUID: " + err.Error())
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u.String()
}

// parseUUID parses the 36-character form; normalized reports whether it
// was already lower case.
func parseUUID(s string) (u UUID, normalized, ok bool) {
	if len(s) != 36 {
		return u, false, false
	}
	normalized = true
	j := 0
	for i := 0; i < 36; {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return u, false, false
			}
			i++
			continue
		}
		hi, n1, ok1 := hexNibble(s[i])
		lo, n2, ok2 := hexNibble(s[i+1])
		if !ok1 || !ok2 {
			return u, false, false
		}
		if !n1 || !n2 {
			normalized = false
		}
		u[j] = hi<<4 | lo
		j++
		i += 2
	}
	return u, normalized, true
}

func hexNibble(c byte) (v byte, lower, ok bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, false, true
	}
	return 0, false, false
}

// isLegacyUUID accepts what NetworkManager once took for a UUID: hex digits
// and dashes, 36 characters with 4 dashes or 40 without.
func isLegacyUUID(s string) bool {
	dashes := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '-':
			dashes++
		case isHex(c):
		default:
			return false
		}
	}
	return (dashes == 4 && len(s) == 36) || (dashes == 0 && len(s) == 40)
}

// legacyUUIDNamespace is the namespace NetworkManager hashes legacy UUID
// strings with.
var legacyUUIDNamespace = UUID{0x4e, 0x72, 0xf7, 0x09, 0xca, 0x95, 0x44, 0x05, 0x90, 0x53, 0x1f, 0x43, 0x29, 0x4a, 0x61, 0x8c}

// CheckUUID classifies a connection.uuid value as NetworkManager does:
// valid and normalized, valid but needing normalization (upper case or a
// legacy form; normalized then holds the replacement), or invalid.
func CheckUUID(s string) (valid, needsNormalization bool, normalized string) {
	if u, norm, ok := parseUUID(s); ok {
		if norm {
			return true, false, s
		}
		return true, true, u.String()
	}
	if isLegacyUUID(s) {
		return true, true, UUIDFromString(legacyUUIDNamespace, strings.ToLower(s), 5).String()
	}
	return false, false, ""
}

// UUIDFromString derives a name-based UUID (version 3 with MD5 or version 5
// with SHA-1) from a namespace and a string, as
// nm_uuid_generate_from_string does.
func UUIDFromString(ns UUID, s string, version int) UUID {
	var h hash.Hash
	if version == 3 {
		h = md5.New()
	} else {
		h = sha1.New()
	}
	h.Write(ns[:])
	h.Write([]byte(s))
	var u UUID
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | byte(version)<<4
	u[8] = u[8]&0x3f | 0x80
	return u
}

// UUIDLegacyMD5 is NetworkManager's "legacy" name-based UUID: the MD5 of
// the string with no namespace and no version bits.
func UUIDLegacyMD5(s string) UUID {
	sum := md5.Sum([]byte(s))
	return UUID(sum)
}
