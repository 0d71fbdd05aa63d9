package platform

import (
	"maps"
	"net/netip"
	"slices"

	"golang.org/x/sys/unix"
)

// Change is one cache change, as subscribers see it. For Added and
// Changed the object is the new value, for Removed the value it had.
type Change struct {
	Op    Op
	Type  ObjectType
	Index int32 // the link the object belongs to; 0 for rules and device-less routes
	// One of these is set, as Type says. Links, addresses and rules are
	// immutable snapshots that may be kept.
	Link    *Link
	Address *Address
	Rule    *Rule
	// Route is held by value (routes are not kept as objects).
	Route Route
}

func (c *Change) String() string {
	var obj string
	switch {
	case c.Link != nil:
		obj = c.Link.String()
	case c.Address != nil:
		obj = c.Address.String()
	case c.Rule != nil:
		obj = c.Rule.String()
	case c.Type == TypeIP4Route || c.Type == TypeIP6Route:
		obj = c.Route.String()
	}
	return c.Type.String() + " " + c.Op.String() + ": " + obj
}

// cache is the mirror of kernel state. It lives on the loop. It reports
// changes to its platform (a concrete type, so that the Change values it
// builds stay on the stack: a route storm allocates nothing per route).
type cache struct {
	hooks *Platform
	links map[int32]*Link
	names map[string]int32
	addrs map[int32]map[addrKey]*Address
	// addrOrder places each cached address in its link's list
	// (Platform.Addresses); addrOrderLow and addrOrderHigh are the ends:
	// new addresses take the place below the lowest, addresses seen in a
	// dump the place above the highest.
	addrOrder                   map[*Address]int64
	addrOrderLow, addrOrderHigh int64
	r4                          *routeStore[r4rec, *r4rec]
	r6                          *routeStore[r6rec, *r6rec]
	rules                       map[RuleKey]*Rule
	// multipath4 counts IPv4 routes with several hops; their fate when a
	// hop's link goes away is left to a dump.
	multipath4 int
	// unspec counts routes of protocol 0, which dumps cannot ask for
	// specifically.
	unspec [2]int
	// resync state: the keys not yet seen in the dump under way.
	pendingLinks map[int32]bool
	pendingAddrs map[addrKey]bool
	pendingRules map[RuleKey]bool
}

func newCache(h *Platform) *cache {
	return &cache{
		hooks:     h,
		links:     map[int32]*Link{},
		names:     map[string]int32{},
		addrs:     map[int32]map[addrKey]*Address{},
		addrOrder: map[*Address]int64{},
		r4:        newRouteStore[r4rec, *r4rec](),
		r6:        newRouteStore[r6rec, *r6rec](),
		rules:     map[RuleKey]*Rule{},
	}
}

// ---- links ----

// setLink stores l (a new snapshot the cache now owns).
func (c *cache) setLink(l *Link) {
	if c.pendingLinks != nil {
		delete(c.pendingLinks, l.Index)
	}
	old := c.links[l.Index]
	if old != nil && old.Equal(l) {
		return
	}
	if old != nil && old.Name != l.Name && c.names[old.Name] == l.Index {
		delete(c.names, old.Name)
	}
	c.names[l.Name] = l.Index
	c.links[l.Index] = l
	op := Added
	if old != nil {
		op = Changed
	}
	c.hooks.emit(&Change{Op: op, Type: TypeLink, Index: l.Index, Link: l})
	if old != nil && old.Up() && !l.Up() {
		c.linkGone(l.Index, false)
	}
}

// removeLink handles a link that left (deleted or moved to another
// namespace): the kernel drops its addresses and routes, mostly without
// telling, so the cache does the same.
func (c *cache) removeLink(index int32) {
	old := c.links[index]
	if old == nil {
		return
	}
	c.linkGone(index, true)
	for k, a := range c.addrs[index] {
		delete(c.addrs[index], k)
		delete(c.addrOrder, a)
		c.hooks.emit(&Change{Op: Removed, Type: a.Type(), Index: index, Address: a})
		if a.Is4() {
			c.prefSrcGone4(a)
		}
	}
	delete(c.addrs, index)
	delete(c.links, index)
	if c.names[old.Name] == index {
		delete(c.names, old.Name)
	}
	c.hooks.emit(&Change{Op: Removed, Type: TypeLink, Index: index, Link: old})
	// Links stacked on it (a macvlan on a link moved to another
	// namespace) stay, now pointing into that namespace, and the kernel
	// does not report their change: read them again.
	for _, l := range c.links {
		if l.Parent == index && l.LinkNetNSID < 0 {
			c.hooks.needLinkRefresh(l.Index)
		}
	}
}

// linkGone applies what the kernel does to routes when a link goes down
// (deleted false) or away (deleted true), without any RTM_DELROUTE:
//
//   - IPv4 (fib_sync_down_dev): routes through the link die, except, when
//     the link is only down, host-scope routes (local addresses). A
//     multipath route dies when all its hops are dead, or on deletion
//     when any hop used the link: those are left to a dump (ip4Gone).
//   - IPv6 (fib6_ifdown): every route through the link goes, except a
//     multipath sibling whose other hops live on (left to a dump). The
//     kernel usually reports these removals, unless
//     net.ipv6.route.skip_notify_on_dev_down is set.
func (c *cache) linkGone(index int32, deleted bool) {
	c.ip4Gone(index, deleted)
	var victims6 []uint32
	resync6 := false
	c.r6.forIndex(index, func(slot uint32, p *r6rec) bool {
		if !deleted && p.gw != ([16]byte{}) && c.hasSibling6(slot, p) {
			resync6 = true
			return true
		}
		victims6 = append(victims6, slot)
		return true
	})
	c.removeRoute6Slots(victims6)
	if resync6 {
		c.hooks.needRouteResync(TypeIP6Route, 0)
	}
}

// ip4Gone drops the IPv4 routes through a link whose IPv4 went away:
// all of them (force: the link was deleted, or its last IPv4 address went,
// fib_disable_ip), or all but host-scope ones (the link went down).
// Multipath routes with a hop there are left to a dump.
func (c *cache) ip4Gone(index int32, force bool) {
	// A multipath route may use the link through any of its hops, not
	// only the first (by which it is indexed): ask for a dump.
	multipath := c.multipath4 > 0
	var victims []uint32
	c.r4.forIndex(index, func(slot uint32, p *r4rec) bool {
		if !force && p.scope == unix.RT_SCOPE_HOST {
			return true
		}
		if ex := c.r4.extra(p); ex != nil && len(ex.hops) > 0 {
			return true // left to the dump
		}
		victims = append(victims, slot)
		return true
	})
	c.removeRoute4Slots(victims)
	if multipath {
		c.hooks.needRouteResync(TypeIP4Route, 0)
	}
}

// hasSibling6 reports whether another gateway route shares p's weak
// identity on another link: the kernel may have merged them into one
// multipath route.
func (c *cache) hasSibling6(slot uint32, p *r6rec) bool {
	found := false
	c.r6.forWeak(slot, func(s uint32, q *r6rec) {
		if s != slot && q.gw != ([16]byte{}) && q.h.index != p.h.index {
			found = true
		}
	})
	return found
}

// ---- addresses ----

// setAddr stores a (a new snapshot the cache now owns). As in
// NetworkManager's cache, an address the kernel announces goes first in
// its link's list (the kernel prefers the newest address of a scope) and
// a dump puts the addresses it shows last, in the kernel's order.
func (c *cache) setAddr(a *Address, dump bool) {
	k := a.key()
	if c.pendingAddrs != nil {
		delete(c.pendingAddrs, k)
	}
	if c.links[a.Index] == nil {
		return // its link is gone (or not yet known): the kernel dropped it too
	}
	m := c.addrs[a.Index]
	if m == nil {
		m = map[addrKey]*Address{}
		c.addrs[a.Index] = m
	}
	old := m[k]
	var order int64
	switch {
	case dump:
		c.addrOrderHigh++
		order = c.addrOrderHigh
	case old != nil:
		order = c.addrOrder[old]
	default:
		c.addrOrderLow--
		order = c.addrOrderLow
	}
	if old != nil && old.Equal(a) {
		c.addrOrder[old] = order
		return
	}
	if old != nil {
		delete(c.addrOrder, old)
	}
	c.addrOrder[a] = order
	m[k] = a
	op := Added
	if old != nil {
		op = Changed
	}
	c.hooks.emit(&Change{Op: op, Type: a.Type(), Index: a.Index, Address: a})
}

func (c *cache) removeAddr(a *Address) {
	k := a.key()
	m := c.addrs[a.Index]
	old := m[k]
	if old == nil {
		return
	}
	delete(m, k)
	delete(c.addrOrder, old)
	if len(m) == 0 {
		delete(c.addrs, a.Index)
	}
	c.hooks.emit(&Change{Op: Removed, Type: old.Type(), Index: old.Index, Address: old})
	if old.Is4() {
		c.prefSrcGone4(old)
		if !c.hasAddr4(old.Index) {
			// The link's last IPv4 address: the kernel disables IPv4 on it
			// and flushes all its IPv4 routes, of every table and scope.
			c.ip4Gone(old.Index, true)
		}
	} else {
		c.prefSrcGone6(old)
	}
}

func (c *cache) hasAddr4(index int32) bool {
	for _, a := range c.addrs[index] {
		if a.Is4() {
			return true
		}
	}
	return false
}

// prefSrcGone4: when the last copy of a local IPv4 address goes, the
// kernel (fib_sync_down_addr) flushes the routes of the link's table (main,
// or its VRF's) that use it as preferred source, without telling.
func (c *cache) prefSrcGone4(a *Address) {
	for _, m := range c.addrs {
		for _, o := range m {
			if o.Is4() && o.Address == a.Address {
				return
			}
		}
	}
	table := c.l3mdevTable(a.Index)
	src := a.Address.As4()
	var victims []uint32
	c.r4.forAll(func(slot uint32, p *r4rec) bool {
		if p.prefSrc == src && p.table == table {
			victims = append(victims, slot)
		}
		return true
	})
	c.removeRoute4Slots(victims)
}

// l3mdevTable is the routing table of the link's VRF, or main.
func (c *cache) l3mdevTable(index int32) uint32 {
	l := c.links[index]
	if l == nil {
		return TableMain
	}
	if v, ok := l.Data.(*VrfData); ok {
		return v.Table
	}
	if m := c.links[l.Master]; m != nil && l.Master != 0 {
		if v, ok := m.Data.(*VrfData); ok {
			return v.Table
		}
	}
	return TableMain
}

// prefSrcGone6: when an IPv6 address goes, the kernel
// (rt6_remove_prefsrc) clears it as preferred source of the link's routes,
// keeping the routes, without telling.
func (c *cache) prefSrcGone6(a *Address) {
	var slots []uint32
	c.r6.forIndex(a.Index, func(slot uint32, p *r6rec) bool {
		if ex := c.r6.extra(p); ex != nil && ex.prefSrc == a.Address {
			slots = append(slots, slot)
		}
		return true
	})
	for _, slot := range slots {
		p := c.r6.at(slot)
		r := fromRec6(p, c.r6.extra(p))
		r.PrefSrc = netip.Addr{}
		rec, ex := toRec6(&r)
		c.r6.replaceValue(slot, rec, ex)
		c.hooks.emit(&Change{Op: Changed, Type: TypeIP6Route, Index: r.Index, Route: r})
	}
}

// ---- routes ----

func familyIndex(t ObjectType) int {
	if t == TypeIP4Route {
		return 0
	}
	return 1
}

// setRoute stores a route from an event (dump false, with the message
// flags) or a dump.
func (c *cache) setRoute(r *Route, nlflags uint16, dump bool) {
	if r.Index != 0 && c.links[r.Index] == nil {
		return // its link is gone: the route went with it
	}
	replace := !dump && nlflags&unix.NLM_F_REPLACE != 0
	if r.Is4() {
		c.setRoute4(r, replace, dump)
	} else {
		c.setRoute6(r, replace, dump)
	}
}

func (c *cache) setRoute4(r *Route, replace, dump bool) {
	rec, ex := toRec4(r)
	slot, found := c.r4.find(rec, ex)
	if found {
		if dump {
			*c.r4.at(slot).state() |= stMark
			c.r4.moveToTail(slot)
		}
		return
	}
	if replace && c.r4.weakOthers(rec, ex, ^uint32(0)) > 0 {
		// The kernel replaced the first route of the same table,
		// destination, TOS and metric, without telling which. If the
		// cache has such a route it may be the one: ask the kernel.
		c.hooks.needRouteResync(TypeIP4Route, r.Table)
	}
	slot = c.r4.insert(rec, ex)
	if dump {
		*c.r4.at(slot).state() |= stMark
	}
	if len(r.Nexthops) > 0 {
		c.multipath4++
	}
	if r.Protocol == unix.RTPROT_UNSPEC {
		c.unspec[0]++
	}
	c.hooks.emit(&Change{Op: Added, Type: TypeIP4Route, Index: r.Index, Route: *r})
}

func (c *cache) setRoute6(r *Route, replace, dump bool) {
	rec, ex := toRec6(r)
	slot, found := c.r6.find(rec, ex)
	if replace {
		skip := ^uint32(0)
		if found {
			skip = slot
		}
		if c.r6.weakOthers(rec, ex, skip) > 0 {
			c.hooks.needRouteResync(TypeIP6Route, r.Table)
		}
	}
	if found {
		p := c.r6.at(slot)
		if dump {
			*p.state() |= stMark
			c.r6.moveToTail(slot)
		}
		if p.sameValue(&rec, c.r6.extra(p), ex) {
			return
		}
		if p.proto == unix.RTPROT_UNSPEC {
			c.unspec[1]--
		}
		c.r6.replaceValue(slot, rec, ex)
		if r.Protocol == unix.RTPROT_UNSPEC {
			c.unspec[1]++
		}
		c.hooks.emit(&Change{Op: Changed, Type: TypeIP6Route, Index: r.Index, Route: *r})
		return
	}
	slot = c.r6.insert(rec, ex)
	if dump {
		*c.r6.at(slot).state() |= stMark
	}
	if r.Protocol == unix.RTPROT_UNSPEC {
		c.unspec[1]++
	}
	c.hooks.emit(&Change{Op: Added, Type: TypeIP6Route, Index: r.Index, Route: *r})
}

func (c *cache) removeRoute(r *Route) {
	if r.Is4() {
		rec, ex := toRec4(r)
		if slot, ok := c.r4.find(rec, ex); ok {
			c.removeRoute4Slot(slot)
		}
		return
	}
	rec, ex := toRec6(r)
	if slot, ok := c.r6.find(rec, ex); ok {
		c.removeRoute6Slot(slot)
	}
}

// removeRoute4Slots removes several routes; the store must not compact
// itself (which moves slots) before the last one is gone.
func (c *cache) removeRoute4Slots(slots []uint32) {
	c.r4.walking++
	for _, slot := range slots {
		c.removeRoute4Slot(slot)
	}
	c.r4.endWalk()
}

func (c *cache) removeRoute6Slots(slots []uint32) {
	c.r6.walking++
	for _, slot := range slots {
		c.removeRoute6Slot(slot)
	}
	c.r6.endWalk()
}

func (c *cache) removeRoute4Slot(slot uint32) {
	p := c.r4.at(slot)
	r := fromRec4(p, c.r4.extra(p))
	if len(r.Nexthops) > 0 {
		c.multipath4--
	}
	if r.Protocol == unix.RTPROT_UNSPEC {
		c.unspec[0]--
	}
	c.r4.remove(slot)
	c.hooks.emit(&Change{Op: Removed, Type: TypeIP4Route, Index: r.Index, Route: r})
}

func (c *cache) removeRoute6Slot(slot uint32) {
	p := c.r6.at(slot)
	r := fromRec6(p, c.r6.extra(p))
	if r.Protocol == unix.RTPROT_UNSPEC {
		c.unspec[1]--
	}
	c.r6.remove(slot)
	c.hooks.emit(&Change{Op: Removed, Type: TypeIP6Route, Index: r.Index, Route: r})
}

// ---- rules ----

func (c *cache) setRule(r *Rule) {
	k := r.key()
	if c.pendingRules != nil {
		delete(c.pendingRules, k)
	}
	if c.rules[k] != nil {
		return // every field is identity: nothing can have changed
	}
	c.rules[k] = r
	c.hooks.emit(&Change{Op: Added, Type: r.ObjectType(), Rule: r})
}

func (c *cache) removeRule(r *Rule) {
	k := r.key()
	old := c.rules[k]
	if old == nil {
		return
	}
	delete(c.rules, k)
	c.hooks.emit(&Change{Op: Removed, Type: old.ObjectType(), Rule: old})
}

// ---- resync: a dump replaces what the cache holds of some types ----

// resyncScope is what one dump covers.
type resyncScope struct {
	typ   ObjectType
	table uint32 // routes only; 0 for all tables
}

func (c *cache) beginResync(s resyncScope) {
	switch s.typ {
	case TypeLink:
		c.pendingLinks = make(map[int32]bool, len(c.links))
		for k := range c.links {
			c.pendingLinks[k] = true
		}
	case TypeIP4Address, TypeIP6Address:
		c.pendingAddrs = map[addrKey]bool{}
		for _, m := range c.addrs {
			for k, a := range m {
				if a.Type() == s.typ {
					c.pendingAddrs[k] = true
				}
			}
		}
	case TypeIP4Route:
		c.r4.forAll(func(_ uint32, p *r4rec) bool {
			if s.table == 0 || p.table == s.table {
				*p.state() &^= stMark
			}
			return true
		})
	case TypeIP6Route:
		c.r6.forAll(func(_ uint32, p *r6rec) bool {
			if s.table == 0 || p.table == s.table {
				*p.state() &^= stMark
			}
			return true
		})
	case TypeIP4Rule, TypeIP6Rule:
		c.pendingRules = map[RuleKey]bool{}
		for k, r := range c.rules {
			if r.ObjectType() == s.typ {
				c.pendingRules[k] = true
			}
		}
	}
}

// endResync removes what the dump did not show.
func (c *cache) endResync(s resyncScope) {
	switch s.typ {
	case TypeLink:
		gone := slices.Sorted(maps.Keys(c.pendingLinks))
		c.pendingLinks = nil
		for _, k := range gone {
			c.removeLink(k)
		}
	case TypeIP4Address, TypeIP6Address:
		pending := c.pendingAddrs
		c.pendingAddrs = nil
		for k := range pending {
			if a := c.addrs[k.index][k]; a != nil {
				c.removeAddr(a)
			}
		}
	case TypeIP4Route:
		var victims []uint32
		c.r4.forAll(func(slot uint32, p *r4rec) bool {
			if (s.table == 0 || p.table == s.table) && *p.state()&stMark == 0 {
				victims = append(victims, slot)
			}
			return true
		})
		c.removeRoute4Slots(victims)
	case TypeIP6Route:
		var victims []uint32
		c.r6.forAll(func(slot uint32, p *r6rec) bool {
			if (s.table == 0 || p.table == s.table) && *p.state()&stMark == 0 {
				victims = append(victims, slot)
			}
			return true
		})
		c.removeRoute6Slots(victims)
	case TypeIP4Rule, TypeIP6Rule:
		pending := c.pendingRules
		c.pendingRules = nil
		for k := range pending {
			if r := c.rules[k]; r != nil {
				c.removeRule(r)
			}
		}
	}
}

// ---- queries ----

func (c *cache) routes4(index int32, all bool, fn func(*Route) bool) {
	var r Route
	visit := func(_ uint32, p *r4rec) bool {
		r = fromRec4(p, c.r4.extra(p))
		return fn(&r)
	}
	if all {
		c.r4.forAll(visit)
	} else {
		c.r4.forIndex(index, visit)
	}
}

func (c *cache) routes6(index int32, all bool, fn func(*Route) bool) {
	var r Route
	visit := func(_ uint32, p *r6rec) bool {
		r = fromRec6(p, c.r6.extra(p))
		return fn(&r)
	}
	if all {
		c.r6.forAll(visit)
	} else {
		c.r6.forIndex(index, visit)
	}
}
