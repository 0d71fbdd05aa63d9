package settings

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/setting"
)

type env struct {
	etc, run, lib string
	s             *Store
	events        []string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	keyfile.Owner = os.Getuid()
	d := t.TempDir()
	e := &env{etc: filepath.Join(d, "etc"), run: filepath.Join(d, "run"), lib: filepath.Join(d, "lib")}
	for _, dir := range []string{e.etc, e.run, e.lib} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	e.s = New(Options{EtcDir: e.etc, RunDir: e.run, LibDir: e.lib})
	e.s.Subscribe(func(ev Event) { e.events = append(e.events, ev.Kind.String()+" "+ev.Profile.ID()) })
	return e
}

func v(x any) dbus.Variant { return dbus.MakeVariant(x) }

func ethDict(id, uuid string) setting.Dict {
	return setting.Dict{
		"connection": {"id": v(id), "uuid": v(uuid), "type": v("802-3-ethernet")},
	}
}

const (
	u1 = "8a1c5f4e-2b3d-4c5e-9f60-7a8b9c0d1e01"
	u2 = "8a1c5f4e-2b3d-4c5e-9f60-7a8b9c0d1e02"
)

// dirFiles lists the names in a directory.
func dirFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func writeProfile(t *testing.T, path, id, uuid string) {
	t.Helper()
	text := "[connection]\nid=" + id + "\nuuid=" + uuid + "\ntype=ethernet\n\n[ipv4]\nmethod=auto\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func dbusName(err error) string {
	name, _ := DBusError(err)
	return name
}

func TestAddToDiskAndInMemory(t *testing.T) {
	e := newEnv(t)
	p, err := e.s.AddConnection(ethDict("Wired A", u1), AddToDisk, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(e.etc, "Wired A.nmconnection")
	if p.Filename() != want || p.Unsaved() || p.Flags() != 0 || p.Storage() != StorageEtc {
		t.Errorf("to-disk profile: %s unsaved=%v flags=%v", p.Filename(), p.Unsaved(), p.Flags())
	}
	fi, err := os.Stat(want)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("file: %v %v", fi, err)
	}
	q, err := e.s.AddConnection(ethDict("Wired B", u2), AddInMemory|AddBlockAutoconnect, map[string]dbus.Variant{"plugin": v("keyfile")})
	if err != nil {
		t.Fatal(err)
	}
	if q.Filename() != filepath.Join(e.run, "Wired B.nmconnection") || !q.Unsaved() || q.Flags() != FlagUnsaved || !q.BlockAutoconnect {
		t.Errorf("in-memory profile: %s flags=%v block=%v", q.Filename(), q.Flags(), q.BlockAutoconnect)
	}
	if ids := []string{e.s.Profiles()[0].ID(), e.s.Profiles()[1].ID()}; !slices.Equal(ids, []string{"Wired A", "Wired B"}) {
		t.Errorf("order %v", ids)
	}
	if p.Number == q.Number || e.s.ByNumber(q.Number) != q || e.s.ByUUID(u1) != p {
		t.Error("lookups")
	}
	if !slices.Equal(e.events, []string{"added Wired A", "added Wired B"}) {
		t.Errorf("events %v", e.events)
	}
	// GetSettings is the normalized profile as read back from the file.
	if got := p.Settings(); got["ipv4"]["method"].Value() != "auto" || got["connection"]["type"].Value() != "802-3-ethernet" {
		t.Errorf("settings %v", got)
	}
}

// TestRefusedRequestsChangeNothing covers every class of bad request: the
// error names and texts are NetworkManager's and no file appears.
func TestRefusedRequestsChangeNothing(t *testing.T) {
	e := newEnv(t)
	if _, err := e.s.AddConnection(ethDict("exists", u1), AddToDisk, nil); err != nil {
		t.Fatal(err)
	}
	before := dirFiles(t, e.etc)
	long := strings.Repeat("x", 300)
	for _, tc := range []struct {
		name  string
		d     setting.Dict
		flags AddFlags
		args  map[string]dbus.Variant
		err   string
		msg   string
	}{
		{"no flags", ethDict("a", u2), 0, nil, "org.freedesktop.NetworkManager.Settings.InvalidArguments", "Requires either to-disk (0x1) or in-memory (0x2) flags"},
		{"both flags", ethDict("a", u2), AddToDisk | AddInMemory, nil, "org.freedesktop.NetworkManager.Settings.InvalidArguments", "Cannot set to-disk (0x1) and in-memory (0x2) flags together"},
		{"unknown flags", ethDict("a", u2), AddToDisk | 0x100, nil, "org.freedesktop.NetworkManager.Settings.InvalidArguments", "Unknown flags"},
		{"unknown arg", ethDict("a", u2), AddToDisk, map[string]dbus.Variant{"x": v(1)}, "org.freedesktop.NetworkManager.Settings.InvalidArguments", "Unsupported argument 'x'"},
		{"other plugin", ethDict("a", u2), AddToDisk, map[string]dbus.Variant{"plugin": v("ifcfg-rh")}, "org.freedesktop.NetworkManager.Settings.Failed", "failure adding connection: a plugin by the name of 'ifcfg-rh' is not available"},
		{"duplicate uuid", ethDict("again", u1), AddToDisk, nil, "org.freedesktop.NetworkManager.Settings.UuidExists", "a connection with this UUID already exists"},
		{"wrong type", setting.Dict{"connection": {"id": v(1), "uuid": v(u2), "type": v("802-3-ethernet")}}, AddToDisk, nil,
			"org.freedesktop.NetworkManager.Settings.Connection.InvalidProperty", "connection.id: can't set property of type 's' from value of type 'i'"},
		{"unknown setting", setting.Dict{"connection": {"id": v("a"), "uuid": v(u2), "type": v("802-3-ethernet")}, "foo": {}}, AddToDisk, nil,
			"org.freedesktop.NetworkManager.Settings.Connection.InvalidSetting", "foo: unknown setting name"},
		{"bad interface name", setting.Dict{"connection": {"id": v("a"), "uuid": v(u2), "type": v("802-3-ethernet"), "interface-name": v("../x")}}, AddToDisk, nil,
			"org.freedesktop.NetworkManager.Settings.Connection.InvalidProperty", "connection.interface-name: '../x': interface name contains an invalid character"},
		{"bad uuid", setting.Dict{"connection": {"id": v("a"), "uuid": v("not-a-uuid"), "type": v("802-3-ethernet")}}, AddToDisk, nil,
			"org.freedesktop.NetworkManager.Settings.Connection.InvalidProperty", "connection.uuid: 'not-a-uuid' is not a valid UUID"},
		{"missing addresses", setting.Dict{"connection": {"id": v("a"), "uuid": v(u2), "type": v("802-3-ethernet")}, "ipv4": {"method": v("manual")}}, AddToDisk, nil,
			"org.freedesktop.NetworkManager.Settings.Connection.MissingProperty", "ipv4.addresses: this property cannot be empty for 'method=manual'"},
		{"name too long for a file", ethDict(long, u2), AddToDisk, nil, "org.freedesktop.NetworkManager.Settings.Failed", "error writing to file"},
	} {
		_, err := e.s.AddConnection(tc.d, tc.flags, tc.args)
		name, msg := DBusError(err)
		if err == nil || name != tc.err || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s: got %s %q, want %s %q", tc.name, name, msg, tc.err, tc.msg)
		}
	}
	if after := dirFiles(t, e.etc); !slices.Equal(before, after) {
		t.Errorf("files changed: %v → %v", before, after)
	}
	if len(dirFiles(t, e.run)) != 0 || len(e.s.Profiles()) != 1 {
		t.Error("state changed")
	}
}

func TestPathTraversalInID(t *testing.T) {
	e := newEnv(t)
	p, err := e.s.AddConnection(ethDict("../../evil/.x", u1), AddToDisk, nil)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(p.Filename()) != e.etc || filepath.Base(p.Filename()) != "_._.._evil_.x.nmconnection" {
		t.Errorf("file %s", p.Filename())
	}
	if p.ID() != "../../evil/.x" {
		t.Errorf("id %q", p.ID())
	}
}

func TestUpdatePersistModes(t *testing.T) {
	e := newEnv(t)
	p, _ := e.s.AddConnection(ethDict("prof", u1), AddToDisk, nil)
	etcFile := p.Filename()

	// In memory: a /run copy that owns the /etc file.
	if err := e.s.Update2(p, ethDict("prof mem", u1), UpdateInMemory, nil); err != nil {
		t.Fatal(err)
	}
	if !p.Unsaved() || filepath.Dir(p.Filename()) != e.run || p.ID() != "prof mem" {
		t.Fatalf("in-memory: %s %v %s", p.Filename(), p.Unsaved(), p.ID())
	}
	text, _ := os.ReadFile(p.Filename())
	if !strings.Contains(string(text), "[.nmmeta]\nshadowed-storage="+etcFile+"\nshadowed-owned=true\n") {
		t.Errorf("nmmeta:\n%s", text)
	}
	if _, err := os.Stat(etcFile); err != nil {
		t.Error("/etc file gone")
	}
	// Save: back to /etc, the /run file goes away, the /etc file keeps its name.
	if err := e.s.Save(p); err != nil {
		t.Fatal(err)
	}
	if p.Unsaved() || p.Filename() != etcFile || len(dirFiles(t, e.run)) != 0 {
		t.Errorf("save: %s %v %v", p.Filename(), p.Unsaved(), dirFiles(t, e.run))
	}
	text, _ = os.ReadFile(etcFile)
	if !strings.Contains(string(text), "id=prof mem\n") {
		t.Errorf("saved:\n%s", text)
	}
	// In memory only: the /etc file is deleted.
	if err := e.s.Update2(p, nil, UpdateInMemoryOnly, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(etcFile); !os.IsNotExist(err) || !p.Unsaved() {
		t.Errorf("in-memory-only kept %s", etcFile)
	}
	// Conflicting and unknown flags.
	if err := e.s.Update2(p, nil, UpdateToDisk|UpdateInMemory, nil); dbusName(err) != ErrorPrefix+"InvalidArguments" || err.Error() != "Conflicting flags" {
		t.Errorf("conflict: %v", err)
	}
	if err := e.s.Update2(p, nil, UpdateVolatile, nil); err == nil || err.Error() != "Conflicting flags" {
		t.Errorf("volatile on disk: %v", err)
	}
	if err := e.s.Update2(p, nil, 0x1000, nil); err == nil || err.Error() != "Unknown flags" {
		t.Errorf("unknown: %v", err)
	}
	// Volatile in memory: not in use, so it goes at once; in use, it
	// stays until released.
	inUse := true
	e.s.opts.InUse = func(*Profile) bool { return inUse }
	if err := e.s.Update2(p, nil, UpdateInMemory|UpdateVolatile, nil); err != nil || p.Flags() != FlagUnsaved|FlagVolatile {
		t.Errorf("volatile: %v flags %v", err, p.Flags())
	}
	inUse = false
	e.s.ReleaseVolatile(p)
	if e.s.ByUUID(u1) != nil {
		t.Error("released volatile profile kept")
	}
}

func TestUpdateKeepsSecretsAndUUID(t *testing.T) {
	e := newEnv(t)
	d := setting.Dict{
		"connection":               {"id": v("w"), "uuid": v(u1), "type": v("802-11-wireless")},
		"802-11-wireless":          {"ssid": v([]byte("net"))},
		"802-11-wireless-security": {"key-mgmt": v("wpa-psk"), "psk": v("12345678")},
	}
	p, err := e.s.AddConnection(d, AddToDisk, nil)
	if err != nil {
		t.Fatal(err)
	}
	upd := setting.Dict{
		"connection":               {"id": v("w2"), "uuid": v(u2), "type": v("802-11-wireless")},
		"802-11-wireless":          {"ssid": v([]byte("net"))},
		"802-11-wireless-security": {"key-mgmt": v("wpa-psk")},
	}
	ver := p.VersionID()
	if err := e.s.Update2(p, upd, 0, nil); err != nil {
		t.Fatal(err)
	}
	sec, has, err := p.Secrets("802-11-wireless-security")
	if err != nil || !has || sec["802-11-wireless-security"]["psk"].Value() != "12345678" {
		t.Errorf("secrets after update: %v %v %v", sec, has, err)
	}
	if len(sec["connection"]) != 0 || sec["connection"] == nil {
		t.Errorf("secrets dict shape: %v", sec)
	}
	if p.UUID() != u1 || p.ID() != "w2" || p.VersionID() <= ver {
		t.Errorf("uuid %s id %s version %d→%d", p.UUID(), p.ID(), ver, p.VersionID())
	}
	if _, _, err := p.Secrets("bond"); dbusName(err) != "org.freedesktop.NetworkManager.Settings.Connection.SettingNotFound" ||
		err.Error() != "Connection didn't have requested setting 'bond'." {
		t.Errorf("missing setting: %v", err)
	}
	if err := e.s.ClearSecrets(p); err != nil {
		t.Fatal(err)
	}
	if _, has, _ := p.Secrets("802-11-wireless-security"); has {
		t.Error("secrets not cleared")
	}
	text, _ := os.ReadFile(p.Filename())
	if strings.Contains(string(text), "psk=") {
		t.Errorf("psk still on disk:\n%s", text)
	}
}

func TestLoadPriorityAndTombstones(t *testing.T) {
	e := newEnv(t)
	writeProfile(t, filepath.Join(e.lib, "x.nmconnection"), "from lib", u1)
	writeProfile(t, filepath.Join(e.etc, "x"), "from etc", u1) // /etc needs no extension
	writeProfile(t, filepath.Join(e.etc, "noext-in-run"), "ignored", u2)
	writeProfile(t, filepath.Join(e.run, "y"), "ignored", u2) // /run requires it
	e.s.ReloadConnections()
	p := e.s.ByUUID(u1)
	if p == nil || p.ID() != "from etc" || e.s.ByUUID(u2) == nil || e.s.ByUUID(u2).ID() != "ignored" {
		t.Fatalf("etc over lib: %v", p)
	}
	// A file in /run wins over /etc.
	writeProfile(t, filepath.Join(e.run, "x.nmconnection"), "from run", u1)
	if p.ID() != "from etc" {
		t.Error("picked up without a reload")
	}
	if ok, fails := e.s.LoadConnections([]string{filepath.Join(e.run, "x.nmconnection")}); !ok || fails != nil {
		t.Fatalf("load: %v", fails)
	}
	if p.ID() != "from run" || !p.Unsaved() {
		t.Errorf("run over etc: %s", p.ID())
	}
	// Removing the /run file and loading it again unloads it.
	os.Remove(filepath.Join(e.run, "x.nmconnection"))
	e.s.LoadConnections([]string{filepath.Join(e.run, "x.nmconnection")})
	if p.ID() != "from etc" {
		t.Errorf("after unload: %s", p.ID())
	}
	// Deleting a profile hides the /usr/lib copy with a tombstone in /etc.
	if err := e.s.Delete(p); err != nil {
		t.Fatal(err)
	}
	if e.s.ByUUID(u1) != nil {
		t.Fatal("lib profile reappeared")
	}
	tomb := filepath.Join(e.etc, u1+".nmmeta")
	if target, err := os.Readlink(tomb); err != nil || target != "/dev/null" {
		t.Errorf("tombstone: %q %v", target, err)
	}
	e.s.ReloadConnections()
	if e.s.ByUUID(u1) != nil {
		t.Error("tombstone not honoured on reload")
	}
	// Adding the UUID again takes over and removes the tombstone.
	if _, err := e.s.AddConnection(ethDict("back", u1), AddToDisk, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(tomb); !os.IsNotExist(err) {
		t.Error("tombstone kept")
	}
	// Failures: outside the directories, and files that do not load.
	bad := filepath.Join(e.etc, "bad.nmconnection")
	os.WriteFile(bad, []byte("[connection]\nuuid=nope\n"), 0o600)
	ok, fails := e.s.LoadConnections([]string{"/tmp/elsewhere.nmconnection", "relative", bad})
	if ok || !slices.Equal(fails, []string{"/tmp/elsewhere.nmconnection", "relative", bad}) {
		t.Errorf("failures %v", fails)
	}
}

func TestDeleteShadowing(t *testing.T) {
	e := newEnv(t)
	p, _ := e.s.AddConnection(ethDict("p", u1), AddToDisk, nil)
	etcFile := p.Filename()
	// Detached in-memory copy: deleting it keeps the /etc file hidden.
	if err := e.s.Update2(p, nil, UpdateInMemoryDetached, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.s.Delete(p); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(etcFile); err != nil {
		t.Errorf("detached delete removed %s", etcFile)
	}
	if e.s.ByUUID(u1) != nil {
		t.Error("profile visible after delete")
	}
	m, err := keyfile.ReadNMMeta(filepath.Join(e.run, u1+".nmmeta"))
	if err != nil || m.LoadedPath != keyfile.NMMetaNull || m.ShadowedStorage != etcFile {
		t.Errorf("run tombstone: %+v %v", m, err)
	}
	// Owned in-memory copy: deleting removes both files.
	q, _ := e.s.AddConnection(ethDict("q", u2), AddToDisk, nil)
	qEtc := q.Filename()
	e.s.Update2(q, nil, UpdateInMemory, nil)
	if err := e.s.Delete(q); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(qEtc); !os.IsNotExist(err) {
		t.Error("owned /etc file kept")
	}
	if !slices.Contains(e.events, "removed q") {
		t.Errorf("events %v", e.events)
	}
	if err := e.s.Delete(q); err == nil {
		t.Error("deleting twice succeeded")
	}
}

func TestNoPersistentDirectory(t *testing.T) {
	e := newEnv(t)
	e.s = New(Options{RunDir: e.run})
	p, err := e.s.AddConnection(ethDict("p", u1), AddToDisk, nil)
	if err != nil || !p.Unsaved() || filepath.Dir(p.Filename()) != e.run {
		t.Fatalf("%v %v", p, err)
	}
	if err := e.s.Save(p); err != nil || !p.Unsaved() {
		t.Errorf("save without /etc: %v", err)
	}
}

func TestDBusErrorForPlainErrors(t *testing.T) {
	name, msg := DBusError(errors.New("boom"))
	if name != "org.freedesktop.NetworkManager.Settings.Failed" || msg != "boom" {
		t.Errorf("%s %s", name, msg)
	}
}
