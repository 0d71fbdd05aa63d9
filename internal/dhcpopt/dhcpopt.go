// Package dhcpopt holds what DHCPv4 and DHCPv6 share in how NetworkManager
// presents leases: the text encodings of option values (escaping,
// hex, domain name validation, RFC 1035 search lists) used in the
// DHCP4Config/DHCP6Config Options maps. It is pure string handling and
// calls no other gonm package.
package dhcpopt

import (
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

// EscapeUTF8Safe returns s with backslashes doubled and bytes that are not
// valid UTF-8 written as \ooo (octal). With ctrl, ASCII control characters
// are escaped too. This is the encoding NetworkManager uses for string
// options of unknown character set.
func EscapeUTF8Safe(b []byte, ctrl bool) string {
	var sb strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&sb, "\\%03o", b[0])
		case r == '\\':
			sb.WriteString("\\\\")
		case ctrl && (r < 0x20 || r == 0x7f):
			fmt.Fprintf(&sb, "\\%03o", b[0])
		default:
			sb.Write(b[:size])
		}
		b = b[size:]
	}
	return sb.String()
}

// HexColon formats bytes as lower-case "aa:bb:cc".
func HexColon(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	out := make([]byte, 0, len(b)*3)
	for i, c := range b {
		if i > 0 {
			out = append(out, ':')
		}
		out = hex.AppendEncode(out, []byte{c})
	}
	return string(out)
}

// TrimNULs validates a string option: trailing NULs are dropped, an
// embedded NUL makes it invalid.
func TrimNULs(b []byte) ([]byte, bool) {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	for _, c := range b {
		if c == 0 {
			return nil, false
		}
	}
	return b, true
}

var localhostNames = []string{
	"localhost", "localhost4", "localhost6",
	"localhost.localdomain", "localhost4.localdomain4", "localhost6.localdomain6",
}

// isLocalhost matches RFC 6761 local names and the "localdomain" variants.
func isLocalhost(s string) bool {
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	for _, n := range localhostNames {
		if s == n || strings.HasSuffix(s, "."+n) {
			return true
		}
	}
	return false
}

// NormalizeDomain validates a DNS name the way NetworkManager accepts
// domain options: labels of 1..63 bytes, at most 253 bytes in all, a
// trailing dot dropped, not the root and not a localhost name. Characters
// other than letters, digits, '-' and '_' are backslash-escaped as in
// DNS presentation format.
func NormalizeDomain(s string) (string, bool) {
	s = strings.TrimSuffix(s, ".")
	if s == "" || !utf8.ValidString(s) {
		return "", false
	}
	labels := strings.Split(s, ".")
	var out []string
	for _, l := range labels {
		if l == "" || len(l) > 63 {
			return "", false
		}
		out = append(out, escapeLabel([]byte(l)))
	}
	res := strings.Join(out, ".")
	if len(res) > 253 || isLocalhost(res) {
		return "", false
	}
	return res, true
}

func escapeLabel(l []byte) string {
	var sb strings.Builder
	for _, c := range l {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
			sb.WriteByte(c)
		case c >= 0x80:
			// UTF-8 bytes stay as they are (already validated).
			sb.WriteByte(c)
		case c == '.' || c == '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		default:
			fmt.Fprintf(&sb, "\\%03d", c)
		}
	}
	return sb.String()
}

// ParseSearchList decodes an RFC 1035 name list with compression pointers
// (DHCPv4 option 119, DHCPv6 option 24), as NetworkManager prints it:
// letters, digits, '-' and '_' as they are, '.' and '\' backslash-escaped,
// other bytes as a backslash and the value in a 3-wide decimal field.
// Decoding stops at the first malformed name; the names before it are
// returned, with ok false.
func ParseSearchList(data []byte) (names []string, ok bool) {
	pos := 0
	for pos < len(data) {
		name, next, good := readName(data, pos)
		if !good {
			return names, false
		}
		names = append(names, name)
		pos = next
	}
	return names, true
}

// readName decodes one name starting at pos; pointers may only point
// backwards into already decoded data, which guarantees termination.
func readName(data []byte, pos int) (string, int, bool) {
	var sb strings.Builder
	first := true
	limit := pos // pointers must go below this
	cur := pos
	next := -1
	for hops := 0; hops < 128; hops++ {
		if cur >= len(data) {
			return "", 0, false
		}
		c := data[cur]
		switch c & 0xc0 {
		case 0x00:
			n := int(c)
			cur++
			if n == 0 {
				if next < 0 {
					next = cur
				}
				return sb.String(), next, true
			}
			if cur+n > len(data) {
				return "", 0, false
			}
			if !first {
				sb.WriteByte('.')
			}
			first = false
			for _, b := range data[cur : cur+n] {
				switch {
				case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9', b == '-', b == '_':
					sb.WriteByte(b)
				case b == '.' || b == '\\':
					sb.WriteByte('\\')
					sb.WriteByte(b)
				default:
					fmt.Fprintf(&sb, "\\%3d", b)
				}
			}
			cur += n
		case 0xc0:
			if cur+1 >= len(data) {
				return "", 0, false
			}
			off := int(c&0x3f)<<8 | int(data[cur+1])
			if next < 0 {
				next = cur + 2
			}
			if off >= limit {
				return "", 0, false
			}
			limit = off
			cur = off
		default:
			return "", 0, false
		}
	}
	return "", 0, false
}
