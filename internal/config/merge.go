package config

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/gonm/gonm/internal/gkeyfile"
	"github.com/gonm/gonm/internal/version"
)

// Group names and prefixes of NetworkManager.conf.
const (
	GroupMain             = "main"
	GroupLogging          = "logging"
	GroupConnectivity     = "connectivity"
	GroupKeyfile          = "keyfile"
	GroupIfupdown         = "ifupdown"
	GroupGlobalDNS        = "global-dns"
	groupConfig           = ".config"
	groupPrefixIntern     = ".intern."
	groupPrefixDevice     = "device"
	groupPrefixConnection = "connection"
	groupPrefixDNSDomain  = "global-dns-domain-"
	keyPrefixWas          = ".was."
	keyPrefixSet          = ".set."
	keyAtomicSectionWas   = ".was"
)

// DefaultPlugins is the compile-time default of main.plugins on Debian.
const DefaultPlugins = ""

// knownKeys lists the keys NetworkManager 1.42 knows per group (or group
// prefix); others get an "unknown key" warning but are kept.
var knownKeys = []struct {
	group  string
	prefix bool
	keys   []string
}{
	{GroupMain, false, []string{"assume-ipv6ll-only", "auth-polkit", "autoconnect-retries-default", "configure-and-quit",
		"debug", "dhcp", "dns", "firewall-backend", "hostname-mode", "ignore-carrier", "iwd-config-path",
		"monitor-connection-files", "no-auto-default", "plugins", "rc-manager", "slaves-order", "systemd-resolved"}},
	{GroupLogging, false, []string{"audit", "backend", "domains", "level"}},
	{GroupConnectivity, false, []string{"enabled", "interval", "response", "uri"}},
	{GroupKeyfile, false, []string{"hostname", "path", "unmanaged-devices"}},
	{GroupIfupdown, false, []string{"managed"}},
	{groupPrefixDevice, true, []string{"carrier-wait-timeout", "ignore-carrier", "managed", "sriov-num-vfs",
		"keep-configuration", "allowed-connections", "wifi.backend", "wifi.scan-rand-mac-address",
		"wifi.scan-generate-mac-address-mask", "wifi.iwd.autoconnect", "match-device", "stop-match"}},
	{GroupGlobalDNS, false, []string{"options", "searches"}},
	{groupPrefixDNSDomain, true, []string{"servers", "options"}},
	{groupPrefixConnection, true, append([]string{"match-device", "stop-match"}, ConnectionDefaults...)},
}

// ConnectionDefaults are the profile properties a [connection*] section
// may give defaults for.
var ConnectionDefaults = []string{
	"802-1x.auth-timeout", "cdma.mtu", "connection.auth-retries", "connection.autoconnect-slaves",
	"connection.dns-over-tls", "connection.lldp", "connection.llmnr", "connection.mdns", "connection.mptcp-flags",
	"connection.mud-url", "connection.stable-id", "ethernet.cloned-mac-address", "ethernet.generate-mac-address-mask",
	"ethernet.mtu", "ethernet.wake-on-lan", "gsm.mtu", "hostname.from-dhcp", "hostname.from-dns-lookup",
	"hostname.only-from-default", "hostname.priority", "infiniband.mtu", "ip-tunnel.mtu", "ipv4.dad-timeout",
	"ipv4.dhcp-client-id", "ipv4.dhcp-hostname-flags", "ipv4.dhcp-iaid", "ipv4.dhcp-timeout",
	"ipv4.dhcp-vendor-class-identifier", "ipv4.dns-priority", "ipv4.link-local", "ipv4.required-timeout",
	"ipv4.route-metric", "ipv4.route-table", "ipv6.addr-gen-mode", "ipv6.dhcp-duid", "ipv6.dhcp-hostname-flags",
	"ipv6.dhcp-iaid", "ipv6.dhcp-timeout", "ipv6.dns-priority", "ipv6.ip6-privacy", "ipv6.ra-timeout",
	"ipv6.required-timeout", "ipv6.route-metric", "ipv6.route-table", "loopback.mtu", "sriov.autoprobe-drivers",
	"vpn.timeout", "wifi-sec.fils", "wifi-sec.pmf", "wifi.ap-isolation", "wifi.cloned-mac-address",
	"wifi.generate-mac-address-mask", "wifi.mac-address-randomization", "wifi.mtu", "wifi.powersave",
	"wifi.wake-on-wlan", "wireguard.mtu",
}

func knownKey(group, key string) bool {
	for _, g := range knownKeys {
		if g.prefix && strings.HasPrefix(group, g.group) || !g.prefix && group == g.group {
			return slices.Contains(g.keys, key)
		}
	}
	return false
}

// isStringList: keys whose value is a ','-separated GLib list.
func isStringList(group, key string) bool {
	return group == GroupMain && (key == "plugins" || key == "debug") ||
		group == GroupLogging && key == "domains" ||
		strings.HasPrefix(group, ".test-append-stringlist")
}

// isDeviceSpec: keys holding device match specs.
func isDeviceSpec(group, key string) bool {
	return group == GroupMain && (key == "no-auto-default" || key == "ignore-carrier" || key == "assume-ipv6ll-only") ||
		group == GroupKeyfile && key == "unmanaged-devices" ||
		(strings.HasPrefix(group, groupPrefixConnection) || strings.HasPrefix(group, groupPrefixDevice)) && key == "match-device"
}

// isConnectionSpec: keys holding connection match specs.
func isConnectionSpec(group, key string) bool {
	return strings.HasPrefix(group, groupPrefixDevice) && key == "allowed-connections"
}

// sortGroups puts a file's [connection*] and [device*] sections after the
// others, each kind in reverse order, so that once every file is merged
// (and the order reversed again) the later section of a file wins.
func sortGroups(groups []*gkeyfile.Group) []*gkeyfile.Group {
	var plain, dev, con []*gkeyfile.Group
	for _, g := range groups {
		switch {
		case strings.HasPrefix(g.Name, groupPrefixConnection):
			con = append(con, g)
		case strings.HasPrefix(g.Name, groupPrefixDevice):
			dev = append(dev, g)
		default:
			plain = append(plain, g)
		}
	}
	slices.Reverse(dev)
	slices.Reverse(con)
	return slices.Concat(plain, dev, con)
}

// snippetEnabled evaluates [.config] enable= of a conf.d snippet: a
// boolean, or match specs on the version and $NM_CONFIG_ENABLE_TAG.
func snippetEnabled(kf *gkeyfile.File) bool {
	g := kf.Group(groupConfig)
	if g == nil {
		return true
	}
	raw, ok := g.Raw("enable")
	if !ok {
		return true
	}
	if b, err := ParseBool(raw); err == nil {
		return b
	}
	specs := SplitSpecs(unescapeSpecValue(raw))
	return MatchConfig(specs, version.NetworkManager, os.Getenv("NM_CONFIG_ENABLE_TAG")) == Match
}

// unescapeSpecValue is the value of a spec key as NetworkManager reads it
// before splitting (GLib's string unescaping where it succeeds).
func unescapeSpecValue(raw string) string {
	if s, err := gkeyfile.Unescape(raw); err == nil {
		return s
	}
	return raw
}

// readFile merges one configuration file into c.user.
func (c *Config) readFile(path string, base bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	kf, err := gkeyfile.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !base && !snippetEnabled(kf) {
		return nil
	}
	kf.RemoveGroup(groupConfig)
	for _, g := range sortGroups(kf.Groups()) {
		if strings.HasPrefix(g.Name, groupPrefixIntern) {
			continue
		}
		for _, key := range g.Keys() {
			if strings.HasPrefix(key, keyPrefixWas) && len(key) > len(keyPrefixWas) ||
				strings.HasPrefix(key, keyPrefixSet) && len(key) > len(keyPrefixSet) || key == keyAtomicSectionWas {
				continue
			}
			raw, _ := g.Raw(key)
			if last := key[len(key)-1]; len(key) > 1 && (last == '+' || last == '-') {
				c.editList(g.Name, key[:len(key)-1], last, raw)
				continue
			}
			c.user.AddGroup(g.Name).SetRaw(key, raw)
			if !knownKey(g.Name, key) {
				c.Warnings = append(c.Warnings, fmt.Sprintf("unknown key '%s' in section [%s] of file '%s'", key, g.Name, path))
			}
		}
	}
	return nil
}

// editList applies "key+=" (add what is missing) or "key-=" (remove) to a
// list-valued key; other keys with a +/- suffix are dropped.
func (c *Config) editList(group, key string, op byte, raw string) {
	list := isStringList(group, key)
	if !list && !isDeviceSpec(group, key) && !isConnectionSpec(group, key) {
		return
	}
	dst := c.user.AddGroup(group)
	oldRaw, oldSet := dst.Raw(key)
	var oldVal, newVal []string
	if list {
		if group == GroupMain && key == "plugins" && !oldSet {
			// An unset plugins list starts from the compiled-in default.
			dst.SetRaw(key, DefaultPlugins)
			oldRaw, oldSet = DefaultPlugins, true
		}
		oldVal, _ = gkeyfile.SplitList(oldRaw, ',')
		newVal, _ = gkeyfile.SplitList(raw, ',')
	} else {
		oldVal = SplitSpecs(unescapeSpecValue(oldRaw))
		newVal = SplitSpecs(unescapeSpecValue(raw))
	}
	var out []string
	for _, v := range oldVal {
		if op != '-' || !slices.Contains(newVal, v) {
			out = append(out, v)
		}
	}
	if op == '+' {
		for _, v := range newVal {
			if !slices.Contains(oldVal, v) {
				out = append(out, v)
			}
		}
	}
	switch {
	case len(out) > 0 && list:
		// Written like GLib's list, without the trailing separator.
		dst.SetRaw(key, strings.TrimSuffix(gkeyfile.JoinList(out, ','), ","))
	case len(out) > 0:
		dst.SetRaw(key, JoinSpecs(out))
	case list && !oldSet:
		dst.Delete(key)
	default:
		dst.SetRaw(key, "")
	}
}

// readIntern reads NetworkManager-intern.conf: its [.intern.*] groups, and
// ".set.KEY" values that override the user's KEY for as long as the
// user's value is still the one recorded as ".was.KEY". A missing or
// broken file gives nil.
func readIntern(path string, user *gkeyfile.File) *gkeyfile.File {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	kf, err := gkeyfile.Parse(data)
	if err != nil {
		return nil
	}
	out := gkeyfile.New()
	has := false
	userRaw := func(group, key string) (string, bool) {
		if g := user.Group(group); g != nil {
			return g.Raw(key)
		}
		return "", false
	}
	for _, g := range kf.Groups() {
		if g.Name == groupConfig {
			continue
		}
		intern := strings.HasPrefix(g.Name, groupPrefixIntern)
		for _, key := range g.Keys() {
			val, _ := g.Raw(key)
			switch {
			case intern:
				out.AddGroup(g.Name).SetRaw(key, val)
				has = true
			case strings.HasPrefix(key, keyPrefixSet) && len(key) > len(keyPrefixSet):
				base := key[len(keyPrefixSet):]
				was, wasSet := g.Raw(keyPrefixWas + base)
				cur, curSet := userRaw(g.Name, base)
				if was != cur || wasSet != curSet {
					continue
				}
				out.AddGroup(g.Name).SetRaw(base, val)
				has = true
			case strings.HasPrefix(key, keyPrefixWas) && len(key) > len(keyPrefixWas):
				base := key[len(keyPrefixWas):]
				if g.Has(keyPrefixSet + base) {
					continue
				}
				cur, curSet := userRaw(g.Name, base)
				if !curSet && val != "" || curSet && cur != val {
					continue
				}
				out.AddGroup(g.Name).SetRaw(key, "")
				has = true
			}
		}
	}
	if !has {
		return nil
	}
	return out
}

// mergeIntern lays the internal configuration over the user's: values
// replace the user's, and a ".was.KEY" marker hides the user's KEY.
func mergeIntern(user, intern *gkeyfile.File) *gkeyfile.File {
	out := gkeyfile.New()
	for _, g := range user.Groups() {
		dst := out.AddGroup(g.Name)
		for _, k := range g.Keys() {
			v, _ := g.Raw(k)
			dst.SetRaw(k, v)
		}
	}
	if intern == nil {
		return out
	}
	for _, g := range sortGroups(intern.Groups()) {
		isIntern := strings.HasPrefix(g.Name, groupPrefixIntern)
		for _, k := range g.Keys() {
			v, _ := g.Raw(k)
			if !isIntern && strings.HasPrefix(k, keyPrefixWas) {
				if og := out.Group(g.Name); og != nil {
					base := k[len(keyPrefixWas):]
					if !intern.Group(g.Name).Has(base) {
						og.Delete(base)
					}
				}
				continue
			}
			out.AddGroup(g.Name).SetRaw(k, v)
		}
	}
	return out
}
