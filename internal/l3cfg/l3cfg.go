package l3cfg

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"time"

	"github.com/gonm/gonm/internal/platform"
)

// L3Cfg is the IP configuration of one interface. Get one from
// Registry.Acquire; call every method on the loop.
type L3Cfg struct {
	reg       *Registry
	index     int32
	log       *slog.Logger
	refs      int
	destroyed bool

	entries []*entry
	seq     uint64
	// dirty: contributions (or the ACD state of their addresses) changed
	// since the last merge.
	dirty bool

	handles []*CommitHandle
	// sticky: the last commit was UPDATE or higher, so the next one is at
	// least UPDATE, to remove what that one added even if every holder
	// of UPDATE let go meanwhile.
	sticky bool

	cur       *merged // latest merge
	committed *merged // merge of the last commit

	idleCommit     bool
	idleCommitType CommitType

	objs   map[objKey]*objState
	tempNA map[objKey]tempNA // routes the kernel refused for now

	acd acdSet
	dad map[netip.Addr]dadState

	watchers []*watcher
	link     platform.Link
	hasLink  bool

	// restored marks objects a previous run configured (Restore).
	restored map[objKey]bool

	sysctls ip6Sysctls
}

// tempNA is a route the kernel refused for now, and since when.
type tempNA struct {
	since time.Time
	route platform.Route
}

type watcher struct {
	fn   func(Event)
	dead bool
}

// CommitHandle is a registration of a commit level (RegisterCommitType).
type CommitHandle struct {
	l      *L3Cfg
	t      CommitType
	source string
	dead   bool
}

func newL3Cfg(r *Registry, ifindex int32) *L3Cfg {
	l := &L3Cfg{
		reg:    r,
		index:  ifindex,
		log:    r.log.With(),
		objs:   map[objKey]*objState{},
		tempNA: map[objKey]tempNA{},
		dad:    map[netip.Addr]dadState{},
	}
	l.acd.init(l)
	if lk, ok := r.p.Link(ifindex); ok {
		l.link, l.hasLink = *lk, true
	}
	return l
}

// Index returns the interface index.
func (l *L3Cfg) Index() int32 { return l.index }

// Platform returns the platform the L3Cfg commits to (the IP config
// objects read the interface's addresses and routes from it).
func (l *L3Cfg) Platform() Platform { return l.reg.p }

// Retain takes another reference (holders of an L3Cfg obtained from
// someone else, such as its IP config objects, keep it alive this way).
func (l *L3Cfg) Retain() {
	if !l.destroyed {
		l.refs++
	}
}

// Release drops a reference taken with Registry.Acquire or Retain. The
// last one forgets the L3Cfg (what it configured stays on the interface).
func (l *L3Cfg) Release() {
	if l.refs <= 0 {
		return
	}
	l.refs--
	if l.refs == 0 {
		l.reg.release(l)
	}
}

func (l *L3Cfg) destroy() {
	if l.destroyed {
		return
	}
	l.destroyed = true
	l.acd.stopAll()
	l.watchers = nil
}

func (l *L3Cfg) logf(level slog.Level, format string, args ...any) {
	if !l.log.Enabled(context.Background(), level) {
		return
	}
	l.log.Log(context.Background(), level, fmt.Sprintf("l3cfg[ifindex=%d]: ", l.index)+fmt.Sprintf(format, args...))
}

func (l *L3Cfg) debugf(format string, args ...any) { l.logf(slog.LevelDebug, format, args...) }

// ---- contributions ----

// AddConfig registers (or replaces) the contribution under tag and reports
// whether anything changed. Nothing reaches the interface until the next
// commit (Commit, ScheduleCommit). cfg must not be modified afterwards.
func (l *L3Cfg) AddConfig(tag any, cfg *Config, opts ConfigOptions) bool {
	if cfg == nil {
		cfg = &Config{}
	}
	if opts.ACDTimeout > ACDTimeoutMax {
		opts.ACDTimeout = ACDTimeoutMax
	}
	for _, e := range l.entries {
		if e.tag != tag {
			continue
		}
		force := opts.Flags&ForceOnce != 0
		same := e.cfg.Equal(cfg) && e.opts == opts
		if same && (!force || e.forceOnce) {
			return false
		}
		if !same {
			// A new version of the contribution ranks after the older
			// ones of its priority, as in NetworkManager.
			l.seq++
			e.cfg, e.opts, e.seq = cfg, opts, l.seq
		}
		if force {
			e.forceOnce = true
		}
		l.dirty = true
		l.debugf("config %v updated (priority %d)", tagName(tag), opts.Priority)
		return true
	}
	l.seq++
	l.entries = append(l.entries, &entry{tag: tag, cfg: cfg, opts: opts, seq: l.seq, forceOnce: opts.Flags&ForceOnce != 0})
	l.dirty = true
	l.debugf("config %v added (priority %d)", tagName(tag), opts.Priority)
	return true
}

// RemoveConfig drops the contribution under tag and reports whether there
// was one. The next commit removes what only it asked for.
func (l *L3Cfg) RemoveConfig(tag any) bool {
	for i, e := range l.entries {
		if e.tag == tag {
			l.entries = slices.Delete(l.entries, i, i+1)
			l.dirty = true
			l.debugf("config %v removed", tagName(tag))
			return true
		}
	}
	return false
}

// HasConfig reports whether a contribution is registered under tag.
func (l *L3Cfg) HasConfig(tag any) bool {
	for _, e := range l.entries {
		if e.tag == tag {
			return true
		}
	}
	return false
}

func tagName(tag any) string {
	if s, ok := tag.(fmt.Stringer); ok {
		return s.String()
	}
	if s, ok := tag.(string); ok {
		return s
	}
	return fmt.Sprintf("%T", tag)
}

// Config returns the merge of all contributions (committed: the one the
// last commit applied, which is what the interface carries and what D-Bus
// shows for DNS). Routes are resolved: metrics and tables filled in, the
// prefix routes of the addresses added. Nil when there is none.
func (l *L3Cfg) Config(committed bool) *Config {
	if committed {
		if l.committed == nil {
			return nil
		}
		return l.committed.cfg
	}
	l.remerge(false)
	if l.cur == nil {
		return nil
	}
	return l.cur.cfg
}

// remerge recomputes the merge if contributions changed.
func (l *L3Cfg) remerge(forCommit bool) {
	if !l.dirty && l.cur != nil {
		return
	}
	l.dirty = false
	var m *merged
	if len(l.entries) > 0 {
		if forCommit {
			l.acd.sync(sortEntries(l.entries))
		}
		m = mergeConfigs(l.index, sortEntries(l.entries), l.isLoopback(), l.acd.pending)
	}
	old := l.cur
	l.cur = m
	if !mergedEqual(old, m) {
		l.emit(Event{Type: EventConfigChanged, Old: cfgOf(old), New: cfgOf(m)})
	}
}

func cfgOf(m *merged) *Config {
	if m == nil {
		return nil
	}
	return m.cfg
}

func mergedEqual(a, b *merged) bool {
	if a == nil || b == nil {
		return a == b
	}
	if !a.cfg.Equal(b.cfg) {
		return false
	}
	for i := range a.addrs {
		if !slices.EqualFunc(a.addrs[i], b.addrs[i], func(x, y mAddr) bool {
			return x.acdPending == y.acdPending && x.force == y.force
		}) {
			return false
		}
	}
	return true
}

func (l *L3Cfg) isLoopback() bool {
	return l.hasLink && l.link.Type == platform.LinkLoopback
}

// ---- commit levels ----

// RegisterCommitType says that a holder (a device, a DHCP client ...)
// wants commits of at least level t. CommitAuto commits run at the highest
// registered level; without any registration they do nothing.
func (l *L3Cfg) RegisterCommitType(t CommitType, source string) *CommitHandle {
	h := &CommitHandle{l: l, t: t, source: source}
	l.handles = append(l.handles, h)
	l.debugf("commit type register (type %q, source %q)", t, source)
	return h
}

// Update changes the level of a registration.
func (h *CommitHandle) Update(t CommitType) {
	if h.dead || h.t == t {
		return
	}
	h.t = t
	h.l.debugf("commit type update (type %q, source %q)", t, h.source)
}

// Unregister withdraws the registration.
func (h *CommitHandle) Unregister() {
	if h.dead {
		return
	}
	h.dead = true
	l := h.l
	l.handles = slices.DeleteFunc(l.handles, func(x *CommitHandle) bool { return x == h })
	l.debugf("commit type unregister (type %q, source %q)", h.t, h.source)
}

// CommitType returns the highest registered commit level (CommitNone when
// nobody registered).
func (l *L3Cfg) CommitType() CommitType {
	t := CommitNone
	for _, h := range l.handles {
		t = max(t, h.t)
	}
	return t
}

// ResetSticky forgets that the last commit was an UPDATE (NetworkManager
// does that when a device becomes external: the next commit then leaves
// the interface alone).
func (l *L3Cfg) ResetSticky() { l.sticky = false }

// ---- watchers ----

// Watch calls fn for every event of the L3Cfg (on the loop) until cancel
// is called.
func (l *L3Cfg) Watch(fn func(Event)) (cancel func()) {
	w := &watcher{fn: fn}
	l.watchers = append(l.watchers, w)
	return func() {
		if w.dead {
			return
		}
		w.dead = true
		l.watchers = slices.DeleteFunc(l.watchers, func(x *watcher) bool { return x == w })
	}
}

func (l *L3Cfg) emit(e Event) {
	for _, w := range slices.Clone(l.watchers) {
		if !w.dead {
			w.fn(e)
		}
	}
}

// ---- scheduling ----

// ScheduleCommit commits on idle, after the current burst of work, at
// level t or the registered level, whichever is higher. Several requests
// before that give one commit at the highest level asked for.
func (l *L3Cfg) ScheduleCommit(t CommitType) {
	if l.destroyed {
		return
	}
	if l.idleCommit {
		l.idleCommitType = max(l.idleCommitType, t)
		return
	}
	l.idleCommit, l.idleCommitType = true, t
	l.reg.loop.Idle(l.commitKey(), func() {
		if !l.idleCommit || l.destroyed {
			return
		}
		l.commit(l.idleCommitType, true)
	})
}

type commitKey struct{ l *L3Cfg }

func (l *L3Cfg) commitKey() any { return commitKey{l} }

// CommitScheduled reports whether a commit waits for idle.
func (l *L3Cfg) CommitScheduled() bool { return l.idleCommit }

// Commit commits now, at level t or the registered level, whichever is
// higher, and returns what it did (also sent as EventPostCommit). A
// scheduled commit is merged into this one.
func (l *L3Cfg) Commit(t CommitType) *CommitResult {
	return l.commit(t, false)
}

// ---- readiness ----

// CheckReady reports whether the configuration committed for family f is
// usable: with ReadyIP4ACD, every IPv4 address of cfg (nil: the committed
// merge) passed conflict detection; with ReadyIP6DAD, none of its IPv6
// addresses on the interface is still tentative. conflicts lists the
// addresses another host holds (ACD used/conflict, or IPv6 dadfailed).
func (l *L3Cfg) CheckReady(f Family, cfg *Config, flags ReadyFlags) (ready bool, conflicts []netip.Addr) {
	if cfg == nil {
		cfg = l.Config(true)
	}
	if cfg == nil {
		return true, nil
	}
	ready = true
	if f == IPv4 && flags&ReadyIP4ACD != 0 {
		for _, a := range cfg.IPv4.Addresses {
			st, ok := l.acd.state(a.Prefix.Addr())
			if !ok {
				continue
			}
			switch st {
			case ACDUsed, ACDConflict:
				conflicts = append(conflicts, a.Prefix.Addr())
			case ACDInit, ACDProbing:
				ready = false
			}
		}
	}
	if f == IPv6 && flags&ReadyIP6DAD != 0 {
		for _, a := range cfg.IPv6.Addresses {
			pa, ok := l.reg.p.LookupAddress(&platform.Address{Index: l.index, Address: a.Prefix.Addr(), PrefixLen: uint8(a.Prefix.Bits())})
			if !ok {
				// Not there (yet): only external removal makes that final,
				// and then it does not hold the interface up.
				if st := l.objs[addrObjKey(a.key())]; st != nil && !st.wasIn {
					ready = false
				}
				continue
			}
			if pa.DADFailed() {
				conflicts = append(conflicts, a.Prefix.Addr())
			} else if pa.Tentative() && pa.Flags&optimistic == 0 {
				ready = false
			}
		}
	}
	return ready, conflicts
}

// ACDState returns the conflict-detection state of an IPv4 address that
// some contribution asked to probe.
func (l *L3Cfg) ACDState(addr netip.Addr) (ACDState, bool) { return l.acd.state(addr) }

// ACDPending reports whether some address is still being probed.
func (l *L3Cfg) ACDPending() bool { return l.acd.anyPending() }
