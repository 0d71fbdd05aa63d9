package vmtest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

const sha = "7b5597492a0a65aee61985a492e6bcc3f2cde830072a0e3b3d8c7e1b90279bd3"

func TestParseAptStanzas(t *testing.T) {
	good := "Package: iw\nVersion: 5.19-1\nDescription: tool\n more text\n .\nFilename: pool/main/i/iw/iw_5.19-1_amd64.deb\nSHA256: " + strings.ToUpper(sha) + "\n\n" +
		"Package: hostapd\nVersion: 2:2.10-12\nFilename: pool/h.deb\nSHA256: " + sha + "\n"
	got, err := parseAptStanzas([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	want := []debInfo{
		{Package: "iw", Version: "5.19-1", Filename: "pool/main/i/iw/iw_5.19-1_amd64.deb", SHA256: sha},
		{Package: "hostapd", Version: "2:2.10-12", Filename: "pool/h.deb", SHA256: sha},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	for name, bad := range map[string]string{
		"no sha":        "Package: a\nVersion: 1\nFilename: f\n",
		"short sha":     "Package: a\nVersion: 1\nFilename: f\nSHA256: abc\n",
		"no package":    "Version: 1\nFilename: f\nSHA256: " + sha + "\n",
		"no version":    "Package: a\nFilename: f\nSHA256: " + sha + "\n",
		"orphan cont":   " continued\nPackage: a\n",
		"not a field":   "Package a\n",
		"space in name": "Pack age: a\n",
	} {
		if _, err := parseAptStanzas([]byte(bad)); err == nil {
			t.Errorf("%s: no error for %q", name, bad)
		}
	}
	if got, err := parseAptStanzas(nil); err != nil || len(got) != 0 {
		t.Errorf("empty input: %v, %v", got, err)
	}
}

func FuzzParseAptStanzas(f *testing.F) {
	f.Add([]byte("Package: iw\nVersion: 5.19-1\nFilename: p/iw.deb\nSHA256: " + sha + "\n\nPackage: x\n"))
	f.Add([]byte("Description: a\n b\n\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := parseAptStanzas(data)
		if err != nil {
			return
		}
		for _, d := range got {
			if d.Package == "" || d.Version == "" || d.Filename == "" || !isSHA256Hex(d.SHA256) {
				t.Fatalf("accepted an incomplete stanza: %+v", d)
			}
		}
	})
}

// fakeBzImage lays out a boot header the way the x86 boot protocol does.
func fakeBzImage(setupSects byte, proto uint16, payload []byte) []byte {
	sects := int(setupSects)
	if sects == 0 {
		sects = 4 // what the boot protocol says a zero means
	}
	img := make([]byte, (sects+1)*512+64+len(payload))
	img[0x1f1] = setupSects
	copy(img[0x202:], "HdrS")
	binary.LittleEndian.PutUint16(img[0x206:], proto)
	binary.LittleEndian.PutUint32(img[0x248:], 64)
	binary.LittleEndian.PutUint32(img[0x24c:], uint32(len(payload)))
	copy(img[(sects+1)*512+64:], payload)
	return img
}

func TestBzImagePayload(t *testing.T) {
	payload := []byte{0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3}
	got, err := bzImagePayload(fakeBzImage(27, 0x20f, payload))
	if err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("payload = % x, %v; want % x", got, err, payload)
	}
	if _, err := bzImagePayload(fakeBzImage(27, 0x206, payload)); err == nil {
		t.Error("old boot protocol accepted")
	}
	bad := fakeBzImage(27, 0x20f, payload)
	binary.LittleEndian.PutUint32(bad[0x24c:], 1<<30)
	if _, err := bzImagePayload(bad); err == nil {
		t.Error("payload past the end accepted")
	}
	if _, err := bzImagePayload([]byte("short")); err == nil {
		t.Error("short file accepted")
	}
}

func FuzzBzImagePayload(f *testing.F) {
	f.Add(fakeBzImage(4, 0x20f, []byte{1, 2, 3}))
	f.Add(fakeBzImage(0, 0x20f, []byte{1}))
	f.Fuzz(func(t *testing.T, img []byte) {
		p, err := bzImagePayload(img)
		if err == nil && (len(p) == 0 || len(p) > len(img)) {
			t.Fatalf("payload of %d bytes from a %d-byte image", len(p), len(img))
		}
	})
}

func TestParseModinfo(t *testing.T) {
	sec := []byte("license=GPL\x00depends=mac80211,libarc4,cfg-80211\x00softdep=pre: crc32c post: foo\x00intree=Y\x00depends=\x00")
	mi := parseModinfo(sec)
	if want := []string{"mac80211", "libarc4", "cfg_80211"}; !reflect.DeepEqual(mi.Depends, want) {
		t.Errorf("Depends = %v, want %v", mi.Depends, want)
	}
	if want := []string{"crc32c"}; !reflect.DeepEqual(mi.SoftPre, want) {
		t.Errorf("SoftPre = %v, want %v", mi.SoftPre, want)
	}
}

func TestLoadOrder(t *testing.T) {
	infos := map[string]modinfo{
		"hwsim.ko":    {Depends: []string{"mac80211", "cfg80211"}},
		"mac80211.ko": {Depends: []string{"cfg80211", "libarc4"}},
		"cfg80211.ko": {Depends: []string{"rfkill"}, SoftPre: []string{"absent_soft"}},
		"rfkill.ko":   {},
		"libarc4.ko":  {},
		"a.ko":        {Depends: []string{"b"}},
		"b.ko":        {Depends: []string{"a"}},
		"c.ko":        {Depends: []string{"missing"}},
	}
	tree := &moduleTree{
		dir:     "/m",
		paths:   map[string]string{},
		builtin: map[string]bool{"libarc4": true},
		info: func(p string) (modinfo, error) {
			mi, ok := infos[strings.TrimPrefix(p, "/m/")]
			if !ok {
				return modinfo{}, fmt.Errorf("no %s", p)
			}
			return mi, nil
		},
	}
	for f := range infos {
		tree.paths[moduleName(f)] = f
	}
	got, err := tree.loadOrder([]guestModule{{Name: "rfkill"}, {Name: "hwsim", Params: "radios=2"}, {Name: "mac80211"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []loadEntry{
		{Name: "rfkill", Path: "rfkill.ko"},
		{Name: "cfg80211", Path: "cfg80211.ko"},
		{Name: "mac80211", Path: "mac80211.ko"},
		{Name: "hwsim", Path: "hwsim.ko", Params: "radios=2"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order = %+v\nwant %+v", got, want)
	}
	if _, err := tree.loadOrder([]guestModule{{Name: "a"}}); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("cycle: err = %v", err)
	}
	if _, err := tree.loadOrder([]guestModule{{Name: "c"}}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing dependency: err = %v", err)
	}
	if _, err := tree.loadOrder([]guestModule{{Name: "nope"}}); err == nil {
		t.Error("missing module accepted")
	}
}

func TestStripModuleSignature(t *testing.T) {
	body := []byte("\x7fELF module body")
	sig := bytes.Repeat([]byte{0xaa}, 300)
	trailer := make([]byte, 12)
	trailer[2] = 2 // PKCS#7
	binary.BigEndian.PutUint32(trailer[8:], uint32(len(sig)))
	signed := append(append(append(append([]byte{}, body...), sig...), trailer...), moduleSigMagic...)
	if got := stripModuleSignature(signed); !bytes.Equal(got, body) {
		t.Errorf("stripped = %q, want %q", got, body)
	}
	if got := stripModuleSignature(body); !bytes.Equal(got, body) {
		t.Error("unsigned module changed")
	}
	// A signature length pointing before the start leaves the file alone.
	binary.BigEndian.PutUint32(trailer[8:], 1<<20)
	bogus := append(append(append([]byte{}, body...), trailer...), moduleSigMagic...)
	if got := stripModuleSignature(bogus); !bytes.Equal(got, bogus) {
		t.Error("bogus signature trailer was cut")
	}
}

func TestUsrMerged(t *testing.T) {
	for in, want := range map[string]string{
		"/bin/ip":                         "/usr/bin/ip",
		"/sbin/iw":                        "/usr/sbin/iw",
		"/lib/x86_64-linux-gnu/libc.so.6": "/usr/lib/x86_64-linux-gnu/libc.so.6",
		"/lib64/ld-linux-x86-64.so.2":     "/usr/lib64/ld-linux-x86-64.so.2",
		"/usr/bin/wg":                     "/usr/bin/wg",
		"/etc/iproute2/rt_tables":         "/etc/iproute2/rt_tables",
		"/library":                        "/library",
		"/binary":                         "/binary",
	} {
		if got := usrMerged(in); got != want {
			t.Errorf("usrMerged(%s) = %s, want %s", in, got, want)
		}
	}
}

// readCpio parses a newc archive back, to check the writer.
func readCpio(t *testing.T, b []byte) map[string]cpioRecord {
	t.Helper()
	out := map[string]cpioRecord{}
	for {
		if len(b) < 110 || string(b[:6]) != "070701" {
			t.Fatalf("bad cpio header at %q", b[:min(len(b), 16)])
		}
		field := func(i int) uint32 {
			v, err := strconv.ParseUint(string(b[6+8*i:14+8*i]), 16, 32)
			if err != nil {
				t.Fatal(err)
			}
			return uint32(v)
		}
		mode, size, rmaj, rmin, namesize := field(1), field(6), field(9), field(10), field(11)
		name := string(b[110 : 110+namesize-1])
		off := int(align4(uint64(110 + namesize)))
		data := b[off : off+int(size)]
		b = b[align4(uint64(off)+uint64(size)):]
		if name == "TRAILER!!!" {
			return out
		}
		out[name] = cpioRecord{mode: mode, data: string(data), rdev: [2]uint32{rmaj, rmin}}
	}
}

type cpioRecord struct {
	mode uint32
	data string
	rdev [2]uint32
}

func TestCpioWriter(t *testing.T) {
	tree := guestTree{}
	tree.file("/usr/bin/tool", []byte("abcde"), 0o755)
	tree.symlink("/bin", "usr/bin")
	tree.dir("/tmp", fs.ModeSticky|0o777)
	tree.charDev("/dev/console", 0o600, 5, 1)
	var buf bytes.Buffer
	if err := tree.writeCpio(&buf); err != nil {
		t.Fatal(err)
	}
	got := readCpio(t, buf.Bytes())
	want := map[string]cpioRecord{
		"bin":          {mode: 0o120777, data: "usr/bin"},
		"dev":          {mode: 0o040755},
		"dev/console":  {mode: 0o020600, rdev: [2]uint32{5, 1}},
		"tmp":          {mode: 0o041777},
		"usr":          {mode: 0o040755},
		"usr/bin":      {mode: 0o040755},
		"usr/bin/tool": {mode: 0o100755, data: "abcde"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("archive = %+v\nwant %+v", got, want)
	}
	// busybox's cpio, where installed, must agree on the listing.
	if _, err := exec.LookPath("busybox"); err == nil {
		cmd := exec.Command("busybox", "cpio", "-t")
		cmd.Stdin = bytes.NewReader(buf.Bytes())
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("busybox cpio -t: %v", err)
		}
		if want := "bin\ndev\ndev/console\ntmp\nusr\nusr/bin\nusr/bin/tool\n"; string(out) != want {
			t.Errorf("busybox cpio -t:\n%s\nwant\n%s", out, want)
		}
	}
}

func TestPruneImages(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	mk := func(name string, age time.Duration, complete bool) {
		d := filepath.Join(dir, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if complete {
			m := filepath.Join(d, "manifest.json")
			if err := os.WriteFile(m, []byte("{}"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(m, now.Add(-age), now.Add(-age)); err != nil {
				t.Fatal(err)
			}
		}
	}
	mk("new", 0, true)
	mk("a", time.Hour, true)
	mk("b", 2*time.Hour, true)
	mk("c", 3*time.Hour, true)
	mk("d", 4*time.Hour, true)
	mk("stale", 8*24*time.Hour, true)
	mk("partial", 0, false)
	pruneImages(dir, "new", now)
	entries, _ := os.ReadDir(dir)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if want := []string{"a", "b", "c", "new"}; !reflect.DeepEqual(left, want) {
		t.Errorf("left %v, want %v", left, want)
	}
}
