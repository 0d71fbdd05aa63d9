package device

import (
	"fmt"

	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/settings"
)

// CompleteConnection fills what a partial profile given to
// AddAndActivateConnection lacks for the device, as NetworkManager's
// complete_connection of the device kind: type, UUID, a unique name
// ("Wired connection N" for Ethernet), the interface name, and
// normalization.
func CompleteConnection(d *Device, c *setting.Connection, existing []*settings.Profile) error {
	con := c.Ensure("connection")
	inf := d.info
	ctype := inf.connType
	prefix := ""
	switch inf.devType {
	case TypeEthernet, TypeVeth:
		if c.Type() == "veth" {
			ctype, prefix = "veth", "Veth connection"
		} else {
			prefix = "Wired connection"
			c.Ensure("802-3-ethernet")
		}
	case TypeBridge:
		prefix = "Bridge connection"
	case TypeBond:
		prefix = "Bond connection"
	case TypeVLAN:
		prefix = "VLAN connection"
	case TypeMacvlan:
		prefix = "MACVLAN connection"
	case TypeVxlan:
		prefix = "VXLAN connection"
	case TypeTun:
		prefix = "Tun connection"
	case TypeDummy:
		prefix = "Dummy connection"
	case TypeLoopback:
		prefix = "Loopback connection"
	default:
		prefix = "Generic connection"
	}
	if t := c.Type(); t != "" && t != ctype && !(inf.alsoType != "" && t == inf.alsoType) {
		return bus.Errorf(bus.DeviceIncompatibleConnection, "connection type %s is not compatible with device %s", t, d.iface)
	}
	_ = con.Set("type", ctype)
	if c.UUID() == "" {
		_ = con.Set("uuid", setting.NewUUID())
	}
	if c.ID() == "" {
		names := map[string]bool{}
		for _, p := range existing {
			names[p.ID()] = true
		}
		for i := 1; ; i++ {
			n := fmt.Sprintf("%s %d", prefix, i)
			if !names[n] {
				_ = con.Set("id", n)
				break
			}
		}
	}
	if c.InterfaceName() == "" {
		_ = con.Set("interface-name", d.iface)
	}
	if _, err := c.Normalize(); err != nil {
		return bus.Errorf(err.DBusName(), "%s", err.Message)
	}
	return nil
}
