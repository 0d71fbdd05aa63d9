package manager

import (
	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/device"
	"github.com/gonm/gonm/internal/settings"
)

// DeviceLayer is what the root object needs of the devices and profiles.
type DeviceLayer struct {
	Devices *device.Devices
	Store   *settings.Store
	// ProfilePath names a profile's Settings.Connection object and
	// ProfileByPath finds a profile by it.
	ProfilePath   func(*settings.Profile) dbus.ObjectPath
	ProfileByPath func(dbus.ObjectPath) *settings.Profile
}

// AttachDevices connects the device layer: the root object lists the
// devices and active connections, announces devices, exports every
// activation as a Connection.Active object, and its activation methods
// work. Call it on the loop before the devices start.
func (m *Manager) AttachDevices(l DeviceLayer) {
	m.devs = l
	m.acs = map[*device.Activation]*activeConn{}
	l.Devices.Subscribe(m.deviceEvent)
	m.refreshDeviceLists()
}

// Devices returns the device layer (nil before AttachDevices).
func (m *Manager) Devices() *device.Devices { return m.devs.Devices }

func (m *Manager) deviceEvent(e device.Event) {
	switch e.Kind {
	case device.DeviceAdded:
		m.refreshDeviceLists()
	case device.DeviceRealized:
		m.refreshDeviceLists()
		if m.root.Exported() {
			m.root.Emit(IfaceManager, "DeviceAdded", e.Device.Path())
		}
	case device.DeviceUnrealized:
		m.refreshDeviceLists()
		if m.root.Exported() && e.Device.Object().Exported() {
			m.root.Emit(IfaceManager, "DeviceRemoved", e.Device.Path())
		}
	case device.DeviceRemoved:
		m.refreshDeviceLists()
	case device.DeviceStateChanged:
		m.updateConnectivity()
		m.updateState()
	case device.DeviceChanged:
		m.updateConnectivity()
	case device.ActivationAdded:
		m.addActiveConn(e.Act)
	case device.ActivationStateChanged:
		if ac := m.acs[e.Act]; ac != nil {
			ac.sync()
			ac.obj.Emit(IfaceActive, "StateChanged", uint32(e.ActState), uint32(e.ActReason))
		}
		m.updateState()
	case device.ActivationChanged:
		if ac := m.acs[e.Act]; ac != nil {
			ac.sync()
		}
		m.updateState()
	case device.ActivationRemoved:
		m.removeActiveConn(e.Act)
		m.updateState()
	}
	for _, fn := range m.deviceSubs {
		fn(e)
	}
	m.checkStartup()
}

// checkStartup ends start-up once the devices found at start settled and
// no activation is under way, as NetworkManager waits for its devices'
// pending actions.
func (m *Manager) checkStartup() {
	if m.root.Get(IfaceManager, "Startup") != true || m.devs.Devices == nil || m.devs.Devices.Startup() {
		return
	}
	for _, a := range m.devs.Devices.Activations() {
		if a.State() <= device.ActActivating {
			return
		}
	}
	m.StartupComplete()
}

// SubscribeDevices lets a layer above the manager (the policy) hear the
// device events after the root object took them into account.
func (m *Manager) SubscribeDevices(fn func(device.Event)) {
	m.deviceSubs = append(m.deviceSubs, fn)
}

// refreshDeviceLists sets Devices (realized devices) and AllDevices.
func (m *Manager) refreshDeviceLists() {
	real := []dbus.ObjectPath{}
	all := []dbus.ObjectPath{}
	for _, d := range m.devs.Devices.All() {
		if !d.Object().Exported() {
			continue
		}
		all = append(all, d.Path())
		if d.Real() {
			real = append(real, d.Path())
		}
	}
	m.root.Set(IfaceManager, "Devices", real)
	m.root.Set(IfaceManager, "AllDevices", all)
}

// refreshActiveList sets ActiveConnections: the exported activations,
// newest first, as NetworkManager lists them.
func (m *Manager) refreshActiveList() {
	paths := []dbus.ObjectPath{}
	for i := len(m.acOrder) - 1; i >= 0; i-- {
		if p := m.acOrder[i].Path(); p != bus.NoObject {
			paths = append(paths, p)
		}
	}
	m.root.Set(IfaceManager, "ActiveConnections", paths)
}
