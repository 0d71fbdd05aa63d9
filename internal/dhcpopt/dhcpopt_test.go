package dhcpopt

import (
	"strings"
	"testing"
)

func TestSearchList(t *testing.T) {
	// "a.example.test", then "b" + pointer to "example.test".
	data := []byte{1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0, 1, 'b', 0xc0, 2}
	names, ok := ParseSearchList(data)
	if !ok || strings.Join(names, " ") != "a.example.test b.example.test" {
		t.Errorf("names %q ok %v", names, ok)
	}
	// A forward pointer is rejected, the good names before it are kept.
	names, ok = ParseSearchList(append([]byte{1, 'x', 0}, 0xc0, 10))
	if ok || len(names) != 1 || names[0] != "x" {
		t.Errorf("forward pointer: %q %v", names, ok)
	}
	names, _ = ParseSearchList([]byte{3, 'a', '.', ' ', 0})
	if names[0] != `a\.\ 32` {
		t.Errorf("escaping: %q", names[0])
	}
}

func TestNormalizeDomain(t *testing.T) {
	for in, want := range map[string]string{"example.test.": "example.test", "a_b.c": "a_b.c"} {
		if got, ok := NormalizeDomain(in); !ok || got != want {
			t.Errorf("%q -> %q %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", ".", "localhost", "a..b", "localhost.localdomain", strings.Repeat("a", 64)} {
		if _, ok := NormalizeDomain(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	if got := EscapeUTF8Safe([]byte("a\\b\x01\xff"), true); got != `a\\b\001\377` {
		t.Errorf("escape %q", got)
	}
}

func FuzzSearchList(f *testing.F) {
	f.Add([]byte{1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 1, 'b', 0xc0, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		names, _ := ParseSearchList(b)
		// Every byte is escaped into printable ASCII.
		for _, n := range names {
			for i := 0; i < len(n); i++ {
				if n[i] < 0x20 || n[i] > 0x7e {
					t.Fatalf("unescaped byte %#x in %q", n[i], n)
				}
			}
		}
		NormalizeDomain(string(b))
	})
}
