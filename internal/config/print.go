package config

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// defaultValues are printed as comments by --print-config when unset;
// these are the compile-time defaults of Debian's build.
var defaultValues = []struct{ group, key, value string }{
	{GroupMain, "plugins", DefaultPlugins},
	{GroupMain, "rc-manager", ""},
	{GroupMain, "auth-polkit", "true"},
	{GroupMain, "dhcp", "internal"},
	{GroupMain, "iwd-config-path", ""},
	{GroupLogging, "backend", "journal"},
	{GroupLogging, "audit", "true"},
	{groupPrefixDevice, "wifi.backend", "wpa_supplicant"},
}

// printOrder sorts groups as --print-config lists them: [main], the other
// plain groups by name, [device] then the other [device*] groups (last
// merged first), the same for [connection*], internal groups last.
func printOrder(groups []string) []string {
	var main, plain, dev, con, intern []string
	var devPlain, conPlain bool
	for _, g := range groups {
		switch {
		case strings.HasPrefix(g, groupPrefixIntern):
			intern = append(intern, g)
		case g == groupPrefixConnection:
			conPlain = true
		case strings.HasPrefix(g, groupPrefixConnection):
			con = append(con, g)
		case g == groupPrefixDevice:
			devPlain = true
		case strings.HasPrefix(g, groupPrefixDevice):
			dev = append(dev, g)
		case g == GroupMain:
			main = append(main, g)
		default:
			plain = append(plain, g)
		}
	}
	slices.Sort(plain)
	slices.Reverse(dev)
	slices.Reverse(con)
	if devPlain {
		dev = append([]string{groupPrefixDevice}, dev...)
	}
	if conPlain {
		con = append([]string{groupPrefixConnection}, con...)
	}
	return slices.Concat(main, plain, dev, con, intern)
}

// Print writes the configuration as `NetworkManager --print-config` does.
func (c *Config) Print(w io.Writer) {
	fmt.Fprintf(w, "# NetworkManager configuration: %s\n", c.Description)
	var groups []string
	for _, g := range c.merged.Groups() {
		groups = append(groups, g.Name)
	}
	for _, d := range defaultValues {
		if !slices.Contains(groups, d.group) {
			groups = append(groups, d.group)
		}
	}
	for _, name := range printOrder(groups) {
		fmt.Fprintf(w, "\n[%s]\n", name)
		g := c.merged.Group(name)
		for _, d := range defaultValues {
			if d.group == name && (g == nil || !g.Has(d.key)) {
				fmt.Fprintf(w, "# %s=%s\n", d.key, d.value)
			}
		}
		if g == nil {
			continue
		}
		for _, k := range g.Keys() {
			v, _ := g.Raw(k)
			fmt.Fprintf(w, "%s=%s\n", k, v)
		}
	}
	fmt.Fprintf(w, "\n# no-auto-default file \"%s\"\n", c.noAutoDefaultFile())
	if specs := c.NoAutoDefaultState(); len(specs) > 0 {
		fmt.Fprintf(w, "# no-auto-default specs \"%s\"\n", strings.Join(specs, ","))
	}
	if len(c.Warnings) > 0 {
		fmt.Fprintln(w)
	}
	for _, warn := range c.Warnings {
		fmt.Fprintf(w, "# WARNING: %s\n", warn)
	}
}
