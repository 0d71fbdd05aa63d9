package setting

import (
	"encoding/binary"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/godbus/dbus/v5"
)

// Address families, named as NetworkManager's ipv4/ipv6 settings are.
const (
	AFInet  = 4
	AFInet6 = 6
)

// IPAddress is one entry of ipv4.addresses or ipv6.addresses.
type IPAddress struct {
	Addr   netip.Addr
	Prefix uint8
	// Attrs are the extra keys of the D-Bus address-data entry (IPv4
	// "label", or anything a client sent), kept so they round-trip.
	Attrs map[string]dbus.Variant
}

func (a IPAddress) clone() IPAddress {
	if a.Attrs != nil {
		a.Attrs = maps.Clone(a.Attrs)
	}
	return a
}

// String is "ADDR/PREFIX", as keyfile and nmcli write an address.
func (a IPAddress) String() string {
	return inetNtop(a.Addr) + "/" + strconv.Itoa(int(a.Prefix))
}

// IPRoute is one entry of ipv4.routes or ipv6.routes.
type IPRoute struct {
	Dest    netip.Addr
	Prefix  uint8
	NextHop netip.Addr // the zero Addr when the route has none
	Metric  int64      // -1 means "use the device's default"
	// Attrs are the route attributes ("mtu", "table", "src", ...).
	Attrs map[string]dbus.Variant
}

func (r IPRoute) clone() IPRoute {
	if r.Attrs != nil {
		r.Attrs = maps.Clone(r.Attrs)
	}
	return r
}

// family returns AFInet or AFInet6 for the setting name "ipv4"/"ipv6".
func familyOf(setting string) int {
	if setting == "ipv6" {
		return AFInet6
	}
	return AFInet
}

func familyName(af int) string {
	if af == AFInet6 {
		return "IPv6"
	}
	return "IPv4"
}

// parseInet parses an address of the given family the way inet_pton does:
// dotted quad for IPv4 (no leading zeros), RFC 4291 text for IPv6, no zone.
func parseInet(af int, s string) (netip.Addr, bool) {
	if s == "" || strings.ContainsAny(s, "% \t\n") {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	switch af {
	case AFInet:
		if !a.Is4() {
			return netip.Addr{}, false
		}
	case AFInet6:
		if !a.Is6() {
			return netip.Addr{}, false
		}
	default:
		return a, true
	}
	return a, true
}

// inetNtop formats an address as glibc's inet_ntop does. It differs from
// netip's String for IPv4-compatible IPv6 addresses (::1.2.3.4), which
// glibc writes with a dotted quad.
func inetNtop(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	if a.Is4() {
		return a.String()
	}
	b := a.As16()
	var w [8]uint16
	for i := range w {
		w[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	// The longest run of zero words (at least two) becomes "::"; the first
	// wins a tie.
	bestBase, bestLen := -1, 0
	for i := 0; i < 8; {
		if w[i] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && w[j] == 0 {
			j++
		}
		if j-i > bestLen {
			bestBase, bestLen = i, j-i
		}
		i = j
	}
	if bestLen < 2 {
		bestBase = -1
	}
	var sb strings.Builder
	for i := 0; i < 8; i++ {
		if bestBase >= 0 && i >= bestBase && i < bestBase+bestLen {
			if i == bestBase {
				sb.WriteByte(':')
			}
			continue
		}
		if i != 0 {
			sb.WriteByte(':')
		}
		if i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff)) {
			fmt.Fprintf(&sb, "%d.%d.%d.%d", b[12], b[13], b[14], b[15])
			break
		}
		sb.WriteString(strconv.FormatUint(uint64(w[i]), 16))
	}
	if bestBase >= 0 && bestBase+bestLen == 8 {
		sb.WriteByte(':')
	}
	return sb.String()
}

// canonicalInet returns the canonical text of an address string of the
// family, or the string unchanged if it does not parse (verify then
// reports it), as NetworkManager's setters do.
func canonicalInet(af int, s string) string {
	if a, ok := parseInet(af, s); ok {
		return inetNtop(a)
	}
	return s
}

// in4ToUint32 gives the address as the uint32 that holds its bytes in
// network order in memory, which is how NetworkManager's legacy "au" and
// "aau" D-Bus properties carry IPv4 addresses.
func in4ToUint32(a netip.Addr) uint32 {
	b := a.As4()
	return binary.NativeEndian.Uint32(b[:])
}

func uint32ToIn4(u uint32) netip.Addr {
	var b [4]byte
	binary.NativeEndian.PutUint32(b[:], u)
	return netip.AddrFrom4(b)
}

func validPrefix(af int, p uint32) bool {
	if af == AFInet6 {
		return p <= 128
	}
	return p <= 32
}

// newIPAddress checks an address as nm_ip_address_new does.
func newIPAddress(af int, addr string, prefix uint32) (IPAddress, error) {
	a, ok := parseInet(af, addr)
	if !ok {
		return IPAddress{}, fmt.Errorf("Invalid %s address '%s'", familyName(af), addr)
	}
	if !validPrefix(af, prefix) {
		return IPAddress{}, fmt.Errorf("Invalid %s address prefix '%d'", familyName(af), prefix)
	}
	return IPAddress{Addr: a, Prefix: uint8(prefix)}, nil
}

// newIPRoute checks a route as nm_ip_route_new does. An all-zero next hop
// means "none".
func newIPRoute(af int, dest string, prefix uint32, nextHop string, metric int64) (IPRoute, error) {
	d, ok := parseInet(af, dest)
	if !ok {
		return IPRoute{}, fmt.Errorf("Invalid %s address '%s'", familyName(af), dest)
	}
	if !validPrefix(af, prefix) {
		return IPRoute{}, fmt.Errorf("Invalid %s address prefix '%d'", familyName(af), prefix)
	}
	var nh netip.Addr
	if nextHop != "" {
		nh, ok = parseInet(af, nextHop)
		if !ok {
			return IPRoute{}, fmt.Errorf("Invalid %s address '%s'", familyName(af), nextHop)
		}
		if nh.IsUnspecified() {
			nh = netip.Addr{}
		}
	}
	if metric < -1 || metric > 0xffffffff {
		return IPRoute{}, fmt.Errorf("Invalid routing metric '%d'", metric)
	}
	return IPRoute{Dest: d, Prefix: uint8(prefix), NextHop: nh, Metric: metric}, nil
}

// sortedAttrNames lists attribute names in the order NetworkManager
// serializes them (sorted).
func sortedAttrNames(m map[string]dbus.Variant) []string {
	names := slices.Collect(maps.Keys(m))
	slices.Sort(names)
	return names
}

// RouteAttr describes a route attribute NetworkManager knows: its D-Bus
// type, the families it applies to and what its string value means.
type RouteAttr struct {
	Name   string
	Sig    string // "u", "b", "s" or "y"
	V4, V6 bool
	// Detail: 'a' address, 'p' address with optional prefix, 'T' route
	// type, 's' scope, 'w' ECMP weight.
	Detail byte
}

// RouteAttrs is NetworkManager 1.42's table of route attributes, sorted by
// name.
var RouteAttrs = []RouteAttr{
	{"advmss", "u", true, true, 0},
	{"cwnd", "u", true, true, 0},
	{"from", "s", false, true, 'p'},
	{"initcwnd", "u", true, true, 0},
	{"initrwnd", "u", true, true, 0},
	{"lock-advmss", "b", true, true, 0},
	{"lock-cwnd", "b", true, true, 0},
	{"lock-initcwnd", "b", true, true, 0},
	{"lock-initrwnd", "b", true, true, 0},
	{"lock-mtu", "b", true, true, 0},
	{"lock-window", "b", true, true, 0},
	{"mtu", "u", true, true, 0},
	{"onlink", "b", true, true, 0},
	{"quickack", "b", true, true, 0},
	{"rto_min", "u", true, true, 0},
	{"scope", "y", true, false, 's'},
	{"src", "s", true, true, 'a'},
	{"table", "u", true, true, 0},
	{"tos", "y", true, false, 0},
	{"type", "s", true, true, 'T'},
	{"weight", "u", true, false, 'w'},
	{"window", "u", true, true, 0},
}

func routeAttr(name string) *RouteAttr {
	i, ok := slices.BinarySearchFunc(RouteAttrs, name, func(a RouteAttr, n string) int { return strings.Compare(a.Name, n) })
	if !ok {
		return nil
	}
	return &RouteAttrs[i]
}

// Route types as the kernel numbers them (RTN_*), by the names iproute2
// and NetworkManager use.
var routeTypeNames = map[string]int{
	"unspec": 0, "unicast": 1, "local": 2, "broadcast": 3, "anycast": 4, "multicast": 5,
	"blackhole": 6, "unreachable": 7, "prohibit": 8, "throw": 9, "nat": 10, "xresolve": 11,
}

func routeTypeName(t int) string {
	for n, v := range routeTypeNames {
		if v == t {
			return n
		}
	}
	return strconv.Itoa(t)
}

// validateRouteAttr checks one attribute as nm_ip_route_attribute_validate
// does; known reports whether the name is known at all.
func validateRouteAttr(name string, v dbus.Variant, af int) (known bool, err error) {
	spec := routeAttr(name)
	if spec == nil {
		return false, fmt.Errorf("unknown attribute")
	}
	if v.Signature().String() != spec.Sig {
		return true, fmt.Errorf("invalid attribute type '%s'", v.Signature().String())
	}
	if (af == AFInet && !spec.V4) || (af == AFInet6 && !spec.V6) {
		return true, fmt.Errorf("attribute is not valid for a %s route", familyName(af))
	}
	switch spec.Detail {
	case 'a':
		s := v.Value().(string)
		if _, ok := parseInet(af, s); !ok {
			return true, fmt.Errorf("'%s' is not a valid %s address", s, familyName(af))
		}
	case 'p':
		s := v.Value().(string)
		addr := s
		if i := strings.IndexByte(s, '/'); i >= 0 {
			addr = s[:i]
			max := 32
			if af == AFInet6 {
				max = 128
			}
			if n, ok := parseDecimal(s[i+1:], 0, int64(max)); !ok || n < 0 {
				return true, fmt.Errorf("invalid prefix %s", s[i+1:])
			}
		}
		if _, ok := parseInet(af, addr); !ok {
			return true, fmt.Errorf("'%s' is not a valid %s address", s, familyName(af))
		}
	case 'T':
		s := v.Value().(string)
		t, ok := routeTypeNames[s]
		if !ok {
			if n, err := strconv.ParseUint(s, 10, 8); err == nil {
				t, ok = int(n), true
			}
		}
		if !ok || !slices.Contains([]int{1, 2, 6, 7, 8, 9}, t) {
			return true, fmt.Errorf("%s is not a valid route type", s)
		}
	case 'w':
		if v.Value().(uint32) > 256 {
			return true, fmt.Errorf("route weight cannot be larger than 256")
		}
	}
	return true, nil
}

// validateRouteAttrs checks all attributes of a route and their
// combination, as _nm_ip_route_attribute_validate_all does.
func validateRouteAttrs(r IPRoute, af int) error {
	typ, scope, weight := 1, -1, uint32(0)
	for _, name := range sortedAttrNames(r.Attrs) {
		v := r.Attrs[name]
		if _, err := validateRouteAttr(name, v, af); err != nil {
			return err
		}
		switch name {
		case "type":
			s := v.Value().(string)
			if t, ok := routeTypeNames[s]; ok {
				typ = t
			} else if n, err := strconv.ParseUint(s, 10, 8); err == nil {
				typ = int(n)
			}
		case "scope":
			scope = int(v.Value().(uint8))
		case "weight":
			weight = v.Value().(uint32)
		}
	}
	switch typ {
	case 2: // local
		if af == AFInet && scope >= 0 && scope != 254 && scope != 255 {
			return fmt.Errorf("route scope is invalid for local route")
		}
	case 6, 7, 8, 9:
		if r.NextHop.IsValid() {
			return fmt.Errorf("a %s route cannot have a next-hop", routeTypeName(typ))
		}
	}
	if weight > 0 && typ != 1 {
		return fmt.Errorf("a %s route cannot have a ECMP multi-hop \"weight\"", routeTypeName(typ))
	}
	return nil
}

// parseDecimal parses a base-10 integer in [min, max] the way
// _nm_utils_ascii_str_to_int64 does: surrounding ASCII whitespace is
// allowed, nothing else.
func parseDecimal(s string, min, max int64) (int64, bool) {
	s = strings.Trim(s, " \t\n\r\v\f")
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < min || n > max {
		return 0, false
	}
	return n, true
}

type netipAddr = netip.Addr

// addrFrom16 turns 16 raw bytes into an IPv6 address.
func addrFrom16(b []byte) netip.Addr {
	var a [16]byte
	copy(a[:], b)
	return netip.AddrFrom16(a)
}
