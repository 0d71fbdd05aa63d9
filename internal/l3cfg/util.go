package l3cfg

import (
	"context"
	"log/slog"

	"golang.org/x/sys/unix"
)

const levelWarn = slog.LevelWarn

type discard struct{}

func (discard) Enabled(context.Context, slog.Level) bool  { return false }
func (discard) Handle(context.Context, slog.Record) error { return nil }
func (d discard) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discard) WithGroup(string) slog.Handler           { return d }

// monoCentis is the monotonic clock in hundredths of a second, the clock
// the platform stamps cached addresses with.
var monoCentis = func() uint32 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0
	}
	return uint32(ts.Sec*100 + ts.Nsec/10_000_000)
}
