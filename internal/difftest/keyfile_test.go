package difftest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/gkeyfile"
	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/setting"
)

// gonmNormalized is gonm's model of a profile a client sends: parsed
// strictly and normalized, as AddConnection does.
func gonmNormalized(t *testing.T, d setting.Dict) *setting.Connection {
	t.Helper()
	c, err := setting.FromDBus(d, setting.ParseStrict|setting.ParseNormalize)
	if err != nil {
		t.Fatalf("gonm rejected the profile: %v", err)
	}
	return c
}

// TestKeyfileWriteMatchesLibnm writes every profile with gonm's keyfile
// writer and with libnm's, and compares the text.
func TestKeyfileWriteMatchesLibnm(t *testing.T) {
	requireLibnm(t)
	for _, p := range profiles() {
		t.Run(p.name, func(t *testing.T) {
			want, err := libnm(t, gvariantText(p.dict), "write")
			if err != nil {
				t.Fatalf("libnm: %v\n%s", err, want)
			}
			c := gonmNormalized(t, p.dict)
			got := string(keyfile.Write(c, keyfile.WriteOptions{}).File.Marshal())
			if want != got {
				t.Errorf("keyfile differs\n%s", lineDiff(want, got))
			}
		})
	}
}

// TestKeyfileReadMatchesLibnm reads libnm's keyfile of every profile with
// gonm's reader and compares the resulting profile with libnm's reading
// of the same file.
func TestKeyfileReadMatchesLibnm(t *testing.T) {
	requireLibnm(t)
	dir := t.TempDir()
	for _, p := range profiles() {
		t.Run(p.name, func(t *testing.T) {
			text, err := libnm(t, gvariantText(p.dict), "write")
			if err != nil {
				t.Fatalf("libnm: %v\n%s", err, text)
			}
			kf, perr := gkeyfile.Parse([]byte(text))
			if perr != nil {
				t.Fatalf("parse: %v", perr)
			}
			c := keyfile.Read(kf, keyfile.ReadOptions{BaseDir: dir, Warn: func(w keyfile.Warning) {
				if w.Severity >= keyfile.SeverityWarn {
					t.Errorf("warning: %s", w)
				}
			}})
			if _, verr := c.Normalize(); verr != nil {
				t.Fatalf("gonm: normalize: %v", verr)
			}
			path := filepath.Join(dir, p.name+".nmconnection")
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			diff, err := libnm(t, gvariantText(c.ToDBus(setting.WithSecrets)), "compare", dir, path)
			diff = dropKnownDiffs(t, p.name, diff)
			if err != nil || diff != "" {
				t.Errorf("profiles differ (%v):\n%s", err, diff)
			}
		})
	}
}

// knownDiffs are differences gonm has on purpose, by profile: the team
// settings are kept but their JSON config is not interpreted, so the
// properties NetworkManager derives from it stay unset.
var knownDiffs = map[string][]string{
	"team": {"team.runner"},
}

// withoutKnown returns a copy of d without the keys knownDiffs lists for
// the profile (and without connection.timestamp, which the reference
// updates when it activates a profile, as it does for loopback).
func withoutKnown(t *testing.T, profile string, d setting.Dict) setting.Dict {
	out := setting.Dict{}
	for sname, sd := range d {
		out[sname] = map[string]dbus.Variant{}
		for k, v := range sd {
			full := sname + "." + k
			if full == "connection.timestamp" || slices.Contains(knownDiffs[profile], full) {
				continue
			}
			out[sname][k] = v
		}
	}
	return out
}

func dropKnownDiffs(t *testing.T, profile, diff string) string {
	var out []string
	for _, l := range strings.Split(diff, "\n") {
		known := false
		for _, k := range knownDiffs[profile] {
			if strings.HasPrefix(l, k+":") {
				known = true
			}
		}
		if known {
			t.Logf("known difference: %s", l)
			continue
		}
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
