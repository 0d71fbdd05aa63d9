package autoaddr

import (
	"strings"
	"testing"
)

// FuzzProfileValues feeds the profile strings this package parses itself
// (vendor class escapes, reject-server entries, host names): no panic, and
// what comes out is well formed.
func FuzzProfileValues(f *testing.F) {
	for _, s := range []string{"", "vendor", `ven\tdor\101`, `\`, `\777\x`, "192.0.2.1", "198.51.100.0/24", "::1/64",
		"10.0.0.1/33", "host.example.test", "a..b", strings.Repeat("x", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := unescapeUTF8Safe(s)
		if !strings.Contains(s, `\`) && string(b) != s {
			t.Fatalf("unescape changed %q into %q", s, b)
		}
		if len(b) > len(s) {
			t.Fatalf("unescape grew %q into %q", s, b)
		}
		if p, err := parseRejectServer(s); err == nil && (!p.IsValid() || !p.Addr().Is4() || p != p.Masked()) {
			t.Fatalf("reject server %q parsed as %v", s, p)
		}
		if validHostname(s, true) && (len(s) > 254 || strings.Contains(strings.TrimSuffix(s, "."), "..")) {
			t.Fatalf("bad host name %q accepted", s)
		}
		_ = isSpecificHostname(s)
	})
}
