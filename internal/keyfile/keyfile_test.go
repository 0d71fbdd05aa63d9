package keyfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonm/gonm/internal/gkeyfile"
	"github.com/gonm/gonm/internal/setting"
)

func TestEncodeKey(t *testing.T) {
	for _, tc := range []struct{ name, key string }{
		{"", `\00`},
		{"plain", "plain"},
		{" ", `\20`},
		{" lead", `\20lead`},
		{"trail ", `trail\20`},
		{"in side", "in side"},
		{"a=b", `a\3Db`},
		{"[x]", `\5Bx\5D`},
		{`back\slash`, `back\slash`},
		{`hex\41`, `hex\5C41`},
		{"ü", `\C3\BC`},
		{"tab\t", `tab\09`},
	} {
		if got := EncodeKey(tc.name); got != tc.key {
			t.Errorf("EncodeKey(%q) = %q, want %q", tc.name, got, tc.key)
		}
		if got := DecodeKey(tc.key); got != tc.name {
			t.Errorf("DecodeKey(%q) = %q, want %q", tc.key, got, tc.name)
		}
	}
	// Decoding is lenient: "\00" inside a key and stray backslashes stay.
	for key, want := range map[string]string{`a\00b`: `a\00b`, `a\zz`: `a\zz`, `a\4`: `a\4`} {
		if got := DecodeKey(key); got != want {
			t.Errorf("DecodeKey(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestFilenames(t *testing.T) {
	for _, tc := range []struct {
		id      string
		ext     bool
		want    string
		ignored bool
	}{
		{"Wired connection 1", true, "Wired connection 1.nmconnection", false},
		{"a/b/../c", true, "a_b_.._c.nmconnection", false},
		{".hidden", true, "_hidden.nmconnection", false},
		{"backup~", false, "backup_", false},
		{"a/b", false, "a*b", false},
		{"cert.pem", false, "cert.pem_", false},
		{"tmp.abcDEF", false, "tmp.abcDEF_", false},
		{"ünïcode", true, "ünïcode.nmconnection", false},
	} {
		got := CreateFilename(tc.id, tc.ext)
		if got != tc.want {
			t.Errorf("CreateFilename(%q, %v) = %q, want %q", tc.id, tc.ext, got, tc.want)
		}
		if strings.Contains(got, "/") {
			t.Errorf("CreateFilename(%q) contains a slash", tc.id)
		}
		if IgnoreFilename(got, tc.ext) {
			t.Errorf("IgnoreFilename(%q) is true for a created name", got)
		}
	}
	for name, req := range map[string]bool{
		".x.nmconnection": true, "x": true, "x.nmconnection~": false, "x.pem": false, "X.DER": false,
		"f.a1B2c3": false, ".nmconnection": true, "": false,
	} {
		if !IgnoreFilename("/dir/"+name, req) {
			t.Errorf("IgnoreFilename(%q, %v) = false", name, req)
		}
	}
	if IgnoreFilename("/etc/x", false) || IgnoreFilename("/run/x.nmconnection", true) {
		t.Error("plain profile names are ignored")
	}
	u := "0f1e2d3c-4b5a-4968-8776-655443322110"
	if NMMetaUUID("/run/"+u+".nmmeta") != u || NMMetaUUID("/run/x.nmmeta") != "" ||
		NMMetaUUID("/run/"+strings.ToUpper(u)+".nmmeta") != "" {
		t.Error("NMMetaUUID")
	}
}

func TestParseAttributes(t *testing.T) {
	route := setting.RouteAttrSpec
	got, err := setting.ParseAttributes("mtu=1400,table=10,lock-mtu=true,src=1.2.3.4", ',', '=', true, route)
	if err != nil || len(got) != 4 || got["mtu"].Value() != uint32(1400) || got["lock-mtu"].Value() != true {
		t.Fatalf("route options: %v %v", got, err)
	}
	// An unknown name swallows what follows it (NetworkManager does the
	// same), so "mtu" is lost here.
	got, err = setting.ParseAttributes("foo=1,mtu=1400", ',', '=', true, route)
	if err != nil || len(got) != 0 {
		t.Fatalf("unknown first: %v %v", got, err)
	}
	got, _ = setting.ParseAttributes("mtu=1400,foo=1", ',', '=', true, route)
	if len(got) != 1 {
		t.Fatalf("unknown last: %v", got)
	}
	for _, bad := range []string{"mtu=x", "mtu=-1", "mtu", `mtu=1\`, "lock-mtu=maybe"} {
		if _, err := setting.ParseAttributes(bad, ',', '=', true, route); err == nil {
			t.Errorf("setting.ParseAttributes(%q) accepted", bad)
		}
	}
	// Escapes in values.
	got, err = setting.ParseAttributes(`type=uni\,cast`, ',', '=', true, route)
	if err != nil || got["type"].Value() != "uni,cast" {
		t.Errorf("escaped value: %v %v", got, err)
	}
	// tc-style: same separator for attributes and values.
	got, err = setting.ParseAttributes("parent 1: handle 2: sfq perturb 10", ' ', ' ', false, setting.TCObjectSpec)
	if err != nil || got["parent"].Value() != "1:" || got["handle"].Value() != "2:" || got["kind"].Value() != "sfq" || got[""].Value() != "perturb 10" {
		t.Errorf("tc: %v %v", got, err)
	}
	if s := setting.FormatAttributes(got, setting.TCObjectSpec, ' ', ' '); !strings.Contains(s, "handle 2:") {
		t.Errorf("format: %q", s)
	}
}

func readText(t *testing.T, text string) (*setting.Connection, []Warning) {
	t.Helper()
	kf, err := gkeyfile.Parse([]byte(text))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var warns []Warning
	c := Read(kf, ReadOptions{BaseDir: "/cert-dir", Warn: func(w Warning) { warns = append(warns, w) }, Exists: func(string) bool { return false }})
	return c, warns
}

func hasWarning(ws []Warning, sub string) bool {
	for _, w := range ws {
		if strings.Contains(w.String(), sub) {
			return true
		}
	}
	return false
}

// TestReadBadValues covers the classes of bad input a keyfile can hold:
// each value is dropped with a warning and the rest of the profile stays.
func TestReadBadValues(t *testing.T) {
	c, ws := readText(t, `[connection]
id=x
type=ethernet
autoconnect=maybe
autoconnect-priority=99999
mtu=1
[ethernet]
mtu=abc
mac-address=zz:zz
[ipv4]
method=manual
address1=1.2.3.400/24
address2=1.2.3.4/99
address3=1.2.3.5/24
address4=1.2.3.4/24,garbage!
route1=10.0.0.0/8,not-a-gw
route2=10.0.0.0/8,,1,2,3
dns=1.1.1.1;nonsense;
routing-rule1=priority 5 from 1.2.3.4 table 7
routing-rule2=what is this
[ipv6]
addr-gen-mode=weird
[bond]
mode=nonsense
miimon=100
[bogus]
x=1
`)
	con := c.Setting("connection")
	if con.IsSet("autoconnect") || con.IsSet("autoconnect-priority") || c.ID() != "x" {
		t.Errorf("bad connection values kept: %v", con.SetValues())
	}
	eth := c.Setting("802-3-ethernet")
	if eth.IsSet("mtu") || eth.IsSet("mac-address") {
		t.Errorf("bad ethernet values kept: %v", eth.SetValues())
	}
	ip4 := c.Setting("ipv4")
	addrs := ip4.Addresses()
	if len(addrs) != 2 || addrs[0].String() != "1.2.3.4/24" || addrs[1].String() != "1.2.3.5/24" {
		t.Errorf("addresses: %v", addrs)
	}
	if len(ip4.Routes()) != 0 {
		t.Errorf("routes: %v", ip4.Routes())
	}
	if dns := ip4.Strv("dns"); len(dns) != 1 || dns[0] != "1.1.1.1" {
		t.Errorf("dns: %v", dns)
	}
	if rr := ip4.RoutingRules(); len(rr) != 1 {
		t.Errorf("routing rules: %v", rr)
	}
	if m := c.Setting("ipv6").Int32("addr-gen-mode"); m != setting.AddrGenModeDefaultEUI64 {
		t.Errorf("addr-gen-mode: %d", m)
	}
	if opts := c.Setting("bond").StrDict("options"); opts["miimon"] != "100" || opts["mode"] == "nonsense" {
		t.Errorf("bond options: %v", opts)
	}
	if c.Has("bogus") {
		t.Error("unknown setting kept")
	}
	for _, want := range []string{
		"connection.autoconnect: invalid setting",
		"ethernet/802-3-ethernet.mac-address: ignoring invalid MAC address",
		"ignoring invalid IPv4 address",
		"invalid prefix length for address2",
		"unexpected character 'g' for address4: '1.2.3.4/24,garbage!' (position 0)",
		"unexpected character 'n' for route1",
		"garbage at the end of value route2",
		"ignoring invalid DNS server IPv4 address 'nonsense'",
		"invalid value for \"routing-rule2\"",
		"ipv6.addr-gen-mode: invalid option 'weird'",
		"ignoring invalid bond option \"mode\"",
		"bogus: invalid setting name 'bogus'",
	} {
		if !hasWarning(ws, want) {
			t.Errorf("no warning %q in %v", want, ws)
		}
	}
}

func TestReadLegacyForms(t *testing.T) {
	data, err := os.ReadFile("testdata/profiles/legacy-formats.nmconnection")
	if err != nil {
		t.Fatal(err)
	}
	c, ws := readText(t, string(data))
	eth := c.Setting("802-3-ethernet")
	if eth.Str("mac-address") != "00:11:22:33:44:55" {
		t.Errorf("mac from byte list: %q", eth.Str("mac-address"))
	}
	if c.InterfaceName() != "eth7" {
		t.Errorf("interface-name from the type group: %q", c.InterfaceName())
	}
	ip4 := c.Setting("ipv4")
	if a := ip4.Addresses(); len(a) != 2 || a[0].String() != "192.168.7.5/24" || a[1].String() != "10.1.1.1/24" {
		t.Errorf("addresses: %v", a)
	}
	if ip4.Str("gateway") != "192.168.7.1" {
		t.Errorf("gateway: %q", ip4.Str("gateway"))
	}
	if r := ip4.Routes(); len(r) != 2 || r[0].Metric != 5 || r[1].Metric != 7 {
		t.Errorf("routes: %v", r)
	}
	ip6 := c.Setting("ipv6")
	if r := ip6.Routes(); len(r) != 1 || r[0].Metric != 12 || r[0].Attrs["mtu"].Value() != uint32(1280) {
		t.Errorf("ipv6 route with the metric in the gateway place: %+v", r)
	}
	if !hasWarning(ws, "deprecated semicolon") || !hasWarning(ws, "missing prefix length") {
		t.Errorf("warnings: %v", ws)
	}
	if _, verr := c.Normalize(); verr != nil {
		t.Fatalf("normalize: %v", verr)
	}
	if c.Type() != "802-3-ethernet" {
		t.Errorf("type alias: %q", c.Type())
	}
}

func TestSecretsWrittenOnlyWhenKept(t *testing.T) {
	c, _ := readText(t, `[connection]
id=w
uuid=0f1e2d3c-4b5a-4968-8776-655443322111
type=wifi
[wifi]
ssid=a;b
[wifi-security]
key-mgmt=wpa-psk
psk=12345678
[802-1x]
eap=peap;
identity=me
password=pw
password-flags=1
phase2-auth=mschapv2
[ipv4]
method=auto
`)
	text := string(Write(c, WriteOptions{}).File.Marshal())
	if !strings.Contains(text, "psk=12345678") {
		t.Errorf("kept secret not written:\n%s", text)
	}
	if strings.Contains(text, "password=pw") || !strings.Contains(text, "password-flags=1") {
		t.Errorf("agent-owned secret written:\n%s", text)
	}
	if !strings.Contains(text, `ssid=a\\;b`) {
		t.Errorf("ssid with ';':\n%s", text)
	}
}

func TestCertificateBlobs(t *testing.T) {
	dir := t.TempDir()
	c, _ := readText(t, `[connection]
id=t
uuid=0f1e2d3c-4b5a-4968-8776-655443322112
type=ethernet
[802-1x]
eap=tls;
identity=me
ca-cert=data:;base64,LS0tLS1CRUdJTg==
client-cert=/abs/client.pem
private-key=key.pem
private-key-password=x
[ipv4]
method=auto
`)
	s := c.Setting("802-1x")
	if string(s.Bytes("ca-cert")) != "-----BEGIN" {
		t.Errorf("blob: %q", s.Bytes("ca-cert"))
	}
	if string(s.Bytes("private-key")) != "file:///cert-dir/key.pem\x00" {
		t.Errorf("relative path: %q", s.Bytes("private-key"))
	}
	w := Write(c, WriteOptions{KeyfileDir: dir})
	blob := filepath.Join(dir, "0f1e2d3c-4b5a-4968-8776-655443322112-ca-cert.pem")
	if string(w.Blobs[blob]) != "-----BEGIN" {
		t.Errorf("blobs: %v", w.Blobs)
	}
	text := string(w.File.Marshal())
	if !strings.Contains(text, "ca-cert=0f1e2d3c-4b5a-4968-8776-655443322112-ca-cert.pem\n") ||
		!strings.Contains(text, "client-cert=/abs/client.pem\n") {
		t.Errorf("cert values:\n%s", text)
	}
	inline := string(Write(c, WriteOptions{}).File.Marshal())
	if !strings.Contains(inline, "ca-cert=data:;base64,LS0tLS1CRUdJTg==\n") {
		t.Errorf("inline blob:\n%s", inline)
	}
}

func TestReadFilePermissionsAndFallbacks(t *testing.T) {
	dir := t.TempDir()
	body := "[connection]\ntype=ethernet\n[ipv4]\nmethod=auto\n"
	path := filepath.Join(dir, "My Profile.nmconnection")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	Owner = os.Getuid()
	if _, err := ReadFile(path, "", nil); err == nil || !strings.Contains(err.Error(), "File permissions (100644) are insecure") {
		t.Errorf("world-readable file: %v", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := ReadFile(path, "/etc/NetworkManager/system-connections", nil)
	if err != nil {
		t.Fatal(err)
	}
	if l.Conn.ID() != "My Profile" {
		t.Errorf("id fallback: %q", l.Conn.ID())
	}
	want := setting.UUIDFromStrings("keyfile", "/etc/NetworkManager/system-connections/My Profile.nmconnection")
	if l.Conn.UUID() != want {
		t.Errorf("uuid fallback %q, want %q", l.Conn.UUID(), want)
	}
	if _, err := ReadFile(dir, "", nil); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: %v", err)
	}
	bad := filepath.Join(dir, "bad.nmconnection")
	os.WriteFile(bad, []byte("[connection]\nid=x\ntype=ethernet\nuuid=nope\n"), 0o600)
	if _, err := ReadFile(bad, "", nil); err == nil || !strings.HasPrefix(err.Error(), "invalid connection: connection.uuid:") {
		t.Errorf("invalid profile: %v", err)
	}
	garbage := filepath.Join(dir, "garbage.nmconnection")
	os.WriteFile(garbage, []byte("no group here\n"), 0o600)
	if _, err := ReadFile(garbage, "", nil); err == nil {
		t.Error("unparsable file loaded")
	}
}

func TestWriteAtomicAndNMMeta(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.nmconnection")
	if err := WriteAtomic(p, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(p, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	fi, _ := os.Stat(p)
	if string(b) != "two" || fi.Mode().Perm() != 0o600 {
		t.Errorf("content %q mode %v", b, fi.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	u := "0f1e2d3c-4b5a-4968-8776-655443322110"
	path, err := WriteNMMeta(dir, u, NMMetaNull, "")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadNMMeta(path)
	if err != nil || m.LoadedPath != NMMetaNull || m.UUID != u {
		t.Fatalf("tombstone: %+v %v", m, err)
	}
	if _, err := WriteNMMeta(dir, u, "/usr/lib/x.nmconnection", "/etc/y.nmconnection"); err != nil {
		t.Fatal(err)
	}
	m, err = ReadNMMeta(path)
	if err != nil || m.LoadedPath != "/usr/lib/x.nmconnection" || m.ShadowedStorage != "/etc/y.nmconnection" {
		t.Fatalf("nmmeta keyfile: %+v %v", m, err)
	}
	if _, err := WriteNMMeta(dir, u, "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !os.IsNotExist(err) {
		t.Errorf("nmmeta not removed: %v", err)
	}
}
