package setting

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/godbus/dbus/v5"
)

// This file exports the value helpers the other faces of the schema (the
// keyfile plugin, nmcli) parse and format with, so that every face checks
// addresses, MACs and keys the same way.

// NewIPAddress checks an address as nm_ip_address_new does.
func NewIPAddress(af int, addr string, prefix uint32) (IPAddress, error) {
	return newIPAddress(af, addr, prefix)
}

// NewIPRoute checks a route as nm_ip_route_new does; metric -1 means none.
func NewIPRoute(af int, dest string, prefix uint32, nextHop string, metric int64) (IPRoute, error) {
	return newIPRoute(af, dest, prefix, nextHop, metric)
}

// FamilyOf returns AFInet6 for "ipv6" and AFInet otherwise.
func FamilyOf(settingName string) int { return familyOf(settingName) }

// ParseIP parses an address of the family (0: either) as inet_pton does.
func ParseIP(af int, s string) (netip.Addr, bool) { return parseInet(af, s) }

// ParseIPWithPrefix parses "ADDR[/LEN]"; l is -1 without a prefix.
func ParseIPWithPrefix(af int, s string) (a netip.Addr, l int, ok bool) {
	return parseInetWithPrefix(af, s)
}

// FormatIP formats an address as glibc's inet_ntop does.
func FormatIP(a netip.Addr) string { return inetNtop(a) }

// LookupRouteAttr returns the route attribute's description, or nil.
func LookupRouteAttr(name string) *RouteAttr { return routeAttr(name) }

// ValidateRouteAttr checks one route attribute as
// nm_ip_route_attribute_validate does.
func ValidateRouteAttr(name string, v dbus.Variant, af int) (known bool, err error) {
	return validateRouteAttr(name, v, af)
}

// ParseInt parses an integer as NetworkManager's _nm_utils_ascii_str_to_int64
// does (base 0 detects 0x and octal; surrounding blanks allowed).
func ParseInt(s string, base int, min, max int64) (int64, bool) {
	return parseInt64Base(s, base, min, max)
}

// EscapedTokensSplit splits at unescaped delimiters as
// nm_utils_escaped_tokens_split does.
func EscapedTokensSplit(s, delims string) []string { return escapedTokensSplit(s, delims) }

// EscapeTokens escapes delimiters and backslashes for EscapedTokensSplit.
func EscapeTokens(s, delims string) string { return escapeTokens(s, delims) }

// HwaddrAton parses a hardware address of n bytes ("aa:bb:.." or
// "aa-bb-.."); n 0 accepts any length.
func HwaddrAton(s string, n int) ([]byte, bool) {
	if n == 0 {
		return hwaddrAton(s)
	}
	return hwaddrAtonLen(s, n)
}

// HwaddrNtoa formats a hardware address in upper case with colons.
func HwaddrNtoa(b []byte) string { return hwaddrNtoa(b) }

// NormalizeWGKey re-encodes a valid WireGuard key canonically.
func NormalizeWGKey(s string) string { return normalizeWGKey(s) }

// WGEndpointValid reports whether s is "HOST:PORT" or "[IPv6]:PORT".
func WGEndpointValid(s string) bool {
	_, _, ok := parseEndpoint(s)
	return ok
}

// NormalizeAllowedIP canonicalizes a WireGuard allowed-ip "ADDR[/LEN]".
func NormalizeAllowedIP(s string) (string, bool) { return normalizeAllowedIP(s) }

// PeerProblem checks a peer as nm_wireguard_peer_is_valid does and
// returns "" when it is valid.
func PeerProblem(p WireGuardPeer, nonSecrets, secrets bool) string {
	return validPeer(p, nonSecrets, secrets)
}

// NamespaceKeyfile is NetworkManager's namespace for the UUIDs it derives
// from strings (nm_uuid_ns_1), used for profiles without a uuid.
var NamespaceKeyfile = UUID{0xb4, 0x25, 0xe9, 0xfb, 0x75, 0x98, 0x44, 0xb4, 0x9e, 0x3b, 0x5a, 0x2e, 0x3a, 0xaa, 0x49, 0x05}

// UUIDFromStrings derives a version-3 UUID from the strings, each with its
// terminating NUL, as nm_uuid_generate_from_strings_old does.
func UUIDFromStrings(strs ...string) string {
	var b []byte
	for _, s := range strs {
		b = append(b, s...)
		b = append(b, 0)
	}
	return UUIDFromString(NamespaceKeyfile, string(b), 3).String()
}

// UUIDNormalized reports whether s is a UUID in NetworkManager's normal
// form (lower case, dashes).
func UUIDNormalized(s string) bool {
	_, normalized, ok := parseUUID(s)
	return ok && normalized
}

// DNSServerValid reports whether s is a valid ipvX.dns entry of the
// family ("ADDR" or "ADDR#SERVERNAME").
func DNSServerValid(af int, s string) bool {
	_, _, ok := parseDNSName(af, s)
	return ok
}

// ParseRange parses an ovs-port trunk range "N" or "N-M" as nm_range_from_str
// does.
func ParseRange(s string) (OvsTrunk, error) {
	start, rest, dash := strings.Cut(s, "-")
	a, ok := parseUint64(start)
	if !ok {
		return OvsTrunk{}, fmt.Errorf("invalid range start '%s'", start)
	}
	if !dash {
		return OvsTrunk{Start: a, End: a}, nil
	}
	b, ok := parseUint64(rest)
	if !ok {
		return OvsTrunk{}, fmt.Errorf("invalid range end '%s'", rest)
	}
	if b < a {
		return OvsTrunk{}, fmt.Errorf("invalid range %d-%d, start must be less than or equal to end", a, b)
	}
	return OvsTrunk{Start: a, End: b}, nil
}

// String formats a range as nm_range_to_str does.
func (r OvsTrunk) String() string {
	if r.Start == r.End {
		return strconv.FormatUint(r.Start, 10)
	}
	return strconv.FormatUint(r.Start, 10) + "-" + strconv.FormatUint(r.End, 10)
}

// parseUint64 parses a decimal uint64 with surrounding blanks allowed.
func parseUint64(s string) (uint64, bool) {
	s = strings.Trim(s, asciiSpaces+"\v")
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// ParseUint parses an unsigned integer as _nm_utils_ascii_str_to_uint64
// does (base 0 detects 0x and octal; surrounding blanks allowed).
func ParseUint(s string, base int, max uint64) (uint64, bool) {
	s = strings.Trim(s, asciiSpaces+"\v")
	if s == "" || s[0] == '-' {
		return 0, false
	}
	s = strings.TrimPrefix(s, "+")
	if base == 0 {
		switch {
		case len(s) > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
			base, s = 16, s[2:]
		case len(s) > 1 && s[0] == '0':
			base, s = 8, s[1:]
		default:
			base = 10
		}
	}
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		d, ok := digitVal(s[i])
		if !ok || d >= base {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, base, 64)
	if err != nil || n > max {
		return 0, false
	}
	return n, true
}
