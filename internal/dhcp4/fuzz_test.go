package dhcp4

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// FuzzReceive feeds arbitrary frames through the receive path: IPv4/UDP
// decapsulation, DHCP decoding and lease parsing. Nothing may panic;
// malformed input is dropped.
func FuzzReceive(f *testing.F) {
	ack, _ := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeAck),
		dhcpv4.WithYourIP(net.IPv4(192, 0, 2, 10)),
		dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
		dhcpv4.WithOption(dhcpv4.OptRouter(net.IPv4(192, 0, 2, 1))),
		dhcpv4.WithOption(dhcpv4.OptGeneric(dhcpv4.OptionClasslessStaticRoute, []byte{0, 192, 0, 2, 1, 8, 10, 192, 0, 2, 1})),
		dhcpv4.WithOption(dhcpv4.OptGeneric(dhcpv4.OptionDNSDomainSearchList, []byte{3, 'f', 'o', 'o', 0, 3, 'b', 'a', 'r', 0xc0, 0})),
		dhcpv4.WithOption(dhcpv4.OptDNS(net.IPv4(192, 0, 2, 53))))
	frame := buildUDPFrame(ack.ToBytes(), netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.10"))
	// buildUDPFrame writes client->server ports; make it a reply.
	frame[20], frame[21], frame[22], frame[23] = 0, 67, 0, 68
	f.Add(frame)
	f.Add(ack.ToBytes())
	f.Add([]byte{0x45, 0, 0, 20})
	f.Fuzz(func(t *testing.T, b []byte) {
		payload, ok := parseUDPFrame(b)
		if !ok {
			payload = b
		}
		m, err := dhcpv4.FromBytes(payload)
		if err != nil {
			return
		}
		l, err := ParseLease(m, []byte{1, 2, 3}, time.Unix(1700000000, 0), nil)
		if err != nil {
			return
		}
		if !l.Address.IsValid() {
			t.Fatalf("lease without address: %+v", l)
		}
	})
}

func FuzzLeaseFile(f *testing.F) {
	f.Add([]byte("# This is private data. Do not parse.\nADDRESS=192.0.2.10\n"))
	f.Add([]byte("ADDRESS='10.0.0.1'"))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ParseLeaseFile(b)
		if err == nil && !a.Is4() {
			t.Fatalf("accepted %v", a)
		}
	})
}
