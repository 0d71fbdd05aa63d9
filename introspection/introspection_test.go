package introspection

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestEmbeddedFilesParse(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	// NetworkManager 1.42 documents 50 interfaces.
	if len(all) != 50 {
		t.Errorf("got %d interfaces, want 50", len(all))
	}
	for _, it := range all {
		if it.File != it.Name+".xml" {
			t.Errorf("interface %s lives in %s; want one file per interface named after it", it.Name, it.File)
		}
		if !strings.HasPrefix(it.Name, "org.freedesktop.NetworkManager") {
			t.Errorf("unexpected interface %s", it.Name)
		}
	}
	root, ok := Lookup("org.freedesktop.NetworkManager")
	if !ok {
		t.Fatal("root interface missing")
	}
	if len(root.Methods) != 19 || len(root.Properties) != 26 || len(root.Signals) != 4 {
		t.Errorf("root interface has %d methods, %d properties, %d signals; want 19, 26, 4",
			len(root.Methods), len(root.Properties), len(root.Signals))
	}
	m, _ := root.Method("AddAndActivateConnection2")
	if m.InSignature() != "a{sa{sv}}ooa{sv}" || m.OutSignature() != "ooa{sv}" {
		t.Errorf("AddAndActivateConnection2 signatures %q -> %q", m.InSignature(), m.OutSignature())
	}
	p, _ := root.Property("WirelessEnabled")
	if !p.Writable() || !p.Readable() {
		t.Errorf("WirelessEnabled access %q", p.Access)
	}
}

// Every member carries a comment of ours right before it.
func TestEveryMemberIsDocumented(t *testing.T) {
	names, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	member := regexp.MustCompile(`^\s*<(method|signal|property) name="([^"]+)"`)
	for _, e := range names {
		if !strings.HasSuffix(e.Name(), ".xml") {
			continue
		}
		data, err := os.ReadFile(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		for i, l := range lines {
			m := member.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			prev := strings.TrimSpace(lines[i-1])
			if !strings.HasSuffix(prev, "-->") {
				t.Errorf("%s: %s %s has no documentation comment", e.Name(), m[1], m[2])
			}
		}
	}
}

// extras are members gonm exports beyond NetworkManager 1.42's XML, as its
// daemon (or a later one) does.
var extras = map[string][]string{
	"org.freedesktop.NetworkManager.Device.Macvlan": {"Tab"},
	"org.freedesktop.NetworkManager.IP4Config":      {"ClatAddress"},
	"org.freedesktop.NetworkManager.IP6Config":      {"ClatAddress", "ClatPref64"},
}

// The files agree with NetworkManager 1.42.4's own XML in every name,
// signature, access and annotation, when its sources are at hand.
func TestMatchesNetworkManager142(t *testing.T) {
	repo := "/work/.mirror/NetworkManager+NetworkManager/repo"
	if _, err := os.Stat(repo); err != nil {
		t.Skipf("NetworkManager sources not mirrored at %s", repo)
	}
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, ours := range all {
		data, err := exec.Command("git", "-C", repo, "show", "1.42.4:introspection/"+ours.File).Output()
		if err != nil {
			t.Errorf("%s: not in NetworkManager 1.42.4: %v", ours.Name, err)
			continue
		}
		theirs, err := Parse(data)
		if err != nil || len(theirs) != 1 {
			t.Fatalf("%s: parse upstream: %v", ours.File, err)
		}
		compareInterface(t, ours, theirs[0], extras[ours.Name])
	}
}

func compareInterface(t *testing.T, ours, theirs *Interface, allowed []string) {
	t.Helper()
	if !slices.Equal(ours.Annotations, theirs.Annotations) {
		t.Errorf("%s: annotations %v, upstream %v", ours.Name, ours.Annotations, theirs.Annotations)
	}
	if !slices.EqualFunc(ours.Methods, theirs.Methods, func(a, b Method) bool {
		return a.Name == b.Name && slices.Equal(a.Args, b.Args) && slices.Equal(a.Annotations, b.Annotations)
	}) {
		t.Errorf("%s: methods differ from upstream:\n ours   %+v\n theirs %+v", ours.Name, ours.Methods, theirs.Methods)
	}
	if !slices.EqualFunc(ours.Signals, theirs.Signals, func(a, b Signal) bool {
		// Signal arguments have no direction; upstream sometimes writes "out".
		return a.Name == b.Name && slices.EqualFunc(a.Args, b.Args, func(x, y Arg) bool {
			return x.Name == y.Name && x.Type == y.Type
		})
	}) {
		t.Errorf("%s: signals differ from upstream", ours.Name)
	}
	var props []Property
	for _, p := range ours.Properties {
		if !slices.Contains(allowed, p.Name) {
			props = append(props, p)
		}
	}
	if !slices.EqualFunc(props, theirs.Properties, func(a, b Property) bool {
		return a.Name == b.Name && a.Type == b.Type && a.Access == b.Access
	}) {
		t.Errorf("%s: properties differ from upstream:\n ours   %+v\n theirs %+v", ours.Name, props, theirs.Properties)
	}
}

func TestStandardInterfaces(t *testing.T) {
	for _, n := range []string{Properties, Introspectable, Peer, ObjectManager} {
		if _, ok := Standard(n); !ok {
			t.Errorf("standard interface %s missing", n)
		}
	}
	om, _ := Standard(ObjectManager)
	m, _ := om.Method("GetManagedObjects")
	if m.OutSignature() != "a{oa{sa{sv}}}" {
		t.Errorf("GetManagedObjects out signature %q", m.OutSignature())
	}
}

// reparse renders an interface as a document of its own and parses it
// back, failing the test when the rendering does not parse.
func reparse(t *testing.T, it *Interface) *Interface {
	t.Helper()
	var b strings.Builder
	b.WriteString("<node>\n")
	it.WriteXML(&b, "  ")
	b.WriteString("</node>\n")
	back, err := Parse([]byte(b.String()))
	if err != nil || len(back) != 1 {
		t.Fatalf("%s: rendered XML does not parse: %v\n%s", it.Name, err, b.String())
	}
	return back[0]
}

func TestWriteXMLRoundTrip(t *testing.T) {
	all, _ := All()
	for _, it := range all {
		compareInterface(t, reparse(t, it), it, nil)
	}
}

func TestSplitSignature(t *testing.T) {
	for _, tc := range []struct {
		sig  string
		want []string
	}{
		{"", nil},
		{"u", []string{"u"}},
		{"a{sv}u(ii)", []string{"a{sv}", "u", "(ii)"}},
		{"a{oa{sa{sv}}}", []string{"a{oa{sa{sv}}}"}},
		{"a(ayuayu)aay", []string{"a(ayuayu)", "aay"}},
		{"(uu)v", []string{"(uu)", "v"}},
	} {
		got, err := SplitSignature(tc.sig)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("SplitSignature(%q) = %q, %v; want %q", tc.sig, got, err, tc.want)
		}
	}
	for _, bad := range []string{"a", "a{vs}", "a{s}", "(", "()", "(u", "a{su", "z", "{sv}", strings.Repeat("a", 40) + "u"} {
		if _, err := SplitSignature(bad); err == nil {
			t.Errorf("SplitSignature(%q) succeeded, want an error", bad)
		}
	}
}

func FuzzSplitSignature(f *testing.F) {
	for _, s := range []string{"a{sv}", "(uu)", "aa{sv}", "a(ayuayu)", "a{oa{sa{sv}}}", "(", "a{"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sig string) {
		types, err := SplitSignature(sig)
		if err != nil {
			return
		}
		if strings.Join(types, "") != sig {
			t.Fatalf("parts %q do not add up to %q", types, sig)
		}
		for _, ty := range types {
			if err := checkSignature(ty, true); err != nil {
				t.Fatalf("part %q of %q is not a complete type: %v", ty, sig, err)
			}
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(standardXML))
	f.Add([]byte(`<node><interface name="a.b"><method name="M"><arg name="x" type="a{sv}" direction="in"/></method></interface></node>`))
	f.Add([]byte(`<node><interface name="a.b"><property name="P" type="(uu" access="read"/></interface></node>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ifaces, err := Parse(data)
		if err != nil {
			return
		}
		// What parses renders and parses again to the same members.
		for _, it := range ifaces {
			back := reparse(t, it)
			if len(back.Methods) != len(it.Methods) || len(back.Properties) != len(it.Properties) || len(back.Signals) != len(it.Signals) {
				t.Fatalf("round trip changed %s", it.Name)
			}
		}
	})
}

func TestMembers(t *testing.T) {
	ifs, err := Parse([]byte(`<node><interface name="org.example.X">
  <method name="Go"><arg name="a" type="s"/><arg name="r" type="o" direction="out"/></method>
  <signal name="Changed"><arg name="v" type="a{sv}"/></signal>
  <property name="Name" type="s" access="readwrite"/>
  <method name="Stop"/>
</interface></node>`))
	if err != nil || len(ifs) != 1 {
		t.Fatalf("Parse: %v, %d interfaces", err, len(ifs))
	}
	want := []string{"method Go(in:s,out:o)", "method Stop()", "property Name s readwrite", "signal Changed(a{sv})"}
	if got := ifs[0].Members(); !slices.Equal(got, want) {
		t.Errorf("Members() = %q, want %q", got, want)
	}
}
