package settings

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gonm/gonm/internal/setting"
)

// The timestamps and seen-bssids databases are read at start, answer per
// profile, and forget a profile when it goes.
func TestKeyfileDatabases(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	ts, sb := filepath.Join(dir, "timestamps"), filepath.Join(dir, "seen-bssids")
	if err := os.WriteFile(ts, []byte("[timestamps]\n"+u1+"=1700000000\n"+u2+"=bogus\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sb, []byte("[seen-bssids]\n"+u1+"=00:11:22:33:44:55;aa:bb:cc:dd:ee:ff;00:11:22:33:44:55;not-a-mac;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.s = New(Options{EtcDir: e.etc, RunDir: e.run, TimestampsFile: ts, SeenBSSIDsFile: sb})
	p1, err := e.s.AddConnection(ethDict("one", u1), AddToDisk, nil)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := e.s.AddConnection(ethDict("two", u2), AddToDisk, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.s.Timestamp(p1); got != 1700000000 {
		t.Errorf("timestamp %d", got)
	}
	if got := e.s.Timestamp(p2); got != 0 {
		t.Errorf("malformed timestamp read as %d", got)
	}
	if got := e.s.SeenBSSIDs(p1); !slices.Equal(got, []string{"00:11:22:33:44:55", "AA:BB:CC:DD:EE:FF"}) {
		t.Errorf("seen-bssids %v", got)
	}
	e.s.SetTimestamp(p2, 42)
	if err := e.s.Delete(p1); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(ts)
	if err != nil {
		t.Fatal(err)
	}
	if want := "[timestamps]\n" + u2 + "=42\n"; string(data) != want {
		t.Errorf("timestamps file:\n%s\nwant:\n%s", data, want)
	}
	data, _ = os.ReadFile(sb)
	if want := "[seen-bssids]\n"; string(data) != want {
		t.Errorf("seen-bssids file %q, want %q", data, want)
	}
}

// FuzzKeyfileDatabases reads arbitrary timestamps and seen-bssids files:
// never a panic, at most 30 BSSIDs, each a valid MAC address, no
// duplicates.
func FuzzKeyfileDatabases(f *testing.F) {
	f.Add([]byte("[timestamps]\n" + u1 + "=1700000000\n"))
	f.Add([]byte("[seen-bssids]\n" + u1 + "=00:11:22:33:44:55;AA:BB:CC:DD:EE:FF;\n"))
	f.Add([]byte("[timestamps]\n" + u1 + "=-1\n[seen-bssids]\n" + u1 + "=x;;\\;\n"))
	dir := f.TempDir()
	p := &Profile{uuid: u1}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "db")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s := New(Options{RunDir: filepath.Join(dir, "run"), TimestampsFile: path, SeenBSSIDsFile: path})
		s.Timestamp(p)
		b := s.SeenBSSIDs(p)
		if len(b) > maxSeenBSSIDs {
			t.Fatalf("%d BSSIDs", len(b))
		}
		seen := map[string]bool{}
		for _, x := range b {
			if _, ok := setting.HwaddrAton(x, 6); !ok || seen[x] {
				t.Fatalf("bad or repeated BSSID %q in %v", x, b)
			}
			seen[x] = true
		}
	})
}
