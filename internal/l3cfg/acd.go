package l3cfg

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/acd"
	"github.com/gonm/gonm/internal/platform"
)

// IPv4 address conflict detection, per interface (NetworkManager runs it
// in NML3Cfg, because whether to probe an address depends on every
// contribution that has it: a static address with ACD off, obtained also
// by DHCP with ACD on, is not probed; an address already on the interface,
// as after a restart, is not probed again).
//
// An address some contribution wants probed waits (ACDInit, ACDProbing)
// and is configured once the probe found it free (ACDReady), then
// announced and defended (ACDDefending) as its contributions' defend mode
// says. An address another host uses is not configured (ACDUsed); one
// lost after configuring (ACDConflict) is removed by the next commit.
// Every change of state is an EventACD.

const (
	// acdDefendInterval: a second claim within this time after defending
	// once wins (RFC 5227 DEFEND_INTERVAL).
	acdDefendInterval = 10 * time.Second
	// acdAnnounceInterval between announcements (RFC 5227).
	acdAnnounceInterval = 2 * time.Second
)

type acdSet struct {
	l     *L3Cfg
	addrs map[netip.Addr]*acdAddr
	hub   *arpHub
	// hubErr: the interface cannot do ARP (no Ethernet link, socket
	// failed); probing is skipped and addresses count as free.
	hubFailed bool
}

type acdAddr struct {
	addr     netip.Addr
	state    ACDState
	timeout  time.Duration
	defend   ACDDefend
	gen      uint64
	cancel   context.CancelFunc
	defended time.Time
	wanted   bool
}

func (s *acdSet) init(l *L3Cfg) {
	s.l = l
	s.addrs = map[netip.Addr]*acdAddr{}
}

func (s *acdSet) state(a netip.Addr) (ACDState, bool) {
	x := s.addrs[a]
	if x == nil {
		return 0, false
	}
	return x.state, true
}

func (s *acdSet) anyPending() bool {
	for _, x := range s.addrs {
		if x.state == ACDInit || x.state == ACDProbing {
			return true
		}
	}
	return false
}

// pending reports whether an IPv4 address of a contribution must wait:
// some contribution asked to probe it and the probe has not found it free.
func (s *acdSet) pending(e *entry, a netip.Addr) bool {
	x := s.addrs[a]
	if x == nil {
		return false
	}
	switch x.state {
	case ACDReady, ACDDefending, ACDExternalRemoved:
		return false
	}
	return true
}

// sync reconciles the addresses to probe with the contributions (before a
// merge for a commit).
func (s *acdSet) sync(es []*entry) {
	type want struct {
		timeout time.Duration
		defend  ACDDefend
		off     bool
	}
	wants := map[netip.Addr]*want{}
	var order []netip.Addr
	for _, e := range es {
		for _, a := range e.cfg.IPv4.Addresses {
			addr := a.Prefix.Addr()
			if !addr.Is4() {
				continue
			}
			w := wants[addr]
			if w == nil {
				w = &want{}
				wants[addr] = w
				order = append(order, addr)
			}
			if e.opts.ACDTimeout <= 0 {
				w.off = true
				continue
			}
			w.timeout = max(w.timeout, e.opts.ACDTimeout)
			w.defend = max(w.defend, e.opts.ACDDefend)
		}
	}
	for a, x := range s.addrs {
		w := wants[a]
		if w == nil || w.off {
			s.stop(x)
			delete(s.addrs, a)
		}
	}
	for _, a := range order {
		w := wants[a]
		if w.off {
			continue
		}
		if w.defend == ACDDefendDefault {
			w.defend = ACDDefendOnce
		}
		x := s.addrs[a]
		if x == nil {
			x = &acdAddr{addr: a, timeout: w.timeout, defend: w.defend}
			s.addrs[a] = x
			s.start(x)
			continue
		}
		x.timeout, x.defend = w.timeout, w.defend
	}
}

// start begins ACD for a new address.
func (s *acdSet) start(x *acdAddr) {
	l := s.l
	if s.onInterface(x.addr) {
		// Already configured (by an earlier run, or someone else): no
		// new probe, it is ours to defend.
		l.debugf("acd: %s already on the interface: no probe", x.addr)
		s.set(x, ACDReady, "")
		return
	}
	s.probe(x)
}

func (s *acdSet) onInterface(a netip.Addr) bool {
	for _, pa := range s.l.reg.p.Addresses(platform.TypeIP4Address, s.l.index) {
		if pa.Address == a {
			return true
		}
	}
	return false
}

func (s *acdSet) probe(x *acdAddr) {
	l := s.l
	s.stop(x)
	x.gen++
	gen := x.gen
	hub := s.ensureHub()
	if hub == nil {
		l.debugf("acd: %s: the interface cannot do ARP: taken as free", x.addr)
		s.set(x, ACDReady, "")
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	x.cancel = cancel
	in := hub.subscribe()
	s.set(x, ACDProbing, "")
	addr, timeout := x.addr, x.timeout
	go func() {
		defer hub.unsubscribe(in)
		res, err := acd.Probe(ctx, hub.conn, in, addr, timeout, nil)
		if ctx.Err() != nil {
			return
		}
		l.reg.loop.Post(func() { s.probeDone(addr, gen, res, err) })
	}()
}

func (s *acdSet) probeDone(addr netip.Addr, gen uint64, res acd.Result, err error) {
	x := s.addrs[addr]
	if x == nil || x.gen != gen || s.l.destroyed {
		return
	}
	x.cancel = nil
	switch {
	case err != nil:
		// The socket failed: do as NetworkManager when ACD cannot run.
		s.l.logf(levelWarn, "acd: probing %s failed: %v; taking it as free", addr, err)
		s.set(x, ACDReady, "")
	case res.Conflict:
		s.l.logf(levelWarn, "acd: %s is used by %s: not configuring it", addr, res.By)
		s.set(x, ACDUsed, res.By.String())
	default:
		s.l.debugf("acd: %s is free", addr)
		s.set(x, ACDReady, "")
	}
}

// set changes an address's state, makes the next merge see it and tells
// the watchers.
func (s *acdSet) set(x *acdAddr, st ACDState, by string) {
	if x.state == st && st != ACDUsed {
		return
	}
	old := x.state
	x.state = st
	l := s.l
	pendingBefore := old != ACDReady && old != ACDDefending && old != ACDExternalRemoved
	pendingNow := st != ACDReady && st != ACDDefending && st != ACDExternalRemoved
	if pendingBefore != pendingNow || st == ACDConflict {
		l.dirty = true
		l.ScheduleCommit(CommitAuto)
	}
	l.emit(Event{Type: EventACD, Addr: x.addr, ACD: st, Conflict: by})
}

func (s *acdSet) stop(x *acdAddr) {
	if x.cancel != nil {
		x.cancel()
		x.cancel = nil
	}
	x.gen++
}

func (s *acdSet) stopAll() {
	for _, x := range s.addrs {
		s.stop(x)
	}
	if s.hub != nil {
		s.hub.close()
		s.hub = nil
	}
}

// ensureHub opens the interface's ARP socket once.
func (s *acdSet) ensureHub() *arpHub {
	if s.hub != nil {
		return s.hub
	}
	l := s.l
	lk, ok := l.reg.p.Link(l.index)
	if !ok || lk.ARPType != unix.ARPHRD_ETHER || lk.Addr.Len() != 6 || lk.Flags&unix.IFF_NOARP != 0 {
		return nil
	}
	hw := net.HardwareAddr(lk.Addr.Bytes())
	conn, err := l.reg.opts.OpenARP(l.index, hw)
	if err != nil {
		l.logf(levelWarn, "acd: %v", err)
		return nil
	}
	s.hub = newARPHub(conn, func(p acd.Packet) {
		l.reg.loop.Post(func() { s.packet(p) })
	})
	return s.hub
}

// afterCommit announces the addresses a commit just made usable and
// starts defending them.
func (s *acdSet) afterCommit(res *CommitResult) {
	for _, a := range sortedAddrs(s.addrs) {
		x := s.addrs[a]
		if x.state != ACDReady || !s.onInterface(a) {
			continue
		}
		s.set(x, ACDDefending, "")
		s.announce(x)
	}
}

func (s *acdSet) announce(x *acdAddr) {
	hub := s.ensureHub()
	if hub == nil {
		return
	}
	x.gen++
	gen := x.gen
	var send func(n int)
	send = func(n int) {
		if s.addrs[x.addr] != x || x.gen != gen || x.state != ACDDefending || s.l.destroyed {
			return
		}
		if err := acd.Announce(hub.conn, x.addr); err != nil {
			s.l.debugf("acd: announce %s: %v", x.addr, err)
			return
		}
		if n+1 < acd.AnnounceNum {
			s.l.reg.loop.AfterFunc(acdAnnounceInterval, func() { send(n + 1) })
		}
	}
	send(0)
}

// packet handles an ARP packet seen while defending.
func (s *acdSet) packet(p acd.Packet) {
	if s.l.destroyed || s.hub == nil {
		return
	}
	x := s.addrs[p.SenderIP]
	if x == nil || x.state != ACDDefending || !acd.Conflicts(p, x.addr, s.hub.conn.HWAddr(), false) {
		return
	}
	now := time.Now()
	by := p.SenderMAC.String()
	switch {
	case x.defend == ACDDefendAlways,
		x.defend == ACDDefendOnce && (x.defended.IsZero() || now.Sub(x.defended) > acdDefendInterval):
		s.l.logf(levelWarn, "acd: %s claimed by %s: defending it", x.addr, by)
		x.defended = now
		_ = acd.Announce(s.hub.conn, x.addr)
	default:
		s.l.logf(levelWarn, "acd: %s lost to %s: removing it", x.addr, by)
		s.stop(x)
		s.set(x, ACDConflict, by)
	}
}

// addressesChanged notices defended addresses someone removed.
func (s *acdSet) addressesChanged() {
	for _, x := range s.addrs {
		if x.state == ACDDefending && !s.onInterface(x.addr) {
			s.stop(x)
			s.set(x, ACDExternalRemoved, "")
		}
	}
}

// linkChanged restarts probes when the link comes up or changes address
// (the probes so far said nothing about the new link).
func (s *acdSet) linkChanged() {
	if s.hub != nil {
		s.hub.close()
		s.hub = nil
	}
	for _, a := range sortedAddrs(s.addrs) {
		x := s.addrs[a]
		if x.state == ACDInit || x.state == ACDProbing {
			s.probe(x)
		}
	}
}

// sortedAddrs returns the keys of m in order, for deterministic work.
func sortedAddrs[V any](m map[netip.Addr]V) []netip.Addr {
	out := make([]netip.Addr, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b netip.Addr) int { return a.Compare(b) })
	return out
}

// arpHub shares one ARP socket between the probes running on an
// interface: each probe reads its own copy of every packet (acd.Probe
// consumes what it reads), and defending gets them on the loop.
type arpHub struct {
	conn   *acd.Conn
	mu     sync.Mutex
	subs   map[chan acd.Packet]bool
	closed bool
}

func newARPHub(conn *acd.Conn, onPacket func(acd.Packet)) *arpHub {
	h := &arpHub{conn: conn, subs: map[chan acd.Packet]bool{}}
	in := conn.Listen(64)
	go func() {
		for p := range in {
			h.mu.Lock()
			for ch := range h.subs {
				select {
				case ch <- p:
				default:
				}
			}
			h.mu.Unlock()
			onPacket(p)
		}
	}()
	return h
}

func (h *arpHub) subscribe() chan acd.Packet {
	ch := make(chan acd.Packet, 16)
	h.mu.Lock()
	h.subs[ch] = true
	h.mu.Unlock()
	return ch
}

func (h *arpHub) unsubscribe(ch chan acd.Packet) {
	h.mu.Lock()
	delete(h.subs, ch)
	h.mu.Unlock()
}

func (h *arpHub) close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	h.mu.Unlock()
	h.conn.Close()
}
