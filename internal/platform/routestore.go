package platform

import (
	"math/bits"
	"net/netip"
)

// The route store keeps routes in compact, pointer-free records (48 bytes
// for IPv4, 68 for IPv6) in fixed-size chunks, found through an
// open-addressing index of 32-bit slot numbers and chained per interface.
// Rare fields (metrics, multipath hops, IPv6 source prefix and preferred
// source) live in a side table referenced by number. Because records hold
// no pointers the garbage collector never scans them, and 100k routes take
// about 5 MB. The store shrinks itself when most routes are gone, so the
// memory can go back to the system.

const chunkSize = 1024

// routeExtra holds the fields few routes have.
type routeExtra struct {
	src      netip.Prefix
	prefSrc  netip.Addr // IPv6
	metrics  RouteMetrics
	nhid     uint32
	weight   uint16
	hops     []Nexthop
	inUse    bool
	freeNext uint32
}

func (e *routeExtra) equal(o *routeExtra) bool {
	if e.src != o.src || e.prefSrc != o.prefSrc || e.metrics != o.metrics || e.nhid != o.nhid ||
		e.weight != o.weight || len(e.hops) != len(o.hops) {
		return false
	}
	for i := range e.hops {
		if e.hops[i] != o.hops[i] {
			return false
		}
	}
	return true
}

// record is what the generic store needs from a compact route record.
type record[R any] interface {
	*R
	// hashID hashes the identity fields (not the extras).
	hashID() uint64
	// sameID compares identity, given both records' extras.
	sameID(o *R, ex, ox *routeExtra) bool
	// sameValue compares the fields outside the identity (IPv6 only).
	sameValue(o *R, ex, ox *routeExtra) bool
	// sameWeak compares what a replace request matches on.
	sameWeak(o *R, ex, ox *routeExtra) bool
	hdr() *recHdr
	// state holds the stUsed and stMark bits.
	state() *uint8
}

// recHdr is the bookkeeping every record carries.
type recHdr struct {
	index      int32
	extra      uint32 // 1-based into extras; 0 = none
	prev, next uint32 // per-interface chain, slot+1; 0 = end
}

// Record state bits.
const (
	stUsed = 1 << iota
	stMark // seen during the current resync
)

// ifChain lists an interface's routes, oldest first, as NetworkManager's
// cache does (new routes go to the end; a dump moves the routes it shows
// to the end in the kernel's order).
type ifChain struct {
	head, tail uint32 // slot+1
	n          int32
}

type routeStore[R any, P record[R]] struct {
	chunks [][]R
	free   []uint32
	live   int
	idx    []uint32 // slot+1; 0 empty; tomb deleted
	tags   []uint8  // top bits of each entry's hash, to skip most records unread
	tombs  int
	byIf   map[int32]ifChain
	extras []routeExtra
	exFree uint32 // 1-based head of free extras
	exLive int
	// walking suspends shrinking while forAll/forIndex run.
	walking int
	// probe holds the record being looked up. Taking the address of a
	// caller's local would move it to the heap (the record methods are
	// called through the generic dictionary), one allocation per event.
	probe R
}

const tomb = ^uint32(0)

func newRouteStore[R any, P record[R]]() *routeStore[R, P] {
	return &routeStore[R, P]{byIf: map[int32]ifChain{}}
}

func (s *routeStore[R, P]) Len() int { return s.live }

func (s *routeStore[R, P]) at(slot uint32) P {
	return P(&s.chunks[slot/chunkSize][slot%chunkSize])
}

func (s *routeStore[R, P]) extra(p P) *routeExtra {
	if e := p.hdr().extra; e != 0 {
		return &s.extras[e-1]
	}
	return nil
}

// find returns the slot of the record with the same identity as rec
// (whose extras are ex), or false.
func (s *routeStore[R, P]) find(rec R, ex *routeExtra) (uint32, bool) {
	if len(s.idx) == 0 {
		return 0, false
	}
	s.probe = rec
	r := P(&s.probe)
	h := r.hashID()
	tag := uint8(h >> 56)
	mask := uint32(len(s.idx) - 1)
	i := uint32(h) & mask
	for {
		v := s.idx[i]
		if v == 0 {
			return 0, false
		}
		if v != tomb && s.tags[i] == tag {
			c := s.at(v - 1)
			if c.hdr().index == r.hdr().index && c.sameID((*R)(r), s.extra(c), ex) {
				return v - 1, true
			}
		}
		i = (i + 1) & mask
	}
}

// weakOthers counts the records sharing rec's weak identity, other than
// the one in slot skip (pass ^uint32(0) to skip none).
func (s *routeStore[R, P]) weakOthers(rec R, ex *routeExtra, skip uint32) int {
	if len(s.idx) == 0 {
		return 0
	}
	s.probe = rec
	r := P(&s.probe)
	n := 0
	mask := uint32(len(s.idx) - 1)
	i := uint32(r.hashID()) & mask
	for {
		v := s.idx[i]
		if v == 0 {
			return n
		}
		if v != tomb && v-1 != skip {
			c := s.at(v - 1)
			if c.sameWeak((*R)(r), s.extra(c), ex) {
				n++
			}
		}
		i = (i + 1) & mask
	}
}

// forWeak calls fn for every record sharing the weak identity of the
// record in slot.
func (s *routeStore[R, P]) forWeak(slot uint32, fn func(slot uint32, p P)) {
	r := s.at(slot)
	ex := s.extra(r)
	mask := uint32(len(s.idx) - 1)
	i := uint32(r.hashID()) & mask
	for {
		v := s.idx[i]
		if v == 0 {
			return
		}
		if v != tomb {
			c := s.at(v - 1)
			if c.sameWeak((*R)(r), s.extra(c), ex) {
				fn(v-1, c)
			}
		}
		i = (i + 1) & mask
	}
}

func (s *routeStore[R, P]) allocSlot() uint32 {
	if n := len(s.free); n > 0 {
		slot := s.free[n-1]
		s.free = s.free[:n-1]
		return slot
	}
	base := uint32(len(s.chunks) * chunkSize)
	s.chunks = append(s.chunks, make([]R, chunkSize))
	// Hand out the new chunk's slots lowest first.
	for i := uint32(chunkSize - 1); i >= 1; i-- {
		s.free = append(s.free, base+i)
	}
	return base
}

func (s *routeStore[R, P]) allocExtra(e routeExtra) uint32 {
	e.inUse = true
	s.exLive++
	if s.exFree != 0 {
		i := s.exFree
		s.exFree = s.extras[i-1].freeNext
		s.extras[i-1] = e
		return i
	}
	s.extras = append(s.extras, e)
	return uint32(len(s.extras))
}

func (s *routeStore[R, P]) freeExtra(i uint32) {
	if i == 0 {
		return
	}
	s.extras[i-1] = routeExtra{freeNext: s.exFree}
	s.exFree = i
	s.exLive--
	if s.exLive == 0 {
		s.extras, s.exFree = nil, 0
	}
}

// insert adds r (with extras ex, may be nil), which must not be present.
func (s *routeStore[R, P]) insert(r R, ex *routeExtra) uint32 {
	if (s.live+s.tombs+1)*2 > len(s.idx) {
		s.rehash(s.live + 1)
	}
	slot := s.allocSlot()
	p := s.at(slot)
	*p = r
	h := p.hdr()
	*p.state() = stUsed
	h.extra = 0
	if ex != nil {
		h.extra = s.allocExtra(*ex)
	}
	s.link(slot, h)
	s.indexAdd(slot, p)
	s.live++
	return slot
}

func (s *routeStore[R, P]) indexAdd(slot uint32, p P) {
	h := p.hashID()
	mask := uint32(len(s.idx) - 1)
	i := uint32(h) & mask
	for s.idx[i] != 0 && s.idx[i] != tomb {
		i = (i + 1) & mask
	}
	if s.idx[i] == tomb {
		s.tombs--
	}
	s.idx[i] = slot + 1
	s.tags[i] = uint8(h >> 56)
}

func (s *routeStore[R, P]) link(slot uint32, h *recHdr) {
	c := s.byIf[h.index]
	h.prev, h.next = c.tail, 0
	if c.tail != 0 {
		s.at(c.tail - 1).hdr().next = slot + 1
	} else {
		c.head = slot + 1
	}
	c.tail = slot + 1
	c.n++
	s.byIf[h.index] = c
}

// moveToTail moves a record to the end of its interface's chain.
func (s *routeStore[R, P]) moveToTail(slot uint32) {
	h := s.at(slot).hdr()
	if s.byIf[h.index].tail == slot+1 {
		return
	}
	s.unlink(slot, h)
	s.link(slot, h)
}

func (s *routeStore[R, P]) unlink(slot uint32, h *recHdr) {
	c := s.byIf[h.index]
	if h.prev != 0 {
		s.at(h.prev - 1).hdr().next = h.next
	} else {
		c.head = h.next
	}
	if h.next != 0 {
		s.at(h.next - 1).hdr().prev = h.prev
	} else {
		c.tail = h.prev
	}
	c.n--
	if c.n == 0 {
		delete(s.byIf, h.index)
	} else {
		s.byIf[h.index] = c
	}
}

// remove deletes the record in slot.
func (s *routeStore[R, P]) remove(slot uint32) {
	p := s.at(slot)
	h := p.hdr()
	mask := uint32(len(s.idx) - 1)
	i := uint32(p.hashID()) & mask
	for s.idx[i] != slot+1 {
		i = (i + 1) & mask
	}
	s.idx[i] = tomb
	s.tombs++
	s.unlink(slot, h)
	s.freeExtra(h.extra)
	var zero R
	*p = zero
	s.free = append(s.free, slot)
	s.live--
	s.maybeShrink()
}

// replaceValue overwrites the non-identity fields of the record in slot.
func (s *routeStore[R, P]) replaceValue(slot uint32, r R, ex *routeExtra) {
	p := s.at(slot)
	old, st := *p.hdr(), *p.state()
	*p = r
	h := p.hdr()
	h.index, h.prev, h.next = old.index, old.prev, old.next
	*p.state() = st
	s.freeExtra(old.extra)
	h.extra = 0
	if ex != nil {
		h.extra = s.allocExtra(*ex)
	}
}

func (s *routeStore[R, P]) rehash(want int) {
	n := 64
	for n < want*2+2 {
		n *= 2
	}
	s.idx = make([]uint32, n)
	s.tags = make([]uint8, n)
	s.tombs = 0
	for ci := range s.chunks {
		for j := range s.chunks[ci] {
			p := P(&s.chunks[ci][j])
			if *p.state()&stUsed != 0 {
				s.indexAdd(uint32(ci*chunkSize+j), p)
			}
		}
	}
}

// maybeShrink rebuilds the store compactly once three quarters of its
// room is unused, so that memory of deleted routes is released.
func (s *routeStore[R, P]) maybeShrink() {
	if s.walking > 0 {
		return
	}
	capacity := len(s.chunks) * chunkSize
	if s.live == 0 {
		*s = routeStore[R, P]{byIf: map[int32]ifChain{}}
		return
	}
	if capacity <= 2*chunkSize || s.live*4 > capacity {
		if len(s.idx) > 256 && s.live*8 < len(s.idx) {
			s.rehash(s.live)
		}
		return
	}
	old := s.chunks
	oldExtras := s.extras
	oldByIf := s.byIf
	*s = routeStore[R, P]{byIf: make(map[int32]ifChain, len(oldByIf))}
	s.rehash(s.live)
	// Chain by chain, so that each interface keeps its order.
	for _, c := range oldByIf {
		for v := c.head; v != 0; {
			p := P(&old[(v-1)/chunkSize][(v-1)%chunkSize])
			h := p.hdr()
			next := h.next
			st := *p.state()
			var ex *routeExtra
			if h.extra != 0 {
				ex = &oldExtras[h.extra-1]
			}
			slot := s.insert(*p, ex)
			*s.at(slot).state() = st
			v = next
		}
	}
}

// forIndex calls fn for each record of an interface until fn returns false.
// fn may remove the record it is given.
func (s *routeStore[R, P]) forIndex(index int32, fn func(slot uint32, p P) bool) {
	c, ok := s.byIf[index]
	if !ok {
		return
	}
	s.walking++
	defer s.endWalk()
	for v := c.head; v != 0; {
		p := s.at(v - 1)
		next := p.hdr().next
		if !fn(v-1, p) {
			return
		}
		v = next
	}
}

// forAll calls fn for every record until it returns false. fn may remove
// the record it is given (the store does not shrink during the walk).
func (s *routeStore[R, P]) forAll(fn func(slot uint32, p P) bool) {
	s.walking++
	defer s.endWalk()
	for ci := 0; ci < len(s.chunks); ci++ {
		chunk := s.chunks[ci]
		for j := range chunk {
			p := P(&chunk[j])
			if *p.state()&stUsed != 0 && !fn(uint32(ci*chunkSize+j), p) {
				return
			}
		}
	}
}

// indexes returns the interfaces that have routes.
func (s *routeStore[R, P]) indexes() []int32 {
	out := make([]int32, 0, len(s.byIf))
	for k := range s.byIf {
		out = append(out, k)
	}
	return out
}

// Hashing: a small multiply-xorshift mixer; identity fields are folded in
// 64 bits at a time.
func mix(h, v uint64) uint64 {
	hi, lo := bits.Mul64(h^v, 0x9E3779B97F4A7C15)
	return hi ^ lo
}

func (s *routeStore[R, P]) endWalk() {
	s.walking--
	if s.walking == 0 {
		s.maybeShrink()
	}
}
