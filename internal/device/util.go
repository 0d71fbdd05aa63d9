package device

import (
	"path"

	"github.com/gonm/gonm/internal/config"
	"github.com/gonm/gonm/internal/setting"
)

func parseBoolDefault(s string, def bool) bool {
	b, err := config.ParseBool(s)
	if err != nil {
		return def
	}
	return b
}

// matchDevice evaluates NetworkManager.conf device specs for the device.
func matchDevice(specs []string, d *Device) bool {
	return config.MatchDevice(specs, d.matchInfo()) == config.Match
}

// matchConnection evaluates connection specs (allowed-connections).
func matchConnection(specs []string, c *setting.Connection) bool {
	return config.MatchConnection(specs, config.Profile{ID: c.ID(), UUID: c.UUID()}) == config.Match
}

// wildcardMatch is NetworkManager's match.* list semantics: "!x" must not
// match, "&x" must match, and at least one plain pattern must match if any
// is given. Patterns are shell globs.
func wildcardMatch(s string, patterns []string) bool {
	hasOptional, optionalMatched := false, false
	for _, p := range patterns {
		switch {
		case len(p) > 0 && p[0] == '!':
			if ok, _ := path.Match(p[1:], s); ok {
				return false
			}
		case len(p) > 0 && p[0] == '&':
			if ok, _ := path.Match(p[1:], s); !ok {
				return false
			}
		default:
			q := p
			if len(q) > 0 && q[0] == '\\' {
				q = q[1:]
			}
			hasOptional = true
			if ok, _ := path.Match(q, s); ok {
				optionalMatched = true
			}
		}
	}
	return !hasOptional || optionalMatched
}
