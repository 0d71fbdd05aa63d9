package device

import (
	"fmt"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/auth"
	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/setting"
)

// classFor returns the D-Bus class of a kind's devices: Device,
// Device.Statistics and the kind's interfaces. Classes are made once per
// kind and device set.
func classFor(k kind, r *Devices) *bus.Class {
	if r.classes == nil {
		r.classes = map[*kindInfo]*bus.Class{}
	}
	inf := k.info()
	if c := r.classes[inf]; c != nil {
		return c
	}
	ifaces := []*bus.Interface{
		{Name: IfaceDevice,
			Methods: map[string]bus.Handler{
				"Reapply":              r.handleReapply,
				"GetAppliedConnection": r.handleGetAppliedConnection,
				"Disconnect":           r.handleDisconnect,
				"Delete":               r.handleDelete,
			},
			Setters: map[string]bus.Handler{
				"Managed":     r.setManaged,
				"Autoconnect": r.setAutoconnect,
			}},
		{Name: IfaceStatistics, Setters: map[string]bus.Handler{"RefreshRateMs": r.setRefreshRate}},
	}
	for _, name := range append([]string{inf.iface}, inf.extra...) {
		ifaces = append(ifaces, &bus.Interface{Name: name})
	}
	c := bus.MustClass(&bus.Class{Name: "Device", Path: bus.FamilyDevices, Numbered: true, Interfaces: ifaces})
	r.classes[inf] = c
	return c
}

// publish sets every property of the device object from the device's
// state. Values that did not change are not emitted again.
func (d *Device) publish() {
	o := d.obj
	set := func(iface, prop string, v any) { o.Set(iface, prop, v) }
	l := d.link
	set(IfaceDevice, "Udi", d.udi)
	set(IfaceDevice, "Path", "")
	set(IfaceDevice, "Interface", d.iface)
	ipIface := ""
	if d.ifindex > 0 && (d.state == StateUnmanaged || (d.state >= StateIPCheck && d.state <= StateDeactivating)) {
		ipIface = d.iface
	}
	set(IfaceDevice, "IpInterface", ipIface)
	set(IfaceDevice, "Driver", d.driverName())
	set(IfaceDevice, "DriverVersion", d.driverVersion)
	set(IfaceDevice, "FirmwareVersion", d.firmwareVersion)
	set(IfaceDevice, "Capabilities", uint32(d.caps))
	set(IfaceDevice, "Ip4Address", uint32(0))
	set(IfaceDevice, "State", uint32(d.state))
	set(IfaceDevice, "StateReason", stateReason{uint32(d.state), uint32(d.reason)})
	act := dbusRoot
	if d.act != nil && d.act.obj != nil && d.act.obj.Exported() {
		act = d.act.obj.Path()
	}
	set(IfaceDevice, "ActiveConnection", act)
	set(IfaceDevice, "Ip4Config", d.IPConfigPath(4))
	set(IfaceDevice, "Dhcp4Config", d.DHCPConfigPath(4))
	set(IfaceDevice, "Ip6Config", d.IPConfigPath(6))
	set(IfaceDevice, "Dhcp6Config", d.DHCPConfigPath(6))
	set(IfaceDevice, "Managed", d.state > StateUnmanaged)
	set(IfaceDevice, "Autoconnect", d.autoconnectOff == 0)
	set(IfaceDevice, "FirmwareMissing", false)
	set(IfaceDevice, "NmPluginMissing", false)
	set(IfaceDevice, "DeviceType", uint32(d.info.devType))
	avail := make([]dbus.ObjectPath, 0, len(d.availList))
	for _, p := range d.availList {
		if path := d.reg.opts.ProfilePath(p); path != dbusRoot {
			avail = append(avail, path)
		}
	}
	set(IfaceDevice, "AvailableConnections", avail)
	set(IfaceDevice, "PhysicalPortId", "")
	var mtu uint32
	if l != nil {
		mtu = l.MTU
	}
	set(IfaceDevice, "Mtu", mtu)
	set(IfaceDevice, "Metered", uint32(d.metered))
	set(IfaceDevice, "LldpNeighbors", []map[string]dbus.Variant{})
	set(IfaceDevice, "Real", d.real)
	set(IfaceDevice, "Ip4Connectivity", uint32(d.connectivity[0]))
	set(IfaceDevice, "Ip6Connectivity", uint32(d.connectivity[1]))
	set(IfaceDevice, "InterfaceFlags", uint32(d.interfaceFlags()))
	set(IfaceDevice, "HwAddress", hwAddrString(l))
	set(IfaceDevice, "Ports", portPaths(d))
	set(IfaceStatistics, "RefreshRateMs", d.stats.rate)
	set(IfaceStatistics, "TxBytes", d.stats.tx)
	set(IfaceStatistics, "RxBytes", d.stats.rx)
	d.kind.props(d, set)
}

func (d *Device) driverName() string {
	if d.driver != "" {
		return d.driver
	}
	if d.link == nil {
		// Unrealized software devices show the driver their link will
		// have.
		switch d.info.devType {
		case TypeBridge, TypeBond, TypeVLAN, TypeMacvlan, TypeVxlan, TypeTun, TypeDummy, TypeVeth:
			return d.link0Driver()
		}
		return ""
	}
	return "unknown"
}

// link0Driver is the driver name the kernel gives links of the kind.
func (d *Device) link0Driver() string {
	switch d.info.devType {
	case TypeBridge:
		return "bridge"
	case TypeBond:
		return "bonding"
	case TypeVLAN:
		return "802.1Q VLAN Support"
	case TypeMacvlan:
		return "macvlan"
	case TypeVxlan:
		return "vxlan"
	case TypeTun:
		return "tun"
	case TypeDummy:
		return "dummy"
	case TypeVeth:
		return "veth"
	}
	return ""
}

// interfaceFlags is InterfaceFlags: the link's UP, LOWER_UP and PROMISC,
// and CARRIER for lower-up.
func (d *Device) interfaceFlags() InterfaceFlags {
	var f InterfaceFlags
	if d.link == nil {
		return 0
	}
	if d.link.Flags&0x1 != 0 {
		f |= IfaceFlagUp
	}
	if d.link.Carrier() {
		f |= IfaceFlagLowerUp | IfaceFlagCarrier
	}
	if d.link.Flags&0x100 != 0 {
		f |= IfaceFlagPromisc
	}
	return f
}

// stateReason is the (uu) of Device.StateReason.
type stateReason struct{ State, Reason uint32 }

// ---- D-Bus methods and property writes ----

// authorize runs fn once the caller may control networking; otherwise it
// answers as NetworkManager's device methods do.
func (r *Devices) authorize(c *bus.Call, fn func()) {
	if r.opts.Auth == nil {
		fn()
		return
	}
	r.opts.Auth.Check(c.Sender, auth.NetworkControl, true, func(_ auth.Subject, res auth.Result, err error) {
		switch {
		case err != nil:
			c.Error(bus.Errorf(bus.ManagerPermissionDenied, "%s", auth.MsgRequestAuthFailed))
		case res != auth.Yes:
			c.Error(bus.Errorf(bus.ManagerPermissionDenied, "%s request failed: not authorized", auth.NetworkControl))
		default:
			fn()
		}
	})
}

// authorizeSet is authorize for property writes, with the words
// NetworkManager uses for them.
func (r *Devices) authorizeSet(c *bus.Call, action string, fn func()) {
	if r.opts.Auth == nil {
		fn()
		return
	}
	r.opts.Auth.Check(c.Sender, action, true, func(_ auth.Subject, res auth.Result, err error) {
		switch {
		case err != nil:
			c.Error(bus.Errorf(bus.DBusAuthFailed, "%s", auth.MsgRequestUIDUnknown))
		case res != auth.Yes:
			c.Error(bus.Errorf(bus.ManagerPermissionDenied, "Not authorized to perform this operation"))
		case !c.Object.Exported():
			c.Error(bus.Errorf(bus.DBusUnknownObject, "Object was deleted while authenticating"))
		default:
			fn()
		}
	})
}

func deviceOf(c *bus.Call) *Device { d, _ := c.Object.Data.(*Device); return d }

func (r *Devices) handleDisconnect(c *bus.Call) {
	d := deviceOf(c)
	if d.act == nil {
		c.Error(bus.Errorf(bus.DeviceNotActive, "This device is not active"))
		return
	}
	r.authorize(c, func() {
		if err := d.Disconnect(); err != nil {
			c.Error(err)
			return
		}
		c.Reply()
	})
}

func (r *Devices) handleDelete(c *bus.Call) {
	d := deviceOf(c)
	if !d.Software() || !d.real {
		c.Error(bus.Errorf(bus.DeviceNotSoftware, "This device is not a software device or is not realized"))
		return
	}
	r.authorize(c, func() {
		if err := d.Delete(); err != nil {
			c.Error(bus.Errorf(bus.DeviceFailed, "%s", err.Error()))
			return
		}
		c.Reply()
	})
}

func (r *Devices) handleGetAppliedConnection(c *bus.Call) {
	d := deviceOf(c)
	if c.Args[0].(uint32) != 0 {
		c.Error(bus.Errorf(bus.DeviceInvalidArgument, "Invalid flags specified"))
		return
	}
	if d.act == nil || d.act.Applied == nil {
		c.Error(bus.Errorf(bus.DeviceNotActive, "Device is not activated"))
		return
	}
	c.Reply(map[string]map[string]dbus.Variant(d.act.Applied.ToDBus(setting.NoSecrets)), d.act.versionID)
}

func (r *Devices) handleReapply(c *bus.Call) {
	d := deviceOf(c)
	settingsArg := c.Args[0].(map[string]map[string]dbus.Variant)
	versionID := c.Args[1].(uint64)
	flags := c.Args[2].(uint32)
	if flags&^reapplyPreserveExternalIP != 0 {
		c.Error(bus.Errorf(bus.DeviceFailed, "Invalid flags specified"))
		return
	}
	if d.state < StatePrepare || d.state > StateActivated || d.act == nil {
		c.Error(bus.Errorf(bus.DeviceNotActive, "Device is not activated"))
		return
	}
	var conn *setting.Connection
	if len(settingsArg) > 0 {
		cc, err := setting.FromDBus(setting.Dict(settingsArg), setting.ParseStrict|setting.ParseNormalize)
		if err != nil {
			c.Error(bus.Errorf(err.DBusName(), "The settings specified are invalid: %s", err.Message))
			return
		}
		conn = cc
	}
	r.authorize(c, func() {
		if d.sysIface == SysIfaceExternal {
			d.setSysIface(SysIfaceManaged)
		}
		if conn == nil && d.act != nil && d.act.Profile != nil {
			conn = d.act.Profile.Connection()
		}
		if err := d.Reapply(conn, versionID, flags); err != nil {
			c.Error(err)
			return
		}
		c.Reply()
	})
}

func (r *Devices) setManaged(c *bus.Call) {
	d := deviceOf(c)
	managed := c.Args[0].(bool)
	r.authorizeSet(c, auth.NetworkControl, func() {
		d.SetManagedByUser(managed)
		c.Reply()
	})
}

func (r *Devices) setAutoconnect(c *bus.Call) {
	d := deviceOf(c)
	on := c.Args[0].(bool)
	r.authorizeSet(c, auth.NetworkControl, func() {
		d.SetAutoconnect(on)
		c.Reply()
	})
}

func (r *Devices) setRefreshRate(c *bus.Call) {
	d := deviceOf(c)
	rate := c.Args[0].(uint32)
	r.authorizeSet(c, auth.EnableDisableStatistics, func() {
		d.setStatsRate(rate)
		c.Reply()
	})
}

// NMDeviceReapplyFlags.
const reapplyPreserveExternalIP = 0x1

func errorf(name, format string, args ...any) *bus.Error {
	return bus.Errorf(name, "%s", fmt.Sprintf(format, args...))
}
