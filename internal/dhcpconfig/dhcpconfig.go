// Package dhcpconfig owns the org.freedesktop.NetworkManager.DHCP4Config and
// DHCP6Config D-Bus objects: one per DHCP client run of a device, showing
// the current lease's options (Options a{sv}, each value a string, with
// the option names NetworkManager 1.42 uses, which the engines' leases
// already carry) and an empty dictionary while there is no lease. As in
// NetworkManager, a device exports the object when it starts DHCP and its
// Dhcp4Config/Dhcp6Config property (and its active connection's) point to
// it until the run ends. Options changes reach clients at most once per
// bus.RateLimitIPConfig, always ending with the settled lease. Objects live
// on the loop; the package calls internal/bus only.
package dhcpconfig

import (
	"maps"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/bus"
)

// D-Bus interface names.
const (
	IfaceDHCP4 = "org.freedesktop.NetworkManager.DHCP4Config"
	IfaceDHCP6 = "org.freedesktop.NetworkManager.DHCP6Config"
)

var (
	dhcp4Class = bus.MustClass(&bus.Class{Name: "DHCP4Config", Path: bus.FamilyDHCP4Config, Numbered: true,
		Interfaces: []*bus.Interface{{Name: IfaceDHCP4,
			RateLimit: &bus.RateLimit{Interval: bus.RateLimitIPConfig, Properties: []string{"Options"}}}}})
	dhcp6Class = bus.MustClass(&bus.Class{Name: "DHCP6Config", Path: bus.FamilyDHCP6Config, Numbered: true,
		Interfaces: []*bus.Interface{{Name: IfaceDHCP6,
			RateLimit: &bus.RateLimit{Interval: bus.RateLimitIPConfig, Properties: []string{"Options"}}}}})
)

// Config is one exported DHCP4Config or DHCP6Config object.
type Config struct {
	obj   *bus.Object
	iface string
	opts  map[string]string
}

// New exports a DHCP4Config (ipv6 false) or DHCP6Config object with no
// options. Call it on the loop.
func New(exp *bus.Exporter, ipv6 bool) *Config {
	class, iface := dhcp4Class, IfaceDHCP4
	if ipv6 {
		class, iface = dhcp6Class, IfaceDHCP6
	}
	c := &Config{obj: exp.NewObject(class), iface: iface}
	c.obj.SetRefresh(iface, c.refresh)
	c.obj.Invalidate(iface)
	if err := c.obj.Export(); err != nil {
		// Numbered paths are never taken: only a broken exporter gets here.
		panic("dhcpconfig: " + err.Error())
	}
	return c
}

// Path returns the object's path ("/" once it is removed).
func (c *Config) Path() dbus.ObjectPath { return c.obj.Path() }

// SetOptions shows the options of a new or renewed lease; nil (no lease)
// shows an empty dictionary. The map is copied.
func (c *Config) SetOptions(opts map[string]string) {
	if maps.Equal(opts, c.opts) {
		return
	}
	c.opts = maps.Clone(opts)
	c.obj.Invalidate(c.iface)
}

// Options returns the options shown (do not modify).
func (c *Config) Options() map[string]string { return c.opts }

// Remove takes the object off the bus; its number is never used again.
func (c *Config) Remove() { c.obj.Unexport() }

func (c *Config) refresh() {
	c.obj.Set(c.iface, "Options", Variant(c.opts))
}

// Variant is the Options value of a lease's option map: every value a
// string variant.
func Variant(opts map[string]string) map[string]dbus.Variant {
	v := make(map[string]dbus.Variant, len(opts))
	for k, s := range opts {
		v[k] = dbus.MakeVariant(s)
	}
	return v
}
