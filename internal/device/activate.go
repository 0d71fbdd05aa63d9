package device

import (
	"errors"
	"fmt"

	"github.com/gonm/gonm/internal/setting"
)

// ErrNotManaged is returned when an activation is asked of a device that
// stays unmanaged.
var ErrNotManaged = errors.New("device is strictly unmanaged")

// PrepareForActivation makes a device ready for a user's activation, as
// NetworkManager does before activating: an unmanaged device becomes
// managed (unless configuration forbids it), an unavailable one that
// could activate for a user moves to DISCONNECTED, and an unrealized
// software device gets its link.
func (d *Device) PrepareForActivation(c *setting.Connection, userRequested bool) error {
	if !d.real {
		if err := d.createLink(c); err != nil {
			return err
		}
	}
	if d.state == StateUnmanaged {
		if !d.managed(true) {
			return ErrNotManaged
		}
		if d.unmanagedMask&unmanagedUserExplicit != 0 && d.unmanaged&unmanagedUserExplicit != 0 {
			d.setUnmanagedFlags(unmanagedUserExplicit, opForget, true, ReasonUserRequested)
		}
		if !d.managed(false) {
			d.setUnmanagedFlags(unmanagedUserExplicit, opSetManaged, true, ReasonUserRequested)
		}
	}
	if d.state == StateUnavailable && d.isAvailable(userRequested) {
		d.setState(StateDisconnected, ReasonUserRequested)
	}
	return nil
}

// Activate starts the activation on the device, or queues it after the
// current one is torn down (or until carrier appears).
func (d *Device) Activate(a *Activation) {
	if a.state >= ActDeactivating {
		return
	}
	mustQueue := d.carrierWaitMustQueue(a)
	if d.act == nil && !mustQueue && d.real {
		d.startActivation(a)
		// The device is in PREPARE before the request returns, so a
		// client that asked for the activation sees it under way (as
		// NetworkManager's clients do).
		if d.act == a && d.stageTimer != nil {
			d.cancelStage()
			d.stage1Prepare()
		}
		return
	}
	if d.queuedAct != nil {
		q := d.queuedAct
		d.queuedAct = nil
		q.Fail(ActReasonDeviceDisconnected)
	}
	d.queuedAct, d.queuedActWaitsCarrier = a, mustQueue
	if mustQueue {
		d.log.Debug("queue activation request waiting for carrier")
	} else {
		d.log.Debug("queue activation request waiting for currently active connection to disconnect")
	}
	if d.act != nil {
		d.log.Info("disconnecting for new activation request.")
		d.setState(StateDeactivating, ReasonNewActivation)
	}
}

// carrierWaitMustQueue: right after a device came up it may still find
// carrier; a profile that needs carrier waits for it then.
func (d *Device) carrierWaitMustQueue(a *Activation) bool {
	if d.carrier || d.carrierWait == nil || a.Applied == nil {
		return false
	}
	return connectionRequiresCarrier(a.Applied)
}

func (d *Device) carrierWaitCheckQueued() {
	if d.queuedAct == nil || !d.queuedActWaitsCarrier {
		return
	}
	d.queuedActWaitsCarrier = false
	if !d.carrier {
		d.log.Debug("Cancel queued activation request as we have no carrier after timeout")
		q := d.queuedAct
		d.queuedAct = nil
		q.Fail(ActReasonDeviceDisconnected)
	} else if d.state == StateDisconnected {
		q := d.queuedAct
		d.queuedAct = nil
		d.startActivation(q)
	}
}

// startActivation is NetworkManager's _device_activate: the request
// becomes the device's and stage 1 runs at the next turn.
func (d *Device) startActivation(a *Activation) {
	if a.state >= ActDeactivating {
		return
	}
	if !d.managed(false) {
		d.log.Error(fmt.Sprintf("Activation: failed activating connection '%s' because device is still unmanaged", a.id()))
		a.Fail(ActReasonUnknown)
		return
	}
	d.log.Info(fmt.Sprintf("Activation: starting connection '%s' (%s)", a.Applied.ID(), a.Applied.UUID()))
	d.deleteOnDeactivateUnschedule()
	d.act = a
	a.Device = d
	d.ip = ipRun{}
	switch a.Type {
	case ActivationExternal:
		d.setSysIface(SysIfaceExternal)
	case ActivationAssume:
		d.setSysIface(SysIfaceAssume)
	default:
		d.setSysIface(SysIfaceManaged)
	}
	d.scheduleStage(d.stage1Prepare)
}

// scheduleStage runs an activation stage at the next turn of the loop; a
// later schedule replaces an earlier one.
func (d *Device) scheduleStage(fn func()) {
	d.cancelStage()
	d.stageTimer = d.reg.loop.AfterFunc(0, func() {
		d.stageTimer = nil
		fn()
	})
}

func (d *Device) cancelStage() {
	if d.stageTimer != nil {
		d.stageTimer.Stop()
		d.stageTimer = nil
	}
	if d.stage3Timer != nil {
		d.stage3Timer.Stop()
		d.stage3Timer = nil
	}
}

// rerunStage3 runs the IP configuration stage again at the next turn,
// for something it may have waited for (carrier, a port, being
// attached). It has a timer of its own: the stage in progress (the one
// after IP_CHECK, say) goes on.
func (d *Device) rerunStage3() {
	if d.stage3Timer != nil {
		return
	}
	a := d.act
	d.stage3Timer = d.reg.loop.AfterFunc(0, func() {
		d.stage3Timer = nil
		if d.act == a && d.state >= StateIPConfig && d.state <= StateActivated {
			d.stage3IPConfig()
		}
	})
}

func (d *Device) externalOrAssume() bool {
	return d.sysIface == SysIfaceExternal || d.sysIface == SysIfaceAssume
}

// stage1Prepare: PREPARE, then wait for the controller (for ports).
func (d *Device) stage1Prepare() {
	a := d.act
	if a == nil {
		return
	}
	if !d.ip.started {
		d.ip.started = true
		d.ip.fam[0].state, d.ip.fam[1].state = ipPending, ipPending
	}
	d.setState(StatePrepare, ReasonNone)
	if d.act != a {
		return
	}
	if c := a.Controller; c != nil {
		if c.state >= ActDeactivating {
			d.log.Debug("master connection is deactivating")
			d.setState(StateFailed, ReasonDependencyFailed)
			return
		}
		if !a.controllerReady {
			a.checkControllerReady()
		}
		if !a.controllerReady {
			d.log.Debug("waiting for master connection to become ready")
			return
		}
		cd := c.Device
		if d.controller != nil && d.controller != cd {
			d.controller.releasePort(d, false, ReasonConnectionAssumed)
		}
		if cd != nil {
			cd.addPort(d, !d.externalOrAssume())
		}
	} else if d.controller != nil && !d.externalOrAssume() {
		d.controller.releasePort(d, true, ReasonConnectionAssumed)
	}
	d.stage2Config()
}

// checkControllerReady: a port may attach once its controller's
// activation is ACTIVATING or ACTIVATED (its device exists and is past
// PREPARE).
func (a *Activation) checkControllerReady() {
	if a.controllerReady || a.Controller == nil || a.state != ActActivating {
		return
	}
	if s := a.Controller.state; s == ActActivating || s == ActActivated {
		a.controllerReady = true
		a.reg.emit(Event{Kind: ActivationChanged, Act: a})
		if d := a.Device; d != nil && d.act == a && d.state == StatePrepare {
			d.scheduleStage(d.stage1Prepare)
		}
	}
}

// stage2Config: CONFIG, bring the link up, attach waiting ports.
func (d *Device) stage2Config() {
	a := d.act
	d.setState(StateConfig, ReasonNone)
	if d.act != a {
		return
	}
	if !d.externalOrAssume() {
		if err := d.bringUp(); err != nil {
			d.setState(StateFailed, ReasonConfigFailed)
			return
		}
	}
	for _, p := range d.ports {
		if p.dev.state == StateIPConfig {
			d.attachPort(p.dev)
		}
	}
	d.scheduleStage(d.stage3IPConfig)
}

// stage3IPConfig: IP_CONFIG, start each family's method; the IP states
// decide what comes next (ipcheck.go). It runs again when something it
// waits for changes (carrier, ports, being attached).
func (d *Device) stage3IPConfig() {
	a := d.act
	if a == nil {
		return
	}
	m4 := d.effectiveMethod(fam4)
	m6 := d.effectiveMethod(fam6)
	if d.state < StateIPConfig {
		d.scheduleRequiredTimeout(fam4)
		d.scheduleRequiredTimeout(fam6)
		a.setStateFlags(ActFlagLayer2Ready, ActFlagLayer2Ready)
		d.setState(StateIPConfig, ReasonNone)
		if d.act != a {
			return
		}
	}
	if d.sysIface != SysIfaceExternal && !d.ip.l3Started {
		d.ip.l3Started = true
		d.startL3(m4, m6)
	}
	d.stage3Family(fam4, m4)
	d.stage3Family(fam6, m6)
}

func (d *Device) stage3Family(f family, method string) {
	fs := &d.ip.fam[f]
	fs.method = method
	defer d.checkIPStateAsync()
	if d.sysIface == SysIfaceExternal {
		return
	}
	if connectionMethodRequiresCarrier(f, method) && d.info.controller && !d.carrier {
		if !fs.waitCarrier {
			d.log.Debug(fmt.Sprintf("%s: waiting until carrier is on", f))
			fs.waitCarrier = true
		}
		return
	}
	fs.waitCarrier = false
	if d.info.controller && ipRequiresPorts(f, method) && !d.hasReadyPorts() {
		if !fs.waitPorts {
			d.log.Debug(fmt.Sprintf("%s: waiting for ports", f))
			fs.waitPorts = true
		}
		return
	}
	fs.waitPorts = false
	switch method {
	case "disabled":
		fs.disabled = true
	case "ignore":
		fs.ignore = true
	default:
		d.startAuto(f, method)
	}
}

// effectiveMethod is the profile's ipvX.method, or the method a port
// (which has no IP configuration) gets: disabled and ignore.
func (d *Device) effectiveMethod(f family) string {
	c := d.act.Applied
	if c.Controller() != "" {
		if f == fam4 {
			return "disabled"
		}
		return "ignore"
	}
	s := c.Setting(f.setting())
	if s == nil {
		if f == fam4 {
			return "disabled"
		}
		return "ignore"
	}
	m := s.Str("method")
	if m == "" {
		m = "auto"
	}
	// Loopback has no automatic addressing: auto means manual there, for
	// both families.
	if d.info.devType == TypeLoopback && m == "auto" {
		return "manual"
	}
	return m
}

func connectionMethodRequiresCarrier(f family, method string) bool {
	if f == fam4 {
		return method == "auto" || method == "link-local"
	}
	return method == "auto" || method == "dhcp" || method == "shared" || method == "link-local"
}

// connectionRequiresCarrier is NetworkManager's rule for activations that
// are worth waiting for carrier for.
func connectionRequiresCarrier(c *setting.Connection) bool {
	if c.Controller() != "" {
		return false
	}
	method := func(f family) string {
		s := c.Setting(f.setting())
		if s == nil {
			return ""
		}
		return s.Str("method")
	}
	mayFail := func(f family) bool {
		s := c.Setting(f.setting())
		return s == nil || s.Bool("may-fail")
	}
	m4, m6 := method(fam4), method(fam6)
	want4, want6 := connectionMethodRequiresCarrier(fam4, m4), connectionMethodRequiresCarrier(fam6, m6)
	used4, used6 := m4 != "disabled", m6 != "ignore" && m6 != "disabled"
	if want4 && !mayFail(fam4) {
		return true
	}
	if want6 && !mayFail(fam6) {
		return true
	}
	if (want4 && !used6) || (want6 && !used4) {
		return true
	}
	return want4 && want6
}

func ipRequiresPorts(f family, method string) bool {
	if f == fam4 {
		return method == "auto"
	}
	return method == "auto" || method == "dhcp"
}

func (d *Device) hasReadyPorts() bool {
	for _, p := range d.ports {
		if p.attached {
			return true
		}
	}
	return false
}

// cancelActivation stops the stages of the current activation.
func (d *Device) cancelActivation() {
	d.cancelStage()
	for f := range d.ip.fam {
		if t := d.ip.fam[f].reqTimer; t != nil {
			t.Stop()
			d.ip.fam[f].reqTimer = nil
		}
	}
	if d.ip.manualTimer != nil {
		d.ip.manualTimer.Stop()
		d.ip.manualTimer = nil
	}
}

// Disconnect is the Disconnect method: the device deactivates and does
// not connect automatically until a user connects it again.
func (d *Device) Disconnect() error {
	if d.act == nil {
		return errorf("org.freedesktop.NetworkManager.Device.NotActive", "This device is not active")
	}
	d.setAutoconnectBlocked(blockedManualDisconnect, blockedManualDisconnect)
	if d.state <= StateDisconnected {
		return nil
	}
	if d.sysIface == SysIfaceExternal {
		d.setSysIface(SysIfaceManaged)
	}
	d.setState(StateDeactivating, ReasonUserRequested)
	return nil
}

// startIPCheck: NetworkManager pings the gateway here when
// connection.gateway-ping-timeout asks for it; gonm does not, so the
// device moves on to SECONDARIES.
func (d *Device) startIPCheck() {
	a := d.act
	d.scheduleStage(func() {
		if d.act == a && d.state == StateIPCheck {
			d.setState(StateSecondaries, ReasonNone)
		}
	})
}

// IsVirtualProfile reports whether a profile describes a software device
// (which needs an interface name).
func IsVirtualProfile(c *setting.Connection) bool {
	_, ok := kindForProfile(c.Type())
	return ok
}
