package config

import (
	"slices"
	"strings"

	"github.com/gonm/gonm/internal/gkeyfile"
)

// matchSection is one [device*] or [connection*] section, in lookup order.
type matchSection struct {
	group      string
	hasMatch   bool
	match      []string
	stopMatch  bool
	allowed    []string // [device*] allowed-connections
	hasAllowed bool
	values     map[string]string
}

// buildMatchSections lists the sections with the prefix in the order they
// are consulted: the last one merged first, the plain [device] or
// [connection] section last.
func buildMatchSections(kf *gkeyfile.File, prefix string) []matchSection {
	var named []*gkeyfile.Group
	var plain *gkeyfile.Group
	for _, g := range kf.Groups() {
		if !strings.HasPrefix(g.Name, prefix) {
			continue
		}
		if g.Name == prefix {
			plain = g
		} else {
			named = append(named, g)
		}
	}
	slices.Reverse(named)
	if plain != nil {
		named = append(named, plain)
	}
	out := make([]matchSection, 0, len(named))
	for _, g := range named {
		m := matchSection{group: g.Name, values: map[string]string{}}
		if raw, ok := g.Raw("match-device"); ok {
			m.hasMatch, m.match = true, SplitSpecs(unescapeSpecValue(raw))
		}
		if raw, ok := g.Raw("stop-match"); ok {
			m.stopMatch, _ = ParseBool(raw)
		}
		if raw, ok := g.Raw("allowed-connections"); ok && prefix == groupPrefixDevice {
			m.hasAllowed, m.allowed = true, SplitSpecs(unescapeSpecValue(raw))
		}
		for _, k := range g.Keys() {
			if k == "match-device" || k == "stop-match" {
				continue
			}
			if v, ok, err := g.String(k); ok && err == nil {
				m.values[k] = v
			}
		}
		out = append(out, m)
	}
	return out
}

// lookup finds the first section that has the key (or stops the search)
// and whose match-device matches the device.
func lookup(sections []matchSection, key string, d *Device) (value string, found, hasMatch bool) {
	for i := range sections {
		m := &sections[i]
		v, ok := m.values[key]
		if !ok && !m.stopMatch {
			continue
		}
		match := true
		if m.hasMatch {
			match = d != nil && MatchDevice(m.match, *d) == Match
		}
		if match {
			return v, ok, true
		}
	}
	return "", false, false
}

// DeviceValue returns a [device*] setting for the device ("managed",
// "ignore-carrier", "wifi.backend", ...). found says whether a value was
// set; matched whether a section applied at all.
func (c *Config) DeviceValue(key string, d Device) (value string, found, matched bool) {
	return lookup(c.devices, key, &d)
}

// DeviceAllowedConnections returns the allowed-connections specs of the
// first [device*] section that sets them for the device.
func (c *Config) DeviceAllowedConnections(d Device) ([]string, bool) {
	for _, m := range c.devices {
		if !m.hasAllowed && !m.stopMatch {
			continue
		}
		if !m.hasMatch || MatchDevice(m.match, d) == Match {
			return m.allowed, m.hasAllowed
		}
	}
	return nil, false
}

// ConnectionDefault returns the default a [connection*] section gives a
// profile property ("ipv4.route-metric", ...) on the device; d nil
// matches only sections without match-device.
func (c *Config) ConnectionDefault(property string, d *Device) (string, bool) {
	v, found, _ := lookup(c.connections, property, d)
	return v, found
}

// specs returns a match-spec list value.
func (c *Config) specs(group, key string) []string {
	raw, ok := c.Raw(group, key)
	if !ok {
		return nil
	}
	return SplitSpecs(unescapeSpecValue(raw))
}

// list returns a ','-separated GLib list value.
func (c *Config) list(group, key string) ([]string, bool) {
	raw, ok := c.Raw(group, key)
	if !ok {
		return nil, false
	}
	l, err := gkeyfile.SplitList(raw, ',')
	if err != nil {
		return nil, true
	}
	for i := range l {
		l[i] = strings.TrimSpace(l[i])
	}
	return l, true
}

// Plugins is main.plugins (the settings plugins; keyfile is always used).
func (c *Config) Plugins() []string {
	if l, ok := c.list(GroupMain, "plugins"); ok {
		return l
	}
	l, _ := gkeyfile.SplitList(DefaultPlugins, ',')
	return l
}

// DNSMode is main.dns ("" when unset).
func (c *Config) DNSMode() string { v, _ := c.String(GroupMain, "dns"); return v }

// RCManager is main.rc-manager ("" when unset).
func (c *Config) RCManager() string { v, _ := c.String(GroupMain, "rc-manager"); return v }

// HostnameMode is main.hostname-mode ("" when unset: the daemon's default).
func (c *Config) HostnameMode() string { v, _ := c.String(GroupMain, "hostname-mode"); return v }

// NoAutoDefault is main.no-auto-default: devices that get no automatic
// "Wired connection N" profile.
func (c *Config) NoAutoDefault() []string { return c.specs(GroupMain, "no-auto-default") }

// IgnoreCarrier is main.ignore-carrier.
func (c *Config) IgnoreCarrier() []string { return c.specs(GroupMain, "ignore-carrier") }

// AssumeIPv6LLOnly is main.assume-ipv6ll-only.
func (c *Config) AssumeIPv6LLOnly() []string { return c.specs(GroupMain, "assume-ipv6ll-only") }

// UnmanagedDevices is keyfile.unmanaged-devices.
func (c *Config) UnmanagedDevices() []string { return c.specs(GroupKeyfile, "unmanaged-devices") }

// KeyfilePath is keyfile.path: where profiles are stored. An empty value
// means "no persistent storage"; invalid or unset values give the default.
func (c *Config) KeyfilePath() (path string, persistent bool) {
	v, ok := c.String(GroupKeyfile, "path")
	switch {
	case ok && v == "":
		return "", false
	case !ok || !strings.HasPrefix(v, "/"):
		return "/etc/NetworkManager/system-connections", true
	}
	return v, true
}

// AutoconnectRetriesDefault is main.autoconnect-retries-default (4 unless
// a valid number is set).
func (c *Config) AutoconnectRetriesDefault() int {
	raw, _ := c.Raw(GroupMain, "autoconnect-retries-default")
	n, ok := parseInt(raw, 0, 1<<31-1)
	if !ok {
		return 4
	}
	return int(n)
}

// AuthPolkit is main.auth-polkit: "true", "false" or "root-only".
func (c *Config) AuthPolkit() string {
	v, _ := c.authPolkit()
	return v
}

func (c *Config) authPolkit() (string, bool) {
	raw, ok := c.String(GroupMain, "auth-polkit")
	if !ok {
		return "true", true
	}
	if strings.EqualFold(strings.TrimSpace(raw), "root-only") {
		return "root-only", true
	}
	if b, err := ParseBool(raw); err == nil {
		if b {
			return "true", true
		}
		return "false", true
	}
	return "true", false
}

// SystemdResolved is main.systemd-resolved (default true).
func (c *Config) SystemdResolved() bool {
	b, err := c.Bool(GroupMain, "systemd-resolved", true)
	if err != nil {
		return true
	}
	return b
}

// Connectivity is the [connectivity] section as the checker uses it.
type Connectivity struct {
	Enabled  bool
	URI      string
	Interval uint32 // seconds; 0 disables checking
	Response string
}

// Connectivity returns the connectivity check settings.
func (c *Config) Connectivity() Connectivity {
	enabled, err := c.Bool(GroupConnectivity, "enabled", true)
	if err != nil {
		enabled = true
	}
	uri, _ := c.String(GroupConnectivity, "uri")
	resp, ok := c.stringUntrimmed(GroupConnectivity, "response")
	if !ok {
		resp = "NetworkManager is online"
	}
	interval := uint32(300)
	if raw, ok := c.stringUntrimmed(GroupConnectivity, "interval"); ok {
		n, valid := parseInt(raw, 0, 1<<32-1)
		if valid {
			interval = uint32(n)
		}
	}
	return Connectivity{Enabled: enabled, URI: uri, Interval: interval, Response: resp}
}

func (c *Config) stringUntrimmed(group, key string) (string, bool) {
	g := c.merged.Group(group)
	if g == nil {
		return "", false
	}
	v, ok, err := g.String(key)
	if err != nil {
		return "", false
	}
	return v, ok
}

// parseInt parses a decimal integer with surrounding blanks.
func parseInt(s string, min, max int64) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	var n int64
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
		if n > 1<<40 {
			return 0, false
		}
	}
	if neg {
		n = -n
	}
	return n, n >= min && n <= max
}
