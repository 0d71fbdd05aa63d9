package firewall

import (
	"net/netip"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	has := func(paths ...string) func(string) bool {
		return func(p string) bool {
			for _, x := range paths {
				if x == p {
					return true
				}
			}
			return false
		}
	}
	for _, c := range []struct {
		conf string
		exe  func(string) bool
		want Backend
	}{
		{"", has(NftPath, IptablesPath), BackendNftables},
		{"", has(IptablesPath), BackendIptables},
		{"", has(), BackendNftables},
		{" IPTables ", has(NftPath), BackendIptables},
		{"none", has(NftPath), BackendNone},
		{"bogus", has(IptablesPath), BackendIptables},
	} {
		if got := Detect(c.conf, c.exe); got != c.want {
			t.Errorf("Detect(%q) = %v, want %v", c.conf, got, c.want)
		}
	}
}

func TestName(t *testing.T) {
	for _, c := range []struct{ prefix, iface, want string }{
		{"nm-shared", "eth0", "nm-shared-eth0"},
		{"nm-sh-in", "br-lan.5", "nm-sh-in-br-lan.5"},
		// Other characters: the name in base64, without a dash.
		{"nm-sh-fw", "wlan@x", "nm-sh-fwd2xhbkB4"},
	} {
		if got := Name(c.prefix, c.iface); got != c.want {
			t.Errorf("Name(%q, %q) = %q, want %q", c.prefix, c.iface, got, c.want)
		}
	}
}

func TestNftSharedScript(t *testing.T) {
	up := NftShared(true, "eth1", netip.MustParsePrefix("10.42.0.1/24"))
	for _, want := range []string{
		"add table ip nm-shared-eth1\nflush table ip nm-shared-eth1\n",
		"add rule ip nm-shared-eth1 nat_postrouting ip saddr 10.42.0.0/24 ip daddr != 10.42.0.0/24 masquerade;",
		`add rule ip nm-shared-eth1 filter_forward iifname "eth1" reject;`,
	} {
		if !strings.Contains(up, want) {
			t.Errorf("script lacks %q:\n%s", want, up)
		}
	}
	if down := NftShared(false, "eth1", netip.MustParsePrefix("10.42.0.1/24")); down != "add table ip nm-shared-eth1\ndelete table ip nm-shared-eth1\n" {
		t.Errorf("removal script:\n%s", down)
	}
}

func TestIptablesShared(t *testing.T) {
	up := IptablesShared(true, "eth1", netip.MustParsePrefix("10.42.0.1/24"))
	first := strings.Join(up[0], " ")
	if first != "--wait 2 --table nat --insert POSTROUTING --source 10.42.0.0/24 ! --destination 10.42.0.0/24 --jump MASQUERADE -m comment --comment nm-shared-eth1" {
		t.Errorf("first call %q", first)
	}
	last := strings.Join(up[len(up)-1], " ")
	if last != "--wait 2 --table filter --insert FORWARD --jump nm-sh-fw-eth1 -m comment --comment nm-shared-eth1" {
		t.Errorf("last call %q", last)
	}
	if len(up) != 14 {
		t.Errorf("%d calls to set up", len(up))
	}
	down := IptablesShared(false, "eth1", netip.MustParsePrefix("10.42.0.1/24"))
	if strings.Join(down[len(down)-1], " ") != "--wait 2 --table filter --delete-chain nm-sh-fw-eth1" || len(down) != 7 {
		t.Errorf("removal %q", down)
	}
}
