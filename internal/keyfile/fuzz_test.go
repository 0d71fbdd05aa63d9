package keyfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gonm/gonm/internal/gkeyfile"
	"github.com/gonm/gonm/internal/setting"
)

// addProfileSeeds seeds a fuzzer with the keyfiles under testdata/profiles.
func addProfileSeeds(f *testing.F) {
	files, err := filepath.Glob("testdata/profiles/*.nmconnection")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed profiles: %v", err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzRead feeds arbitrary files to the reader. It must never panic, and
// whatever normalizes must survive write → read → write unchanged.
func FuzzRead(f *testing.F) {
	addProfileSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		kf, err := gkeyfile.Parse(data)
		if err != nil {
			return
		}
		c := Read(kf, ReadOptions{BaseDir: "/nonexistent", Exists: func(string) bool { return false }})
		first := Write(c, WriteOptions{}).File.Marshal()
		if _, verr := c.Normalize(); verr != nil {
			return
		}
		w1 := Write(c, WriteOptions{}).File.Marshal()
		kf2, err := gkeyfile.Parse(w1)
		if err != nil {
			t.Fatalf("written keyfile does not parse: %v\n%s", err, w1)
		}
		c2 := Read(kf2, ReadOptions{BaseDir: "/nonexistent", Exists: func(string) bool { return false }})
		if _, verr := c2.Normalize(); verr != nil {
			t.Fatalf("written keyfile does not normalize: %v\n%s", verr, w1)
		}
		w2 := Write(c2, WriteOptions{}).File.Marshal()
		if string(w1) != string(w2) {
			t.Fatalf("write/read/write not stable:\n--- first\n%s\n--- second\n%s\n--- input as read\n%s", w1, w2, first)
		}
		// Secrets NetworkManager does not keep are not written; all else
		// must survive.
		if setting.CanonicalText(c.ToDBus(setting.NoSecrets)) != setting.CanonicalText(c2.ToDBus(setting.NoSecrets)) {
			t.Fatalf("profile changed through its keyfile:\n%s", w1)
		}
	})
}
