package platform

import (
	"sort"
)

// Subscribers learn about cache changes on the loop, once per burst: the
// platform marks, per subscription, which object types changed on which
// link, and runs the subscription's callback on idle. The callback (or
// any later code on the loop) asks what changed since it last looked.
// This is NetworkManager's "platform change on idle": consumers never see
// the intermediate states of a burst, and a storm of 100k route events
// costs each subscriber one callback, not 100k.

// MaxDetails bounds the changes a subscription keeps per link between two
// looks; beyond it the list is dropped and Delta.Overflow tells the
// subscriber to re-read the cache instead.
const MaxDetails = 4096

// Filter selects the changes a subscription hears about.
type Filter struct {
	// Types to watch; 0 means all.
	Types Types
	// Index limits the subscription to one link (0: every link, and rules
	// and device-less routes, which belong to none).
	Index int32
	// Details keeps the changes themselves, not only which types changed.
	Details bool
}

// Delta is what changed for one link since the subscriber last looked.
type Delta struct {
	Index   int32
	Types   Types
	Changes []Change // in order; only with Filter.Details
	// Overflow means more than MaxDetails changes happened and Changes
	// was dropped: re-read the cache.
	Overflow bool
}

// Subscription is a registered interest in cache changes.
type Subscription struct {
	p         *Platform
	f         Filter
	fn        func(*Subscription)
	dirty     map[int32]*Delta
	scheduled bool
	closed    bool
}

// Subscribe registers fn to run on idle after changes matching f. Call it
// on the loop.
func (p *Platform) Subscribe(f Filter, fn func(*Subscription)) *Subscription {
	if f.Types == 0 {
		f.Types = AllTypes
	}
	s := &Subscription{p: p, f: f, fn: fn, dirty: map[int32]*Delta{}}
	p.subs = append(p.subs, s)
	return s
}

// Close stops the subscription.
func (s *Subscription) Close() {
	if s.closed {
		return
	}
	s.closed = true
	subs := s.p.subs[:0]
	for _, o := range s.p.subs {
		if o != s {
			subs = append(subs, o)
		}
	}
	s.p.subs = subs
}

// Pending lists the links (ascending) with changes not yet looked at.
func (s *Subscription) Pending() []int32 {
	out := make([]int32, 0, len(s.dirty))
	for k := range s.dirty {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Since returns what changed for the link since the last look, and
// forgets it. A zero Delta means nothing changed.
func (s *Subscription) Since(index int32) Delta {
	d := s.dirty[index]
	if d == nil {
		return Delta{Index: index}
	}
	delete(s.dirty, index)
	return *d
}

// TakeAll returns the deltas of every link, ascending, and forgets them.
func (s *Subscription) TakeAll() []Delta {
	idx := s.Pending()
	out := make([]Delta, 0, len(idx))
	for _, i := range idx {
		out = append(out, s.Since(i))
	}
	return out
}

func (s *Subscription) record(c *Change) {
	if s.closed || !s.f.Types.Has(c.Type) || (s.f.Index != 0 && s.f.Index != c.Index) {
		return
	}
	d := s.dirty[c.Index]
	if d == nil {
		d = &Delta{Index: c.Index}
		s.dirty[c.Index] = d
	}
	d.Types |= c.Type.Bit()
	if s.f.Details && !d.Overflow {
		if len(d.Changes) >= MaxDetails {
			d.Changes, d.Overflow = nil, true
		} else {
			d.Changes = append(d.Changes, c.detach())
		}
	}
	if !s.scheduled {
		s.scheduled = true
		s.p.loop.Idle(s, s.fire)
	}
}

func (s *Subscription) fire() {
	s.scheduled = false
	if s.closed || len(s.dirty) == 0 {
		return
	}
	s.fn(s)
}

// detach copies a change so it can be kept: the route's hops may alias a
// batch that is reused. Links, addresses and rules are immutable
// snapshots already.
func (c *Change) detach() Change {
	out := *c
	if len(out.Route.Nexthops) > 0 {
		out.Route.Nexthops = append([]Nexthop(nil), out.Route.Nexthops...)
	}
	return out
}
