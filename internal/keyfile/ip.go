package keyfile

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gonm/gonm/internal/setting"
)

// listKey is one "addressN"/"routesN"/"routing-ruleN" key of an ipv4 or
// ipv6 group.
type listKey struct {
	key  string
	idx  int64 // -1 for the bare name
	typ  int   // 0: "address"/"route", 1: the plural form
	base string
}

// matchIndexedKey matches "BASE", "BASE0" or "BASE<N>" (N without leading
// zeros, fitting an int32) and returns the index (-1 for the bare name).
func matchIndexedKey(key, base string) (int64, bool) {
	rest, ok := strings.CutPrefix(key, base)
	if !ok {
		return 0, false
	}
	if rest == "" {
		return -1, true
	}
	if rest == "0" {
		return 0, true
	}
	if rest[0] < '1' || rest[0] > '9' {
		return 0, false
	}
	for i := 1; i < len(rest); i++ {
		if rest[i] < '0' || rest[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || n > math.MaxInt32 {
		return 0, false
	}
	return n, true
}

// indexedKeys lists the keys of a group that hold list entries, in the
// order they apply: by index, singular before plural form.
func indexedKeys(keys []string, bases ...string) []listKey {
	var out []listKey
	for _, k := range keys {
		for typ, base := range bases {
			if idx, ok := matchIndexedKey(k, base); ok {
				out = append(out, listKey{key: k, idx: idx, typ: typ, base: base})
				break
			}
		}
	}
	slices.SortStableFunc(out, func(a, b listKey) int {
		switch {
		case a.idx != b.idx:
			if a.idx < b.idx {
				return -1
			}
			return 1
		case a.typ != b.typ:
			return a.typ - b.typ
		}
		return strings.Compare(a.key, b.key)
	})
	return slices.CompactFunc(out, func(a, b listKey) bool { return a.key == b.key })
}

const (
	ipAddressChars = "0123456789abcdefABCDEF:.%"
	digitChars     = "0123456789"
	fieldDelims    = "/;,"
)

// fieldReader splits an address or route value into fields made of
// allowed characters and ended by a delimiter; a bad character leaves the
// input where it was, so the next field can be tried at the same place.
type fieldReader struct {
	s    string
	done bool // a field ran to the end of the input
}

func (f *fieldReader) read(chars string) (field string, got bool, bad int) {
	if f.done || f.s == "" {
		return "", false, -1
	}
	i := 0
	for i < len(f.s) && strings.IndexByte(chars, f.s[i]) >= 0 {
		i++
	}
	switch {
	case i == len(f.s):
		field, f.s, f.done = f.s, "", true
		return field, true, -1
	case strings.IndexByte(fieldDelims, f.s[i]) >= 0:
		field, f.s = f.s[:i], f.s[i+1:]
		return field, true, -1
	}
	return "", false, i
}

// parseAddressOrRoute parses one "ADDR/PLEN[,GATEWAY[,METRIC]]" value
// with NetworkManager's leniency: '/', ',' and ';' interchange, the prefix
// length may be missing (with a warning) and a trailing ';' is tolerated.
func (r *reader) parseAddressOrRoute(s *setting.Setting, prop, key string, af int, route bool) (addr *setting.IPAddress, rt *setting.IPRoute, gateway string) {
	value, ok := r.str(s.Name(), key)
	if !ok {
		return nil, nil, ""
	}
	family := "IPv4"
	if af == setting.AFInet6 {
		family = "IPv6"
	}
	f := &fieldReader{s: value}
	addrStr, haveAddr, bad := f.read(ipAddressChars)
	if bad >= 0 {
		r.warn(key, prop, SeverityWarn, "unexpected character '%c' for address %s: '%s' (position %d)", f.s[bad], key, value, bad)
		return nil, nil, ""
	}
	plenStr, havePlen, _ := f.read(digitChars)
	gwStr, haveGW, bad := f.read(ipAddressChars)
	if bad >= 0 {
		r.warn(key, prop, SeverityWarn, "unexpected character '%c' for %s: '%s' (position %d)", f.s[bad], key, value, bad)
		return nil, nil, ""
	}
	var metricStr string
	haveMetric := false
	if route {
		metricStr, haveMetric, bad = f.read(digitChars)
		if bad >= 0 {
			r.warn(key, prop, SeverityWarn, "unexpected character '%c' in prefix length for %s: '%s' (position %d)", f.s[bad], key, value, bad)
			return nil, nil, ""
		}
	}
	if !f.done {
		if f.s != "" {
			r.warn(key, prop, SeverityWarn, "garbage at the end of value %s: '%s'", key, value)
			return nil, nil, ""
		}
		r.warn(key, prop, SeverityInfo, "deprecated semicolon at the end of value %s: '%s'", key, value)
	}
	defPlen := uint32(24)
	switch {
	case route && af == setting.AFInet6:
		defPlen = 128
	case af == setting.AFInet6:
		defPlen = 64
	}
	maxPlen := int64(32)
	if af == setting.AFInet6 {
		maxPlen = 128
	}
	plen := defPlen
	if havePlen {
		if plenStr == "" {
			r.warn(key, prop, SeverityWarn, "ignoring missing number")
			r.warn(key, prop, SeverityWarn, "invalid prefix length for %s '%s', defaulting to %d", key, value, plen)
		} else if n, ok := setting.ParseInt(plenStr, 10, 0, maxPlen); ok {
			plen = uint32(n)
		} else {
			r.warn(key, prop, SeverityWarn, "ignoring invalid number '%s'", plenStr)
			r.warn(key, prop, SeverityWarn, "invalid prefix length for %s '%s', defaulting to %d", key, value, plen)
		}
	} else {
		r.warn(key, prop, SeverityWarn, "missing prefix length for %s '%s', defaulting to %d", key, value, plen)
	}
	if !haveAddr {
		return nil, nil, ""
	}
	if !route {
		a, err := setting.NewIPAddress(af, addrStr, plen)
		if err != nil {
			r.warn(key, prop, SeverityWarn, "ignoring invalid %s address: %v", family, err)
			return nil, nil, ""
		}
		if haveGW {
			gateway = gwStr
		}
		return &a, nil, gateway
	}
	metric := int64(-1)
	if haveGW && gwStr != "" {
		if _, ok := setting.ParseIP(af, gwStr); !ok {
			// Old writers put the metric where the gateway goes when the
			// gateway was "::".
			n, isNum := setting.ParseInt(gwStr, 10, 0, 1<<32-1)
			if af == setting.AFInet6 && !haveMetric && isNum {
				metric, gwStr = n, ""
			} else {
				r.warn(key, prop, SeverityWarn, "ignoring invalid gateway '%s' for %s route", gwStr, family)
				return nil, nil, ""
			}
		}
	} else {
		gwStr = ""
	}
	if haveMetric {
		if metricStr == "" {
			r.warn(key, prop, SeverityWarn, "ignoring missing number")
			return nil, nil, ""
		}
		n, ok := setting.ParseInt(metricStr, 10, 0, 1<<32-1)
		if !ok {
			r.warn(key, prop, SeverityWarn, "ignoring invalid number '%s'", metricStr)
			return nil, nil, ""
		}
		metric = n
	}
	rte, err := setting.NewIPRoute(af, addrStr, plen, gwStr, metric)
	if err != nil {
		r.warn(key, prop, SeverityWarn, "ignoring invalid %s route: %v", family, err)
		return nil, nil, ""
	}
	return nil, &rte, ""
}

func (r *reader) readAddressesOrRoutes(s *setting.Setting, p *setting.Property) {
	af := setting.FamilyOf(s.Name())
	routes := p.Name == "routes"
	bases := []string{"address", "addresses"}
	if routes {
		bases = []string{"route", "routes"}
	}
	var addrs []setting.IPAddress
	var rts []setting.IPRoute
	gateway := ""
	for _, k := range indexedKeys(r.keys(s.Name()), bases...) {
		a, rt, gw := r.parseAddressOrRoute(s, p.Name, k.key, af, routes)
		if a != nil {
			addrs = append(addrs, *a)
			if gateway == "" {
				gateway = gw
			}
		}
		if rt != nil {
			r.fillRouteAttributes(s, rt, k.key+"_options", af)
			rts = append(rts, *rt)
		}
	}
	if routes && len(rts) > 0 {
		s.MustSet("routes", rts)
	}
	if !routes && len(addrs) > 0 {
		s.MustSet("addresses", addrs)
	}
	if gateway != "" {
		s.MustSet("gateway", gateway)
	}
}

// fillRouteAttributes reads "routeN_options": attributes that do not
// parse or do not validate for the family are left out.
func (r *reader) fillRouteAttributes(s *setting.Setting, rt *setting.IPRoute, key string, af int) {
	v, ok := r.str(s.Name(), key)
	if !ok || v == "" {
		return
	}
	attrs, err := setting.ParseAttributes(v, ',', '=', true, setting.RouteAttrSpec)
	if err != nil {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		val := attrs[name]
		if known, err := setting.ValidateRouteAttr(name, val, af); !known || err != nil {
			continue
		}
		if rt.Attrs == nil {
			rt.Attrs = map[string]dbusVariant{}
		}
		rt.Attrs[name] = val
	}
}

func (r *reader) readRoutingRules(s *setting.Setting, p *setting.Property) {
	af := setting.FamilyOf(s.Name())
	var rules []setting.RoutingRule
	for _, k := range indexedKeys(r.keys(s.Name()), "routing-rule") {
		v, ok := r.str(s.Name(), k.key)
		if !ok {
			continue
		}
		rule, err := setting.ParseRoutingRule(v, af, true)
		if err != nil {
			r.warn(k.key, p.Name, SeverityWarn, "invalid value for \"%s\": %v", k.key, err)
			continue
		}
		rules = append(rules, rule)
	}
	if len(rules) > 0 {
		s.MustSet(p.Name, rules)
	}
}

func (r *reader) readDNS(s *setting.Setting, p *setting.Property) {
	l, ok := r.strList(s.Name(), p.Name)
	if !ok || len(l) == 0 {
		return
	}
	af := setting.FamilyOf(s.Name())
	c := byte('4')
	if af == setting.AFInet6 {
		c = '6'
	}
	out := make([]string, 0, len(l))
	for _, d := range l {
		if !setting.DNSServerValid(af, d) {
			r.warn(p.Name, p.Name, SeverityWarn, "ignoring invalid DNS server IPv%c address '%s'", c, d)
			continue
		}
		out = append(out, d)
	}
	s.MustSet(p.Name, out)
}
