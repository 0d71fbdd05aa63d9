package bus

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"
)

// nameWatch tracks clients whose departure from the bus matters to the
// daemon (secret agents, activations bound to a client).
type nameWatch struct {
	mu      sync.Mutex
	started bool
	next    uint64
	watches map[string]map[uint64]func()
}

// WatchName calls gone on the loop once the unique bus name (":1.42")
// has no owner any more, immediately if it has none already. The returned
// function cancels the watch; call it on the loop.
func (e *Exporter) WatchName(name string, gone func()) (cancel func()) {
	conn := e.conn.Load()
	if conn == nil {
		return func() {}
	}
	w := &e.names
	w.mu.Lock()
	if !w.started {
		w.started = true
		w.watches = map[string]map[uint64]func(){}
		ch := make(chan *dbus.Signal, 256)
		conn.Signal(ch)
		go e.nameLoop(ch)
	}
	w.next++
	id := w.next
	first := w.watches[name] == nil
	if first {
		w.watches[name] = map[uint64]func(){}
	}
	w.watches[name][id] = gone
	w.mu.Unlock()

	match := []dbus.MatchOption{dbus.WithMatchSender("org.freedesktop.DBus"), dbus.WithMatchInterface("org.freedesktop.DBus"),
		dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, name)}
	go func() {
		if first {
			if err := conn.AddMatchSignal(match...); err != nil {
				e.log.Debug(fmt.Sprintf("watch %s: %v", name, err))
			}
		}
		// The name may have left before the match was in place.
		ctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
		defer cancel()
		var has bool
		if err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, name).Store(&has); err == nil && !has {
			e.nameGone(name)
		}
	}()
	return func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if m := w.watches[name]; m != nil {
			delete(m, id)
			if len(m) == 0 {
				delete(w.watches, name)
				go func() { _ = conn.RemoveMatchSignal(match...) }()
			}
		}
	}
}

func (e *Exporter) nameLoop(ch chan *dbus.Signal) {
	for s := range ch {
		if s.Name != "org.freedesktop.DBus.NameOwnerChanged" || s.Sender != "org.freedesktop.DBus" || len(s.Body) != 3 {
			continue
		}
		name, _ := s.Body[0].(string)
		newOwner, _ := s.Body[2].(string)
		if newOwner == "" {
			e.nameGone(name)
		}
	}
}

// nameGone runs and forgets the watches of name, on the loop.
func (e *Exporter) nameGone(name string) {
	w := &e.names
	w.mu.Lock()
	fns := w.watches[name]
	delete(w.watches, name)
	w.mu.Unlock()
	if len(fns) > 0 {
		if conn := e.conn.Load(); conn != nil {
			go func() {
				_ = conn.RemoveMatchSignal(dbus.WithMatchSender("org.freedesktop.DBus"), dbus.WithMatchInterface("org.freedesktop.DBus"),
					dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, name))
			}()
		}
	}
	for _, fn := range fns {
		e.loop.Post(fn)
	}
}
