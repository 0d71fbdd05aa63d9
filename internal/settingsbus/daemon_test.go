package settingsbus

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/testbed"
)

// gonm is the daemon in a namespace on a private bus, with a client.
type gonm struct {
	ns       *testbed.Netns
	d        *testbed.Daemon
	conn     *dbus.Conn
	settings dbus.BusObject
}

func start(t *testing.T, opts testbed.DaemonOptions) *gonm {
	t.Helper()
	keyfile.Owner = os.Getuid()
	ns := testbed.NewNetns(t)
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{})
	opts.Quiet = true
	// lo, the namespace's only link, would be shown connected externally
	// through a generated profile of its own; unmanaged, it leaves the
	// profile list to the tests.
	if opts.ConfD == nil {
		opts.ConfD = map[string]string{}
	}
	opts.ConfD["unmanaged-lo.conf"] = "[keyfile]\nunmanaged-devices=interface-name:lo\n"
	d := testbed.StartDaemon(t, ns, opts)
	conn := ns.Bus.Conn(t)
	// The tests watch signals from the end of start-up on.
	deadline := time.Now().Add(10 * time.Second)
	for {
		v, err := conn.Object(testbed.BusName, bus.PathManager).GetProperty("org.freedesktop.NetworkManager.Startup")
		if err == nil && v.Value() == false {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("start-up did not complete: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return &gonm{ns: ns, d: d, conn: conn, settings: conn.Object(testbed.BusName, bus.PathSettings)}
}

func v(x any) dbus.Variant { return dbus.MakeVariant(x) }

func eth(id, uuid string) setting.Dict {
	return setting.Dict{"connection": {"id": v(id), "uuid": v(uuid), "type": v("802-3-ethernet"), "interface-name": v("eth9")}}
}

const (
	uuid1 = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c01"
	uuid2 = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c02"
)

func (g *gonm) add(t *testing.T, method string, d setting.Dict) dbus.ObjectPath {
	t.Helper()
	var p dbus.ObjectPath
	if err := g.settings.Call(IfaceSettings+"."+method, 0, d).Store(&p); err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return p
}

func (g *gonm) props(t *testing.T, p dbus.ObjectPath) map[string]dbus.Variant {
	t.Helper()
	var all map[string]dbus.Variant
	if err := g.conn.Object(testbed.BusName, p).Call("org.freedesktop.DBus.Properties.GetAll", 0, IfaceConnection).Store(&all); err != nil {
		t.Fatal(err)
	}
	return all
}

func (g *gonm) list(t *testing.T) []dbus.ObjectPath {
	t.Helper()
	var paths []dbus.ObjectPath
	if err := g.settings.Call(IfaceSettings+".ListConnections", 0).Store(&paths); err != nil {
		t.Fatal(err)
	}
	return paths
}

func errName(err error) string {
	var de dbus.Error
	if errors.As(err, &de) {
		msg, _ := de.Body[0].(string)
		return de.Name + ": " + msg
	}
	if err == nil {
		return "ok"
	}
	return err.Error()
}

// signalLog collects the daemon's signals as "path member" lines.
type signalLog struct {
	ch chan *dbus.Signal
}

func (g *gonm) signals(t *testing.T) *signalLog {
	t.Helper()
	l := &signalLog{ch: make(chan *dbus.Signal, 100)}
	g.conn.Signal(l.ch)
	if err := g.conn.AddMatchSignal(dbus.WithMatchSender(testbed.BusName)); err != nil {
		t.Fatal(err)
	}
	return l
}

// next returns the signals that arrive within a short while.
func (l *signalLog) next() []string {
	var out []string
	timeout := time.After(500 * time.Millisecond)
	for {
		select {
		case s := <-l.ch:
			if s.Sender == "org.freedesktop.DBus" || s.Path == bus.PathManager {
				// NameAcquired for the client itself; the root object's
				// end of start-up.
				continue
			}
			line := fmt.Sprintf("%s %s", s.Path, s.Name[strings.LastIndexByte(s.Name, '.')+1:])
			switch s.Name {
			case "org.freedesktop.DBus.Properties.PropertiesChanged":
				var keys []string
				for k := range s.Body[1].(map[string]dbus.Variant) {
					keys = append(keys, k)
				}
				line += fmt.Sprint(" ", sorted(keys))
			case "org.freedesktop.DBus.ObjectManager.InterfacesAdded", "org.freedesktop.DBus.ObjectManager.InterfacesRemoved":
				line += fmt.Sprint(" ", s.Body[0])
			}
			out = append(out, line)
		case <-timeout:
			return out
		}
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// A profile's life over D-Bus: the signals come in NetworkManager's
// order, the properties follow where the profile lives, object numbers
// are never reused, and the object has only 1.42's members.
func TestProfileLifecycle(t *testing.T) {
	g := start(t, testbed.DaemonOptions{})
	sigs := g.signals(t)
	p := g.add(t, "AddConnectionUnsaved", eth("one", uuid1))
	const (
		s = "/org/freedesktop/NetworkManager/Settings"
		o = "/org/freedesktop"
	)
	want := []string{
		o + " InterfacesAdded " + s + "/1",
		s + " NewConnection",
		s + " PropertiesChanged [Connections]",
	}
	if got := sigs.next(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("add: signals\n%q\nwant\n%q", got, want)
	}
	all := g.props(t, p)
	if len(all) != 3 || all["Unsaved"].Value() != true || all["Flags"].Value() != uint32(1) ||
		all["Filename"].Value() != filepath.Join(g.d.RunDir, "system-connections", "one.nmconnection") {
		t.Errorf("in-memory profile: %v", all)
	}
	if err := g.conn.Object(testbed.BusName, p).Call(IfaceConnection+".Save", 0).Err; err != nil {
		t.Fatal(err)
	}
	want = []string{s + "/1 PropertiesChanged [Filename Flags Unsaved]", s + "/1 Updated"}
	if got := sigs.next(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("save: signals\n%q\nwant\n%q", got, want)
	}
	all = g.props(t, p)
	if all["Unsaved"].Value() != false || all["Flags"].Value() != uint32(0) ||
		all["Filename"].Value() != filepath.Join(g.d.ConnectionsDir, "one.nmconnection") {
		t.Errorf("saved profile: %v", all)
	}
	// An update without changes is still a commit: Updated again.
	if err := g.conn.Object(testbed.BusName, p).Call(IfaceConnection+".Update", 0, eth("one", uuid1)).Err; err != nil {
		t.Fatal(err)
	}
	if got := sigs.next(); fmt.Sprint(got) != fmt.Sprint([]string{s + "/1 Updated"}) {
		t.Errorf("update: signals %q", got)
	}
	if err := g.conn.Object(testbed.BusName, p).Call(IfaceConnection+".Delete", 0).Err; err != nil {
		t.Fatal(err)
	}
	want = []string{s + " PropertiesChanged [Connections]", s + "/1 Removed", s + " ConnectionRemoved",
		o + " InterfacesRemoved " + s + "/1"}
	if got := sigs.next(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("delete: signals\n%q\nwant\n%q", got, want)
	}
	if _, err := os.Stat(filepath.Join(g.d.ConnectionsDir, "one.nmconnection")); !os.IsNotExist(err) {
		t.Errorf("file left after Delete: %v", err)
	}
	if p2 := g.add(t, "AddConnection", eth("one", uuid1)); p2 != s+"/2" {
		t.Errorf("the same profile again got %s, want a new number", p2)
	}
	if err := g.conn.Object(testbed.BusName, p).Call(IfaceConnection+".GetSettings", 0).Err; !strings.HasPrefix(errName(err), "org.freedesktop.DBus.Error.UnknownMethod") {
		t.Errorf("the old object still answers: %v", err)
	}
}

// Files edited by hand are picked up by ReloadConnections and
// LoadConnections, and only then.
func TestHandEditedFiles(t *testing.T) {
	g := start(t, testbed.DaemonOptions{})
	file := filepath.Join(g.d.ConnectionsDir, "byhand.nmconnection")
	text := "[connection]\nid=byhand\nuuid=" + uuid2 + "\ntype=ethernet\n"
	if err := keyfile.WriteAtomic(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(g.list(t)); n != 0 {
		t.Fatalf("a new file was loaded before any reload (%d profiles)", n)
	}
	var ok bool
	if err := g.settings.Call(IfaceSettings+".ReloadConnections", 0).Store(&ok); err != nil || !ok {
		t.Fatalf("ReloadConnections: %v %v", ok, err)
	}
	paths := g.list(t)
	if len(paths) != 1 {
		t.Fatalf("after reload: %v", paths)
	}
	if err := keyfile.WriteAtomic(file, []byte(strings.Replace(text, "id=byhand", "id=edited", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	id := func() string {
		var d setting.Dict
		if err := g.conn.Object(testbed.BusName, paths[0]).Call(IfaceConnection+".GetSettings", 0).Store(&d); err != nil {
			t.Fatal(err)
		}
		return d["connection"]["id"].Value().(string)
	}
	if got := id(); got != "byhand" {
		t.Errorf("an edit showed before LoadConnections: %q", got)
	}
	var failures []string
	if err := g.settings.Call(IfaceSettings+".LoadConnections", 0, []string{file, "/elsewhere/x.nmconnection"}).Store(&ok, &failures); err != nil {
		t.Fatal(err)
	}
	if ok || fmt.Sprint(failures) != "[/elsewhere/x.nmconnection]" {
		t.Errorf("LoadConnections: %v %v", ok, failures)
	}
	if got := id(); got != "edited" {
		t.Errorf("after LoadConnections: %q", got)
	}
	os.Remove(file)
	if err := g.settings.Call(IfaceSettings+".LoadConnections", 0, []string{file}).Store(&ok, &failures); err != nil || !ok {
		t.Fatal(err)
	}
	if n := len(g.list(t)); n != 0 {
		t.Errorf("a removed file's profile stayed after LoadConnections: %d", n)
	}
}

// The static host name comes from the daemon's hostname file, follows it,
// and SaveHostname writes it.
func TestHostname(t *testing.T) {
	g := start(t, testbed.DaemonOptions{})
	sigs := g.signals(t)
	hostname := func() string {
		v, err := g.settings.GetProperty(IfaceSettings + ".Hostname")
		if err != nil {
			t.Fatal(err)
		}
		return v.Value().(string)
	}
	if h := hostname(); h != testbed.TestHostname {
		t.Errorf("Hostname %q", h)
	}
	if err := g.settings.Call(IfaceSettings+".SaveHostname", 0, "saved.example").Err; err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(g.d.HostnameFile); string(data) != "saved.example\n" {
		t.Errorf("hostname file %q", data)
	}
	if h := hostname(); h != "saved.example" {
		t.Errorf("Hostname after SaveHostname %q", h)
	}
	if got := sigs.next(); fmt.Sprint(got) != "["+string(bus.PathSettings)+" PropertiesChanged [Hostname]]" {
		t.Errorf("signals %q", got)
	}
	if err := os.WriteFile(g.d.HostnameFile, []byte("by-hand\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for hostname() != "by-hand" {
		if time.Now().After(deadline) {
			t.Fatalf("an edited hostname file was not noticed: %q", hostname())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for name, want := range map[string]string{
		"no spaces":                  bus.SettingsInvalidHostname + ": The hostname was too long or contained invalid characters",
		strings.Repeat("x", 65):      bus.SettingsInvalidHostname + ": The hostname was too long or contained invalid characters",
		"":                           "ok",
		"dot.separated-labels_under": "ok",
	} {
		if got := errName(g.settings.Call(IfaceSettings+".SaveHostname", 0, name).Err); got != want {
			t.Errorf("SaveHostname(%q): %s, want %s", name, got, want)
		}
	}
}

// GetSettings reports the last activation time kept in the state
// directory's timestamps database; deleting the profile forgets it.
func TestTimestamps(t *testing.T) {
	dir := testbed.TempDir(t)
	for _, sub := range []string{"lib", "system-connections"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "lib", "timestamps"), []byte("[timestamps]\n"+uuid1+"=1700000000\n"+uuid2+"=1600000000\n"), 0o644)
	keyfile.WriteAtomic(filepath.Join(dir, "system-connections", "ts.nmconnection"),
		[]byte("[connection]\nid=ts\nuuid="+uuid1+"\ntype=ethernet\n"), 0o600)
	g := start(t, testbed.DaemonOptions{Dir: dir})
	paths := g.list(t)
	if len(paths) != 1 {
		t.Fatalf("profiles %v", paths)
	}
	var d setting.Dict
	if err := g.conn.Object(testbed.BusName, paths[0]).Call(IfaceConnection+".GetSettings", 0).Store(&d); err != nil {
		t.Fatal(err)
	}
	if ts := d["connection"]["timestamp"].Value(); ts != uint64(1700000000) {
		t.Errorf("timestamp %v", ts)
	}
	if err := g.conn.Object(testbed.BusName, paths[0]).Call(IfaceConnection+".Delete", 0).Err; err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "lib", "timestamps")); string(data) != "[timestamps]\n"+uuid2+"=1600000000\n" {
		t.Errorf("timestamps after Delete: %q", data)
	}
}

// slowAgent answers GetSecrets only when told, and records cancels.
type slowAgent struct {
	mu      sync.Mutex
	got     chan string
	release chan struct{}
}

func (a *slowAgent) GetSecrets(conn map[string]map[string]dbus.Variant, path dbus.ObjectPath, name string, hints []string, flags uint32) (map[string]map[string]dbus.Variant, *dbus.Error) {
	a.got <- "GetSecrets " + name
	<-a.release
	return map[string]map[string]dbus.Variant{name: {"psk": v("late answer")}}, nil
}

func (a *slowAgent) CancelGetSecrets(path dbus.ObjectPath, name string) *dbus.Error {
	a.got <- "CancelGetSecrets " + name
	return nil
}

func (a *slowAgent) SaveSecrets(map[string]map[string]dbus.Variant, dbus.ObjectPath) *dbus.Error {
	a.got <- "SaveSecrets"
	return nil
}

func (a *slowAgent) DeleteSecrets(map[string]map[string]dbus.Variant, dbus.ObjectPath) *dbus.Error {
	a.got <- "DeleteSecrets"
	return nil
}

// A profile deleted while an agent works on its secrets: the agent is
// told to stop, the caller gets NetworkManager's error, and an agent that
// disappears is never asked again.
func TestSecretsRequestOutlivesProfile(t *testing.T) {
	g := start(t, testbed.DaemonOptions{})
	agentConn := g.ns.Bus.Conn(t)
	a := &slowAgent{got: make(chan string, 10), release: make(chan struct{})}
	if err := agentConn.Export(a, "/org/freedesktop/NetworkManager/SecretAgent", "org.freedesktop.NetworkManager.SecretAgent"); err != nil {
		t.Fatal(err)
	}
	if err := agentConn.Object(testbed.BusName, bus.PathAgentManager).Call("org.freedesktop.NetworkManager.AgentManager.Register", 0, "org.gonm.slow").Err; err != nil {
		t.Fatal(err)
	}
	wifi := setting.Dict{
		"connection":               {"id": v("w"), "uuid": v(uuid1), "type": v("802-11-wireless")},
		"802-11-wireless":          {"ssid": v([]byte("net"))},
		"802-11-wireless-security": {"key-mgmt": v("wpa-psk"), "psk-flags": v(uint32(1))},
	}
	p := g.add(t, "AddConnection", wifi)
	expect := func(want string) {
		t.Helper()
		select {
		case got := <-a.got:
			if got != want {
				t.Errorf("agent got %q, want %q", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("agent never got %q", want)
		}
	}
	expect("SaveSecrets")
	done := make(chan error, 1)
	go func() {
		done <- g.conn.Object(testbed.BusName, p).Call(IfaceConnection+".GetSecrets", 0, "802-11-wireless-security").Err
	}()
	expect("GetSecrets 802-11-wireless-security")
	if err := g.conn.Object(testbed.BusName, p).Call(IfaceConnection+".Delete", 0).Err; err != nil {
		t.Fatal(err)
	}
	if err := <-done; errName(err) != "org.gtk.GDBus.UnmappedGError.Quark._nm_2dutils_2derror_2dquark.Code1: Disposing NMSettingsConnection instance" {
		t.Errorf("GetSecrets of a deleted profile: %v", err)
	}
	got := []string{<-a.got, <-a.got}
	if !strings.Contains(fmt.Sprint(got), "CancelGetSecrets 802-11-wireless-security") || !strings.Contains(fmt.Sprint(got), "DeleteSecrets") {
		t.Errorf("agent after Delete: %q", got)
	}
	close(a.release)

	// The agent leaves; nobody is left to ask.
	agentConn.Close()
	p = g.add(t, "AddConnection", wifi)
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := g.conn.Object(testbed.BusName, p).Call(IfaceConnection+".GetSecrets", 0, "802-11-wireless-security").Err
		if errName(err) == bus.AgentManagerNoSecrets+": No agents were available for this request." {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GetSecrets after the agent left: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// connection.permissions: a user not listed sees the profile in the list
// but cannot read it; root always can.
func TestPermissionsACL(t *testing.T) {
	if _, err := exec.LookPath("gdbus"); err != nil {
		t.Skip("gdbus not installed")
	}
	g := start(t, testbed.DaemonOptions{})
	d := eth("root only", uuid1)
	d["connection"]["permissions"] = v([]string{"user:root"})
	p := g.add(t, "AddConnection", d)
	if err := g.conn.Object(testbed.BusName, p).Call(IfaceConnection+".GetSettings", 0).Err; err != nil {
		t.Errorf("root: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for method, want := range map[string]string{
		"org.freedesktop.NetworkManager.Settings.Connection.GetSettings": "GDBus.Error:org.freedesktop.NetworkManager.Settings.PermissionDenied: uid 65534 has no permission to perform this operation",
		"org.freedesktop.NetworkManager.Settings.ListConnections":        "([objectpath '" + string(p) + "'],)",
	} {
		path := string(p)
		if strings.HasSuffix(method, "ListConnections") {
			path = string(bus.PathSettings)
		}
		cmd := testbed.AsUser(g.ns.Command(ctx, "gdbus", "call", "--system", "--dest", testbed.BusName, "--object-path", path, "--method", method), testbed.Nobody, testbed.Nobody)
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), want) {
			t.Errorf("%s as nobody: %s, want %s", method, out, want)
		}
	}
}
