package l3cfg

import (
	"net/netip"

	"github.com/gonm/gonm/internal/platform"
)

// dadState is where an IPv6 address this L3Cfg configured stands in
// duplicate address detection.
type dadState uint8

const (
	dadTentative dadState = iota + 1
	dadDone
	dadFailed
)

// platformChanged takes one burst of kernel changes of the interface
// (called by the Registry on idle, once per burst).
func (l *L3Cfg) platformChanged(d *platform.Delta) {
	if l.destroyed {
		return
	}
	if d.Types.Has(platform.TypeLink) {
		l.linkChanged()
	}
	objTypes := d.Types & (platform.AddressTypes | platform.RouteTypes)
	if objTypes != 0 && len(l.objs) > 0 {
		if d.Overflow || len(d.Changes) == 0 {
			l.recheckAll(objTypes)
		} else {
			l.applyChanges(d.Changes)
		}
	}
	if d.Types.Has(platform.TypeIP4Address) {
		l.acd.addressesChanged()
	}
	if d.Types.Has(platform.TypeIP6Address) {
		l.checkDAD()
		if l.prefSrcReady() {
			// A refused route's preferred source left DAD: try again.
			l.ScheduleCommit(CommitAuto)
		}
	}
	l.emit(Event{Type: EventPlatformChange, Types: d.Types})
}

func (l *L3Cfg) linkChanged() {
	lk, ok := l.reg.p.Link(l.index)
	old, had := l.link, l.hasLink
	if ok {
		l.link, l.hasLink = *lk, true
	} else {
		l.hasLink = false
	}
	if !ok {
		return
	}
	wasUp := had && old.Up()
	if lk.Up() && !wasUp || had && old.Addr.String() != lk.Addr.String() {
		l.acd.linkChanged()
	}
}

// applyChanges updates the states of tracked objects from the changes
// themselves, in order (the last one tells where an object stands).
func (l *L3Cfg) applyChanges(cs []platform.Change) {
	for i := range cs {
		c := &cs[i]
		var k objKey
		switch c.Type {
		case platform.TypeIP4Address, platform.TypeIP6Address:
			if c.Address == nil {
				continue
			}
			k = addrObjKey(platformAddrKey(c.Address))
		case platform.TypeIP4Route, platform.TypeIP6Route:
			k = routeObjKey(&c.Route)
		default:
			continue
		}
		st := l.objs[k]
		if st == nil {
			continue
		}
		l.setInPlatform(st, c.Op != platform.Removed)
	}
}

// recheckAll looks every tracked object of the given types up in the cache
// (after more changes than the platform keeps details of).
func (l *L3Cfg) recheckAll(types platform.Types) {
	for _, st := range l.objs {
		var in bool
		if st.key.isRoute {
			if !types.Has(st.key.family.routeType()) {
				continue
			}
			_, in = l.reg.p.LookupRoute(&st.route)
		} else {
			if !types.Has(st.key.family.addrType()) {
				continue
			}
			_, in = l.reg.p.LookupAddress(&st.addr)
		}
		l.setInPlatform(st, in)
	}
}

func (l *L3Cfg) setInPlatform(st *objState, in bool) {
	if st.inPlatform == in {
		return
	}
	st.inPlatform = in
	if in {
		st.wasIn = true
		l.debugf("obj-state: appeared on the interface: %s", st.key)
		return
	}
	if st.zombie > 0 {
		// No longer wanted and now gone: nothing left to do.
		delete(l.objs, st.key)
		l.debugf("obj-state: zombie gone: %s", st.key)
		return
	}
	l.debugf("obj-state: removed from the interface: %s", st.key)
}

// checkDAD follows the IPv6 addresses this L3Cfg configured through
// duplicate address detection and reports each outcome once.
func (l *L3Cfg) checkDAD() {
	seen := map[netip.Addr]bool{}
	for k, st := range l.objs {
		if k.isRoute || k.family != IPv6 || !st.configured || st.zombie > 0 {
			continue
		}
		addr := k.addr.addr
		seen[addr] = true
		pa, ok := l.reg.p.LookupAddress(&st.addr)
		if !ok {
			delete(l.dad, addr)
			continue
		}
		var now dadState
		switch {
		case pa.DADFailed():
			now = dadFailed
		case pa.Tentative():
			now = dadTentative
		default:
			now = dadDone
		}
		prev := l.dad[addr]
		if prev == now {
			continue
		}
		l.dad[addr] = now
		switch now {
		case dadFailed:
			l.logf(levelWarn, "IPv6 DAD failed for %s: another node uses it", addr)
			l.emit(Event{Type: EventDAD, Addr: addr, DADFailed: true})
		case dadDone:
			if prev == dadTentative {
				l.debugf("IPv6 DAD done for %s", addr)
			}
			l.emit(Event{Type: EventDAD, Addr: addr})
		}
	}
	for a := range l.dad {
		if !seen[a] {
			delete(l.dad, a)
		}
	}
}

// hasNodev reports whether the L3Cfg tracks routes without a device.
func (l *L3Cfg) hasNodev() bool {
	for k := range l.objs {
		if k.isRoute && k.route.index == 0 {
			return true
		}
	}
	return false
}

// prefSrcReady reports whether a route the kernel refused for its
// tentative preferred source could be added now.
func (l *L3Cfg) prefSrcReady() bool {
	for _, t := range l.tempNA {
		if !l.tentativePrefSrc(&t.route) {
			return true
		}
	}
	return false
}
