package setting

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/godbus/dbus/v5"
)

// The nmcli types of properties with their own syntax: addresses, routes
// and rules, DNS servers, bond and VPN options, VLAN priority maps,
// certificates, WEP keys, DCB arrays, ethtool options and the few
// properties of the connection setting nmcli treats specially.

const routeSyntax = "The valid syntax is: 'ip[/prefix] [next-hop] [metric] [attribute=val]... [,ip[/prefix] ...]'"

func settingFamily(s *Setting) int { return familyOf(s.Name()) }

// addressesType is ipv4/ipv6.addresses: "ip[/prefix], ...".
type addressesType struct{}

func sameAddress(a, b IPAddress) bool { return a.Addr == b.Addr && a.Prefix == b.Prefix }

func (addressesType) ol() objlist[IPAddress] {
	return objlist[IPAddress]{
		split: splitPlain,
		parse: func(c *setCtx, s string) (IPAddress, error) { return parseNmcliAddress(settingFamily(c.s), s) },
		format: func(_ *getCtx, a IPAddress) string {
			return inetNtop(a.Addr) + "/" + strconv.Itoa(int(a.Prefix))
		},
		equal: sameAddress,
		add:   appendUnlisted(sameAddress),
	}
}

func (t addressesType) get(c *getCtx) (string, bool) { return t.ol().get(c) }
func (t addressesType) set(c *setCtx, m Modifier, v *string) error {
	return t.ol().set(c, m, v)
}
func (addressesType) supportsRemove() bool { return true }

// ParseNmcliAddress parses "ip[/prefix]" as nmcli does; a missing prefix
// is the full length.
func ParseNmcliAddress(af int, s string) (IPAddress, error) { return parseNmcliAddress(af, s) }

func parseNmcliAddress(af int, s string) (IPAddress, error) {
	maxPrefix := int64(32)
	if af == AFInet6 {
		maxPrefix = 128
	}
	ip := trimASCIISpace(s)
	prefix := maxPrefix
	if i := strings.IndexByte(ip, '/'); i >= 0 {
		plen := ip[i+1:]
		ip = ip[:i]
		n, res := asciiToInt64(plen, 10, 0, maxPrefix)
		if res != parseOK {
			return IPAddress{}, fmt.Errorf("invalid prefix '%s'; <0-%d> allowed", plen, maxPrefix)
		}
		prefix = n
	}
	a, err := newIPAddress(af, ip, uint32(prefix))
	if err != nil {
		return IPAddress{}, fmt.Errorf("invalid IP address: %v", err)
	}
	return a, nil
}

// routesType is ipv4/ipv6.routes: "ip[/prefix] [next-hop] [metric]
// [attr=value]..., ...".
type routesType struct{}

func (routesType) ol() objlist[IPRoute] {
	return objlist[IPRoute]{
		split:           splitPlain,
		prettySemicolon: true,
		parse:           func(c *setCtx, s string) (IPRoute, error) { return ParseNmcliRoute(settingFamily(c.s), s) },
		format:          func(c *getCtx, r IPRoute) string { return FormatNmcliRoute(r, c.pretty) },
		equal:           func(a, b IPRoute) bool { return routeEqual(a, b, false) },
		// A route is added unless one with the same attributes too is
		// listed; removal matches without comparing attributes.
		add: appendUnlisted(func(a, b IPRoute) bool { return routeEqual(a, b, true) }),
	}
}

func (t routesType) get(c *getCtx) (string, bool) { return t.ol().get(c) }
func (t routesType) set(c *setCtx, m Modifier, v *string) error {
	return t.ol().set(c, m, v)
}
func (routesType) supportsRemove() bool { return true }

func routeEqual(a, b IPRoute, withAttrs bool) bool {
	if a.Dest != b.Dest || a.Prefix != b.Prefix || a.NextHop != b.NextHop || a.Metric != b.Metric {
		return false
	}
	if !withAttrs {
		return true
	}
	if len(a.Attrs) != len(b.Attrs) {
		return false
	}
	for k, v := range a.Attrs {
		w, ok := b.Attrs[k]
		if !ok || VariantText(v) != VariantText(w) {
			return false
		}
	}
	return true
}

// FormatNmcliRoute renders a route as nmcli shows it: "{ ip = D/P, nh =
// N, mt = M attrs }" for people, "D/P N M attrs" otherwise.
func FormatNmcliRoute(r IPRoute, pretty bool) string {
	attrs := FormatAttributes(r.Attrs, nil, ' ', '=')
	var b strings.Builder
	dest := inetNtop(r.Dest) + "/" + strconv.Itoa(int(r.Prefix))
	if !pretty {
		b.WriteString(dest)
		if r.NextHop.IsValid() {
			b.WriteString(" " + inetNtop(r.NextHop))
		}
		if r.Metric != -1 {
			b.WriteString(" " + strconv.FormatUint(uint64(uint32(r.Metric)), 10))
		}
		if attrs != "" {
			b.WriteString(" " + attrs)
		}
		return b.String()
	}
	b.WriteString("{ ip = " + dest)
	if r.NextHop.IsValid() {
		b.WriteString(", nh = " + inetNtop(r.NextHop))
	}
	if r.Metric != -1 {
		b.WriteString(", mt = " + strconv.FormatUint(uint64(uint32(r.Metric)), 10))
	}
	if attrs != "" {
		b.WriteString(" " + attrs)
	}
	b.WriteString(" }")
	return b.String()
}

// ParseNmcliRoute parses one route as nmcli does.
func ParseNmcliRoute(af int, s string) (IPRoute, error) {
	maxPrefix := int64(32)
	if af == AFInet6 {
		maxPrefix = 128
	}
	words := plainSplit(trimASCIISpace(s), " \t")
	if len(words) == 0 {
		return IPRoute{}, fmt.Errorf("'%s' is not valid. %s", s, routeSyntax)
	}
	dest := words[0]
	prefix := maxPrefix
	if i := strings.IndexByte(dest, '/'); i >= 0 {
		plen := dest[i+1:]
		dest = dest[:i]
		n, res := asciiToInt64(plen, 10, 0, maxPrefix)
		if res != parseOK {
			return IPRoute{}, fmt.Errorf("invalid prefix '%s'; <0-%d> allowed", plen, maxPrefix)
		}
		prefix = n
	}
	nextHop := ""
	metric := int64(-1)
	var attrs map[string]dbus.Variant
	for _, w := range words[1:] {
		if _, ok := parseInet(af, w); ok {
			if metric != -1 || attrs != nil {
				return IPRoute{}, fmt.Errorf("the next hop ('%s') must be first", w)
			}
			nextHop = w
		} else if n, res := asciiToInt64(w, 10, 0, math.MaxUint32); res == parseOK {
			if attrs != nil {
				return IPRoute{}, fmt.Errorf("the metric ('%s') must be before attributes", w)
			}
			metric = n
		} else if strings.Contains(w, "=") {
			ht, err := ParseAttributes(w, ' ', '=', false, RouteAttrSpec)
			if err != nil {
				return IPRoute{}, fmt.Errorf("invalid option '%s': %v", w, err)
			}
			if attrs == nil {
				attrs = map[string]dbus.Variant{}
			}
			for _, k := range sortedAttrNames(ht) {
				if _, err := validateRouteAttr(k, ht[k], af); err != nil {
					return IPRoute{}, fmt.Errorf("%s: %v", k, err)
				}
				attrs[k] = ht[k]
			}
		} else {
			return IPRoute{}, errors.New(routeSyntax)
		}
	}
	r, err := newIPRoute(af, dest, uint32(prefix), nextHop, metric)
	if err != nil {
		return IPRoute{}, fmt.Errorf("invalid route: %v. %s", err, routeSyntax)
	}
	r.Attrs = attrs
	return r, nil
}

// routingRulesType is ipv4/ipv6.routing-rules, in "ip rule" syntax.
type routingRulesType struct{}

func (routingRulesType) ol() objlist[RoutingRule] {
	return objlist[RoutingRule]{
		split: splitEscaped,
		parse: func(c *setCtx, s string) (RoutingRule, error) {
			return ParseRoutingRule(s, settingFamily(c.s), true)
		},
		format: func(_ *getCtx, r RoutingRule) string { return escapeTokens(r.String(), ",") },
		equal:  func(a, b RoutingRule) bool { return a.String() == b.String() },
		// An equal rule moves to the end instead of appearing twice.
		add: func(l []RoutingRule, r RoutingRule) []RoutingRule {
			for i, x := range l {
				if x.String() == r.String() {
					l = slices.Delete(l, i, i+1)
					break
				}
			}
			return append(l, r)
		},
	}
}

func (t routingRulesType) get(c *getCtx) (string, bool) { return t.ol().get(c) }
func (t routingRulesType) set(c *setCtx, m Modifier, v *string) error {
	return t.ol().set(c, m, v)
}
func (routingRulesType) supportsRemove() bool { return true }

// dnsType is ipv4/ipv6.dns: addresses, kept canonical and unique. Bad
// entries are kept for verification to report, as libnm does.
type dnsType struct{}

func (t dnsType) ml() multilistType {
	return multilistType{
		split: splitPlain,
		add: func(l []string, item string) []string {
			if !slices.Contains(l, item) {
				l = append(l, item)
			}
			return l
		},
	}
}

func (t dnsType) get(c *getCtx) (string, bool) { return t.ml().get(c) }
func (t dnsType) set(c *setCtx, m Modifier, v *string) error {
	ml := t.ml()
	af := settingFamily(c.s)
	canon := func(item string) string {
		if n, ok := normalizeDNSName(af, item); ok {
			return n
		}
		return item
	}
	ml.validate = func(_ *setCtx, item string) (string, error) { return canon(item), nil }
	return ml.set(c, m, v)
}
func (dnsType) supportsRemove() bool { return true }

// normalizeDNSName canonicalizes one DNS server entry of the family.
func normalizeDNSName(af int, s string) (string, bool) {
	l := normalizeDNSList(af, []string{s})
	if len(l) != 1 {
		return "", false
	}
	return l[0], true
}

// dnsOptionsType is ipv4/ipv6.dns-options: unset differs from empty;
// adding an option present moves it to the end; unknown options are
// dropped.
var dnsOptionsType = multilistType{
	split:      splitPlain,
	emptyUnset: true,
	add: func(l []string, item string) []string {
		if _, ok := dnsOptionName(item, false, false); !ok {
			return l
		}
		// libnm refuses an option whose name is present; nmcli then
		// removes the exact value and adds it again, so a repeated
		// option moves to the end while "ndots:2" cannot replace
		// "ndots:1".
		if i := slices.Index(l, item); i >= 0 {
			l = slices.Delete(l, i, i+1)
		}
		for _, x := range l {
			if dnsOptionKey(x) == dnsOptionKey(item) {
				return l
			}
		}
		return append(l, item)
	},
}

func dnsOptionKey(opt string) string {
	k, _, _ := strings.Cut(opt, ":")
	return k
}

// bridgeVlansType is bridge.vlans and bridge-port.vlans: "vid[-vid]
// [pvid] [untagged], ...".
type bridgeVlansType struct{}

func (bridgeVlansType) ol() objlist[BridgeVlan] {
	return objlist[BridgeVlan]{
		split: splitEscaped,
		parse: func(_ *setCtx, s string) (BridgeVlan, error) {
			v, err := ParseBridgeVlan(s)
			if err != nil {
				return v, fmt.Errorf("%v. The valid syntax is: '<vid>[-<vid>] [pvid] [untagged]'", err)
			}
			return v, nil
		},
		format:        func(_ *getCtx, v BridgeVlan) string { return escapeTokens(v.String(), ",") },
		noIndexRemove: true,
		remove: func(l []BridgeVlan, v BridgeVlan) []BridgeVlan {
			for i, x := range l {
				if x.Start == v.Start && x.End == v.End {
					return slices.Delete(l, i, i+1)
				}
			}
			return l
		},
	}
}

func (t bridgeVlansType) get(c *getCtx) (string, bool) { return t.ol().get(c) }
func (t bridgeVlansType) set(c *setCtx, m Modifier, v *string) error {
	return t.ol().set(c, m, v)
}
func (bridgeVlansType) supportsRemove() bool { return true }

// trunksType is ovs-port.trunks: "vid" or "start-end", comma separated.
type trunksType struct{}

func (trunksType) ol() objlist[OvsTrunk] {
	return objlist[OvsTrunk]{
		split: splitEscaped,
		parse: func(_ *setCtx, s string) (OvsTrunk, error) {
			r, err := ParseRange(s)
			if err != nil {
				return r, fmt.Errorf("%v. The valid syntax is: '<value>' or '<start>-<end>", err)
			}
			return r, nil
		},
		format:        func(_ *getCtx, r OvsTrunk) string { return escapeTokens(r.String(), ",") },
		noIndexRemove: true,
		remove: func(l []OvsTrunk, r OvsTrunk) []OvsTrunk {
			for i, x := range l {
				if x == r {
					return slices.Delete(l, i, i+1)
				}
			}
			return l
		},
	}
}

func (t trunksType) get(c *getCtx) (string, bool) { return t.ol().get(c) }
func (t trunksType) set(c *setCtx, m Modifier, v *string) error {
	return t.ol().set(c, m, v)
}
func (trunksType) supportsRemove() bool { return true }

// sriovVFsType is sriov.vfs: "index [attr=value]..., ...".
type sriovVFsType struct{}

func vfIndex(v SriovVF) uint32 {
	n, _ := v.Attrs["index"].Value().(uint32)
	return n
}

func (sriovVFsType) ol() objlist[SriovVF] {
	return objlist[SriovVF]{
		split: splitPlain,
		parse: func(_ *setCtx, s string) (SriovVF, error) {
			s = strings.TrimLeft(s, " ")
			idx, detail, has := strings.Cut(s, " ")
			if !has {
				detail = ""
			}
			vf, err := SriovVFFromString(idx, detail, false)
			if err != nil {
				return vf, fmt.Errorf("%v. The valid syntax is: vf [attribute=value]... [,vf [attribute=value]...]", err)
			}
			return vf, nil
		},
		format:        func(_ *getCtx, v SriovVF) string { return SriovVFString(v) },
		noIndexRemove: true,
		add: func(l []SriovVF, v SriovVF) []SriovVF {
			for i, x := range l {
				if vfIndex(x) == vfIndex(v) {
					l[i] = v
					return l
				}
			}
			return append(l, v)
		},
		remove: func(l []SriovVF, v SriovVF) []SriovVF {
			for i, x := range l {
				if vfIndex(x) == vfIndex(v) {
					return slices.Delete(l, i, i+1)
				}
			}
			return l
		},
	}
}

func (t sriovVFsType) get(c *getCtx) (string, bool) { return t.ol().get(c) }
func (t sriovVFsType) set(c *setCtx, m Modifier, v *string) error {
	return t.ol().set(c, m, v)
}
func (sriovVFsType) supportsRemove() bool { return true }

const tcSyntax = "The valid syntax is: '[root | parent <handle>] [handle <handle>] <kind>'"

// qdiscsType is tc.qdiscs.
type qdiscsType struct{}

func (qdiscsType) ol() objlist[TCQdisc] { return tcObjlist(QdiscFromString, QdiscString) }

func (t qdiscsType) get(c *getCtx) (string, bool) { return t.ol().get(c) }
func (t qdiscsType) set(c *setCtx, m Modifier, v *string) error {
	return t.ol().set(c, m, v)
}
func (qdiscsType) supportsRemove() bool { return true }

// tfiltersType is tc.tfilters.
type tfiltersType struct{}

func (tfiltersType) ol() objlist[TCTfilter] { return tcObjlist(TfilterFromString, TfilterString) }

// tcObjlist is the nmcli form of tc.qdiscs and tc.tfilters: items in tc's
// syntax, the same when they print the same, added only when not listed.
func tcObjlist[T any](parse func(string) (T, error), format func(T) string) objlist[T] {
	same := func(a, b T) bool { return format(a) == format(b) }
	return objlist[T]{
		split: splitPlain,
		parse: func(_ *setCtx, s string) (T, error) {
			v, err := parse(s)
			if err != nil {
				return v, fmt.Errorf("%v. %s", err, tcSyntax)
			}
			return v, nil
		},
		format: func(_ *getCtx, v T) string { return format(v) },
		equal:  same,
		add:    appendUnlisted(same),
	}
}

func (t tfiltersType) get(c *getCtx) (string, bool) { return t.ol().get(c) }
func (t tfiltersType) set(c *setCtx, m Modifier, v *string) error {
	return t.ol().set(c, m, v)
}
func (tfiltersType) supportsRemove() bool { return true }

// linkWatchersType is team.link-watchers and team-port.link-watchers:
// "name=ethtool delay-up=3, name=arp_ping ...".
type linkWatchersType struct{}

func sameLinkWatcher(a, b TeamLinkWatcher) bool { return LinkWatcherString(a) == LinkWatcherString(b) }

func (linkWatchersType) ol() objlist[TeamLinkWatcher] {
	return objlist[TeamLinkWatcher]{
		split:  splitEscaped,
		parse:  func(_ *setCtx, s string) (TeamLinkWatcher, error) { return ParseLinkWatcher(s) },
		format: func(_ *getCtx, w TeamLinkWatcher) string { return escapeTokens(LinkWatcherString(w), ",") },
		equal:  sameLinkWatcher,
		add:    appendUnlisted(sameLinkWatcher),
	}
}

func (t linkWatchersType) get(c *getCtx) (string, bool) { return t.ol().get(c) }
func (t linkWatchersType) set(c *setCtx, m Modifier, v *string) error {
	return t.ol().set(c, m, v)
}
func (linkWatchersType) supportsRemove() bool { return true }

// --- the connection setting ---

// uuidType is connection.uuid: set once (or freely with --offline);
// "new" or "generate" make a random one.
type uuidType struct{}

func (uuidType) get(c *getCtx) (string, bool) { return gobjectGet(c) }

func (uuidType) set(c *setCtx, _ Modifier, value *string) error {
	cur, has := c.s.String("uuid")
	v := ""
	if value != nil {
		v = *value
	}
	offline := c.env != nil && c.env.Offline
	if has && !offline {
		if !(isLegacyUUID(v) && cur == v) {
			return errors.New("the property can't be changed")
		}
	}
	if value == nil || v == "" || v == "new" || v == "generate" {
		v = NewUUID()
	}
	return c.s.Set("uuid", v)
}

// typeType is connection.type: it may not change (except --offline).
type typeType struct{}

func (typeType) get(c *getCtx) (string, bool) { return gobjectGet(c) }

func (typeType) set(c *setCtx, _ Modifier, value *string) error {
	if cur, has := c.s.String("type"); has {
		if value != nil && *value == cur {
			return nil
		}
		if c.env == nil || !c.env.Offline {
			return errors.New("Can not change the connection type")
		}
	}
	if value == nil {
		c.s.Unset("type")
		return nil
	}
	return c.s.Set("type", *value)
}

// permissionsType is connection.permissions: user names, with or without
// "user:".
var permissionsType = multilistType{
	split: splitPlain,
	validate: func(_ *setCtx, item string) (string, error) {
		if _, ok := sanitizePermissionUser(item); !ok {
			return "", fmt.Errorf("invalid permission \"%s\"", item)
		}
		return item, nil
	},
	add: func(l []string, item string) []string {
		u, _ := sanitizePermissionUser(item)
		p := "user:" + u + ":"
		if !slices.Contains(l, p) {
			l = append(l, p)
		}
		return l
	},
	remove: func(l []string, item string) []string {
		u, ok := sanitizePermissionUser(item)
		if !ok {
			return l
		}
		if i := slices.Index(l, "user:"+u+":"); i >= 0 {
			l = slices.Delete(l, i, i+1)
		}
		return l
	},
	show: func(l []string) (string, bool) {
		var parts []string
		for _, p := range l {
			if u, ok := parsePermission(p); ok {
				parts = append(parts, "user:"+u)
			}
		}
		return strings.Join(parts, ","), len(parts) == 0
	},
}

// sanitizePermissionUser strips "user:" and checks the name.
func sanitizePermissionUser(p string) (string, bool) {
	p = strings.TrimPrefix(p, "user:")
	if p == "" || len(p) >= 100 || !utf8.ValidString(p) || strings.ContainsRune(p, ':') {
		return "", false
	}
	return p, true
}

// secondariesType is connection.secondaries: UUIDs (nmcli turns names
// into UUIDs before).
var secondariesType = multilistType{
	split: splitPlain,
	validate: func(_ *setCtx, item string) (string, error) {
		if !isLegacyUUID(item) {
			return "", fmt.Errorf("the value '%s' is not a valid UUID", item)
		}
		return item, nil
	},
}

// meteredType is connection.metered: yes, no or unknown.
type meteredType struct{}

func (meteredType) get(c *getCtx) (string, bool) {
	switch c.s.Int32("metered") {
	case 1:
		return "yes", false
	case 2:
		return "no", false
	}
	return "unknown", true
}

func (meteredType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	t, err := ParseTernary(*value, false)
	if err != nil {
		return err
	}
	m := map[int32]int32{1: 1, 0: 2, -1: 0}[t]
	return c.s.Set("metered", m)
}

func (meteredType) values() []string { return []string{"yes", "no", "unknown"} }

// --- ipv4/ipv6 ---

// ipMethodType is ipv4/ipv6.method; "static" (or a prefix) means manual.
type ipMethodType struct{ allowed []string }

func (ipMethodType) get(c *getCtx) (string, bool) { return gobjectGet(c) }

func (t ipMethodType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	v := *value
	if len(v) > 1 && strings.HasPrefix("static", v) {
		v = "manual"
	}
	v, err := StringIsValid(v, t.allowed)
	if err != nil {
		return err
	}
	return c.s.Set("method", v)
}

func (t ipMethodType) values() []string { return t.allowed }

// gatewayType is ipv4/ipv6.gateway; setting one clears never-default,
// which would otherwise drop it.
type gatewayType struct{}

func (gatewayType) get(c *getCtx) (string, bool) { return gobjectGet(c) }

func (gatewayType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	v := trimASCIISpace(*value)
	if _, ok := parseInet(settingFamily(c.s), v); !ok {
		return fmt.Errorf("invalid gateway address '%s'", v)
	}
	if err := c.s.Set("gateway", v); err != nil {
		return err
	}
	return c.s.Set("never-default", false)
}

// ipv4OrSubnet validates ipv4.dhcp-reject-servers entries.
func ipv4OrSubnet(_ *setCtx, item string) (string, error) {
	if _, _, ok := parseInetWithPrefix(AFInet, item); !ok {
		return "", fmt.Errorf("invalid IPv4 or subnet \"%s\"", item)
	}
	return item, nil
}

// --- bond ---

// bondModes are the names of the bonding modes by number.
var bondModes = []string{"balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb"}

// ValidateBondMode takes a bonding mode by name (or prefix) or number.
func ValidateBondMode(mode string) (string, error) {
	if n, err := strconv.ParseUint(mode, 10, 64); err == nil && n <= 6 && mode != "" && mode[0] != '+' && mode[0] != '-' {
		return bondModes[n], nil
	}
	return StringIsValid(mode, bondModes)
}

// bondOptionsType is bond.options: "mode=...,miimon=...".
var bondOptionsType = optionlistType{
	keys: func() []string { return BondOptionNames() },
	show: func(c *getCtx) (string, bool) {
		opts := c.s.StrDict("options")
		keys := sortedBondOptionNames(opts)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			v := opts[k]
			if k == "arp_ip_target" {
				v = strings.ReplaceAll(v, ",", " ")
			}
			parts = append(parts, escapeOptionKey(k)+"="+escapeOptionValue(v))
		}
		return strings.Join(parts, ","), len(parts) == 0
	},
	setOne: func(c *setCtx, key string, value *string) error { return BondAddOption(c.s, key, value) },
	// "bond.options VALUE" starts from no options at all (not from the
	// default mode): a value without mode fails verification, as in
	// nmcli.
	clear: func(s *Setting) { s.MustSet("options", map[string]string{}) },
}

// BondAddOption sets one bonding option as nmcli does (a nil or empty
// value removes it), keeping the option set consistent: miimon and
// arp_interval exclude each other, primary and active_slave agree.
func BondAddOption(s *Setting, name string, value *string) error {
	opts := maps2(s.StrDict("options"))
	commit := func() error { return s.Set("options", opts) }
	if value == nil || *value == "" {
		delete(opts, name)
		return commit()
	}
	v := *value
	if name == "mode" {
		var err error
		if v, err = ValidateBondMode(v); err != nil {
			return err
		}
	} else if name == "arp_ip_target" {
		v = strings.ReplaceAll(v, " ", ",")
	}
	if err := ValidateBondOption(name, v); err != nil {
		return fmt.Errorf("failed to set bond option \"%s\"", name)
	}
	opts[name] = v
	positive := func(x string) bool {
		n, res := asciiToInt64(x, 10, 0, math.MaxInt32)
		return res == parseOK && n > 0
	}
	switch name {
	case "arp_interval":
		if positive(v) {
			delete(opts, "miimon")
			delete(opts, "downdelay")
			delete(opts, "updelay")
		}
	case "miimon":
		if positive(v) {
			delete(opts, "arp_interval")
			delete(opts, "arp_validate")
			delete(opts, "arp_ip_target")
			delete(opts, "arp_all_targets")
		}
	case "primary":
		if a, ok := opts["active_slave"]; ok && a != v {
			delete(opts, "active_slave")
		}
	case "active_slave":
		if p, ok := opts["primary"]; ok && p != v {
			opts["primary"] = v
		}
	}
	return commit()
}

// --- VLAN ---

// vlanFlagsType is vlan.flags: a number, shown with flag names.
type vlanFlagsType struct{}

func (vlanFlagsType) get(c *getCtx) (string, bool) {
	f := c.s.Uint32("flags")
	def := f == 0
	if !c.pretty {
		return strconv.FormatUint(uint64(f), 10), def
	}
	if f == 0 {
		return "0 (NONE)", def
	}
	var parts []string
	for _, x := range []struct {
		bit  uint32
		name string
	}{{1, "REORDER_HEADERS"}, {2, "GVRP"}, {4, "LOOSE_BINDING"}, {8, "MVRP"}} {
		if f&x.bit != 0 {
			parts = append(parts, x.name)
		}
	}
	if len(parts) == 0 {
		parts = []string{"unknown"}
	}
	return strconv.Itoa(int(int32(f))) + " (" + strings.Join(parts, ", ") + ")", def
}

func (vlanFlagsType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	v := *value
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || v == "" || v[0] == '+' || v[0] == '-' {
		return fmt.Errorf("'%s' is not a valid number (or out of range)", v)
	}
	if uint64(n)&^0xf != 0 {
		return fmt.Errorf("'%d' flags are not valid; use combination of 1, 2, 4, 8", n)
	}
	return c.s.Set("flags", uint32(n))
}

// priorityMapType is vlan.ingress/egress-priority-map: "from:to ...".
type priorityMapType struct{ egress bool }

func (priorityMapType) get(c *getCtx) (string, bool) {
	l := c.s.Strv(c.p.Name)
	return strings.Join(l, " "), len(l) == 0
}

// parsePriorityMap checks "from:to": both numbers, to at most 7 for
// ingress maps, from at most 7 for egress ones.
func (t priorityMapType) parse(s string) (from, to uint32, ok bool) {
	a, b, has := strings.Cut(s, ":")
	if !has {
		return 0, 0, false
	}
	maxFrom, maxTo := uint64(math.MaxUint32), uint64(7)
	if t.egress {
		maxFrom, maxTo = 7, math.MaxUint32
	}
	f, res1 := asciiToUint64(a, 10, 0, maxFrom)
	g, res2 := asciiToUint64(b, 10, 0, maxTo)
	if res1 != parseOK || res2 != parseOK {
		return 0, 0, false
	}
	return uint32(f), uint32(g), true
}

func (t priorityMapType) set(c *setCtx, mod Modifier, value *string) error {
	if value == nil {
		c.s.Unset(c.p.Name)
		return nil
	}
	items := escapedTokensSplit(*value, asciiSpaces+",")
	for _, it := range items {
		if _, _, ok := t.parse(it); !ok {
			return fmt.Errorf("invalid priority map '%s'", it)
		}
	}
	var cur []string
	if mod != ModSet {
		cur = slices.Clone(c.s.Strv(c.p.Name))
	}
	for _, it := range items {
		from, to, _ := t.parse(it)
		key := strconv.FormatUint(uint64(from), 10)
		entry := key + ":" + strconv.FormatUint(uint64(to), 10)
		idx := -1
		for i, x := range cur {
			if k, _, _ := strings.Cut(x, ":"); k == key {
				idx = i
			}
		}
		if mod == ModDel {
			if idx >= 0 && cur[idx] == entry {
				cur = slices.Delete(cur, idx, idx+1)
			}
			continue
		}
		if idx >= 0 {
			cur[idx] = entry
		} else {
			cur = append(cur, entry)
		}
	}
	if cur == nil {
		cur = []string{}
	}
	return c.s.Set(c.p.Name, cur)
}

func (priorityMapType) supportsRemove() bool { return true }

// --- VPN ---

// vpnOptionsShow renders vpn.data or vpn.secrets: "k = v, k2 = v2".
func vpnOptionsShow(c *getCtx) (string, bool) {
	m := c.s.StrDict(c.p.Name)
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = escapeOptionKey(k) + " = " + escapeOptionValue(m[k])
	}
	return strings.Join(parts, ", "), len(parts) == 0
}

var vpnOptionsType = optionlistType{show: vpnOptionsShow, setOne: strdictSetOne}

// --- 802-3-ethernet ---

// s390SubchannelsType takes two or three words.
type s390SubchannelsType struct{}

func (s390SubchannelsType) get(c *getCtx) (string, bool) { return gobjectGet(c) }

func (s390SubchannelsType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	l := plainSplit(*value, " ,\t")
	if len(l) != 2 && len(l) != 3 {
		return fmt.Errorf("'%s' is not valid; 2 or 3 strings should be provided", *value)
	}
	return c.s.Set(c.p.Name, l)
}

var s390OptionsType = optionlistType{
	keys:    func() []string { return s390Options },
	noEmpty: true,
	setOne:  strdictSetOne,
}

// --- Wi-Fi ---

// ssidType is an SSID: at most 32 bytes, shown as text.
type ssidType struct{ olpc bool }

func (t ssidType) get(c *getCtx) (string, bool) {
	b := c.s.Bytes(c.p.Name)
	if b == nil {
		return "", true
	}
	s := SSIDToUTF8(b)
	return s, s == "" && !t.olpc
}

func (ssidType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	if len(*value) > 32 {
		return fmt.Errorf("'%s' is not valid", *value)
	}
	return c.s.Set(c.p.Name, []byte(*value))
}

// SSIDToUTF8 shows an SSID as nm_utils_ssid_to_utf8 does: UTF-8 as is,
// else every byte as Latin-1.
func SSIDToUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

// wifiChannelType accepts channels of either band.
type wifiChannelType struct{}

func (wifiChannelType) get(c *getCtx) (string, bool) { return gobjectGet(c) }

func (wifiChannelType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	n, err := strconv.ParseUint(*value, 10, 64)
	if err != nil || *value == "" || (*value)[0] == '+' || (*value)[0] == '-' {
		return fmt.Errorf("'%s' is not a valid channel", *value)
	}
	if !WifiChannelValid(uint32(n), "a") && !WifiChannelValid(uint32(n), "bg") {
		return fmt.Errorf("'%d' is not a valid channel", int64(n))
	}
	return c.s.Set(c.p.Name, uint32(n))
}

// Channels of the 2.4 and 5 GHz bands libnm knows.
var (
	bgChannels = []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}
	aChannels  = []uint32{7, 8, 9, 11, 12, 16, 32, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 54, 56, 58, 60, 62, 64, 68, 96, 100, 102, 104, 106, 108, 110, 112, 114, 116, 118, 120, 122, 124, 126, 128, 132, 134, 136, 138, 140, 142, 144, 149, 151, 153, 155, 157, 159, 161, 165, 169, 171, 173, 183, 184, 185, 187, 188, 189, 192, 196}
)

// WifiChannelValid reports whether ch is a channel of band "a" or "bg".
func WifiChannelValid(ch uint32, band string) bool {
	if band == "a" {
		return slices.Contains(aChannels, ch)
	}
	return slices.Contains(bgChannels, ch)
}

// olpcChannelType takes 1 to 13.
type olpcChannelType struct{}

func (olpcChannelType) get(c *getCtx) (string, bool) { return gobjectGet(c) }

func (olpcChannelType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	n, err := strconv.ParseUint(*value, 10, 64)
	if err != nil || n < 1 || n > 13 || (*value)[0] == '+' {
		return fmt.Errorf("'%s' is not a valid channel; use <1-13>", *value)
	}
	return c.s.Set(c.p.Name, uint32(n))
}

// wepKeyType is wifi-sec.wep-key0..3: the key type is guessed from the
// key, and the key index follows the property.
type wepKeyType struct{ index uint32 }

func (wepKeyType) get(c *getCtx) (string, bool) { return gobjectGet(c) }

func wepKeyTypeName(t uint32) string {
	switch t {
	case 1:
		return "1 (key)"
	case 2:
		return "2 (passphrase)"
	}
	return fmt.Sprintf("%d (unknown)", t)
}

func (t wepKeyType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		c.s.Unset(c.p.Name)
		return nil
	}
	v := *value
	typ := c.s.Uint32("wep-key-type")
	var guessed uint32
	switch {
	case wepKeyValid(v, 1):
		guessed = 1
	case wepKeyValid(v, 2):
		guessed = 2
	default:
		return fmt.Errorf("'%s' is not valid", v)
	}
	if typ != guessed {
		if typ == 0 {
			// guessed
		} else if wepKeyValid(v, typ) {
			guessed = typ
		} else {
			return fmt.Errorf("'%s' not compatible with %s '%s', please change the key or set the right %s first.",
				v, "wep-key-type", wepKeyTypeName(typ), "wep-key-type")
		}
	}
	prev := c.s.Uint32("wep-tx-keyidx")
	if typ == 0 {
		c.env.warn(WarnInfo, "WEP key is guessed to be of "+wepKeyTypeName(guessed))
	}
	if t.index != prev {
		c.env.warn(WarnInfo, fmt.Sprintf("WEP key index set to '%d'", t.index))
	}
	if err := c.s.Set(c.p.Name, v); err != nil {
		return err
	}
	if err := c.s.Set("wep-key-type", guessed); err != nil {
		return err
	}
	if t.index != prev {
		return c.s.Set("wep-tx-keyidx", t.index)
	}
	return nil
}

// wepKeyTypePreSet warns about keys that do not fit a new key type.
func wepKeyTypePreSet(c *setCtx, v int64) {
	if v < 0 || v > 2 {
		return
	}
	for i := 0; i < 4; i++ {
		name := "wep-key" + strconv.Itoa(i)
		if k, ok := c.s.String(name); ok && !wepKeyValid(k, uint32(v)) {
			c.env.warn(WarnWarning, fmt.Sprintf("'%s' is not compatible with '%s' type, please change or delete the key.",
				name, wepKeyTypeName(uint32(v))))
		}
	}
}

// --- DCB ---

// dcbFlagsType is a DCB feature's flags: enable, advertise, willing.
type dcbFlagsType struct{}

func (dcbFlagsType) get(c *getCtx) (string, bool) {
	f := c.s.Uint32(c.p.Name)
	if f == 0 {
		return "0 (disabled)", true
	}
	var parts []string
	for _, x := range []struct {
		bit  uint32
		name string
	}{{1, "enabled"}, {2, "advertise"}, {4, "willing"}} {
		if f&x.bit != 0 {
			parts = append(parts, x.name)
		}
	}
	if len(parts) == 0 {
		parts = []string{"unknown"}
	}
	return strconv.Itoa(int(int32(f))) + " (" + strings.Join(parts, ", ") + ")", false
}

func (dcbFlagsType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	v := *value
	var flags uint32
	if n, res := asciiToInt64(v, 0, 0, 7); res == parseOK {
		flags = uint32(n)
	} else {
		for _, w := range plainSplit(v, " \t,") {
			n, res := asciiToInt64(w, 0, 0, 7)
			t := int64(-1)
			if res == parseOK {
				t = n
			}
			switch {
			case strings.EqualFold(w, "enable") || strings.EqualFold(w, "enabled") || t == 1:
				flags |= 1
			case strings.EqualFold(w, "advertise") || t == 2:
				flags |= 2
			case strings.EqualFold(w, "willing") || t == 4:
				flags |= 4
			case strings.EqualFold(w, "disable") || strings.EqualFold(w, "disabled") || t == 0:
			default:
				return fmt.Errorf("'%s' is not a valid DCB flag", w)
			}
		}
	}
	return c.s.Set(c.p.Name, flags)
}

// dcbArrayType is one of DCB's eight-number arrays.
type dcbArrayType struct {
	max, other uint32
	percent    bool
	bools      bool
	// flagsProp is the feature whose "enable" flag the array needs.
	flagsProp string
}

func (t dcbArrayType) get(c *getCtx) (string, bool) {
	l := c.s.Get(c.p.Name).([]uint32)
	parts := make([]string, 8)
	for i := range parts {
		var n uint32
		if i < len(l) {
			n = l[i]
		}
		if t.bools && n != 0 {
			n = 1
		}
		parts[i] = strconv.FormatUint(uint64(n), 10)
	}
	return strings.Join(parts, ","), false
}

func (t dcbArrayType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	items := strings.Split(*value, ",")
	if len(items) != 8 {
		return errors.New("must contain 8 comma-separated numbers")
	}
	limit := t.max
	if t.other != 0 {
		limit = t.other
	}
	nums := make([]uint32, 8)
	for i, it := range items {
		n, res := asciiToInt64(it, 10, 0, int64(limit))
		if res != parseOK || (t.other != 0 && uint32(n) > t.max && uint32(n) != t.other) {
			if t.other != 0 {
				return fmt.Errorf("'%s' not a number between 0 and %d (inclusive) or %d", it, t.max, t.other)
			}
			return fmt.Errorf("'%s' not a number between 0 and %d (inclusive)", it, t.max)
		}
		nums[i] = uint32(n)
	}
	if t.percent {
		sum := uint32(0)
		for _, n := range nums {
			sum += n
			if n > 100 || sum > 100 {
				break
			}
		}
		if sum != 100 {
			return errors.New("bandwidth percentages must total 100%%")
		}
	}
	if err := c.s.Set(c.p.Name, nums); err != nil {
		return err
	}
	if c.s.Uint32(t.flagsProp)&1 == 0 {
		c.env.warn(WarnWarning, fmt.Sprintf("changes will have no effect until '%s' includes 1 (enabled)", t.flagsProp))
	}
	return nil
}

// --- ethtool ---

// ethtoolType is an ethtool option: features and pause settings are
// on/off (or ignore, which unsets them), rings and coalescing numbers.
type ethtoolType struct{ hide bool }

func (ethtoolType) get(c *getCtx) (string, bool) {
	v := c.s.Get(c.p.Name)
	switch x := v.(type) {
	case bool:
		if x {
			return "on", false
		}
		return "off", false
	case uint32:
		return strconv.FormatUint(uint64(x), 10), false
	}
	return "", true
}

func (ethtoolType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		c.s.Unset(c.p.Name)
		return nil
	}
	if c.p.Kind == KindUint32 {
		n, res := asciiToInt64(*value, 10, 0, math.MaxUint32)
		if res != parseOK {
			return fmt.Errorf("'%s' is out of range [%d, %d]", *value, 0, uint32(math.MaxUint32))
		}
		return c.s.Set(c.p.Name, uint32(n))
	}
	t, err := ParseTernary(*value, true)
	if err != nil {
		return fmt.Errorf("'%s' is not valid; use 'on', 'off', or 'ignore'", *value)
	}
	if t == -1 {
		c.s.Unset(c.p.Name)
		return nil
	}
	return c.s.Set(c.p.Name, t == 1)
}

// --- others ---

// pkeyType is infiniband.p-key: "default" (-1) or a 16-bit number.
type pkeyType struct{}

func (pkeyType) get(c *getCtx) (string, bool) {
	k := c.s.Int32("p-key")
	if k == -1 {
		return "default", true
	}
	return fmt.Sprintf("0x%04x", k), false
}

func (pkeyType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	if *value == "default" {
		return c.s.Set("p-key", int32(-1))
	}
	n, res := asciiToInt64(*value, 0, -1, 0xffff)
	if res != parseOK {
		return fmt.Errorf("'%s' is not a valid IBoIP P_Key", *value)
	}
	return c.s.Set("p-key", int32(n))
}

// simOperatorIDType is gsm.sim-operator-id: five or six digits.
type simOperatorIDType struct{}

func (simOperatorIDType) get(c *getCtx) (string, bool) { return gobjectGet(c) }

func (simOperatorIDType) set(c *setCtx, _ Modifier, value *string) error {
	if value == nil {
		return resetDefault(c)
	}
	v := *value
	if len(v) != 5 && len(v) != 6 || strings.Trim(v, "0123456789") != "" {
		return errors.New("SIM operator ID must be a 5 or 6 number MCCMNC code")
	}
	return c.s.Set(c.p.Name, v)
}

// gsmAutoConfigAfter clears the APN, user name and password when
// auto-config is turned on (libnm would clear auto-config otherwise).
func gsmAutoConfigAfter(s *Setting) {
	if s.Bool("auto-config") {
		s.Unset("apn")
		s.Unset("username")
		s.Unset("password")
	}
}

// teamConfigValidate reads team JSON from a file ("file://PATH" or a
// readable PATH) or takes it as given ("json://..." or anything else).
func teamConfigValidate(c *setCtx, v string) (string, error) {
	if v == "" {
		return v, nil
	}
	want := 0 // guess
	if rest, ok := strings.CutPrefix(v, "file://"); ok {
		v, want = rest, 1
	} else if rest, ok := strings.CutPrefix(v, "json://"); ok {
		v, want = rest, 2
	}
	if want != 2 {
		b, err := c.env.readFile(v)
		if err != nil {
			if want == 1 {
				return "", fmt.Errorf("cannot read team config from file '%s'", v)
			}
		} else {
			if slices.Contains(b, 0) {
				return "", fmt.Errorf("team config file '%s' contains non-valid utf-8", v)
			}
			return string(b), nil
		}
	}
	return v, nil
}

// pacScriptValidate takes a PAC script inline ("js://...") or from a
// file, and checks that it defines FindProxyForURL.
func pacScriptValidate(c *setCtx, v string) (string, error) {
	if v == "" {
		return v, nil
	}
	want := 0
	if rest, ok := strings.CutPrefix(v, "file://"); ok {
		v, want = rest, 1
	} else if rest, ok := strings.CutPrefix(v, "js://"); ok {
		v, want = rest, 2
	}
	filename := ""
	if want != 2 {
		b, err := c.env.readFile(v)
		if err != nil {
			if want == 1 {
				return "", fmt.Errorf("cannot read pac-script from file '%s'", v)
			}
		} else {
			if slices.Contains(b, 0) {
				return "", fmt.Errorf("file '%s' contains non-valid utf-8", v)
			}
			filename = v
			v = string(b)
		}
	}
	if !strings.Contains(v, "FindProxyForURL") || !utf8.ValidString(v) {
		if filename != "" {
			return "", fmt.Errorf("'%s' does not contain a valid PAC Script", filename)
		}
		return "", errors.New("Not a valid PAC Script")
	}
	return v, nil
}

// proxyMethodAfter: with method none the PAC settings go.
func proxyMethodPreSet(c *setCtx, v int64) {
	if v == 0 {
		c.s.Unset("pac-url")
		c.s.Unset("pac-script")
	}
}

// parseInetWithPrefix is "addr[/plen]" of the family.
func parseInetAddrPrefix(af int, s string) (netip.Addr, int, bool) { return parseInetWithPrefix(af, s) }

// macListType is a MAC address list (mac-address-blacklist): checked,
// kept canonical and unique.
var macListType = multilistType{
	split: splitPlain,
	validate: func(_ *setCtx, item string) (string, error) {
		if !hwaddrValid(item, ethAlen) {
			return "", fmt.Errorf("'%s' is not a valid MAC address", item)
		}
		return item, nil
	},
	add: func(l []string, item string) []string {
		c := canonicalMAC(ethAlen)(item).(string)
		for _, x := range l {
			if strings.EqualFold(x, c) {
				return l
			}
		}
		return append(l, c)
	},
	remove: func(l []string, item string) []string {
		c := canonicalMAC(ethAlen)(item).(string)
		for i, x := range l {
			if strings.EqualFold(x, c) {
				return slices.Delete(l, i, i+1)
			}
		}
		return l
	},
}

// vpnKnownNames are the VPN plugins libnm knows by their short name.
var vpnKnownNames = []string{"openvpn", "vpnc", "pptp", "openconnect", "openswan", "libreswan",
	"strongswan", "ssh", "l2tp", "iodine", "fortisslvpn"}

// VPNServiceType resolves a VPN type the way libnm does without VPN
// plugins installed: a well-known short name gives the full service
// name; anything else gives "".
func VPNServiceType(name string) string {
	if slices.Contains(vpnKnownNames, name) {
		return "org.freedesktop.NetworkManager." + name
	}
	return ""
}

// VPNServiceTypeCandidates completes a VPN type as nmcli does without
// plugins: libnm's well-known service types and their short names, in
// byte order, starting with text; the full names only once text is not
// empty.
func VPNServiceTypeCandidates(text string) []string {
	var all []string
	for _, n := range vpnKnownNames {
		all = append(all, n)
		if text != "" {
			all = append(all, "org.freedesktop.NetworkManager."+n)
		}
	}
	slices.Sort(all)
	var out []string
	for _, n := range all {
		if strings.HasPrefix(n, text) {
			out = append(out, n)
		}
	}
	return out
}

// vpnServiceType is vpn.service-type: a known short name becomes the
// full service name.
func vpnServiceType(_ *setCtx, v string) (string, error) {
	if st := VPNServiceType(v); st != "" {
		return st, nil
	}
	return v, nil
}
