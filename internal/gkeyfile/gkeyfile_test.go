package gkeyfile

import (
	"bytes"
	"slices"
	"testing"
)

const sample = "# NetworkManager.conf\n[main]\nplugins = keyfile,ifupdown\n  dns=none  \n\n[connection]\nid=my \\s net\nid=second wins\ndns=1.1.1.1;8.8.8.8;\r\nlist=a\\;b;c;;\n\n[main]\nrc-manager=unmanaged\nkey[de]=Wert\n"

func TestParseGLibRules(t *testing.T) {
	f, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if names := []string{f.Groups()[0].Name, f.Groups()[1].Name}; len(f.Groups()) != 2 || !slices.Equal(names, []string{"main", "connection"}) {
		t.Fatalf("groups = %v", f.Groups())
	}
	m := f.Group("main")
	if got := m.Keys(); !slices.Equal(got, []string{"plugins", "dns", "rc-manager", "key[de]"}) {
		t.Errorf("main keys = %v (a repeated group must continue the first)", got)
	}
	if v, _ := m.Raw("plugins"); v != "keyfile,ifupdown" {
		t.Errorf("plugins = %q", v)
	}
	if v, _ := m.Raw("dns"); v != "none  " {
		t.Errorf("dns = %q, want trailing whitespace kept", v)
	}
	if c := m.Comment; !slices.Equal(c, []string{" NetworkManager.conf"}) {
		t.Errorf("comment = %q", c)
	}
	c := f.Group("connection")
	if v, _, err := c.String("id"); err != nil || v != "second wins" {
		t.Errorf("id = %q, %v; want the repeated key's last value", v, err)
	}
	if l, _, err := c.List("dns"); err != nil || !slices.Equal(l, []string{"1.1.1.1", "8.8.8.8"}) {
		t.Errorf("dns list = %q, %v", l, err)
	}
	if l, _, err := c.List("list"); err != nil || !slices.Equal(l, []string{"a;b", "c", ""}) {
		t.Errorf("escaped list = %q, %v", l, err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"key=before group\n",
		"[main]\nnot a pair\n",
		"[main\n",
		"[]\n",
		"[main]\n=value\n",
		"[main]\nk[de=x\n",
	} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", in)
		}
	}
}

func TestEscapes(t *testing.T) {
	for _, s := range []string{"", " leading", "tab\there", "new\nline", `back\slash`, "cr\r", "ünïcode"} {
		got, err := Unescape(Escape(s))
		if err != nil || got != s {
			t.Errorf("Unescape(Escape(%q)) = %q, %v", s, got, err)
		}
	}
	// GLib escapes every leading space, and only those.
	for in, want := range map[string]string{"  two  ": `\s\stwo  `, " a b": `\sa b`, "a  ": "a  "} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{`end\`, `\x`} {
		if _, err := Unescape(bad); err == nil {
			t.Errorf("Unescape(%q) succeeded, want an error", bad)
		}
	}
	l := []string{"a;b", `c\d`, " e"}
	got, err := SplitList(JoinList(l, ';'), ';')
	if err != nil || !slices.Equal(got, l) {
		t.Errorf("list round trip = %q, %v", got, err)
	}
	if j := JoinList([]string{"4.2.2.1", "4.2.2.2"}, ';'); j != "4.2.2.1;4.2.2.2;" {
		t.Errorf("JoinList = %q", j)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	f, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	out := f.Marshal()
	g, err := Parse(out)
	if err != nil {
		t.Fatalf("reparse: %v\n%s", err, out)
	}
	if !bytes.Equal(g.Marshal(), out) {
		t.Fatalf("marshal not stable:\n%s\n---\n%s", out, g.Marshal())
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("[connection]\nid=x\nuuid=y\n[ipv4]\naddress1=1.2.3.4/24,1.2.3.1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		kf, err := Parse(data)
		if err != nil {
			return
		}
		out := kf.Marshal()
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("output of Marshal does not parse: %v\n%q", err, out)
		}
		if !bytes.Equal(again.Marshal(), out) {
			t.Fatalf("Marshal not stable for %q", data)
		}
		for _, g := range kf.Groups() {
			for _, k := range g.Keys() {
				s, _, err := g.String(k)
				if err != nil {
					continue
				}
				if back, err := Unescape(Escape(s)); err != nil || back != s {
					t.Fatalf("escape round trip of %q = %q, %v", s, back, err)
				}
			}
		}
	})
}

// TestNULEndsLine checks GLib's C-string handling of NUL bytes: the rest
// of the line is ignored.
func TestNULEndsLine(t *testing.T) {
	f, err := Parse([]byte("[g]\n\x00=0\na=x\x00y\n"))
	if err != nil {
		t.Fatal(err)
	}
	if keys := f.Group("g").Keys(); len(keys) != 1 || keys[0] != "a" {
		t.Errorf("keys %q", keys)
	}
	if v, _ := f.Group("g").Raw("a"); v != "x" {
		t.Errorf("value %q", v)
	}
	if _, err := Parse([]byte("[g]\na\x00b=0\n")); err == nil {
		t.Error("key cut by NUL accepted")
	}
}
