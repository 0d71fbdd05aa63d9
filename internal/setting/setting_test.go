package setting

import (
	"slices"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"
)

func v(x any) dbus.Variant { return dbus.MakeVariant(x) }

const testUUID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"

func eth(extra map[string]dbus.Variant) Dict {
	c := map[string]dbus.Variant{"id": v("t"), "uuid": v(testUUID), "type": v("802-3-ethernet")}
	for k, x := range extra {
		c[k] = x
	}
	return Dict{"connection": c}
}

func TestSchemaTables(t *testing.T) {
	seen := map[string]bool{}
	for _, info := range All() {
		if seen[info.Name] {
			t.Errorf("duplicate setting %s", info.Name)
		}
		seen[info.Name] = true
		if Lookup(info.Name) != info {
			t.Errorf("Lookup(%s)", info.Name)
		}
		if info.Alias != "" && LookupAlias(info.Alias) != info {
			t.Errorf("LookupAlias(%s)", info.Alias)
		}
		names := make([]string, 0, len(info.Props))
		for _, p := range info.Props {
			names = append(names, p.Name)
			if p.Setting() != info || info.Prop(p.Name) != p {
				t.Errorf("%s: back links", p.FullName())
			}
		}
		// Sorted by name, connection's id/uuid/type first.
		start := 0
		if info.Name == "connection" {
			if !slices.Equal(names[:3], []string{"id", "uuid", "type"}) {
				t.Errorf("connection order %v", names[:3])
			}
			start = 3
		}
		if !slices.IsSorted(names[start:]) {
			t.Errorf("%s: properties not sorted: %v", info.Name, names)
		}
	}
	if len(seen) < 50 {
		t.Errorf("only %d settings", len(seen))
	}
}

// TestFromDBusErrors covers the classes of bad D-Bus input with
// NetworkManager's error names and texts.
func TestFromDBusErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    Dict
		code ErrorCode
		msg  string
	}{
		{"wrong type", eth(map[string]dbus.Variant{"autoconnect": v("yes")}), ErrInvalidProperty,
			"connection.autoconnect: failed to set property: connection.autoconnect: can't set property of type 'b' from value of type 's'"},
		{"unknown property", eth(map[string]dbus.Variant{"nope": v(1)}), ErrInvalidProperty, "connection.nope: unknown property"},
		{"unknown setting", Dict{"connection": eth(nil)["connection"], "warp": {}}, ErrInvalidSetting, "warp: unknown setting name"},
		{"permissions type", eth(map[string]dbus.Variant{"permissions": v([]int32{1})}), ErrInvalidProperty, "connection.permissions: wrong type; should be a list of strings."},
		{"missing method", Dict{"connection": eth(nil)["connection"], "ipv4": {"dns-search": v([]string{"x"})}}, ErrMissingProperty, "ipv4.method: property is missing"},
		{"manual without address", Dict{"connection": eth(nil)["connection"], "ipv4": {"method": v("manual")}}, ErrMissingProperty,
			"ipv4.addresses: this property cannot be empty for 'method=manual'"},
		{"bad uuid", eth(map[string]dbus.Variant{"uuid": v("xyz")}), ErrInvalidProperty, "connection.uuid: 'xyz' is not a valid UUID"},
		{"slash in ifname", eth(map[string]dbus.Variant{"interface-name": v("a/b")}), ErrInvalidProperty, "interface name contains an invalid character"},
	} {
		_, err := FromDBus(tc.d, ParseStrict|ParseNormalize)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if err.Code != tc.code || !strings.Contains(err.Message, tc.msg) {
			t.Errorf("%s: %s %q, want %s %q", tc.name, err.Code, err.Message, tc.code, tc.msg)
		}
		if !strings.HasPrefix(err.DBusName(), "org.freedesktop.NetworkManager.Settings.Connection.") {
			t.Errorf("%s: D-Bus name %s", tc.name, err.DBusName())
		}
	}
}

func TestDBusRoundTrip(t *testing.T) {
	d := Dict{
		"connection":     eth(map[string]dbus.Variant{"interface-name": v("eth0"), "autoconnect-priority": v(int32(5))})["connection"],
		"802-3-ethernet": {"mtu": v(uint32(1400)), "mac-address": v([]byte{0, 0x11, 0x22, 0x33, 0x44, 0x55})},
		"ipv4": {"method": v("manual"), "address-data": v([]map[string]dbus.Variant{{"address": v("192.0.2.5"), "prefix": v(uint32(24))}}),
			"gateway": v("192.0.2.1"), "dns": v([]uint32{0x08080808}),
			"route-data": v([]map[string]dbus.Variant{{"dest": v("10.0.0.0"), "prefix": v(uint32(8)), "metric": v(uint32(5)), "mtu": v(uint32(1300))}})},
		"ipv6": {"method": v("ignore")},
	}
	c, err := FromDBus(d, ParseStrict|ParseNormalize)
	if err != nil {
		t.Fatal(err)
	}
	checkClientRoundTrip(t, c)
	if got := c.Setting("802-3-ethernet").Str("mac-address"); got != "00:11:22:33:44:55" {
		t.Errorf("mac %q", got)
	}
	if a := c.Setting("ipv4").Addresses(); len(a) != 1 || a[0].String() != "192.0.2.5/24" {
		t.Errorf("addresses %v", a)
	}
	if dns := c.Setting("ipv4").Strv("dns"); !slices.Equal(dns, []string{"8.8.8.8"}) {
		t.Errorf("dns %v", dns)
	}
}

func TestNormalizeAddsDefaults(t *testing.T) {
	c, err := FromDBus(eth(nil), ParseStrict|ParseNormalize)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"802-3-ethernet", "ipv4", "ipv6", "proxy"} {
		if !c.Has(s) {
			t.Errorf("normalize did not add %s", s)
		}
	}
	if m := c.Setting("ipv4").Str("method"); m != "auto" {
		t.Errorf("ipv4.method %q", m)
	}
	if res, err := c.Verify(); res != Success || err != nil {
		t.Errorf("verify after normalize: %v %v", res, err)
	}
}

func TestRoutingRuleStrings(t *testing.T) {
	for _, s := range []string{
		"priority 5 from 192.0.2.0/24 table 10",
		"priority 10 not to 10.0.0.0/8 table 20",
		"priority 11 fwmark 0x10/0xff table 30",
		"priority 12 iif eth0 type blackhole",
		"priority 13 ipproto 6 dport 80-90 table 40",
		"priority 14 uidrange 1000-2000 table 50",
		"priority 15 from 0.0.0.0/0 suppress_prefixlength 0 table 254",
	} {
		r, err := ParseRoutingRule(s, AFInet, true)
		if err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		r2, err := ParseRoutingRule(r.String(), AFInet, true)
		if err != nil || r2.String() != r.String() {
			t.Errorf("%q → %q → %v", s, r.String(), err)
		}
		d := r.ToDBus()
		r3, err := RoutingRuleFromDBus(d, true)
		if err != nil || r3.String() != r.String() {
			t.Errorf("%q via D-Bus: %q %v", s, r3.String(), err)
		}
	}
	for _, bad := range []string{"", "priority", "priority 5 table", "from 1.2.3.4 nonsense", "priority 5 from 2001:db8::/32 table 1"} {
		if _, err := ParseRoutingRule(bad, AFInet, true); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestBridgeVlanStrings(t *testing.T) {
	for s, want := range map[string]string{"10": "10", "10-20 untagged": "10-20 untagged", "5 pvid untagged": "5 pvid untagged"} {
		bv, err := ParseBridgeVlan(s)
		if err != nil || bv.String() != want {
			t.Errorf("%q: %q %v", s, bv.String(), err)
		}
	}
	for _, bad := range []string{"", "0", "4095", "10-5", "10-20 pvid", "x"} {
		if _, err := ParseBridgeVlan(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestUUIDs(t *testing.T) {
	u := NewUUID()
	if !UUIDNormalized(u) || u[14] != '4' {
		t.Errorf("NewUUID %q", u)
	}
	if a, b := UUIDFromStrings("keyfile", "/etc/x"), UUIDFromStrings("keyfile", "/etc/y"); a == b || !UUIDNormalized(a) || a[14] != '3' {
		t.Errorf("UUIDFromStrings %q %q", a, b)
	}
	if UUIDNormalized(strings.ToUpper(u)) {
		t.Error("upper case is not normalized")
	}
}

// checkClientRoundTrip sends a profile's D-Bus form back through the
// strict parser, as a client returning it would, and fails the test unless
// it reads as the same profile.
func checkClientRoundTrip(t *testing.T, c *Connection) {
	t.Helper()
	out := c.ToDBus(WithSecrets)
	// A client sends the new keys only; the daemon would prefer the
	// deprecated ones (without route attributes) if both came.
	for _, k := range []string{"addresses", "routes", "dns"} {
		delete(out["ipv4"], k)
		delete(out["ipv6"], k)
	}
	c2, err := FromDBus(out, ParseStrict)
	if err != nil {
		t.Fatalf("own output rejected: %v\n%s", err, CanonicalText(out))
	}
	if !c.Equal(c2) {
		t.Fatalf("round trip changed the profile:\n%s\n%s", CanonicalText(out), CanonicalText(c2.ToDBus(WithSecrets)))
	}
}
