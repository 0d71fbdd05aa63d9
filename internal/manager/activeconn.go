package manager

import (
	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/device"
)

// IfaceActive is the interface of active connections.
const IfaceActive = "org.freedesktop.NetworkManager.Connection.Active"

var activeClass = bus.MustClass(&bus.Class{
	Name: "ActiveConnection", Path: bus.FamilyActiveConnection, Numbered: true,
	Interfaces: []*bus.Interface{{Name: IfaceActive}},
})

// activeConn is the Connection.Active object of an activation.
type activeConn struct {
	m   *Manager
	act *device.Activation
	obj *bus.Object
}

// addActiveConn exports an activation as it is created.
func (m *Manager) addActiveConn(a *device.Activation) {
	ac := &activeConn{m: m, act: a, obj: m.exp.NewObject(activeClass)}
	ac.sync()
	if err := ac.obj.Export(); err != nil {
		m.log.Warn("export active connection: " + err.Error())
		return
	}
	m.acs[a] = ac
	m.acOrder = append(m.acOrder, a)
	a.SetObject(ac.obj)
	ac.sync()
	m.refreshActiveList()
}

// removeActiveConn takes a deactivated activation off the bus at the next
// turn, so clients that reacted to its last state can still read it.
func (m *Manager) removeActiveConn(a *device.Activation) {
	ac := m.acs[a]
	if ac == nil {
		return
	}
	delete(m.acs, a)
	for i, x := range m.acOrder {
		if x == a {
			m.acOrder = append(m.acOrder[:i], m.acOrder[i+1:]...)
			break
		}
	}
	m.refreshActiveList()
	if m.primary == a {
		m.SetPrimaryConnection(nil)
	}
	if m.activating == a {
		m.SetActivatingConnection(nil)
	}
	m.exp.Loop().Post(ac.obj.Unexport)
}

// sync sets every property from the activation.
func (ac *activeConn) sync() {
	a := ac.act
	set := func(p string, v any) { ac.obj.Set(IfaceActive, p, v) }
	conn := dbus.ObjectPath("/")
	if a.Profile != nil && ac.m.devs.ProfilePath != nil {
		conn = ac.m.devs.ProfilePath(a.Profile)
	}
	set("Connection", conn)
	set("SpecificObject", a.SpecificObject)
	set("Id", a.Applied.ID())
	set("Uuid", a.Applied.UUID())
	set("Type", a.Applied.Type())
	devs := []dbus.ObjectPath{}
	if a.Device != nil && a.Device.Object().Exported() {
		devs = append(devs, a.Device.Path())
	}
	set("Devices", devs)
	set("State", uint32(a.State()))
	set("StateFlags", uint32(a.Flags()))
	set("Default", a.Default)
	set("Default6", a.Default6)
	ip4, ip6 := dbus.ObjectPath("/"), dbus.ObjectPath("/")
	dhcp4, dhcp6 := dbus.ObjectPath("/"), dbus.ObjectPath("/")
	// NetworkManager shows the device's objects while the activation is
	// activated or deactivating.
	if d := a.Device; d != nil && (a.State() == device.ActActivated || a.State() == device.ActDeactivating) {
		ip4, ip6 = d.IPConfigPath(4), d.IPConfigPath(6)
		dhcp4, dhcp6 = d.DHCPConfigPath(4), d.DHCPConfigPath(6)
	}
	set("Ip4Config", ip4)
	set("Ip6Config", ip6)
	set("Dhcp4Config", dhcp4)
	set("Dhcp6Config", dhcp6)
	set("Vpn", false)
	ctrl := dbus.ObjectPath("/")
	if c := a.Controller; c != nil && c.Device != nil && c.Device.Object().Exported() {
		ctrl = c.Device.Path()
	}
	set("Controller", ctrl)
	set("Master", ctrl)
}

// ActiveConnectionPath is the object path of an activation ("/" if it is
// not exported).
func (m *Manager) ActiveConnectionPath(a *device.Activation) dbus.ObjectPath {
	if ac := m.acs[a]; ac != nil {
		return ac.obj.Path()
	}
	return bus.NoObject
}

// activationByPath finds an exported activation.
func (m *Manager) activationByPath(p dbus.ObjectPath) *device.Activation {
	for a, ac := range m.acs {
		if ac.obj.Path() == p {
			return a
		}
	}
	return nil
}
