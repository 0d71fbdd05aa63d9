package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/gonm/gonm/internal/config"
	"github.com/gonm/gonm/internal/loop"
)

// configHolder owns the configuration in effect; it lives on the loop.
// Reload replaces it and tells the subscribers what changed, as
// NetworkManager's config-changed signal does.
type configHolder struct {
	cfg         *config.Config
	log         *slog.Logger
	subscribers []func(cfg *config.Config, changes config.Change, old *config.Config)
}

func newConfigHolder(cfg *config.Config, log *slog.Logger) *configHolder {
	h := &configHolder{cfg: cfg, log: log}
	for _, w := range cfg.Warnings {
		log.Warn(w)
	}
	return h
}

// Subscribe registers fn for configuration changes (on the loop).
func (h *configHolder) Subscribe(fn func(cfg *config.Config, changes config.Change, old *config.Config)) {
	h.subscribers = append(h.subscribers, fn)
}

// Reload re-reads the files (cause is CauseSIGHUP or CauseConf for the
// Reload D-Bus method) and reports the changes. It must run on the loop.
func (h *configHolder) Reload(cause config.Change) config.Change {
	old := h.cfg
	cfg, changes, err := old.Reload(cause)
	if err != nil {
		h.log.Error(fmt.Sprintf("Failed to reload the configuration: %v", err))
		h.log.Info(fmt.Sprintf("signal: %s", changes))
	} else if cfg == old {
		h.log.Info(fmt.Sprintf("signal: %s (no changes from disk)", changes))
	} else {
		for _, w := range cfg.Warnings {
			h.log.Warn(w)
		}
		h.log.Info(fmt.Sprintf("signal: %s (%s)", changes, cfg.Description))
		h.cfg = cfg
	}
	for _, fn := range h.subscribers {
		fn(h.cfg, changes, old)
	}
	return changes
}

// watchSIGHUP reloads the configuration on SIGHUP until ctx ends.
func watchSIGHUP(ctx context.Context, l *loop.Loop, h *configHolder) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	go func() {
		defer signal.Stop(ch)
		for {
			select {
			case <-ctx.Done():
				return
			case <-ch:
				l.Post(func() { h.Reload(config.CauseSIGHUP) })
			}
		}
	}()
}
