package setting

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// hexstr2bin decodes hex bytes separated by one of delims (or, unless
// delimRequired, not separated at all), as nm_utils_hexstr2bin_full does:
// a single hex digit between delimiters stands for one byte ("a:b:cc").
// want, if non-zero, is the exact length required.
func hexstr2bin(s string, allow0x, delimRequired, pairsRequired bool, delims string, want, max int) ([]byte, bool) {
	if allow0x && strings.HasPrefix(s, "0x") {
		s = s[2:]
	}
	var out []byte
	delimHas := true
	var delim byte
	i := 0
	for {
		if i >= len(s) || !isHex(s[i]) {
			return nil, false
		}
		v1 := unhex(s[i])
		var next byte
		if i+1 < len(s) && isHex(s[i+1]) {
			out = append(out, v1<<4|unhex(s[i+1]))
			if i+2 >= len(s) {
				break
			}
			next = s[i+2]
			i += 2
		} else {
			out = append(out, v1)
			if i+1 >= len(s) {
				if !delimHas || pairsRequired {
					return nil, false
				}
				break
			}
			if pairsRequired {
				return nil, false
			}
			next = s[i+1]
			i++
		}
		if max > 0 && len(out) >= max {
			return nil, false
		}
		if delimHas {
			if next != delim {
				if delim != 0 {
					return nil, false
				}
				if strings.IndexByte(delims, next) >= 0 {
					delim = next
				}
				if delim == 0 {
					if delimRequired {
						return nil, false
					}
					delimHas = false
					continue
				}
			}
			i++
		}
	}
	if want != 0 && len(out) != want {
		return nil, false
	}
	return out, true
}

// hwaddrAton parses a hardware address "AA:BB:..." (':' or '-'
// separators) of any length up to 20 bytes.
func hwaddrAton(s string) ([]byte, bool) {
	if s == "" {
		return nil, false
	}
	return hexstr2bin(s, false, true, false, ":-", 0, 20)
}

// hwaddrAtonLen parses a hardware address of exactly n bytes.
func hwaddrAtonLen(s string, n int) ([]byte, bool) {
	b, ok := hwaddrAton(s)
	if !ok || len(b) != n {
		return nil, false
	}
	return b, true
}

// hwaddrValid reports whether s is a hardware address of n bytes (any
// length when n is 0).
func hwaddrValid(s string, n int) bool {
	b, ok := hwaddrAton(s)
	return ok && (n == 0 || len(b) == n)
}

// canonicalMAC returns the upper-case form of a hardware address of n
// bytes, or s unchanged when it is not one (verify then rejects it).
func canonicalMAC(n int) func(any) any {
	return func(v any) any {
		s := v.(string)
		if b, ok := hwaddrAtonLen(s, n); ok {
			return hwaddrNtoa(b)
		}
		return s
	}
}

// Hardware address lengths.
const (
	ethAlen        = 6
	infinibandAlen = 20
)

// ifnameValidKernel checks an interface name the way the kernel's
// dev_valid_name does, with NetworkManager's messages.
func ifnameValidKernel(name string) error {
	if name == "" {
		return fmt.Errorf("interface name is too short")
	}
	if name == "." || name == ".." {
		return fmt.Errorf("interface name is reserved")
	}
	for i := 0; i < len(name); i++ {
		if i >= 16 {
			break
		}
		c := name[i]
		if c == '/' || c == ':' || isASCIISpace(c) || c == '\v' {
			return fmt.Errorf("interface name contains an invalid character")
		}
	}
	if len(name) >= 16 {
		return fmt.Errorf("interface name is longer than 15 characters")
	}
	return nil
}

// IfnameValid checks connection.interface-name for a kernel interface, as
// nm_utils_ifname_valid(..., NMU_IFACE_KERNEL) does.
func IfnameValid(name string) error {
	if name == "" {
		return fmt.Errorf("interface name must not be empty")
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("interface name must be UTF-8 encoded")
	}
	if err := ifnameValidKernel(name); err != nil {
		return err
	}
	if strings.Contains(name, "%") {
		return fmt.Errorf("'%%' is not allowed in interface names")
	}
	switch name {
	case "all", "default", "bonding_masters":
		return fmt.Errorf("'%s' is not allowed as interface name", name)
	}
	return nil
}

// ifnameValidOVS checks an OVS interface name.
func ifnameValidOVS(name string) error {
	if name == "" {
		return fmt.Errorf("interface name must not be empty")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '\\' || c == '/' || c <= ' ' || c >= 0x7f {
			return fmt.Errorf("interface name must be alphanumerical with no forward or backward slashes")
		}
	}
	return nil
}

// validIfnameUTF8Safe checks an interface name given in NetworkManager's
// "utf8safe" escaping (octal \ooo escapes for odd bytes).
func validIfnameUTF8Safe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	bin, ok := utf8safeUnescape(s)
	if !ok || strings.IndexByte(bin, 0) >= 0 {
		return false
	}
	return ifnameValidKernel(bin) == nil
}

// utf8safeUnescape undoes NetworkManager's utf8safe escaping: "\\" is a
// backslash, "\ooo" an octal byte.
func utf8safeUnescape(s string) (string, bool) {
	if !strings.Contains(s, `\`) {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(s) {
			b.WriteByte('\\')
			break
		}
		if s[i] >= '0' && s[i] <= '7' {
			v := 0
			n := 0
			for n < 3 && i < len(s) && s[i] >= '0' && s[i] <= '7' {
				v = v*8 + int(s[i]-'0')
				i++
				n++
			}
			i--
			b.WriteByte(byte(v))
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String(), true
}

// iaidValid checks ipv4/ipv6.dhcp-iaid: a special word, a number, or four
// hex bytes.
func iaidValid(s string) bool {
	switch s {
	case "":
		return false
	case "mac", "perm-mac", "ifname", "stable":
		return true
	}
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) && s[i] != 'x' && s[i] != ':' {
			return false
		}
	}
	if _, ok := parseInt64Base(s, 0, 0, 0xffffffff); ok {
		return true
	}
	_, ok := hexstr2bin(s, true, false, false, ":", 4, 4)
	return ok
}

// duidValid checks ipv6.dhcp-duid: a special word or a hex DUID of 3 to
// 130 bytes.
func duidValid(s string) bool {
	switch s {
	case "lease", "llt", "ll", "stable-llt", "stable-ll", "stable-uuid":
		return true
	}
	b, ok := hexstr2bin(s, false, false, false, ":", 0, 130)
	return ok && len(b) > 2 && len(b) <= 130
}

func itoa(i int) string { return strconv.Itoa(i) }
