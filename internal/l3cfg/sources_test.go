package l3cfg

import (
	"net/netip"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/dhcp4"
	"github.com/gonm/gonm/internal/dhcp6"
	"github.com/gonm/gonm/internal/ndisc"
	"github.com/gonm/gonm/internal/platform"
)

// What the engines' results become, merged as a device would add them
// (ethernet: metric 100, main table).
func TestSources(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	lease := &dhcp4.Lease{
		Address: pfx("192.0.2.50/24"), Lifetime: time.Hour, Acquired: now,
		Routes: []dhcp4.Route{
			{Dest: pfx("10.9.0.0/16"), Gateway: ip("192.0.2.2"), PrefSrc: ip("192.0.2.50")},
			{Dest: pfx("0.0.0.0/0"), Gateway: ip("192.0.2.1"), PrefSrc: ip("192.0.2.50")},
			{Dest: pfx("0.0.0.0/0"), Gateway: ip("192.0.2.3"), Metric: 1, PrefSrc: ip("192.0.2.50")},
		},
		DNS: []netip.Addr{ip("192.0.2.53")}, Domains: []string{"lan"}, Search: []string{"corp.example"},
		WINS: []netip.Addr{ip("192.0.2.44")}, MTU: 1400,
	}
	ra := &ndisc.Data{
		Gateways:   []ndisc.Gateway{{Addr: ip("fe80::1"), Preference: ndisc.PrefHigh}},
		Addresses:  []ndisc.Address{{Addr: ip("2001:db8::5:6:7:8"), Expiry: now.Add(time.Hour), PreferredExpiry: now.Add(30 * time.Minute)}},
		Routes:     []ndisc.Route{{Prefix: pfx("2001:db8::/64"), OnLink: true}, {Prefix: pfx("2001:db8:99::/48"), Gateway: ip("fe80::1"), Preference: ndisc.PrefLow}},
		DNSServers: []ndisc.DNSServer{{Addr: ip("2001:db8::53")}},
		DNSDomains: []ndisc.DNSDomain{{Domain: "ra.example"}},
		MTU:        1480,
	}
	d6 := &dhcp6.Lease{Acquired: now, Addresses: []dhcp6.Address{{Addr: ip("2001:db8::aaaa"), Preferred: time.Minute, Valid: time.Hour}},
		DNS: []netip.Addr{ip("2001:db8::35")}, Domains: []string{"six.example"}}
	// Alone, the routers' link-local address is reached by no device
	// route of the config: NetworkManager adds a host route (with the
	// IPv6 link-local contribution, its fe80::/64 covers it).
	for _, tc := range []struct {
		name string
		cfg  *Config
		want string
	}{
		{"dhcp4", FromDHCP4(lease), `
ipv4 address 192.0.2.50/24 valid-until 2026-01-02T04:04:05Z
ipv4 route 10.9.0.0/16 via 192.0.2.2 dev 2 proto dhcp src 192.0.2.50 metric 100
ipv4 route 0.0.0.0/0 via 192.0.2.1 dev 2 proto dhcp src 192.0.2.50 metric 100
ipv4 route 0.0.0.0/0 via 192.0.2.3 dev 2 proto dhcp src 192.0.2.50 metric 101
ipv4 route 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.50 metric 100
ipv4 nameserver 192.0.2.53
ipv4 domain lan
ipv4 search corp.example
wins 192.0.2.44
mtu 1400
`},
		{"ndisc", FromNDisc(ra, true), `
ipv6 address 2001:db8::5:6:7:8/64 valid-until 2026-01-02T04:04:05Z mngtmpaddr noprefixroute
ipv6 route 2001:db8::/64 dev 2 proto ra metric 100
ipv6 route 2001:db8:99::/48 via fe80::1 dev 2 proto ra metric 100
ipv6 route ::/0 via fe80::1 dev 2 proto ra metric 100
ipv6 route fe80::1/128 dev 2 proto ra metric 100
ipv6 nameserver 2001:db8::53
ipv6 search ra.example
ip6-mtu 1480
`},
		{"dhcp6", FromDHCP6(d6), `
ipv6 address 2001:db8::aaaa/128 valid-until 2026-01-02T04:04:05Z
ipv6 route 2001:db8::aaaa/128 dev 2 proto kernel metric 100
ipv6 nameserver 2001:db8::35
ipv6 search six.example
`},
		{"ipv4ll", FromIPv4LL(ip("169.254.7.9")), `
ipv4 address 169.254.7.9/16
ipv4 route 224.0.0.0/4 dev 2 proto static scope 253 metric 100
ipv4 route 169.254.0.0/16 dev 2 proto kernel scope 253 src 169.254.7.9 metric 100
`},
	} {
		m := mergeConfigs(2, []*entry{{tag: "x", cfg: tc.cfg, opts: ethOpts}}, false, nil)
		golden(t, tc.name, m.cfg.String(), tc.want)
	}
	// The router preferences travel with the routes.
	m := mergeConfigs(2, []*entry{{tag: "x", cfg: FromNDisc(ra, false), opts: ethOpts}}, false, nil)
	if r := m.cfg.IPv6.Routes; r[1].Pref != uint8(ndisc.PrefLow) || r[2].Pref != uint8(ndisc.PrefHigh) {
		t.Errorf("preferences: %v %v", r[1].Pref, r[2].Pref)
	}
	if a := m.cfg.IPv6.Addresses[0]; a.Flags != unix.IFA_F_NOPREFIXROUTE {
		t.Errorf("without privacy: flags %#x", a.Flags)
	}
}

// What is on an interface, as a contribution.
func TestFromInterface(t *testing.T) {
	x := newFx(t)
	var got string
	x.do(func() {
		for _, a := range []string{"192.0.2.10/24", "192.0.2.11/24", "198.51.100.1/24", "2001:db8::1/64"} {
			p := pfx(a)
			x.fake.SetAddress(&platform.Address{Index: 2, Address: p.Addr(), PrefixLen: uint8(p.Bits()),
				Valid: platform.LifetimeInfinite, Preferred: platform.LifetimeInfinite})
		}
		x.fake.AddRoute(platform.Route{Table: 254, Dst: pfx("0.0.0.0/0"), Gateway: ip("192.0.2.1"), Index: 2,
			Metric: 20, Protocol: unix.RTPROT_DHCP, Type: unix.RTN_UNICAST})
		got = FromInterface(x.fake, 2).String()
	})
	// Primary addresses first (the newest first, as the cache lists
	// them), then the secondary one; the kernel's prefix routes and the
	// default route as they are; no local-table routes.
	golden(t, "external", got, `
ipv4 address 198.51.100.1/24
ipv4 address 192.0.2.10/24
ipv4 address 192.0.2.11/24
ipv4 route 192.0.2.0/24 dev 2 proto kernel scope 253 src 192.0.2.10 metric 0
ipv4 route 198.51.100.0/24 dev 2 proto kernel scope 253 src 198.51.100.1 metric 0
ipv4 route 0.0.0.0/0 via 192.0.2.1 dev 2 proto dhcp metric 20
ipv6 address 2001:db8::1/64
`)
}
