package ipconfig

import (
	"encoding/binary"
	"net/netip"
	"strings"

	"github.com/godbus/dbus/v5"
	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/platform"
)

// The encodings of NetworkManager's IP config properties.

type platformVals struct {
	addressData []map[string]dbus.Variant
	gateway     string
	routeData   []map[string]dbus.Variant
	addresses4  [][]uint32
	routes4     [][]uint32
	addresses6  []addr6
	routes6     []route6
}

// addr6 is an element of IP6Config.Addresses, (ayuay): address, prefix,
// gateway.
type addr6 struct {
	Addr    []byte
	Prefix  uint32
	Gateway []byte
}

// route6 is an element of IP6Config.Routes, (ayuayu): destination,
// prefix, next hop, metric.
type route6 struct {
	Dest    []byte
	Prefix  uint32
	NextHop []byte
	Metric  uint32
}

// nbo is an IPv4 address as NetworkManager's legacy properties carry it:
// the in_addr_t (network byte order) read as a host integer.
func nbo(a netip.Addr) uint32 {
	if !a.Is4() {
		return 0
	}
	b := a.As4()
	return binary.NativeEndian.Uint32(b[:])
}

func bytes16(a netip.Addr) []byte {
	if !a.IsValid() {
		a = netip.IPv6Unspecified()
	}
	b := a.As16()
	return b[:]
}

// aliasLabel is the label NetworkManager shows: only alias labels
// ("eth0:1"); the kernel's default label, the interface name, is none.
func aliasLabel(l string) string {
	if strings.Contains(l, ":") {
		return l
	}
	return ""
}

// platformValues reads the interface's addresses and routes of family f.
func platformValues(p l3cfg.Platform, index int32, f l3cfg.Family) platformVals {
	v4 := f == l3cfg.IPv4
	addrT, routeT := platform.TypeIP4Address, platform.TypeIP4Route
	if !v4 {
		addrT, routeT = platform.TypeIP6Address, platform.TypeIP6Route
	}
	out := platformVals{
		addressData: []map[string]dbus.Variant{},
		routeData:   []map[string]dbus.Variant{},
		addresses4:  [][]uint32{},
		routes4:     [][]uint32{},
		addresses6:  []addr6{},
		routes6:     []route6{},
	}

	// The gateway: the next hop of the lowest-metric unicast default
	// route of the main table, among all of the interface's routes (the
	// first one found wins a tie).
	var best platform.Route
	var haveBest bool
	n := 0
	p.Routes(routeT, index, func(r *platform.Route) bool {
		if r.Dst.Bits() == 0 && r.Type == unix.RTN_UNICAST && r.Table == platform.TableMain &&
			(!haveBest || r.Metric < best.Metric) {
			best, haveBest = *r, true
		}
		if r.Type != unix.RTN_UNICAST || n >= MaxRoutes {
			return true
		}
		n++
		d := map[string]dbus.Variant{
			"dest":   dbus.MakeVariant(r.Dst.Addr().String()),
			"prefix": dbus.MakeVariant(uint32(r.Dst.Bits())),
			"metric": dbus.MakeVariant(r.Metric),
		}
		if r.Gateway.IsValid() && !r.Gateway.IsUnspecified() {
			d["next-hop"] = dbus.MakeVariant(r.Gateway.String())
		}
		if r.Table != platform.TableMain {
			d["table"] = dbus.MakeVariant(r.Table)
		}
		out.routeData = append(out.routeData, d)
		// The legacy lists leave out default routes (old clients reject a
		// zero prefix) and other tables.
		if r.Table == platform.TableMain && r.Dst.Bits() != 0 {
			if v4 {
				out.routes4 = append(out.routes4, []uint32{nbo(r.Dst.Addr()), uint32(r.Dst.Bits()), nbo(r.Gateway), r.Metric})
			} else {
				out.routes6 = append(out.routes6, route6{bytes16(r.Dst.Addr()), uint32(r.Dst.Bits()), bytes16(r.Gateway), r.Metric})
			}
		}
		return true
	})
	if haveBest && best.Gateway.IsValid() {
		out.gateway = best.Gateway.String()
	} else if haveBest {
		// A default route without gateway: NetworkManager prints the
		// zero address.
		if v4 {
			out.gateway = "0.0.0.0"
		} else {
			out.gateway = "::"
		}
	}

	for i, a := range p.Addresses(addrT, index) {
		if i > MaxAddresses {
			break
		}
		d := map[string]dbus.Variant{
			"address": dbus.MakeVariant(a.Address.String()),
			"prefix":  dbus.MakeVariant(uint32(a.PrefixLen)),
		}
		if a.Peer.IsValid() && a.Peer != a.Address && !(!v4 && a.Peer.IsUnspecified()) {
			d["peer"] = dbus.MakeVariant(a.Peer.String())
		}
		if v4 {
			if l := aliasLabel(a.Label); l != "" {
				d["label"] = dbus.MakeVariant(l)
			}
		}
		out.addressData = append(out.addressData, d)
		// The legacy lists carry the gateway on their first entry.
		var gw netip.Addr
		if i == 0 && haveBest {
			gw = best.Gateway
		}
		if v4 {
			out.addresses4 = append(out.addresses4, []uint32{nbo(a.Address), uint32(a.PrefixLen), nbo(gw)})
		} else {
			out.addresses6 = append(out.addresses6, addr6{bytes16(a.Address), uint32(a.PrefixLen), bytes16(gw)})
		}
	}
	return out
}

type dnsVals struct {
	domains, searches, options []string
	priority                   int32
	nameservers4               []uint32
	nameserverData             []map[string]dbus.Variant
	nameservers6               [][]byte
	wins                       []uint32
	winsData                   []string
}

// nameserverAddr is the address of a nameserver entry ("ADDR" or
// "ADDR#server-name").
func nameserverAddr(s string) (netip.Addr, bool) {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	a, err := netip.ParseAddr(s)
	return a, err == nil
}

func dnsValues(cfg *l3cfg.Config, f l3cfg.Family) dnsVals {
	out := dnsVals{
		domains: []string{}, searches: []string{}, options: []string{},
		nameservers4: []uint32{}, nameserverData: []map[string]dbus.Variant{},
		nameservers6: [][]byte{}, wins: []uint32{}, winsData: []string{},
	}
	if cfg == nil {
		return out
	}
	fc := cfg.Family(f)
	out.domains = append(out.domains, fc.Domains...)
	out.searches = append(out.searches, fc.Searches...)
	out.options = append(out.options, fc.DNSOptions...)
	if fc.HasDNSPriority {
		out.priority = fc.DNSPriority
	}
	for _, ns := range fc.Nameservers {
		a, ok := nameserverAddr(ns)
		if !ok {
			continue
		}
		if f == l3cfg.IPv4 && a.Is4() {
			out.nameservers4 = append(out.nameservers4, nbo(a))
			out.nameserverData = append(out.nameserverData, map[string]dbus.Variant{"address": dbus.MakeVariant(a.String())})
		} else if f == l3cfg.IPv6 && a.Is6() {
			out.nameservers6 = append(out.nameservers6, bytes16(a))
		}
	}
	if f == l3cfg.IPv4 {
		for _, w := range cfg.WINS {
			if w.Is4() {
				out.wins = append(out.wins, nbo(w))
				out.winsData = append(out.winsData, w.String())
			}
		}
	}
	return out
}
