package setting

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/godbus/dbus/v5"
)

// Routing rule actions (FR_ACT_*), as the kernel numbers them.
const (
	RuleActionToTable     = 1
	RuleActionBlackhole   = 6
	RuleActionUnreachable = 7
	RuleActionProhibit    = 8
)

// RoutingRule is one entry of ipv4.routing-rules / ipv6.routing-rules: a
// policy routing rule as `ip rule` knows it.
type RoutingRule struct {
	Family      int // AFInet or AFInet6
	Priority    uint32
	HasPriority bool
	Invert      bool
	// From and To hold a selector address; FromText/ToText keep an
	// address that did not parse (then the rule fails validation).
	From, To             netip.Addr
	FromLen, ToLen       uint8
	HasFrom, HasTo       bool
	FromText, ToText     string
	Tos, IPProto         uint8
	Fwmark, Fwmask       uint32
	SportStart, SportEnd uint16
	DportStart, DportEnd uint16
	IIFName, OIFName     string
	HasIIF, HasOIF       bool
	Action               uint8
	Table                uint32
	SuppressPrefixLength int32 // -1: unset
	UIDStart, UIDEnd     uint32
	HasUIDRange          bool
}

// newRoutingRule is an empty rule with NetworkManager's defaults.
func newRoutingRule(af int) RoutingRule {
	return RoutingRule{Family: af, Action: RuleActionToTable, Table: 254, SuppressPrefixLength: -1}
}

func (r *RoutingRule) addrBits() int {
	if r.Family == AFInet6 {
		return 128
	}
	return 32
}

func (r *RoutingRule) setFrom(s string, hasS bool, l uint8) {
	r.FromLen = l
	r.HasFrom = hasS
	r.FromText = ""
	r.From = netip.Addr{}
	if !hasS {
		return
	}
	if a, ok := parseInet(r.Family, s); ok {
		r.From = a
	} else {
		r.FromText = s
	}
}

func (r *RoutingRule) setTo(s string, hasS bool, l uint8) {
	r.ToLen = l
	r.HasTo = hasS
	r.ToText = ""
	r.To = netip.Addr{}
	if !hasS {
		return
	}
	if a, ok := parseInet(r.Family, s); ok {
		r.To = a
	} else {
		r.ToText = s
	}
}

func xportRangeValid(start, end uint16) bool {
	if start == 0 {
		return end == 0
	}
	return start <= end && end < 0xffff
}

// Validate checks the rule as nm_ip_routing_rule_validate does.
func (r *RoutingRule) Validate() error {
	if !r.HasPriority {
		return fmt.Errorf("missing priority")
	}
	switch r.Action {
	case RuleActionToTable:
		if r.Table == 0 {
			return fmt.Errorf("missing table")
		}
	case RuleActionBlackhole, RuleActionProhibit, RuleActionUnreachable:
	default:
		return fmt.Errorf("invalid action type")
	}
	bits := r.addrBits()
	check := func(l uint8, has, valid bool, name string) error {
		switch {
		case l == 0:
			if has {
				return fmt.Errorf("has %s but the prefix-length is zero", name)
			}
		case int(l) <= bits:
			if !has {
				return fmt.Errorf("missing %s for a non zero prefix-length", name)
			}
			if !valid {
				return fmt.Errorf("invalid %s", name)
			}
		default:
			return fmt.Errorf("invalid prefix length for %s", name)
		}
		return nil
	}
	if err := check(r.FromLen, r.HasFrom, r.From.IsValid(), "from/src"); err != nil {
		return err
	}
	if err := check(r.ToLen, r.HasTo, r.To.IsValid(), "to/dst"); err != nil {
		return err
	}
	if r.HasIIF && !validIfnameUTF8Safe(r.IIFName) {
		return fmt.Errorf("invalid iifname")
	}
	if r.HasOIF && !validIfnameUTF8Safe(r.OIFName) {
		return fmt.Errorf("invalid oifname")
	}
	if !xportRangeValid(r.SportStart, r.SportEnd) {
		return fmt.Errorf("invalid source port range")
	}
	if !xportRangeValid(r.DportStart, r.DportEnd) {
		return fmt.Errorf("invalid destination port range")
	}
	if r.SuppressPrefixLength != -1 {
		if r.SuppressPrefixLength < -1 || int(r.SuppressPrefixLength) > bits {
			return fmt.Errorf("suppress_prefixlength out of range")
		}
		if r.Action != RuleActionToTable {
			return fmt.Errorf("suppress_prefixlength is only allowed with the to-table action")
		}
	}
	return nil
}

// rule D-Bus attribute names and types, sorted by name.
var ruleDBusAttrs = map[string]string{
	"action": "y", "dport-end": "q", "dport-start": "q", "family": "i", "from": "s",
	"from-len": "y", "fwmark": "u", "fwmask": "u", "iifname": "s", "invert": "b",
	"ipproto": "y", "oifname": "s", "priority": "u", "sport-end": "q", "sport-start": "q",
	"suppress-prefixlength": "i", "table": "u", "to": "s", "to-len": "y", "tos": "y",
	"uid-range-end": "u", "uid-range-start": "u",
}

// RoutingRuleFromDBus decodes one rule dictionary, strictly as the daemon
// does (unknown keys, wrong types and invalid rules are errors).
func RoutingRuleFromDBus(d map[string]dbus.Variant, strict bool) (RoutingRule, error) {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		sig, ok := ruleDBusAttrs[k]
		if !ok {
			if strict {
				return RoutingRule{}, fmt.Errorf("invalid key \"%s\"", k)
			}
			delete(d, k)
			continue
		}
		if d[k].Signature().String() != sig {
			return RoutingRule{}, fmt.Errorf("invalid variant type '%s' for \"%s\"", sig, k)
		}
	}
	fam, ok := d["family"]
	if !ok {
		return RoutingRule{}, fmt.Errorf("missing \"family\"")
	}
	var af int
	switch fam.Value().(int32) {
	case 2:
		af = AFInet
	case 10:
		af = AFInet6
	default:
		return RoutingRule{}, fmt.Errorf("invalid \"family\"")
	}
	r := newRoutingRule(af)
	get := func(k string) (any, bool) {
		v, ok := d[k]
		if !ok {
			return nil, false
		}
		return v.Value(), true
	}
	if v, ok := get("priority"); ok {
		r.Priority, r.HasPriority = v.(uint32), true
	}
	if v, ok := get("invert"); ok {
		r.Invert = v.(bool)
	}
	if v, ok := get("tos"); ok {
		r.Tos = v.(uint8)
	}
	if v, ok := get("ipproto"); ok {
		r.IPProto = v.(uint8)
	}
	for _, sport := range []bool{false, true} {
		ks, ke := "dport-start", "dport-end"
		if sport {
			ks, ke = "sport-start", "sport-end"
		}
		vs, hs := get(ks)
		ve, he := get(ke)
		if !hs && !he {
			continue
		}
		var start, end uint16
		if hs {
			start = vs.(uint16)
		} else {
			start = ve.(uint16)
		}
		if hs && he {
			end = ve.(uint16)
		} else {
			end = start
		}
		if sport {
			r.SportStart, r.SportEnd = start, end
		} else {
			r.DportStart, r.DportEnd = start, end
		}
	}
	vs, hs := get("uid-range-start")
	ve, he := get("uid-range-end")
	if hs || he {
		var start, end uint32
		if hs {
			start = vs.(uint32)
		} else {
			start = ve.(uint32)
		}
		if hs && he {
			end = ve.(uint32)
		} else {
			end = start
		}
		if end < start {
			if strict {
				return RoutingRule{}, fmt.Errorf("\"uid-range-start\" is greater than \"uid-range-end\"")
			}
		} else {
			r.UIDStart, r.UIDEnd, r.HasUIDRange = start, end, true
		}
	}
	vm, hm := get("fwmark")
	vk, hk := get("fwmask")
	if hm || hk {
		if hm {
			r.Fwmark = vm.(uint32)
		}
		if hk {
			r.Fwmask = vk.(uint32)
		}
	}
	vf, hf := get("from")
	vfl, hfl := get("from-len")
	if hf || hfl {
		var s string
		var l uint8
		if hf {
			s = vf.(string)
		}
		if hfl {
			l = vfl.(uint8)
		}
		r.setFrom(s, hf, l)
	}
	vt, ht := get("to")
	vtl, htl := get("to-len")
	if ht || htl {
		var s string
		var l uint8
		if ht {
			s = vt.(string)
		}
		if htl {
			l = vtl.(uint8)
		}
		r.setTo(s, ht, l)
	}
	if v, ok := get("iifname"); ok {
		r.IIFName, r.HasIIF = v.(string), true
	}
	if v, ok := get("oifname"); ok {
		r.OIFName, r.HasOIF = v.(string), true
	}
	r.Action = RuleActionToTable
	if v, ok := get("action"); ok {
		r.Action = v.(uint8)
	}
	r.Table = 0
	if v, ok := get("table"); ok {
		r.Table = v.(uint32)
	}
	if v, ok := get("suppress-prefixlength"); ok {
		r.SuppressPrefixLength = v.(int32)
	}
	if strict {
		if err := r.Validate(); err != nil {
			return RoutingRule{}, err
		}
	}
	return r, nil
}

// ToDBus encodes the rule as NetworkManager does: only the attributes that
// differ from their defaults.
func (r RoutingRule) ToDBus() map[string]dbus.Variant {
	d := map[string]dbus.Variant{}
	fam := int32(2)
	if r.Family == AFInet6 {
		fam = 10
	}
	d["family"] = dbus.MakeVariant(fam)
	if r.Invert {
		d["invert"] = dbus.MakeVariant(true)
	}
	if r.HasPriority {
		d["priority"] = dbus.MakeVariant(r.Priority)
	}
	if r.Tos != 0 {
		d["tos"] = dbus.MakeVariant(r.Tos)
	}
	if r.IPProto != 0 {
		d["ipproto"] = dbus.MakeVariant(r.IPProto)
	}
	if r.Fwmark != 0 {
		d["fwmark"] = dbus.MakeVariant(r.Fwmark)
	}
	if r.Fwmask != 0 {
		d["fwmask"] = dbus.MakeVariant(r.Fwmask)
	}
	if r.SportStart != 0 || r.SportEnd != 0 {
		d["sport-start"] = dbus.MakeVariant(r.SportStart)
		if r.SportStart != r.SportEnd {
			d["sport-end"] = dbus.MakeVariant(r.SportEnd)
		}
	}
	if r.DportStart != 0 || r.DportEnd != 0 {
		d["dport-start"] = dbus.MakeVariant(r.DportStart)
		if r.DportStart != r.DportEnd {
			d["dport-end"] = dbus.MakeVariant(r.DportEnd)
		}
	}
	if r.HasFrom || r.FromLen != 0 {
		d["from"] = dbus.MakeVariant(r.addrText(r.From, r.FromText))
		d["from-len"] = dbus.MakeVariant(r.FromLen)
	}
	if r.HasTo || r.ToLen != 0 {
		d["to"] = dbus.MakeVariant(r.addrText(r.To, r.ToText))
		d["to-len"] = dbus.MakeVariant(r.ToLen)
	}
	if r.HasIIF {
		d["iifname"] = dbus.MakeVariant(r.IIFName)
	}
	if r.HasOIF {
		d["oifname"] = dbus.MakeVariant(r.OIFName)
	}
	if r.Action != RuleActionToTable {
		d["action"] = dbus.MakeVariant(r.Action)
	}
	if r.Table != 0 {
		d["table"] = dbus.MakeVariant(r.Table)
	}
	if r.SuppressPrefixLength != -1 {
		d["suppress-prefixlength"] = dbus.MakeVariant(r.SuppressPrefixLength)
	}
	if r.HasUIDRange {
		d["uid-range-start"] = dbus.MakeVariant(r.UIDStart)
		if r.UIDStart != r.UIDEnd {
			d["uid-range-end"] = dbus.MakeVariant(r.UIDEnd)
		}
	}
	return d
}

func (r *RoutingRule) addrText(a netip.Addr, text string) string {
	if text != "" {
		return text
	}
	if !a.IsValid() {
		if r.Family == AFInet6 {
			return "::"
		}
		return "0.0.0.0"
	}
	return inetNtop(a)
}

// rule actions by the names iproute2 uses.
var ruleActionNames = map[string]int{
	"unicast": 1, "local": 2, "broadcast": 3, "anycast": 4, "multicast": 5,
	"blackhole": 6, "unreachable": 7, "prohibit": 8, "throw": 9, "nat": 10, "xresolve": 11,
	"unspec": 0,
}

func ruleActionName(a uint8) string {
	for n, v := range ruleActionNames {
		if v == int(a) {
			return n
		}
	}
	return strconv.Itoa(int(a))
}

// ParseRoutingRule parses the `ip rule`-like text form keyfiles and nmcli
// use ("priority 5 from 192.168.1.0/24 table 100"). af is AFInet, AFInet6
// or 0 (detect from the addresses); validate also checks the result.
func ParseRoutingRule(s string, af int, validate bool) (RoutingRule, error) {
	words := escapedTokensSplit(s, asciiSpaces)
	var (
		from, to, iif, oif               *string
		prio, table, tos, fwmark, fwmask int64 = -1, -1, -1, -1, -1
		ipproto, suppress                int64 = -1, -1
		sportStart, dportStart           int64 = -1, -1
		sportEnd, dportEnd               uint16
		action                           = -1
		uidStart, uidEnd                 uint32
		uidHas, invert                   bool
	)
	if len(words) == 0 {
		return RoutingRule{}, fmt.Errorf("empty text does not describe a rule")
	}
	for i := 0; i < len(words); i++ {
		w0 := words[i]
		if w0 == "not" {
			invert = true
			continue
		}
		takesArg := map[string]bool{"from": true, "to": true, "priority": true, "order": true, "pref": true,
			"preference": true, "table": true, "lookup": true, "tos": true, "dsfield": true, "ipproto": true,
			"sport": true, "dport": true, "fwmark": true, "iif": true, "dev": true, "oif": true,
			"suppress_prefixlength": true, "sup_pl": true, "uidrange": true, "type": true}
		if !takesArg[w0] {
			if action < 0 {
				if a, ok := ruleActionNames[w0]; ok {
					action = a
					continue
				}
			}
			return RoutingRule{}, fmt.Errorf("unsupported key \"%s\"", w0)
		}
		if i+1 >= len(words) {
			return RoutingRule{}, fmt.Errorf("missing argument for \"%s\"", w0)
		}
		w1 := words[i+1]
		i++
		dup := fmt.Errorf("duplicate key \"%s\"", w0)
		bad := fmt.Errorf("invalid value for \"%s\"", w0)
		switch w0 {
		case "from":
			if from != nil {
				return RoutingRule{}, dup
			}
			from = &w1
		case "to":
			if to != nil {
				return RoutingRule{}, dup
			}
			to = &w1
		case "priority", "order", "pref", "preference":
			if prio != -1 {
				return RoutingRule{}, dup
			}
			n, ok := parseInt64Base(w1, 0, 0, 0xffffffff)
			if !ok {
				return RoutingRule{}, bad
			}
			prio = n
		case "table", "lookup":
			if table != -1 {
				return RoutingRule{}, dup
			}
			n, ok := parseInt64Base(w1, 0, 0, 0xffffffff)
			if !ok {
				switch w1 {
				case "main":
					n = 254
				case "local":
					n = 255
				case "default":
					n = 253
				default:
					return RoutingRule{}, bad
				}
			}
			table = n
		case "tos", "dsfield":
			if tos != -1 {
				return RoutingRule{}, dup
			}
			n, ok := parseInt64Base(w1, 16, 0, 0xff)
			if !ok {
				return RoutingRule{}, bad
			}
			tos = n
		case "ipproto":
			if ipproto != -1 {
				return RoutingRule{}, dup
			}
			n, ok := parseInt64Base(w1, 10, 0, 0xff)
			if !ok {
				return RoutingRule{}, bad
			}
			ipproto = n
		case "sport", "dport":
			start, end, ok := parsePortRange(w1)
			if !ok {
				return RoutingRule{}, bad
			}
			if w0 == "sport" {
				if sportStart != -1 {
					return RoutingRule{}, dup
				}
				sportStart, sportEnd = start, end
			} else {
				if dportStart != -1 {
					return RoutingRule{}, dup
				}
				dportStart, dportEnd = start, end
			}
		case "fwmark":
			if fwmark != -1 {
				return RoutingRule{}, dup
			}
			m, k, hasK := w1, "", false
			if j := strings.IndexByte(w1, '/'); j >= 0 {
				m, k, hasK = w1[:j], w1[j+1:], true
			}
			n, ok := parseInt64Base(m, 0, 0, 0xffffffff)
			if !ok {
				return RoutingRule{}, bad
			}
			fwmark = n
			if hasK {
				n, ok = parseInt64Base(k, 0, 0, 0xffffffff)
				if !ok {
					return RoutingRule{}, bad
				}
				fwmask = n
			} else {
				fwmask = 0xffffffff
			}
		case "iif", "dev":
			if iif != nil {
				return RoutingRule{}, dup
			}
			iif = &w1
		case "oif":
			if oif != nil {
				return RoutingRule{}, dup
			}
			oif = &w1
		case "suppress_prefixlength", "sup_pl":
			if suppress != -1 {
				return RoutingRule{}, dup
			}
			n, ok := parseInt64Base(w1, 0, 0, 0x7fffffff)
			if !ok {
				return RoutingRule{}, bad
			}
			suppress = n
		case "uidrange":
			if uidHas {
				return RoutingRule{}, dup
			}
			a, b, hasB := w1, "", false
			if j := strings.IndexByte(w1, '-'); j >= 0 {
				a, b, hasB = w1[:j], w1[j+1:], true
			}
			n, ok := parseInt64Base(a, 0, 0, 0xffffffff)
			if !ok {
				return RoutingRule{}, bad
			}
			uidStart, uidEnd = uint32(n), uint32(n)
			if hasB {
				m, ok := parseInt64Base(b, 0, 0, 0xffffffff)
				if !ok || uint32(m) < uidStart {
					return RoutingRule{}, bad
				}
				uidEnd = uint32(m)
			}
			uidHas = true
		case "type":
			if action >= 0 {
				return RoutingRule{}, dup
			}
			a, ok := ruleActionNames[w1]
			if !ok {
				if n, err := strconv.ParseUint(w1, 10, 8); err == nil {
					a, ok = int(n), true
				}
			}
			if !ok {
				return RoutingRule{}, bad
			}
			action = a
		}
	}
	var fromAddr, toAddr netip.Addr
	fromLen, toLen := -1, -1
	parseSel := func(s *string, out *netip.Addr, outLen *int, what string) error {
		if s == nil || *s == "all" {
			return nil
		}
		a, l, ok := parseInetWithPrefix(af, *s)
		if !ok {
			return fmt.Errorf("invalid \"%s\" part", what)
		}
		if af == 0 {
			af = AFInet
			if a.Is6() {
				af = AFInet6
			}
		}
		*out = a
		if l < 0 {
			l = 32
			if af == AFInet6 {
				l = 128
			}
		}
		*outLen = l
		return nil
	}
	if err := parseSel(from, &fromAddr, &fromLen, "from"); err != nil {
		return RoutingRule{}, err
	}
	if err := parseSel(to, &toAddr, &toLen, "to"); err != nil {
		return RoutingRule{}, err
	}
	if af != AFInet && af != AFInet6 {
		return RoutingRule{}, fmt.Errorf("cannot detect address family for rule")
	}
	r := newRoutingRule(af)
	r.Invert = invert
	if prio != -1 {
		r.Priority, r.HasPriority = uint32(prio), true
	}
	if action >= 0 {
		r.Action = uint8(action)
		if table == -1 {
			if action != RuleActionToTable {
				table = 0
			} else {
				table = 254
			}
		}
	}
	if tos != -1 {
		r.Tos = uint8(tos)
	}
	if ipproto != -1 {
		r.IPProto = uint8(ipproto)
	}
	if fwmark != -1 {
		r.Fwmark, r.Fwmask = uint32(fwmark), uint32(fwmask)
	}
	if sportStart != -1 {
		r.SportStart, r.SportEnd = uint16(sportStart), sportEnd
	}
	if dportStart != -1 {
		r.DportStart, r.DportEnd = uint16(dportStart), dportEnd
	}
	if suppress != -1 {
		r.SuppressPrefixLength = int32(suppress)
	}
	if fromLen > 0 || (fromLen == 0 && !fromAddr.IsUnspecified() && fromAddr.IsValid()) {
		r.From, r.FromLen, r.HasFrom = fromAddr, uint8(fromLen), true
	}
	if toLen > 0 || (toLen == 0 && !toAddr.IsUnspecified() && toAddr.IsValid()) {
		r.To, r.ToLen, r.HasTo = toAddr, uint8(toLen), true
	}
	if iif != nil {
		r.IIFName, r.HasIIF = *iif, true
	}
	if oif != nil {
		r.OIFName, r.HasOIF = *oif, true
	}
	if table != -1 {
		r.Table = uint32(table)
	}
	if uidHas {
		r.UIDStart, r.UIDEnd, r.HasUIDRange = uidStart, uidEnd, true
	}
	if validate {
		if err := r.Validate(); err != nil {
			return RoutingRule{}, fmt.Errorf("rule is invalid: %v", err)
		}
	}
	return r, nil
}

func parsePortRange(s string) (start int64, end uint16, ok bool) {
	a, b, hasB := s, "", false
	if j := strings.IndexByte(s, '-'); j >= 0 {
		a, b, hasB = s[:j], s[j+1:], true
	}
	n, ok := parseInt64Base(a, 10, 0, 0xffff)
	if !ok {
		return 0, 0, false
	}
	end = uint16(n)
	if hasB {
		m, ok := parseInt64Base(b, 10, 0, 0xffff)
		if !ok {
			return 0, 0, false
		}
		end = uint16(m)
	}
	return n, end, true
}

// parseInetWithPrefix parses "ADDR" or "ADDR/LEN"; l is -1 without a
// prefix. af 0 accepts either family.
func parseInetWithPrefix(af int, s string) (a netip.Addr, l int, ok bool) {
	addr, plen, hasLen := s, "", false
	if j := strings.IndexByte(s, '/'); j >= 0 {
		addr, plen, hasLen = s[:j], s[j+1:], true
	}
	a, ok = parseInet(af, addr)
	if !ok {
		return netip.Addr{}, 0, false
	}
	l = -1
	if hasLen {
		max := int64(32)
		if a.Is6() {
			max = 128
		}
		n, ok := parseInt64Base(plen, 10, 0, max)
		if !ok {
			return netip.Addr{}, 0, false
		}
		l = int(n)
	}
	return a, l, true
}

// String formats the rule as NetworkManager writes it to keyfiles and
// nmcli shows it.
func (r RoutingRule) String() string {
	var parts []string
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	if r.HasPriority {
		add("priority %d", r.Priority)
	}
	if r.Invert {
		add("not")
	}
	bits := r.addrBits()
	fromLen := uint8(0)
	if r.HasFrom && r.From.IsValid() {
		fromLen = r.FromLen
	}
	toLen := uint8(0)
	if r.HasTo && r.To.IsValid() {
		toLen = r.ToLen
	}
	if fromLen == 0 {
		if !r.HasTo || !r.To.IsValid() {
			if r.Family == AFInet6 {
				add("from ::/0")
			} else {
				add("from 0.0.0.0/0")
			}
		}
	} else {
		s := "from " + inetNtop(r.From)
		if int(fromLen) != bits {
			s += "/" + strconv.Itoa(int(fromLen))
		}
		parts = append(parts, s)
	}
	if toLen != 0 {
		s := "to " + inetNtop(r.To)
		if int(toLen) != bits {
			s += "/" + strconv.Itoa(int(toLen))
		}
		parts = append(parts, s)
	}
	if r.Tos != 0 {
		add("tos 0x%02x", r.Tos)
	}
	if r.IPProto != 0 {
		add("ipproto %d", r.IPProto)
	}
	if r.Fwmark != 0 || r.Fwmask != 0 {
		s := "fwmark 0"
		if r.Fwmark != 0 {
			s = fmt.Sprintf("fwmark 0x%x", r.Fwmark)
		}
		if r.Fwmask != 0xffffffff {
			if r.Fwmask != 0 {
				s += fmt.Sprintf("/0x%x", r.Fwmask)
			} else {
				s += "/0"
			}
		}
		parts = append(parts, s)
	}
	if r.SportStart != 0 || r.SportEnd != 0 {
		s := fmt.Sprintf("sport %d", r.SportStart)
		if r.SportStart != r.SportEnd {
			s += fmt.Sprintf("-%d", r.SportEnd)
		}
		parts = append(parts, s)
	}
	if r.DportStart != 0 || r.DportEnd != 0 {
		s := fmt.Sprintf("dport %d", r.DportStart)
		if r.DportStart != r.DportEnd {
			s += fmt.Sprintf("-%d", r.DportEnd)
		}
		parts = append(parts, s)
	}
	if r.HasIIF {
		parts = append(parts, "iif "+escapeTokens(r.IIFName, asciiSpaces))
	}
	if r.HasOIF {
		parts = append(parts, "oif "+escapeTokens(r.OIFName, asciiSpaces))
	}
	if r.HasUIDRange {
		add("uidrange %d-%d", r.UIDStart, r.UIDEnd)
	}
	if r.SuppressPrefixLength != -1 {
		add("suppress_prefixlength %d", r.SuppressPrefixLength)
	}
	if r.Table != 0 || r.Action == RuleActionToTable {
		add("table %d", r.Table)
	}
	if r.Action != RuleActionToTable {
		add("type %s", ruleActionName(r.Action))
	}
	return strings.Join(parts, " ")
}
