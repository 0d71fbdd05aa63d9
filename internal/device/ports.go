package device

import (
	"fmt"
)

// Controllers and ports (bridge and bond ports): the controller keeps the
// list of its ports; a port activation attaches to its controller once the
// controller activates; the kernel's IFLA_MASTER of links found attached
// is followed.

// addPort adds a device to the controller's port list; configure says gonm
// attaches it (false for ports found attached).
func (d *Device) addPort(p *Device, configure bool) {
	for _, x := range d.ports {
		if x.dev == p {
			d.queueRecheckAssume()
			p.queueRecheckAssume()
			return
		}
	}
	d.log.Debug(fmt.Sprintf("master: add one slave %s", p.iface))
	d.ports = append(d.ports, &port{dev: p, configure: configure})
	p.controller = d
	if d.act != nil {
		d.act.setStateFlags(ActFlagControllerHasPorts, ActFlagControllerHasPorts)
	}
	p.setUnmanagedFlags(unmanagedIsPort, opSetManaged, true, ReasonConnectionAssumed)
	d.publishPorts()
	d.queueRecheckAssume()
	p.queueRecheckAssume()
}

// portStateChanged: the controller attaches a port that reached IP_CONFIG
// and releases one that deactivated.
func (d *Device) portStateChanged(p *Device, next, old State, reason Reason) {
	if d.state < StateConfig {
		return
	}
	release := false
	switch {
	case next == StateIPConfig:
		d.attachPort(p)
	case next > StateActivated:
		release = true
	case next <= StateDisconnected && old > StateDisconnected:
		release = true
	}
	if release {
		configure := (d.sysIface == SysIfaceManaged && p.sysIface != SysIfaceExternal) || p.sysIface == SysIfaceManaged
		d.releasePort(p, configure, reason)
		if len(d.ports) == 0 && d.state == StateActivated {
			d.log.Debug("last slave removed; remaining activated")
		}
	}
}

func (d *Device) findPort(p *Device) *port {
	for _, x := range d.ports {
		if x.dev == p {
			return x
		}
	}
	return nil
}

// attachPort puts the port's link under the controller (NetworkManager's
// nm_device_master_enslave_slave).
func (d *Device) attachPort(p *Device) {
	info := d.findPort(p)
	if info == nil {
		return
	}
	ok := true
	if !info.attached && info.configure && p.act != nil && p.ifindex > 0 && d.ifindex > 0 {
		if l, have := d.reg.plat.Link(p.ifindex); !have || l.Master != d.ifindex {
			// The kernel wants a port down while it is attached to a bond;
			// bridges take it either way.
			if d.info.devType == TypeBond {
				_ = d.reg.plat.LinkSetUp(p.ifindex, false)
			}
			if err := d.reg.plat.LinkAttach(p.ifindex, d.ifindex); err != nil {
				d.log.Warn(fmt.Sprintf("attaching port %s failed: %v", p.iface, err))
				ok = false
			} else {
				d.log.Info(fmt.Sprintf("attached port %s", p.iface))
			}
			_ = d.reg.plat.LinkSetUp(p.ifindex, true)
		}
	}
	info.attached = ok
	p.portNotifyAttached(ok)
	d.publishPorts()
	if ok {
		d.rerunStage3()
	}
}

// portNotifyAttached: the port learns it is attached and continues its
// activation.
func (p *Device) portNotifyAttached(ok bool) {
	activating := p.state == StateIPConfig
	if !p.ip.enslaved {
		if ok {
			if activating && p.act != nil {
				p.log.Info(fmt.Sprintf("Activation: connection '%s' enslaved, continuing activation", p.act.Applied.ID()))
			} else if p.controller != nil {
				p.log.Info(fmt.Sprintf("enslaved to %s", p.controller.iface))
			}
			p.ip.enslaved = true
			p.publish()
		} else if activating && p.act != nil {
			p.log.Warn(fmt.Sprintf("Activation: connection '%s' could not be enslaved", p.act.Applied.ID()))
		}
	}
	if !activating {
		p.queueRecheckAssume()
		return
	}
	if !ok {
		p.queueState(StateFailed, ReasonUnknown)
		return
	}
	p.rerunStage3()
}

// releasePort takes a port off the controller (detaching its link when
// configure), and makes an active port deactivate.
func (d *Device) releasePort(p *Device, configure bool, reason Reason) {
	info := d.findPort(p)
	if info == nil {
		return
	}
	if configure && (info.attached || p.sysIface == SysIfaceExternal) && p.ifindex > 0 {
		if l, ok := d.reg.plat.Link(p.ifindex); ok && l.Master == d.ifindex {
			if err := d.reg.plat.LinkDetach(p.ifindex); err != nil {
				d.log.Debug(fmt.Sprintf("detach port %s: %v", p.iface, err))
			} else {
				d.log.Info(fmt.Sprintf("detached port %s", p.iface))
				if d.info.devType == TypeBond {
					// The bonding driver closes a port it releases; the port
					// is brought back up (as NetworkManager does) so that it
					// sees its carrier again. The cache may not show the
					// close yet, hence no bringUp shortcut.
					if err := d.reg.plat.LinkSetUp(p.ifindex, true); err != nil {
						d.log.Warn(fmt.Sprintf("detached bond port %s could not be brought up: %v", p.iface, err))
					}
				}
			}
		}
	}
	// The port hears about it.
	if p.ip.enslaved || configure {
		if p.state > StateDisconnected && p.state <= StateActivated {
			status := "deactivated"
			switch reason {
			case ReasonDependencyFailed:
				status = "failed"
			case ReasonUserRequested:
				reason, status = ReasonDependencyFailed, "deactivated by user request"
			case ReasonConnectionRemoved:
				reason, status = ReasonDependencyFailed, "deactivated because master was removed"
			}
			if p.act != nil {
				p.log.Debug(fmt.Sprintf("Activation: connection '%s' master %s", p.act.Applied.ID(), status))
			}
			p.cancelActivation()
			p.queueState(StateDeactivating, reason)
		} else {
			p.log.Info(fmt.Sprintf("released from master device %s", d.iface))
		}
		p.ip.enslaved = false
		p.publish()
	}
	for i, x := range d.ports {
		if x == info {
			d.ports = append(d.ports[:i], d.ports[i+1:]...)
			break
		}
	}
	p.controller = nil
	if len(d.ports) == 0 && d.act != nil {
		d.act.setStateFlags(ActFlagControllerHasPorts, 0)
	}
	d.publishPorts()
	p.setUnmanagedFlags(unmanagedIsPort, opForget, true, ReasonRemoved)
}

// releasePortsAll releases every port (controller failed or deactivated).
func (d *Device) releasePortsAll() {
	reason := ReasonDependencyFailed
	if d.state != StateFailed {
		reason = d.reason
	}
	for _, p := range append([]*port(nil), d.ports...) {
		d.releasePort(p.dev, true, reason)
	}
}

func (d *Device) publishPorts() {
	d.publish()
	d.reg.emit(Event{Kind: DeviceChanged, Device: d})
}

// recheckPortStatus follows the kernel's controller of the link
// (IFLA_MASTER): a link someone attached becomes a port of that
// controller's device, one detached is released.
func (d *Device) recheckPortStatus() {
	if d.link == nil {
		return
	}
	m := d.link.Master
	var c *Device
	if m > 0 {
		c = d.reg.byIndex[m]
	}
	if d.controller != nil {
		if m > 0 && d.controller.ifindex == m {
			if info := d.controller.findPort(d); info != nil && !info.attached {
				info.attached = true
				d.portNotifyAttached(true)
				d.controller.publishPorts()
			}
			return
		}
		d.controller.releasePort(d, false, ReasonConnectionAssumed)
	}
	d.controllerIndex = m
	if c != nil && c.info.controller {
		c.addPort(d, false)
		if info := c.findPort(d); info != nil {
			info.attached = true
		}
		c.publishPorts()
		return
	}
	if m > 0 {
		d.log.Debug(fmt.Sprintf("enslaved to unknown device %d", m))
	}
}

// portsOfNewController attaches links already under a controller that
// just got its device.
func (r *Devices) portsOfNewController(c *Device) {
	for _, d := range r.all {
		if d.real && d.link != nil && d.link.Master == c.ifindex && d.controller == nil {
			d.recheckPortStatus()
		}
	}
}
