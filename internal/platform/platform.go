package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/logging"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/platform/nl"
)

// Options configure a Platform.
type Options struct {
	// Netns is the path of the network namespace to mirror (for example
	// /run/netns/NAME); empty means the process's own, as for the daemon.
	Netns string
	// RcvBuf is the event socket's receive buffer in bytes; default
	// DefaultRcvBuf. It must hold a whole burst of events while the
	// reader is busy (a dump, a slow loop).
	RcvBuf int
	// ResyncBackoff is the pause after the kernel dropped events before
	// dumping everything again; default 1 s, so that the dump does not
	// compete with the burst that caused the overrun.
	ResyncBackoff time.Duration
	// Log is the PLATFORM logger; nil discards.
	Log *slog.Logger
	// Settled, when set, is called on the loop after a burst of changes
	// has been applied (at most every 200 ms, always after the last one).
	Settled func(Burst)
}

// Burst describes a burst of cache changes that has settled.
type Burst struct {
	Changes, Removed int64
	// Last is when the last change of the burst was applied.
	Last time.Time
	Stats
}

// DefaultRcvBuf is the event socket's default receive buffer: large enough
// that a burst of 100k route events never overflows it (the kernel only
// uses what is queued). systemd-networkd asks for the same.
const DefaultRcvBuf = 256 << 20

// Platform mirrors the kernel's links, addresses, routes and rules of one
// network namespace and makes changes to them. All methods except Close
// must be called on the loop.
type Platform struct {
	loop *loop.Loop
	log  *slog.Logger
	opts Options

	ns      *netnsHandle
	req     *nl.Conn // operations (on the loop)
	rd      *reader
	ioctlFD int
	c       *cache
	subs    []*Subscription

	started, closed bool
	stats           counters
	burst           burstLog
	retryTimer      *loop.Timer
}

// counters are kept on the loop.
type counters struct {
	applied      int64 // cache changes emitted
	malformed    int64
	routeResyncs int64 // targeted route dumps asked for
}

// New returns a platform that does nothing until Start.
func New(l *loop.Loop, opts Options) *Platform {
	if opts.RcvBuf <= 0 {
		opts.RcvBuf = DefaultRcvBuf
	}
	if opts.ResyncBackoff <= 0 {
		opts.ResyncBackoff = time.Second
	}
	log := opts.Log
	if log == nil {
		log = slog.New(discardHandler{})
	}
	p := &Platform{loop: l, log: log, opts: opts, ioctlFD: -1}
	p.c = newCache(p)
	return p
}

type discardHandler struct{}

func (discardHandler) Enabled(context.Context, slog.Level) bool  { return false }
func (discardHandler) Handle(context.Context, slog.Record) error { return nil }
func (d discardHandler) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discardHandler) WithGroup(string) slog.Handler           { return d }

// Start opens the sockets, fills the cache from a dump of every object
// type, and starts following the kernel's events. Call it on the loop (or
// before the loop runs).
func (p *Platform) Start() error {
	if p.started {
		return errors.New("platform already started")
	}
	ns, err := openNetns(p.opts.Netns)
	if err != nil {
		return err
	}
	p.ns = ns
	var ev, dump *nl.Conn
	err = ns.do(func() error {
		var err error
		ev, err = nl.Dial(nl.Config{
			Groups: []uint32{unix.RTNLGRP_LINK, unix.RTNLGRP_IPV4_IFADDR, unix.RTNLGRP_IPV6_IFADDR,
				unix.RTNLGRP_IPV4_ROUTE, unix.RTNLGRP_IPV6_ROUTE, unix.RTNLGRP_IPV4_RULE,
				unix.RTNLGRP_IPV6_RULE},
			RcvBuf:   p.opts.RcvBuf,
			NonBlock: true,
		})
		if err != nil {
			return fmt.Errorf("event socket: %w", err)
		}
		if err := ev.SetFilter(routeFilter()); err != nil {
			return err
		}
		if dump, err = nl.Dial(nl.Config{RcvBuf: 4 << 20}); err != nil {
			return fmt.Errorf("dump socket: %w", err)
		}
		if p.req, err = nl.Dial(nl.Config{}); err != nil {
			return fmt.Errorf("request socket: %w", err)
		}
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			fd, err = unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
		}
		if err == nil {
			p.ioctlFD = fd
		}
		return nil
	})
	if err != nil {
		for _, c := range []*nl.Conn{ev, dump, p.req} {
			if c != nil {
				c.Close()
			}
		}
		ns.close()
		return fmt.Errorf("platform: %w", err)
	}
	p.started = true
	p.rd = newReader(ev, dump, p.opts.ResyncBackoff, p.loop.Post, p.drain)
	p.log.Debug(fmt.Sprintf("netlink: event socket receive buffer %d bytes", ev.RcvBuf()))
	// The first dump runs here, with the event socket already subscribed:
	// events that happen meanwhile queue up and are applied after it.
	p.rd.mu.Lock()
	p.rd.fullResync("start")
	p.rd.mu.Unlock()
	p.drain()
	go p.rd.run()
	return nil
}

// Close stops following the kernel. It may be called from any goroutine
// once the loop no longer calls the platform.
func (p *Platform) Close() {
	if !p.started || p.closed {
		return
	}
	p.closed = true
	p.rd.close()
	<-p.rd.done
	p.rd.ev.Close()
	p.rd.dump.Close()
	p.req.Close()
	if p.ioctlFD >= 0 {
		unix.Close(p.ioctlFD)
	}
	p.ns.close()
}

// drain applies what the reader handed over (on the loop).
func (p *Platform) drain() {
	if p.closed {
		return
	}
	for _, b := range p.rd.take() {
		p.applyBatch(b)
		p.rd.putBatch(b)
	}
	// Stamped once per hand-over rather than per change.
	if p.burst.dirty {
		p.burst.dirty = false
		p.burst.last = time.Now()
	}
	p.rd.unspec[0].Store(int64(p.c.unspec[0]))
	p.rd.unspec[1].Store(int64(p.c.unspec[1]))
}

// sync makes the cache show everything the kernel reported so far; the
// operations call it after the kernel acknowledged a change.
func (p *Platform) sync() {
	p.rd.catchUp()
	p.drain()
}

func (p *Platform) traceOn() bool {
	return p.log.Enabled(context.Background(), logging.SlogTrace)
}

func (p *Platform) applyBatch(b *batch) {
	trace := p.traceOn()
	for i := range b.evs {
		e := &b.evs[i]
		if trace && e.kind <= evRuleDel {
			logging.Trace(p.log, "event-notification: "+b.describe(e))
		}
		switch e.kind {
		case evLink:
			l := new(Link)
			*l = b.links[e.i]
			p.completeLink(l)
			p.c.setLink(l)
		case evLinkDel:
			p.c.removeLink(b.links[e.i].Index)
		case evAddr:
			a := new(Address)
			*a = b.addrs[e.i]
			p.c.setAddr(a, e.dump)
		case evAddrDel:
			p.c.removeAddr(&b.addrs[e.i])
		case evRoute:
			p.c.setRoute(&b.routes[e.i], e.nlflags, e.dump)
		case evRouteDel:
			p.c.removeRoute(&b.routes[e.i])
		case evRule:
			r := new(Rule)
			*r = b.rules[e.i]
			p.c.setRule(r)
		case evRuleDel:
			p.c.removeRule(&b.rules[e.i])
		case evResyncBegin:
			p.c.beginResync(e.scope)
		case evResyncEnd:
			p.c.endResync(e.scope)
			if e.reason == "interrupted" {
				p.log.Warn(fmt.Sprintf("resync: the %s dump kept being interrupted; trying again later", e.scope.typ))
				p.scheduleRetry()
			}
		case evResyncAbort:
			// Nothing is swept: what the cache holds stays until a dump
			// succeeds.
			p.c.pendingLinks, p.c.pendingAddrs, p.c.pendingRules = nil, nil, nil
			p.log.Warn(fmt.Sprintf("resync: %s: %s; trying again later", e.scope.typ, e.reason))
			p.scheduleRetry()
		case evOverrun:
			p.log.Info(fmt.Sprintf("netlink: the kernel dropped events (receive buffer full); resynchronizing the cache in %v", p.opts.ResyncBackoff))
		case evTruncated:
			p.log.Info("netlink: a message did not fit the receive buffer; resynchronizing the cache")
		case evResyncDone:
			p.log.Info(fmt.Sprintf("resync: cache resynchronized (%s): %s", e.reason, p.summary()))
		}
	}
	p.stats.malformed += int64(b.errs)
}

// scheduleRetry asks for a full resync in a while, once.
func (p *Platform) scheduleRetry() {
	if p.retryTimer != nil && p.retryTimer.Pending() {
		return
	}
	p.retryTimer = p.loop.AfterFunc(p.opts.ResyncBackoff, func() {
		p.rd.request(readerReq{kind: reqFull, why: "retry after a failed dump"})
	})
}

// completeLink settles the link's type and driver. As NetworkManager does,
// a link keeps what was found out about it while its name and kind stay.
func (p *Platform) completeLink(l *Link) {
	if old := p.c.links[l.Index]; old != nil && old.Name == l.Name && old.Kind == l.Kind {
		l.Driver = old.Driver
		if l.Type == LinkNone {
			l.Type = old.Type
		}
		return
	}
	l.Driver = ethtoolDriver(p.ioctlFD, l.Name)
	l.Type = classify(l, p.ns.own())
}

// emit is called by the cache for every change.
func (p *Platform) emit(c *Change) {
	p.stats.applied++
	if p.traceOn() {
		logging.Trace(p.log, "cache: "+c.String())
	}
	p.burst.note(p, c.Op)
	for _, s := range p.subs {
		s.record(c)
	}
}

// needRouteResync is called by the cache when events alone cannot tell
// what the kernel did to routes.
func (p *Platform) needRouteResync(t ObjectType, table uint32) {
	if p.traceOn() {
		logging.Trace(p.log, fmt.Sprintf("schedule resync of %s (table %d)", t, table))
	}
	p.stats.routeResyncs++
	if p.rd != nil {
		p.rd.request(readerReq{kind: reqRoutes, typ: t, table: table})
	}
}

// needLinkRefresh is called by the cache when the kernel changed a link
// without telling.
func (p *Platform) needLinkRefresh(index int32) {
	if p.rd != nil {
		p.rd.request(readerReq{kind: reqLink, index: index})
	}
}

// Stats are counters about the platform's work, for logs and tests.
type Stats struct {
	Links, Addresses, Routes4, Routes6, Rules int
	// Overruns counts times the kernel dropped events (ENOBUFS).
	Overruns int64
	// Resyncs counts full resynchronizations (including the first dump).
	Resyncs   int64
	Truncated int64
	// Datagrams counts event datagrams read.
	Datagrams int64
	// Changes counts cache changes.
	Changes   int64
	Malformed int64
	// RouteResyncs counts targeted route dumps asked for (replaced routes,
	// multipath routes losing a hop).
	RouteResyncs int64
	// InterruptedDumps counts dumps the kernel flagged as inconsistent
	// (NLM_F_DUMP_INTR), each then repeated.
	InterruptedDumps int64
}

// Stats returns the current counters.
func (p *Platform) Stats() Stats {
	s := Stats{Links: len(p.c.links), Routes4: p.c.r4.Len(), Routes6: p.c.r6.Len(), Rules: len(p.c.rules),
		Changes: p.stats.applied, Malformed: p.stats.malformed, RouteResyncs: p.stats.routeResyncs}
	for _, m := range p.c.addrs {
		s.Addresses += len(m)
	}
	if p.rd != nil {
		s.Overruns, s.Resyncs = p.rd.overruns.Load(), p.rd.resyncs.Load()
		s.Truncated, s.Datagrams = p.rd.truncated.Load(), p.rd.received.Load()
		s.InterruptedDumps = p.rd.interrupted.Load()
	}
	return s
}

func (p *Platform) summary() string {
	s := p.Stats()
	return fmt.Sprintf("%d links, %d addresses, %d IPv4 routes, %d IPv6 routes, %d rules",
		s.Links, s.Addresses, s.Routes4, s.Routes6, s.Rules)
}

// burstLog writes one debug line after a burst of changes has been
// applied, at most every 200 ms, always ending with the settled state. The
// line says when the last change was applied, so benchmarks can tell when
// the cache converged.
type burstLog struct {
	changes int64
	removed int64
	dirty   bool // changes since last was stamped
	last    time.Time
	logged  time.Time
	pending bool
	timer   *loop.Timer
}

const burstLogInterval = 200 * time.Millisecond

func (b *burstLog) note(p *Platform, op Op) {
	b.changes++
	if op == Removed {
		b.removed++
	}
	b.dirty = true
	if !b.pending {
		b.pending = true
		p.loop.Idle(b, func() { b.flush(p) })
	}
}

func (b *burstLog) flush(p *Platform) {
	if wait := burstLogInterval - time.Since(b.logged); wait > 0 {
		if b.timer == nil || !b.timer.Pending() {
			b.timer = p.loop.AfterFunc(wait, func() { b.flush(p) })
		}
		return
	}
	b.pending = false
	b.logged = time.Now()
	p.log.Debug(fmt.Sprintf("cache settled: %d changes, last at %.6f: %s",
		b.changes, float64(b.last.UnixNano())/1e9, p.summary()))
	if p.opts.Settled != nil {
		p.opts.Settled(Burst{Changes: b.changes, Removed: b.removed, Last: b.last, Stats: p.Stats()})
	}
	b.changes, b.removed = 0, 0
}

// ---- queries (on the loop) ----

// Link returns the link with this index.
func (p *Platform) Link(index int32) (*Link, bool) {
	l, ok := p.c.links[index]
	return l, ok
}

// LinkByName returns the link with this name.
func (p *Platform) LinkByName(name string) (*Link, bool) {
	i, ok := p.c.names[name]
	if !ok {
		return nil, false
	}
	return p.Link(i)
}

// Links returns all links, by index.
func (p *Platform) Links() []*Link {
	out := make([]*Link, 0, len(p.c.links))
	for _, l := range p.c.links {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// Addresses returns the addresses of one type (TypeIP4Address or
// TypeIP6Address) on a link, or on all links when index is 0, by link and
// then in NetworkManager's order: the addresses found by the last dump in
// the kernel's order, after them those announced since, newest first.
// IP4Config/IP6Config show them in this order.
func (p *Platform) Addresses(t ObjectType, index int32) []*Address {
	var out []*Address
	add := func(m map[addrKey]*Address) {
		for _, a := range m {
			if a.Type() == t {
				out = append(out, a)
			}
		}
	}
	if index != 0 {
		add(p.c.addrs[index])
	} else {
		for _, m := range p.c.addrs {
			add(m)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Index != out[j].Index {
			return out[i].Index < out[j].Index
		}
		return p.c.addrOrder[out[i]] < p.c.addrOrder[out[j]]
	})
	return out
}

// LookupAddress returns the cached address with a's identity (link and
// address; for IPv4 also prefix length and peer network, the peer being
// the address itself when a has none).
func (p *Platform) LookupAddress(a *Address) (*Address, bool) {
	k := *a
	if k.Is4() && !k.Peer.IsValid() {
		k.Peer = k.Address
	}
	x, ok := p.c.addrs[a.Index][k.key()]
	return x, ok
}

// LookupRoute returns the cached route with r's identity (Route.SameID).
// r must be complete as the kernel reports routes: type, table and
// protocol set, the destination masked (see prepRoute), IPv4 scope as the
// kernel gives it.
func (p *Platform) LookupRoute(r *Route) (Route, bool) {
	if !r.Dst.IsValid() {
		return Route{}, false
	}
	if r.Is4() {
		rec, ex := toRec4(r)
		slot, ok := p.c.r4.find(rec, ex)
		if !ok {
			return Route{}, false
		}
		x := p.c.r4.at(slot)
		out := fromRec4(x, p.c.r4.extra(x))
		out.Nexthops = append([]Nexthop(nil), out.Nexthops...)
		return out, true
	}
	rec, ex := toRec6(r)
	slot, ok := p.c.r6.find(rec, ex)
	if !ok {
		return Route{}, false
	}
	x := p.c.r6.at(slot)
	return fromRec6(x, p.c.r6.extra(x)), true
}

// Routes calls fn for each route of one type (TypeIP4Route or
// TypeIP6Route) on a link, or all routes when all is true, until fn
// returns false. A link's routes come in NetworkManager's order: those of
// the last dump in the kernel's order, then those added since, oldest
// first. The route passed is reused for the next call: copy it (*r) to
// keep it.
func (p *Platform) Routes(t ObjectType, index int32, all bool, fn func(*Route) bool) {
	if t == TypeIP4Route {
		p.c.routes4(index, all, fn)
	} else {
		p.c.routes6(index, all, fn)
	}
}

// RouteCount returns how many routes of a type are cached.
func (p *Platform) RouteCount(t ObjectType) int {
	if t == TypeIP4Route {
		return p.c.r4.Len()
	}
	return p.c.r6.Len()
}

// Rules returns the rules of one type (TypeIP4Rule or TypeIP6Rule).
func (p *Platform) Rules(t ObjectType) []*Rule {
	var out []*Rule
	for _, r := range p.c.rules {
		if r.ObjectType() == t {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Priority < out[j].Priority })
	return out
}
