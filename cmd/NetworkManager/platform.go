package main

import (
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"github.com/gonm/gonm/internal/logging"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/platform"
)

// gcPercent is the daemon's garbage collection target. Most of its heap is
// the platform's route records, which hold no pointers, so a collection
// costs little even when it runs twice as often as Go's default (100),
// and a lower target keeps the peak memory of a route storm down.
const gcPercent = 50

// freeAfterRemovals: once a burst removed at least this many objects (a
// routing table withdrawn), the heap that held them is handed back to the
// system instead of lingering until the runtime's scavenger gets to it.
const freeAfterRemovals = 10000

// startPlatform starts the mirror of the kernel's network state on the
// loop: events logged at trace, resyncs at info (domain PLATFORM).
func startPlatform(l *loop.Loop, logs *logging.Logging) (*platform.Platform, error) {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	log := logs.For(logging.Platform, "platform")
	mem := &memoryReturn{log: log}
	p := platform.New(l, platform.Options{
		Log:     log,
		Settled: func(b platform.Burst) { mem.settled(l, b) },
	})
	if err := p.Start(); err != nil {
		return nil, fmt.Errorf("platform: %w", err)
	}
	return p, nil
}

// memoryReturn frees memory after big removals, shortly after they
// settled, at most once per interval.
type memoryReturn struct {
	log   *slog.Logger
	timer *loop.Timer
}

func (m *memoryReturn) settled(l *loop.Loop, b platform.Burst) {
	if b.Removed < freeAfterRemovals || (m.timer != nil && m.timer.Pending()) {
		return
	}
	m.timer = l.AfterFunc(500*time.Millisecond, func() {
		debug.FreeOSMemory()
		m.log.Debug(fmt.Sprintf("returned freed memory to the system after %d removals", b.Removed))
	})
}
