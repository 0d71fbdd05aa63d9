package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLayeringOrderAndMasking(t *testing.T) {
	d := t.TempDir()
	p := Paths{
		ConfigFile:      filepath.Join(d, "etc/NetworkManager.conf"),
		ConfigDir:       filepath.Join(d, "etc/conf.d"),
		SystemConfigDir: filepath.Join(d, "lib/conf.d"),
		RunConfigDir:    filepath.Join(d, "run/conf.d"),
	}
	write(t, filepath.Join(d, "lib/conf.d/10-lib.conf"), "[main]\ndns=lib\na=lib\n")
	write(t, filepath.Join(d, "lib/conf.d/20-masked.conf"), "[main]\nmasked=yes\n")
	write(t, filepath.Join(d, "lib/conf.d/30-run-masked.conf"), "[main]\nrunmasked=yes\n")
	write(t, filepath.Join(d, "run/conf.d/30-run-masked.conf"), "[main]\nfromrun=yes\n")
	write(t, filepath.Join(d, "run/conf.d/40-run.conf"), "[main]\ndns=run\nb=run\n")
	write(t, filepath.Join(d, "etc/NetworkManager.conf"), "[main]\ndns=main\nc=main\n")
	write(t, filepath.Join(d, "etc/conf.d/20-masked.conf"), "[main]\nd=etc\n")
	write(t, filepath.Join(d, "etc/conf.d/90-last.conf"), "[main]\ndns=etc\n")
	write(t, filepath.Join(d, "etc/conf.d/ignored.txt"), "garbage")
	// NetworkManager reads every *.conf name, hidden ones too.
	write(t, filepath.Join(d, "etc/conf.d/.hidden.conf"), "[main]\nhidden=yes\n")

	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"dns": "etc", "a": "lib", "b": "run", "c": "main", "d": "etc", "fromrun": "yes", "hidden": "yes"}
	for k, v := range want {
		if got, ok := c.String("main", k); !ok || got != v {
			t.Errorf("main.%s = %q (set %v), want %q", k, got, ok, v)
		}
	}
	for _, k := range []string{"masked", "runmasked"} {
		if _, ok := c.String("main", k); ok {
			t.Errorf("main.%s came from a masked file", k)
		}
	}
	var bases []string
	for _, f := range c.DirFiles {
		bases = append(bases, filepath.Base(f))
	}
	if want := []string{"10-lib.conf", "30-run-masked.conf", "40-run.conf", ".hidden.conf", "20-masked.conf", "90-last.conf"}; !slices.Equal(bases, want) {
		t.Errorf("read order %v, want %v", bases, want)
	}
}

func TestBrokenFileNamesItself(t *testing.T) {
	d := t.TempDir()
	write(t, filepath.Join(d, "conf.d/bad.conf"), "[main]\nno pair here\n")
	write(t, filepath.Join(d, "main.conf"), "[main]\n")
	_, err := Load(Paths{ConfigFile: filepath.Join(d, "main.conf"), ConfigDir: filepath.Join(d, "conf.d"),
		SystemConfigDir: filepath.Join(d, "x"), RunConfigDir: filepath.Join(d, "y")})
	if err == nil || !strings.Contains(err.Error(), "bad.conf") {
		t.Fatalf("Load = %v, want an error naming bad.conf", err)
	}
}

func TestBool(t *testing.T) {
	for _, s := range []string{"yes", "TRUE", "on", "1"} {
		if b, err := ParseBool(s); err != nil || !b {
			t.Errorf("ParseBool(%q) = %v, %v", s, b, err)
		}
	}
	for _, s := range []string{"no", "False", "off", "0"} {
		if b, err := ParseBool(s); err != nil || b {
			t.Errorf("ParseBool(%q) = %v, %v", s, b, err)
		}
	}
	if _, err := ParseBool("maybe"); err == nil {
		t.Error("ParseBool(maybe) succeeded")
	}
}
