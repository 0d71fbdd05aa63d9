package keyfile

import (
	"os"
	"testing"

	"github.com/gonm/gonm/internal/gkeyfile"
)

func benchProfile(b *testing.B) []byte {
	data, err := os.ReadFile("testdata/profiles/routes4-attrs.nmconnection")
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkReadNormalize parses, reads and normalizes a profile with
// eight routes.
func BenchmarkReadNormalize(b *testing.B) {
	data := benchProfile(b)
	for b.Loop() {
		kf, err := gkeyfile.Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		c := Read(kf, ReadOptions{BaseDir: "/x"})
		if _, err := c.Normalize(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite writes the same profile back to keyfile text.
func BenchmarkWrite(b *testing.B) {
	kf, _ := gkeyfile.Parse(benchProfile(b))
	c := Read(kf, ReadOptions{BaseDir: "/x"})
	c.Normalize()
	for b.Loop() {
		Write(c, WriteOptions{}).File.Marshal()
	}
}
