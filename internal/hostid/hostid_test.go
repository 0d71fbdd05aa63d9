package hostid

import (
	"bytes"
	"crypto/sha256"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Vectors from NetworkManager 1.42's own unit tests (facts about its
// derivation, checked here against our implementation).
func TestStablePrivacyVectors(t *testing.T) {
	cases := []struct {
		prefix, networkID string
		st                StableType
		dad               uint32
		want              string
	}{
		{"1234::", "6b138152-9f3e-4b97-aaf7-e6e553f2a24e", StableTypeUUID, 0, "1234::4ceb:14cd:3d54:793f"},
		{"1::", "", StableTypeUUID, 384, "1::11aa:2530:9144:dafa"},
		{"2::", "", StableTypeUUID, 384, "2::338e:8d:c11:8726"},
		{"1234::", "6b138152-9f3e-4b97-aaf7-e6e553f2a24e", StableTypeStableID, 0, "1234::ad4c:ae44:3d30:af1e"},
		{"1234::", "stable-id-1", StableTypeStableID, 0, "1234::4944:67b0:7a6c:1cf"},
	}
	for _, c := range cases {
		got, err := stablePrivacy(netip.MustParseAddr(c.prefix), c.st, "eth666", c.networkID, c.dad, []byte("key"))
		if err != nil || got != netip.MustParseAddr(c.want) {
			t.Errorf("stable privacy %s/%q/%d = %v %v, want %s", c.prefix, c.networkID, c.dad, got, err, c.want)
		}
	}
	if _, err := StablePrivacyAddr(netip.MustParseAddr("1::"), 0, "e", "n", 3, []byte("k")); err == nil {
		t.Errorf("a fourth DAD retry was allowed")
	}
}

func TestStableIDExpansion(t *testing.T) {
	in := StableIDInputs{UUID: "_CONNECTION", BootID: "_BOOT", Device: "_DEVICE", MAC: "_MAC"}
	literal := []string{"", "a", "a$", "a$x", " ${a$x", "${", "${=", "${a", "${a$x", "a$$", "a$$x", "a$${CONNECTION}", "a$${CONNECTION}x"}
	for _, s := range literal {
		if got, st := expandStableID(s, in); st != StableTypeStableID || got != s {
			t.Errorf("expand(%q) = %q type %d, want it verbatim", s, got, st)
		}
	}
	generated := map[string]string{
		"${CONNECTION}":              "${CONNECTION}=11{_CONNECTION}",
		"${${CONNECTION}":            "${${CONNECTION}=11{_CONNECTION}",
		"x${BOOT}${CONNECTION}":      "x${BOOT}=5{_BOOT}${CONNECTION}=11{_CONNECTION}",
		"xX${BOOT}yY${CONNECTION}zZ": "xX${BOOT}=5{_BOOT}yY${CONNECTION}=11{_CONNECTION}zZ",
		"${MAC}x":                    "${MAC}=4{_MAC}x",
		"${DEVICE}":                  "${DEVICE}=7{_DEVICE}",
	}
	for s, want := range generated {
		if got, st := expandStableID(s, in); st != StableTypeGenerated || got != want {
			t.Errorf("expand(%q) = %q type %d, want %q", s, got, st, want)
		}
	}
	for _, s := range []string{"${RANDOM}", " ${RANDOM}", "${BOOT}${RANDOM}"} {
		if _, st := expandStableID(s, in); st != StableTypeRandom {
			t.Errorf("expand(%q) type %d, want random", s, st)
		}
	}
	if id, st := EffectiveStableID(nil, in); id != "_CONNECTION" || st != StableTypeUUID {
		t.Errorf("unset stable-id = %q %d", id, st)
	}
	s := "${CONNECTION}"
	if id, st := EffectiveStableID(&s, in); st != StableTypeGenerated || len(id) != 27 {
		t.Errorf("generated stable-id = %q %d", id, st)
	}
}

func TestSecretKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "secret_key")
	mid, err := ParseMachineID("3d1219c7c4c5404aaa1f6d2a48adfda4\n")
	if err != nil {
		t.Fatal(err)
	}
	h1, err := LoadHostID(path, &mid)
	if err != nil || !h1.Good || len(h1.Key) != 32 {
		t.Fatalf("new key: %+v %v", h1, err)
	}
	content, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(content), "nm-v2:") || len(content) != 6+44 {
		t.Errorf("written key %q is not a v2 key", content)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("key mode %v", st.Mode())
	}
	// The documented derivation: sha256("<len> " + content + machine-id hex).
	want := sha256.Sum256([]byte("50 " + string(content) + "3d1219c7c4c5404aaa1f6d2a48adfda4"))
	if !bytes.Equal(h1.Key, want[:]) {
		t.Errorf("host id %x, want %x", h1.Key, want)
	}
	h2, _ := LoadHostID(path, &mid)
	if !bytes.Equal(h1.Key, h2.Key) {
		t.Errorf("host id changed across loads")
	}
	// A legacy (v1) key is used as it is.
	os.WriteFile(path, []byte("0123456789abcdefXYZ"), 0o600)
	h3, _ := LoadHostID(path, &mid)
	if string(h3.Key) != "0123456789abcdefXYZ" {
		t.Errorf("v1 key = %q", h3.Key)
	}
	// A too short key is replaced.
	os.WriteFile(path, []byte("short"), 0o600)
	h4, _ := LoadHostID(path, &mid)
	if len(h4.Key) != 32 {
		t.Errorf("short key not replaced: %x", h4.Key)
	}
	if _, err := ParseMachineID("00000000000000000000000000000000"); err == nil {
		t.Errorf("zero machine id accepted")
	}
}

func TestEUI64(t *testing.T) {
	a, err := EUI64Addr(netip.MustParseAddr("2001:db8::"), []byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56})
	if err != nil || a != netip.MustParseAddr("2001:db8::5054:ff:fe12:3456") {
		t.Errorf("eui64 = %v %v", a, err)
	}
}
