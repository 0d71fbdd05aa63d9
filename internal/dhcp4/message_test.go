package dhcp4

import (
	"bytes"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

func TestRequestOptions(t *testing.T) {
	c, err := New(Config{IfIndex: 2, HWAddr: net.HardwareAddr{2, 0, 0, 0, 0, 1}, Hostname: "host.example.test", UseFQDN: true, FQDNFlags: 0x05,
		VendorClass: []byte("vendor"), MUDURL: "https://mud.example.test/x"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := c.newMessage(dhcpv4.MessageTypeDiscover)
	want := append([]byte{0x05, 0, 0}, 4, 'h', 'o', 's', 't', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0)
	if got := m.Options.Get(dhcpv4.OptionFQDN); !bytes.Equal(got, want) {
		t.Errorf("FQDN option %x, want %x", got, want)
	}
	if got := m.Options.Get(dhcpv4.OptionParameterRequestList); !bytes.Equal(got, []byte{1, 2, 6, 12, 15, 26, 28, 121, 3, 33, 40, 41, 42, 119, 249, 252, 17}) {
		t.Errorf("parameter request list %v", got)
	}
	if got := m.Options.Get(dhcpv4.OptionClientIdentifier); !bytes.Equal(got, []byte{1, 2, 0, 0, 0, 0, 1}) {
		t.Errorf("client id %x", got)
	}
	if string(m.Options.Get(dhcpv4.OptionClassIdentifier)) != "vendor" || string(m.Options.Get(dhcpv4.GenericOptionCode(161))) != "https://mud.example.test/x" {
		t.Errorf("vendor class / MUD URL missing: %s", m.Summary())
	}
	if got := m.Options.Get(dhcpv4.OptionMaximumDHCPMessageSize); !bytes.Equal(got, []byte{2, 0x40}) {
		t.Errorf("maximum message size %x, want 576", got)
	}
	c2, _ := New(Config{IfIndex: 2, HWAddr: net.HardwareAddr{2, 0, 0, 0, 0, 1}, Hostname: "plain"}, nil)
	m2 := c2.newMessage(dhcpv4.MessageTypeRequest)
	if string(m2.Options.Get(dhcpv4.OptionHostName)) != "plain" || m2.Options.Has(dhcpv4.OptionFQDN) {
		t.Errorf("hostname option: %s", m2.Summary())
	}
	if m3 := c2.newMessage(dhcpv4.MessageTypeDecline); m3.Options.Has(dhcpv4.OptionParameterRequestList) || m3.Options.Has(dhcpv4.OptionHostName) {
		t.Errorf("DECLINE carries request options: %s", m3.Summary())
	}
}

func TestNonContiguousMask(t *testing.T) {
	ack, _ := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeAck), dhcpv4.WithYourIP(net.IPv4(10, 1, 2, 3)),
		dhcpv4.WithOption(dhcpv4.OptGeneric(dhcpv4.OptionSubnetMask, []byte{255, 0, 255, 0})))
	l, err := ParseLease(ack, nil, time.Unix(0, 0), nil)
	if err != nil || l.Address != netip.MustParsePrefix("10.1.2.3/24") || l.Options["subnet_mask"] != "255.255.255.0" {
		t.Errorf("lease %v %q %v", l.Address, l.Options["subnet_mask"], err)
	}
	noMask, _ := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeAck), dhcpv4.WithYourIP(net.IPv4(172, 16, 0, 9)))
	l, _ = ParseLease(noMask, nil, time.Unix(0, 0), nil)
	if l.Address.Bits() != 16 || l.Options["subnet_mask"] != "255.255.0.0" || l.Options["dhcp_lease_time"] != "4294967295" {
		t.Errorf("classful default: %v %v", l.Address, l.Options)
	}
	if _, ok := l.Options["expiry"]; ok {
		t.Errorf("infinite lease has an expiry")
	}
}

func TestRejectServers(t *testing.T) {
	l := newLink(t)
	f := &fakeServer{leaseTime: 60}
	startFakeServer(t, l, f)
	c, ev := startClient(t, l, Config{RejectServers: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/30")}})
	select {
	case e := <-ev:
		t.Fatalf("event %v from a rejected server", e.Type)
	case <-time.After(3 * time.Second):
	}
	if s := c.State(); s != StateSelecting {
		t.Errorf("state %v, want still selecting", s)
	}
}
