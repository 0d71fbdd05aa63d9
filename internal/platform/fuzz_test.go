package platform

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/platform/nl"
	"github.com/gonm/gonm/internal/testbed"
)

// FuzzDecode feeds arbitrary rtnetlink payloads to the decoders the
// reader uses for kernel messages. They must never panic, and whatever
// they accept must be a consistent object. The seed corpus
// (testdata/fuzz/FuzzDecode) holds real messages from a namespace with
// links of several kinds, addresses, routes (multipath too) and rules.
func FuzzDecode(f *testing.F) {
	f.Add(uint16(unix.RTM_NEWROUTE), []byte{})
	f.Fuzz(func(t *testing.T, typ uint16, payload []byte) {
		var b batch
		h := nl.Header{Type: typ, Len: uint32(16 + len(payload))}
		_ = b.add(h, payload, typ%2 == 0, 12345)
		for i := range b.evs {
			e := &b.evs[i]
			switch e.kind {
			case evLink, evLinkDel:
				l := &b.links[e.i]
				if l.Index <= 0 {
					t.Fatalf("link with index %d accepted", l.Index)
				}
				_ = l.String()
			case evAddr, evAddrDel:
				a := &b.addrs[e.i]
				if !a.Address.IsValid() || a.Index <= 0 {
					t.Fatalf("address %v accepted", a)
				}
				_ = a.String()
				_ = a.key()
			case evRoute, evRouteDel:
				r := &b.routes[e.i]
				if !r.Dst.IsValid() || r.Dst != r.Dst.Masked() {
					t.Fatalf("route with destination %v accepted", r.Dst)
				}
				// A cached route must survive compaction unchanged.
				var back Route
				if r.Is4() {
					rec, ex := toRec4(r)
					back = fromRec4(&rec, ex)
				} else {
					rec, ex := toRec6(r)
					back = fromRec6(&rec, ex)
				}
				if !back.Equal(r) {
					t.Fatalf("compaction changed the route:\n%+v\n%+v", *r, back)
				}
				_ = r.String()
			case evRule, evRuleDel:
				_ = b.rules[e.i].String()
			}
		}
	})
}

// TestWriteFuzzSeeds regenerates the seed corpus from a real namespace
// when GONM_WRITE_FUZZ_SEEDS is set.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("GONM_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set GONM_WRITE_FUZZ_SEEDS=1 to regenerate testdata/fuzz")
	}
	ns, _ := silentNS(t)
	testbed.Bridge(t, ns, "br0", "stp_state", "1")
	testbed.Vxlan(t, ns, "vx0", 7, 4789)
	testbed.Macvlan(t, ns, "mv0", "eth2", "private")
	testbed.Tuntap(t, ns, "tap0", "tap")
	ns.MustIP("addr", "add", "192.0.2.9/24", "dev", "eth1", "valid_lft", "100", "preferred_lft", "50", "label", "eth1:a")
	ns.MustIP("addr", "add", "10.9.9.9", "peer", "10.9.9.10/32", "dev", "eth2")
	ns.MustIP("route", "add", "100.100.0.0/16", "proto", "static", "mtu", "lock", "1300", "window", "9000",
		"nexthop", "via", "192.0.2.254", "dev", "eth1", "weight", "3", "nexthop", "via", "198.51.100.254", "dev", "eth2")
	ns.MustIP("-6", "route", "add", "2001:db8:99::/48", "proto", "static",
		"nexthop", "via", "2001:db8::fe", "dev", "eth1", "nexthop", "via", "2001:db8:2::fe", "dev", "eth2")
	ns.MustIP("route", "add", "blackhole", "198.18.0.0/15")
	ns.MustIP("rule", "add", "from", "192.0.2.0/24", "fwmark", "0x10/0xff", "iif", "eth1", "lookup", "100", "priority", "10")
	ns.MustIP("-6", "rule", "add", "not", "to", "2001:db8::/32", "ipproto", "udp", "dport", "53", "lookup", "200")
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	n := 0
	err := ns.Do(func() error {
		c, err := nl.Dial(nl.Config{})
		if err != nil {
			return err
		}
		defer c.Close()
		for _, req := range [][]byte{linkDumpRequest(), addrDumpRequest(unix.AF_INET), addrDumpRequest(unix.AF_INET6),
			routeDumpRequest(unix.AF_INET, 0, 0), routeDumpRequest(unix.AF_INET6, 0, 0),
			ruleDumpRequest(unix.AF_INET), ruleDumpRequest(unix.AF_INET6)} {
			_, err := c.Dump(req, nil, func(h nl.Header, p []byte) error {
				n++
				body := fmt.Sprintf("go test fuzz v1\nuint16(%d)\n[]byte(%q)\n", h.Type, p)
				return os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%03d", n)), []byte(body), 0o644)
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d seeds", n)
}
