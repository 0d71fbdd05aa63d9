package settings

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/gonm/gonm/internal/keyfile"
)

// BenchmarkReload1000 loads a directory of 1000 profiles.
func BenchmarkReload1000(b *testing.B) {
	keyfile.Owner = os.Getuid()
	dir := b.TempDir()
	for i := 0; i < 1000; i++ {
		text := fmt.Sprintf("[connection]\nid=p%d\nuuid=8a1c5f4e-2b3d-4c5e-9f60-%012d\ntype=ethernet\ninterface-name=eth%d\n\n[ipv4]\naddress1=10.%d.%d.1/24\nmethod=manual\n", i, i, i, i/256, i%256)
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("p%d.nmconnection", i)), []byte(text), 0o600)
	}
	for b.Loop() {
		s := New(Options{EtcDir: dir, RunDir: filepath.Join(dir, "run")})
		s.ReloadConnections()
		if len(s.Profiles()) != 1000 {
			b.Fatalf("%d profiles", len(s.Profiles()))
		}
	}
}
