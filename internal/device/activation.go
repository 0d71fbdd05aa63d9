package device

import (
	"fmt"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/settings"
)

// ActState is NMActiveConnectionState.
type ActState uint32

const (
	ActUnknown      ActState = 0
	ActActivating   ActState = 1
	ActActivated    ActState = 2
	ActDeactivating ActState = 3
	ActDeactivated  ActState = 4
)

func (s ActState) String() string {
	return [...]string{"unknown", "activating", "activated", "deactivating", "deactivated"}[s]
}

// ActReason is NMActiveConnectionStateReason.
type ActReason uint32

const (
	ActReasonUnknown             ActReason = 0
	ActReasonNone                ActReason = 1
	ActReasonUserDisconnected    ActReason = 2
	ActReasonDeviceDisconnected  ActReason = 3
	ActReasonServiceStopped      ActReason = 4
	ActReasonIPConfigInvalid     ActReason = 5
	ActReasonConnectTimeout      ActReason = 6
	ActReasonConnectionRemoved   ActReason = 11
	ActReasonDependencyFailed    ActReason = 12
	ActReasonDeviceRealizeFailed ActReason = 13
	ActReasonDeviceRemoved       ActReason = 14
)

// ActFlags are NMActivationStateFlags (Connection.Active.StateFlags).
type ActFlags uint32

const (
	ActFlagIsController       ActFlags = 0x1
	ActFlagIsPort             ActFlags = 0x2
	ActFlagLayer2Ready        ActFlags = 0x4
	ActFlagIP4Ready           ActFlags = 0x8
	ActFlagIP6Ready           ActFlags = 0x10
	ActFlagControllerHasPorts ActFlags = 0x20
	ActFlagLifetimeBound      ActFlags = 0x40
	ActFlagExternal           ActFlags = 0x80
	actFlagsFromDevice                 = ActFlagLayer2Ready | ActFlagIP4Ready | ActFlagIP6Ready | ActFlagControllerHasPorts
)

// ActivationType says how much an activation changes the interface, as
// NetworkManager's NMActivationType.
type ActivationType int

const (
	// ActivationManaged configures the interface from the profile.
	ActivationManaged ActivationType = iota
	// ActivationAssume takes over what a previous daemon configured with
	// this profile, changing nothing until the profile asks for it.
	ActivationAssume
	// ActivationExternal only reflects a configuration made by someone
	// else (a generated profile).
	ActivationExternal
)

// Activation is one activation of a profile on a device: NetworkManager's
// NMActRequest together with its NMActiveConnection state. The manager
// exports it as a Connection.Active object.
type Activation struct {
	reg *Devices
	// Profile is the settings connection being activated; Applied the
	// copy the device works from (changed only by Reapply).
	Profile *settings.Profile
	Applied *setting.Connection
	Device  *Device
	Type    ActivationType
	// Controller is the activation of the controller this one is a port
	// of (connection.master).
	Controller *Activation
	// SpecificObject is the object the activation was asked for ("/").
	SpecificObject dbus.ObjectPath
	// UserRequested: a client asked for it (not autoconnect or assume);
	// UserUID is who, when known.
	UserRequested bool
	UserUID       uint32

	state     ActState
	reason    ActReason
	flags     ActFlags
	versionID uint64
	// Default and Default6 say the activation holds the best default
	// route (set by the policy).
	Default, Default6 bool
	obj               *bus.Object
	// controllerReady is set once the controller can take this port.
	controllerReady bool
	// onState are called on every state change (manager bookkeeping).
	onState []func(*Activation, ActState, ActReason)
	// Data is free for the layer that exports the activation.
	Data any
}

var versionIDs uint64

// NewActivation makes an activation of a profile on a device. Call
// Start (through the manager) to begin it.
func (r *Devices) NewActivation(p *settings.Profile, applied *setting.Connection, d *Device, typ ActivationType) *Activation {
	versionIDs++
	a := &Activation{reg: r, Profile: p, Applied: applied, Device: d, Type: typ,
		SpecificObject: "/", versionID: versionIDs}
	if typ == ActivationExternal {
		a.flags |= ActFlagExternal
	}
	if d != nil && d.info.controller {
		a.flags |= ActFlagIsController
	}
	if applied != nil && applied.Controller() != "" {
		a.flags |= ActFlagIsPort
	}
	r.acts = append(r.acts, a)
	r.emit(Event{Kind: ActivationAdded, Act: a})
	return a
}

// State is the NMActiveConnectionState.
func (a *Activation) State() ActState { return a.state }

// Reason is the reason of the last state change.
func (a *Activation) Reason() ActReason { return a.reason }

// Flags are the NMActivationStateFlags.
func (a *Activation) Flags() ActFlags { return a.flags }

// VersionID counts applied-connection changes (GetAppliedConnection).
func (a *Activation) VersionID() uint64 { return a.versionID }

// SetObject records the exported Connection.Active object, so the device
// shows it as its ActiveConnection.
func (a *Activation) SetObject(o *bus.Object) {
	a.obj = o
	if a.Device != nil && a.Device.act == a {
		a.Device.publish()
	}
}

// Object is the exported Connection.Active object (nil before export).
func (a *Activation) Object() *bus.Object { return a.obj }

// Path is the object path of the Connection.Active object.
func (a *Activation) Path() dbus.ObjectPath { return bus.PathOf(a.obj) }

// OnState registers fn for the activation's state changes.
func (a *Activation) OnState(fn func(*Activation, ActState, ActReason)) {
	a.onState = append(a.onState, fn)
}

// SetFlags sets or clears activation flags (lifetime binding).
func (a *Activation) SetFlags(mask, value ActFlags) {
	n := a.flags&^mask | value&mask
	if n == a.flags {
		return
	}
	a.flags = n
	a.reg.emit(Event{Kind: ActivationChanged, Act: a})
}

// SetDefault marks the activation as holding the best IPv4 (or IPv6)
// default route.
func (a *Activation) SetDefault(ipv6, v bool) {
	p := &a.Default
	if ipv6 {
		p = &a.Default6
	}
	if *p == v {
		return
	}
	*p = v
	a.reg.emit(Event{Kind: ActivationChanged, Act: a})
}

func (a *Activation) setState(s ActState, reason ActReason) {
	if s == a.state {
		return
	}
	if s < a.state && !(a.state == ActActivating && s == ActActivating) {
		// States only go forward.
		if a.state >= ActDeactivating {
			return
		}
	}
	old := a.state
	a.state, a.reason = s, reason
	a.reg.log.Debug(fmt.Sprintf("active-connection[%s]: set state %s (was %s)", a.id(), s, old))
	if s == ActDeactivated || s == ActUnknown {
		a.Default, a.Default6 = false, false
	}
	for _, fn := range a.onState {
		fn(a, s, reason)
	}
	a.reg.emit(Event{Kind: ActivationStateChanged, Act: a, ActState: s, ActOld: old, ActReason: reason})
	if s >= ActDeactivating {
		// Ports of a controller that goes away before they could attach
		// fail with it. Attached ones are released by the controller's
		// cleanup (which detaches them first), as in NetworkManager.
		for _, p := range a.reg.acts {
			if p.Controller == a && p.state < ActDeactivating && !p.controllerReady {
				p.controllerFailed()
			}
		}
	}
	if s == ActDeactivated {
		a.remove()
	}
}

func (a *Activation) id() string {
	if a.Profile != nil {
		return a.Profile.ID()
	}
	if a.Applied != nil {
		return a.Applied.ID()
	}
	return "?"
}

// remove forgets a deactivated activation.
func (a *Activation) remove() {
	for i, x := range a.reg.acts {
		if x == a {
			a.reg.acts = append(a.reg.acts[:i], a.reg.acts[i+1:]...)
			break
		}
	}
	a.reg.emit(Event{Kind: ActivationRemoved, Act: a})
}

// setStateFlags sets flags the device decides.
func (a *Activation) setStateFlags(mask, value ActFlags) { a.SetFlags(mask, value) }

// deviceStateChanged derives the activation's state from its device's,
// as NetworkManager's NMActRequest does.
func (a *Activation) deviceStateChanged(d *Device, next, old State) {
	if d.act != a {
		if next >= StatePrepare {
			return
		}
		if next == StateDisconnected && a.state < ActActivating {
			return
		}
	}
	switch {
	case next.Activating():
		a.setState(ActActivating, ActReasonUnknown)
	case next == StateActivated:
		a.setState(ActActivated, ActReasonUnknown)
	case next == StateDeactivating:
		a.setState(ActDeactivating, ActReasonUnknown)
	case next == StateFailed || next == StateDisconnected || next == StateUnmanaged || next == StateUnavailable:
		a.setState(ActDeactivated, ActReasonDeviceDisconnected)
	}
}

// Fail ends an activation that never started on its device (or whose
// device is gone).
func (a *Activation) Fail(reason ActReason) {
	if a.state == ActDeactivated {
		return
	}
	if a.state < ActDeactivating && a.state != ActUnknown {
		a.setState(ActDeactivating, reason)
	}
	a.setState(ActDeactivated, reason)
}

// controllerFailed: the controller's activation went away before or
// while this port activated.
func (a *Activation) controllerFailed() {
	d := a.Device
	if d == nil || (d.act != a && d.queuedAct != a) {
		a.Fail(ActReasonDependencyFailed)
		return
	}
	if d.queuedAct == a {
		d.queuedAct = nil
		a.Fail(ActReasonDependencyFailed)
		return
	}
	if d.state == StateFailed || d.state == StateDisconnected || d.state >= StateDeactivating {
		return
	}
	d.log.Debug("controller connection failed, failing the port")
	d.setState(StateDeactivating, ReasonDependencyFailed)
}

// Deactivate ends the activation as a user asked (DeactivateConnection):
// the device goes through DEACTIVATING to DISCONNECTED.
func (a *Activation) Deactivate(devReason Reason, actReason ActReason) {
	d := a.Device
	if d == nil {
		a.Fail(actReason)
		return
	}
	if d.queuedAct == a {
		d.queuedAct = nil
		a.Fail(actReason)
		return
	}
	if d.act == a {
		if d.state < StateDeactivating {
			if d.sysIface == SysIfaceExternal {
				d.setSysIface(SysIfaceManaged)
			}
			d.setState(StateDeactivating, devReason)
		}
		return
	}
	a.Fail(actReason)
}
