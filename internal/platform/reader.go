package platform

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/platform/nl"
)

// The reader owns the event socket. It runs on its own goroutine, reads
// datagrams in batches (recvmmsg), decodes them and hands batches to the
// loop in kernel order. Dumps (start, resync) also run here, on a second
// socket, so that the dump's place in the stream of events is exact:
// every event read before a dump starts is handed over before the dump's
// objects, every event read after it, after them. Since an event carries
// the whole state of its object, applying it after a dump that already
// saw the change is harmless, and the cache ends equal to the kernel.
//
// mu serializes reading the event socket between this goroutine and the
// loop, which reads what is queued right after an operation's
// acknowledgement (catchUp) so that the cache shows the operation's
// effect when the operation returns.

const (
	// recvBatch datagrams of up to recvSize bytes are read per system
	// call. Notifications are one message each; link messages are the
	// largest (a few KiB).
	recvBatch = 64
	recvSize  = 16 * 1024
	// maxQueued batches may wait for the loop before the reader stops
	// reading and lets the kernel buffer absorb the rest.
	maxQueued = 64
	// dumpChunk objects go into one batch during a dump.
	dumpChunk = 512
	// dumpRetries is how often an interrupted dump is repeated before
	// its (possibly inconsistent) result is taken and another resync is
	// scheduled.
	dumpRetries = 10
	// burstPause: after a read that found events, the reader waits this
	// long before reading again, so that during a burst each system call
	// takes dozens of events instead of waking up for every one. It adds
	// at most this much latency to an event.
	burstPause = time.Millisecond
	// fullDumpLimit: route dumps ask for everything (and drop untracked
	// routes while decoding) as long as the last full dump saw fewer
	// untracked routes than this; beyond, they ask per tracked protocol.
	fullDumpLimit = 100000
)

// trackedProtocols are the protocols dumps ask for one by one. Protocol 0
// (unspec) cannot be asked for: a filter of 0 means "all".
var trackedProtocols = []uint8{
	unix.RTPROT_REDIRECT, unix.RTPROT_KERNEL, unix.RTPROT_BOOT, unix.RTPROT_STATIC,
	unix.RTPROT_RA, unix.RTPROT_DHCP,
}

type readerReqKind uint8

const (
	reqFull readerReqKind = iota
	reqRoutes
	reqLink
	reqAddrs
	reqOverrun
)

type readerReq struct {
	kind   readerReqKind
	typ    ObjectType // reqRoutes
	table  uint32     // reqRoutes; 0 = all
	index  int32      // reqLink, reqAddrs
	name   string     // reqLink by name (index 0)
	family uint8      // reqAddrs
	why    string
	// done, when set, is closed once the answer was handed over.
	done chan struct{}
}

type reader struct {
	ev, dump *nl.Conn
	backoff  time.Duration
	post     func(func()) // loop.Post
	apply    func()       // drains the handoff on the loop

	mu sync.Mutex // reading ev
	rb *nl.Batch  // reader goroutine's buffers
	cb *nl.Batch  // catch-up buffers (loop)

	hmu    sync.Mutex // handoff
	q      []*batch
	posted bool
	space  *sync.Cond
	pool   []*batch

	reqMu sync.Mutex
	reqs  []readerReq

	closed atomic.Bool
	done   chan struct{}

	untracked [2]atomic.Int64 // per family, seen by the last full route dump
	unspec    [2]atomic.Int64 // cached protocol-0 routes, kept by the loop
	dumpBuf   []byte

	// Counters for statistics and tests.
	overruns  atomic.Int64
	resyncs   atomic.Int64
	truncated atomic.Int64
	received  atomic.Int64
	// interrupted counts dumps the kernel flagged NLM_F_DUMP_INTR.
	interrupted atomic.Int64
}

func newReader(ev, dump *nl.Conn, backoff time.Duration, post func(func()), apply func()) *reader {
	r := &reader{
		ev: ev, dump: dump, backoff: backoff, post: post, apply: apply,
		rb:   nl.NewBatch(recvBatch, recvSize),
		done: make(chan struct{}),
	}
	r.space = sync.NewCond(&r.hmu)
	return r
}

// ---- handoff to the loop ----

func (r *reader) getBatch() *batch {
	r.hmu.Lock()
	defer r.hmu.Unlock()
	if n := len(r.pool); n > 0 {
		b := r.pool[n-1]
		r.pool = r.pool[:n-1]
		return b
	}
	return &batch{}
}

func (r *reader) putBatch(b *batch) {
	b.reset()
	r.hmu.Lock()
	if len(r.pool) < 8 && cap(b.evs) <= 4*dumpChunk {
		r.pool = append(r.pool, b)
	}
	r.hmu.Unlock()
}

// push hands a batch to the loop.
func (r *reader) push(b *batch) {
	if len(b.evs) == 0 {
		r.putBatch(b)
		return
	}
	r.hmu.Lock()
	r.q = append(r.q, b)
	post := !r.posted
	r.posted = true
	r.hmu.Unlock()
	if post {
		r.post(r.apply)
	}
}

// take returns the queued batches (on the loop).
func (r *reader) take() []*batch {
	r.hmu.Lock()
	q := r.q
	r.q = nil
	r.posted = false
	r.space.Broadcast()
	r.hmu.Unlock()
	return q
}

// waitSpace blocks the reader while the loop is behind.
func (r *reader) waitSpace() {
	r.hmu.Lock()
	for len(r.q) > maxQueued && !r.closed.Load() {
		r.space.Wait()
	}
	r.hmu.Unlock()
}

// ---- requests from the loop ----

func (r *reader) request(q readerReq) {
	r.reqMu.Lock()
	r.reqs = append(r.reqs, q)
	r.reqMu.Unlock()
	r.ev.Wake()
}

func (r *reader) takeRequests() []readerReq {
	r.reqMu.Lock()
	q := r.reqs
	r.reqs = nil
	r.reqMu.Unlock()
	return q
}

// ---- the goroutine ----

func (r *reader) run() {
	defer close(r.done)
	for !r.closed.Load() {
		if reqs := r.takeRequests(); len(reqs) > 0 {
			r.serve(reqs)
			continue
		}
		r.mu.Lock()
		err := r.ev.TryRecvBatch(r.rb)
		switch {
		case err == nil:
			b := r.getBatch()
			r.decode(r.rb, b)
			full := r.rb.Len() == recvBatch
			r.push(b)
			r.mu.Unlock()
			r.waitSpace()
			if !full {
				time.Sleep(burstPause)
			}
		case errors.Is(err, unix.EAGAIN):
			r.mu.Unlock()
			if werr := r.ev.WaitReadable(); werr != nil && !errors.Is(werr, nl.ErrWoken) {
				// poll itself failed; do not spin on it.
				r.sleep(100 * time.Millisecond)
			}
		case errors.Is(err, unix.ENOBUFS):
			r.mu.Unlock()
			r.overrun()
		case r.closed.Load():
			r.mu.Unlock()
			return
		default:
			// An unexpected receive error: start over from a dump.
			r.mu.Unlock()
			r.overrun()
		}
	}
}

// decode turns received datagrams into batch entries.
func (r *reader) decode(nb *nl.Batch, b *batch) {
	now := nowCentis()
	for i := 0; i < nb.Len(); i++ {
		data, truncated, fromKernel := nb.Datagram(i)
		if !fromKernel {
			continue // only the kernel speaks for the kernel
		}
		if truncated {
			r.truncated.Add(1)
			b.marker(evTruncated, resyncScope{}, "")
			r.request(readerReq{kind: reqFull, why: "a netlink message was truncated"})
			continue
		}
		r.received.Add(1)
		_ = nl.Messages(data, func(h nl.Header, p []byte) error {
			_ = b.add(h, p, false, now)
			return nil
		})
	}
}

// catchUp reads what is queued on the event socket right now; called on
// the loop after an operation, followed by applying the handoff.
func (r *reader) catchUp() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cb == nil {
		r.cb = nl.NewBatch(16, recvSize)
	}
	for !r.closed.Load() {
		err := r.ev.TryRecvBatch(r.cb)
		if err != nil {
			if errors.Is(err, unix.ENOBUFS) {
				r.request(readerReq{kind: reqOverrun})
			}
			return
		}
		b := r.getBatch()
		r.decode(r.cb, b)
		r.push(b)
		if r.cb.Len() < 16 {
			return
		}
	}
}

// overrun handles lost events: wait for the burst to pass (so as not to
// dump while it still overflows the buffer), drop what queued up in the
// meantime, and resynchronize everything from dumps.
func (r *reader) overrun() {
	r.overruns.Add(1)
	b := r.getBatch()
	b.marker(evOverrun, resyncScope{}, "")
	r.push(b)
	if r.sleep(r.backoff) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		err := r.ev.TryRecvBatch(r.rb)
		if err != nil && !errors.Is(err, unix.ENOBUFS) {
			break
		}
	}
	r.fullResync("events were lost (ENOBUFS)")
}

// sleep waits d unless the reader is closed meanwhile (then true).
func (r *reader) sleep(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if r.closed.Load() {
			return true
		}
		step := time.Until(deadline)
		if step > 50*time.Millisecond {
			step = 50 * time.Millisecond
		}
		time.Sleep(step)
	}
	return r.closed.Load()
}

// serve runs requested dumps, coalesced.
func (r *reader) serve(reqs []readerReq) {
	full, overrun := false, false
	why := ""
	routes := map[resyncScope]bool{}
	var refresh []readerReq
	for _, q := range reqs {
		switch q.kind {
		case reqFull:
			full, why = true, q.why
		case reqOverrun:
			overrun = true
		case reqRoutes:
			routes[resyncScope{typ: q.typ, table: q.table}] = true
		case reqLink, reqAddrs:
			refresh = append(refresh, q)
		}
	}
	defer func() {
		for _, q := range reqs {
			if q.done != nil {
				close(q.done)
			}
		}
	}()
	if overrun {
		r.overrun()
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	// Hand over the events queued before the dumps, so the dumps take
	// their place after them.
	r.drainEvents()
	if full {
		r.fullResync(why)
		return
	}
	for s := range routes {
		if s.table != 0 && routes[resyncScope{typ: s.typ}] {
			continue // the whole family is dumped anyway
		}
		r.dumpType(s)
	}
	for _, q := range refresh {
		if q.kind == reqLink {
			r.refreshLink(q.index, q.name)
		} else {
			r.refreshAddrs(q.family, q.index)
		}
	}
	if len(routes) > 0 {
		b := r.getBatch()
		b.marker(evResyncDone, resyncScope{}, "routes")
		r.push(b)
	}
}

// drainEvents reads and hands over everything queued (r.mu held).
func (r *reader) drainEvents() {
	for {
		err := r.ev.TryRecvBatch(r.rb)
		if err != nil {
			if errors.Is(err, unix.ENOBUFS) {
				r.reqMu.Lock()
				r.reqs = append(r.reqs, readerReq{kind: reqOverrun})
				r.reqMu.Unlock()
			}
			return
		}
		b := r.getBatch()
		r.decode(r.rb, b)
		r.push(b)
	}
}

// fullResync dumps every object type (r.mu held).
func (r *reader) fullResync(why string) {
	r.resyncs.Add(1)
	for _, t := range []ObjectType{TypeLink, TypeIP4Address, TypeIP6Address, TypeIP4Route, TypeIP6Route, TypeIP4Rule, TypeIP6Rule} {
		if r.closed.Load() {
			return
		}
		r.dumpType(resyncScope{typ: t})
	}
	b := r.getBatch()
	b.marker(evResyncDone, resyncScope{}, why)
	r.push(b)
}

// dumpType dumps one object type (or one table's routes) and hands the
// result over between begin and end markers.
func (r *reader) dumpType(s resyncScope) {
	if r.dumpBuf == nil {
		r.dumpBuf = make([]byte, 32*1024)
	}
	isRoutes := s.typ == TypeIP4Route || s.typ == TypeIP6Route
	full := isRoutes && r.fullRouteDump(s)
	for attempt := 0; ; attempt++ {
		b := r.getBatch()
		b.marker(evResyncBegin, s, "")
		interrupted, failed := false, false
		untracked := 0
		now := nowCentis()
		for _, msg := range r.dumpRequests(s, full) {
			res, err := r.dump.Dump(msg, r.dumpBuf, func(h nl.Header, p []byte) error {
				if (h.Type == unix.RTM_NEWROUTE) && !routeTracked(p) {
					untracked++
					return nil
				}
				_ = b.add(h, p, true, now)
				if len(b.evs) >= dumpChunk {
					r.push(b)
					b = r.getBatch()
				}
				return nil
			})
			if err != nil {
				var ke *nl.Error
				if errors.As(err, &ke) && ke.Errno == unix.ENOENT && s.table != 0 {
					continue // the table does not exist: it has no routes
				}
				failed = true
				b.marker(evResyncAbort, s, "dump failed: "+err.Error())
				break
			}
			interrupted = interrupted || res.Interrupted
		}
		if failed {
			r.push(b)
			return
		}
		if interrupted {
			r.interrupted.Add(1)
		}
		if interrupted && attempt < dumpRetries {
			r.push(b)
			continue
		}
		if full && s.table == 0 {
			r.untracked[familyIndex(s.typ)].Store(int64(untracked))
		}
		reason := ""
		if interrupted {
			reason = "interrupted"
		}
		b.marker(evResyncEnd, s, reason)
		r.push(b)
		return
	}
}

// fullRouteDump says whether route dumps of this scope ask for all
// protocols at once.
func (r *reader) fullRouteDump(s resyncScope) bool {
	fi := familyIndex(s.typ)
	return r.untracked[fi].Load() < fullDumpLimit || r.unspec[fi].Load() > 0
}

// dumpRequests builds the dump requests for a scope; full asks for routes
// of every protocol at once.
func (r *reader) dumpRequests(s resyncScope, full bool) [][]byte {
	switch s.typ {
	case TypeLink:
		return [][]byte{linkDumpRequest()}
	case TypeIP4Address:
		return [][]byte{addrDumpRequest(unix.AF_INET)}
	case TypeIP6Address:
		return [][]byte{addrDumpRequest(unix.AF_INET6)}
	case TypeIP4Route, TypeIP6Route:
		family := uint8(unix.AF_INET)
		if s.typ == TypeIP6Route {
			family = unix.AF_INET6
		}
		if full {
			return [][]byte{routeDumpRequest(family, 0, s.table)}
		}
		var out [][]byte
		for _, p := range trackedProtocols {
			out = append(out, routeDumpRequest(family, p, s.table))
		}
		return out
	case TypeIP4Rule:
		return [][]byte{ruleDumpRequest(unix.AF_INET)}
	case TypeIP6Rule:
		return [][]byte{ruleDumpRequest(unix.AF_INET6)}
	}
	return nil
}

// refreshLink asks the kernel for one link again, by index or name (r.mu
// held). The kernel does not report every change it makes (bridge
// options, for one), so operations on links read the link back.
func (r *reader) refreshLink(index int32, name string) {
	b := r.getBatch()
	now := nowCentis()
	err := r.dump.Get(linkGetRequest(index, name), func(h nl.Header, p []byte) error {
		return b.add(h, p, false, now)
	})
	var ke *nl.Error
	if errors.As(err, &ke) && ke.Errno == unix.ENODEV && index > 0 {
		b.links = append(b.links, Link{Index: index})
		b.evs = append(b.evs, event{kind: evLinkDel, msgType: unix.RTM_DELLINK, i: int32(len(b.links) - 1)})
	}
	r.push(b)
}

// refreshAddrs reads one link's addresses of one family again (r.mu held):
// the kernel reports a new IPv6 address only once duplicate address
// detection has started, from a work queue, after acknowledging the
// request.
func (r *reader) refreshAddrs(family uint8, index int32) {
	b := r.getBatch()
	now := nowCentis()
	_, _ = r.dump.Dump(addrDumpRequestFor(family, index), r.dumpBuf, func(h nl.Header, p []byte) error {
		return b.add(h, p, false, now)
	})
	r.push(b)
}

func (r *reader) close() {
	r.closed.Store(true)
	r.ev.Wake()
	r.hmu.Lock()
	r.space.Broadcast()
	r.hmu.Unlock()
}

// nowCentis is the time since boot in hundredths of a second, the clock of
// the kernel's address timestamps.
func nowCentis() uint32 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0
	}
	return uint32(ts.Sec*100 + ts.Nsec/10_000_000)
}
