package setting

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The property types of nmcli's face: each renders a value and parses
// what users type, with nmcli 1.42's texts.

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
func hex32(u uint32) string { return strconv.FormatUint(uint64(u), 16) }

func joinStrings(parts []string, sep string) string { return strings.Join(parts, sep) }

func trimASCIISpace(s string) string { return strings.Trim(s, asciiSpaces+"\v") }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// defaultNmcliType is the type of properties whose schema entry names
// none: it follows from the Kind.
func defaultNmcliType(p *Property) NmcliType {
	if p.SecretFlags {
		return secretFlagsType{}
	}
	switch p.Kind {
	case KindBool:
		return boolType{}
	case KindInt32, KindUint32, KindInt64, KindUint64, KindUint8:
		return intType{}
	case KindString:
		return stringType{}
	case KindMAC:
		return macType{}
	case KindBytes:
		return bytesType{}
	case KindStrv:
		return multilistType{}
	case KindDNS:
		return dnsType{}
	case KindIPAddresses:
		return addressesType{}
	case KindIPRoutes:
		return routesType{}
	case KindRoutingRules:
		return routingRulesType{}
	case KindBridgeVlans:
		return bridgeVlansType{}
	case KindOvsTrunks:
		return trunksType{}
	case KindSriovVFs:
		return sriovVFsType{}
	case KindTCQdiscs:
		return qdiscsType{}
	case KindTCTfilters:
		return tfiltersType{}
	case KindTeamLinkWatchers:
		return linkWatchersType{}
	}
	return readOnlyType{}
}

// isDefaultValue compares a property's value with its default, lists and
// maps being default when empty.
func isDefaultValue(p *Property, v any) bool {
	if p.Kind.isList() || p.Kind == KindBytes {
		return v == nil || isEmptyList(v) || (p.Kind == KindBytes && len(v.([]byte)) == 0)
	}
	return equalValues(v, p.Default)
}

// gobjectGet renders a value the generic way: yes/no, decimal numbers,
// lists joined with commas, bytes in hex, maps as key=value.
func gobjectGet(c *getCtx) (string, bool) {
	p := c.p
	v := c.s.Get(p.Name)
	def := isDefaultValue(p, v)
	switch x := v.(type) {
	case nil:
		return "", true
	case bool:
		return yesNo(x), def
	case int32:
		return itoa64(int64(x)), def
	case int64:
		return itoa64(x), def
	case uint32:
		return strconv.FormatUint(uint64(x), 10), def
	case uint64:
		return strconv.FormatUint(x, 10), def
	case uint8:
		return strconv.FormatUint(uint64(x), 10), def
	case string:
		return x, def
	case []string:
		return strings.Join(x, ","), def
	case []byte:
		return strings.ToUpper(fmt.Sprintf("%x", x)), len(x) == 0
	case map[string]string:
		keys := slices.Sorted(maps.Keys(x))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = escapeOptionKey(k) + "=" + escapeOptionValue(x[k])
		}
		return strings.Join(parts, ","), len(x) == 0
	}
	return "", def
}

// readOnlyType is shown but cannot be set from nmcli.
type readOnlyType struct{}

func (readOnlyType) get(c *getCtx) (string, bool) { return gobjectGet(c) }
func (readOnlyType) set(*setCtx, Modifier, *string) error {
	return ErrReadOnly
}

// resetDefault returns the property to its default.
func resetDefault(c *setCtx) error {
	c.s.Unset(c.p.Name)
	return nil
}

// stringType is a free or restricted string.
type stringType struct {
	// allowed restricts what is accepted (unambiguous prefixes match).
	allowed []string
	// emptyUnset: the string tells unset from empty (gsm.apn); a value
	// of only spaces loses one space, so " " sets "".
	emptyUnset bool
	// validate checks and may rewrite the value.
	validate func(c *setCtx, v string) (string, error)
}

func (t stringType) get(c *getCtx) (string, bool) {
	if !t.emptyUnset {
		return gobjectGet(c)
	}
	v, set := c.s.String(c.p.Name)
	if c.pretty {
		switch {
		case !set:
			return "", true
		case v == "":
			return `""`, false
		}
		return `"` + v + `"`, false
	}
	switch {
	case !set:
		return "", true
	case v == "":
		return " ", false
	}
	return v, false
}

func (t stringType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	v := *value
	if t.emptyUnset && v != "" && strings.Trim(v, " ") == "" {
		v = v[1:]
	}
	if t.validate != nil {
		var err error
		if v, err = t.validate(c, v); err != nil {
			return err
		}
	} else if t.allowed != nil {
		var err error
		if v, err = StringIsValid(v, t.allowed); err != nil {
			return err
		}
	}
	return c.s.Set(c.p.Name, v)
}

func (t stringType) values() []string { return t.allowed }

// boolType is yes/no.
type boolType struct {
	// after runs after a successful set (gsm.auto-config clears the
	// APN, user name and password).
	after func(s *Setting)
}

func (boolType) get(c *getCtx) (string, bool) { return gobjectGet(c) }

func (t boolType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	b, err := ParseBool(*value)
	if err != nil {
		return err
	}
	if err := c.s.Set(c.p.Name, b); err != nil {
		return err
	}
	if t.after != nil {
		t.after(c.s)
	}
	return nil
}

// ternaryType is NMTernary: default, no, yes.
type ternaryType struct{}

func (ternaryType) get(c *getCtx) (string, bool) {
	return enumType{e: enumTernary}.get(c)
}

func (ternaryType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	v, err := ParseTernary(*value, false)
	if err != nil {
		return err
	}
	return c.s.Set(c.p.Name, v)
}

// IntNick names one value of an integer property ("default",
// "infinity", ...).
type IntNick struct {
	Value int64
	Nick  string
}

// intType is a number, decimal or hexadecimal, with optional names for
// some values.
type intType struct {
	base  int
	nicks []IntNick
	// min and max replace the property's range when max > min.
	min, max int64
}

func (t intType) get(c *getCtx) (string, bool) {
	v := c.s.Get(c.p.Name)
	def := equalValues(v, c.p.Default)
	n, u, signed := numericValue(v)
	var text string
	if t.base == 16 {
		if signed {
			text = "0x" + strconv.FormatUint(uint64(n), 16)
		} else {
			text = "0x" + strconv.FormatUint(u, 16)
		}
	} else if signed {
		text = itoa64(n)
	} else {
		text = strconv.FormatUint(u, 10)
	}
	if c.pretty {
		for _, k := range t.nicks {
			if (signed && k.Value == n) || (!signed && uint64(k.Value) == u) {
				text += " (" + k.Nick + ")"
				break
			}
		}
	}
	return text, def
}

func numericValue(v any) (n int64, u uint64, signed bool) {
	switch x := v.(type) {
	case int32:
		return int64(x), 0, true
	case int64:
		return x, 0, true
	case uint32:
		return 0, uint64(x), false
	case uint64:
		return 0, x, false
	case uint8:
		return 0, uint64(x), false
	}
	return 0, 0, true
}

// kindRange is the range of a property: its schema range, else its
// type's.
func kindRange(p *Property) (int64, uint64) {
	switch p.Kind {
	case KindInt32:
		return math.MinInt32, math.MaxInt32
	case KindUint32:
		return 0, math.MaxUint32
	case KindInt64:
		return math.MinInt64, math.MaxInt64
	case KindUint8:
		return 0, math.MaxUint8
	}
	return 0, math.MaxUint64
}

func (t intType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	p := c.p
	v := *value
	trimmed := trimASCIISpace(v)
	for _, k := range t.nicks {
		if k.Nick == trimmed {
			return c.s.Set(p.Name, intOfKind(p.Kind, k.Value, uint64(k.Value)))
		}
	}
	base := 10
	if t.base > 0 {
		base = t.base
	}
	minS, maxU := kindRange(p)
	min, max := minS, int64(0)
	if maxU <= math.MaxInt64 {
		max = int64(maxU)
	}
	if t.max > t.min {
		min, max, maxU = t.min, t.max, uint64(t.max)
	} else if p.Range != nil {
		min, max, maxU = p.Range.Min, p.Range.Max, uint64(p.Range.Max)
	}
	signed := p.Kind == KindInt32 || p.Kind == KindInt64
	if signed {
		n, res := asciiToInt64(v, base, min, max)
		switch res {
		case parseRange:
			return fmt.Errorf("'%s' is out of range [%d, %d]", v, min, max)
		case parseInvalid:
			return fmt.Errorf("'%s' is not a valid number", v)
		}
		return c.s.Set(p.Name, intOfKind(p.Kind, n, 0))
	}
	minU := uint64(0)
	if min > 0 {
		minU = uint64(min)
	}
	u, res := asciiToUint64(v, base, minU, maxU)
	switch res {
	case parseRange:
		return fmt.Errorf("'%s' is out of range [%d, %d]", v, minU, maxU)
	case parseInvalid:
		return fmt.Errorf("'%s' is not a valid number", v)
	}
	return c.s.Set(p.Name, intOfKind(p.Kind, 0, u))
}

// intOfKind converts a number to the Go type of the kind.
func intOfKind(k Kind, n int64, u uint64) any {
	switch k {
	case KindInt32:
		return int32(n)
	case KindInt64:
		return n
	case KindUint32:
		if u == 0 && n != 0 {
			return uint32(n)
		}
		return uint32(u)
	case KindUint64:
		if u == 0 && n != 0 {
			return uint64(n)
		}
		return u
	case KindUint8:
		if u == 0 && n != 0 {
			return uint8(n)
		}
		return uint8(u)
	}
	return nil
}

type parseResult int

const (
	parseOK parseResult = iota
	parseInvalid
	parseRange
)

// asciiMagnitude reads the sign and digits shared by asciiToInt64 and
// asciiToUint64: surrounding ASCII space, an optional sign, and the digits
// in base (base 0 picks 16 after "0x", 8 after a leading 0, else 10; base
// 16 skips a "0x"). The magnitude must fit 64 bits.
func asciiMagnitude(s string, base int) (neg bool, u uint64, r parseResult) {
	body := trimASCIISpace(s)
	if body == "" {
		return false, 0, parseInvalid
	}
	if body[0] == '+' || body[0] == '-' {
		neg = body[0] == '-'
		body = body[1:]
	}
	if base == 16 && len(body) > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X') {
		body = body[2:]
	} else if base == 0 {
		switch {
		case len(body) > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X'):
			base, body = 16, body[2:]
		case len(body) > 1 && body[0] == '0':
			base, body = 8, body[1:]
		default:
			base = 10
		}
	}
	if body == "" {
		return false, 0, parseInvalid
	}
	u, err := strconv.ParseUint(body, base, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return false, 0, parseRange
		}
		return false, 0, parseInvalid
	}
	return neg, u, parseOK
}

// asciiToInt64 is _nm_utils_ascii_str_to_int64 with its two errors:
// not a number, or out of [min, max].
func asciiToInt64(s string, base int, min, max int64) (int64, parseResult) {
	neg, u, r := asciiMagnitude(s, base)
	if r != parseOK {
		return 0, r
	}
	var n int64
	if neg {
		if u > 1<<63 {
			return 0, parseRange
		}
		n = -int64(u)
	} else {
		if u > math.MaxInt64 {
			return 0, parseRange
		}
		n = int64(u)
	}
	if n < min || n > max {
		return n, parseRange
	}
	return n, parseOK
}

// asciiToUint64 is _nm_utils_ascii_str_to_uint64: a leading minus wraps
// around, as strtoull does.
func asciiToUint64(s string, base int, min, max uint64) (uint64, parseResult) {
	neg, u, r := asciiMagnitude(s, base)
	if r != parseOK {
		return 0, r
	}
	if neg {
		u = -u
	}
	if u < min || u > max {
		return u, parseRange
	}
	return u, parseOK
}

// mtuType is an MTU: 0 is shown as "auto" (when showAuto) and "auto" is
// accepted as 0.
type mtuType struct{ showAuto bool }

func (t mtuType) get(c *getCtx) (string, bool) {
	if !t.showAuto {
		return gobjectGet(c)
	}
	v := c.s.Get(c.p.Name)
	_, u, _ := numericValue(v)
	if u == 0 {
		return "auto", true
	}
	return strconv.FormatUint(u, 10), false
}

func (mtuType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	v := *value
	if v == "auto" {
		v = "0"
	}
	n, res := asciiToInt64(v, 10, 0, math.MaxUint32)
	if res != parseOK {
		return fmt.Errorf("'%s' is out of range [0, %d]", v, uint32(math.MaxUint32))
	}
	return c.s.Set(c.p.Name, uint32(n))
}

// MAC address modes.
const (
	macEthernet = iota
	macCloned
	macInfiniband
	macWPAN
)

// macType is a hardware address of 6 bytes (20 for InfiniBand, 8 for
// WPAN); cloned addresses also take preserve/permanent/random/stable.
type macType struct{ mode int }

func (macType) get(c *getCtx) (string, bool) { return gobjectGet(c) }

func (t macType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	v := *value
	var ok bool
	switch t.mode {
	case macInfiniband:
		ok = hwaddrValid(v, 20)
	case macWPAN:
		ok = hwaddrValid(v, 8)
	default:
		ok = hwaddrValid(v, ethAlen) || (t.mode == macCloned && isSpecialClonedMAC(v))
	}
	if !ok {
		return fmt.Errorf("'%s' is not a valid Ethernet MAC", v)
	}
	if c.p.Kind == KindMAC || c.p.Kind == KindString {
		return c.s.Set(c.p.Name, v)
	}
	return errors.New("the property can't be changed")
}

// bytesType is a byte array written in hex ("ab12..."); legacy also takes
// space-separated bytes ("ab 4 0x55").
type bytesType struct{ legacy bool }

func (bytesType) get(c *getCtx) (string, bool) { return gobjectGet(c) }

func (t bytesType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	v := trimASCIISpace(*value)
	if b, ok := hexstr2bin(v, true, false, false, ":", 0, 0); ok {
		return c.s.Set(c.p.Name, b)
	}
	if !t.legacy {
		if *value != "" {
			return errors.New("not a valid hex-string")
		}
		c.s.Unset(c.p.Name)
		return nil
	}
	var out []byte
	for _, w := range strings.FieldsFunc(*value, func(r rune) bool { return r == ' ' || r == '\t' }) {
		n, res := asciiToInt64(w, 16, 0, 255)
		if res != parseOK {
			return fmt.Errorf("'%s' is not a valid hex character", w)
		}
		out = append(out, byte(n))
	}
	if out == nil {
		out = []byte{}
	}
	return c.s.Set(c.p.Name, out)
}

// secretFlagsType shows "N (agent-owned, not saved)" and parses flag
// names or numbers.
type secretFlagsType struct{}

func (secretFlagsType) get(c *getCtx) (string, bool) {
	f := c.s.Uint32(c.p.Name)
	// nmcli never counts secret flags as default (--overview shows them).
	const def = false
	if !c.pretty {
		return strconv.FormatUint(uint64(f), 10), def
	}
	if f == 0 {
		return "0 (none)", def
	}
	var parts []string
	if f&SecretFlagAgentOwned != 0 {
		parts = append(parts, "agent-owned")
	}
	if f&SecretFlagNotSaved != 0 {
		parts = append(parts, "not saved")
	}
	if f&SecretFlagNotRequired != 0 {
		parts = append(parts, "not required")
	}
	if len(parts) == 0 {
		parts = []string{"unknown"}
	}
	return strconv.FormatUint(uint64(f), 10) + " (" + strings.Join(parts, ", ") + ")", def
}

func (secretFlagsType) set(c *setCtx, mod Modifier, value *string) error {
	return enumType{e: flagsSecret}.set(c, mod, value)
}

func (secretFlagsType) supportsRemove() bool { return true }

func (secretFlagsType) values() []string { return flagsSecret.names(0, math.MaxUint32) }

// Ways an enum is rendered (NM_META_PROPERTY_TYP_FLAG_ENUM_GET_*).
const (
	enumPrettyText   = 1 << iota // the name only, for people
	enumParsableText             // the name only, in terse output
)

// enumType is a value of a libnm enum or flags type, shown as "N (name)"
// for people and as a number in terse output unless told otherwise.
type enumType struct {
	e *EnumType
	// nicks are extra names the parser accepts; they are also used to
	// show values when getFromSetter.
	nicks         []EnumValue
	getNicks      []EnumValue
	getFromSetter bool
	format        int
	// min and max restrict the values offered in errors and completion.
	min, max int64
	hasRange bool
	// preSet runs before a new value is stored (wep-key-type warns
	// about keys that no longer fit).
	preSet func(c *setCtx, v int64)
}

func (t enumType) get(c *getCtx) (string, bool) {
	v := c.s.Get(c.p.Name)
	def := equalValues(v, c.p.Default)
	n, u, signed := numericValue(v)
	if !signed {
		n = int64(u)
	}
	numeric, hexAlways, hexFlags, text := false, false, false, false
	switch {
	case c.pretty && t.format&enumPrettyText != 0:
		text = true
	case !c.pretty && t.format&enumParsableText != 0:
		text = true
	case c.pretty:
		numeric, hexFlags, text = true, true, true
	default:
		numeric, hexFlags = true, true
	}
	num := func() string {
		if hexAlways || (hexFlags && t.e.Flags) {
			return "0x" + strconv.FormatUint(uint64(uint32(n)), 16)
		}
		return itoa64(n)
	}
	if numeric && !text {
		return num(), def
	}
	infos := t.getNicks
	if t.getFromSetter {
		infos = t.nicks
	}
	s := t.e.toStr(n, ", ", infos)
	if !numeric {
		return s, def
	}
	sn := num()
	if s == sn {
		return s, def
	}
	return sn + " (" + s + ")", def
}

func (t enumType) set(c *setCtx, mod Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	if v, ok := t.e.fromStr(*value, t.nicks); ok {
		if t.preSet != nil {
			t.preSet(c, v)
		}
		if t.e.Flags && mod != ModSet {
			cur := int64(c.s.Uint32(c.p.Name))
			if c.p.Kind == KindInt32 {
				cur = int64(uint32(c.s.Int32(c.p.Name)))
			}
			if mod == ModDel {
				v = int64(uint32(cur) &^ uint32(v))
			} else {
				v = int64(uint32(cur) | uint32(v))
			}
		}
		// libnm refuses values its property does not hold: enum
		// properties only their members, flags only their bits.
		switch {
		case c.p.Values != nil && !slices.Contains(c.p.Values, int64(int32(v))):
		case c.p.Range != nil && (v < c.p.Range.Min || v > c.p.Range.Max):
		case c.p.Mask != 0 && uint64(uint32(v))&^c.p.Mask != 0:
		case c.p.Kind == KindInt32:
			return c.s.Set(c.p.Name, int32(v))
		default:
			return c.s.Set(c.p.Name, uint32(v))
		}
	}
	min, max := int64(math.MinInt32), int64(math.MaxInt32)
	if t.hasRange {
		min, max = t.min, t.max
	} else if t.e.Flags {
		min, max = 0, -1
	}
	valid := strings.Join(t.e.names(min, max), ",")
	if t.e.Flags {
		return fmt.Errorf("invalid option '%s', use a combination of [%s]", *value, valid)
	}
	return fmt.Errorf("invalid option '%s', use one of [%s]", *value, valid)
}

func (enumType) supportsRemove() bool { return true }

func (t enumType) values() []string {
	min, max := int64(math.MinInt32), int64(math.MaxInt32)
	if t.hasRange {
		min, max = t.min, t.max
	} else if t.e.Flags {
		min, max = 0, -1
	}
	out := t.e.names(min, max)
	for _, n := range t.nicks {
		out = append(out, n.Nick)
	}
	return out
}

// Ways a list value is split into items.
const (
	// splitPlain splits at commas and white space; no escaping.
	splitPlain = iota
	// splitEscaped splits at unescaped commas.
	splitEscaped
	// splitEscapedSpaces splits at unescaped commas and white space.
	splitEscapedSpaces
)

func splitValue(v string, mode int) []string {
	switch mode {
	case splitEscaped:
		return escapedTokensSplit(v, ",")
	case splitEscapedSpaces:
		return escapedTokensSplit(v, asciiSpaces+",")
	}
	return plainSplit(v, asciiSpaces+",")
}

// plainSplit splits at any of delims, trims white space and drops empty
// items.
func plainSplit(v, delims string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(v, func(r rune) bool { return r < 128 && strings.IndexByte(delims, byte(r)) >= 0 }) {
		if w = trimASCIISpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// multilistType is a list of strings: "a,b" (or "a b") replaces it, "+"
// adds and "-" removes items by value or by index.
type multilistType struct {
	split int
	// allowed restricts the items (unambiguous prefixes match).
	allowed []string
	// validate checks one item and may rewrite it.
	validate func(c *setCtx, item string) (string, error)
	// add inserts one item; the default appends it unless present.
	add func(list []string, item string) []string
	// remove drops one item by value; the default drops the first equal
	// one.
	remove func(list []string, item string) []string
	// noIndexRemove: "-prop 1" removes the value "1", not the second item.
	noIndexRemove bool
	// emptyUnset: the list tells unset from empty (ipv4.dns-options):
	// "" unsets it, and adding to an unset list starts from empty.
	emptyUnset bool
	// commit stores the list (permissions keep their "user:" form).
	commit func(s *Setting, prop string, list []string)
	// show renders the list (defaults to joining with commas).
	show func(list []string) (string, bool)
}

func (t multilistType) get(c *getCtx) (string, bool) {
	list := c.s.Strv(c.p.Name)
	if t.show != nil {
		return t.show(list)
	}
	if !t.emptyUnset {
		return strings.Join(list, ","), len(list) == 0
	}
	set := c.s.Get(c.p.Name) != nil
	if len(list) > 0 {
		return strings.Join(list, ","), false
	}
	// empty or unset
	if c.pretty {
		if !set {
			return "", true
		}
		return `""`, false
	}
	if !set {
		return "", true
	}
	return " ", false
}

func (t multilistType) current(c *setCtx) []string {
	return slices.Clone(c.s.Strv(c.p.Name))
}

func (t multilistType) store(c *setCtx, list []string) error {
	if t.commit != nil {
		t.commit(c.s, c.p.Name, list)
		return nil
	}
	if list == nil {
		list = []string{}
	}
	return c.s.Set(c.p.Name, list)
}

func (t multilistType) set(c *setCtx, mod Modifier, value *string) error {
	if value == nil {
		if t.emptyUnset {
			c.s.Unset(c.p.Name)
			return nil
		}
		return t.store(c, nil)
	}
	v := *value
	if mod == ModDel && !t.noIndexRemove {
		if idx, ok := indexList(v); ok {
			list := t.current(c)
			for _, i := range idx {
				if i < int64(len(list)) {
					list = slices.Delete(list, int(i), int(i)+1)
				}
			}
			return t.store(c, list)
		}
	}
	if mod == ModSet && t.emptyUnset && v == "" {
		c.s.Unset(c.p.Name)
		return nil
	}
	items := splitValue(v, t.split)
	for i, it := range items {
		var err error
		switch {
		case t.allowed != nil:
			it, err = StringIsValid(it, t.allowed)
		case t.validate != nil:
			it, err = t.validate(c, it)
		}
		if err != nil {
			return err
		}
		items[i] = it
	}
	var list []string
	if mod != ModSet {
		list = t.current(c)
	}
	for _, it := range items {
		if mod == ModDel {
			if t.remove != nil {
				list = t.remove(list, it)
			} else if i := slices.Index(list, it); i >= 0 {
				list = slices.Delete(list, i, i+1)
			}
			continue
		}
		if t.add != nil {
			list = t.add(list, it)
		} else if !slices.Contains(list, it) {
			list = append(list, it)
		}
	}
	return t.store(c, list)
}

func (multilistType) supportsRemove() bool { return true }

func (t multilistType) values() []string { return t.allowed }

// indexList reads "-prop 0,2" as indexes (in descending order, without
// duplicates), or reports that the value is not a list of numbers.
func indexList(v string) ([]int64, bool) {
	var out []int64
	for _, w := range strings.FieldsFunc(v, func(r rune) bool { return r < 128 && strings.IndexByte(","+asciiSpaces, byte(r)) >= 0 }) {
		n, res := asciiToInt64(w, 10, 0, math.MaxInt64)
		if res != parseOK {
			return nil, false
		}
		out = append(out, n)
	}
	if out == nil {
		return nil, false
	}
	slices.Sort(out)
	slices.Reverse(out)
	return slices.Compact(out), true
}

// addAlways appends an item even when present.
func addAlways(list []string, item string) []string { return append(list, item) }

// addLowerUnique appends an item in lower case unless an item equal
// ignoring case is present.
func addLowerUnique(list []string, item string) []string {
	for _, x := range list {
		if strings.EqualFold(x, item) {
			return list
		}
	}
	return append(list, strings.ToLower(item))
}

func removeFold(list []string, item string) []string {
	for i, x := range list {
		if strings.EqualFold(x, item) {
			return slices.Delete(list, i, i+1)
		}
	}
	return list
}

// escapeOptionKey and escapeOptionValue escape a key or value of a
// "k=v,k=v" list so splitOptions reads it back.
func escapeOptionKey(s string) string   { return escapeTokensFull(s, ",=", "") }
func escapeOptionValue(s string) string { return escapeTokensFull(s, ",", "=") }

// escapeTokensFull escapes the delimiters, backslashes where they would
// otherwise escape what follows (a delimiter, a backslash, white space
// or an asNeeded character) and white space at either end.
func escapeTokensFull(s, delims, asNeeded string) string {
	if s == "" {
		return s
	}
	isDelim := func(c byte) bool { return strings.IndexByte(delims, c) >= 0 }
	var b strings.Builder
	n := len(s)
	for i := 0; i < n; i++ {
		c := s[i]
		switch {
		case isDelim(c):
			b.WriteByte('\\')
		case c == '\\':
			var next byte
			if i+1 < n {
				next = s[i+1]
			}
			if i+1 == n || next == '\\' || isDelim(next) || isASCIISpace(next) || (next != 0 && strings.IndexByte(asNeeded, next) >= 0) {
				b.WriteByte('\\')
			}
		case isASCIISpace(c) && (i == 0 || (i == n-1 && n > 1)):
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// splitOptions reads "k=v,k2=v2": items at unescaped commas, each split
// at its first unescaped '=' (a missing '=' gives ok false for that
// item).
type option struct {
	key, value string
	hasValue   bool
}

func splitOptions(s string) []option {
	var out []option
	for _, item := range splitKeepEscapes(s, ',') {
		out = append(out, splitOption(item))
	}
	return out
}

// splitKeepEscapes splits at unescaped sep, trims unescaped white space,
// drops empty items and keeps the backslashes.
func splitKeepEscapes(s string, sep byte) []string {
	var raw []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			raw = append(raw, s[start:i])
			start = i + 1
		}
	}
	raw = append(raw, s[start:])
	var out []string
	for _, w := range raw {
		if w = trimUnescapedSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func splitOption(str string) option {
	i := 0
	for i < len(str) && isASCIISpace(str[i]) {
		i++
	}
	var key strings.Builder
	var val strings.Builder
	cur := &key
	inVal := false
	lastSpace := -1
	for i < len(str) {
		c := str[i]
		if isASCIISpace(c) {
			if lastSpace < 0 {
				lastSpace = cur.Len()
			}
		} else {
			if c == '\\' && i+1 < len(str) && (str[i+1] == '\\' || str[i+1] == ',' || str[i+1] == '=' || isASCIISpace(str[i+1])) {
				i++
				c = str[i]
			} else if c == '=' && !inVal {
				k := cur.String()
				if lastSpace >= 0 {
					k = k[:lastSpace]
				}
				key.Reset()
				key.WriteString(k)
				inVal = true
				cur = &val
				lastSpace = -1
				i++
				for i < len(str) && isASCIISpace(str[i]) {
					i++
				}
				continue
			}
			lastSpace = -1
		}
		cur.WriteByte(c)
		i++
	}
	out := cur.String()
	if lastSpace >= 0 {
		out = out[:lastSpace]
	}
	if inVal {
		return option{key: key.String(), value: out, hasValue: true}
	}
	return option{key: out}
}

// optionlistType is a map written "k=v,k2=v2": "+" adds or replaces
// options, "-" removes them by key.
type optionlistType struct {
	// keys restrict the keys (unambiguous prefixes match).
	keys func() []string
	// noEmpty refuses empty values.
	noEmpty bool
	// setOne stores one option; a nil value removes it.
	setOne func(c *setCtx, key string, value *string) error
	// show renders the map.
	show func(c *getCtx) (string, bool)
	// clear empties the map before "prop value" sets it.
	clear func(s *Setting)
}

func (t optionlistType) get(c *getCtx) (string, bool) {
	if t.show != nil {
		return t.show(c)
	}
	return gobjectGet(c)
}

func (t optionlistType) set(c *setCtx, mod Modifier, value *string) error {
	if value == nil {
		if t.clear != nil {
			t.clear(c.s)
		} else {
			c.s.Unset(c.p.Name)
		}
		return nil
	}
	opts := splitOptions(*value)
	type kv struct {
		k string
		v *string
	}
	var items []kv
	for _, o := range opts {
		k := o.key
		if t.keys != nil {
			var err error
			if k, err = StringIsValid(k, t.keys()); err != nil {
				return err
			}
		}
		var v *string
		if o.hasValue {
			if mod != ModDel {
				val := o.value
				v = &val
			}
		} else if mod != ModDel {
			return fmt.Errorf("'%s' is not valid; use <option>=<value>", k)
		}
		if v != nil && *v == "" && t.noEmpty {
			return fmt.Errorf("cannot set empty \"%s\" option", k)
		}
		items = append(items, kv{k, v})
	}
	if mod == ModSet {
		if t.clear != nil {
			t.clear(c.s)
		} else {
			c.s.Unset(c.p.Name)
		}
	}
	for _, it := range items {
		if err := t.setOne(c, it.k, it.v); err != nil {
			return err
		}
	}
	return nil
}

func (optionlistType) supportsRemove() bool { return true }

func (t optionlistType) values() []string {
	if t.keys != nil {
		return t.keys()
	}
	return nil
}

// strdictSetOne stores one entry of a string map property.
func strdictSetOne(c *setCtx, key string, value *string) error {
	m := maps2(c.s.StrDict(c.p.Name))
	if value == nil {
		delete(m, key)
	} else {
		m[key] = *value
	}
	return c.s.Set(c.p.Name, m)
}

func maps2(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// objlistType is a list of structured items, written comma separated:
// "prop value" replaces the list, "+" adds, "-" removes by value or by
// index.
type objlist[T any] struct {
	split int
	// prettySemicolon separates items with "; " in the human form.
	prettySemicolon bool
	// noIndexRemove: indexes are not accepted by "-prop".
	noIndexRemove bool
	parse         func(c *setCtx, s string) (T, error)
	format        func(c *getCtx, v T) string
	equal         func(a, b T) bool
	// add puts one item in (the default appends).
	add func(list []T, v T) []T
	// remove takes one item out (the default removes the first equal).
	remove func(list []T, v T) []T
}

// appendUnlisted is an objlist add that skips an item when one the same
// by same is already listed, as libnm's adders refuse duplicates.
func appendUnlisted[T any](same func(a, b T) bool) func([]T, T) []T {
	return func(l []T, v T) []T {
		for _, x := range l {
			if same(x, v) {
				return l
			}
		}
		return append(l, v)
	}
}

func (o objlist[T]) list(s *Setting, prop string) []T {
	v, _ := s.Get(prop).([]T)
	return v
}

func (o objlist[T]) get(c *getCtx) (string, bool) {
	l := o.list(c.s, c.p.Name)
	var b strings.Builder
	for i, v := range l {
		if i > 0 {
			if c.pretty && o.prettySemicolon {
				b.WriteString("; ")
			} else {
				b.WriteString(", ")
			}
		}
		b.WriteString(o.format(c, v))
	}
	return b.String(), len(l) == 0
}

func (o objlist[T]) set(c *setCtx, mod Modifier, value *string) error {
	if value == nil {
		c.s.Unset(c.p.Name)
		return nil
	}
	cur := slices.Clone(o.list(c.s, c.p.Name))
	if mod == ModDel && !o.noIndexRemove {
		if idx, ok := indexList(*value); ok {
			for _, i := range idx {
				if i < int64(len(cur)) {
					cur = slices.Delete(cur, int(i), int(i)+1)
				}
			}
			return c.s.Set(c.p.Name, nonNil(cur))
		}
	}
	mode := splitEscaped
	if o.split == splitPlain {
		mode = splitPlain
	}
	items := splitObjlist(*value, mode)
	if mod == ModSet {
		cur = nil
	}
	for _, it := range items {
		v, err := o.parse(c, it)
		if err != nil {
			// nmcli keeps what it changed before the failing item
			_ = c.s.Set(c.p.Name, nonNil(cur))
			return err
		}
		if mod == ModDel {
			if o.remove != nil {
				cur = o.remove(cur, v)
			} else {
				for i := range cur {
					if o.equal(cur[i], v) {
						cur = slices.Delete(cur, i, i+1)
						break
					}
				}
			}
			continue
		}
		if o.add != nil {
			cur = o.add(cur, v)
		} else {
			cur = append(cur, v)
		}
	}
	return c.s.Set(c.p.Name, nonNil(cur))
}

func nonNil[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}

func (objlist[T]) supportsRemove() bool { return true }

// splitObjlist splits an object list: plainly at commas (trimming), or
// at unescaped commas.
func splitObjlist(v string, mode int) []string {
	if mode == splitPlain {
		return plainSplit(v, ",")
	}
	return escapedTokensSplit(v, ",")
}
