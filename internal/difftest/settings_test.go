package difftest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/testbed"
)

const (
	nmSettingsPath  = "/org/freedesktop/NetworkManager/Settings"
	nmSettingsIface = "org.freedesktop.NetworkManager.Settings"
	nmConnIface     = "org.freedesktop.NetworkManager.Settings.Connection"
)

// reference starts NetworkManager 1.42 in a namespace of its own and
// returns a client connection to its bus and the daemon, once its Settings
// object answers.
func reference(t *testing.T) (*dbus.Conn, *testbed.Daemon) {
	t.Helper()
	testbed.RequireReference(t)
	ns := testbed.NewNetns(t)
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	d := testbed.StartReference(t, ns, testbed.DaemonOptions{Quiet: true})
	conn := ns.Bus.Conn(t)
	waitSettings(t, "reference", conn)
	return conn, d
}

// waitSettings waits (30 s at most) until a daemon's Settings object
// answers ListConnections: the daemon has loaded its profiles.
func waitSettings(t *testing.T, name string, conn *dbus.Conn) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var paths []dbus.ObjectPath
		err := conn.Object(testbed.BusName, nmSettingsPath).Call(nmSettingsIface+".ListConnections", 0).Store(&paths)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: Settings not ready: %v", name, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func addConnection(conn *dbus.Conn, d setting.Dict) (dbus.ObjectPath, error) {
	var path dbus.ObjectPath
	err := conn.Object(testbed.BusName, nmSettingsPath).Call(nmSettingsIface+".AddConnection", 0, d).Store(&path)
	return path, err
}

// getSettings reads the reply body directly: dbus.Store would rebuild the
// variants from their Go values and lose signatures like a(ayuay).
func getSettings(conn *dbus.Conn, path dbus.ObjectPath) (setting.Dict, error) {
	call := conn.Object(testbed.BusName, path).Call(nmConnIface+".GetSettings", 0)
	if call.Err != nil {
		return nil, call.Err
	}
	d, ok := call.Body[0].(map[string]map[string]dbus.Variant)
	if !ok {
		return nil, fmt.Errorf("GetSettings returned %T", call.Body[0])
	}
	return d, nil
}

func connFilename(conn *dbus.Conn, path dbus.ObjectPath) (string, error) {
	v, err := conn.Object(testbed.BusName, path).GetProperty(nmConnIface + ".Filename")
	if err != nil {
		return "", err
	}
	f, _ := v.Value().(string)
	return f, nil
}

// gonmStore is what gonm makes of an AddConnection to disk: the profile
// parsed strictly and normalized, its secrets verified, written as a
// keyfile in dir (certificate blobs moved to files of their own) and read
// back from that text, as NetworkManager keeps the profile it re-reads.
func gonmStore(d setting.Dict, dir string) (*keyfile.Written, *setting.Connection, error) {
	c, perr := setting.FromDBus(d, setting.ParseStrict|setting.ParseNormalize)
	if perr != nil {
		return nil, nil, perr
	}
	if verr := c.VerifySecrets(); verr != nil {
		return nil, nil, verr
	}
	w := keyfile.Write(c, keyfile.WriteOptions{KeyfileDir: dir})
	back, err := keyfile.ReadText(w.File.Marshal(), dir)
	if err != nil {
		return nil, nil, err
	}
	return w, back, nil
}

type refProfile struct {
	p        profile
	path     dbus.ObjectPath
	want     setting.Dict // the reference's GetSettings
	written  *keyfile.Written
	filename string // the reference's keyfile
}

// TestSettingsMatchReference adds every profile to NetworkManager 1.42 and
// checks gonm against it four ways: its GetSettings reply against gonm's
// model of the same AddConnection; its keyfile against gonm's writer; gonm's
// reader on its keyfile; and NetworkManager loading gonm's keyfiles.
func TestSettingsMatchReference(t *testing.T) {
	conn, d := reference(t)
	dir := d.ConnectionsDir
	var added []*refProfile
	for _, p := range profiles() {
		rp := &refProfile{p: p}
		ok := t.Run("add/"+p.name, func(t *testing.T) {
			path, err := addConnection(conn, p.dict)
			if err != nil {
				t.Fatalf("reference AddConnection: %v", err)
			}
			rp.path = path
			if rp.want, err = getSettings(conn, path); err != nil {
				t.Fatalf("reference GetSettings: %v", err)
			}
			if rp.filename, err = connFilename(conn, path); err != nil {
				t.Fatalf("reference Filename: %v", err)
			}
			w, got, err := gonmStore(p.dict, dir)
			if err != nil {
				t.Fatalf("gonm rejected a profile the reference took: %v", err)
			}
			rp.written = w
			if wt, gt := setting.CanonicalText(withoutKnown(t, p.name, rp.want)), setting.CanonicalText(withoutKnown(t, p.name, got.ToDBus(setting.NoSecrets))); wt != gt {
				t.Errorf("GetSettings differs\n%s", lineDiff(wt, gt))
			}
		})
		if ok {
			added = append(added, rp)
		}
	}
	for _, rp := range added {
		t.Run("keyfile/"+rp.p.name, func(t *testing.T) {
			text, err := os.ReadFile(rp.filename)
			if err != nil {
				t.Fatal(err)
			}
			if want, got := string(text), string(rp.written.File.Marshal()); want != got {
				t.Errorf("keyfile %s differs\n%s", rp.filename, lineDiff(want, got))
			}
			for path, blob := range rp.written.Blobs {
				ref, err := os.ReadFile(path)
				if err != nil || string(ref) != string(blob) {
					t.Errorf("certificate file %s: reference has %q (%v), gonm %q", path, ref, err, blob)
				}
			}
		})
		t.Run("read/"+rp.p.name, func(t *testing.T) {
			text, err := os.ReadFile(rp.filename)
			if err != nil {
				t.Fatal(err)
			}
			c, err := keyfile.ReadText(text, dir)
			if err != nil {
				t.Fatalf("gonm cannot read the reference's keyfile: %v", err)
			}
			if wt, gt := setting.CanonicalText(withoutKnown(t, rp.p.name, rp.want)), setting.CanonicalText(withoutKnown(t, rp.p.name, c.ToDBus(setting.NoSecrets))); wt != gt {
				t.Errorf("profile read from %s differs\n%s", rp.filename, lineDiff(wt, gt))
			}
		})
	}
	// Now let the reference load gonm's keyfiles: delete its profiles
	// (and files), put gonm's files in their place, and load half of them
	// one by one with LoadConnections and the rest with ReloadConnections.
	settings := conn.Object(testbed.BusName, nmSettingsPath)
	var mine []string
	for _, rp := range added {
		if err := conn.Object(testbed.BusName, rp.path).Call(nmConnIface+".Delete", 0).Err; err != nil {
			t.Fatalf("reference Delete %s: %v", rp.p.name, err)
		}
		file := filepath.Join(dir, "gonm-"+keyfile.CreateFilename(rp.p.name, true))
		for path, blob := range rp.written.Blobs {
			if err := keyfile.WriteAtomic(path, blob, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := keyfile.WriteAtomic(file, rp.written.File.Marshal(), 0o600); err != nil {
			t.Fatal(err)
		}
		mine = append(mine, file)
	}
	half := len(mine) / 2
	for _, f := range mine[:half] {
		var ok bool
		var failures []string
		if err := settings.Call(nmSettingsIface+".LoadConnections", 0, []string{f}).Store(&ok, &failures); err != nil || !ok || len(failures) > 0 {
			t.Errorf("reference LoadConnections(%s): ok=%v failures=%v err=%v", f, ok, failures, err)
		}
	}
	var ok bool
	if err := settings.Call(nmSettingsIface+".ReloadConnections", 0).Store(&ok); err != nil || !ok {
		t.Errorf("reference ReloadConnections: ok=%v err=%v", ok, err)
	}
	for _, rp := range added {
		t.Run("load/"+rp.p.name, func(t *testing.T) {
			uuid := rp.want["connection"]["uuid"].Value().(string)
			var path dbus.ObjectPath
			if err := settings.Call(nmSettingsIface+".GetConnectionByUuid", 0, uuid).Store(&path); err != nil {
				t.Fatalf("reference did not load gonm's keyfile: %v", err)
			}
			got, err := getSettings(conn, path)
			if err != nil {
				t.Fatal(err)
			}
			if wt, gt := setting.CanonicalText(withoutKnown(t, rp.p.name, rp.want)), setting.CanonicalText(withoutKnown(t, rp.p.name, got)); wt != gt {
				t.Errorf("reference's reading of gonm's keyfile differs\n%s", lineDiff(wt, gt))
			}
		})
	}
}

// lineDiff shows the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	in := func(l []string, s string) bool {
		for _, x := range l {
			if x == s {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	for _, l := range wl {
		if !in(gl, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range gl {
		if !in(wl, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
