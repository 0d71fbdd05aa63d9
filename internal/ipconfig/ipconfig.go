// Package ipconfig owns the org.freedesktop.NetworkManager.IP4Config and
// IP6Config D-Bus objects: the view of an interface's IP state that
// devices and active connections point to (their Ip4Config/Ip6Config
// properties). As in NetworkManager, an object shows what is on the
// interface, read from the platform (addresses, routes, the gateway of its
// best default route, whoever configured them), and the DNS of the
// configuration its L3Cfg last committed. Address and route lists are
// capped (NetworkManager 1.46's limits) and their changes reach clients at
// most once per bus.RateLimitIPConfig, computed only when they may be
// sent, always ending with the settled state: a storm of route changes
// costs a few signals of bounded size. Objects live on the loop; the
// package calls internal/l3cfg (events and the platform queries it
// exposes) and internal/bus.
package ipconfig

import (
	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/platform"
)

// D-Bus interface names.
const (
	IfaceIP4 = "org.freedesktop.NetworkManager.IP4Config"
	IfaceIP6 = "org.freedesktop.NetworkManager.IP6Config"
)

// Export limits, NetworkManager 1.46's: at most MaxRoutes unicast routes;
// the address list stops once its counter passes MaxAddresses, so it holds
// up to MaxAddresses+1 entries (an off-by-one clients see).
const (
	MaxAddresses = 100
	MaxRoutes    = 100
)

// The properties that follow the platform: computed on demand, at most
// once per rate-limit interval.
var platformProps = []string{"AddressData", "Addresses", "Gateway", "RouteData", "Routes"}

var (
	ip4Class = bus.MustClass(&bus.Class{Name: "IP4Config", Path: bus.FamilyIP4Config, Numbered: true,
		Interfaces: []*bus.Interface{{Name: IfaceIP4,
			RateLimit: &bus.RateLimit{Interval: bus.RateLimitIPConfig, Properties: platformProps}}}})
	ip6Class = bus.MustClass(&bus.Class{Name: "IP6Config", Path: bus.FamilyIP6Config, Numbered: true,
		Interfaces: []*bus.Interface{{Name: IfaceIP6,
			RateLimit: &bus.RateLimit{Interval: bus.RateLimitIPConfig, Properties: platformProps}}}})
)

// Manager holds the IP config objects of one exporter: one per L3Cfg and
// family, shared by whoever acquires it (a device and its active
// connection point to the same object, as in NetworkManager).
type Manager struct {
	exp  *bus.Exporter
	objs map[key]*IPConfig
}

type key struct {
	l *l3cfg.L3Cfg
	f l3cfg.Family
}

// NewManager returns a manager exporting on exp.
func NewManager(exp *bus.Exporter) *Manager {
	return &Manager{exp: exp, objs: map[key]*IPConfig{}}
}

// IPConfig is one exported IP4Config or IP6Config object.
type IPConfig struct {
	m      *Manager
	l      *l3cfg.L3Cfg
	f      l3cfg.Family
	iface  string
	obj    *bus.Object
	refs   int
	cancel func()
}

// Acquire returns the object of l's family f, exporting it the first time
// (with its values computed at once, not rate limited), and takes a
// reference; the object holds one on l until its last Release. Call it on
// the loop.
func (m *Manager) Acquire(l *l3cfg.L3Cfg, f l3cfg.Family) *IPConfig {
	k := key{l, f}
	if c := m.objs[k]; c != nil {
		c.refs++
		return c
	}
	c := &IPConfig{m: m, l: l, f: f, refs: 1}
	l.Retain()
	class := ip4Class
	c.iface = IfaceIP4
	if f == l3cfg.IPv6 {
		class, c.iface = ip6Class, IfaceIP6
	}
	c.obj = m.exp.NewObject(class)
	c.obj.SetRefresh(c.iface, c.refreshPlatform)
	c.obj.Invalidate(c.iface)
	c.setDNS(l.Config(true))
	c.cancel = l.Watch(c.event)
	if err := c.obj.Export(); err != nil {
		// Numbered paths are never taken: only a broken exporter gets here.
		panic("ipconfig: " + err.Error())
	}
	m.objs[k] = c
	return c
}

// Path returns the object's path ("/" once released for good).
func (c *IPConfig) Path() dbus.ObjectPath { return c.obj.Path() }

// Family returns the object's address family.
func (c *IPConfig) Family() l3cfg.Family { return c.f }

// Release drops a reference; the last one removes the object from the bus
// (its number is never used again).
func (c *IPConfig) Release() {
	if c.refs <= 0 {
		return
	}
	c.refs--
	if c.refs > 0 {
		return
	}
	c.cancel()
	c.obj.Unexport()
	delete(c.m.objs, key{c.l, c.f})
	c.l.Release()
}

func (c *IPConfig) event(e l3cfg.Event) {
	switch e.Type {
	case l3cfg.EventPlatformChange:
		addr, route := platform.TypeIP4Address, platform.TypeIP4Route
		if c.f == l3cfg.IPv6 {
			addr, route = platform.TypeIP6Address, platform.TypeIP6Route
		}
		if e.Types.Has(addr) || e.Types.Has(route) {
			c.obj.Invalidate(c.iface)
		}
	case l3cfg.EventConfigChanged:
		if e.Committed {
			c.setDNS(e.New)
		}
	}
}

// refreshPlatform computes the platform-backed properties; the exporter
// calls it when they may be emitted.
func (c *IPConfig) refreshPlatform() {
	v := platformValues(c.l.Platform(), c.l.Index(), c.f)
	c.obj.Set(c.iface, "AddressData", v.addressData)
	c.obj.Set(c.iface, "Gateway", v.gateway)
	c.obj.Set(c.iface, "RouteData", v.routeData)
	if c.f == l3cfg.IPv4 {
		c.obj.Set(c.iface, "Addresses", v.addresses4)
		c.obj.Set(c.iface, "Routes", v.routes4)
	} else {
		c.obj.Set(c.iface, "Addresses", v.addresses6)
		c.obj.Set(c.iface, "Routes", v.routes6)
	}
}

// setDNS shows the DNS of the committed configuration (not rate limited:
// it changes with commits, not with the kernel).
func (c *IPConfig) setDNS(cfg *l3cfg.Config) {
	d := dnsValues(cfg, c.f)
	c.obj.Set(c.iface, "Domains", d.domains)
	c.obj.Set(c.iface, "Searches", d.searches)
	c.obj.Set(c.iface, "DnsOptions", d.options)
	c.obj.Set(c.iface, "DnsPriority", d.priority)
	if c.f == l3cfg.IPv4 {
		c.obj.Set(c.iface, "Nameservers", d.nameservers4)
		c.obj.Set(c.iface, "NameserverData", d.nameserverData)
		c.obj.Set(c.iface, "WinsServers", d.wins)
		c.obj.Set(c.iface, "WinsServerData", d.winsData)
	} else {
		c.obj.Set(c.iface, "Nameservers", d.nameservers6)
	}
}
