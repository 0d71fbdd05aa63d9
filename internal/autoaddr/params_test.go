package autoaddr

import (
	"bytes"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/dhcpid"
	"github.com/gonm/gonm/internal/hostid"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/ndisc"
)

func unitInputs(defaults map[string]string) Inputs {
	mid, _ := hostid.ParseMachineID("3d1219c7c4c5404aaa1f6d2a48adfda4")
	return Inputs{IfIndex: 7, IfName: "eth1", HWAddr: net.HardwareAddr{0x52, 0x54, 0, 0x12, 0x34, 0x56}, DeviceType: 1,
		Host: hostid.HostID{Key: testKey, Good: true}, MachineID: mid, BootID: "b", StaticHostname: "box.example.test",
		DefaultUseTempaddr: -1,
		Default: func(p string) (string, bool) {
			v, ok := defaults[p]
			return v, ok
		}}
}

func TestFromProfileDefaults(t *testing.T) {
	in := unitInputs(nil)
	p, warns := FromProfile(profile(t, "method=auto", "method=auto"), in)
	if len(warns) > 0 {
		t.Fatal(warns)
	}
	mac, _ := dhcpid.ClientIDMAC(in.HWAddr)
	if !bytes.Equal(p.ClientID, mac) {
		t.Errorf("client id %x, want the MAC one %x", p.ClientID, mac)
	}
	if p.Timeout4 != 45*time.Second || p.Timeout6 != 45*time.Second {
		t.Errorf("timeouts %v %v", p.Timeout4, p.Timeout6)
	}
	// The system's name without its domain, as a plain host name.
	if p.Hostname4 != "box" || p.UseFQDN || p.Hostname6 != "box.example.test" {
		t.Errorf("hostnames %q fqdn=%v %q", p.Hostname4, p.UseFQDN, p.Hostname6)
	}
	// A keyfile without addr-gen-mode means eui64 (NetworkManager's
	// keyfile reader keeps old profiles as they were).
	if p.AddrGenMode != ndisc.AddrGenEUI64 || p.StableType != hostid.StableTypeUUID || p.NetworkID != testUUID {
		t.Errorf("addr-gen-mode %v stable %v %q", p.AddrGenMode, p.StableType, p.NetworkID)
	}
	if p.RATimeout != 30*time.Second {
		t.Errorf("ra timeout %v", p.RATimeout)
	}
	if p.Options4.RouteMetric4 != 100 || p.Options6.RouteMetric6 != 100 || p.ACDTimeout != 0 {
		t.Errorf("metrics %d %d, ACD %v", p.Options4.RouteMetric4, p.Options6.RouteMetric6, p.ACDTimeout)
	}
	if !bytes.Equal(p.DUID, dhcpid.DUIDFromMachineID(in.MachineID)) || p.IAID6 != dhcpid.IAIDFromIfName("eth1") {
		t.Errorf("duid %x iaid %x", p.DUID, p.IAID6)
	}
	if p.IP6Privacy != l3cfg.IP6PrivacyUnset {
		t.Errorf("ip6-privacy %v", p.IP6Privacy)
	}
}

func TestFromProfileExplicit(t *testing.T) {
	in := unitInputs(nil)
	p, warns := FromProfile(profile(t, `method=auto
dhcp-client-id=abc
dhcp-timeout=2147483647
dhcp-fqdn=host.example.test
dhcp-vendor-class-identifier=ven\\tdor\\101
dhcp-reject-servers=192.0.2.9;198.51.100.0/24
ignore-auto-routes=true
never-default=true
ignore-auto-dns=true
route-metric=50
route-table=300
dad-timeout=500`, "method=auto\naddr-gen-mode=eui64\nip6-privacy=1\nra-timeout=7\ndhcp-send-hostname=false"), in)
	if len(warns) > 0 {
		t.Fatal(warns)
	}
	if want, _ := dhcpid.ClientIDFromString("abc"); !bytes.Equal(p.ClientID, want) {
		t.Errorf("client id %x", p.ClientID)
	}
	if p.Timeout4 != 0 {
		t.Errorf("infinite timeout %v", p.Timeout4)
	}
	// FQDN with NetworkManager's default IPv4 flags (S and E).
	if p.Hostname4 != "host.example.test" || !p.UseFQDN || p.FQDNFlags != 0x05 {
		t.Errorf("fqdn %q %v %#x", p.Hostname4, p.UseFQDN, p.FQDNFlags)
	}
	if string(p.VendorClass) != "ven\tdorA" {
		t.Errorf("vendor class %q", p.VendorClass)
	}
	if len(p.RejectServers) != 2 || p.RejectServers[0] != netip.MustParsePrefix("192.0.2.9/32") || p.RejectServers[1] != netip.MustParsePrefix("198.51.100.0/24") {
		t.Errorf("reject servers %v", p.RejectServers)
	}
	o := p.Options4
	if o.Merge != l3cfg.MergeNoRoutes|l3cfg.MergeNoDefaultRoutes|l3cfg.MergeNoDNS || o.RouteMetric4 != 50 || o.RouteTable4 != 300 {
		t.Errorf("options %+v", o)
	}
	if p.ACDTimeout != 500*time.Millisecond {
		t.Errorf("ACD %v", p.ACDTimeout)
	}
	if p.AddrGenMode != ndisc.AddrGenEUI64 || p.IP6Privacy != l3cfg.IP6PrivacyPreferPublic || p.RATimeout != 7*time.Second || p.Hostname6 != "" {
		t.Errorf("ipv6 %+v", p)
	}
}

func TestFromProfileConnectionDefaults(t *testing.T) {
	in := unitInputs(map[string]string{
		"ipv4.dhcp-client-id":      "duid",
		"ipv4.dhcp-timeout":        "12",
		"ipv6.ra-timeout":          "9",
		"ipv6.ip6-privacy":         "2",
		"ipv6.addr-gen-mode":       "0",
		"ipv4.route-metric":        "777",
		"ipv4.dad-timeout":         "300",
		"connection.stable-id":     "fixed",
		"ipv4.dhcp-iaid":           "mac",
		"ipv6.dhcp-duid":           "ll",
		"ipv4.dhcp-hostname-flags": "1",
	})
	p, warns := FromProfile(profile(t, "method=auto\ndhcp-fqdn=h.example.test", "method=auto"), in)
	if len(warns) > 0 {
		t.Fatal(warns)
	}
	ident := dhcpid.Identity{IfName: "eth1", HWAddr: in.HWAddr, StableID: "fixed", StableType: hostid.StableTypeStableID, Host: in.Host, MachineID: in.MachineID}
	iaid, _, _ := dhcpid.IAID("mac", ident)
	duid, _, _ := dhcpid.DUID("ll", ident)
	want, _ := dhcpid.ClientID("duid", ident, iaid, duid)
	if !bytes.Equal(p.ClientID, want) || !bytes.Equal(p.DUID, duid) {
		t.Errorf("client id %x want %x (duid %x)", p.ClientID, want, p.DUID)
	}
	if p.Timeout4 != 12*time.Second || p.RATimeout != 9*time.Second || p.IP6Privacy != l3cfg.IP6PrivacyPreferTemp ||
		p.AddrGenMode != ndisc.AddrGenEUI64 || p.Options4.RouteMetric4 != 777 || p.ACDTimeout != 300*time.Millisecond {
		t.Errorf("defaults not applied: %+v", p)
	}
	if p.NetworkID != "fixed" || p.StableType != hostid.StableTypeStableID {
		t.Errorf("stable id %q %v", p.NetworkID, p.StableType)
	}
	if p.FQDNFlags != 0x01 {
		t.Errorf("fqdn flags %#x", p.FQDNFlags)
	}
}

func TestFromProfileBadValuesWarn(t *testing.T) {
	conn := profile(t, "method=auto", "method=auto")
	if err := conn.Setting("ipv4").Set("dhcp-reject-servers", []string{"nonsense"}); err != nil {
		t.Fatal(err)
	}
	p, warns := FromProfile(conn, unitInputs(nil))
	if len(warns) != 1 || len(p.RejectServers) != 0 {
		t.Errorf("warnings %v, reject servers %v", warns, p.RejectServers)
	}
}

func TestLinkLocal4Resolution(t *testing.T) {
	for _, c := range []struct {
		method string
		v      int32
		def    string
		want   bool
	}{
		{"auto", ll4Default, "", false},
		{"link-local", ll4Default, "", true},
		{"auto", ll4Enabled, "", true},
		{"manual", ll4Default, "3", true},
		{"disabled", ll4Default, "3", false},
		{"link-local", ll4Default, "2", true},
		{"auto", ll4Disabled, "3", false},
		{"link-local", ll4Auto, "", true},
	} {
		in := unitInputs(map[string]string{})
		if c.def != "" {
			in = unitInputs(map[string]string{"ipv4.link-local": c.def})
		}
		if got := linkLocal4(c.method, c.v, &in); got != c.want {
			t.Errorf("method %s link-local %d default %q: %v", c.method, c.v, c.def, got)
		}
	}
}

func TestRuns(t *testing.T) {
	for _, c := range []struct {
		m4, m6         string
		ll             bool
		r4, d4, r6, d6 bool
	}{
		{"auto", "auto", false, true, true, true, true},
		{"manual", "dhcp", false, false, false, true, true},
		{"manual", "manual", true, true, false, false, false},
		{"link-local", "link-local", true, true, false, false, false},
		{"shared", "shared", false, true, false, true, false},
		{"disabled", "ignore", true, false, false, false, false},
	} {
		p := &Params{Method4: c.m4, Method6: c.m6, LinkLocal4: c.ll}
		r4, d4 := p.Runs(l3cfg.IPv4)
		r6, d6 := p.Runs(l3cfg.IPv6)
		if r4 != c.r4 || d4 != c.d4 || r6 != c.r6 || d6 != c.d6 {
			t.Errorf("%s/%s ll=%v: %v %v %v %v", c.m4, c.m6, c.ll, r4, d4, r6, d6)
		}
	}
}

func TestOnly(t *testing.T) {
	p := &Params{Method4: "auto", Method6: "auto", LinkLocal4: true}
	if r, _ := p.Only(l3cfg.IPv4).Runs(l3cfg.IPv6); r {
		t.Error("IPv4-only parameters run IPv6")
	}
	if r, _ := p.Only(l3cfg.IPv6).Runs(l3cfg.IPv4); r {
		t.Error("IPv6-only parameters run IPv4")
	}
	if r, d := p.Only(l3cfg.IPv4).Runs(l3cfg.IPv4); !r || !d || p.Method6 != "auto" {
		t.Error("Only changed the original or dropped its family")
	}
}
