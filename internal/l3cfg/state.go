package l3cfg

import (
	"bufio"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/gonm/gonm/internal/platform"
)

// State is what an L3Cfg configured on its interface and still finds
// there: the hand-over from one run of the daemon to the next, so that the
// new run takes the interface over without removing and re-adding
// anything (the devices layer stores it under the run directory).
type State struct {
	Addresses []platform.Address
	Routes    []platform.Route
}

// Snapshot returns what this L3Cfg configured that is on the interface,
// including what it still has to remove.
func (l *L3Cfg) Snapshot() State {
	var s State
	for _, st := range l.objs {
		if !st.configured || !st.inPlatform {
			continue
		}
		if st.key.isRoute {
			s.Routes = append(s.Routes, st.route)
		} else {
			s.Addresses = append(s.Addresses, st.addr)
		}
	}
	slices.SortFunc(s.Addresses, func(a, b platform.Address) int { return strings.Compare(a.String(), b.String()) })
	slices.SortFunc(s.Routes, func(a, b platform.Route) int { return strings.Compare(a.String(), b.String()) })
	return s
}

// Restore takes over what a previous run configured (a State it saved):
// these objects count as configured by this L3Cfg. Objects the merge
// still wants are left as they are when they match; the others are
// removed by the next commit, as if this run had added them. Call it
// before the first commit; objects no longer on the interface are
// ignored.
func (l *L3Cfg) Restore(s State) {
	for i := range s.Addresses {
		a := s.Addresses[i]
		a.Index = l.index
		cur, ok := l.reg.p.LookupAddress(&a)
		if !ok {
			continue
		}
		k := addrObjKey(platformAddrKey(cur))
		if st := l.objs[k]; st != nil {
			st.configured = true
			continue
		}
		l.objs[k] = &objState{key: k, addr: *cur, configured: true, inPlatform: true, wasIn: true, zombie: zombieCount}
	}
	for i := range s.Routes {
		r := s.Routes[i]
		if r.Index != 0 {
			r.Index = l.index
		}
		cur, ok := l.reg.p.LookupRoute(&r)
		if !ok {
			continue
		}
		k := routeObjKey(&cur)
		if st := l.objs[k]; st != nil {
			st.configured = true
			continue
		}
		l.objs[k] = &objState{key: k, route: cur, configured: true, inPlatform: true, wasIn: true, zombie: zombieCount}
	}
	// updateObjStates turns the restored objects the merge wants into
	// tracked ones (configured); the others stay zombies.
	if l.restored == nil {
		l.restored = map[objKey]bool{}
	}
	for k := range l.objs {
		l.restored[k] = true
	}
}

// MarshalText encodes the state as lines of key=value fields, one object
// per line.
func (s State) MarshalText() ([]byte, error) {
	var b strings.Builder
	for _, a := range s.Addresses {
		fmt.Fprintf(&b, "address addr=%s plen=%d", a.Address, a.PrefixLen)
		if a.Peer.IsValid() && a.Peer != a.Address {
			fmt.Fprintf(&b, " peer=%s", a.Peer)
		}
		b.WriteByte('\n')
	}
	for _, r := range s.Routes {
		if len(r.Nexthops) > 0 {
			continue // multipath routes are not handed over
		}
		fmt.Fprintf(&b, "route dst=%s table=%d metric=%d type=%d proto=%d scope=%d", r.Dst, r.Table, r.Metric, r.Type, r.Protocol, r.Scope)
		if r.Index == 0 {
			b.WriteString(" nodev=1")
		}
		if r.Src.IsValid() {
			fmt.Fprintf(&b, " src=%s", r.Src)
		}
		if r.Gateway.IsValid() {
			fmt.Fprintf(&b, " gw=%s", r.Gateway)
		}
		if r.PrefSrc.IsValid() {
			fmt.Fprintf(&b, " prefsrc=%s", r.PrefSrc)
		}
		for _, kv := range []struct {
			k string
			v uint32
		}{{"tos", uint32(r.TOS)}, {"flags", uint32(r.Flags)}, {"mtu", r.MTU}, {"window", r.Metrics.Window},
			{"cwnd", r.Metrics.CWnd}, {"initcwnd", r.Metrics.InitCWnd}, {"initrwnd", r.Metrics.InitRWnd},
			{"advmss", r.Metrics.AdvMSS}, {"rtomin", r.Metrics.RTOMin}, {"quickack", r.Metrics.QuickAck},
			{"lock", r.Metrics.Lock}, {"pref", uint32(r.Pref)}} {
			if kv.v != 0 {
				fmt.Fprintf(&b, " %s=%d", kv.k, kv.v)
			}
		}
		b.WriteByte('\n')
	}
	return []byte(b.String()), nil
}

// UnmarshalText decodes what MarshalText wrote. A malformed line is an
// error naming it; nothing is kept from a malformed text.
func (s *State) UnmarshalText(text []byte) error {
	var out State
	sc := bufio.NewScanner(strings.NewReader(string(text)))
	sc.Buffer(nil, 1<<16)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		kind, rest, _ := strings.Cut(line, " ")
		fields := map[string]string{}
		for _, f := range strings.Fields(rest) {
			k, v, ok := strings.Cut(f, "=")
			if !ok || k == "" {
				return fmt.Errorf("l3cfg state line %d: field %q is not key=value", n, f)
			}
			if _, dup := fields[k]; dup {
				return fmt.Errorf("l3cfg state line %d: field %q repeated", n, k)
			}
			fields[k] = v
		}
		var err error
		switch kind {
		case "address":
			var a platform.Address
			a, err = parseStateAddress(fields)
			if err == nil {
				out.Addresses = append(out.Addresses, a)
			}
		case "route":
			var r platform.Route
			r, err = parseStateRoute(fields)
			if err == nil {
				out.Routes = append(out.Routes, r)
			}
		default:
			err = fmt.Errorf("unknown object %q", kind)
		}
		if err != nil {
			return fmt.Errorf("l3cfg state line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("l3cfg state: %w", err)
	}
	*s = out
	return nil
}

func parseStateAddress(f map[string]string) (platform.Address, error) {
	var a platform.Address
	addr, err := netip.ParseAddr(f["addr"])
	if err != nil {
		return a, fmt.Errorf("address: %w", err)
	}
	plen, err := strconv.ParseUint(f["plen"], 10, 8)
	if err != nil || int(plen) > addr.BitLen() {
		return a, fmt.Errorf("address %s: bad prefix length %q", addr, f["plen"])
	}
	a.Address, a.PrefixLen = addr, uint8(plen)
	a.Peer = addr
	if addr.Is6() {
		a.Peer = netip.Addr{}
	}
	if v, ok := f["peer"]; ok {
		p, err := netip.ParseAddr(v)
		if err != nil || p.Is4() != addr.Is4() {
			return a, fmt.Errorf("address %s: bad peer %q", addr, v)
		}
		a.Peer = p
	}
	for k := range f {
		if k != "addr" && k != "plen" && k != "peer" {
			return a, fmt.Errorf("address %s: unknown field %q", addr, k)
		}
	}
	a.Valid, a.Preferred = platform.LifetimeInfinite, platform.LifetimeInfinite
	return a, nil
}

func parseStateRoute(f map[string]string) (platform.Route, error) {
	var r platform.Route
	dst, err := netip.ParsePrefix(f["dst"])
	if err != nil {
		return r, fmt.Errorf("route: %w", err)
	}
	r.Dst = dst.Masked()
	family := dst.Addr().Is4()
	addr := func(k string) (netip.Addr, error) {
		v, ok := f[k]
		if !ok {
			return netip.Addr{}, nil
		}
		a, err := netip.ParseAddr(v)
		if err != nil || a.Is4() != family {
			return a, fmt.Errorf("route %s: bad %s %q", dst, k, v)
		}
		return a, nil
	}
	num := func(k string, bits int) (uint64, error) {
		v, ok := f[k]
		if !ok {
			return 0, nil
		}
		n, err := strconv.ParseUint(v, 10, bits)
		if err != nil {
			return 0, fmt.Errorf("route %s: bad %s %q", dst, k, v)
		}
		return n, nil
	}
	if v, ok := f["src"]; ok {
		p, err := netip.ParsePrefix(v)
		if err != nil || p.Addr().Is4() != family {
			return r, fmt.Errorf("route %s: bad src %q", dst, v)
		}
		r.Src = p.Masked()
	}
	if r.Gateway, err = addr("gw"); err != nil {
		return r, err
	}
	if r.PrefSrc, err = addr("prefsrc"); err != nil {
		return r, err
	}
	known := map[string]bool{"dst": true, "src": true, "gw": true, "prefsrc": true}
	for _, spec := range []struct {
		k    string
		bits int
		set  func(uint64)
	}{
		{"table", 32, func(v uint64) { r.Table = uint32(v) }},
		{"metric", 32, func(v uint64) { r.Metric = uint32(v) }},
		{"type", 8, func(v uint64) { r.Type = uint8(v) }},
		{"proto", 8, func(v uint64) { r.Protocol = uint8(v) }},
		{"scope", 8, func(v uint64) { r.Scope = uint8(v) }},
		{"nodev", 1, func(v uint64) {
			if v == 1 {
				r.Index = 0
			}
		}},
		{"tos", 8, func(v uint64) { r.TOS = uint8(v) }},
		{"flags", 8, func(v uint64) { r.Flags = uint8(v) }},
		{"mtu", 32, func(v uint64) { r.MTU = uint32(v) }},
		{"window", 32, func(v uint64) { r.Metrics.Window = uint32(v) }},
		{"cwnd", 32, func(v uint64) { r.Metrics.CWnd = uint32(v) }},
		{"initcwnd", 32, func(v uint64) { r.Metrics.InitCWnd = uint32(v) }},
		{"initrwnd", 32, func(v uint64) { r.Metrics.InitRWnd = uint32(v) }},
		{"advmss", 32, func(v uint64) { r.Metrics.AdvMSS = uint32(v) }},
		{"rtomin", 32, func(v uint64) { r.Metrics.RTOMin = uint32(v) }},
		{"quickack", 32, func(v uint64) { r.Metrics.QuickAck = uint32(v) }},
		{"lock", 32, func(v uint64) { r.Metrics.Lock = uint32(v) }},
		{"pref", 8, func(v uint64) { r.Pref = uint8(v) }},
	} {
		known[spec.k] = true
		v, err := num(spec.k, spec.bits)
		if err != nil {
			return r, err
		}
		spec.set(v)
	}
	for k := range f {
		if !known[k] {
			return r, fmt.Errorf("route %s: unknown field %q", dst, k)
		}
	}
	// Routes with a device get the L3Cfg's index in Restore.
	if f["nodev"] != "1" {
		r.Index = -1
	}
	return r, nil
}
