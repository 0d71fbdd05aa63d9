package l3cfg

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/platform"
)

// zombieCount is how many commits try to remove an object this L3Cfg
// configured and no longer wants before forgetting it (NetworkManager's
// ZOMBIE_COUNT_START).
const zombieCount = 5

// tempNAMaxAge is how long a route the kernel refuses for now (its
// preferred source is still tentative) is retried before the failure is
// reported (NetworkManager's ROUTES_TEMPORARY_NOT_AVAILABLE_MAX_AGE).
const tempNAMaxAge = 20 * time.Second

// optimistic is IFA_F_OPTIMISTIC: an optimistic address is usable while
// DAD runs.
const optimistic = unix.IFA_F_OPTIMISTIC

// addrFlagsSet are the address flags a contribution can ask for; the
// others are the kernel's state (permanent, tentative, secondary ...).
const addrFlagsSet = unix.IFA_F_NODAD | unix.IFA_F_MANAGETEMPADDR | unix.IFA_F_NOPREFIXROUTE |
	unix.IFA_F_HOMEADDRESS | unix.IFA_F_MCAUTOJOIN | unix.IFA_F_OPTIMISTIC

// objState is what the L3Cfg knows about one object it wants or wanted
// (NetworkManager's ObjStateData).
type objState struct {
	key   objKey
	addr  platform.Address // addresses: the object as configured
	route platform.Route   // routes
	// configured: a commit configured it (at least once); from then on,
	// this L3Cfg removes it when it is no longer wanted.
	configured bool
	inPlatform bool
	// wasIn: it was on the interface at some point since tracked, so its
	// absence now means someone removed it.
	wasIn bool
	// zombie > 0: no longer wanted but still on the interface; the next
	// zombie commits try to remove it.
	zombie int
	dirty  bool
}

// OpKind is the kind of a kernel operation a commit made.
type OpKind uint8

const (
	OpAddrAdd OpKind = iota + 1
	OpAddrUpdate
	OpAddrDelete
	OpRouteAdd
	OpRouteDelete
	OpRuleAdd
	OpRuleDelete
)

var opNames = [...]string{"", "address add", "address update", "address delete", "route add", "route delete", "rule add", "rule delete"}

func (k OpKind) String() string {
	if int(k) < len(opNames) && k != 0 {
		return opNames[k]
	}
	return fmt.Sprintf("OpKind(%d)", uint8(k))
}

// Op is one kernel operation of a commit.
type Op struct {
	Kind    OpKind
	Address *platform.Address
	Route   *platform.Route
	Rule    *platform.Rule
	// Err is the operation's error; nil when it succeeded.
	Err error
}

func (o Op) String() string {
	var s string
	switch {
	case o.Address != nil:
		s = o.Kind.String() + " " + o.Address.String()
	case o.Route != nil:
		s = o.Kind.String() + " " + o.Route.String()
	case o.Rule != nil:
		s = o.Kind.String() + " " + o.Rule.String()
	default:
		s = o.Kind.String()
	}
	if o.Err != nil {
		s += ": " + o.Err.Error()
	}
	return s
}

// CommitResult reports what a commit did.
type CommitResult struct {
	// Type is the level the commit ran at (CommitNone: it did nothing).
	Type CommitType
	// Ops are the kernel operations, in order.
	Ops []Op
	// ExternallyRemoved lists wanted objects that someone removed from
	// the interface after this L3Cfg configured them, and that the commit
	// therefore left out (only CommitReapply and ForceOnce add them back).
	ExternallyRemoved []string
	// ACDPending lists IPv4 addresses held back while conflict detection
	// runs or because another host has them.
	ACDPending []netip.Addr
	// TemporarilyUnavailable lists routes the kernel refused for now (an
	// IPv6 preferred source still doing DAD); they are retried.
	TemporarilyUnavailable []platform.Route
}

// Failed returns the operations that failed.
func (r *CommitResult) Failed() []Op {
	var out []Op
	for _, o := range r.Ops {
		if o.Err != nil {
			out = append(out, o)
		}
	}
	return out
}

// Summary is a one-line description for logs.
func (r *CommitResult) Summary() string {
	if r == nil {
		return "no commit"
	}
	var n [OpRuleDelete + 1]int
	for _, o := range r.Ops {
		n[o.Kind]++
	}
	parts := []string{"type " + r.Type.String()}
	for k := OpAddrAdd; k <= OpRuleDelete; k++ {
		if n[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[k], k))
		}
	}
	if f := len(r.Failed()); f > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", f))
	}
	if len(r.ExternallyRemoved) > 0 {
		parts = append(parts, fmt.Sprintf("%d externally removed", len(r.ExternallyRemoved)))
	}
	if len(r.ACDPending) > 0 {
		parts = append(parts, fmt.Sprintf("%d waiting for ACD", len(r.ACDPending)))
	}
	return strings.Join(parts, ", ")
}

// commit runs a commit (NetworkManager's _l3_commit).
func (l *L3Cfg) commit(t CommitType, idle bool) *CommitResult {
	if l.idleCommit {
		t = max(t, l.idleCommitType)
		l.idleCommit = false
	}
	auto := l.CommitType()
	if t == CommitAuto || auto > t {
		t = auto
	}
	sticky := false
	if t < CommitUpdate {
		if l.sticky {
			l.sticky = false
			t, sticky = CommitUpdate, true
		}
	} else {
		l.sticky = true
	}
	res := &CommitResult{Type: t}
	if l.destroyed || t <= CommitNone {
		res.Type = CommitNone
		return res
	}
	how := ""
	if sticky {
		how = " (sticky update)"
	}
	if idle {
		how += " (on idle)"
	}
	l.debugf("commit %s%s", t, how)

	l.remerge(true)
	if l.committed != l.cur {
		old := l.committed
		l.committed = l.cur
		l.updateObjStates()
		if !mergedEqual(old, l.committed) {
			l.emit(Event{Type: EventConfigChanged, Committed: true, Old: cfgOf(old), New: cfgOf(l.committed)})
		}
	}
	l.emit(Event{Type: EventPreCommit})
	for _, f := range Families {
		if f == IPv6 {
			l.commitIP6Sysctls(t)
		}
		l.commitFamily(f, t, res)
	}
	// The platform reports the effect of the operations on idle; the
	// states must show it now (the next commit may come first).
	l.recheckAll(platform.AddressTypes | platform.RouteTypes)
	l.reg.rules.sync(l.reg, l, t, res)
	l.acd.afterCommit(res)
	for _, e := range l.entries {
		e.forceOnce = false
	}
	l.logResult(res)
	l.emit(Event{Type: EventPostCommit, Result: res})
	return res
}

func (l *L3Cfg) logResult(res *CommitResult) {
	for _, o := range res.Ops {
		if o.Err != nil {
			l.logf(levelWarn, "%s", o)
		} else {
			l.debugf("%s", o)
		}
	}
}

// updateObjStates brings the per-object states in line with a new
// committed merge (NetworkManager's _obj_states_update_all): new objects
// are tracked, objects no longer wanted that this L3Cfg configured and
// that are still there become zombies, the rest is forgotten.
func (l *L3Cfg) updateObjStates() {
	for _, st := range l.objs {
		if st.zombie == 0 {
			st.dirty = true
		}
	}
	if m := l.committed; m != nil {
		for _, f := range Families {
			for i := range m.addrs[fi(f)] {
				a := &m.addrs[fi(f)][i]
				k := addrObjKey(a.key)
				st := l.objs[k]
				if st == nil {
					st = &objState{key: k}
					st.addr = l.platformAddr(&a.Address, time.Now())
					_, st.inPlatform = l.reg.p.LookupAddress(&st.addr)
					st.wasIn = st.inPlatform
					st.configured = l.restored[k]
					l.objs[k] = st
					continue
				}
				st.addr = l.platformAddr(&a.Address, time.Now())
				st.dirty, st.zombie = false, 0
			}
			for i := range m.routes[fi(f)] {
				r := &m.routes[fi(f)][i].r
				k := routeObjKey(r)
				st := l.objs[k]
				if st == nil {
					st = &objState{key: k, route: *r}
					_, st.inPlatform = l.reg.p.LookupRoute(r)
					st.wasIn = st.inPlatform
					st.configured = l.restored[k]
					l.objs[k] = st
					continue
				}
				st.route = *r
				st.dirty, st.zombie = false, 0
			}
		}
	}
	for k, st := range l.objs {
		if !st.dirty {
			continue
		}
		st.dirty = false
		if st.inPlatform && st.configured {
			st.zombie = zombieCount
			continue
		}
		delete(l.objs, k)
		delete(l.tempNA, k)
	}
	l.restored = nil
}

// syncFilter decides whether a commit configures a wanted object
// (NetworkManager's _obj_states_sync_filter): always the first time;
// afterwards only while it is on the interface (to update it), unless the
// commit is a reapply or the contribution forces it.
func (l *L3Cfg) syncFilter(k objKey, t CommitType, force bool, res *CommitResult) bool {
	st := l.objs[k]
	if st == nil {
		return true
	}
	if !st.configured {
		st.configured = true
		return true
	}
	if _, ok := l.tempNA[k]; ok {
		return true
	}
	if !st.inPlatform && t != CommitReapply && !force {
		res.ExternallyRemoved = append(res.ExternallyRemoved, k.String())
		return false
	}
	return true
}

// platformAddr is the kernel form of a wanted address at now.
func (l *L3Cfg) platformAddr(a *Address, now time.Time) platform.Address {
	pa := platform.Address{Index: l.index, Address: a.Prefix.Addr(), PrefixLen: uint8(a.Prefix.Bits()),
		Peer: a.Peer, Label: a.Label, Flags: a.Flags & addrFlagsSet,
		Valid: platform.LifetimeInfinite, Preferred: platform.LifetimeInfinite}
	if !l.isLoopback() {
		pa.Flags |= unix.IFA_F_NOPREFIXROUTE
	}
	if pa.Address.Is4() {
		if !pa.Peer.IsValid() {
			pa.Peer = pa.Address
		}
		pa.Broadcast = broadcast4(a.Prefix)
		// NetworkManager's scope by address (the kernel takes any for
		// IPv4): host for loopback, link for 169.254/16.
		switch {
		case pa.Address.IsLoopback():
			pa.Scope = unix.RT_SCOPE_HOST
		case pa.Address.IsLinkLocalUnicast():
			pa.Scope = unix.RT_SCOPE_LINK
		}
	}
	if !a.ValidUntil.IsZero() {
		pa.Valid = remaining(a.ValidUntil, now)
		pa.Preferred = pa.Valid
		if !a.PreferredUntil.IsZero() {
			pa.Preferred = min(remaining(a.PreferredUntil, now), pa.Valid)
		}
	} else if !a.PreferredUntil.IsZero() {
		pa.Preferred = remaining(a.PreferredUntil, now)
	}
	return pa
}

// broadcast4 is the broadcast address NetworkManager gives an IPv4
// address: the subnet's last address, none for /31 and /32.
func broadcast4(p netip.Prefix) netip.Addr {
	if p.Bits() >= 31 {
		return netip.Addr{}
	}
	b := p.Masked().Addr().As4()
	host := uint32(0xffffffff) >> p.Bits()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// remaining is the lifetime left at now, in whole seconds rounded up (0:
// expired).
func remaining(until, now time.Time) uint32 {
	d := until.Sub(now)
	if d <= 0 {
		return 0
	}
	s := (d + time.Second - 1) / time.Second
	if s >= time.Duration(platform.LifetimeInfinite) {
		return platform.LifetimeInfinite - 1
	}
	return uint32(s)
}

// sameAddr reports whether the cached address p is what w asks for.
func sameAddr(w, p *platform.Address, nowCS uint32) bool {
	if p.PrefixLen != w.PrefixLen || aliasLabel(p.Label) != aliasLabel(w.Label) || p.Flags&addrFlagsSet != w.Flags&addrFlagsSet {
		return false
	}
	wp, pp := w.Peer, p.Peer
	if w.Address.Is6() {
		if !wp.IsValid() {
			wp = netip.IPv6Unspecified()
		}
		if !pp.IsValid() {
			pp = netip.IPv6Unspecified()
		}
	}
	if wp != pp {
		return false
	}
	return sameLifetime(w.Valid, cachedRemaining(p.Valid, p.Updated, nowCS)) &&
		sameLifetime(w.Preferred, cachedRemaining(p.Preferred, p.Updated, nowCS))
}

// aliasLabel is the part of an IPv4 label that counts: the kernel labels
// every address with the interface name unless told otherwise, and only
// alias labels ("eth0:1") mean anything (NetworkManager ignores the rest).
func aliasLabel(l string) string {
	if strings.Contains(l, ":") {
		return l
	}
	return ""
}

// cachedRemaining turns a cached lifetime (counted from the kernel's update
// stamp, in hundredths of a second on the monotonic clock) into what is
// left now.
func cachedRemaining(life, updated, nowCS uint32) uint32 {
	if life == platform.LifetimeInfinite {
		return life
	}
	if nowCS <= updated {
		return life
	}
	el := (nowCS - updated) / 100
	if el >= life {
		return 0
	}
	return life - el
}

// sameLifetime tolerates the rounding of two looks at a clock.
func sameLifetime(a, b uint32) bool {
	if a == platform.LifetimeInfinite || b == platform.LifetimeInfinite {
		return a == b
	}
	d := int64(a) - int64(b)
	return d >= -2 && d <= 2
}

// commitFamily syncs one family's addresses and routes
// (NetworkManager's _l3_commit_one).
func (l *L3Cfg) commitFamily(f Family, t CommitType, res *CommitResult) {
	now := time.Now()
	m := l.committed

	// What to configure.
	var addrs []platform.Address
	var addrKeys []addrKey
	if m != nil {
		for i := range m.addrs[fi(f)] {
			a := &m.addrs[fi(f)][i]
			if a.acdPending {
				res.ACDPending = append(res.ACDPending, a.Prefix.Addr())
				continue
			}
			pa := l.platformAddr(&a.Address, now)
			if pa.Valid == 0 {
				continue // expired
			}
			if !l.syncFilter(addrObjKey(a.key), t, a.force, res) {
				continue
			}
			addrs = append(addrs, pa)
			addrKeys = append(addrKeys, a.key)
		}
	}
	var routes []platform.Route
	if m != nil {
		for i := range m.routes[fi(f)] {
			r := &m.routes[fi(f)][i]
			if !l.syncFilter(routeObjKey(&r.r), t, r.force, res) {
				continue
			}
			routes = append(routes, r.r)
		}
	}

	// What to remove first.
	var pruneAddrs []platform.Address
	var pruneRoutes []platform.Route
	if t == CommitReapply {
		pruneAddrs = l.reapplyPruneAddrs(f, addrs)
		pruneRoutes = l.reapplyPruneRoutes(f)
		for k, st := range l.objs {
			if st.zombie > 0 && k.family == f {
				if st.zombie--; st.zombie == 0 {
					delete(l.objs, k)
				}
			}
		}
	} else {
		for k, st := range l.objs {
			if st.zombie == 0 || k.family != f {
				continue
			}
			if k.isRoute {
				pruneRoutes = append(pruneRoutes, st.route)
			} else {
				pruneAddrs = append(pruneAddrs, st.addr)
			}
			if st.zombie--; st.zombie == 0 {
				delete(l.objs, k)
			}
		}
		sortPrune(pruneAddrs, pruneRoutes)
	}

	// Addresses lost to another host after they were configured go.
	if m != nil && f == IPv4 {
		for i := range m.addrs[0] {
			a := &m.addrs[0][i]
			if st, ok := l.acd.state(a.Prefix.Addr()); !ok || st != ACDConflict {
				continue
			}
			if os := l.objs[addrObjKey(a.key)]; os != nil && os.inPlatform {
				pruneAddrs = append(pruneAddrs, os.addr)
			}
		}
	}

	l.syncAddresses(f, addrs, addrKeys, pruneAddrs, res)
	l.syncRoutes(f, routes, pruneRoutes, res)
}

// sortPrune makes zombie removal deterministic (the states live in a map).
func sortPrune(as []platform.Address, rs []platform.Route) {
	slices.SortFunc(as, func(a, b platform.Address) int { return strings.Compare(a.String(), b.String()) })
	slices.SortFunc(rs, func(a, b platform.Route) int { return strings.Compare(a.String(), b.String()) })
}

// reapplyPruneAddrs lists every address of the family on the interface,
// except lo's 127.0.0.1/8 and IPv6 temporary addresses of prefixes that
// keep managing them (NetworkManager's
// nm_platform_ip_address_get_prune_list).
func (l *L3Cfg) reapplyPruneAddrs(f Family, keep []platform.Address) []platform.Address {
	var tempPrefixes []netip.Prefix
	for _, a := range keep {
		if a.Flags&unix.IFA_F_MANAGETEMPADDR != 0 {
			tempPrefixes = append(tempPrefixes, netip.PrefixFrom(a.Address, 64).Masked())
		}
	}
	var out []platform.Address
	for _, a := range l.reg.p.Addresses(f.addrType(), l.index) {
		if f == IPv4 && a.Address == netip.MustParseAddr("127.0.0.1") && a.PrefixLen == 8 {
			continue
		}
		if f == IPv6 && a.Flags&unix.IFA_F_SECONDARY != 0 && a.PrefixLen == 64 &&
			slices.ContainsFunc(tempPrefixes, func(p netip.Prefix) bool { return p.Contains(a.Address) }) {
			continue
		}
		out = append(out, *a)
	}
	return out
}

// reapplyPruneRoutes lists the interface's routes of the tables the sync
// mode covers (NetworkManager's nm_platform_ip_route_get_prune_list).
func (l *L3Cfg) reapplyPruneRoutes(f Family) []platform.Route {
	mode := RouteTableSyncMain
	if m := l.committed; m != nil {
		if s := m.cfg.Family(f).RouteTableSync; s != RouteTableSyncNone {
			mode = s
		}
	}
	var out []platform.Route
	l.reg.p.Routes(f.routeType(), l.index, func(r *platform.Route) bool {
		switch mode {
		case RouteTableSyncMain:
			if r.Table != platform.TableMain {
				return true
			}
		case RouteTableSyncFull:
			if r.Table == platform.TableLocal {
				return true
			}
		case RouteTableSyncAll:
			if kernelLocalRoute(r) {
				return true
			}
		}
		c := *r
		c.Nexthops = slices.Clone(r.Nexthops)
		out = append(out, c)
		return true
	})
	return out
}

// kernelLocalRoute recognizes the local-table routes the kernel adds for
// each address, which a full sync must not remove.
func kernelLocalRoute(r *platform.Route) bool {
	if r.Table != platform.TableLocal || r.Protocol != unix.RTPROT_KERNEL || r.Gateway.IsValid() {
		return false
	}
	if r.Is4() {
		return r.Metric == 0 && r.Scope == unix.RT_SCOPE_HOST && (r.Dst.Bits() == 32 || r.Type == unix.RTN_LOCAL)
	}
	return r.Metric == 0 && r.Dst.Bits() == 128
}

// syncAddresses configures a family's addresses (NetworkManager's
// nm_platform_ip_address_sync): remove the pruned ones not wanted anymore,
// remove wanted ones whose place in the kernel's order is wrong (the
// primary address of an IPv4 subnet, the preference order of IPv6
// addresses of a scope), then add or update the wanted ones.
func (l *L3Cfg) syncAddresses(f Family, want []platform.Address, keys []addrKey, prune []platform.Address, res *CommitResult) {
	p := l.reg.p
	wantIdx := make(map[addrKey]int, len(want))
	for i, k := range keys {
		wantIdx[k] = i
	}
	for i := range prune {
		a := &prune[i]
		if _, ok := wantIdx[platformAddrKey(a)]; ok {
			continue
		}
		if _, ok := p.LookupAddress(a); !ok {
			continue
		}
		l.op(res, Op{Kind: OpAddrDelete, Address: a}, func() error { return p.AddrDelete(a) })
	}

	reorder := map[addrKey]bool{}
	if f == IPv4 {
		l.ipv4Reorder(want, keys, wantIdx, reorder)
	} else {
		l.ipv6Reorder(want, keys, wantIdx, reorder)
	}

	// Those in the wrong place go first, all of them, so that they come
	// back in order (re-adding one while another holds its place would
	// not move it).
	if len(reorder) > 0 {
		for _, a := range p.Addresses(f.addrType(), l.index) {
			if !reorder[platformAddrKey(a)] {
				continue
			}
			if _, ok := p.LookupAddress(a); !ok {
				continue // went with its primary
			}
			c := *a
			l.op(res, Op{Kind: OpAddrDelete, Address: &c}, func() error { return p.AddrDelete(&c) })
		}
	}

	nowCS := monoCentis()
	for j := range want {
		i := j
		if f == IPv6 {
			// The kernel puts a new IPv6 address first among those of its
			// scope: add the least important first.
			i = len(want) - 1 - j
		}
		w := &want[i]
		cur, ok := p.LookupAddress(w)
		if ok && sameAddr(w, cur, nowCS) {
			continue
		}
		kind := OpAddrAdd
		if ok {
			kind = OpAddrUpdate
		}
		l.op(res, Op{Kind: kind, Address: w}, func() error { return p.AddrReplace(w) })
	}
}

// ipv4Reorder marks wanted IPv4 addresses whose primary/secondary role on
// the interface differs from the wanted one (the first wanted address of a
// subnet is its primary). Only addresses this commit configures are
// touched: foreign ones stay, even if they hold the primary role.
func (l *L3Cfg) ipv4Reorder(want []platform.Address, keys []addrKey, wantIdx map[addrKey]int, reorder map[addrKey]bool) {
	firstOfSubnet := map[netip.Prefix]addrKey{}
	for i := range want {
		sn := netip.PrefixFrom(want[i].Address, int(want[i].PrefixLen)).Masked()
		if _, ok := firstOfSubnet[sn]; !ok {
			firstOfSubnet[sn] = keys[i]
		}
	}
	for _, a := range l.reg.p.Addresses(platform.TypeIP4Address, l.index) {
		k := platformAddrKey(a)
		if _, ok := wantIdx[k]; !ok {
			continue
		}
		sn := netip.PrefixFrom(a.Address, int(a.PrefixLen)).Masked()
		wantSecondary := firstOfSubnet[sn] != k
		if wantSecondary != (a.Flags&unix.IFA_F_SECONDARY != 0) {
			reorder[k] = true
			if !wantSecondary {
				// Re-adding the primary demotes the others of the subnet:
				// re-add them after it, in order.
				for i := range want {
					if netip.PrefixFrom(want[i].Address, int(want[i].PrefixLen)).Masked() == sn {
						reorder[keys[i]] = true
					}
				}
			}
		}
	}
}

// ipv6Scope orders IPv6 addresses as NetworkManager's sync does.
func ipv6Scope(a netip.Addr) int {
	switch {
	case a.IsLoopback():
		return 0
	case a.IsLinkLocalUnicast():
		return 1
	case a.Is6() && a.As16()[0] == 0xfe && a.As16()[1]&0xc0 == 0xc0: // site-local
		return 2
	}
	return 3
}

// ipv6Reorder marks wanted IPv6 addresses that must be re-added so that
// the kernel's preference order within each scope matches the wanted
// order: from the least preferred end, the interface's addresses of a
// scope must match the wanted ones; from the first mismatch on, the rest
// of that scope is re-added.
func (l *L3Cfg) ipv6Reorder(want []platform.Address, keys []addrKey, wantIdx map[addrKey]int, reorder map[addrKey]bool) {
	var plat []*platform.Address
	for _, a := range l.reg.p.Addresses(platform.TypeIP6Address, l.index) {
		if _, ok := wantIdx[platformAddrKey(a)]; ok {
			plat = append(plat, a)
		}
	}
	byScope := func(as []platform.Address) map[int][]netip.Addr {
		out := map[int][]netip.Addr{}
		for _, a := range as {
			s := ipv6Scope(a.Address)
			out[s] = append(out[s], a.Address)
		}
		return out
	}
	wantByScope := byScope(want)
	platByScope := map[int][]netip.Addr{}
	for _, a := range plat {
		s := ipv6Scope(a.Address)
		platByScope[s] = append(platByScope[s], a.Address)
	}
	for s, pl := range platByScope {
		wl := wantByScope[s]
		// Compare from the least preferred end: the platform list is in
		// the kernel's order (most preferred first) restricted to wanted
		// addresses, as the wanted list.
		bad := false
		for i, j := len(pl)-1, len(wl)-1; i >= 0; i-- {
			if !bad {
				for j >= 0 && !slices.Contains(pl, wl[j]) {
					j--
				}
				if j >= 0 && wl[j] == pl[i] {
					j--
					continue
				}
				bad = true
			}
			reorder[addrKey{addr: pl[i]}] = true
		}
	}
}

// syncRoutes configures a family's routes (NetworkManager's
// nm_platform_ip_route_sync): device routes first, then routes through a
// gateway; an existing route of the same identity that differs is removed
// first; the pruned routes not wanted anymore are removed at the end.
func (l *L3Cfg) syncRoutes(f Family, want []platform.Route, prune []platform.Route, res *CommitResult) {
	p := l.reg.p
	wanted := make(map[routeKey]bool, len(want))
	for i := range want {
		wanted[routeKeyOf(&want[i])] = true
	}
	var tna []platform.Route
	for pass := 0; pass < 2; pass++ {
		for i := range want {
			r := &want[i]
			viaGateway := r.Gateway.IsValid() && !r.Gateway.IsUnspecified()
			if viaGateway != (pass == 1) {
				continue
			}
			if cur, ok := p.LookupRoute(r); ok {
				if sameRoute(r, &cur) {
					continue
				}
				c := cur
				l.op(res, Op{Kind: OpRouteDelete, Route: &c}, func() error { return p.RouteDelete(&c) })
			}
			err := l.op(res, Op{Kind: OpRouteAdd, Route: r}, func() error { return p.RouteAppend(r) })
			switch {
			case err == nil || errors.Is(err, unix.EEXIST):
				delete(l.tempNA, routeObjKey(r))
			case errors.Is(err, unix.EINVAL) && l.tentativePrefSrc(r):
				// The kernel refuses an IPv6 preferred source until DAD
				// ends: retry when the address is ready.
				res.Ops[len(res.Ops)-1].Err = nil
				tna = append(tna, *r)
			case viaGateway && (f == IPv4 && errors.Is(err, unix.ENETUNREACH) || f == IPv6 && errors.Is(err, unix.EHOSTUNREACH)):
				// The gateway is not reachable through any route: add a
				// host route to it, then try again.
				gw := platform.Route{Table: r.Table, Dst: netip.PrefixFrom(r.Gateway, r.Gateway.BitLen()),
					Index: r.Index, Metric: r.Metric, Protocol: r.Protocol, Type: unix.RTN_UNICAST}
				normalizeRoute(&gw, r.Index)
				if l.op(res, Op{Kind: OpRouteAdd, Route: &gw}, func() error { return p.RouteAppend(&gw) }) == nil {
					l.op(res, Op{Kind: OpRouteAdd, Route: r}, func() error { return p.RouteAppend(r) })
				}
			}
		}
	}
	for i := range prune {
		r := &prune[i]
		if wanted[routeKeyOf(r)] {
			continue
		}
		if _, ok := p.LookupRoute(r); !ok {
			continue
		}
		l.op(res, Op{Kind: OpRouteDelete, Route: r}, func() error { return p.RouteDelete(r) })
	}
	l.updateTempNA(f, tna, res)
}

// tentativePrefSrc reports an IPv6 route whose preferred source is an
// address of the interface still doing DAD.
func (l *L3Cfg) tentativePrefSrc(r *platform.Route) bool {
	if r.Is4() || !r.PrefSrc.IsValid() {
		return false
	}
	a, ok := l.reg.p.LookupAddress(&platform.Address{Index: l.index, Address: r.PrefSrc})
	return ok && a.Tentative() && !a.DADFailed()
}

func (l *L3Cfg) updateTempNA(f Family, tna []platform.Route, res *CommitResult) {
	now := time.Now()
	still := map[objKey]bool{}
	for i := range tna {
		k := routeObjKey(&tna[i])
		still[k] = true
		prev, ok := l.tempNA[k]
		if !ok {
			l.tempNA[k] = tempNA{since: now, route: tna[i]}
			res.TemporarilyUnavailable = append(res.TemporarilyUnavailable, tna[i])
			continue
		}
		if now.Sub(prev.since) > tempNAMaxAge {
			l.logf(levelWarn, "failure to add %s route: %s", f, tna[i].String())
			delete(l.tempNA, k)
			continue
		}
		res.TemporarilyUnavailable = append(res.TemporarilyUnavailable, tna[i])
	}
	for k := range l.tempNA {
		if k.family == f && !still[k] {
			delete(l.tempNA, k)
		}
	}
}

// op runs one kernel operation and records it.
func (l *L3Cfg) op(res *CommitResult, o Op, fn func() error) error {
	err := fn()
	o.Err = err
	res.Ops = append(res.Ops, o)
	return err
}
