// Package loop is the daemon's single event loop. Like NetworkManager's GLib
// main loop, one goroutine runs all business logic (devices, l3cfg, settings,
// active connections), so that state needs no locks. Producers on other
// goroutines (the netlink reader, D-Bus method calls, DHCP clients) hand work
// to the loop with Post or Call.
//
// "On idle" means "after the current burst of events": callbacks registered
// with Idle run once the queue of posted work is empty, and several requests
// under one key coalesce into one call. Timers fire on the loop.
//
// The loop uses the time package directly, so tests control time with
// testing/synctest bubbles instead of an injected clock.
package loop

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrStopped is returned by Call when the loop is not running anymore.
var ErrStopped = errors.New("event loop stopped")

// Loop is a single-goroutine executor. The zero value is not usable; use New.
type Loop struct {
	mu sync.Mutex
	// queue holds posted work in arrival order; guarded by mu.
	queue []func()
	// idle holds the pending idle callbacks in registration order, idleKeys
	// maps a key to its index in idle; both guarded by mu.
	idle     []idleEntry
	idleKeys map[any]int
	// settleWaiters are closed when the loop next finds nothing to do.
	settleWaiters []chan struct{}
	stopped       bool

	wake   chan struct{}
	doneCh chan struct{}
}

type idleEntry struct {
	key any
	fn  func()
}

// New returns a loop that runs nothing until Run is called.
func New() *Loop {
	return &Loop{
		idleKeys: make(map[any]int),
		wake:     make(chan struct{}, 1),
		doneCh:   make(chan struct{}),
	}
}

// Post queues fn to run on the loop after everything posted before it. It
// never blocks and may be called from any goroutine, including the loop.
// Work posted after the loop stopped is dropped.
func (l *Loop) Post(fn func()) {
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		return
	}
	l.queue = append(l.queue, fn)
	l.mu.Unlock()
	l.signal()
}

// Idle arranges for fn to run once the posted-work queue is empty. While a
// callback with the same key is pending, further calls only replace its
// function (keeping its place), so a burst of requests yields one call.
// Callbacks registered while idle callbacks run go to the next idle round.
func (l *Loop) Idle(key any, fn func()) {
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		return
	}
	if i, ok := l.idleKeys[key]; ok {
		l.idle[i].fn = fn
		l.mu.Unlock()
		return
	}
	l.idleKeys[key] = len(l.idle)
	l.idle = append(l.idle, idleEntry{key: key, fn: fn})
	l.mu.Unlock()
	l.signal()
}

// Call runs fn on the loop and waits until it has returned. It must not be
// called from the loop goroutine itself (that would deadlock). It returns
// ctx's error if ctx ends first (fn may still run later), or ErrStopped.
func (l *Loop) Call(ctx context.Context, fn func()) error {
	done := make(chan struct{})
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		return ErrStopped
	}
	l.queue = append(l.queue, func() { fn(); close(done) })
	l.mu.Unlock()
	l.signal()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-l.doneCh:
		// The loop may have run fn just before stopping.
		select {
		case <-done:
			return nil
		default:
			return ErrStopped
		}
	}
}

// Settle waits until the loop has run all posted work and all idle
// callbacks, including whatever those scheduled in turn. Tests use it to
// wait for a burst of events to be fully processed.
func (l *Loop) Settle(ctx context.Context) error {
	ch := make(chan struct{})
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		return ErrStopped
	}
	l.settleWaiters = append(l.settleWaiters, ch)
	l.mu.Unlock()
	l.signal()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-l.doneCh:
		return ErrStopped
	}
}

// Done is closed once Run has returned.
func (l *Loop) Done() <-chan struct{} { return l.doneCh }

func (l *Loop) signal() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// Run executes posted work, idle callbacks and timers until ctx ends. Work
// still queued at that point is dropped.
func (l *Loop) Run(ctx context.Context) {
	defer l.stop()
	var batch []func()
	for {
		if ctx.Err() != nil {
			return
		}
		l.mu.Lock()
		batch, l.queue = l.queue, batch[:0]
		if len(batch) > 0 {
			l.mu.Unlock()
			for i, fn := range batch {
				fn()
				batch[i] = nil // let closures be collected
			}
			continue
		}
		if len(l.idle) > 0 {
			idle := l.idle
			l.idle = nil
			clear(l.idleKeys)
			l.mu.Unlock()
			for _, e := range idle {
				e.fn()
			}
			continue
		}
		waiters := l.settleWaiters
		l.settleWaiters = nil
		l.mu.Unlock()
		for _, ch := range waiters {
			close(ch)
		}
		select {
		case <-l.wake:
		case <-ctx.Done():
			return
		}
	}
}

func (l *Loop) stop() {
	l.mu.Lock()
	l.stopped = true
	l.queue = nil
	l.idle = nil
	clear(l.idleKeys)
	l.mu.Unlock()
	close(l.doneCh)
}

// Timer is a one-shot timer whose callback runs on the loop. Stop and Reset
// must be called on the loop; then a stopped timer's callback never runs,
// even if its time had already come and it was waiting in the queue.
type Timer struct {
	l   *Loop
	fn  func()
	t   *time.Timer
	gen uint64 // bumped by Stop/Reset; a firing of an older generation is ignored
	// armed is true between arming and firing or stopping.
	armed bool
}

// AfterFunc runs fn on the loop once d has passed.
func (l *Loop) AfterFunc(d time.Duration, fn func()) *Timer {
	tm := &Timer{l: l, fn: fn}
	tm.arm(d)
	return tm
}

func (tm *Timer) arm(d time.Duration) {
	gen := tm.gen
	tm.armed = true
	tm.t = time.AfterFunc(d, func() {
		tm.l.Post(func() {
			if tm.gen != gen || !tm.armed {
				return
			}
			tm.armed = false
			tm.fn()
		})
	})
}

// Stop cancels the timer. It reports whether the callback was still pending.
func (tm *Timer) Stop() bool {
	was := tm.armed
	tm.armed = false
	tm.gen++
	tm.t.Stop()
	return was
}

// Reset re-arms the timer to fire d from now, cancelling a pending firing.
func (tm *Timer) Reset(d time.Duration) {
	tm.Stop()
	tm.arm(d)
}

// Pending reports whether the callback is armed and has not run yet.
func (tm *Timer) Pending() bool { return tm.armed }
