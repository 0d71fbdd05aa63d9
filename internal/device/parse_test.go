package device

import (
	"bytes"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/gonm/gonm/internal/platform"
)

// A run state file as NetworkManager 1.42 writes it (the key order of
// nm_config_device_state_write), read and written back unchanged.
func TestRunStateRoundTrip(t *testing.T) {
	for _, text := range []string{
		"[device]\nmanaged=true\nperm-hw-addr-fake=3A:87:48:7B:C1:D0\nconnection-uuid=33333333-0000-4000-8000-000000000009\nnm-owned=false\nroute-metric-default-effective=111\nroute-metric-default-aspired=100\n",
		"[device]\nmanaged=true\nperm-hw-addr-fake=00:00:00:00:00:00\nconnection-uuid=ac13e426-ad2e-4cd0-915e-7227112b3ffa\nnm-owned=false\n",
		"[device]\nmanaged=false\n",
		"[device]\nmanaged=true\nnm-owned=true\nroute-metric-default-effective=425\n",
	} {
		st, err := ParseRunState([]byte(text))
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if got := string(st.Format()); got != text {
			t.Errorf("round trip:\n got %q\nwant %q", got, text)
		}
	}
}

// What the parser makes of files it did not write: missing and broken
// values are dropped, MACs normalized, the aspired metric defaults to the
// effective one.
func TestParseRunState(t *testing.T) {
	st, err := ParseRunState([]byte("[device]\nmanaged=1\nperm-hw-addr-fake=3a:87:48:7b:c1:d0\nconnection-uuid= abc \nnm-owned=maybe\nroute-metric-default-effective=x\n[other]\nmanaged=false\n"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Managed == nil || !*st.Managed || st.NMOwned != nil || st.ConnectionUUID != "abc" ||
		st.PermHWAddrFake != "3A:87:48:7B:C1:D0" || st.RouteMetricEffective != 0 {
		t.Errorf("parsed %+v", st)
	}
	st, _ = ParseRunState([]byte("[device]\nroute-metric-default-effective=101\n"))
	if st.RouteMetricAspired != 101 || st.Managed != nil {
		t.Errorf("parsed %+v", st)
	}
	if _, err := ParseRunState([]byte("[device\n")); err == nil {
		t.Error("a broken group header parsed")
	}
	st, err = ParseRunState(nil)
	if err != nil || st.Managed != nil || st.ConnectionUUID != "" {
		t.Errorf("empty file: %+v, %v", st, err)
	}
}

// ParseRunState never panics, and what it returns formats to a file that
// parses to the same state.
func FuzzParseRunState(f *testing.F) {
	f.Add([]byte("[device]\nmanaged=true\nperm-hw-addr-fake=3A:87:48:7B:C1:D0\nconnection-uuid=x\nnm-owned=false\nroute-metric-default-effective=111\nroute-metric-default-aspired=100\n"))
	f.Add([]byte("[device]\nmanaged=false\n"))
	f.Add([]byte("[device]\nperm-hw-addr-fake=zz\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ParseRunState(data)
		if err != nil {
			return
		}
		out := st.Format()
		again, err := ParseRunState(out)
		if err != nil {
			t.Fatalf("formatted state does not parse: %v\n%q", err, out)
		}
		if !bytes.Equal(again.Format(), out) {
			t.Fatalf("format not stable:\n%q\n%q", out, again.Format())
		}
	})
}

func TestParseUdevRecord(t *testing.T) {
	rec := "I:1234\nE:ID_NET_NAME_MAC=enx0\nE:NM_UNMANAGED=1\nE:EMPTY=\nE:=novalue\nE:NOEQUALS\nG:systemd\nQ:systemd\nV:1\nE:ID_NET_DRIVER=veth\n"
	got := ParseUdevRecord([]byte(rec))
	want := map[string]string{"ID_NET_NAME_MAC": "enx0", "NM_UNMANAGED": "1", "EMPTY": "", "ID_NET_DRIVER": "veth"}
	if !maps.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// ParseUdevRecord never panics and only returns keys it found on E: lines.
func FuzzParseUdevRecord(f *testing.F) {
	f.Add([]byte("E:NM_UNMANAGED=1\nE:ID_NET_DRIVER=veth\n"))
	f.Add([]byte("I:1\nG:x\n"))
	f.Add([]byte("E:A=b=c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for k, v := range ParseUdevRecord(data) {
			if k == "" || strings.ContainsAny(k, "=\n") || strings.Contains(v, "\n") {
				t.Fatalf("bad pair %q=%q", k, v)
			}
			if !bytes.Contains(data, []byte("E:"+k+"="+v)) {
				t.Fatalf("pair %q=%q not in the record", k, v)
			}
		}
	})
}

// The order NetworkManager creates devices at start (its
// nm_platform_link_get_all): loopback first, then by name (or index);
// then in passes, each taking every link whose controller and parent were
// taken before; a pass that takes nothing breaks a cycle (a veth pair,
// each the other's parent) at the first link it skipped.
func TestLinkOrder(t *testing.T) {
	mk := func(idx int32, name string, master, parent int32) *platform.Link {
		return &platform.Link{Index: idx, Name: name, Master: master, Parent: parent, LinkNetNSID: -1}
	}
	links := []*platform.Link{
		mk(5, "aport", 7, 0),   // port of zbr
		mk(1, "lo", 0, 0),      //
		mk(3, "veth-b", 0, 4),  // veth pair b <-> a
		mk(4, "veth-a", 0, 3),  //
		mk(7, "zbr", 0, 0),     //
		mk(6, "eth0.10", 0, 8), // vlan on eth0
		mk(8, "eth0", 0, 0),    //
		mk(9, "mv0", 0, 3),     // macvlan on veth-b
		mk(10, "other", 0, 2),  // parent in another namespace
		mk(2, "bport", 7, 0),   // another port of zbr
	}
	links[8].LinkNetNSID = 1
	var names []string
	for _, l := range linkOrder(links, true) {
		names = append(names, l.Name)
	}
	want := "lo eth0 eth0.10 other zbr aport bport mv0 veth-a veth-b"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("by name: %s\n      want %s", got, want)
	}
	names = nil
	for _, l := range linkOrder(links, false) {
		names = append(names, fmt.Sprint(l.Index))
	}
	if got := strings.Join(names, " "); got != "1 7 8 10 2 5 6 3 4 9" {
		t.Errorf("by index: %s", got)
	}
}
