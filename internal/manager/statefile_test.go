package manager

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRunStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "NetworkManager.state")
	st, err := readRunState(p)
	if err != nil || st != defaultRunState() {
		t.Fatalf("missing file: %+v %v", st, err)
	}
	st.WirelessEnabled = false
	if err := st.write(p); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	if string(data) != "[main]\nNetworkingEnabled=true\nWirelessEnabled=false\nWWANEnabled=true\n" {
		t.Errorf("written %q", data)
	}
	back, err := readRunState(p)
	if err != nil || back != st {
		t.Errorf("read back %+v %v, want %+v", back, err, st)
	}
	// NetworkManager's boolean spellings, unknown keys, bad values.
	os.WriteFile(p, []byte("[main]\nNetworkingEnabled=no\nWWANEnabled=maybe\nOther=1\n[x]\ny=z\n"), 0o644)
	back, err = readRunState(p)
	if err != nil || back.NetworkingEnabled || !back.WirelessEnabled || !back.WWANEnabled {
		t.Errorf("lenient read: %+v %v", back, err)
	}
	// A broken file: defaults and an error.
	os.WriteFile(p, []byte("not a key file\x00"), 0o644)
	back, err = readRunState(p)
	if err == nil || back != defaultRunState() {
		t.Errorf("broken file: %+v %v", back, err)
	}
}

func FuzzReadRunState(f *testing.F) {
	f.Add([]byte("[main]\nNetworkingEnabled=true\nWirelessEnabled=false\nWWANEnabled=true\n"))
	f.Add([]byte("[main]\nNetworkingEnabled=0\n"))
	f.Add([]byte("garbage"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "state")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		st, err := readRunState(p)
		if err != nil && st != defaultRunState() {
			t.Fatalf("error %v but state %+v", err, st)
		}
		// What was read can be written and read back unchanged.
		q := filepath.Join(dir, "back")
		if err := st.write(q); err != nil {
			t.Fatal(err)
		}
		back, err := readRunState(q)
		if err != nil || back != st {
			t.Fatalf("round trip %+v -> %+v, %v", st, back, err)
		}
	})
}
