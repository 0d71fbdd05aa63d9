package difftest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/settings"
	"github.com/gonm/gonm/internal/testbed"
)

func gonmErr(err error) string {
	if err == nil {
		return "ok"
	}
	name, msg := settings.DBusError(err)
	return name + ": " + msg
}

// badRequests are AddConnection2 calls NetworkManager refuses, one per
// class of bad input.
func badRequests() []struct {
	name  string
	d     setting.Dict
	flags uint32
	args  map[string]dbus.Variant
} {
	eth := func(extra sdict) setting.Dict {
		c := sdict{"id": v("bad"), "uuid": v("0b0b0b0b-1c1c-4d4d-8e8e-0f0f0f0f0f01"), "type": v("802-3-ethernet")}
		for k, x := range extra {
			c[k] = x
		}
		return setting.Dict{"connection": c}
	}
	withIP := func(ip4 sdict) setting.Dict {
		d := eth(nil)
		d["ipv4"] = ip4
		return d
	}
	return []struct {
		name  string
		d     setting.Dict
		flags uint32
		args  map[string]dbus.Variant
	}{
		{"no-persist-flag", eth(nil), 0, nil},
		{"both-persist-flags", eth(nil), 3, nil},
		{"unknown-flag", eth(nil), 1 | 0x400, nil},
		{"unknown-arg", eth(nil), 1, map[string]dbus.Variant{"foo": v("x")}},
		{"plugin-arg-type", eth(nil), 1, map[string]dbus.Variant{"plugin": v(uint32(1))}},
		{"unknown-plugin", eth(nil), 1, map[string]dbus.Variant{"plugin": v("ifcfg-rh")}},
		{"wrong-type", eth(sdict{"autoconnect": v("yes")}), 1, nil},
		{"unknown-property", eth(sdict{"bogus": v("x")}), 1, nil},
		{"unknown-setting", setting.Dict{"connection": eth(nil)["connection"], "nonsense": sdict{}}, 1, nil},
		{"bad-uuid", eth(sdict{"uuid": v("0b0b0b0b")}), 1, nil},
		{"missing-id", setting.Dict{"connection": sdict{"uuid": v("0b0b0b0b-1c1c-4d4d-8e8e-0f0f0f0f0f01"), "type": v("802-3-ethernet")}}, 1, nil},
		{"unknown-type", eth(sdict{"type": v("warp-drive")}), 1, nil},
		{"ifname-slash", eth(sdict{"interface-name": v("eth/0")}), 1, nil},
		{"ifname-dotdot", eth(sdict{"interface-name": v("..")}), 1, nil},
		{"ifname-too-long", eth(sdict{"interface-name": v("abcdefghijklmnopq")}), 1, nil},
		{"manual-no-address", withIP(sdict{"method": v("manual")}), 1, nil},
		{"bad-method", withIP(sdict{"method": v("magic")}), 1, nil},
		{"bad-dns", withIP(sdict{"method": v("auto"), "dns-data": v([]string{"not-an-ip"})}), 1, nil},
		{"bad-address", withIP(sdict{"method": v("manual"), "address-data": v([]map[string]dbus.Variant{{"address": v("300.1.1.1"), "prefix": v(uint32(24))}})}), 1, nil},
		{"prefix-out-of-range", withIP(sdict{"method": v("manual"), "address-data": v([]map[string]dbus.Variant{{"address": v("10.1.1.1"), "prefix": v(uint32(33))}})}), 1, nil},
		{"mtu-type", setting.Dict{"connection": eth(nil)["connection"], "802-3-ethernet": sdict{"mtu": v("1500")}}, 1, nil},
		{"mac-length", setting.Dict{"connection": eth(nil)["connection"], "802-3-ethernet": sdict{"mac-address": v([]byte{1, 2, 3})}}, 1, nil},
		{"psk-short", setting.Dict{"connection": eth(sdict{"type": v("802-11-wireless")})["connection"],
			"802-11-wireless": sdict{"ssid": v([]byte("x"))}, "802-11-wireless-security": sdict{"key-mgmt": v("wpa-psk"), "psk": v("short")}}, 1, nil},
		{"duplicate-uuid", setting.Dict{"connection": sdict{"id": v("dup"), "uuid": v(u(1)), "type": v("802-3-ethernet")}}, 1, nil},
		{"permissions-type", eth(sdict{"permissions": v([]int32{1})}), 1, nil},
		{"bond-option", setting.Dict{"connection": eth(sdict{"type": v("bond"), "interface-name": v("bond9")})["connection"],
			"bond": sdict{"options": v(map[string]string{"mode": "nonsense"})}}, 1, nil},
		{"vlan-id", setting.Dict{"connection": eth(sdict{"type": v("vlan")})["connection"],
			"vlan": sdict{"parent": v("eth0"), "id": v(uint32(5000))}}, 1, nil},
	}
}

// scratchStore is a gonm profile store over empty /etc and /run keyfile
// directories of the test's own, which it returns with the store.
func scratchStore(t *testing.T) (store *settings.Store, etc, run string) {
	keyfile.Owner = os.Getuid()
	dir := t.TempDir()
	etc, run = filepath.Join(dir, "etc"), filepath.Join(dir, "run")
	return settings.New(settings.Options{EtcDir: etc, RunDir: run}), etc, run
}

// TestAddConnectionErrorsMatchReference sends each bad request to
// NetworkManager 1.42 and to gonm's store and compares the D-Bus error
// name and message; gonm's directories must stay as they were.
func TestAddConnectionErrorsMatchReference(t *testing.T) {
	conn, _ := reference(t)
	store, etc, run := scratchStore(t)
	// The duplicate-uuid case needs the profile in both.
	dup := setting.Dict{"connection": sdict{"id": v("first"), "uuid": v(u(1)), "type": v("802-3-ethernet")}}
	if _, err := addConnection(conn, dup); err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddConnection(dup, settings.AddToDisk, nil); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadDir(etc)
	obj := conn.Object(testbed.BusName, nmSettingsPath)
	for _, r := range badRequests() {
		t.Run(r.name, func(t *testing.T) {
			args := r.args
			if args == nil {
				args = map[string]dbus.Variant{}
			}
			var path dbus.ObjectPath
			var result map[string]dbus.Variant
			want := answer(obj.Call(nmSettingsIface+".AddConnection2", 0, r.d, r.flags, args).Store(&path, &result))
			_, gerr := store.AddConnection(r.d, settings.AddFlags(r.flags), r.args)
			got := gonmErr(gerr)
			if want == "ok" {
				t.Fatalf("the reference accepted the request (gonm: %s)", got)
			}
			if want != got {
				t.Errorf("error differs\nreference: %s\ngonm:      %s", want, got)
			}
		})
	}
	after, _ := os.ReadDir(etc)
	if len(before) != len(after) {
		t.Errorf("gonm's directory changed: %d → %d files", len(before), len(after))
	}
	if _, err := os.Stat(run); err == nil {
		if entries, _ := os.ReadDir(run); len(entries) > 0 {
			t.Errorf("gonm wrote to /run: %v", entries)
		}
	}
}

type refState struct {
	filename string
	unsaved  bool
	flags    uint32
}

func (s refState) String() string {
	return fmt.Sprintf("%s unsaved=%v flags=0x%x", s.filename, s.unsaved, s.flags)
}

// TestUpdate2MatchesReference runs the same sequence of AddConnection2,
// Update2, Save and Delete calls against NetworkManager and gonm's store
// and compares where the profile ends up (file, Unsaved, Flags) and the
// persistent directory after each step.
func TestUpdate2MatchesReference(t *testing.T) {
	conn, d := reference(t)
	store, etc, run := scratchStore(t)
	obj := conn.Object(testbed.BusName, nmSettingsPath)

	const uuid = "0c0c0c0c-1d1d-4e4e-8f8f-0a0a0a0a0a01"
	prof := func(id string) setting.Dict {
		return setting.Dict{"connection": sdict{"id": v(id), "uuid": v(uuid), "type": v("802-3-ethernet")}}
	}
	norm := func(f, etcDir, runDir string) string {
		switch filepath.Dir(f) {
		case etcDir:
			return "ETC/" + filepath.Base(f)
		case runDir:
			return "RUN/" + filepath.Base(f)
		}
		return f
	}
	refPath := dbus.ObjectPath("")
	refGet := func() refState {
		o := conn.Object(testbed.BusName, refPath)
		var s refState
		if f, err := o.GetProperty(nmConnIface + ".Filename"); err == nil {
			s.filename = norm(f.Value().(string), d.ConnectionsDir, "/run/NetworkManager/system-connections")
		}
		if u, err := o.GetProperty(nmConnIface + ".Unsaved"); err == nil {
			s.unsaved = u.Value().(bool)
		}
		if fl, err := o.GetProperty(nmConnIface + ".Flags"); err == nil {
			s.flags = fl.Value().(uint32)
		}
		return s
	}
	gonmGet := func() refState {
		p := store.ByUUID(uuid)
		return refState{norm(p.Filename(), etc, run), p.Unsaved(), uint32(p.Flags())}
	}
	listDir := func(dir string) []string {
		entries, _ := os.ReadDir(dir)
		var out []string
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".nmconnection") || strings.HasSuffix(e.Name(), ".nmmeta") {
				out = append(out, e.Name())
			}
		}
		return out
	}
	var result map[string]dbus.Variant
	if err := obj.Call(nmSettingsIface+".AddConnection2", 0, prof("Step"), uint32(1), map[string]dbus.Variant{}).Store(&refPath, &result); err != nil {
		t.Fatal(err)
	}
	if _, err := store.AddConnection(prof("Step"), settings.AddToDisk, nil); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name  string
		d     setting.Dict
		flags uint32
	}{
		{"in-memory", prof("Step mem"), 0x2},
		{"keep", prof("Step keep"), 0},
		{"to-disk", nil, 0x1},
		{"in-memory-detached", nil, 0x4},
		{"to-disk-again", prof("Step disk"), 0x1},
		{"in-memory-only", nil, 0x8},
		{"conflicting", nil, 0x1 | 0x2},
		{"volatile-to-disk", nil, 0x1 | 0x10},
		{"save-from-memory", nil, 0x1},
		{"in-memory-again", prof("Step again"), 0x2},
	}
	for _, st := range steps {
		dict := st.d
		if dict == nil {
			dict = setting.Dict{}
		}
		want := answer(conn.Object(testbed.BusName, refPath).Call(nmConnIface+".Update2", 0, dict, st.flags, map[string]dbus.Variant{}).Store(&result))
		got := gonmErr(store.Update2(store.ByUUID(uuid), st.d, settings.UpdateFlags(st.flags), nil))
		if want != got {
			t.Errorf("%s: result differs\nreference: %s\ngonm:      %s", st.name, want, got)
		}
		if w, g := refGet().String(), gonmGet().String(); w != g {
			t.Errorf("%s: state differs\nreference: %s\ngonm:      %s", st.name, w, g)
		}
		if w, g := listDir(d.ConnectionsDir), listDir(etc); !slices.Equal(w, g) {
			t.Errorf("%s: persistent directory differs\nreference: %v\ngonm:      %v", st.name, w, g)
		}
	}
	// Volatile and not active: both delete the profile (and the /etc file
	// the in-memory copy owns) at once.
	want := answer(conn.Object(testbed.BusName, refPath).Call(nmConnIface+".Update2", 0, setting.Dict{}, uint32(0x2|0x10), map[string]dbus.Variant{}).Store(&result))
	got := gonmErr(store.Update2(store.ByUUID(uuid), nil, settings.UpdateInMemory|settings.UpdateVolatile, nil))
	if want != got {
		t.Errorf("volatile: reference %s, gonm %s", want, got)
	}
	var gone dbus.ObjectPath
	refGone := obj.Call(nmSettingsIface+".GetConnectionByUuid", 0, uuid).Store(&gone) != nil
	if gonmGone := store.ByUUID(uuid) == nil; refGone != gonmGone {
		t.Errorf("volatile profile deleted: reference %v, gonm %v", refGone, gonmGone)
	}
	if w, g := listDir(d.ConnectionsDir), listDir(etc); !slices.Equal(w, g) {
		t.Errorf("after volatile: reference %v, gonm %v", w, g)
	}
}
