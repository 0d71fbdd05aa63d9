package l3cfg

import (
	"fmt"
	"log/slog"
	"net"

	"github.com/gonm/gonm/internal/acd"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/platform"
)

// Platform is what the layer needs of internal/platform: queries of the
// cache, the operations it commits with, and change notification. Kernel
// wraps the real platform; tests use a fake (internal/l3cfg/l3cfgtest).
// Every method is called on the loop.
type Platform interface {
	Link(index int32) (*platform.Link, bool)
	// Addresses of one type on a link, in NetworkManager's order (see
	// platform.Platform.Addresses).
	Addresses(t platform.ObjectType, index int32) []*platform.Address
	// LookupAddress finds the cached address with a's identity.
	LookupAddress(a *platform.Address) (*platform.Address, bool)
	// Routes walks the routes of one type on a link, oldest first, until
	// fn returns false; the route passed is reused between calls.
	Routes(t platform.ObjectType, index int32, fn func(*platform.Route) bool)
	// LookupRoute finds the cached route with r's identity.
	LookupRoute(r *platform.Route) (platform.Route, bool)
	Rules(t platform.ObjectType) []*platform.Rule

	// SysctlGet and SysctlSet read and write a setting under /proc/sys
	// of the namespace ("net/ipv6/conf/eth0/use_tempaddr").
	SysctlGet(path string) (string, error)
	SysctlSet(path, value string) error

	AddrReplace(a *platform.Address) error
	AddrDelete(a *platform.Address) error
	RouteAppend(r *platform.Route) error
	RouteDelete(r *platform.Route) error
	RuleAdd(r *platform.Rule) error
	RuleDelete(r *platform.Rule) error

	// Watch calls fn on idle after each burst of cache changes with what
	// changed, per link (index 0: rules and routes without a device). The
	// deltas carry the changes themselves unless they overflowed.
	Watch(fn func([]platform.Delta)) (stop func())
}

// Kernel adapts the real platform to Platform.
func Kernel(p *platform.Platform) Platform { return kernel{p} }

type kernel struct{ p *platform.Platform }

func (k kernel) Link(i int32) (*platform.Link, bool) { return k.p.Link(i) }
func (k kernel) Addresses(t platform.ObjectType, i int32) []*platform.Address {
	return k.p.Addresses(t, i)
}
func (k kernel) LookupAddress(a *platform.Address) (*platform.Address, bool) {
	return k.p.LookupAddress(a)
}
func (k kernel) Routes(t platform.ObjectType, i int32, fn func(*platform.Route) bool) {
	k.p.Routes(t, i, false, fn)
}
func (k kernel) LookupRoute(r *platform.Route) (platform.Route, bool) { return k.p.LookupRoute(r) }
func (k kernel) Rules(t platform.ObjectType) []*platform.Rule         { return k.p.Rules(t) }
func (k kernel) SysctlGet(path string) (string, error)                { return k.p.SysctlGet(path) }
func (k kernel) SysctlSet(path, value string) error                   { return k.p.SysctlSet(path, value) }
func (k kernel) AddrReplace(a *platform.Address) error                { return k.p.AddrReplace(a) }
func (k kernel) AddrDelete(a *platform.Address) error                 { return k.p.AddrDelete(a) }
func (k kernel) RouteAppend(r *platform.Route) error                  { return k.p.RouteAppend(r) }
func (k kernel) RouteDelete(r *platform.Route) error                  { return k.p.RouteDelete(r) }
func (k kernel) RuleAdd(r *platform.Rule) error                       { return k.p.RuleAdd(r) }
func (k kernel) RuleDelete(r *platform.Rule) error                    { return k.p.RuleDelete(r) }

func (k kernel) Watch(fn func([]platform.Delta)) func() {
	s := k.p.Subscribe(platform.Filter{Details: true}, func(s *platform.Subscription) { fn(s.TakeAll()) })
	return s.Close
}

// Options configure a Registry.
type Options struct {
	// Log is the logger (NetworkManager logs l3cfg in domain CORE); nil
	// discards.
	Log *slog.Logger
	// OpenARP opens the ARP socket for IPv4 conflict detection on an
	// interface; default acd.Open (which must run in the interface's
	// namespace: tests mirroring another namespace pass their own).
	OpenARP func(ifindex int32, hw net.HardwareAddr) (*acd.Conn, error)
}

// Registry owns the L3Cfg of every interface of one network namespace
// (NetworkManager's NMNetns): it holds the platform, subscribes to it once,
// and hands each burst of changes to the L3Cfgs concerned, on idle. It also
// keeps the routing rules, which belong to the namespace: a rule wanted by
// several L3Cfgs is added once and removed when the last one lets it go.
type Registry struct {
	loop   *loop.Loop
	p      Platform
	log    *slog.Logger
	opts   Options
	cfgs   map[int32]*L3Cfg
	stop   func()
	rules  ruleTracker
	closed bool
}

// NewRegistry returns the registry of p's namespace; it follows p from the
// first Acquire on. Call it on the loop.
func NewRegistry(l *loop.Loop, p Platform, opts Options) *Registry {
	if opts.Log == nil {
		opts.Log = slog.New(discard{})
	}
	if opts.OpenARP == nil {
		opts.OpenARP = func(ifindex int32, hw net.HardwareAddr) (*acd.Conn, error) {
			return acd.Open(int(ifindex), hw)
		}
	}
	r := &Registry{loop: l, p: p, log: opts.Log, opts: opts, cfgs: map[int32]*L3Cfg{}}
	r.rules.init()
	return r
}

// Platform returns the platform the registry commits to.
func (r *Registry) Platform() Platform { return r.p }

// Loop returns the loop everything runs on.
func (r *Registry) Loop() *loop.Loop { return r.loop }

// Acquire returns the L3Cfg of an interface, creating it if needed, and
// takes a reference: the L3Cfg lives until every holder has called
// Release.
func (r *Registry) Acquire(ifindex int32) *L3Cfg {
	if ifindex <= 0 {
		panic(fmt.Sprintf("l3cfg: Acquire of interface index %d", ifindex))
	}
	if r.stop == nil && !r.closed {
		// Follow the platform from the first L3Cfg on: a daemon that
		// configures nothing pays nothing for kernel events.
		r.stop = r.p.Watch(r.platformChanged)
	}
	l := r.cfgs[ifindex]
	if l == nil {
		l = newL3Cfg(r, ifindex)
		r.cfgs[ifindex] = l
	}
	l.refs++
	return l
}

// Lookup returns the L3Cfg of an interface if one exists, without taking
// a reference.
func (r *Registry) Lookup(ifindex int32) (*L3Cfg, bool) {
	l, ok := r.cfgs[ifindex]
	return l, ok
}

// Close stops following the platform and drops every L3Cfg (their
// objects stay on the interfaces).
func (r *Registry) Close() {
	if r.closed {
		return
	}
	r.closed = true
	if r.stop != nil {
		r.stop()
	}
	for _, l := range r.cfgs {
		l.destroy()
	}
	clear(r.cfgs)
}

func (r *Registry) platformChanged(ds []platform.Delta) {
	if r.closed {
		return
	}
	for i := range ds {
		d := &ds[i]
		if d.Index == 0 {
			// Device-less routes (blackhole ...) of any L3Cfg.
			if d.Types&platform.RouteTypes != 0 {
				for _, l := range r.cfgs {
					if l.hasNodev() {
						l.platformChanged(d)
					}
				}
			}
			continue
		}
		if l := r.cfgs[d.Index]; l != nil {
			l.platformChanged(d)
		}
	}
}

func (r *Registry) release(l *L3Cfg) {
	if r.cfgs[l.index] == l {
		delete(r.cfgs, l.index)
	}
	r.rules.dropOwner(r, l)
	l.destroy()
}
