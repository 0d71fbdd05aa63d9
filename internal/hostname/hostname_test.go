package hostname

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gonm/gonm/internal/loop"
)

func TestValid(t *testing.T) {
	for name, want := range map[string]bool{
		"host": true, "a.b-c_d": true, "x1.example.com": true,
		"": false, ".a": false, "a.": false, "a..b": false, "a b": false, "ü": false,
		string(make([]byte, 65)): false,
	} {
		if got := Valid(name); got != want {
			t.Errorf("Valid(%q) = %v, want %v", name, got, want)
		}
	}
	long := ""
	for len(long) < 64 {
		long += "a"
	}
	if !Valid(long) || Valid(long+"a") {
		t.Error("64 characters are the limit")
	}
}

func TestEscapeAndRead(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "plain", `back\slash`: `back\\slash`, "tab\there": `tab\011here`,
		"bad\xffutf8": `bad\377utf8`, "ümlaut": "ümlaut",
	} {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "hostname")
	os.WriteFile(p, []byte("myhost \n\n"), 0o644)
	if got := readFile(p); got != "myhost" {
		t.Errorf("readFile = %q", got)
	}
	os.WriteFile(p, []byte("two\nlines\n"), 0o644)
	if got := escape(readFile(p)); got != `two\012lines` {
		t.Errorf("two lines read as %q", got)
	}
	if got := readFile(filepath.Join(dir, "missing")); got != "" {
		t.Errorf("missing file read as %q", got)
	}
}

// The file is watched: edits, replacement by rename and removal are
// reported on the loop, and SetStatic writes through a symlink.
func TestFileWatchAndSave(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real-hostname")
	link := filepath.Join(dir, "hostname")
	if err := os.WriteFile(real, []byte("first\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real-hostname", link); err != nil {
		t.Fatal(err)
	}
	l := loop.New()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go l.Run(ctx)
	changes := make(chan string, 16)
	var m *Manager
	l.Call(ctx, func() {
		m = New(Options{Loop: l, File: link, Changed: func(n string) { changes <- n }})
	})
	defer l.Call(ctx, m.Close)
	var got string
	l.Call(ctx, func() { got = m.Static() })
	if got != "first" {
		t.Fatalf("static %q", got)
	}
	<-changes // the initial value
	wait := func(want string) {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for {
			select {
			case n := <-changes:
				if n == want {
					return
				}
			case <-deadline:
				t.Fatalf("no change to %q", want)
			}
		}
	}
	os.WriteFile(real, []byte("second\n"), 0o644)
	wait("second")
	tmp := filepath.Join(dir, "tmp")
	os.WriteFile(tmp, []byte("third"), 0o644)
	os.Rename(tmp, real)
	wait("third")
	os.Remove(real)
	wait("")

	done := make(chan error, 1)
	l.Call(ctx, func() { m.SetStatic("saved.example", func(err error) { done <- err }) })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wait("saved.example")
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced: %v %v", fi, err)
	}
	if data, _ := os.ReadFile(real); string(data) != "saved.example\n" {
		t.Errorf("file content %q", data)
	}
	l.Call(ctx, func() { m.SetStatic("", func(err error) { done <- err }) })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(real); err != nil || len(data) != 0 {
		t.Errorf("cleared file %q %v", data, err)
	}
}

// unescape undoes escape, for the fuzz test.
func unescape(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && s[i+1] == '\\' {
			b = append(b, '\\')
			i++
			continue
		}
		if s[i] == '\\' && i+3 < len(s) {
			n := (s[i+1]-'0')*64 + (s[i+2]-'0')*8 + (s[i+3] - '0')
			b = append(b, n)
			i += 3
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// FuzzHostnameFile reads arbitrary hostname files: the name shown on
// D-Bus is valid UTF-8 without control characters and stands for exactly
// what the file held (up to a NUL, trailing white space dropped).
func FuzzHostnameFile(f *testing.F) {
	f.Add([]byte("host\n"))
	f.Add([]byte("a\\b\tc\xff\xfe\n\n"))
	f.Add([]byte("ümlaut.example \x00rest"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "hostname")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		raw := readFile(p)
		shown := escape(raw)
		if !utf8.ValidString(shown) {
			t.Fatalf("not UTF-8: %q", shown)
		}
		for _, r := range shown {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("control character in %q", shown)
			}
		}
		if back := unescape(shown); back != raw {
			t.Fatalf("escape(%q) = %q does not stand for it (%q)", raw, shown, back)
		}
		if Valid(shown) && shown != raw {
			t.Fatalf("a valid name was changed: %q", raw)
		}
	})
}
