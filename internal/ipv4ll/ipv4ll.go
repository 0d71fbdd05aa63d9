// Package ipv4ll is IPv4 link-local addressing (RFC 3927, ipv4.method
// link-local) as NetworkManager does it: candidates from NetworkManager's
// MAC-seeded sequence (internal/dhcpid), each probed with RFC 5227
// conflict detection (internal/acd; ipv4.dad-timeout, 9 s when 0), then
// announced and defended. The engine runs on its own goroutine and reports
// the address through a callback; the owner configures it. It opens an ARP
// socket at Start; it calls nothing above internal/acd and internal/dhcpid.
package ipv4ll

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"time"

	"github.com/gonm/gonm/internal/acd"
	"github.com/gonm/gonm/internal/dhcpid"
)

// Config is one interface.
type Config struct {
	IfIndex int
	HWAddr  net.HardwareAddr
	// Timeout is the probe duration (ipv4.dad-timeout); acd.DefaultTimeout
	// when 0, as NetworkManager uses for link-local.
	Timeout time.Duration
	Logger  *slog.Logger
}

// EventType says what happened.
type EventType int

const (
	// EventBound: Addr is free and announced; configure it.
	EventBound EventType = iota
	// EventLost: another host took Addr after we defended it once; remove
	// it (a new candidate is being probed).
	EventLost
	// EventFailed: the ARP socket failed; the engine stopped.
	EventFailed
)

// Event is delivered on the engine's goroutine.
type Event struct {
	Type EventType
	Addr netip.Addr
	Err  error
}

// defendInterval is RFC 5227's DEFEND_INTERVAL: a second conflict within
// it means giving the address up.
const defendInterval = 10 * time.Second

// maxConflicts and rateLimit are RFC 3927's: after 10 conflicts, probe at
// most once a minute.
const (
	maxConflicts = 10
	rateLimit    = 60 * time.Second
)

// Engine runs link-local addressing on one interface.
type Engine struct {
	cfg    Config
	notify func(Event)
	log    *slog.Logger
	conn   *acd.Conn
	in     <-chan acd.Packet
	cancel context.CancelFunc
	ctx    context.Context
	closed chan struct{}
}

// New returns an engine that has not started.
func New(cfg Config, notify func(Event)) (*Engine, error) {
	if len(cfg.HWAddr) != 6 {
		return nil, fmt.Errorf("ipv4ll: need an Ethernet address, have %v", cfg.HWAddr)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = acd.DefaultTimeout
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Engine{cfg: cfg, notify: notify, log: log, ctx: ctx, cancel: cancel, closed: make(chan struct{})}, nil
}

// Start opens the ARP socket (in the caller's namespace) and starts.
func (e *Engine) Start() error {
	c, err := acd.Open(e.cfg.IfIndex, e.cfg.HWAddr)
	if err != nil {
		return err
	}
	e.conn = c
	e.in = c.Listen(16)
	go e.run()
	return nil
}

// Stop ends the engine; no event follows.
func (e *Engine) Stop() {
	e.cancel()
	if e.conn != nil {
		e.conn.Close()
		<-e.closed
	}
}

func (e *Engine) emit(ev Event) {
	if e.ctx.Err() == nil && e.notify != nil {
		e.notify(ev)
	}
}

func (e *Engine) run() {
	defer close(e.closed)
	gen := dhcpid.NewIPv4LLGenerator(e.cfg.HWAddr)
	conflicts := 0
	for {
		addr := gen.Next()
		if conflicts >= maxConflicts {
			select {
			case <-time.After(rateLimit):
			case <-e.ctx.Done():
				return
			}
		}
		e.log.Debug(fmt.Sprintf("ipv4ll: probe %s", addr))
		res, err := acd.Probe(e.ctx, e.conn, e.in, addr, e.cfg.Timeout, nil)
		if e.ctx.Err() != nil {
			return
		}
		if err != nil {
			e.emit(Event{Type: EventFailed, Err: err})
			return
		}
		if res.Conflict {
			conflicts++
			e.log.Info(fmt.Sprintf("ipv4ll: %s is in use by %s", addr, res.By))
			continue
		}
		if err := acd.Announce(e.conn, addr); err != nil {
			e.emit(Event{Type: EventFailed, Err: err})
			return
		}
		e.emit(Event{Type: EventBound, Addr: addr})
		if !e.defend(addr) {
			return
		}
		e.emit(Event{Type: EventLost, Addr: addr})
		conflicts++
	}
}

// defend watches for conflicts on a bound address; it returns true when
// the address must be given up, false when the engine stops.
func (e *Engine) defend(addr netip.Addr) bool {
	var lastDefense time.Time
	for {
		select {
		case <-e.ctx.Done():
			return false
		case p, ok := <-e.in:
			if !ok {
				return false
			}
			if !acd.Conflicts(p, addr, e.cfg.HWAddr, false) {
				continue
			}
			if !lastDefense.IsZero() && time.Since(lastDefense) < defendInterval {
				e.log.Warn(fmt.Sprintf("ipv4ll: lost %s to %s", addr, p.SenderMAC))
				return true
			}
			lastDefense = time.Now()
			_ = acd.Announce(e.conn, addr)
		}
	}
}
