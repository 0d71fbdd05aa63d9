package nmcli

import (
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/nmcli/format"
)

// Fields of the IP4, IP6, DHCP4 and DHCP6 sections; targets are
// *client.IPConfig or *client.DHCPConfig.

func ipField(name string, get func(ip *client.IPConfig) format.Value) *format.Field {
	return field(name, func(t any, _ format.GetType) format.Value { return get(t.(*client.IPConfig)) })
}

func ipAddresses(ip *client.IPConfig) format.Value {
	var out []string
	for _, a := range ip.Addresses() {
		out = append(out, a.Address+"/"+itoa(int(a.Prefix)))
	}
	return format.Strv(out)
}

// routeDetail is a route as "device show" lists it.
func routeDetail(r client.IPRoute, v6 bool) string {
	nh := r.NextHop
	if nh == "" {
		nh = "0.0.0.0"
		if v6 {
			nh = "::"
		}
	}
	s := "dst = " + r.Dest + "/" + itoa(int(r.Prefix)) + ", nh = " + nh
	if r.Metric != -1 {
		s += ", mt = " + strconv.FormatUint(uint64(uint32(r.Metric)), 10)
	}
	if attrs := formatAttributes(r.Attributes, ',', '='); attrs != "" {
		s += ", " + attrs
	}
	return s
}

// formatAttributes renders route attributes "name=value" sorted by name,
// escaping the separators, as libnm does.
func formatAttributes(attrs map[string]dbus.Variant, sep, kv byte) string {
	if len(attrs) == 0 {
		return ""
	}
	keys := slices.Sorted(maps.Keys(attrs))
	var b strings.Builder
	first := true
	escape := func(s string) {
		for i := 0; i < len(s); i++ {
			if s[i] == sep || s[i] == kv || s[i] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(s[i])
		}
	}
	for _, k := range keys {
		var val string
		switch x := attrs[k].Value().(type) {
		case uint32:
			val = strconv.FormatUint(uint64(x), 10)
		case int32:
			val = strconv.FormatInt(int64(x), 10)
		case uint64:
			val = strconv.FormatUint(x, 10)
		case byte:
			val = strconv.FormatUint(uint64(x), 10)
		case bool:
			val = strconv.FormatBool(x)
		case string:
			val = x
		case []byte:
			val = string(x)
			if i := strings.IndexByte(val, 0); i >= 0 {
				val = val[:i]
			}
		default:
			continue
		}
		if !first {
			b.WriteByte(sep)
		}
		first = false
		escape(k)
		b.WriteByte(kv)
		escape(val)
	}
	return b.String()
}

func ipRoutes(ip *client.IPConfig) format.Value {
	var out []string
	for _, r := range ip.Routes() {
		out = append(out, routeDetail(r, ip.IsIPv6()))
	}
	return format.Strv(out)
}

func ipGateway(ip *client.IPConfig) format.Value {
	v := format.StrOrNull(ip.Gateway())
	v.IsDefault = !v.Set
	return v
}

var ip4ConfigFields = []*format.Field{
	ipField("ADDRESS", ipAddresses),
	ipField("GATEWAY", ipGateway),
	ipField("ROUTE", ipRoutes),
	ipField("DNS", func(ip *client.IPConfig) format.Value { return format.Strv(ip.Nameservers()) }),
	ipField("DOMAIN", func(ip *client.IPConfig) format.Value { return format.Strv(ip.Domains()) }),
	ipField("SEARCHES", func(ip *client.IPConfig) format.Value { return format.Strv(ip.Searches()) }),
	ipField("WINS", func(ip *client.IPConfig) format.Value { return format.Strv(ip.WinsServers()) }),
}

var ip6ConfigFields = []*format.Field{
	ipField("ADDRESS", ipAddresses),
	ipField("GATEWAY", ipGateway),
	ipField("ROUTE", ipRoutes),
	ipField("DNS", func(ip *client.IPConfig) format.Value { return format.Strv(ip.Nameservers()) }),
	ipField("DOMAIN", func(ip *client.IPConfig) format.Value { return format.Strv(ip.Domains()) }),
	ipField("SEARCHES", func(ip *client.IPConfig) format.Value { return format.Strv(ip.Searches()) }),
}

var dhcpConfigFields = []*format.Field{
	field("OPTION", func(t any, _ format.GetType) format.Value {
		return format.Strv(keyValueLines(t.(*client.DHCPConfig).Options()))
	}),
}

// keyValueLines renders a string map as "KEY = VALUE" lines sorted by key,
// as nmcli shows DHCP options and VPN data.
func keyValueLines(m map[string]string) []string {
	keys := slices.Sorted(maps.Keys(m))
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, k+" = "+m[k])
	}
	return out
}

// printIPConfig prints an IP4 or IP6 section; sub selects one of its
// fields. It reports whether there was a configuration to print.
func (a *App) printIPConfig(ip *client.IPConfig, sub format.Sub) bool {
	if ip == nil {
		return false
	}
	name, fields := "IP4", ip4ConfigFields
	if ip.IsIPv6() {
		name, fields = "IP6", ip6ConfigFields
	}
	var spec format.Spec
	if sub.OK {
		spec = format.SpecOf(name + "." + sub.Name)
	}
	a.printer.PrintTable([]any{ip}, "", format.Group(name, fields, "GROUP"), spec)
	return true
}

func (a *App) printDHCPConfig(d *client.DHCPConfig, name string, sub format.Sub) bool {
	if d == nil {
		return false
	}
	var spec format.Spec
	if sub.OK {
		spec = format.SpecOf(name + "." + sub.Name)
	}
	a.printer.PrintTable([]any{d}, "", format.Group(name, dhcpConfigFields, "GROUP"), spec)
	return true
}

// sortByPath sorts objects by D-Bus path, numbers compared as numbers
// (".../Settings/10" after ".../Settings/9").
func sortByPath[T any](objs []T, path func(T) string) {
	sort.SliceStable(objs, func(i, j int) bool { return dbusPathCmp(path(objs[i]), path(objs[j])) < 0 })
}

// dbusPathCmp compares D-Bus paths like strcmp, except that paths with
// the same prefix ending in numbers sort by number, and non-numeric last
// components before numeric ones.
func dbusPathCmp(a, b string) int {
	ia, ib := strings.LastIndexByte(a, '/'), strings.LastIndexByte(b, '/')
	if ia < 0 || ib < 0 || ia != ib {
		return strings.Compare(a, b)
	}
	if c := strings.Compare(a[:ia], b[:ib]); c != 0 {
		return c
	}
	la, lb := a[ia+1:], b[ib+1:]
	na, nb := pathNumber(la), pathNumber(lb)
	switch {
	case na == -1 && nb == -1:
		return strings.Compare(la, lb)
	case na == -1:
		return -1
	case nb == -1:
		return 1
	case na < nb:
		return -1
	case na > nb:
		return 1
	}
	return 0
}

// pathNumber is a path component as a number: decimal without leading
// zeros, or -1.
func pathNumber(p string) int64 {
	if p == "0" {
		return 0
	}
	if p == "" || p[0] < '1' || p[0] > '9' {
		return -1
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return -1
		}
	}
	n, err := strconv.ParseInt(p, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// lastComponent is the part of a D-Bus path after the last '/'.
func lastComponent(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return ""
}

// findConnections finds profiles by id, uuid, path (also its number) or
// filename (selector "" tries all). With multiple matches all are
// returned, UUID matches first; "uuid" and "path" selectors must match
// exactly one profile. In completion mode the candidates are printed.
func (a *App) findConnections(cons []*client.Connection, selector, value string, complete bool) []*client.Connection {
	var result []*client.Connection
	var byUUID, other bool
	unique := selector == "uuid" || selector == "path"
	for _, c := range cons {
		matchUUID := false
		found := false
		if selector == "" || selector == "uuid" {
			v := c.UUID()
			if complete && (selector != "" || value != "") {
				a.completeStrings(value, v)
			}
			if value == v {
				matchUUID, found = true, true
			} else if selector != "" && value != "" && strings.HasPrefix(v, value) {
				found = true
			}
		}
		if !found && (selector == "" || selector == "id") {
			v := c.ID()
			if complete {
				a.completeStrings(value, v)
			}
			found = value == v
		}
		if !found && (selector == "" || selector == "path") {
			v := string(c.Path())
			num := lastComponent(v)
			if complete && (selector != "" || value != "") {
				if value != "" {
					a.completeStrings(value, v, num)
				} else {
					a.completeStrings(value, v)
				}
			}
			found = value == v || (selector != "" && value == num)
		}
		if !found && (selector == "" || selector == "filename") {
			v := c.Filename()
			if complete && (selector != "" || value != "") {
				a.completeStrings(value, v)
			}
			found = v != "" && value == v
		}
		if !found {
			continue
		}
		if unique && (byUUID || other) {
			return nil
		}
		if matchUUID {
			byUUID = true
			// Exact UUID matches come first.
			result = append([]*client.Connection{c}, result...)
		} else {
			other = true
			result = append(result, c)
		}
	}
	return result
}

// findActive finds active connections by id, uuid, profile path or
// filename, or active connection path ("apath"); with a selector the
// last path component (the number) also matches.
func (a *App) findActive(acs []*client.ActiveConnection, selector, value string, complete bool) []*client.ActiveConnection {
	var result []*client.ActiveConnection
	for _, ac := range acs {
		found := false
		if selector == "" || selector == "id" {
			v := ac.ID()
			if complete {
				a.completeStrings(value, v)
			}
			found = value == v
		}
		if !found && (selector == "" || selector == "uuid") {
			v := ac.UUID()
			if complete && (selector != "" || value != "") {
				a.completeStrings(value, v)
			}
			found = value == v
		}
		con := ac.Connection()
		if !found && (selector == "" || selector == "path") {
			v := ""
			if con != nil {
				v = string(con.Path())
			}
			num := lastComponent(v)
			if complete && (selector != "" || value != "") {
				if selector != "" {
					a.completeStrings(value, v, num)
				} else {
					a.completeStrings(value, v)
				}
			}
			found = (v != "" && value == v) || (selector != "" && v != "" && value == num)
		}
		if !found && (selector == "" || selector == "filename") {
			v := ""
			if con != nil {
				v = con.Filename()
			}
			if complete && (selector != "" || value != "") {
				a.completeStrings(value, v)
			}
			found = v != "" && value == v
		}
		if !found && (selector == "" || selector == "apath") {
			v := string(ac.Path())
			num := lastComponent(v)
			if complete && (selector != "" || value != "") {
				if selector != "" {
					a.completeStrings(value, v, num)
				} else {
					a.completeStrings(value, v)
				}
			}
			found = value == v || (selector != "" && value == num)
		}
		if found {
			dup := false
			for _, r := range result {
				if r == ac {
					dup = true
				}
			}
			if !dup {
				result = append(result, ac)
			}
		}
	}
	return result
}
