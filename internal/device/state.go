package device

import (
	"fmt"
	"time"
)

// setState moves the device to a new state, as NetworkManager's
// _set_state_full: the work that belongs to entering a state, the
// StateChanged signal, then the follow-ups (which are queued, never
// immediate, so a state handler never re-enters).
func (d *Device) setState(next State, reason Reason) {
	if next == StateFailed && (d.sysIface == SysIfaceExternal || d.sysIface == SysIfaceAssume) {
		// An interface gonm only took over is never torn down for a
		// failure: it stays as it was.
		next, reason = StateActivated, ReasonConnectionAssumed
	}
	old := d.state
	if old == next {
		d.log.Debug(fmt.Sprintf("state change: %s -> %s (reason '%s', sys-iface-state: '%s')", old, next, reason, d.sysIface))
		return
	}
	d.log.Info(fmt.Sprintf("state change: %s -> %s (reason '%s', sys-iface-state: '%s')", old, next, reason, d.sysIface))
	// The activations that hear about this change: the current one (even
	// if the change ends it) and a queued one.
	acts := [2]*Activation{d.act, d.queuedAct}
	d.state, d.reason = next, reason
	d.cancelQueuedState()

	if next > StateUnmanaged && next <= StateActivated && reason == ReasonNowManaged &&
		(d.sysIface == SysIfaceExternal || d.sysIface == SysIfaceAssume) {
		d.setSysIface(SysIfaceManaged)
	}
	if next <= StateUnavailable {
		d.setAvailable(nil)
		if old > StateUnavailable && d.queuedAct != nil {
			q := d.queuedAct
			d.queuedAct = nil
			q.setState(ActDeactivated, ActReasonDeviceDisconnected)
		}
	}
	if next >= StateDisconnected && old < StateDisconnected {
		d.recheckAvailable()
	}

	switch next {
	case StateUnmanaged:
		if old > StateUnmanaged {
			if d.sysIface != SysIfaceManaged {
				d.cleanup(reason, cleanupKeep)
			} else {
				if d.act != nil {
					d.cleanup(reason, cleanupDeconfigure)
				}
				d.takeDown()
			}
		}
		d.setSysIface(SysIfaceExternal)
	case StateUnavailable:
		if old == StateUnmanaged {
			d.carrierDetectWait()
		}
		if d.sysIface == SysIfaceManaged {
			if old == StateUnmanaged {
				d.bringUp()
			}
			d.cleanup(reason, cleanupDeconfigure)
		}
	case StateDisconnected:
		if old > StateDisconnected {
			d.cleanup(reason, cleanupDeconfigure)
		}
	}
	if next >= StatePrepare && next <= StateActivated {
		d.setAutoconnectBlocked(blockedInternal, 0)
	}

	d.l3CommitTypeReset()
	d.sleepCheck()
	d.updateConnectivity()
	d.publish()
	if d.obj.Exported() {
		d.obj.Emit(IfaceDevice, "StateChanged", uint32(next), uint32(old), uint32(reason))
	}
	for _, a := range acts {
		if a != nil {
			a.deviceStateChanged(d, next, old)
		}
	}
	if d.controller != nil {
		d.controller.portStateChanged(d, next, old, reason)
	}
	d.reg.emit(Event{Kind: DeviceStateChanged, Device: d, New: next, Old: old, Reason: reason})

	switch next {
	case StateUnavailable:
		if d.isAvailable(false) {
			d.queueRecheckAvailable(ReasonNone, ReasonNone)
		} else {
			d.log.Debug("device not yet available for transition to DISCONNECTED")
		}
	case StateDeactivating:
		d.cancelActivation()
		d.ignoreCarrier = d.configIgnoreCarrier()
		if !d.reg.quitting {
			// NetworkManager waits for the pre-down dispatcher here; gonm
			// has no dispatcher, so it goes on at the next turn.
			d.queueState(StateDisconnected, reason)
		}
	case StateDisconnected:
		if d.queuedAct != nil && !d.queuedActWaitsCarrier {
			q := d.queuedAct
			d.queuedAct = nil
			d.startActivation(q)
		}
	case StateActivated:
		d.log.Info("Activation: successful, device activated.")
		d.updateMetered()
	case StateFailed:
		d.cancelActivation()
		id := "<unknown>"
		if d.act != nil && d.act.Profile != nil {
			id = d.act.Profile.ID()
		}
		d.log.Warn(fmt.Sprintf("Activation: failed for connection '%s'", id))
		d.releasePortsAll()
		d.queueState(StateDisconnected, ReasonNone)
	case StateIPCheck:
		d.startIPCheck()
	case StateSecondaries:
		d.log.Debug("device entered SECONDARIES state")
		// Secondary connections (VPN) are not supported; the device goes
		// on as NetworkManager does when a profile has none.
		d.queueState(StateActivated, ReasonNone)
	}
	if next > StateDisconnected {
		d.deleteOnDeactivateUnschedule()
	}
	if next == StateUnmanaged || next == StateDisconnected || next == StateActivated {
		d.writeRunState()
	}
}

// queueState changes the state at the next turn of the loop (one queued
// change at a time; a later one replaces it).
func (d *Device) queueState(next State, reason Reason) {
	if d.queued != nil && d.queuedState == next {
		d.log.Debug(fmt.Sprintf("queue-state[%s, reason:%s]: ignore queuing same state change", next, reason))
		return
	}
	d.cancelQueuedState()
	d.queuedState, d.queuedReason = next, reason
	d.log.Debug(fmt.Sprintf("queue-state[%s, reason:%s]: queue state change", next, reason))
	d.queued = d.reg.loop.AfterFunc(0, func() {
		d.queued = nil
		d.setState(d.queuedState, d.queuedReason)
	})
}

func (d *Device) cancelQueuedState() {
	if d.queued != nil {
		d.queued.Stop()
		d.queued = nil
	}
}

// queueRecheckAvailable moves an UNAVAILABLE device that can activate now
// to DISCONNECTED, and a DISCONNECTED one that cannot any more back, at
// the next turn.
func (d *Device) queueRecheckAvailable(availReason, unavailReason Reason) {
	d.recheckAvail, d.recheckUnavail = availReason, unavailReason
	if d.recheckTimer != nil && d.recheckTimer.Pending() {
		return
	}
	d.recheckTimer = d.reg.loop.AfterFunc(0, func() {
		now := d.isAvailable(false)
		switch {
		case d.state == StateUnavailable && now:
			d.queueState(StateDisconnected, d.recheckAvail)
		case d.state >= StateDisconnected && !now:
			d.queueState(StateUnavailable, d.recheckUnavail)
		default:
			return
		}
		d.recheckAvail, d.recheckUnavail = ReasonNone, ReasonNone
	})
}

// isAvailable: the device could activate a profile now (carrier, or
// carrier ignored, or a controller, which is available without one).
func (d *Device) isAvailable(forUser bool) bool {
	if d.carrier || d.ignoreCarrier || forUser {
		return true
	}
	return d.info.controller
}

func (d *Device) configIgnoreCarrier() bool {
	if d.info.controller {
		return true
	}
	specs := d.reg.cfg().IgnoreCarrier()
	if len(specs) > 0 && matchDevice(specs, d) {
		return true
	}
	if v, found, _ := d.reg.cfg().DeviceValue("ignore-carrier", d.matchInfo()); found {
		return parseBoolDefault(v, false)
	}
	return false
}

// carrierDetectWait gives a device that was just brought up time to
// detect carrier (carrier-wait-timeout, 6 s by default, as NetworkManager),
// during which activations that need carrier wait instead of failing.
func (d *Device) carrierDetectWait() {
	if !d.hasCap(CapCarrierDetect) {
		return
	}
	wait := 6000 * time.Millisecond
	if v, found, _ := d.reg.cfg().DeviceValue("carrier-wait-timeout", d.matchInfo()); found {
		if ms, ok := parseUint(v); ok {
			wait = time.Duration(ms) * time.Millisecond
		}
	}
	if d.carrierWait != nil {
		d.carrierWait.Stop()
	}
	d.carrierWait = d.reg.loop.AfterFunc(wait, func() {
		d.carrierWait = nil
		d.carrierWaitCheckQueued()
		d.reg.emit(Event{Kind: DeviceChanged, Device: d})
	})
}
