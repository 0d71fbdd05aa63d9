package manager

import (
	"os"
	"path/filepath"
	"testing"
)

func TestResolveDNSMode(t *testing.T) {
	for _, tc := range []struct {
		dns, rc            string
		resolved, resolvcf bool
		mode, rcOut        string
		warns              bool
	}{
		{"", "", false, false, "default", "symlink", false},
		{"", "", true, false, "systemd-resolved", "unmanaged", false},
		{"", "", false, true, "default", "resolvconf", false},
		{"none", "file", false, false, "none", "unmanaged", false},
		{"dnsmasq", "none", false, false, "dnsmasq", "symlink", false},
		{"default", "netconfig", false, false, "default", "netconfig", false},
		{"systemd-resolved", "auto", false, true, "systemd-resolved", "unmanaged", false},
		{"unbound", "", false, false, "default", "symlink", true},
		{"bogus", "bogus", false, false, "default", "symlink", true},
	} {
		mode, rc, warn := resolveDNSMode(tc.dns, tc.rc, tc.resolved, tc.resolvcf)
		if mode != tc.mode || rc != tc.rcOut || (warn != "") != tc.warns {
			t.Errorf("dns=%q rc-manager=%q resolved=%v resolvconf=%v: %q %q %q; want %q %q warn=%v",
				tc.dns, tc.rc, tc.resolved, tc.resolvcf, mode, rc, warn, tc.mode, tc.rcOut, tc.warns)
		}
	}
}

func TestResolvedManagesResolvConf(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "resolv.conf")
	if err := os.Symlink("/run/systemd/resolve/stub-resolv.conf", link); err != nil {
		t.Fatal(err)
	}
	if !resolvedManagesResolvConf(link) {
		t.Error("a link to resolved's stub file is not recognized")
	}
	other := filepath.Join(dir, "other")
	os.WriteFile(other, nil, 0o644)
	if resolvedManagesResolvConf(other) {
		t.Error("a plain file is taken for resolved's")
	}
}

func TestValidIdentifier(t *testing.T) {
	for _, ok := range []string{"abc", "org.gnome.Shell.NetworkAgent", "nmcli-connect", "a_b-c.d"} {
		if err := validIdentifier(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	long := make([]byte, 256)
	for i := range long {
		long[i] = 'a'
	}
	for _, bad := range []string{"ab", string(long), ".abc", "abc.", "a..b", "a/b", "é.ab"} {
		if err := validIdentifier(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
