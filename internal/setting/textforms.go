package setting

// Text forms libnm gives some values: attribute strings ("mtu=1400
// src=10.0.0.1", "handle 1: sfq perturb 10"), SR-IOV virtual functions
// and traffic-control qdiscs and filters. The keyfile plugin and nmcli
// both use them.

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/godbus/dbus/v5"
)

// AttrSpec describes one attribute of an attribute string such as a route's
// "mtu=1400,table=10" or a qdisc's "handle 1: sfq perturb 10".
type AttrSpec struct {
	Name string
	Sig  string // "u", "i", "t", "y", "b", "s" or "ay"
	// NoValue attributes are a bare word; a NoValue string takes the word
	// itself as its value (and matches any word).
	NoValue bool
	// ConsumesRest: the value is everything from the word on, unparsed.
	ConsumesRest bool
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

// ParseAttributes parses an attribute string with NetworkManager's rules,
// including their corner cases: an unknown name (when ignored) runs on
// into the next attribute, and with equal separators the value is the next
// word.
func ParseAttributes(str string, attrSep, kvSep byte, ignoreUnknown bool, spec []AttrSpec) (map[string]dbus.Variant, error) {
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
		var s *AttrSpec
		for i := range spec {
			if _, done := ht[spec[i].Name]; done {
				continue
			}
			if name == spec[i].Name || spec[i].NoValue && spec[i].Sig == "s" {
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
		if s.NoValue {
			if s.ConsumesRest {
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
		ht[s.Name] = v
		start = -1
		if at(ptr) == 0 {
			break
		}
	}
	return ht, nil
}

func attrValue(s *AttrSpec, value string) (dbus.Variant, error) {
	switch s.Sig {
	case "u":
		n, ok := ParseInt(value, 10, 0, 1<<32-1)
		if !ok {
			return dbus.Variant{}, fmt.Errorf("invalid uint32 value '%s' for attribute '%s'", value, s.Name)
		}
		return dbus.MakeVariant(uint32(n)), nil
	case "i":
		n, ok := ParseInt(value, 10, -1<<31, 1<<31-1)
		if !ok {
			return dbus.Variant{}, fmt.Errorf("invalid int32 value '%s' for attribute '%s'", value, s.Name)
		}
		return dbus.MakeVariant(int32(n)), nil
	case "t":
		n, ok := ParseUint(value, 10, 1<<64-1)
		if !ok {
			return dbus.Variant{}, fmt.Errorf("invalid uint64 value '%s' for attribute '%s'", value, s.Name)
		}
		return dbus.MakeVariant(n), nil
	case "y":
		n, ok := ParseInt(value, 10, 0, 255)
		if !ok {
			return dbus.Variant{}, fmt.Errorf("invalid uint8 value '%s' for attribute '%s'", value, s.Name)
		}
		return dbus.MakeVariant(uint8(n)), nil
	case "b":
		if s.NoValue {
			return dbus.MakeVariant(true), nil
		}
		b, ok := parseBoolWord(value)
		if !ok {
			return dbus.Variant{}, fmt.Errorf("invalid boolean value '%s' for attribute '%s'", value, s.Name)
		}
		return dbus.MakeVariant(b), nil
	case "s":
		return dbus.MakeVariant(value), nil
	case "ay":
		// A GLib byte string keeps its terminating NUL.
		return dbus.MakeVariant(append([]byte(value), 0)), nil
	}
	return dbus.Variant{}, fmt.Errorf("unsupported attribute '%s' of type '%s'", s.Name, s.Sig)
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

// FormatAttributes writes attributes sorted by name. With a spec, only
// its attributes are written, no-value ones as a bare word.
func FormatAttributes(attrs map[string]dbus.Variant, spec []AttrSpec, attrSep, kvSep byte) string {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	slices.Sort(names)
	var b strings.Builder
	first := true
	for _, n := range names {
		var s *AttrSpec
		if spec != nil {
			for i := range spec {
				if spec[i].Name == n {
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
		if s == nil || !s.NoValue {
			b.WriteByte(kvSep)
			b.WriteString(attrEscape(val, attrSep, kvSep))
		}
	}
	return b.String()
}

// RouteAttrSpec is the route attribute table in attribute-string form.
var RouteAttrSpec = func() []AttrSpec {
	out := make([]AttrSpec, 0, len(RouteAttrs))
	for _, a := range RouteAttrs {
		out = append(out, AttrSpec{Name: a.Name, Sig: a.Sig})
	}
	return out
}()

// --- SR-IOV virtual functions: "vf.N=mac=... spoof-check=true vlans=1.2.ad" ---

var sriovVFSpec = []AttrSpec{
	{Name: "mac", Sig: "s"},
	{Name: "spoof-check", Sig: "b"},
	{Name: "trust", Sig: "b"},
	{Name: "min-tx-rate", Sig: "u"},
	{Name: "max-tx-rate", Sig: "u"},
	{Name: "vlans", Sig: "s"},
}

const (
	vlanProto8021Q  = 0
	vlanProto8021AD = 1
)

// parseVFVlans parses "ID[.QOS[.q|ad]];..." into the D-Bus form.
func parseVFVlans(s string) ([]map[string]dbus.Variant, error) {
	var out []map[string]dbus.Variant
	seen := map[uint32]bool{}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ';' })
	if len(parts) == 0 {
		return nil, fmt.Errorf("empty VF VLAN")
	}
	numeric := func(x string) bool {
		return x != "" && strings.Trim(x, "x0123456789") == ""
	}
	for _, v := range parts {
		params := strings.SplitN(strings.TrimLeft(v, " \t\n\r\f\v"), ".", 3)
		if params[0] == "" {
			return nil, fmt.Errorf("empty VF VLAN")
		}
		if len(params) == 1 {
			params[0] = strings.TrimRight(params[0], " \t\n\r\f\v")
		}
		id, ok := int64(0), false
		if numeric(params[0]) {
			id, ok = ParseInt(params[0], 0, 0, 4095)
		}
		if !ok {
			return nil, fmt.Errorf("invalid VF VLAN id '%s'", params[0])
		}
		if seen[uint32(id)] {
			return nil, fmt.Errorf("duplicate VLAN id %d", id)
		}
		seen[uint32(id)] = true
		qos, proto := int64(0), uint32(vlanProto8021Q)
		if len(params) > 1 {
			if len(params) == 2 {
				params[1] = strings.TrimRight(params[1], " \t\n\r\f\v")
			}
			ok = false
			if numeric(params[1]) {
				qos, ok = ParseInt(params[1], 0, 0, 1<<32-1)
			}
			if !ok {
				return nil, fmt.Errorf("invalid VF VLAN QoS '%s'", params[1])
			}
		}
		if len(params) > 2 {
			switch strings.TrimRight(params[2], " \t\n\r\f\v") {
			case "ad":
				proto = vlanProto8021AD
			case "q":
			default:
				return nil, fmt.Errorf("invalid VF VLAN protocol '%s'", params[2])
			}
		}
		out = append(out, map[string]dbus.Variant{
			"id": dbus.MakeVariant(uint32(id)), "qos": dbus.MakeVariant(uint32(qos)), "protocol": dbus.MakeVariant(proto),
		})
	}
	// Kept sorted by id, as NetworkManager lists them.
	slices.SortFunc(out, func(a, b map[string]dbus.Variant) int {
		return int(a["id"].Value().(uint32)) - int(b["id"].Value().(uint32))
	})
	return out, nil
}

// SriovVFFromString parses a VF from its index and its attributes
// ("mac=... spoof-check=true vlans=1.2.ad"); keyfiles ignore unknown
// attributes, nmcli does not.
func SriovVFFromString(idx, detail string, ignoreUnknown bool) (SriovVF, error) {
	n, ok := ParseInt(idx, 10, 0, 1<<32-1)
	if !ok {
		return SriovVF{}, fmt.Errorf("invalid index")
	}
	attrs := map[string]dbus.Variant{"index": dbus.MakeVariant(uint32(n))}
	ht, err := ParseAttributes(detail, ' ', '=', ignoreUnknown, sriovVFSpec)
	if err != nil {
		return SriovVF{}, err
	}
	for name, v := range ht {
		if name == "vlans" {
			vlans, err := parseVFVlans(v.Value().(string))
			if err != nil {
				return SriovVF{}, err
			}
			attrs["vlans"] = dbus.MakeVariant(vlans)
			continue
		}
		attrs[name] = v
	}
	return SriovVF{Attrs: attrs}, nil
}

// sriovVFDetail formats a VF without its index, as the keyfile value.
func SriovVFDetail(vf SriovVF) string {
	plain := map[string]dbus.Variant{}
	for k, v := range vf.Attrs {
		if k != "index" && k != "vlans" {
			plain[k] = v
		}
	}
	var b strings.Builder
	b.WriteString(FormatAttributes(plain, nil, ' ', '='))
	if vl, ok := vf.Attrs["vlans"].Value().([]map[string]dbus.Variant); ok && len(vl) > 0 {
		b.WriteString(" vlans")
		for i, v := range vl {
			if i == 0 {
				b.WriteByte('=')
			} else {
				b.WriteByte(';')
			}
			id, _ := v["id"].Value().(uint32)
			qos, _ := v["qos"].Value().(uint32)
			proto, _ := v["protocol"].Value().(uint32)
			b.WriteString(strconv.FormatUint(uint64(id), 10))
			if qos != 0 || proto != vlanProto8021Q {
				b.WriteString("." + strconv.FormatUint(uint64(qos), 10))
				if proto != vlanProto8021Q {
					b.WriteString(".ad")
				}
			}
		}
	}
	return b.String()
}

// --- traffic control: "qdisc.PARENT=[handle H ]KIND [OPTS]" ---

const (
	tcHRoot    = 0xffffffff
	tcHIngress = 0xfffffff1
)

var TCObjectSpec = []AttrSpec{
	{Name: "root", Sig: "b", NoValue: true},
	{Name: "parent", Sig: "s"},
	{Name: "handle", Sig: "s"},
	{Name: "kind", Sig: "s", NoValue: true},
	{Name: "", Sig: "s", NoValue: true, ConsumesRest: true},
}

var tcQdiscSpecs = map[string][]AttrSpec{
	"fq_codel": {{Name: "limit", Sig: "u"}, {Name: "flows", Sig: "u"}, {Name: "target", Sig: "u"}, {Name: "interval", Sig: "u"},
		{Name: "quantum", Sig: "u"}, {Name: "ce_threshold", Sig: "u"}, {Name: "memory_limit", Sig: "u"}, {Name: "ecn", Sig: "b", NoValue: true},
		{Name: "", Sig: "s", NoValue: true, ConsumesRest: true}},
	"sfq": {{Name: "quantum", Sig: "u"}, {Name: "perturb", Sig: "i"}, {Name: "limit", Sig: "u"}, {Name: "divisor", Sig: "u"},
		{Name: "flows", Sig: "u"}, {Name: "depth", Sig: "u"}, {Name: "", Sig: "s", NoValue: true, ConsumesRest: true}},
	"tbf": {{Name: "rate", Sig: "t"}, {Name: "burst", Sig: "u"}, {Name: "limit", Sig: "u"}, {Name: "latency", Sig: "u"},
		{Name: "", Sig: "s", NoValue: true, ConsumesRest: true}},
}

var tcActionSpecs = map[string][]AttrSpec{
	"simple": {{Name: "sdata", Sig: "ay"}},
	"mirred": {{Name: "egress", Sig: "b", NoValue: true}, {Name: "ingress", Sig: "b", NoValue: true},
		{Name: "mirror", Sig: "b", NoValue: true}, {Name: "redirect", Sig: "b", NoValue: true}, {Name: "dev", Sig: "s"}},
}

// ParseTCHandle parses "MAJ[:MIN]" in hex.
func ParseTCHandle(s string) (uint32, error) {
	bad := fmt.Errorf("'%s' is not a valid handle.", s)
	if strings.Trim(s, "0123456789abcdefABCDEF: \t\n\r\f\v") != "" {
		return 0, bad
	}
	majS, minS, hasMin := strings.Cut(s, ":")
	majS = strings.TrimSpace(majS)
	maj, err := strconv.ParseUint(majS, 16, 32)
	if err != nil || maj == 0 || maj > 0xffff {
		return 0, bad
	}
	var mn uint64
	if hasMin {
		minS = strings.TrimSpace(minS)
		if minS != "" {
			mn, err = strconv.ParseUint(minS, 16, 32)
			if err != nil || mn > 0xffff {
				return 0, bad
			}
		}
	}
	return uint32(maj)<<16 | uint32(mn), nil
}

func TCHandleString(h uint32) string {
	s := strconv.FormatUint(uint64(h>>16), 16) + ":"
	if h&0xffff != 0 {
		s += strconv.FormatUint(uint64(h&0xffff), 16)
	}
	return s
}

// TCParentKey is the key suffix for a parent: "root" or "MAJ:MIN".
func TCParentKey(parent uint32) string {
	if parent == tcHRoot {
		return "root"
	}
	return TCHandleString(parent)
}

// tcCommon parses the part qdiscs and filters share.
func tcCommon(str string) (handle, parent uint32, kind, rest string, err error) {
	ht, err := ParseAttributes(str, ' ', ' ', false, TCObjectSpec)
	if err != nil {
		return 0, 0, "", "", err
	}
	if _, ok := ht["root"]; ok {
		parent = tcHRoot
	}
	if v, ok := ht["parent"]; ok {
		if parent != 0 {
			return 0, 0, "", "", fmt.Errorf("'%s' unexpected: parent already specified.", v.Value())
		}
		if parent, err = ParseTCHandle(v.Value().(string)); err != nil {
			return 0, 0, "", "", err
		}
	}
	if v, ok := ht["handle"]; ok {
		if handle, err = ParseTCHandle(v.Value().(string)); err != nil {
			return 0, 0, "", "", err
		}
		if handle&0xffff != 0 {
			return 0, 0, "", "", fmt.Errorf("invalid handle: '%s'", v.Value())
		}
	}
	if v, ok := ht["kind"]; ok {
		kind = v.Value().(string)
		if kind == "ingress" || kind == "clsact" {
			if parent == 0 {
				parent = tcHIngress
			}
			if handle == 0 {
				handle = tcHIngress & 0xffff0000
			}
		}
	}
	if parent == 0 {
		return 0, 0, "", "", fmt.Errorf("parent not specified.")
	}
	if v, ok := ht[""]; ok {
		rest = v.Value().(string)
	}
	return handle, parent, kind, rest, nil
}

func tcKindValid(kind string) error {
	if kind == "" {
		return fmt.Errorf("kind is missing")
	}
	if strings.ContainsAny(kind, " \t") {
		return fmt.Errorf("'%s' is not a valid kind", kind)
	}
	return nil
}

func QdiscFromString(str string) (TCQdisc, error) {
	handle, parent, kind, rest, err := tcCommon(str)
	if err != nil {
		return TCQdisc{}, err
	}
	var opts map[string]dbus.Variant
	if spec, ok := tcQdiscSpecs[kind]; ok && rest != "" {
		if opts, err = ParseAttributes(rest, ' ', ' ', false, spec); err != nil {
			return TCQdisc{}, err
		}
		rest = ""
		if v, ok := opts[""]; ok {
			rest = v.Value().(string)
			delete(opts, "")
		}
	}
	if rest != "" {
		return TCQdisc{}, fmt.Errorf("unsupported qdisc option: '%s'.", rest)
	}
	if err := tcKindValid(kind); err != nil {
		return TCQdisc{}, err
	}
	attrs := map[string]dbus.Variant{"kind": dbus.MakeVariant(kind), "handle": dbus.MakeVariant(handle), "parent": dbus.MakeVariant(parent)}
	for k, v := range opts {
		attrs[k] = v
	}
	return TCQdisc{Attrs: attrs}, nil
}

func u32Attr(m map[string]dbus.Variant, k string) uint32 {
	v, _ := m[k].Value().(uint32)
	return v
}

func strAttr(m map[string]dbus.Variant, k string) string {
	v, _ := m[k].Value().(string)
	return v
}

// QdiscRest formats a qdisc without its parent (the keyfile value).
func QdiscRest(q TCQdisc) string {
	var b strings.Builder
	kind := strAttr(q.Attrs, "kind")
	if h := u32Attr(q.Attrs, "handle"); h != 0 && kind != "ingress" && kind != "clsact" {
		b.WriteString("handle " + TCHandleString(h) + " ")
	}
	b.WriteString(kind)
	opts := map[string]dbus.Variant{}
	for k, v := range q.Attrs {
		if k != "kind" && k != "handle" && k != "parent" {
			opts[k] = v
		}
	}
	if s := FormatAttributes(opts, nil, ' ', ' '); s != "" {
		b.WriteString(" " + s)
	}
	return b.String()
}

func TfilterFromString(str string) (TCTfilter, error) {
	handle, parent, kind, rest, err := tcCommon(str)
	if err != nil {
		return TCTfilter{}, err
	}
	var action map[string]dbus.Variant
	if rest != "" {
		ht, err := ParseAttributes(rest, ' ', ' ', false, []AttrSpec{
			{Name: "action", Sig: "b", NoValue: true},
			{Name: "", Sig: "s", NoValue: true, ConsumesRest: true},
		})
		if err != nil {
			return TCTfilter{}, err
		}
		if _, ok := ht["action"]; !ok {
			return TCTfilter{}, fmt.Errorf("unsupported tfilter option: '%s'.", rest)
		}
		extra := ""
		if v, ok := ht[""]; ok {
			extra = v.Value().(string)
		}
		if action, err = tcActionFromString(extra); err != nil {
			return TCTfilter{}, fmt.Errorf("invalid action: %v", err)
		}
	}
	if err := tcKindValid(kind); err != nil {
		return TCTfilter{}, err
	}
	attrs := map[string]dbus.Variant{"kind": dbus.MakeVariant(kind), "handle": dbus.MakeVariant(handle), "parent": dbus.MakeVariant(parent)}
	if action != nil {
		attrs["action"] = dbus.MakeVariant(action)
	}
	return TCTfilter{Attrs: attrs}, nil
}

func tcActionFromString(str string) (map[string]dbus.Variant, error) {
	ht, err := ParseAttributes(str, ' ', ' ', false, []AttrSpec{
		{Name: "kind", Sig: "s", NoValue: true},
		{Name: "", Sig: "s", NoValue: true, ConsumesRest: true},
	})
	if err != nil {
		return nil, err
	}
	kv, ok := ht["kind"]
	if !ok {
		return nil, fmt.Errorf("action name missing.")
	}
	kind := kv.Value().(string)
	if err := tcKindValid(kind); err != nil {
		return nil, err
	}
	out := map[string]dbus.Variant{"kind": kv}
	if v, ok := ht[""]; ok {
		spec, known := tcActionSpecs[kind]
		if !known {
			return nil, fmt.Errorf("unsupported action option: '%s'.", v.Value())
		}
		opts, err := ParseAttributes(v.Value().(string), ' ', ' ', false, spec)
		if err != nil {
			return nil, err
		}
		for k, v := range opts {
			out[k] = v
		}
	}
	return out, nil
}

func TfilterRest(f TCTfilter) string {
	var b strings.Builder
	if h := u32Attr(f.Attrs, "handle"); h != 0 {
		b.WriteString("handle " + TCHandleString(h) + " ")
	}
	b.WriteString(strAttr(f.Attrs, "kind"))
	if a, ok := f.Attrs["action"].Value().(map[string]dbus.Variant); ok {
		kind := strAttr(a, "kind")
		b.WriteString(" action " + kind)
		opts := map[string]dbus.Variant{}
		for k, v := range a {
			if k != "kind" {
				opts[k] = v
			}
		}
		if spec := tcActionSpecs[kind]; spec != nil {
			if s := FormatAttributes(opts, spec, ' ', ' '); s != "" {
				b.WriteString(" " + s)
			}
		}
	}
	return b.String()
}

// TCValue builds the string the tc parsers take from a "qdisc.PARENT" key
// and its value: "parent PARENT VALUE", or "root VALUE".
func TCValue(parent, rest string) string {
	if _, err := ParseTCHandle(parent); err == nil {
		return "parent " + parent + " " + rest
	}
	return parent + " " + rest
}

// SriovVFString formats a VF with its index first, as nmcli shows it.
func SriovVFString(vf SriovVF) string {
	idx, _ := vf.Attrs["index"].Value().(uint32)
	d := SriovVFDetail(vf)
	if d == "" || strings.HasPrefix(d, " ") {
		return strconv.FormatUint(uint64(idx), 10) + d
	}
	return strconv.FormatUint(uint64(idx), 10) + " " + d
}

// tcParentPrefix is how a qdisc or filter string names its parent:
// "root ", "parent MAJ:MIN " or nothing for the ingress parent.
func tcParentPrefix(parent uint32) string {
	switch parent {
	case tcHRoot:
		return "root "
	case tcHIngress:
		return ""
	}
	return "parent " + TCHandleString(parent) + " "
}

// QdiscString formats a qdisc with its parent, as nmcli shows it.
func QdiscString(q TCQdisc) string {
	return tcParentPrefix(u32Attr(q.Attrs, "parent")) + QdiscRest(q)
}

// TfilterString formats a filter with its parent, as nmcli shows it.
func TfilterString(f TCTfilter) string {
	return tcParentPrefix(u32Attr(f.Attrs, "parent")) + TfilterRest(f)
}

// Team link watcher keys, in libnm's order, with the watchers they apply
// to (e ethtool, n nsna_ping, a arp_ping), their type and default.
var linkWatcherKeys = []struct {
	name, kinds string
	typ         byte // 's', 'i' or 'b'
	def         int32
}{
	{"name", "ena", 's', 0},
	{"delay-up", "e", 'i', 0},
	{"delay-down", "e", 'i', 0},
	{"init-wait", "na", 'i', 0},
	{"interval", "na", 'i', 0},
	{"missed-max", "na", 'i', 3},
	{"target-host", "na", 's', 0},
	{"vlanid", "a", 'i', -1},
	{"source-host", "a", 's', 0},
	{"validate-active", "a", 'b', 0},
	{"validate-inactive", "a", 'b', 0},
	{"send-always", "a", 'b', 0},
}

func linkWatcherKind(name string) byte {
	switch name {
	case "ethtool":
		return 'e'
	case "nsna_ping":
		return 'n'
	case "arp_ping":
		return 'a'
	}
	return 0
}

// LinkWatcherString formats a team link watcher as libnm does: "name=X"
// and the keys of its kind that differ from their defaults.
func LinkWatcherString(w TeamLinkWatcher) string {
	name, _ := w.Attrs["name"].Value().(string)
	parts := []string{"name=" + name}
	kind := linkWatcherKind(name)
	for _, k := range linkWatcherKeys[1:] {
		if kind == 0 || strings.IndexByte(k.kinds, kind) < 0 {
			continue
		}
		v, ok := w.Attrs[k.name]
		switch k.typ {
		case 's':
			if s, _ := v.Value().(string); ok && s != "" {
				parts = append(parts, k.name+"="+s)
			}
		case 'i':
			n := k.def
			if x, isInt := v.Value().(int32); ok && isInt {
				n = x
			}
			if n != k.def {
				parts = append(parts, k.name+"="+strconv.Itoa(int(n)))
			}
		case 'b':
			if b, _ := v.Value().(bool); ok && b {
				parts = append(parts, k.name+"=true")
			}
		}
	}
	return strings.Join(parts, " ")
}

// ParseLinkWatcher parses "name=arp_ping target-host=... ..." as libnm
// does.
func ParseLinkWatcher(str string) (TeamLinkWatcher, error) {
	tokens := escapedTokensSplit(str, asciiSpaces)
	if len(tokens) == 0 {
		return TeamLinkWatcher{}, fmt.Errorf("'%s' is not valid", str)
	}
	vals := map[string]string{}
	for _, t := range tokens {
		key, val, ok := strings.Cut(t, "=")
		if !ok {
			return TeamLinkWatcher{}, fmt.Errorf("'%s' is not valid: properties should be specified as 'key=value'", t)
		}
		known := false
		for _, k := range linkWatcherKeys {
			if k.name != key {
				continue
			}
			known = true
			switch k.typ {
			case 'i':
				if _, res := asciiToInt64(val, 10, -(1 << 31), 1<<31-1); res == parseRange {
					return TeamLinkWatcher{}, fmt.Errorf("number for '%s' is out of range", key)
				} else if res != parseOK {
					return TeamLinkWatcher{}, fmt.Errorf("value for '%s' must be a number", key)
				}
			case 'b':
				if _, ok := parseBoolWordStrict(val); !ok {
					return TeamLinkWatcher{}, fmt.Errorf("value for '%s' must be a boolean", key)
				}
			}
		}
		if !known {
			return TeamLinkWatcher{}, fmt.Errorf("'%s' is not a valid key", key)
		}
		if _, dup := vals[key]; dup {
			return TeamLinkWatcher{}, fmt.Errorf("duplicate key '%s'", key)
		}
		vals[key] = val
	}
	name, ok := vals["name"]
	if !ok {
		return TeamLinkWatcher{}, fmt.Errorf("missing 'name' attribute")
	}
	kind := linkWatcherKind(name)
	if kind == 0 {
		return TeamLinkWatcher{}, fmt.Errorf("invalid 'name' \"%s\"", name)
	}
	attrs := map[string]dbus.Variant{"name": dbus.MakeVariant(name)}
	for _, k := range linkWatcherKeys[1:] {
		v, given := vals[k.name]
		if given && strings.IndexByte(k.kinds, kind) < 0 {
			return TeamLinkWatcher{}, fmt.Errorf("attribute '%s' is invalid for \"%s\"", k.name, name)
		}
		if strings.IndexByte(k.kinds, kind) < 0 {
			continue
		}
		switch k.typ {
		case 's':
			if given {
				attrs[k.name] = dbus.MakeVariant(v)
			}
		case 'i':
			n := int64(k.def)
			if given {
				n, _ = asciiToInt64(v, 10, -(1 << 31), 1<<31-1)
			}
			attrs[k.name] = dbus.MakeVariant(int32(n))
		case 'b':
			b := false
			if given {
				b, _ = parseBoolWordStrict(v)
			}
			attrs[k.name] = dbus.MakeVariant(b)
		}
	}
	return TeamLinkWatcher{Attrs: attrs}, nil
}

// parseBoolWordStrict is _nm_utils_ascii_str_to_bool: true/yes/on/1 and
// false/no/off/0, any case.
func parseBoolWordStrict(s string) (bool, bool) { return parseBoolWord(s) }

// TCU32Attr reads a uint32 attribute of a qdisc or filter.
func TCU32Attr(m map[string]dbus.Variant, k string) uint32 { return u32Attr(m, k) }

// ParseBoolWord reads true/yes/on/1 or false/no/off/0 (any case).
func ParseBoolWord(s string) (bool, bool) { return parseBoolWord(s) }
