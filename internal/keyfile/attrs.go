package keyfile

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/setting"
)

// attrSpec describes one attribute of an attribute string such as a route's
// "mtu=1400,table=10" or a qdisc's "handle 1: sfq perturb 10".
type attrSpec struct {
	name string
	sig  string // "u", "i", "t", "y", "b", "s" or "ay"
	// noValue attributes are a bare word; a noValue string takes the word
	// itself as its value (and matches any word).
	noValue bool
	// consumesRest: the value is everything from the word on, unparsed.
	consumesRest bool
}

func parseBoolWord(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on", "1":
		return true, true
	case "false", "no", "off", "0":
		return false, true
	}
	return false, false
}

// attrUnescape drops the backslash of each escaped character.
func attrUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			if i == len(s) {
				break
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

var errUnterminatedEscape = errors.New("unterminated escape sequence")

// parseAttributes parses an attribute string with NetworkManager's rules,
// including their corner cases: an unknown name (when ignored) runs on
// into the next attribute, and with equal separators the value is the next
// word.
func parseAttributes(str string, attrSep, kvSep byte, ignoreUnknown bool, spec []attrSpec) (map[string]dbus.Variant, error) {
	at := func(i int) byte {
		if i >= len(str) {
			return 0
		}
		return str[i]
	}
	ht := map[string]dbus.Variant{}
	start := -1
	for ptr := 0; ; ptr++ {
		if start < 0 {
			start = ptr
		}
		c := at(ptr)
		if c == '\\' {
			ptr++
			if at(ptr) == 0 {
				return nil, errUnterminatedEscape
			}
			continue
		}
		if c != attrSep && c != 0 {
			continue
		}
		if ptr == start {
			start = -1
			if c == 0 {
				break
			}
			continue
		}
		sep := start
		for ; sep != ptr; sep++ {
			if at(sep) == '\\' {
				sep++
				if at(sep) == 0 {
					return nil, errUnterminatedEscape
				}
			}
			if at(sep) == kvSep {
				break
			}
		}
		name := attrUnescape(str[start:min(sep, len(str))])
		var s *attrSpec
		for i := range spec {
			if _, done := ht[spec[i].name]; done {
				continue
			}
			if name == spec[i].name || spec[i].noValue && spec[i].sig == "s" {
				s = &spec[i]
				break
			}
		}
		if s == nil {
			if ignoreUnknown {
				if c == 0 {
					break
				}
				continue
			}
			return nil, fmt.Errorf("unknown attribute '%s'", name)
		}
		var value string
		if s.noValue {
			if s.consumesRest {
				value = str[start:]
				ptr = len(str)
			} else {
				value = name
			}
		} else {
			if at(sep) != kvSep {
				return nil, fmt.Errorf("missing key-value separator '%c' after '%s'", kvSep, name)
			}
			if ptr == sep {
				continue
			}
			value = attrUnescape(str[sep+1 : ptr])
		}
		v, err := attrValue(s, value)
		if err != nil {
			return nil, err
		}
		ht[s.name] = v
		start = -1
		if at(ptr) == 0 {
			break
		}
	}
	return ht, nil
}

func attrValue(s *attrSpec, value string) (dbus.Variant, error) {
	switch s.sig {
	case "u":
		n, ok := setting.ParseInt(value, 10, 0, 1<<32-1)
		if !ok {
			return dbus.Variant{}, fmt.Errorf("invalid uint32 value '%s' for attribute '%s'", value, s.name)
		}
		return dbus.MakeVariant(uint32(n)), nil
	case "i":
		n, ok := setting.ParseInt(value, 10, -1<<31, 1<<31-1)
		if !ok {
			return dbus.Variant{}, fmt.Errorf("invalid int32 value '%s' for attribute '%s'", value, s.name)
		}
		return dbus.MakeVariant(int32(n)), nil
	case "t":
		n, ok := setting.ParseUint(value, 10, 1<<64-1)
		if !ok {
			return dbus.Variant{}, fmt.Errorf("invalid uint64 value '%s' for attribute '%s'", value, s.name)
		}
		return dbus.MakeVariant(n), nil
	case "y":
		n, ok := setting.ParseInt(value, 10, 0, 255)
		if !ok {
			return dbus.Variant{}, fmt.Errorf("invalid uint8 value '%s' for attribute '%s'", value, s.name)
		}
		return dbus.MakeVariant(uint8(n)), nil
	case "b":
		if s.noValue {
			return dbus.MakeVariant(true), nil
		}
		b, ok := parseBoolWord(value)
		if !ok {
			return dbus.Variant{}, fmt.Errorf("invalid boolean value '%s' for attribute '%s'", value, s.name)
		}
		return dbus.MakeVariant(b), nil
	case "s":
		return dbus.MakeVariant(value), nil
	case "ay":
		// A GLib byte string keeps its terminating NUL.
		return dbus.MakeVariant(append([]byte(value), 0)), nil
	}
	return dbus.Variant{}, fmt.Errorf("unsupported attribute '%s' of type '%s'", s.name, s.sig)
}

func attrEscape(s string, c1, c2 byte) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == c1 || s[i] == c2 || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// formatAttrValue renders a value of the types attribute strings carry;
// ok is false for any other type, which is left out.
func formatAttrValue(v dbus.Variant) (string, bool) {
	switch x := v.Value().(type) {
	case uint32:
		return strconv.FormatUint(uint64(x), 10), true
	case int32:
		return strconv.FormatInt(int64(x), 10), true
	case uint64:
		return strconv.FormatUint(x, 10), true
	case uint8:
		return strconv.Itoa(int(x)), true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	case string:
		return x, true
	case []byte:
		// A byte string ends at its NUL.
		if i := slices.Index(x, 0); i >= 0 {
			x = x[:i]
		}
		return string(x), true
	}
	return "", false
}

// formatAttributes writes attributes sorted by name. With a spec, only
// its attributes are written, no-value ones as a bare word.
func formatAttributes(attrs map[string]dbus.Variant, spec []attrSpec, attrSep, kvSep byte) string {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	first := true
	for _, n := range names {
		var s *attrSpec
		if spec != nil {
			for i := range spec {
				if spec[i].name == n {
					s = &spec[i]
				}
			}
			if s == nil {
				continue
			}
		}
		val, ok := formatAttrValue(attrs[n])
		if !ok {
			continue
		}
		if !first {
			b.WriteByte(attrSep)
		}
		first = false
		b.WriteString(attrEscape(n, attrSep, kvSep))
		if s == nil || !s.noValue {
			b.WriteByte(kvSep)
			b.WriteString(attrEscape(val, attrSep, kvSep))
		}
	}
	return b.String()
}

// routeAttrSpec is the route attribute table in attribute-string form.
var routeAttrSpec = func() []attrSpec {
	out := make([]attrSpec, 0, len(setting.RouteAttrs))
	for _, a := range setting.RouteAttrs {
		out = append(out, attrSpec{name: a.Name, sig: a.Sig})
	}
	return out
}()
