package format

import (
	"bytes"
	"strings"
	"testing"
)

// The expected outputs below are NetworkManager 1.42's nmcli's, recorded
// from the reference (the same data gives the same layout).

type dev struct{ name, typ string }

var devFields = []*Field{
	{Name: "DEVICE", Get: func(t any, _ GetType) Value { return Str(t.(dev).name) }},
	{Name: "TYPE", Get: func(t any, _ GetType) Value { return Str(t.(dev).typ) }},
	{Name: "STATE", Get: func(t any, _ GetType) Value { return Null() }},
}

var devs = []any{
	dev{"eth3", "ethernet"}, dev{"eth1", "ethernet"}, dev{"eth2", "ethernet"}, dev{"lo", "loopback"},
	dev{"br0", "bridge"}, dev{"eth4", "ethernet"}, dev{"eth5", "ethernet"}, dev{"eth6", "ethernet"},
}

func printTable(t *testing.T, cfg Config, targets []any, header string, fields []*Field, spec string) string {
	t.Helper()
	var b bytes.Buffer
	p := &Printer{Cfg: &cfg, W: &b}
	if cfg.JSON {
		p.StartJSON()
	}
	if err := p.PrintTable(targets, header, fields, SpecOf(spec)); err != nil {
		t.Fatalf("PrintTable: %v", err)
	}
	if err := p.FinishJSON(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestTabular(t *testing.T) {
	got := printTable(t, Config{Output: Normal}, devs[:2], "Status of devices", devFields, "DEVICE,TYPE")
	want := "DEVICE  TYPE     \neth3    ethernet \neth1    ethernet \n"
	if got != want {
		t.Errorf("normal:\ngot  %q\nwant %q", got, want)
	}
	got = printTable(t, Config{Output: PrettyOutput}, devs, "Status of devices", devFields, "DEVICE,TYPE")
	want = "=====================\n  Status of devices\n=====================\n" +
		"DEVICE  TYPE     \n" + strings.Repeat("-", 39) + "\n" +
		"eth3    ethernet \neth1    ethernet \neth2    ethernet \nlo      loopback \n" +
		"br0     bridge   \neth4    ethernet \neth5    ethernet \neth6    ethernet \n"
	if got != want {
		t.Errorf("pretty:\ngot  %q\nwant %q", got, want)
	}
	// A missing value is "--" for people and empty for scripts.
	got = printTable(t, Config{Output: Normal}, devs[:1], "", devFields, "DEVICE,STATE")
	if want := "DEVICE  STATE \neth3    --    \n"; got != want {
		t.Errorf("null:\ngot  %q\nwant %q", got, want)
	}
	got = printTable(t, Config{Output: Terse, Escape: true}, devs[:1], "", devFields, "DEVICE,STATE")
	if want := "eth3:\n"; got != want {
		t.Errorf("terse null:\ngot  %q\nwant %q", got, want)
	}
}

var nameField = []*Field{
	{Name: "NAME", Get: func(t any, _ GetType) Value { return Str(t.(string)) }},
	{Name: "DEVICE", Get: func(t any, _ GetType) Value { return Str("eth2") }},
}

func TestWideCharactersAndEscaping(t *testing.T) {
	names := []any{"dhcp-eth3", "many:addrs\\eth2", "Ünïcødé café 名前"}
	got := printTable(t, Config{Output: Normal}, names, "", nameField, "NAME,DEVICE")
	// 名前 takes four columns: the column is 17 wide.
	want := "NAME               DEVICE \ndhcp-eth3          eth2   \nmany:addrs\\eth2    eth2   \nÜnïcødé café 名前  eth2   \n"
	if got != want {
		t.Errorf("widths:\ngot  %q\nwant %q", got, want)
	}
	got = printTable(t, Config{Output: Terse, Escape: true}, names[1:2], "", nameField, "NAME,DEVICE")
	if want := "many\\:addrs\\\\eth2:eth2\n"; got != want {
		t.Errorf("terse escaping:\ngot  %q\nwant %q", got, want)
	}
	got = printTable(t, Config{Output: Terse, Escape: false}, names[1:2], "", nameField, "NAME,DEVICE")
	if want := "many:addrs\\eth2:eth2\n"; got != want {
		t.Errorf("terse without escaping:\ngot  %q\nwant %q", got, want)
	}
	// A single field is escaped too.
	got = printTable(t, Config{Output: Terse, Escape: true}, names[1:2], "", nameField, "NAME")
	if want := "many\\:addrs\\\\eth2\n"; got != want {
		t.Errorf("terse single field:\ngot  %q\nwant %q", got, want)
	}
}

func TestMultiline(t *testing.T) {
	uuidField := []*Field{
		{Name: "NAME", Get: func(t any, _ GetType) Value { return Str(t.(dev).name) }},
		{Name: "UUID", Get: func(t any, _ GetType) Value { return Str(t.(dev).typ) }},
	}
	recs := []any{dev{"dhcp-eth3", "5f8f0b1e-0000-4000-8000-000000000008"}, dev{"static-eth1", "5f8f0b1e-0000-4000-8000-000000000001"}}
	got := printTable(t, Config{Output: Normal, Multiline: true}, recs, "NetworkManager connection profiles", uuidField, "NAME,UUID")
	want := "NAME:                                   dhcp-eth3\n" +
		"UUID:                                   5f8f0b1e-0000-4000-8000-000000000008\n" +
		"NAME:                                   static-eth1\n" +
		"UUID:                                   5f8f0b1e-0000-4000-8000-000000000001\n"
	if got != want {
		t.Errorf("multiline:\ngot  %q\nwant %q", got, want)
	}
	got = printTable(t, Config{Output: PrettyOutput, Multiline: true}, recs, "NetworkManager connection profiles", uuidField, "NAME,UUID")
	want = strings.Repeat("=", 79) + "\n" + strings.Repeat(" ", 22) + "NetworkManager connection profiles\n" + strings.Repeat("=", 79) + "\n" +
		"NAME:                                   dhcp-eth3\n" +
		"UUID:                                   5f8f0b1e-0000-4000-8000-000000000008\n" +
		strings.Repeat("-", 79) + "\n" +
		"NAME:                                   static-eth1\n" +
		"UUID:                                   5f8f0b1e-0000-4000-8000-000000000001\n"
	if !strings.HasPrefix(got, want) {
		t.Errorf("pretty multiline:\ngot  %q\nwant %q", got, want)
	}
	got = printTable(t, Config{Output: Terse, Multiline: true, Escape: true}, recs[:1], "", uuidField, "NAME")
	if want := "NAME:dhcp-eth3\n"; got != want {
		t.Errorf("terse multiline:\ngot  %q\nwant %q", got, want)
	}
}

var ipFields = []*Field{
	{Name: "DEVICE", Get: func(t any, _ GetType) Value { return Str("eth1") }},
	{Name: "IP4", Nested: []*Field{
		{Name: "ADDRESS", Get: func(t any, _ GetType) Value { return Strv([]string{"192.0.2.10/24", "192.0.2.11/24"}) }},
		{Name: "GATEWAY", Get: func(t any, _ GetType) Value { return Null() }},
		{Name: "DNS", Get: func(t any, _ GetType) Value { return Strv(nil) }},
	}},
}

func TestSectionsAndLists(t *testing.T) {
	got := printTable(t, Config{Output: Normal, Multiline: true}, []any{0}, "", ipFields, "DEVICE,IP4")
	want := "DEVICE:                                 eth1\n" +
		"IP4.ADDRESS[1]:                         192.0.2.10/24\n" +
		"IP4.ADDRESS[2]:                         192.0.2.11/24\n" +
		"IP4.GATEWAY:                            --\n"
	if got != want {
		t.Errorf("multiline lists:\ngot  %q\nwant %q", got, want)
	}
	got = printTable(t, Config{Output: Terse}, []any{0}, "", ipFields, "IP4.ADDRESS")
	if want := "192.0.2.10/24 | 192.0.2.11/24\n"; got != want {
		t.Errorf("tabular list:\ngot  %q\nwant %q", got, want)
	}
	got = printTable(t, Config{JSON: true}, []any{0}, "", ipFields, "DEVICE,IP4")
	want = "[\n  {\n    \"DEVICE\": \"eth1\",\n    \"IP4\": {\n      \"ADDRESS\": [\n        \"192.0.2.10/24\",\n" +
		"        \"192.0.2.11/24\"\n      ],\n      \"GATEWAY\": null,\n      \"DNS\": []\n    }\n  }\n]\n"
	if got != want {
		t.Errorf("json:\ngot  %s\nwant %s", got, want)
	}
}

func TestJSONRecords(t *testing.T) {
	var b bytes.Buffer
	p := &Printer{Cfg: &Config{JSON: true}, W: &b}
	p.StartJSON()
	p.BeginRecord()
	// Two one-field tables of the same section join in one object.
	for _, spec := range []string{"IP4.ADDRESS", "IP4.GATEWAY"} {
		if err := p.PrintTable([]any{0}, "", ipFields, SpecOf(spec)); err != nil {
			t.Fatal(err)
		}
	}
	p.EndRecord()
	if err := p.FinishJSON(); err != nil {
		t.Fatal(err)
	}
	want := "[\n  {\n    \"IP4\": {\n      \"ADDRESS\": [\n        \"192.0.2.10/24\",\n        \"192.0.2.11/24\"\n      ],\n      \"GATEWAY\": null\n    }\n  }\n]\n"
	if b.String() != want {
		t.Errorf("got %s\nwant %s", b.String(), want)
	}

	// Without any table there is no document.
	b.Reset()
	p.StartJSON()
	if err := p.FinishJSON(); err != nil || b.Len() != 0 {
		t.Errorf("empty document: %q, %v", b.String(), err)
	}
	// A list command prints an empty list.
	p.StartJSON()
	p.JSONList()
	if err := p.FinishJSON(); err != nil || b.String() != "[]\n" {
		t.Errorf("empty list: %q, %v", b.String(), err)
	}
}

func TestSelectionErrors(t *testing.T) {
	for _, tc := range []struct{ spec, err string }{
		{"bogus", "invalid field 'bogus'; allowed fields: DEVICE,IP4"},
		{"IP4.foo", "invalid field 'IP4.foo'; allowed fields: IP4.ADDRESS,IP4.GATEWAY,IP4.DNS"},
		{"all,DEVICE", "field 'all' has to be alone"},
		{"DEVICE,common", "field 'common' has to be alone"},
		{"DEVICE.x", "invalid field 'DEVICE.x'; no fields"},
	} {
		_, err := ParseSelection(ipFields, SpecOf(tc.spec), true)
		if err == nil || err.Error() != tc.err {
			t.Errorf("%q: got %v, want %q", tc.spec, err, tc.err)
		}
	}
	// Case does not matter, blanks around names are dropped, empty parts
	// are skipped.
	sel, err := ParseSelection(ipFields, SpecOf(" device ,, ip4.address"), true)
	if err != nil || len(sel) != 2 || sel[0].Idx != 0 || sel[1].Idx != 1 || sel[1].Sub != "address" {
		t.Errorf("got %+v, %v", sel, err)
	}
}

func TestScreenWidth(t *testing.T) {
	for s, w := range map[string]int{
		"":                  0,
		"eth0":              4,
		"Ünïcødé café 名前":   17,
		"e\u0301":           1, // combining acute accent
		"\x1b[32mok\x1b[0m": 2,
		"한국어":               6,
	} {
		if got := ScreenWidth(s); got != w {
			t.Errorf("ScreenWidth(%q) = %d, want %d", s, got, w)
		}
	}
}

func TestColors(t *testing.T) {
	p := DefaultPalette()
	if got := p.Colorize(false, ColorNone+1, "x"); got != "x" {
		t.Errorf("colors off: %q", got)
	}
	scheme, err := ParseScheme("# comment\nconnection-activated 1;35\n\nunknown-name 7\n")
	if err != nil {
		t.Fatal(err)
	}
	var activated Color = -1
	for name, c := range colorNames {
		if name == "connection-activated" {
			activated = c
		}
	}
	if activated < 0 {
		t.Fatal("no color named connection-activated")
	}
	if got := scheme.Colorize(true, activated, "on"); got != "\x1b[1;35mon\x1b[0m" {
		t.Errorf("scheme color: %q", got)
	}
	if _, err := ParseScheme("connection-activated"); err == nil {
		t.Error("a name without a sequence parsed")
	}
	if got := StripColors("\x1b[1;35mon\x1b[0m"); got != "on" {
		t.Errorf("StripColors: %q", got)
	}
}
