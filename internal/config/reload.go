package config

import (
	"os"
	"slices"
	"strings"

	"github.com/gonm/gonm/internal/gkeyfile"
)

// Change flags say why a configuration was reloaded (causes, upper case)
// and what changed; their names are the ones NetworkManager logs in
// "config: signal: SIGHUP,values,values-user (...)".
type Change uint32

const (
	CauseSIGHUP Change = 1 << iota
	CauseSIGUSR1
	CauseSIGUSR2
	CauseConf // the Reload D-Bus method, flag "conf"
	CauseDNSRC
	CauseDNSFull

	ConfigFiles
	Values
	ValuesUser
	ValuesIntern
	ConnectivityChanged
	NoAutoDefaultChanged
	DNSModeChanged
	RCManagerChanged
	GlobalDNSChanged
)

var changeNames = []struct {
	f    Change
	name string
}{
	{CauseConf, "CONF"}, {CauseDNSRC, "DNS_RC"}, {CauseDNSFull, "DNS_FULL"}, {CauseSIGHUP, "SIGHUP"},
	{CauseSIGUSR1, "SIGUSR1"}, {CauseSIGUSR2, "SIGUSR2"},
	{ConfigFiles, "config-files"}, {Values, "values"}, {ValuesUser, "values-user"}, {ValuesIntern, "values-intern"},
	{ConnectivityChanged, "connectivity"}, {NoAutoDefaultChanged, "no-auto-default"}, {DNSModeChanged, "dns-mode"},
	{RCManagerChanged, "rc-manager"}, {GlobalDNSChanged, "global-dns-config"},
}

func (c Change) String() string {
	var parts []string
	for _, n := range changeNames {
		if c&n.f != 0 {
			parts = append(parts, n.name)
		}
	}
	return strings.Join(parts, ",")
}

// fileEqual compares two key files in order, by raw values.
func fileEqual(a, b *gkeyfile.File) bool {
	if a == nil || b == nil {
		return a == b
	}
	ga, gb := a.Groups(), b.Groups()
	if len(ga) != len(gb) {
		return false
	}
	for i := range ga {
		if ga[i].Name != gb[i].Name || !slices.Equal(ga[i].Keys(), gb[i].Keys()) {
			return false
		}
		for _, k := range ga[i].Keys() {
			va, _ := ga[i].Raw(k)
			vb, _ := gb[i].Raw(k)
			if va != vb {
				return false
			}
		}
	}
	return true
}

func groupsWithPrefix(f *gkeyfile.File, exact, prefix string) string {
	if f == nil {
		return ""
	}
	var b strings.Builder
	for _, g := range f.Groups() {
		if g.Name == exact || strings.HasPrefix(g.Name, prefix) {
			b.WriteString(g.Name + "\n")
			for _, k := range g.Keys() {
				v, _ := g.Raw(k)
				b.WriteString(k + "=" + v + "\n")
			}
		}
	}
	return b.String()
}

// Diff reports what differs between two configurations.
func Diff(old, cur *Config) Change {
	var c Change
	if !fileEqual(old.user, cur.user) {
		c |= Values | ValuesUser
	}
	if !fileEqual(old.intern, cur.intern) {
		c |= Values | ValuesIntern
	}
	if old.MainFile != cur.MainFile || old.Description != cur.Description {
		c |= ConfigFiles
	}
	if old.Connectivity() != cur.Connectivity() {
		c |= ConnectivityChanged
	}
	if !slices.Equal(old.NoAutoDefault(), cur.NoAutoDefault()) || !slices.Equal(old.NoAutoDefaultState(), cur.NoAutoDefaultState()) {
		c |= NoAutoDefaultChanged
	}
	if old.DNSMode() != cur.DNSMode() {
		c |= DNSModeChanged
	}
	if old.RCManager() != cur.RCManager() {
		c |= RCManagerChanged
	}
	if groupsWithPrefix(old.merged, GroupGlobalDNS, groupPrefixDNSDomain) != groupsWithPrefix(cur.merged, GroupGlobalDNS, groupPrefixDNSDomain) {
		c |= GlobalDNSChanged
	}
	return c
}

// Reload reads the files again with the same paths and command line. It
// returns the new configuration and the changes (cause included); when
// the files cannot be read the old configuration stays and err says why.
// Without changes the returned configuration is the old one.
func (c *Config) Reload(cause Change) (*Config, Change, error) {
	n, err := LoadWith(c.Paths, c.Overrides)
	if err != nil {
		return c, cause, err
	}
	d := Diff(c, n)
	if d == 0 {
		return c, cause, nil
	}
	return n, cause | d, nil
}

// NoAutoDefaultState lists the devices recorded in the no-auto-default
// state file (one spec per line), sorted.
func (c *Config) NoAutoDefaultState() []string {
	data, err := os.ReadFile(c.noAutoDefaultFile())
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out
}

func (c *Config) noAutoDefaultFile() string {
	if c.Paths.NoAutoDefaultFile != "" {
		return c.Paths.NoAutoDefaultFile
	}
	return DefaultNoAutoDefault
}
