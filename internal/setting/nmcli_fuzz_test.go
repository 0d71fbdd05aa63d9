package setting

import (
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// nmcliProps are the properties nmcli shows, in a fixed order, for the
// fuzzers to index.
func nmcliProps() []*Property {
	var out []*Property
	for _, info := range All() {
		out = append(out, info.NmcliProps()...)
	}
	return out
}

// FuzzNmcliSet feeds what users type to nmcli's parser of every property
// (with each modifier): it must never panic, and a value it accepts must
// print, and its terse form must be accepted again and print the same.
func FuzzNmcliSet(f *testing.F) {
	props := nmcliProps()
	for _, seed := range []struct {
		prop  string
		mod   byte
		value string
	}{
		{"ipv4.addresses", 0, "10.0.0.1/24, 10.0.0.2"}, {"ipv4.routes", 1, "10.1.0.0/16 10.0.0.254 100 mtu=1400 table=5"},
		{"ipv4.routing-rules", 0, "priority 5 from 1.2.3.0/24 table 7"}, {"ipv6.addresses", 2, "1"},
		{"bond.options", 0, "mode=802.3ad,miimon=100"}, {"vlan.ingress-priority-map", 1, "1:2,3:4"},
		{"connection.id", 0, `a\,b:c`}, {"802-3-ethernet.mac-address", 0, "00:11:22:33:44:55"},
		{"ethtool.feature-tso", 0, "on"}, {"dcb.priority-group-bandwidth", 0, "10,10,10,10,10,10,20,20"},
		{"wireguard.private-key", 0, "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="}, {"sriov.vfs", 0, "0 mac=00:11:22:33:44:55 vlans=1.2.q"},
		{"tc.qdiscs", 0, "root pfifo_fast"}, {"tc.tfilters", 0, "parent 1: matchall action simple sdata x"},
		{"team.link-watchers", 0, "name=ethtool delay-up=3"}, {"bridge.vlans", 0, "1 pvid untagged, 5-9"},
		{"ipv4.dns", 1, "1.1.1.1 8.8.8.8"}, {"connection.permissions", 0, "user:alice"},
		{"802-11-wireless.ssid", 0, "my ssid"}, {"802-11-wireless-security.wep-key0", 0, "abcde"},
		{"connection.mptcp-flags", 0, "signal,subflow"}, {"ipv6.token", 0, "::1"},
		{"802-3-ethernet.s390-options", 0, "portno=1,layer2=0"}, {"vpn.data", 0, "a=b, c = d"},
		{"match.interface-name", 1, `eth* !eth1 a\ b`}, {"ovs-port.trunks", 0, "1,2-5"},
	} {
		idx := -1
		for i, p := range props {
			if p.FullName() == seed.prop {
				idx = i
			}
		}
		if idx < 0 {
			f.Fatalf("no property %s", seed.prop)
		}
		f.Add(uint16(idx), seed.mod, seed.value)
	}
	env := &NmcliEnv{ReadFile: func(string) ([]byte, error) { return nil, errors.New("no files while fuzzing") }}
	f.Fuzz(func(t *testing.T, idx uint16, mod byte, value string) {
		if strings.IndexByte(value, 0) >= 0 {
			// A command line cannot hold NUL bytes.
			return
		}
		p := props[int(idx)%len(props)]
		if _, isCert := p.nmcliType().(certType); isCert {
			// Certificates name files; the parser's file handling is not
			// what is fuzzed here.
			return
		}
		s := NewNmcliSetting(p.info.Name)
		if err := p.NmcliSet(s, Modifier(mod%3), &value, env); err != nil {
			if err.Error() == "" {
				t.Fatalf("%s %q: empty error", p.FullName(), value)
			}
			return
		}
		// The pretty form is only rendered (it must not panic); the terse
		// one is read back below.
		_ = p.NmcliGet(s, true, true)
		terse := p.NmcliGet(s, false, true).Text
		if NmcliReadOnly(p) || terse == "" {
			// nmcli's command line turns an empty value into a reset to
			// the default, which need not be empty (bond.options keeps
			// its mode).
			return
		}
		if terse == p.NmcliGet(NewNmcliSetting(p.info.Name), false, true).Text {
			// A default need not be typeable: nmcli refuses the zeros
			// the DCB bandwidths start with (they do not total 100%).
			return
		}
		if !utf8.ValidString(value) {
			// nmcli prints text as UTF-8 (an SSID's bytes through
			// Latin-1), so other bytes do not come back as typed.
			return
		}
		switch p.nmcliType().(type) {
		case addressesType, routesType, routingRulesType, dnsType, bridgeVlansType, trunksType, sriovVFsType,
			qdiscsType, tfiltersType, linkWatchersType, optionlistType, priorityMapType, macType, boolType, ternaryType:
		default:
			// Elsewhere nmcli itself does not always read back what it
			// prints: enum numbers out of range ("-1" shows as
			// 4294967295, then refused), DCB flags shown as
			// "1 (enabled)" even in terse output, list items with
			// unescaped blanks. The parsers with a syntax of their own
			// must round-trip.
			return
		}
		again := NewNmcliSetting(p.info.Name)
		if err := p.NmcliSet(again, ModSet, &terse, env); err != nil {
			t.Fatalf("%s: %q was accepted and printed as %q, which is refused: %v", p.FullName(), value, terse, err)
		}
		if back := p.NmcliGet(again, false, true).Text; back != terse {
			t.Fatalf("%s: %q printed as %q, read back as %q", p.FullName(), value, terse, back)
		}
	})
}

// FuzzImportWireGuard reads random wg-quick files: never a panic, and a
// profile it makes survives the D-Bus round trip.
func FuzzImportWireGuard(f *testing.F) {
	for _, name := range []string{"wgtst0.conf"} {
		if data, err := os.ReadFile("../nmclitest/testdata/" + name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\nAddress = 10.0.0.1/24\n"))
	f.Add([]byte("[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nAllowedIPs = 0.0.0.0/0\nEndpoint = [fd00::1]:51820\n"))
	f.Add([]byte("[Interface]\nListenPort = 0x10\nDNS = a.b, 1.2.3.4\nTable = off\nFwMark = off\n# c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ImportWireGuard("/tmp/wg0.conf", data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		d := c.ToDBus(WithSecrets)
		back, derr := FromDBus(d, 0)
		if derr != nil {
			t.Fatalf("imported profile does not read back: %v", derr)
		}
		if !back.Equal(c) {
			t.Fatalf("imported profile changes on the D-Bus round trip")
		}
	})
}
