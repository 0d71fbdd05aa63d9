package dhcp6

import (
	"net"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv6"
)

// FuzzReply feeds arbitrary datagrams through decoding and lease parsing.
func FuzzReply(f *testing.F) {
	m, _ := dhcpv6.NewMessage()
	m.MessageType = dhcpv6.MessageTypeReply
	ia := &dhcpv6.OptIANA{IaId: [4]byte{0, 0, 0, 7}, T1: time.Minute, T2: 2 * time.Minute}
	ia.Options.Add(&dhcpv6.OptIAAddress{IPv6Addr: net.ParseIP("2001:db8::7"), PreferredLifetime: time.Hour, ValidLifetime: 2 * time.Hour})
	m.AddOption(ia)
	m.AddOption(dhcpv6.OptDNS(net.ParseIP("2001:db8::53")))
	f.Add(m.ToBytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		msg, err := dhcpv6.MessageFromBytes(b)
		if err != nil {
			return
		}
		l := ParseReply(msg, []byte{0, 3, 0, 1, 1, 2, 3, 4, 5, 6}, time.Unix(1000, 0), 7, false)
		for _, a := range l.Addresses {
			if !a.Addr.IsValid() {
				t.Fatalf("invalid address in lease")
			}
		}
	})
}
