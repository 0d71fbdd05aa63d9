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
	"github.com/gonm/gonm/internal/testbed"
)

// dirSnapshot renders every file under the daemon's keyfile and run
// directories with its content.
func dirSnapshot(t *testing.T, s *side) string {
	t.Helper()
	var b strings.Builder
	for _, dir := range []string{s.d.ConnectionsDir, filepath.Join(s.d.RunDir, "system-connections")} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			fmt.Fprintf(&b, "%s/%s\n%s\n", dir, e.Name(), data)
		}
	}
	return b.String()
}

// busSnapshot renders what clients see of the profiles.
func busSnapshot(t *testing.T, s *side) string {
	t.Helper()
	var paths []dbus.ObjectPath
	if err := s.settings().Call(nmSettingsIface+".ListConnections", 0).Store(&paths); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range paths {
		d, err := getSettings(s.conn, p)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s\n%s", p, setting.CanonicalText(d))
	}
	return b.String()
}

// Every class of bad input gets NetworkManager's error, name and text,
// over D-Bus from gonm's daemon, and changes nothing on disk or in what
// clients see.
func TestBadInputOverDBusMatchesReference(t *testing.T) {
	keyfile.Owner = os.Getuid()
	ref, gonm := twinSides(t, testbed.DaemonOptions{}, testbed.BusOptions{})
	base := setting.Dict{"connection": sdict{"id": v("first"), "uuid": v(u(1)), "type": v("802-3-ethernet")}}
	wifi := setting.Dict{
		"connection":               sdict{"id": v("wifi"), "uuid": v(u(2)), "type": v("802-11-wireless")},
		"802-11-wireless":          sdict{"ssid": v([]byte("net"))},
		"802-11-wireless-security": sdict{"key-mgmt": v("wpa-psk"), "psk": v("12345678")},
	}
	basePath := map[*side]dbus.ObjectPath{}
	for _, s := range []*side{ref, gonm} {
		for _, d := range []setting.Dict{base, wifi} {
			p, err := addConnection(s.conn, d)
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if d["connection"]["id"].Value() == "first" {
				basePath[s] = p
			}
		}
	}
	beforeDisk, beforeBus := dirSnapshot(t, gonm), busSnapshot(t, gonm)

	type call struct {
		name   string
		conn   bool // on the "first" profile instead of the Settings object
		method string
		args   []any
	}
	var calls []call
	for _, r := range badRequests() {
		args := r.args
		if args == nil {
			args = map[string]dbus.Variant{}
		}
		calls = append(calls, call{"AddConnection2/" + r.name, false, nmSettingsIface + ".AddConnection2", []any{r.d, r.flags, args}})
		if r.flags == 1 && len(r.args) == 0 {
			calls = append(calls, call{"AddConnection/" + r.name, false, nmSettingsIface + ".AddConnection", []any{r.d}})
			calls = append(calls, call{"AddConnectionUnsaved/" + r.name, false, nmSettingsIface + ".AddConnectionUnsaved", []any{r.d}})
			// The same dictionary as an update of an existing profile
			// (with that profile's UUID, as clients send it).
			upd := setting.Dict{}
			for k, sd := range r.d {
				upd[k] = map[string]dbus.Variant{}
				for kk, vv := range sd {
					upd[k][kk] = vv
				}
			}
			if c := upd["connection"]; c != nil {
				if _, ok := c["uuid"]; ok && r.name != "bad-uuid" {
					c["uuid"] = v(u(1))
				}
			}
			if r.name != "duplicate-uuid" {
				calls = append(calls, call{"Update/" + r.name, true, nmConnIface + ".Update", []any{upd}})
			}
		}
	}
	long := strings.Repeat("x", 300)
	eth := func(extra sdict) setting.Dict {
		c := sdict{"id": v("odd"), "uuid": v("0b0b0b0b-1c1c-4d4d-8e8e-0f0f0f0f0f02"), "type": v("802-3-ethernet")}
		for k, x := range extra {
			c[k] = x
		}
		return setting.Dict{"connection": c}
	}
	calls = append(calls,
		call{"oversized-ssid", false, nmSettingsIface + ".AddConnection", []any{setting.Dict{
			"connection":      sdict{"id": v("big"), "uuid": v(u(3)), "type": v("802-11-wireless")},
			"802-11-wireless": sdict{"ssid": v([]byte(strings.Repeat("s", 33)))}}}},
		call{"oversized-ifname", false, nmSettingsIface + ".AddConnection", []any{eth(sdict{"interface-name": v(long)})}},
		call{"ifname-traversal", false, nmSettingsIface + ".AddConnection", []any{eth(sdict{"interface-name": v("../../etc")})}},
		call{"route-metric-range", false, nmSettingsIface + ".AddConnection", []any{setting.Dict{
			"connection": eth(nil)["connection"], "ipv4": sdict{"method": v("auto"), "route-metric": v(int64(1) << 40)}}}},
		call{"mtu-range", false, nmSettingsIface + ".AddConnection", []any{setting.Dict{
			"connection": eth(nil)["connection"], "802-3-ethernet": sdict{"mtu": v(int64(-5))}}}},
		call{"no-connection-setting", false, nmSettingsIface + ".AddConnection", []any{setting.Dict{"ipv4": sdict{"method": v("auto")}}}},
		call{"empty", false, nmSettingsIface + ".AddConnection", []any{setting.Dict{}}},
		call{"update2-unknown-flags", true, nmConnIface + ".Update2", []any{setting.Dict{}, uint32(0x1000), map[string]dbus.Variant{}}},
		call{"update2-conflicting", true, nmConnIface + ".Update2", []any{setting.Dict{}, uint32(0x1 | 0x8), map[string]dbus.Variant{}}},
		call{"update2-volatile-to-disk", true, nmConnIface + ".Update2", []any{setting.Dict{}, uint32(0x1 | 0x10), map[string]dbus.Variant{}}},
		call{"update2-unknown-arg", true, nmConnIface + ".Update2", []any{setting.Dict{}, uint32(0), map[string]dbus.Variant{"nope": v(true)}}},
		call{"update2-plugin-type", true, nmConnIface + ".Update2", []any{setting.Dict{}, uint32(0), map[string]dbus.Variant{"plugin": v(int32(1))}}},
		call{"update2-other-plugin", true, nmConnIface + ".Update2", []any{setting.Dict{}, uint32(0), map[string]dbus.Variant{"plugin": v("ifcfg-rh")}}},
		call{"update-type-change", true, nmConnIface + ".Update", []any{setting.Dict{
			"connection":      sdict{"id": v("first"), "uuid": v(u(1)), "type": v("802-11-wireless")},
			"802-11-wireless": sdict{"ssid": v([]byte(strings.Repeat("s", 40)))}}}},
		call{"get-secrets-unknown-setting", true, nmConnIface + ".GetSecrets", []any{"802-1x"}},
		call{"get-secrets-empty-name", true, nmConnIface + ".GetSecrets", []any{""}},
		call{"get-secrets-no-agent", true, nmConnIface + ".GetSecrets", []any{"connection"}},
		call{"uuid-unknown", false, nmSettingsIface + ".GetConnectionByUuid", []any{"not-a-uuid"}},
		call{"load-relative", false, nmSettingsIface + ".LoadConnections", []any{[]string{"relative.nmconnection", "", "/etc/passwd", "/nonexistent/x.nmconnection"}}},
		call{"hostname-invalid", false, nmSettingsIface + ".SaveHostname", []any{"bad host"}},
		call{"hostname-too-long", false, nmSettingsIface + ".SaveHostname", []any{strings.Repeat("h", 65)}},
		call{"hostname-dots", false, nmSettingsIface + ".SaveHostname", []any{"a..b"}},
		call{"wrong-signature", false, nmSettingsIface + ".AddConnection", []any{map[string]string{"connection": "x"}}},
		call{"wrong-arg-count", false, nmSettingsIface + ".AddConnection2", []any{setting.Dict{}}},
	)
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			got := map[*side]string{}
			for _, s := range []*side{ref, gonm} {
				obj := s.settings()
				if c.conn {
					obj = s.conn.Object(testbed.BusName, basePath[s])
				}
				call := obj.Call(c.method, 0, c.args...)
				got[s] = answer(call.Err)
				if call.Err == nil {
					// Accepted after all (a lenient conversion): compare
					// what was stored, then take it away again.
					if p, ok := call.Body[0].(dbus.ObjectPath); ok {
						d, err := getSettings(s.conn, p)
						if err != nil {
							t.Fatal(err)
						}
						got[s] += " " + setting.CanonicalText(d)
						if err := s.conn.Object(testbed.BusName, p).Call(nmConnIface+".Delete", 0).Err; err != nil {
							t.Fatal(err)
						}
					} else {
						got[s] += fmt.Sprint(" ", call.Body)
					}
				}
			}
			if got[ref] != got[gonm] {
				t.Errorf("answers differ\nreference: %s\ngonm:      %s", got[ref], got[gonm])
			}
		})
	}
	if after := dirSnapshot(t, gonm); after != beforeDisk {
		t.Errorf("bad calls changed gonm's files\nbefore:\n%s\nafter:\n%s", beforeDisk, after)
	}
	if after := busSnapshot(t, gonm); after != beforeBus {
		t.Errorf("bad calls changed gonm's profiles\n%s", lineDiff(beforeBus, after))
	}
	// Odd ids are fine: the file stays inside the directory, with the
	// same name as NetworkManager gives it.
	for _, id := range []string{"../../etc/passwd", "a/b", ".hidden", "..", "x.nmmeta", " spaced  ", strings.Repeat("ü", 100)} {
		files := map[*side]string{}
		for _, s := range []*side{ref, gonm} {
			d := eth(sdict{"id": v(id), "uuid": v(setting.UUIDFromStrings("odd-id", id))})
			p, err := addConnection(s.conn, d)
			if err != nil {
				t.Errorf("%s: id %q: %v", s.name, id, err)
				continue
			}
			f, _ := connFilename(s.conn, p)
			if filepath.Dir(f) != s.d.ConnectionsDir {
				t.Errorf("%s: id %q written to %s", s.name, id, f)
			}
			files[s] = filepath.Base(f)
		}
		if files[ref] != files[gonm] {
			t.Errorf("id %q: file %q on the reference, %q on gonm", id, files[ref], files[gonm])
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(gonm.d.ConnectionsDir))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if slices.Contains(names, "passwd") {
		t.Errorf("a profile escaped its directory: %v", names)
	}
}
