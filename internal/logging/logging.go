// Package logging gives the daemon NetworkManager's logging model on top of
// log/slog: the levels TRACE, DEBUG, INFO, WARN, ERR (and OFF), the log
// domains (PLATFORM, CORE, DHCP4, ...), a level per domain, and the
// "level/domains" strings that NetworkManager.conf [logging], --log-level,
// --log-domains and the SetLogging/GetLogging D-Bus methods use.
//
// Each component takes a *slog.Logger bound to its domain (Logging.For); the
// handler checks the domain's current level first, so a disabled message
// costs one atomic load.
package logging

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
)

// Level is a NetworkManager log level, ordered from most to least verbose.
type Level int8

const (
	LevelTrace Level = iota
	LevelDebug
	LevelInfo
	LevelWarn
	LevelErr
	LevelOff
	numLevels
)

var levelNames = [numLevels]string{"TRACE", "DEBUG", "INFO", "WARN", "ERR", "OFF"}

// String returns the level as NetworkManager writes it ("INFO").
func (l Level) String() string {
	if l >= 0 && l < numLevels {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// Slog levels used for records. TRACE sits below slog's DEBUG.
const (
	SlogTrace = slog.Level(-8)
	SlogDebug = slog.LevelDebug
	SlogInfo  = slog.LevelInfo
	SlogWarn  = slog.LevelWarn
	SlogErr   = slog.LevelError
)

func fromSlog(l slog.Level) Level {
	switch {
	case l < SlogDebug:
		return LevelTrace
	case l < SlogInfo:
		return LevelDebug
	case l < SlogWarn:
		return LevelInfo
	case l < SlogErr:
		return LevelWarn
	default:
		return LevelErr
	}
}

// ParseLevel accepts a level name in any case. KEEP is reported separately
// because it means "leave as it is" and is only valid where a caller has a
// current level to keep.
func ParseLevel(s string) (l Level, keep bool, err error) {
	u := strings.ToUpper(s)
	if u == "KEEP" {
		return 0, true, nil
	}
	for i, n := range levelNames {
		if n == u {
			return Level(i), false, nil
		}
	}
	return 0, false, &UnknownLevelError{Level: s}
}

// UnknownLevelError is returned for a level name NetworkManager does not know.
type UnknownLevelError struct{ Level string }

func (e *UnknownLevelError) Error() string { return fmt.Sprintf("Unknown log level '%s'", e.Level) }

// UnknownDomainError is returned for a domain name NetworkManager does not know.
type UnknownDomainError struct{ Domain string }

func (e *UnknownDomainError) Error() string { return fmt.Sprintf("Unknown log domain '%s'", e.Domain) }

// Domain is a set of log domains, one bit each.
type Domain uint64

// The domains in NetworkManager's order; GetLogging lists them in this order.
const (
	Platform Domain = 1 << iota
	RFKill
	Ether
	WiFi
	BT
	MB
	DHCP4
	DHCP6
	PPP
	WiFiScan
	IP4
	IP6
	AutoIP4
	DNS
	VPN
	Sharing
	Supplicant
	Agents
	Settings
	Suspend
	Core
	Device
	OLPC
	Infiniband
	Firewall
	ADSL
	Bond
	VLAN
	Bridge
	DBusProps
	Team
	Concheck
	DCB
	Dispatch
	Audit
	Systemd
	VPNPlugin
	Proxy
	lastDomain
)

var domainNames = []string{
	"PLATFORM", "RFKILL", "ETHER", "WIFI", "BT", "MB", "DHCP4", "DHCP6", "PPP",
	"WIFI_SCAN", "IP4", "IP6", "AUTOIP4", "DNS", "VPN", "SHARING", "SUPPLICANT",
	"AGENTS", "SETTINGS", "SUSPEND", "CORE", "DEVICE", "OLPC", "INFINIBAND",
	"FIREWALL", "ADSL", "BOND", "VLAN", "BRIDGE", "DBUS_PROPS", "TEAM",
	"CONCHECK", "DCB", "DISPATCH", "AUDIT", "SYSTEMD", "VPN_PLUGIN", "PROXY",
}

const (
	// All is every domain.
	All = lastDomain - 1
	// Default is what NetworkManager logs when nothing is configured: every
	// domain except the very chatty ones.
	Default = All &^ (WiFiScan | DBusProps | VPNPlugin)
)

// Names that stand for several domains, or old names of one.
var domainAliases = map[string]Domain{
	"ALL":     All,
	"DEFAULT": Default,
	"DHCP":    DHCP4 | DHCP6,
	"IP":      IP4 | IP6,
	"HW":      Platform,
}

func domainBit(i int) Domain { return 1 << uint(i) }

func parseDomain(s string) (Domain, bool) {
	u := strings.ToUpper(s)
	if d, ok := domainAliases[u]; ok {
		return d, true
	}
	for i, n := range domainNames {
		if n == u {
			return domainBit(i), true
		}
	}
	return 0, false
}

// String lists the domains of d by name, comma separated.
func (d Domain) String() string {
	var names []string
	for i, n := range domainNames {
		if d&domainBit(i) != 0 {
			names = append(names, n)
		}
	}
	return strings.Join(names, ",")
}

// config is an immutable snapshot of what is enabled: enabled[l] is the set
// of domains that log at level l. A domain enabled at l is enabled at every
// level above l too.
type config struct {
	level   Level
	enabled [numLevels]Domain
}

// Logging holds the live level and domain configuration and the output.
type Logging struct {
	cfg   atomic.Pointer[config]
	out   *output
	setMu sync.Mutex // serializes Set; readers use cfg without locking
}

// New returns a Logging writing to out (see NewOutput) at INFO for the
// default domains, as NetworkManager starts.
func New(out *Output) *Logging {
	l := &Logging{out: out.o}
	c := &config{level: LevelInfo}
	c.setDomains(Default, LevelInfo)
	l.cfg.Store(c)
	return l
}

func (c *config) setDomains(d Domain, at Level) {
	for lv := range numLevels {
		if lv >= at && at != LevelOff {
			c.enabled[lv] |= d
		} else {
			c.enabled[lv] &^= d
		}
	}
}

// levelOf returns the lowest level at which domain bit d logs, or OFF.
func (c *config) levelOf(d Domain) Level {
	for lv := range LevelOff {
		if c.enabled[lv]&d != 0 {
			return lv
		}
	}
	return LevelOff
}

// Set changes the configuration as NetworkManager's SetLogging does. An empty
// level keeps the current one. Domains is a comma- or space-separated list of
// DOMAIN or DOMAIN:LEVEL; an empty list keeps the enabled domains, all at the
// new level; otherwise the list replaces the enabled set, with ALL, DEFAULT,
// DHCP, IP and HW as shorthands and KEEP as a per-domain level that leaves a
// domain as it was. On error nothing changes.
func (l *Logging) Set(level, domains string) error {
	l.setMu.Lock()
	defer l.setMu.Unlock()
	cur := l.cfg.Load()
	next := &config{level: cur.level}
	if level != "" {
		lv, keep, err := ParseLevel(level)
		if err != nil {
			return err
		}
		if !keep {
			next.level = lv
		}
	}
	if strings.TrimSpace(domains) == "" {
		var on Domain
		for _, d := range cur.enabled {
			on |= d
		}
		next.setDomains(on, next.level)
		l.cfg.Store(next)
		return nil
	}
	for _, tok := range strings.FieldsFunc(domains, func(r rune) bool { return r == ',' || r == ' ' }) {
		name, lvName, hasLevel := strings.Cut(tok, ":")
		d, ok := parseDomain(name)
		if !ok {
			return &UnknownDomainError{Domain: name}
		}
		at := next.level
		if hasLevel {
			lv, keep, err := ParseLevel(lvName)
			if err != nil {
				return err
			}
			if keep {
				for i := range domainNames {
					b := domainBit(i)
					if d&b != 0 {
						next.setDomains(b, cur.levelOf(b))
					}
				}
				continue
			}
			at = lv
		}
		next.setDomains(d, at)
	}
	l.cfg.Store(next)
	return nil
}

// Get returns the level and domains as GetLogging reports them: the global
// level, and the enabled domains in NetworkManager's order, each with
// ":LEVEL" when its level differs from the global one.
func (l *Logging) Get() (level, domains string) {
	c := l.cfg.Load()
	var parts []string
	for i, n := range domainNames {
		lv := c.levelOf(domainBit(i))
		switch {
		case lv == LevelOff:
		case lv == c.level:
			parts = append(parts, n)
		default:
			parts = append(parts, n+":"+lv.String())
		}
	}
	return c.level.String(), strings.Join(parts, ",")
}

// Enabled reports whether domain d logs at level lv.
func (l *Logging) Enabled(d Domain, lv Level) bool {
	if lv < 0 || lv >= LevelOff {
		return false
	}
	return l.cfg.Load().enabled[lv]&d != 0
}

// For returns a logger for one domain. Prefix, when not empty, starts every
// message ("platform: ...") as NetworkManager's component prefixes do.
func (l *Logging) For(d Domain, prefix string) *slog.Logger {
	return slog.New(&handler{root: l, domain: d, prefix: prefix})
}

// Trace logs at NetworkManager's TRACE level, which slog has no method for.
func Trace(log *slog.Logger, msg string, args ...any) {
	log.Log(context.Background(), SlogTrace, msg, args...)
}
