package manager

import (
	"fmt"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/auth"
	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/device"
	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/settings"
)

// ActivationReason says who asked for an activation (NMActivationReason).
type ActivationReason int

const (
	ReasonUserRequest ActivationReason = iota
	ReasonAutoconnect
	ReasonAutoconnectPorts
)

// ActivateRequest asks to activate a profile.
type ActivateRequest struct {
	Profile *settings.Profile
	// Applied is the profile to apply when it differs from the stored one
	// (nil: the profile's settings).
	Applied *setting.Connection
	// Device is where to activate; nil lets the manager pick the best
	// device.
	Device         *device.Device
	SpecificObject dbus.ObjectPath
	Reason         ActivationReason
	// Subject is who asked (user requests); root and internal requests
	// do not bind the activation's lifetime to the profile's visibility.
	Subject  *auth.Subject
	Internal bool
}

func managerErr(name, format string, args ...any) *bus.Error {
	return bus.Errorf(name, "%s", fmt.Sprintf(format, args...))
}

// Activate starts an activation as NetworkManager's
// _internal_activate_device does: the profile must be available on the
// device, its controller is found (and activated when it is not), a
// software device gets its link, and the device is readied.
func (m *Manager) Activate(req ActivateRequest) (*device.Activation, error) {
	p := req.Profile
	applied := req.Applied
	if applied == nil {
		applied = p.Connection()
	}
	d := req.Device
	if d == nil {
		var err error
		if d, err = m.bestDeviceFor(p, applied, true); err != nil {
			return nil, err
		}
	}
	forUser := req.Reason == ReasonUserRequest
	if err := d.Available(p, true); err != nil {
		return nil, managerErr(bus.ManagerUnknownConnection, "Connection '%s' is not available on device %s because %s",
			p.ID(), d.Iface(), err)
	}
	var ctrlAct *device.Activation
	if ctrl := applied.Controller(); ctrl != "" {
		ca, err := m.controllerActivation(applied, d, ctrl, req)
		if err != nil {
			if be, ok := err.(*bus.Error); ok && !strings.HasPrefix(be.Message, "Can not find") {
				be.Message = fmt.Sprintf("Can not find a master for %s: %s", p.ID(), be.Message)
			}
			return nil, err
		}
		ctrlAct = ca
	}
	if !d.Real() {
		if err := d.PrepareForActivation(applied, forUser); err != nil {
			return nil, managerErr(bus.ManagerFailed, "%s failed to create resources: %s", d.Iface(), errMessage(err))
		}
	}
	// A profile that may be active once is taken down elsewhere first.
	if mc := multiConnect(applied); mc <= 1 {
		for _, a := range m.devs.Devices.Activations() {
			if a.Profile == p && a.State() < device.ActDeactivating {
				a.Deactivate(device.ReasonNewActivation, device.ActReasonUnknown)
			}
		}
	}
	if d.Real() {
		if err := d.PrepareForActivation(applied, forUser); err != nil || !d.Managed() {
			return nil, managerErr(bus.ManagerDependencyFailed, "Activation failed because the device is unmanaged")
		}
	}
	a := m.devs.Devices.NewActivation(p, applied, d, device.ActivationManaged)
	a.SpecificObject = req.SpecificObject
	if a.SpecificObject == "" {
		a.SpecificObject = "/"
	}
	a.UserRequested = forUser
	if req.Subject != nil {
		a.UserUID = req.Subject.UID
	}
	bound := true
	if req.Internal || req.Subject == nil || req.Subject.IsRoot() {
		bound = req.Reason == ReasonAutoconnect
	}
	if bound {
		a.SetFlags(device.ActFlagLifetimeBound, device.ActFlagLifetimeBound)
	}
	a.Controller = ctrlAct
	d.Activate(a)
	return a, nil
}

func errMessage(err error) string {
	if be, ok := err.(*bus.Error); ok {
		return be.Message
	}
	return err.Error()
}

func multiConnect(c *setting.Connection) int32 {
	if s := c.Setting("connection"); s != nil {
		return s.Int32("multi-connect")
	}
	return 0
}

// controllerActivation finds (or starts) the activation of a port's
// controller (NetworkManager's find_master and
// ensure_master_active_connection).
func (m *Manager) controllerActivation(applied *setting.Connection, d *device.Device, spec string, req ActivateRequest) (*device.Activation, error) {
	devs := m.devs.Devices
	portType := applied.PortType()
	var ctrlDev *device.Device
	var ctrlProfile *settings.Profile
	if cd := devs.ByIface(spec); cd != nil && (cd.Real() || cd.IsController()) {
		ctrlDev = cd
		if ctrlDev == d {
			return nil, managerErr(bus.ManagerDependencyFailed, "Device cannot be its own master")
		}
		if a := ctrlDev.Activation(); a != nil && a.Applied.Type() != portType {
			return nil, managerErr(bus.ManagerDependencyFailed, "The active connection on %s is not compatible", ctrlDev.Iface())
		}
	} else if cp := m.devs.Store.ByUUID(spec); cp != nil {
		ctrlProfile = cp
		for _, cand := range devs.All() {
			if cand != d && cand.Activation() != nil && cand.Activation().Profile == cp {
				ctrlDev = cand
				break
			}
		}
	}
	if ctrlDev == nil && ctrlProfile == nil {
		return nil, managerErr(bus.ManagerUnknownDevice, "Can not find a master for %s: Master connection not found or invalid", req.Profile.ID())
	}
	if ctrlProfile != nil && ctrlProfile.Connection().Type() != portType {
		return nil, managerErr(bus.ManagerDependencyFailed, "The master connection '%s' is not compatible with '%s'",
			ctrlProfile.ID(), req.Profile.ID())
	}
	// An activation of the controller profile that is under way.
	if ctrlProfile != nil {
		for _, a := range devs.Activations() {
			if a.Profile == ctrlProfile && a.State() < device.ActDeactivating {
				return a, nil
			}
		}
	}
	sub := ActivateRequest{Subject: req.Subject, Reason: req.Reason, Internal: req.Internal}
	if ctrlDev != nil {
		st := ctrlDev.State()
		if st == device.StateActivated || ctrlDev.IsActivating() {
			if a := ctrlDev.Activation(); a != nil {
				return a, nil
			}
		}
		if st == device.StateDisconnected || !ctrlDev.Real() {
			for _, cand := range m.activatableProfiles() {
				c := cand.Connection()
				if c.Type() != portType {
					continue
				}
				if ctrlDev.Available(cand, true) == nil {
					sub.Profile, sub.Device = cand, ctrlDev
					a, err := m.Activate(sub)
					if err != nil {
						return nil, prefixErr(err, "Master device '%s' can't be activated: ", ctrlDev.Iface())
					}
					return a, nil
				}
			}
			return nil, prefixErr(managerErr(bus.ManagerUnknownConnection, "No compatible connection found."),
				"Master device '%s' can't be activated: ", ctrlDev.Iface())
		}
		return nil, prefixErr(managerErr(bus.ManagerDependencyFailed, "Device unmanaged or not available for activation"),
			"Master device '%s' can't be activated: ", ctrlDev.Iface())
	}
	for _, cand := range devs.All() {
		if cand == d || cand.Available(ctrlProfile, true) != nil {
			continue
		}
		if cand.Real() && cand.State() != device.StateDisconnected {
			continue
		}
		sub.Profile, sub.Device = ctrlProfile, cand
		a, err := m.Activate(sub)
		if err != nil {
			return nil, prefixErr(err, "Master connection '%s' can't be activated: ", ctrlProfile.ID())
		}
		return a, nil
	}
	return nil, prefixErr(managerErr(bus.ManagerUnknownDevice, "No compatible device found."),
		"Master connection '%s' can't be activated: ", ctrlProfile.ID())
}

func prefixErr(err error, format string, args ...any) error {
	if be, ok := err.(*bus.Error); ok {
		return bus.Errorf(be.Name, "%s%s", fmt.Sprintf(format, args...), be.Message)
	}
	return fmt.Errorf("%s%w", fmt.Sprintf(format, args...), err)
}

// activatableProfiles lists profiles that are not active, in the store's
// order.
func (m *Manager) activatableProfiles() []*settings.Profile {
	var out []*settings.Profile
	for _, p := range m.devs.Store.Profiles() {
		active := false
		for _, a := range m.devs.Devices.Activations() {
			if a.Profile == p && a.State() < device.ActDeactivating {
				active = true
			}
		}
		if !active {
			out = append(out, p)
		}
	}
	return out
}

// activationPrio ranks devices for a profile that names none (NetworkManager's
// _device_get_activation_prio): a disconnected device is best.
func activationPrio(d *device.Device) int {
	if !d.Real() {
		return 2
	}
	switch s := d.State(); {
	case s == device.StateDisconnected:
		return 6
	case s == device.StateActivated:
		return 5
	case s.Activating():
		return 4
	case s == device.StateDeactivating || s == device.StateFailed:
		return 3
	case s == device.StateUnavailable:
		return 2
	}
	return 1
}

// bestDeviceFor picks the device a profile activates on when the caller
// named none (NetworkManager's nm_manager_get_best_device_for_connection).
func (m *Manager) bestDeviceFor(p *settings.Profile, c *setting.Connection, forUser bool) (*device.Device, error) {
	if multiConnect(c) <= 1 {
		for _, a := range m.devs.Devices.Activations() {
			if a.Profile == p && a.State() < device.ActDeactivating && a.Device != nil && a.Device.Available(p, forUser) == nil {
				return a.Device, nil
			}
		}
	}
	var best *device.Device
	bestPrio := 0
	var firstErr string
	for _, d := range m.devs.Devices.All() {
		prio := activationPrio(d)
		if best != nil && prio <= bestPrio {
			continue
		}
		if err := d.Available(p, forUser); err != nil {
			if firstErr == "" {
				firstErr = fmt.Sprintf("device %s not available because %v", d.Iface(), err)
			}
			continue
		}
		best, bestPrio = d, prio
	}
	if best != nil {
		return best, nil
	}
	if firstErr == "" {
		firstErr = "no suitable device found"
	}
	return nil, managerErr(bus.ManagerUnknownDevice, "No suitable device found for this connection (%s).", firstErr)
}

// ---- D-Bus methods ----

func (m *Manager) handleActivateConnection(c *bus.Call) {
	connPath := c.Args[0].(dbus.ObjectPath)
	devPath := c.Args[1].(dbus.ObjectPath)
	specific := c.Args[2].(dbus.ObjectPath)
	if m.devs.Devices == nil {
		c.Error(bus.NotSupportedYet(c.Interface, c.Member, "the devices layer"))
		return
	}
	var p *settings.Profile
	var d *device.Device
	if devPath != "/" && devPath != "" {
		d = m.devs.Devices.ByPath(devPath)
	}
	if connPath != "/" && connPath != "" {
		if p = m.devs.ProfileByPath(connPath); p == nil {
			c.Error(managerErr(bus.ManagerUnknownConnection, "Connection could not be found."))
			return
		}
	} else {
		if devPath == "/" || devPath == "" {
			c.Error(managerErr(bus.ManagerUnknownDevice, "Only devices may be activated without a specifying a connection"))
			return
		}
		if d == nil {
			c.Error(managerErr(bus.ManagerUnknownDevice, "Can not activate an unknown device '%s'", devPath))
			return
		}
		if p = m.bestConnectionFor(d); p == nil {
			c.Error(managerErr(bus.ManagerUnknownConnection, "The device '%s' has no connections available for activation.", d.Iface()))
			return
		}
	}
	if devPath != "/" && devPath != "" && d == nil {
		c.Error(managerErr(bus.ManagerUnknownDevice, "Device not found"))
		return
	}
	if d == nil {
		var err error
		if d, err = m.bestDeviceForActivation(p); err != nil {
			c.Error(err)
			return
		}
	}
	m.authorize(c, auth.NetworkControl, bus.ManagerPermissionDenied, "Not authorized to control networking.", func(s auth.Subject) {
		a, err := m.Activate(ActivateRequest{Profile: p, Device: d, SpecificObject: specific, Reason: ReasonUserRequest, Subject: &s})
		if err != nil {
			c.Error(err)
			return
		}
		p.BlockAutoconnect = false
		m.emitActivationByUser(a)
		c.Reply(m.ActiveConnectionPath(a))
	})
}

// bestDeviceForActivation: the best device, or for software profiles the
// device of the profile's interface.
func (m *Manager) bestDeviceForActivation(p *settings.Profile) (*device.Device, error) {
	c := p.Connection()
	d, err := m.bestDeviceFor(p, c, true)
	if err == nil {
		return d, nil
	}
	if !device.IsVirtualProfile(c) {
		return nil, err
	}
	iface := c.InterfaceName()
	if iface == "" {
		return nil, managerErr(bus.ManagerFailed, "failed to determine interface name: error determine name for %s", c.Type())
	}
	if d := m.devs.Devices.ByIface(iface); d != nil && d.Available(p, true) == nil {
		return d, nil
	}
	return nil, managerErr(bus.ManagerUnknownDevice, "Failed to find a compatible device for this connection")
}

// bestConnectionFor picks the most recently used available profile of a
// device (nm_device_get_best_connection).
func (m *Manager) bestConnectionFor(d *device.Device) *settings.Profile {
	var best *settings.Profile
	var bestTS uint64
	for _, p := range d.AvailableConnections() {
		ts := m.timestamp(p)
		if best == nil || ts > bestTS {
			best, bestTS = p, ts
		}
	}
	return best
}

func (m *Manager) timestamp(p *settings.Profile) uint64 {
	if m.Timestamps != nil {
		if t, ok := m.Timestamps(p.UUID()); ok {
			return t
		}
	}
	return 0
}

// emitActivationByUser lets the policy hear that a user activated a
// profile (it clears autoconnect blocks).
func (m *Manager) emitActivationByUser(a *device.Activation) {
	for _, fn := range m.userActivations {
		fn(a)
	}
}

// OnUserActivation registers fn for activations users asked for.
func (m *Manager) OnUserActivation(fn func(*device.Activation)) {
	m.userActivations = append(m.userActivations, fn)
}

func (m *Manager) handleAddAndActivate(c *bus.Call) {
	if m.devs.Devices == nil {
		c.Error(bus.NotSupportedYet(c.Interface, c.Member, "the devices layer"))
		return
	}
	dict := c.Args[0].(map[string]map[string]dbus.Variant)
	devPath := c.Args[1].(dbus.ObjectPath)
	specific := c.Args[2].(dbus.ObjectPath)
	inMemory, volatile := false, false
	if c.Member == "AddAndActivateConnection2" {
		for k, v := range c.Args[3].(map[string]dbus.Variant) {
			s, isStr := v.Value().(string)
			switch {
			case k == "persist" && isStr:
				inMemory, volatile = false, false
				switch s {
				case "volatile":
					inMemory, volatile = true, true
				case "memory":
					inMemory = true
				case "disk":
				default:
					c.Error(managerErr(bus.ManagerInvalidArguments, "Option \"persist\" must be one of \"volatile\", \"memory\" or \"disk\""))
					return
				}
			case k == "bind-activation" && isStr:
				if s != "dbus-client" && s != "none" {
					c.Error(managerErr(bus.ManagerInvalidArguments, "Option \"bind-activation\" must be one of \"dbus-client\" or \"none\""))
					return
				}
			default:
				c.Error(managerErr(bus.ManagerInvalidArguments, "Unknown extra option passed"))
				return
			}
		}
	}
	conn := setting.NewConnection()
	if len(dict) > 0 {
		cc, err := setting.FromDBus(setting.Dict(dict), setting.ParseStrict)
		if err == nil {
			conn = cc
		}
	}
	var d *device.Device
	if devPath != "/" && devPath != "" {
		if d = m.devs.Devices.ByPath(devPath); d == nil {
			c.Error(managerErr(bus.ManagerUnknownDevice, "Device not found"))
			return
		}
	} else {
		c.Error(managerErr(bus.ManagerUnknownDevice, "No suitable device found for this connection (%s).", "no device given"))
		return
	}
	if err := device.CompleteConnection(d, conn, m.devs.Store.Profiles()); err != nil {
		c.Error(err)
		return
	}
	m.authorize(c, auth.NetworkControl, bus.ManagerPermissionDenied, "Not authorized to control networking.", func(s auth.Subject) {
		meta := keyfile.Meta{Volatile: volatile}
		p, err := m.devs.Store.Add(conn, inMemory, false, meta)
		if err != nil {
			name, msg := settings.DBusError(err)
			c.Error(bus.Errorf(name, "%s", msg))
			return
		}
		a, err := m.Activate(ActivateRequest{Profile: p, Device: d, SpecificObject: specific, Reason: ReasonUserRequest, Subject: &s})
		if err != nil {
			_ = m.devs.Store.Delete(p)
			c.Error(err)
			return
		}
		m.emitActivationByUser(a)
		if c.Member == "AddAndActivateConnection2" {
			c.Reply(m.devs.ProfilePath(p), m.ActiveConnectionPath(a), map[string]dbus.Variant{})
		} else {
			c.Reply(m.devs.ProfilePath(p), m.ActiveConnectionPath(a))
		}
	})
}

func (m *Manager) handleDeactivateConnectionDevices(c *bus.Call) {
	path := c.Args[0].(dbus.ObjectPath)
	a := m.activationByPath(path)
	if a == nil || a.Profile == nil {
		c.Error(managerErr(bus.ManagerConnectionNotActive, "The connection was not active."))
		return
	}
	m.authorize(c, auth.NetworkControl, bus.ManagerPermissionDenied, "Not authorized to deactivate connections", func(auth.Subject) {
		if m.activationByPath(path) != a {
			c.Error(managerErr(bus.ManagerConnectionNotActive, "The connection was not active."))
			return
		}
		a.Deactivate(device.ReasonUserRequested, device.ActReasonUnknown)
		c.Reply()
	})
}

func (m *Manager) handleGetDeviceByIPIfaceDevices(c *bus.Call) {
	iface := c.Args[0].(string)
	if m.devs.Devices != nil {
		if d := m.devs.Devices.ByIPIface(iface); d != nil && d.Object().Exported() {
			c.Reply(d.Path())
			return
		}
	}
	c.Error(bus.Errorf(bus.ManagerUnknownDevice, "No device found for the requested iface."))
}
