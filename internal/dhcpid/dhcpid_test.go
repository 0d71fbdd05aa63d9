package dhcpid

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/gonm/gonm/internal/hostid"
)

func TestSipHashVectors(t *testing.T) {
	var key [16]byte
	for i := range key {
		key[i] = byte(i)
	}
	// Reference vectors from the SipHash paper (messages 00, 00 01, ...).
	want := map[int]uint64{0: 0x726fdb47dd0e0e31, 1: 0x74f839c593dc67fd, 7: 0xab0200f58b01d137, 8: 0x93f5f5799a932462, 15: 0xa129ca6149be45e5}
	for n, w := range want {
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = byte(i)
		}
		if got := sipHash24(key, msg); got != w {
			t.Errorf("siphash(%d bytes) = %#x, want %#x", n, got, w)
		}
	}
}

func mustHex(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestClientIDEncodings(t *testing.T) {
	mac := []byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}
	mid, _ := hostid.ParseMachineID("3d1219c7c4c5404aaa1f6d2a48adfda4")
	id := Identity{IfName: "eth1", HWAddr: mac, MachineID: mid, StableID: "u", Host: hostid.HostID{Key: []byte("0123456789abcdef")}}
	got, err := ClientID("mac", id, 0, nil)
	if err != nil || !bytes.Equal(got, append([]byte{1}, mac...)) {
		t.Errorf("mac client-id = %x, %v", got, err)
	}
	got, _ = ClientID("", id, 0, nil)
	if !bytes.Equal(got, append([]byte{1}, mac...)) {
		t.Errorf("default client-id = %x, want the MAC one", got)
	}
	got, _ = ClientID("abc", id, 0, nil)
	if !bytes.Equal(got, []byte{0, 'a', 'b', 'c'}) {
		t.Errorf("string client-id = %x", got)
	}
	got, _ = ClientID("01:02:0a", id, 0, nil)
	if !bytes.Equal(got, []byte{1, 2, 10}) {
		t.Errorf("hex client-id = %x", got)
	}
	got, _ = ClientID("duid", id, 0x01020304, nil)
	if len(got) != 19 || got[0] != 255 || !bytes.Equal(got[1:5], []byte{1, 2, 3, 4}) || !bytes.Equal(got[5:11], []byte{0, 2, 0, 0, 0xab, 0x11}) {
		t.Errorf("duid client-id = %x", got)
	}
	st, _ := ClientID("stable", id, 0, nil)
	if len(st) != 16 || st[0] != 0 {
		t.Errorf("stable client-id = %x", st)
	}
	id2 := id
	id2.StableID = "v"
	st2, _ := ClientID("stable", id2, 0, nil)
	if bytes.Equal(st, st2) {
		t.Errorf("stable client-id does not depend on the stable id")
	}
	if _, err := ClientID("perm-mac", id, 0, nil); err == nil {
		t.Errorf("perm-mac without a permanent address did not fail")
	}
}

func TestIAIDAndDUID(t *testing.T) {
	mac := []byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}
	mid, _ := hostid.ParseMachineID("3d1219c7c4c5404aaa1f6d2a48adfda4")
	id := Identity{IfName: "eth1", HWAddr: mac, MachineID: mid}
	if v, explicit, err := IAID("mac", id); err != nil || v != 0x00123456 || !explicit {
		t.Errorf("mac iaid = %#x %v %v", v, explicit, err)
	}
	if v, _, _ := IAID("", id); v != IAIDFromIfName("eth1") {
		t.Errorf("default iaid is not the ifname one")
	}
	for in, want := range map[string]uint32{"42": 42, "0x10": 16, "00:00:01:00": 256} {
		if v, ok := ParseIAID(in); !ok || v != want {
			t.Errorf("ParseIAID(%q) = %d %v, want %d", in, v, ok, want)
		}
	}
	if IAIDHex(0x0a0b0c0d) != "0a:0b:0c:0d" {
		t.Errorf("IAIDHex = %s", IAIDHex(0x0a0b0c0d))
	}
	d, _, _ := DUID("ll", id)
	if !bytes.Equal(d, mustHex(t, "00030001525400123456")) {
		t.Errorf("ll duid = %x", d)
	}
	d, enforce, _ := DUID("", id)
	if enforce || len(d) != 18 || d[1] != 4 {
		t.Errorf("lease duid = %x enforce %v", d, enforce)
	}
	d, _, _ = DUID("00:01:02:03", id)
	if !bytes.Equal(d, []byte{0, 1, 2, 3}) {
		t.Errorf("hex duid = %x", d)
	}
	if _, _, err := DUID("01:02", id); err == nil {
		t.Errorf("a 2-byte DUID was accepted")
	}
	for _, v := range []string{"stable-ll", "stable-llt", "stable-uuid"} {
		d, _, err := DUID(v, id)
		if err != nil || len(d) < 10 {
			t.Errorf("%s duid = %x %v", v, d, err)
		}
	}
}
