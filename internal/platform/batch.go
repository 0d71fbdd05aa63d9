package platform

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/platform/nl"
)

// evKind says what an entry of a batch does to the cache.
type evKind uint8

const (
	evLink evKind = iota
	evLinkDel
	evAddr
	evAddrDel
	evRoute
	evRouteDel
	evRule
	evRuleDel
	// evResyncBegin and evResyncEnd bracket the objects of one dump.
	evResyncBegin
	evResyncEnd
	// evResyncAbort ends a dump that failed: nothing is swept.
	evResyncAbort
	// evOverrun records that the kernel dropped events (ENOBUFS).
	evOverrun
	// evTruncated records a message cut short by a too small buffer.
	evTruncated
	// evResyncDone ends a whole resync (for logging and statistics).
	evResyncDone
)

// event is one entry of a batch. Objects live in the batch's typed
// slices so a batch of routes needs no allocation per route.
type event struct {
	kind    evKind
	dump    bool
	msgType uint16
	nlflags uint16
	seq     uint32
	pid     uint32
	i       int32 // index into the batch slice of its kind
	scope   resyncScope
	reason  string
}

// batch is what the reader hands to the loop in one piece, in kernel
// order.
type batch struct {
	evs    []event
	links  []Link
	addrs  []Address
	routes []Route
	rules  []Rule
	// errs counts messages that could not be decoded.
	errs int
}

func (b *batch) reset() {
	b.evs = b.evs[:0]
	b.links = b.links[:0]
	b.addrs = b.addrs[:0]
	clear(b.routes) // drop Nexthops slices
	b.routes = b.routes[:0]
	b.rules = b.rules[:0]
	b.errs = 0
}

func (b *batch) marker(kind evKind, s resyncScope, reason string) {
	b.evs = append(b.evs, event{kind: kind, scope: s, reason: reason})
}

// add decodes one rtnetlink message into the batch. Untracked routes and
// families are skipped silently; malformed messages are counted and
// returned as an error for logging.
func (b *batch) add(h nl.Header, p []byte, dump bool, nowCS uint32) error {
	ev := event{dump: dump, msgType: h.Type, nlflags: h.Flags, seq: h.Seq, pid: h.PID}
	switch h.Type {
	case unix.RTM_NEWLINK, unix.RTM_DELLINK:
		l, ok, err := parseLink(p)
		if err != nil {
			b.errs++
			return err
		}
		if !ok {
			return nil
		}
		ev.kind = evLink
		if h.Type == unix.RTM_DELLINK {
			ev.kind = evLinkDel
		}
		ev.i = int32(len(b.links))
		b.links = append(b.links, l)
	case unix.RTM_NEWADDR, unix.RTM_DELADDR:
		a, ok, err := parseAddr(p, nowCS)
		if err != nil {
			b.errs++
			return err
		}
		if !ok {
			return nil
		}
		ev.kind = evAddr
		if h.Type == unix.RTM_DELADDR {
			ev.kind = evAddrDel
		}
		ev.i = int32(len(b.addrs))
		b.addrs = append(b.addrs, a)
	case unix.RTM_NEWROUTE, unix.RTM_DELROUTE:
		ev.kind = evRoute
		if h.Type == unix.RTM_DELROUTE {
			ev.kind = evRouteDel
		}
		n := len(b.routes)
		var err error
		b.routes, _, err = parseRoute(p, b.routes)
		if err != nil {
			b.errs++
		}
		for i := n; i < len(b.routes); i++ {
			e := ev
			e.i = int32(i)
			b.evs = append(b.evs, e)
		}
		return err
	case unix.RTM_NEWRULE, unix.RTM_DELRULE:
		r, ok, err := parseRule(p)
		if err != nil {
			b.errs++
			return err
		}
		if !ok {
			return nil
		}
		ev.kind = evRule
		if h.Type == unix.RTM_DELRULE {
			ev.kind = evRuleDel
		}
		ev.i = int32(len(b.rules))
		b.rules = append(b.rules, r)
	default:
		return nil
	}
	b.evs = append(b.evs, ev)
	return nil
}

var rtmNames = map[uint16]string{
	unix.RTM_NEWLINK: "RTM_NEWLINK", unix.RTM_DELLINK: "RTM_DELLINK",
	unix.RTM_NEWADDR: "RTM_NEWADDR", unix.RTM_DELADDR: "RTM_DELADDR",
	unix.RTM_NEWROUTE: "RTM_NEWROUTE", unix.RTM_DELROUTE: "RTM_DELROUTE",
	unix.RTM_NEWRULE: "RTM_NEWRULE", unix.RTM_DELRULE: "RTM_DELRULE",
}

// describe renders an event for the trace log.
func (b *batch) describe(e *event) string {
	name := rtmNames[e.msgType]
	head := fmt.Sprintf("%s, flags %#x, seq %d", name, e.nlflags, e.seq)
	if e.dump {
		head += ", in-dump"
	}
	switch e.kind {
	case evLink, evLinkDel:
		return head + ": " + b.links[e.i].String()
	case evAddr, evAddrDel:
		return head + ": " + b.addrs[e.i].String()
	case evRoute, evRouteDel:
		return head + ": " + b.routes[e.i].String()
	case evRule, evRuleDel:
		return head + ": " + b.rules[e.i].String()
	}
	return head
}
