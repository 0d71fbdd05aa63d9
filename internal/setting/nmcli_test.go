package setting

import (
	"strings"
	"testing"
)

// nmcliSet applies "setting.prop value" pairs the way nmcli does.
func nmcliSet(t *testing.T, c *Connection, mod Modifier, full, value string) error {
	t.Helper()
	name, prop, _ := strings.Cut(full, ".")
	info := LookupAlias(name)
	if info == nil {
		t.Fatalf("no setting %q", name)
	}
	p, err := info.NmcliProp(prop)
	if err != nil {
		t.Fatalf("%s: %v", full, err)
	}
	var v *string
	if value != "" || mod != ModSet {
		v = &value
	}
	return p.NmcliSet(c.Ensure(info.Name), mod, v, &NmcliEnv{})
}

func nmcliGet(c *Connection, full string, pretty bool) string {
	name, prop, _ := strings.Cut(full, ".")
	info := LookupAlias(name)
	return info.Prop(prop).NmcliGet(c.Ensure(info.Name), pretty, false).Text
}

// The values and texts below are what nmcli 1.42 shows and prints.
func TestNmcliGetDefaults(t *testing.T) {
	c := NewConnection()
	for _, tc := range []struct{ prop, pretty, terse string }{
		{"connection.autoconnect", "yes", "yes"},
		{"connection.autoconnect-retries", "-1 (default)", "-1"},
		{"connection.multi-connect", "0 (default)", "0"},
		{"connection.auth-retries", "-1", "-1"},
		{"connection.metered", "unknown", "unknown"},
		{"connection.lldp", "default", "default"},
		{"connection.mdns", "-1 (default)", "-1"},
		{"connection.mptcp-flags", "0x0 (default)", "0x0"},
		{"connection.autoconnect-slaves", "-1 (default)", "-1"},
		{"802-3-ethernet.mtu", "auto", "auto"},
		{"802-3-ethernet.wake-on-lan", "default", "default"},
		{"802-3-ethernet.accept-all-mac-addresses", "-1 (default)", "-1"},
		{"ipv4.route-metric", "-1", "-1"},
		{"ipv4.route-table", "0 (unspec)", "0"},
		{"ipv4.replace-local-rule", "-1 (default)", "-1"},
		{"ipv4.dhcp-timeout", "0 (default)", "0"},
		{"ipv4.dhcp-hostname-flags", "0x0 (none)", "0x0"},
		{"ipv4.required-timeout", "-1 (default)", "-1"},
		{"ipv4.dad-timeout", "-1 (default)", "-1"},
		{"ipv4.link-local", "0 (default)", "0"},
		{"ipv6.ip6-privacy", "-1 (unknown)", "-1"},
		{"ipv6.addr-gen-mode", "default", "default"},
		{"ipv6.ra-timeout", "0 (default)", "0"},
		{"ipv6.mtu", "auto", "auto"},
		{"proxy.method", "none", "none"},
		{"vlan.flags", "1 (REORDER_HEADERS)", "1"},
		{"802-1x.password-flags", "0 (none)", "0"},
		{"802-11-wireless.powersave", "0 (default)", "default"},
		{"infiniband.p-key", "default", "default"},
		{"wpan.short-address", "0xffff (unset)", "0xffff"},
		{"dcb.priority-group-id", "0,0,0,0,0,0,0,0", "0,0,0,0,0,0,0,0"},
		{"dcb.app-fcoe-flags", "0 (disabled)", "0 (disabled)"},
	} {
		if got := nmcliGet(c, tc.prop, true); got != tc.pretty {
			t.Errorf("%s pretty: got %q, want %q", tc.prop, got, tc.pretty)
		}
		if got := nmcliGet(c, tc.prop, false); got != tc.terse {
			t.Errorf("%s terse: got %q, want %q", tc.prop, got, tc.terse)
		}
	}
}

func TestNmcliSetAndShow(t *testing.T) {
	for _, tc := range []struct {
		sets   [][3]string // modifier, property, value
		prop   string
		pretty string
		terse  string
	}{
		{[][3]string{{"", "ipv4.routes", "198.51.100.0/24 192.0.2.254 200"}}, "ipv4.routes",
			"{ ip = 198.51.100.0/24, nh = 192.0.2.254, mt = 200 }", "198.51.100.0/24 192.0.2.254 200"},
		{[][3]string{{"", "ipv4.routes", "10.0.0.0/8 mtu=1400 src=10.0.0.1, 10.1.0.0/16"}}, "ipv4.routes",
			"{ ip = 10.0.0.0/8 mtu=1400 src=10.0.0.1 }; { ip = 10.1.0.0/16 }", "10.0.0.0/8 mtu=1400 src=10.0.0.1, 10.1.0.0/16"},
		{[][3]string{{"", "ipv4.addresses", "192.0.2.1/24, 192.0.2.2"}, {"+", "ipv4.addresses", "192.0.2.1/24"}}, "ipv4.addresses",
			"192.0.2.1/24, 192.0.2.2/32", "192.0.2.1/24, 192.0.2.2/32"},
		{[][3]string{{"", "ipv4.addresses", "192.0.2.1/24, 192.0.2.2"}, {"-", "ipv4.addresses", "0"}}, "ipv4.addresses",
			"192.0.2.2/32", "192.0.2.2/32"},
		{[][3]string{{"", "ipv4.dns", "1.1.1.1 8.8.8.8"}, {"-", "ipv4.dns", "1.1.1.1"}, {"+", "ipv4.dns", "9.9.9.9"}}, "ipv4.dns",
			"8.8.8.8,9.9.9.9", "8.8.8.8,9.9.9.9"},
		{[][3]string{{"", "connection.permissions", "alice user:bob"}}, "connection.permissions", "user:alice,user:bob", "user:alice,user:bob"},
		{[][3]string{{"", "connection.lldp", "enable"}}, "connection.lldp", "enable-rx", "enable-rx"},
		{[][3]string{{"", "connection.mdns", "2"}}, "connection.mdns", "2 (yes)", "2"},
		{[][3]string{{"", "connection.mptcp-flags", "signal,subflow"}}, "connection.mptcp-flags", "0x30 (signal, subflow)", "0x30"},
		{[][3]string{{"", "connection.metered", "yes"}}, "connection.metered", "yes", "yes"},
		{[][3]string{{"", "ipv4.dns-options", " "}}, "ipv4.dns-options", `""`, " "},
		{[][3]string{{"", "ipv4.dns-options", "rotate,ndots:1"}, {"+", "ipv4.dns-options", "ndots:2"}}, "ipv4.dns-options",
			"rotate,ndots:1", "rotate,ndots:1"},
		{[][3]string{{"", "802-3-ethernet.wake-on-lan", "magic,phy"}}, "802-3-ethernet.wake-on-lan", "phy, magic", "phy, magic"},
		{[][3]string{{"", "802-3-ethernet.wake-on-lan", "none"}}, "802-3-ethernet.wake-on-lan", "", ""},
		{[][3]string{{"", "802-3-ethernet.mac-address-blacklist", "aa:bb:cc:dd:ee:ff,AA:BB:CC:DD:EE:FF"}}, "802-3-ethernet.mac-address-blacklist",
			"AA:BB:CC:DD:EE:FF", "AA:BB:CC:DD:EE:FF"},
		{[][3]string{{"", "bond.options", "mode=2,miimon=120"}}, "bond.options", "mode=balance-xor,miimon=120", "mode=balance-xor,miimon=120"},
		{[][3]string{{"", "vpn.data", "remote=a.example, user=x\\,y"}}, "vpn.data", "remote = a.example, user = x\\,y", "remote = a.example, user = x\\,y"},
		{[][3]string{{"", "vlan.ingress-priority-map", "1:2,3:4"}, {"-", "vlan.ingress-priority-map", "1:2"}}, "vlan.ingress-priority-map", "3:4", "3:4"},
		{[][3]string{{"", "ipv6.ip6-privacy", "2"}}, "ipv6.ip6-privacy", "2 (enabled, prefer temporary IP)", "2"},
		{[][3]string{{"", "802-11-wireless.ssid", "my net"}}, "802-11-wireless.ssid", "my net", "my net"},
		{[][3]string{{"", "ipv4.method", "st"}}, "ipv4.method", "manual", "manual"},
		{[][3]string{{"", "802-1x.password-flags", "agent-owned,not-saved"}}, "802-1x.password-flags", "3 (agent-owned, not saved)", "3"},
	} {
		c := NewConnection()
		for _, s := range tc.sets {
			mod := map[string]Modifier{"": ModSet, "+": ModAdd, "-": ModDel}[s[0]]
			if err := nmcliSet(t, c, mod, s[1], s[2]); err != nil {
				t.Fatalf("%s%s %q: %v", s[0], s[1], s[2], err)
			}
		}
		if got := nmcliGet(c, tc.prop, true); got != tc.pretty {
			t.Errorf("%v: pretty %q, want %q", tc.sets, got, tc.pretty)
		}
		if got := nmcliGet(c, tc.prop, false); got != tc.terse {
			t.Errorf("%v: terse %q, want %q", tc.sets, got, tc.terse)
		}
	}
}

func TestNmcliSetErrors(t *testing.T) {
	for _, tc := range []struct{ prop, value, err string }{
		{"ipv4.addresses", "1.2.3.4/33", "invalid prefix '33'; <0-32> allowed"},
		{"ipv4.addresses", "1.2.3.256", "invalid IP address: Invalid IPv4 address '1.2.3.256'"},
		{"ipv4.routes", "1.2.3.0/24 mtu=x", "invalid option 'mtu=x': invalid uint32 value 'x' for attribute 'mtu'"},
		{"ipv4.routes", "1.2.3.0/24 foo=1", "invalid option 'foo=1': unknown attribute 'foo'"},
		{"ipv6.ip6-privacy", "5", "invalid option '5', use one of [unknown,disabled,prefer-public-addr,prefer-temp-addr]"},
		{"802-3-ethernet.mtu", "-1", "'-1' is out of range [0, 4294967295]"},
		{"802-3-ethernet.speed", "-1", "'-1' is out of range [0, 4294967295]"},
		{"connection.autoconnect-priority", "1000", "'1000' is out of range [-999, 999]"},
		{"connection.autoconnect-priority", "x", "'x' is not a valid number"},
		{"ipv4.dhcp-reject-servers", "x", "invalid IPv4 or subnet \"x\""},
		{"802-3-ethernet.mac-address-blacklist", "zz", "'zz' is not a valid MAC address"},
		{"connection.permissions", "a:b", "invalid permission \"a:b\""},
		{"connection.metered", "maybe", "'maybe' is not valid; use [true, yes, on], [false, no, off] or [unknown]"},
		{"connection.autoconnect", "o", "'o' is ambiguous (on, off)"},
		{"802-3-ethernet.duplex", "x", "'x' not among [half, full]"},
		{"802-3-ethernet.s390-options", "foo=1", "'foo' not among [" + strings.Join(s390Options, ", ") + "]"},
		{"802-11-wireless.ssid", strings.Repeat("x", 33), "'" + strings.Repeat("x", 33) + "' is not valid"},
		{"802-11-wireless.channel", "15", "'15' is not a valid channel"},
		{"vlan.flags", "16", "'16' flags are not valid; use combination of 1, 2, 4, 8"},
		{"bond.options", "mode", "'mode' is not valid; use <option>=<value>"},
		{"bond.options", "mode=foo", "'foo' not among [balance-rr, active-backup, balance-xor, broadcast, 802.3ad, balance-tlb, balance-alb]"},
	} {
		c := NewConnection()
		err := nmcliSet(t, c, ModSet, tc.prop, tc.value)
		if err == nil || err.Error() != tc.err {
			t.Errorf("%s %q: got error %v, want %q", tc.prop, tc.value, err, tc.err)
		}
	}
}

func TestStringIsValid(t *testing.T) {
	allowed := []string{"on", "one", "other"}
	for _, tc := range []struct{ in, out, err string }{
		{"on", "on", ""},
		{"ONE", "one", ""},
		{"ot", "other", ""},
		{"o", "", "'o' is ambiguous: on, one, other"},
		{"x", "", "'x' not among [on, one, other]"},
		{"", "", "missing name, try one of [on, one, other]"},
	} {
		got, err := StringIsValid(tc.in, allowed)
		if got != tc.out || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
			t.Errorf("StringIsValid(%q) = %q, %v; want %q, %q", tc.in, got, err, tc.out, tc.err)
		}
	}
}
