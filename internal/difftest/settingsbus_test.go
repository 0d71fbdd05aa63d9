package difftest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/testbed"
)

// side is one of the two daemons of a differential test.
type side struct {
	name string
	ns   *testbed.Netns
	d    *testbed.Daemon
	conn *dbus.Conn
}

func (s *side) settings() dbus.BusObject { return s.conn.Object(testbed.BusName, nmSettingsPath) }

// twinSides starts NetworkManager 1.42 and gonm with the same options, each
// in its own namespace on its own bus with NetworkManager's bus policy,
// and waits until both answer on the Settings object.
func twinSides(t *testing.T, opts testbed.DaemonOptions, busOpts testbed.BusOptions) (ref, gonm *side) {
	t.Helper()
	testbed.RequireReference(t)
	busOpts.Policies = append(busOpts.Policies, testbed.NetworkManagerPolicy)
	ref, gonm = &side{name: "reference"}, &side{name: "gonm"}
	for _, s := range []*side{ref, gonm} {
		s.ns = testbed.NewNetns(t)
		s.ns.Bus = testbed.StartBus(t, busOpts)
		o := opts
		o.Quiet = true
		if s == ref {
			s.d = testbed.StartReference(t, s.ns, o)
		} else {
			s.d = testbed.StartDaemon(t, s.ns, o)
		}
		s.conn = s.ns.Bus.Conn(t)
		waitSettings(t, s.name, s.conn)
	}
	return ref, gonm
}

// normDirs replaces the keyfile directory in certificate paths
// ("file:///dir/...") by DIR, so that two daemons' dictionaries compare.
func normDirs(d setting.Dict, dirs ...string) setting.Dict {
	out := setting.Dict{}
	for sname, sd := range d {
		out[sname] = map[string]dbus.Variant{}
		for k, v := range sd {
			if b, ok := v.Value().([]byte); ok && bytes.HasPrefix(b, []byte("file://")) {
				s := string(b)
				for _, dir := range dirs {
					s = strings.ReplaceAll(s, dir, "DIR")
				}
				v = dbus.MakeVariant([]byte(s))
			}
			out[sname][k] = v
		}
	}
	return out
}

func canonSettings(t *testing.T, profile string, d setting.Dict, dirs ...string) string {
	return setting.CanonicalText(withoutKnown(t, profile, normDirs(d, dirs...)))
}

// TestSettingsAPIMatchesReference adds every profile of the set through
// AddConnection to NetworkManager 1.42 and to gonm's daemon and compares
// what comes back over D-Bus (GetSettings), the keyfiles each writes, and
// what each daemon makes of the other's keyfiles (LoadConnections for
// half of them, ReloadConnections for the rest).
func TestSettingsAPIMatchesReference(t *testing.T) {
	keyfile.Owner = os.Getuid()
	ref, gonm := twinSides(t, testbed.DaemonOptions{}, testbed.BusOptions{})
	dirs := []string{ref.d.ConnectionsDir, gonm.d.ConnectionsDir}
	type added struct {
		p            profile
		want         setting.Dict // the reference's GetSettings
		files        map[*side]string
		texts        map[*side][]byte
		paths        map[*side]dbus.ObjectPath
		uuid         string
		certs        map[*side]map[string][]byte
		refDirInText bool
	}
	var all []*added
	for _, p := range profiles() {
		a := &added{p: p, files: map[*side]string{}, texts: map[*side][]byte{}, paths: map[*side]dbus.ObjectPath{},
			certs: map[*side]map[string][]byte{}}
		ok := t.Run("add/"+p.name, func(t *testing.T) {
			got := map[*side]setting.Dict{}
			for _, s := range []*side{ref, gonm} {
				path, err := addConnection(s.conn, p.dict)
				if err != nil {
					t.Fatalf("%s: AddConnection: %v", s.name, err)
				}
				a.paths[s] = path
				if got[s], err = getSettings(s.conn, path); err != nil {
					t.Fatalf("%s: GetSettings: %v", s.name, err)
				}
				if a.files[s], err = connFilename(s.conn, path); err != nil {
					t.Fatalf("%s: Filename: %v", s.name, err)
				}
				if a.texts[s], err = os.ReadFile(a.files[s]); err != nil {
					t.Fatal(err)
				}
			}
			a.want = got[ref]
			a.uuid, _ = got[ref]["connection"]["uuid"].Value().(string)
			if w, g := canonSettings(t, p.name, got[ref], dirs...), canonSettings(t, p.name, got[gonm], dirs...); w != g {
				t.Errorf("GetSettings differs\n%s", lineDiff(w, g))
			}
			if filepath.Base(a.files[ref]) != filepath.Base(a.files[gonm]) {
				t.Errorf("file name: reference %s, gonm %s", filepath.Base(a.files[ref]), filepath.Base(a.files[gonm]))
			}
			w := strings.ReplaceAll(string(a.texts[ref]), ref.d.ConnectionsDir, "DIR")
			g := strings.ReplaceAll(string(a.texts[gonm]), gonm.d.ConnectionsDir, "DIR")
			if w != g {
				t.Errorf("keyfile differs\n%s", lineDiff(w, g))
			}
			for _, s := range []*side{ref, gonm} {
				fi, err := os.Stat(a.files[s])
				if err != nil || fi.Mode().Perm() != 0o600 {
					t.Errorf("%s: keyfile mode %v (%v)", s.name, fi.Mode(), err)
				}
			}
		})
		if ok {
			all = append(all, a)
		}
	}
	if len(all) < 40 {
		t.Fatalf("only %d profiles were added to both", len(all))
	}
	// Both list the same profiles in the same order (the reference has
	// its own external profile for lo besides).
	ids := func(s *side) []string {
		var paths []dbus.ObjectPath
		if err := s.settings().Call(nmSettingsIface+".ListConnections", 0).Store(&paths); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range paths {
			d, err := getSettings(s.conn, p)
			if err != nil {
				t.Fatal(err)
			}
			if u, _ := d["connection"]["uuid"].Value().(string); slices.ContainsFunc(all, func(a *added) bool { return a.uuid == u }) {
				out = append(out, u)
			}
		}
		return out
	}
	if w, g := ids(ref), ids(gonm); !slices.Equal(w, g) {
		t.Errorf("ListConnections order differs\nreference %v\ngonm      %v", w, g)
	}

	// Swap the keyfiles: each daemon deletes its profiles and gets the
	// other's files.
	for _, a := range all {
		for _, s := range []*side{ref, gonm} {
			if err := s.conn.Object(testbed.BusName, a.paths[s]).Call(nmConnIface+".Delete", 0).Err; err != nil {
				t.Fatalf("%s: Delete %s: %v", s.name, a.p.name, err)
			}
			if _, err := os.Stat(a.files[s]); err == nil {
				t.Errorf("%s: %s still exists after Delete", s.name, a.files[s])
			}
		}
	}
	other := map[*side]*side{ref: gonm, gonm: ref}
	for _, s := range []*side{ref, gonm} {
		var files []string
		for _, a := range all {
			file := filepath.Join(s.d.ConnectionsDir, filepath.Base(a.files[other[s]]))
			if err := keyfile.WriteAtomic(file, a.texts[other[s]], 0o600); err != nil {
				t.Fatal(err)
			}
			files = append(files, file)
		}
		half := len(files) / 2
		for _, f := range files[:half] {
			var ok bool
			var failures []string
			if err := s.settings().Call(nmSettingsIface+".LoadConnections", 0, []string{f}).Store(&ok, &failures); err != nil || !ok || len(failures) > 0 {
				t.Errorf("%s: LoadConnections(%s): ok=%v failures=%v err=%v", s.name, f, ok, failures, err)
			}
		}
		var ok bool
		if err := s.settings().Call(nmSettingsIface+".ReloadConnections", 0).Store(&ok); err != nil || !ok {
			t.Errorf("%s: ReloadConnections: ok=%v err=%v", s.name, ok, err)
		}
	}
	for _, a := range all {
		t.Run("cross/"+a.p.name, func(t *testing.T) {
			for _, s := range []*side{ref, gonm} {
				var path dbus.ObjectPath
				if err := s.settings().Call(nmSettingsIface+".GetConnectionByUuid", 0, a.uuid).Store(&path); err != nil {
					t.Fatalf("%s did not load the %s keyfile: %v", s.name, other[s].name, err)
				}
				got, err := getSettings(s.conn, path)
				if err != nil {
					t.Fatal(err)
				}
				if w, g := canonSettings(t, a.p.name, a.want, dirs...), canonSettings(t, a.p.name, got, dirs...); w != g {
					t.Errorf("%s reading %s's keyfile differs\n%s", s.name, other[s].name, lineDiff(w, g))
				}
			}
		})
	}

	// Debian's nmcli on every profile: show, modify, show again, delete;
	// then load half of the files back with `connection load` and the
	// rest with `connection reload`, and list.
	norm := map[*side]*normalizer{ref: newNormalizer(ref), gonm: newNormalizer(gonm)}
	for _, s := range []*side{ref, gonm} {
		for _, a := range all {
			norm[s].text(a.uuid) // the same placeholder on both sides
		}
	}
	compare := func(t *testing.T, args ...string) {
		t.Helper()
		res := map[*side]string{}
		for _, s := range []*side{ref, gonm} {
			r := s.nmcli(t, 0, args...)
			r.stdout = withoutDeviceSections(r.stdout)
			r.stdout, r.stderr = norm[s].text(r.stdout), norm[s].text(r.stderr)
			res[s] = r.String()
		}
		if res[ref] != res[gonm] {
			t.Errorf("nmcli %s differs\n%s\n--- reference:\n%s", strings.Join(args, " "), lineDiff(res[ref], res[gonm]), res[ref])
		}
	}
	for _, a := range all {
		t.Run("nmcli/"+a.p.name, func(t *testing.T) {
			compare(t, "connection", "show", a.uuid)
			compare(t, "-t", "-f", "all", "connection", "show", a.uuid)
			compare(t, "connection", "modify", a.uuid, "connection.zone", "gonm-zone", "+connection.permissions", "root")
			compare(t, "-g", "connection.zone,connection.permissions,connection.id", "connection", "show", a.uuid)
			compare(t, "connection", "delete", a.uuid)
		})
	}
	t.Run("nmcli/load-reload", func(t *testing.T) {
		for _, s := range []*side{ref, gonm} {
			for _, a := range all {
				file := filepath.Join(s.d.ConnectionsDir, filepath.Base(a.files[s]))
				if err := keyfile.WriteAtomic(file, a.texts[s], 0o600); err != nil {
					t.Fatal(err)
				}
			}
		}
		var half []string
		for _, a := range all[:len(all)/2] {
			half = append(half, "{DIR}/"+filepath.Base(a.files[ref]))
		}
		compare(t, append([]string{"connection", "load"}, half...)...)
		compare(t, "connection", "reload")
		// Sorted, without devices: the reference activates what it can
		// (tun, vxlan, veth) once the files are back, and lists active
		// profiles first.
		res := map[*side]string{}
		for _, s := range []*side{ref, gonm} {
			r := s.nmcli(t, 0, "-t", "-f", "NAME,UUID,TYPE,FILENAME", "connection", "show")
			lines := strings.Split(norm[s].text(withoutDeviceSections(r.stdout)), "\n")
			slices.Sort(lines)
			res[s] = fmt.Sprintf("exit %d\n%s\n%s", r.code, strings.Join(lines, "\n"), r.stderr)
		}
		if res[ref] != res[gonm] {
			t.Errorf("listing differs\n%s", lineDiff(res[ref], res[gonm]))
		}
		for _, a := range all {
			compare(t, "-t", "connection", "show", a.uuid)
		}
	})
}

// withoutDeviceSections keeps what `nmcli connection show` prints about a
// profile and drops what depends on it being active (the reference may
// activate a profile for its loopback device; gonm has no devices yet):
// the GENERAL, IP and DHCP sections and the last activation time.
func withoutDeviceSections(s string) string {
	var out []string
	for _, l := range strings.SplitAfter(s, "\n") {
		switch {
		case strings.HasPrefix(l, "GENERAL."), strings.HasPrefix(l, "IP4."), strings.HasPrefix(l, "IP6."),
			strings.HasPrefix(l, "DHCP4."), strings.HasPrefix(l, "DHCP6."),
			strings.HasPrefix(l, "connection.timestamp:"):
			continue
		case strings.HasPrefix(l, "lo:") || strings.HasPrefix(l, "lo "):
			// The reference's own profile for lo in listings.
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "")
}
