package config

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"
)

// MatchResult is the outcome of evaluating match specs.
type MatchResult int

const (
	NoMatch  MatchResult = iota // no spec says anything
	Match                       // a spec matched
	NegMatch                    // an "except:" spec matched
)

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// SplitSpecs splits a list of match specs at ',' or ';' (escapable with
// '\'), dropping blanks around each; "\s" keeps a blank.
func SplitSpecs(value string) []string {
	var out []string
	var cur []byte
	trailing := 0
	i := 0
	for i < len(value) && isSpace(value[i]) {
		i++
	}
	flush := func() {
		if len(cur)-trailing > 0 {
			out = append(out, string(cur[:len(cur)-trailing]))
		}
		cur, trailing = cur[:0], 0
	}
	for i < len(value) {
		c := value[i]
		if c == '\\' {
			i++
			if i == len(value) {
				break
			}
			switch e := value[i]; e {
			case 's':
				cur = append(cur, ' ')
			case 'n':
				cur = append(cur, '\n')
			case 't':
				cur = append(cur, '\t')
			case 'r':
				cur = append(cur, '\r')
			case '\\':
				cur = append(cur, '\\')
			case ',', ';':
				cur = append(cur, e)
			default:
				cur = append(cur, '\\', e)
			}
			i++
			trailing = 0
			continue
		}
		switch {
		case isSpace(c):
			cur = append(cur, c)
			trailing++
			i++
		case c == ',' || c == ';':
			flush()
			i++
			for i < len(value) && isSpace(value[i]) {
				i++
			}
		default:
			cur = append(cur, c)
			i++
		}
	}
	flush()
	return out
}

// JoinSpecs joins specs so that SplitSpecs gives them back.
func JoinSpecs(specs []string) string {
	var b strings.Builder
	for _, p := range specs {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		switch p[0] {
		case ' ':
			b.WriteString(`\s`)
			p = p[1:]
		case '\t':
			b.WriteString(`\t`)
			p = p[1:]
		}
		for i := 0; i < len(p); i++ {
			switch c := p[i]; c {
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\\':
				b.WriteString(`\\`)
			case ',':
				b.WriteString(`\,`)
			case ';':
				b.WriteString(`\;`)
			default:
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

func cutTagFold(s, tag string) (string, bool) {
	if len(s) >= len(tag) && strings.EqualFold(s[:len(tag)], tag) {
		return s[len(tag):], true
	}
	return s, false
}

// matchResult combines the evaluation of a list the way NetworkManager
// does: a list of only "except:" specs matches everything they do not
// exclude.
func matchResult(hasExcept, hasNotExcept, hasMatch, hasMatchExcept bool) MatchResult {
	if hasExcept && !hasNotExcept {
		if hasMatchExcept {
			return NegMatch
		}
		return Match
	}
	if hasMatchExcept {
		return NegMatch
	}
	if hasMatch {
		return Match
	}
	return NoMatch
}

func evalSpecs(specs []string, eval func(spec string, except bool) bool) MatchResult {
	var hasMatch, hasMatchExcept, hasExcept, hasNotExcept bool
	for _, s := range specs {
		if s == "" {
			continue
		}
		s, except := cutTagFold(s, "except:")
		if except {
			hasExcept = true
		} else {
			hasNotExcept = true
		}
		if except && hasMatchExcept || !except && hasMatch {
			continue
		}
		if !eval(s, except) {
			continue
		}
		if except {
			hasMatchExcept = true
		} else {
			hasMatch = true
		}
	}
	return matchResult(hasExcept, hasNotExcept, hasMatch, hasMatchExcept)
}

// Device is what device match specs can look at.
type Device struct {
	Interface      string
	Type           string // "ethernet", "wifi", ...
	Driver         string
	DriverVersion  string
	HwAddr         string // "aa:bb:..."
	S390Subchannel string
	DHCPPlugin     string
}

func parseHwaddr(s string) ([]byte, bool) {
	if s == "" {
		return nil, false
	}
	var out []byte
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ':' || r == '-' }) {
		if len(part) == 0 || len(part) > 2 {
			return nil, false
		}
		n, err := strconv.ParseUint(part, 16, 8)
		if err != nil {
			return nil, false
		}
		out = append(out, byte(n))
	}
	return out, len(out) > 0
}

func parseS390(s string) ([3]uint64, bool) {
	var out [3]uint64
	if s == "" || !isHex(s[0]) {
		return out, false
	}
	if i := strings.IndexByte(s, ','); i >= 0 {
		s = s[:i]
	}
	if len(s) > 30 || strings.Trim(s, "0123456789abcdefABCDEF.") != "" {
		return out, false
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return out, false
	}
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 16, 32)
		if err != nil {
			return out, false
		}
		out[i] = n
	}
	return out, true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// globMatch is GLib's g_pattern_match_simple: '*' and '?' only.
func globMatch(pattern, s string) bool {
	escaped := strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`).Replace(pattern)
	ok, err := path.Match(escaped, s)
	if err == nil {
		return ok
	}
	return false
}

// matchDeviceSpec evaluates one spec (without its except: prefix).
func (d Device) matchDeviceSpec(s string, fuzzy bool) bool {
	if s == "*" {
		return true
	}
	if v, ok := cutTagFold(s, "type:"); ok {
		return d.Type != "" && v == d.Type
	}
	if v, ok := cutTagFold(s, "mac:"); ok {
		return d.hwaddrMatches(v)
	}
	if v, ok := cutTagFold(s, "interface-name:"); ok {
		pattern := true
		switch {
		case strings.HasPrefix(v, "="):
			v, pattern = v[1:], false
		case strings.HasPrefix(v, "~"):
			v = v[1:]
		}
		if d.Interface == "" {
			return false
		}
		return v == d.Interface || pattern && globMatch(v, d.Interface)
	}
	if v, ok := cutTagFold(s, "driver:"); ok {
		if d.Driver == "" {
			return false
		}
		i := strings.LastIndexByte(v, '/')
		if i < 0 {
			return v == d.Driver
		}
		return strings.HasPrefix(d.Driver, v[:i]) && len(d.Driver) >= i && d.Driver[:i] == v[:i] && globMatch(v[i+1:], d.DriverVersion)
	}
	if v, ok := cutTagFold(s, "s390-subchannels:"); ok {
		a, ok1 := parseS390(d.S390Subchannel)
		b, ok2 := parseS390(v)
		return ok1 && ok2 && a == b
	}
	if v, ok := cutTagFold(s, "dhcp-plugin:"); ok {
		return d.DHCPPlugin != "" && v == d.DHCPPlugin
	}
	if fuzzy {
		if d.hwaddrMatches(s) {
			return true
		}
		return d.Interface != "" && s == d.Interface
	}
	return false
}

func (d Device) hwaddrMatches(spec string) bool {
	a, ok1 := parseHwaddr(d.HwAddr)
	b, ok2 := parseHwaddr(spec)
	return ok1 && ok2 && bytes.Equal(a, b)
}

// MatchDevice evaluates device specs ("interface-name:eth*", "mac:...",
// "type:", "driver:", "s390-subchannels:", "dhcp-plugin:", "except:...",
// "*"; a bare word is an interface name or MAC).
func MatchDevice(specs []string, d Device) MatchResult {
	return evalSpecs(specs, func(s string, except bool) bool { return d.matchDeviceSpec(s, !except) })
}

// Profile is what connection match specs can look at.
type Profile struct{ ID, UUID, Origin string }

// MatchConnection evaluates connection specs ("id:", "uuid:", "origin:").
func MatchConnection(specs []string, p Profile) MatchResult {
	return evalSpecs(specs, func(s string, _ bool) bool {
		if s == "*" {
			return true
		}
		for _, f := range []struct{ tag, v string }{{"id:", p.ID}, {"uuid:", p.UUID}, {"origin:", p.Origin}} {
			if v, ok := cutTagFold(s, f.tag); ok {
				return f.v != "" && v == f.v
			}
		}
		return false
	})
}

// MatchConfig evaluates the specs of a [.config] enable= rule:
// "nm-version:", "nm-version-min:", "nm-version-max:" and "env:".
func MatchConfig(specs []string, nmVersion, env string) MatchResult {
	var cur [3]int64
	fmt.Sscanf(nmVersion, "%d.%d.%d", &cur[0], &cur[1], &cur[2])
	return evalSpecs(specs, func(s string, _ bool) bool {
		for _, tag := range []string{"nm-version:", "nm-version-min:", "nm-version-max:"} {
			if v, ok := cutTagFold(s, tag); ok {
				return versionMatches(v, tag, cur)
			}
		}
		if v, ok := cutTagFold(s, "env:"); ok {
			return env != "" && v == env
		}
		return false
	})
}

// versionMatches compares "MAJ[.MIN[.MIC]]": the last given part is
// compared by the tag (equal, at least, at most), the others must equal.
func versionMatches(v, tag string, cur [3]int64) bool {
	v = strings.TrimSpace(v)
	if v == "" || strings.Trim(v, ".0123456789") != "" {
		return false
	}
	parts := strings.Split(v, ".")
	if len(parts) > 3 {
		return false
	}
	limits := []int64{0xffff, 0xff, 0xff}
	var want [3]int64
	for i, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 0 || n > limits[i] {
			return false
		}
		want[i] = n
	}
	last := len(parts) - 1
	for i := 0; i <= last; i++ {
		switch {
		case i < last:
			if cur[i] != want[i] {
				return false
			}
		case tag == "nm-version-min:":
			if cur[i] < want[i] {
				return false
			}
		case tag == "nm-version-max:":
			if cur[i] > want[i] {
				return false
			}
		default:
			if cur[i] != want[i] {
				return false
			}
		}
	}
	return true
}
