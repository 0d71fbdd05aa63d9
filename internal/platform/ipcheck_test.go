package platform

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/testbed"
)

// An independent view of the kernel's routes: iproute2's JSON output,
// decoded without any of the platform's code, reduced to the fields both
// sides show (type, destination, table, metric, device, gateway,
// protocol) for the routes the cache keeps.

type ipRoute struct {
	Type     string `json:"type"`
	Dst      string `json:"dst"`
	Dev      string `json:"dev"`
	Gateway  string `json:"gateway"`
	Table    string `json:"table"`
	Protocol string `json:"protocol"`
	Metric   uint32 `json:"metric"`
	Nexthops []struct {
		Gateway string `json:"gateway"`
		Dev     string `json:"dev"`
	} `json:"nexthops"`
}

var ipTables = map[string]uint32{"main": TableMain, "local": TableLocal, "default": 253}

var ipProtocols = map[string]uint8{"unspec": 0, "redirect": 1, "kernel": 2, "boot": 3, "static": 4, "ra": 9, "dhcp": 16}

var ipTypes = map[string]uint8{"unicast": unix.RTN_UNICAST, "local": unix.RTN_LOCAL, "blackhole": unix.RTN_BLACKHOLE,
	"unreachable": unix.RTN_UNREACHABLE, "prohibit": unix.RTN_PROHIBIT, "throw": unix.RTN_THROW}

func routeKey(typ uint8, dst netip.Prefix, table, metric uint32, dev, gw string, proto uint8) string {
	return fmt.Sprintf("%d %s table %d metric %d dev %s via %s proto %d", typ, dst, table, metric, dev, gw, proto)
}

// ipRouteKeys lists the tracked single-hop routes of a family as ip shows
// them.
func ipRouteKeys(t testing.TB, ns *testbed.Netns, family string) []string {
	t.Helper()
	out := ns.MustIP(family, "-j", "route", "show", "table", "all")
	var routes []ipRoute
	if err := json.Unmarshal([]byte(out), &routes); err != nil {
		t.Fatalf("decode ip -j route: %v", err)
	}
	var keys []string
	for _, r := range routes {
		if r.Type == "" {
			r.Type = "unicast"
		}
		typ, ok := ipTypes[r.Type]
		if !ok || (len(r.Nexthops) > 0 && family == "-4") {
			continue // IPv4 multipath routes are left out on both sides
		}
		if r.Protocol == "" {
			r.Protocol = "boot"
		}
		proto, ok := ipProtocols[r.Protocol]
		if !ok {
			continue
		}
		table := uint32(TableMain)
		if r.Table != "" {
			if v, ok := ipTables[r.Table]; ok {
				table = v
			} else if n, err := strconv.Atoi(r.Table); err == nil {
				table = uint32(n)
			}
		}
		dst := r.Dst
		switch {
		case dst == "default" && family == "-4":
			dst = "0.0.0.0/0"
		case dst == "default":
			dst = "::/0"
		case !strings.Contains(dst, "/") && family == "-4":
			dst += "/32"
		case !strings.Contains(dst, "/"):
			dst += "/128"
		}
		p, err := netip.ParsePrefix(dst)
		if err != nil {
			t.Fatalf("ip shows destination %q: %v", r.Dst, err)
		}
		if nodevRouteType(typ) {
			r.Dev = ""
		}
		if len(r.Nexthops) > 0 {
			// IPv6 multipath: the cache keeps one route per hop.
			for _, h := range r.Nexthops {
				keys = append(keys, routeKey(typ, p, table, r.Metric, h.Dev, h.Gateway, proto))
			}
			continue
		}
		keys = append(keys, routeKey(typ, p, table, r.Metric, r.Dev, r.Gateway, proto))
	}
	sort.Strings(keys)
	return keys
}

func cacheRouteKeys(x *tp, t ObjectType) []string {
	var keys []string
	x.call(func() {
		x.p.Routes(t, 0, true, func(r *Route) bool {
			if len(r.Nexthops) > 0 {
				return true
			}
			dev, gw := "", ""
			if l, ok := x.p.Link(r.Index); ok {
				dev = l.Name
			}
			if r.Gateway.IsValid() {
				gw = r.Gateway.String()
			}
			keys = append(keys, routeKey(r.Type, r.Dst, r.Table, r.Metric, dev, gw, r.Protocol))
			return true
		})
	})
	sort.Strings(keys)
	return keys
}

// checkAgainstIP compares the cache's routes with ip's.
func checkAgainstIP(t testing.TB, x *tp) {
	t.Helper()
	for _, c := range []struct {
		family string
		typ    ObjectType
	}{{"-4", TypeIP4Route}, {"-6", TypeIP6Route}} {
		want, got := ipRouteKeys(t, x.ns, c.family), cacheRouteKeys(x, c.typ)
		if strings.Join(want, "\n") != strings.Join(got, "\n") {
			wm := map[string]bool{}
			for _, k := range want {
				wm[k] = true
			}
			gm := map[string]bool{}
			for _, k := range got {
				gm[k] = true
			}
			var diff []string
			for _, k := range want {
				if !gm[k] && len(diff) < 10 {
					diff = append(diff, "only in ip:    "+k)
				}
			}
			for _, k := range got {
				if !wm[k] && len(diff) < 20 {
					diff = append(diff, "only in cache: "+k)
				}
			}
			t.Fatalf("%s routes: ip shows %d, cache %d:\n%s", c.typ, len(want), len(got), strings.Join(diff, "\n"))
		}
	}
}
