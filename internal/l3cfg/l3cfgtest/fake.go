// Package l3cfgtest provides an in-memory platform for tests of
// internal/l3cfg and of what builds on it (internal/ipconfig, the devices
// layer): it keeps links, addresses, routes and rules as the kernel would
// report them, records every operation as a line of text (for golden
// tests), and delivers changes to watchers on idle, once per burst, as the
// real platform does. It fakes only the kernel: the L3Cfg and exporter
// code under test is the real one.
package l3cfgtest

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/platform"
)

// Fake is the in-memory platform. Use it on the loop, like the real one.
type Fake struct {
	loop   *loop.Loop
	links  map[int32]*platform.Link
	addrs  map[int32][]*platform.Address // per link, in NetworkManager's order
	routes []platform.Route              // oldest first
	rules  []platform.Rule
	// Ops records each operation the code under test made, in order.
	Ops []string
	// Fail makes operations fail: it is asked with the operation's text
	// ("route add 10.0.0.0/8 ...") and returns the error to fail with.
	Fail func(op string) error

	watchers []*watch
	pending  map[int32]*platform.Delta
	queued   bool
	// MaxDetails caps the changes kept per link and burst (the real
	// platform keeps platform.MaxDetails).
	MaxDetails int
	// Sysctls holds the settings under /proc/sys/ by path ("net/ipv6/
	// conf/eth0/use_tempaddr"); unknown paths read as "0".
	Sysctls map[string]string
	// IPv6DAD makes new IPv6 addresses without nodad tentative until
	// FinishDAD; the kernel then refuses routes with them as preferred
	// source (EINVAL), as the real one does.
	IPv6DAD bool
}

type watch struct {
	fn   func([]platform.Delta)
	dead bool
}

// New returns an empty fake platform on l.
func New(l *loop.Loop) *Fake {
	return &Fake{loop: l, links: map[int32]*platform.Link{}, addrs: map[int32][]*platform.Address{},
		pending: map[int32]*platform.Delta{}, MaxDetails: platform.MaxDetails, Sysctls: map[string]string{}}
}

// AddLink adds an Ethernet-like link (up, with carrier) with the given
// index and name, as the kernel would report it.
func (f *Fake) AddLink(index int32, name string) *platform.Link {
	hw, _ := platform.ParseHWAddr(fmt.Sprintf("02:00:00:00:00:%02x", index&0xff))
	l := &platform.Link{Index: index, Name: name, Type: platform.LinkEthernet, ARPType: unix.ARPHRD_ETHER,
		Flags: unix.IFF_UP | unix.IFF_LOWER_UP | unix.IFF_BROADCAST | unix.IFF_MULTICAST, MTU: 1500, Addr: hw}
	if name == "lo" {
		l.Type, l.ARPType, l.Flags = platform.LinkLoopback, unix.ARPHRD_LOOPBACK, unix.IFF_UP|unix.IFF_LOWER_UP|unix.IFF_LOOPBACK
		l.Addr = platform.HWAddr{}
	}
	f.links[index] = l
	f.changed(platform.Change{Op: platform.Added, Type: platform.TypeLink, Index: index, Link: l})
	return l
}

// SetLinkFlags changes a link's flags (up, carrier).
func (f *Fake) SetLinkFlags(index int32, flags uint32) {
	l := *f.links[index]
	l.Flags = flags
	f.links[index] = &l
	f.changed(platform.Change{Op: platform.Changed, Type: platform.TypeLink, Index: index, Link: &l})
}

// ---- the Platform interface ----

func (f *Fake) Link(i int32) (*platform.Link, bool) {
	l, ok := f.links[i]
	return l, ok
}

func (f *Fake) Addresses(t platform.ObjectType, index int32) []*platform.Address {
	var out []*platform.Address
	for _, a := range f.addrs[index] {
		if a.Type() == t {
			out = append(out, a)
		}
	}
	return out
}

func (f *Fake) LookupAddress(a *platform.Address) (*platform.Address, bool) {
	for _, x := range f.addrs[a.Index] {
		if sameAddrID(x, a) {
			return x, true
		}
	}
	return nil, false
}

func sameAddrID(a, b *platform.Address) bool {
	if a.Address != b.Address {
		return false
	}
	if !a.Address.Is4() {
		return true
	}
	pa, pb := a.Peer, b.Peer
	if !pa.IsValid() {
		pa = a.Address
	}
	if !pb.IsValid() {
		pb = b.Address
	}
	na, _ := pa.Prefix(int(a.PrefixLen))
	nb, _ := pb.Prefix(int(b.PrefixLen))
	return a.PrefixLen == b.PrefixLen && na == nb
}

func (f *Fake) Routes(t platform.ObjectType, index int32, fn func(*platform.Route) bool) {
	for i := range f.routes {
		r := f.routes[i]
		if r.ObjectType() == t && r.Index == index {
			if !fn(&r) {
				return
			}
		}
	}
}

func (f *Fake) LookupRoute(r *platform.Route) (platform.Route, bool) {
	for _, x := range f.routes {
		if x.SameID(r) {
			return x, true
		}
	}
	return platform.Route{}, false
}

func (f *Fake) Rules(t platform.ObjectType) []*platform.Rule {
	var out []*platform.Rule
	for i := range f.rules {
		if f.rules[i].ObjectType() == t {
			r := f.rules[i]
			out = append(out, &r)
		}
	}
	return out
}

func (f *Fake) op(text string) error {
	f.Ops = append(f.Ops, text)
	if f.Fail != nil {
		if err := f.Fail(text); err != nil {
			return f.failed(err)
		}
	}
	return nil
}

// failed notes on the last operation that the kernel refused it.
func (f *Fake) failed(err error) error {
	f.Ops[len(f.Ops)-1] += " -> " + err.Error()
	return err
}

func (f *Fake) SysctlGet(path string) (string, error) {
	if v, ok := f.Sysctls[path]; ok {
		return v, nil
	}
	return "0", nil
}

func (f *Fake) SysctlSet(path, value string) error {
	if err := f.op("sysctl " + path + " = " + value); err != nil {
		return err
	}
	f.Sysctls[path] = value
	return nil
}

// AddrReplace adds or updates an address, as RTM_NEWADDR with
// NLM_F_REPLACE; a new address goes first in its link's list.
func (f *Fake) AddrReplace(a *platform.Address) error {
	if err := f.op("address replace " + AddrText(a)); err != nil {
		return err
	}
	if f.links[a.Index] == nil {
		return f.failed(unix.ENODEV)
	}
	f.SetAddress(a)
	return nil
}

func (f *Fake) AddrDelete(a *platform.Address) error {
	if err := f.op("address delete " + AddrText(a)); err != nil {
		return err
	}
	if !f.RemoveAddress(a) {
		return f.failed(unix.EADDRNOTAVAIL)
	}
	return nil
}

// RouteAppend adds a route, as RTM_NEWROUTE with NLM_F_APPEND: refused
// when the same route exists, when its gateway is not reachable through a
// device route of the link (IPv4) ...
func (f *Fake) RouteAppend(r *platform.Route) error {
	if err := f.op("route add " + RouteText(r)); err != nil {
		return err
	}
	if _, ok := f.LookupRoute(r); ok {
		return f.failed(unix.EEXIST)
	}
	if r.Index != 0 && f.links[r.Index] == nil {
		return f.failed(unix.ENODEV)
	}
	if !r.Is4() && r.PrefSrc.IsValid() {
		if a, ok := f.LookupAddress(&platform.Address{Index: r.Index, Address: r.PrefSrc}); !ok || a.Tentative() {
			return f.failed(unix.EINVAL)
		}
	}
	if r.Gateway.IsValid() && r.Flags&unix.RTNH_F_ONLINK == 0 && !f.reachable(r) {
		if r.Is4() {
			return f.failed(unix.ENETUNREACH)
		}
		return f.failed(unix.EHOSTUNREACH)
	}
	f.AddRoute(*r)
	return nil
}

// reachable reports whether a device route of the route's link and table
// covers its gateway (as the kernel checks; IPv6 link-local gateways are
// always reachable).
func (f *Fake) reachable(r *platform.Route) bool {
	if r.Gateway.Is6() && r.Gateway.IsLinkLocalUnicast() {
		return true
	}
	for _, x := range f.routes {
		if x.Index == r.Index && !x.Gateway.IsValid() && x.Type == unix.RTN_UNICAST && x.Dst.Contains(r.Gateway) {
			return true
		}
	}
	return false
}

func (f *Fake) RouteDelete(r *platform.Route) error {
	if err := f.op("route delete " + RouteText(r)); err != nil {
		return err
	}
	if !f.RemoveRoute(r) {
		return f.failed(unix.ESRCH)
	}
	return nil
}

func (f *Fake) RuleAdd(r *platform.Rule) error {
	if err := f.op("rule add " + r.String()); err != nil {
		return err
	}
	for _, x := range f.rules {
		if x.Equal(r) {
			return f.failed(unix.EEXIST)
		}
	}
	f.AddRule(*r)
	return nil
}

func (f *Fake) RuleDelete(r *platform.Rule) error {
	if err := f.op("rule delete " + r.String()); err != nil {
		return err
	}
	for i, x := range f.rules {
		if x.Equal(r) {
			f.rules = slices.Delete(f.rules, i, i+1)
			f.changed(platform.Change{Op: platform.Removed, Type: r.ObjectType(), Rule: &x})
			return nil
		}
	}
	return f.failed(unix.ENOENT)
}

func (f *Fake) Watch(fn func([]platform.Delta)) func() {
	w := &watch{fn: fn}
	f.watchers = append(f.watchers, w)
	return func() { w.dead = true }
}

// ---- changes from "outside" (tests) ----

// SetAddress adds or updates an address without recording an operation
// (someone else did it).
func (f *Fake) SetAddress(a *platform.Address) {
	c := *a
	if c.Address.Is4() && !c.Peer.IsValid() {
		c.Peer = c.Address
	}
	list := f.addrs[a.Index]
	for i, x := range list {
		if sameAddrID(x, &c) {
			list[i] = &c
			f.changed(platform.Change{Op: platform.Changed, Type: c.Type(), Index: c.Index, Address: &c})
			return
		}
	}
	if f.IPv6DAD && c.Address.Is6() && c.Flags&unix.IFA_F_NODAD == 0 {
		c.Flags |= unix.IFA_F_TENTATIVE
	}
	if c.Address.Is4() {
		// The first address of a subnet is its primary; the others are
		// secondary.
		c.Flags &^= unix.IFA_F_SECONDARY
		for _, x := range list {
			if x.Address.Is4() && x.PrefixLen == c.PrefixLen && sameSubnet(x, &c) {
				c.Flags |= unix.IFA_F_SECONDARY
				break
			}
		}
	}
	f.addrs[a.Index] = append([]*platform.Address{&c}, list...)
	f.changed(platform.Change{Op: platform.Added, Type: c.Type(), Index: c.Index, Address: &c})
	// The kernel adds the local route of an address; IPv4 also a prefix
	// route for a primary address unless noprefixroute. The local-table routes show in the
	// cache (NetworkManager filters them from D-Bus by type).
	if c.Address.Is4() {
		f.AddRoute(platform.Route{Table: platform.TableLocal, Dst: netip.PrefixFrom(c.Address, 32), PrefSrc: c.Address,
			Index: c.Index, Protocol: unix.RTPROT_KERNEL, Scope: unix.RT_SCOPE_HOST, Type: unix.RTN_LOCAL})
		if c.Flags&(unix.IFA_F_NOPREFIXROUTE|unix.IFA_F_SECONDARY) == 0 && c.PrefixLen < 32 {
			f.AddRoute(platform.Route{Table: platform.TableMain, Dst: netip.PrefixFrom(c.Address, int(c.PrefixLen)).Masked(),
				PrefSrc: c.Address, Index: c.Index, Protocol: unix.RTPROT_KERNEL, Scope: unix.RT_SCOPE_LINK, Type: unix.RTN_UNICAST})
		}
	}
}

func sameSubnet(a, b *platform.Address) bool {
	pa, _ := a.Address.Prefix(int(a.PrefixLen))
	pb, _ := b.Address.Prefix(int(b.PrefixLen))
	return pa == pb
}

// FinishDAD ends duplicate address detection of an IPv6 address: it is
// ready, or failed (dadfailed) when failed is set.
func (f *Fake) FinishDAD(index int32, addr netip.Addr, failed bool) {
	for i, x := range f.addrs[index] {
		if x.Address == addr {
			c := *x
			if failed {
				c.Flags |= unix.IFA_F_DADFAILED
			} else {
				c.Flags &^= unix.IFA_F_TENTATIVE
			}
			f.addrs[index][i] = &c
			f.changed(platform.Change{Op: platform.Changed, Type: c.Type(), Index: index, Address: &c})
			return
		}
	}
}

// RemoveAddress removes an address (and, as the kernel, the routes that
// used it as preferred source); it reports whether there was one.
func (f *Fake) RemoveAddress(a *platform.Address) bool {
	list := f.addrs[a.Index]
	for i, x := range list {
		if sameAddrID(x, a) {
			f.addrs[a.Index] = slices.Delete(list, i, i+1)
			f.changed(platform.Change{Op: platform.Removed, Type: x.Type(), Index: x.Index, Address: x})
			if !x.Address.Is4() {
				return true
			}
			if x.Flags&unix.IFA_F_SECONDARY == 0 {
				// Without promote_secondaries (the default), the
				// secondaries of a subnet go with its primary.
				for _, y := range slices.Clone(f.addrs[a.Index]) {
					if y.Address.Is4() && y.PrefixLen == x.PrefixLen && sameSubnet(x, y) {
						f.RemoveAddress(y)
					}
				}
			}
			for _, r := range slices.Clone(f.routes) {
				if r.PrefSrc == x.Address && r.Index == x.Index {
					f.RemoveRoute(&r)
				}
			}
			if len(f.Addresses(platform.TypeIP4Address, x.Index)) == 0 {
				// The link's last IPv4 address: the kernel flushes all of
				// its IPv4 routes.
				for _, r := range slices.Clone(f.routes) {
					if r.Index == x.Index && r.Is4() {
						f.RemoveRoute(&r)
					}
				}
			}
			return true
		}
	}
	return false
}

// AddRoute adds a route without recording an operation.
func (f *Fake) AddRoute(r platform.Route) {
	if _, ok := f.LookupRoute(&r); ok {
		return
	}
	r.Nexthops = slices.Clone(r.Nexthops)
	f.routes = append(f.routes, r)
	f.changed(platform.Change{Op: platform.Added, Type: r.ObjectType(), Index: r.Index, Route: r})
}

// RemoveRoute removes a route without recording an operation.
func (f *Fake) RemoveRoute(r *platform.Route) bool {
	for i := range f.routes {
		if f.routes[i].SameID(r) {
			x := f.routes[i]
			f.routes = slices.Delete(f.routes, i, i+1)
			f.changed(platform.Change{Op: platform.Removed, Type: x.ObjectType(), Index: x.Index, Route: x})
			return true
		}
	}
	return false
}

// AddRule adds a rule without recording an operation.
func (f *Fake) AddRule(r platform.Rule) {
	f.rules = append(f.rules, r)
	f.changed(platform.Change{Op: platform.Added, Type: r.ObjectType(), Rule: &r})
}

// changed records a change for the watchers, delivered on idle.
func (f *Fake) changed(c platform.Change) {
	d := f.pending[c.Index]
	if d == nil {
		d = &platform.Delta{Index: c.Index}
		f.pending[c.Index] = d
	}
	d.Types |= c.Type.Bit()
	if !d.Overflow {
		if len(d.Changes) >= f.MaxDetails {
			d.Changes, d.Overflow = nil, true
		} else {
			d.Changes = append(d.Changes, c)
		}
	}
	if !f.queued {
		f.queued = true
		f.loop.Idle(f, f.deliver)
	}
}

func (f *Fake) deliver() {
	f.queued = false
	if len(f.pending) == 0 {
		return
	}
	idx := make([]int32, 0, len(f.pending))
	for i := range f.pending {
		idx = append(idx, i)
	}
	sort.Slice(idx, func(i, j int) bool { return idx[i] < idx[j] })
	ds := make([]platform.Delta, 0, len(idx))
	for _, i := range idx {
		ds = append(ds, *f.pending[i])
	}
	clear(f.pending)
	for _, w := range slices.Clone(f.watchers) {
		if !w.dead {
			w.fn(ds)
		}
	}
}

// TakeOps returns the recorded operations as text, one per line, and
// forgets them.
func (f *Fake) TakeOps() string {
	s := strings.Join(f.Ops, "\n")
	f.Ops = nil
	if s != "" {
		s += "\n"
	}
	return s
}

// State renders the interface's addresses and routes, one per line, in
// the platform's order.
func (f *Fake) State(index int32) string {
	var b strings.Builder
	for _, a := range f.addrs[index] {
		b.WriteString("address " + AddrText(a) + "\n")
	}
	for i := range f.routes {
		if f.routes[i].Index == index {
			b.WriteString("route " + RouteText(&f.routes[i]) + "\n")
		}
	}
	for i := range f.rules {
		b.WriteString("rule " + f.rules[i].String() + "\n")
	}
	return b.String()
}

// AddrText renders an address for golden text (without lifetimes'
// rounding noise: "forever" or the valid lifetime).
func AddrText(a *platform.Address) string {
	s := fmt.Sprintf("%s/%d dev %d", a.Address, a.PrefixLen, a.Index)
	if a.Peer.IsValid() && a.Peer != a.Address {
		s += " peer " + a.Peer.String()
	}
	if a.Label != "" {
		s += " label " + a.Label
	}
	if a.Valid != platform.LifetimeInfinite {
		s += fmt.Sprintf(" valid %d pref %d", a.Valid, a.Preferred)
	}
	for _, fl := range []struct {
		bit  uint32
		name string
	}{{unix.IFA_F_SECONDARY, "secondary"}, {unix.IFA_F_NODAD, "nodad"}, {unix.IFA_F_NOPREFIXROUTE, "noprefixroute"}, {unix.IFA_F_MANAGETEMPADDR, "mngtmpaddr"}} {
		if a.Flags&fl.bit != 0 {
			s += " " + fl.name
		}
	}
	return s
}

// RouteText renders a route for golden text.
func RouteText(r *platform.Route) string { return r.String() }
