package device

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/godbus/dbus/v5"
	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/settings"
)

// realize gives the device its kernel link and decides whether gonm
// manages it, takes it over, or leaves it alone (NetworkManager's
// realize_start_setup, realize_finish and the manager's assume check).
func (d *Device) realize(l *platform.Link, st *RunState) {
	r := d.reg
	d.link, d.ifindex, d.iface, d.up = l, l.Index, l.Name, l.Up()
	r.byIndex[l.Index] = d
	d.logPrefix()
	d.log.Debug(fmt.Sprintf("start setup of %s, kernel ifindex %d", d.info.name, l.Index))
	d.setSysIface(SysIfaceExternal)
	d.updatePermAddr(st)
	if d.udiID == 0 {
		r.udiSeq++
		d.udiID = r.udiSeq
	}
	// Without udev there is no sysfs path to name the device by; like
	// NetworkManager, gonm uses a placeholder until the link changes.
	d.udi = fmt.Sprintf("/virtual/device/placeholder/%d", d.udiID)
	d.readDriverInfo()
	d.caps = CapNMSupported | d.info.caps
	if l.Type.IsSoftware() {
		d.caps |= CapIsSoftware
	}
	d.ignoreCarrier = d.configIgnoreCarrier()
	d.updateCarrierFromLink()
	d.l3Attach()

	d.real = true
	var explicit flagOp = opForget
	if st != nil && st.Managed != nil {
		explicit = opFor(!*st.Managed)
	}
	if d.info.unmanagedByDefault {
		d.setUnmanagedFlagsFull(unmanagedByDefault, opSetUnmanaged, false, false, ReasonNone)
	}
	d.setUnmanagedFlagsFull(unmanagedUserExplicit, explicit, false, false, ReasonNone)
	d.setUnmanagedFlagsFull(unmanagedExternalDown, d.externalDownOp(true), false, false, ReasonNone)
	d.applyUdev(false)
	d.applyUserConf(false)
	if r.asleep {
		d.setUnmanagedFlagsFull(unmanagedSleeping, opSetUnmanaged, false, false, ReasonNone)
	}
	initialized := r.udevInitialized(d)
	d.setUnmanagedFlagsFull(unmanagedPlatformInit, opFor(!initialized), false, false, ReasonNone)

	d.publish()
	r.emit(Event{Kind: DeviceRealized, Device: d})
	d.recheckPortStatus()
	if d.info.controller {
		r.portsOfNewController(d)
	}
	d.recheckAvailable()

	if !d.managed(false) {
		if d.unmanaged&^unmanagedPlatformInit != 0 {
			d.assumeUUID, d.assumeGuess = "", false
		}
		d.publish()
		return
	}
	if d.recheckAssume() {
		return
	}
	d.setState(StateUnavailable, ReasonNowManaged)
}

// updateSpeed reads the link speed of an Ethernet device; NetworkManager
// does so when carrier comes (and keeps the last value when it goes).
func (d *Device) updateSpeed() {
	if d.info.iface != IfaceWired {
		return
	}
	if info, err := d.reg.plat.LinkDriverInfo(d.ifindex); err == nil && info.Speed != d.speed {
		d.speed = info.Speed
		d.log.Debug(fmt.Sprintf("speed is now %d Mb/s", d.speed))
		d.publish()
	}
}

// readDriverInfo reads the driver, its version and the firmware version
// (ethtool), and the link speed.
func (d *Device) readDriverInfo() {
	d.driver = d.link.Driver
	info, err := d.reg.plat.LinkDriverInfo(d.ifindex)
	if err == nil {
		if info.Driver != "" {
			d.driver = info.Driver
		}
		d.driverVersion, d.firmwareVersion = info.Version, info.FirmwareVersion
	}
	if d.driver == "" && d.info.devType == TypeLoopback {
		d.driver = "unknown"
	}
}

// unrealize is the link going away while the device stays for its
// profile (NetworkManager's nm_device_unrealize); with removeLink gonm
// deletes the link itself.
func (d *Device) unrealize(removeLink bool) {
	reason := ReasonNowUnmanaged
	if removeLink {
		reason = ReasonUserRequested
	}
	d.unrealizeFull(removeLink, reason)
}

func (d *Device) unrealizeFull(removeLink bool, reason Reason) {
	if !d.real {
		return
	}
	r := d.reg
	d.log.Debug(fmt.Sprintf("unrealize (ifindex %d)", d.ifindex))
	d.assumeUUID, d.assumeGuess = "", false
	if removeLink && d.ifindex > 0 {
		if err := r.plat.LinkDelete(d.ifindex); err != nil {
			d.log.Debug(fmt.Sprintf("delete link: %v", err))
		}
	}
	if d.controller != nil {
		d.controller.releasePort(d, false, ReasonRemoved)
	}
	for _, p := range append([]*port(nil), d.ports...) {
		d.releasePort(p.dev, false, ReasonRemoved)
	}
	d.l3Detach()
	delete(r.byIndex, d.ifindex)
	r.metricClear(d.ifindex)
	d.link, d.ifindex, d.udi, d.driverVersion, d.firmwareVersion, d.speed = nil, 0, "", "", "", 0
	d.permAddr, d.permFake, d.permSet = platform.HWAddr{}, false, false
	d.caps = CapNMSupported | d.info.caps
	if _, ok := d.kind.(creator); ok {
		d.caps |= CapIsSoftware
	}
	d.real = false
	d.carrier = false
	d.emitRemovedEarly()
	d.setUnmanagedFlagsFull(unmanagedPlatformInit, opSetUnmanaged, false, false, ReasonNone)
	d.setUnmanagedFlagsFull(unmanagedUserUdev|unmanagedUserExplicit|unmanagedExternalDown|unmanagedIsPort, opForget, false, false, ReasonNone)
	d.setState(StateUnmanaged, reason)
	d.nmOwned = false
	d.connectivity = [2]Connectivity{}
	d.publish()
	d.recheckAvailable()
	if !r.hasProfileFor(d) {
		r.removeDevice(d)
	}
}

// emitRemovedEarly tells the layers above (DeviceRemoved on D-Bus) before
// the last state change, as NetworkManager does.
func (d *Device) emitRemovedEarly() {
	d.publish()
	d.reg.emit(Event{Kind: DeviceUnrealized, Device: d})
}

// linkChanged follows a change of the device's link (NetworkManager's
// device_link_changed).
func (d *Device) linkChanged(l *platform.Link) {
	old := d.link
	d.link = l
	wasUp := d.up
	d.up = l.Up()
	// The placeholder UDI goes with the first change of the link, as in
	// NetworkManager without udev.
	d.udi = ""
	if l.Name != d.iface {
		d.log.Info(fmt.Sprintf("interface index %d renamed iface from '%s' to '%s'", d.ifindex, d.iface, l.Name))
		d.iface = l.Name
		d.logPrefix()
		d.recheckAvailable()
		d.reg.emit(Event{Kind: DeviceChanged, Device: d})
	}
	if old != nil && old.Driver != l.Driver && l.Driver != "" {
		d.driver = l.Driver
	}
	d.updateCarrierFromLink()
	d.updatePermAddr(nil)
	if d.unmanaged&unmanagedPlatformInit != 0 && d.reg.udevInitialized(d) {
		d.applyUdev(true)
		d.applyUserConf(true)
		reason := ReasonNowManaged
		if d.unmanagedMask&unmanagedExternalDown != 0 && d.unmanaged&unmanagedExternalDown == 0 &&
			d.unmanagedMask&unmanagedUserUdev == 0 {
			reason = ReasonConnectionAssumed
		}
		d.queueRecheckAssume()
		d.setUnmanagedFlagsFull(unmanagedPlatformInit, opSetManaged, true, false, reason)
	}
	d.checkExternalDown(false)
	d.recheckPortStatus()
	if d.up && !wasUp && d.state >= StateIPConfig && d.state <= StateActivated && d.sysIface != SysIfaceExternal && d.ip.l3Started {
		// The link went down and up: the kernel dropped addresses and
		// routes; configure them again.
		d.l3Reconfigure()
		d.checkManualReady()
	}
	d.publish()
}

// updateCarrierFromLink takes carrier from the link for kinds that detect
// it; the others always have carrier.
func (d *Device) updateCarrierFromLink() {
	if !d.hasCap(CapCarrierDetect) {
		d.setCarrier(true)
		return
	}
	if d.link != nil {
		d.setCarrier(d.link.Carrier())
	}
}

// createLink creates the software link of an unrealized device from a
// profile; the device is realized when the link shows up in the
// platform.
func (d *Device) createLink(c *setting.Connection) error {
	cr, ok := d.kind.(creator)
	if !ok {
		return errorf("org.freedesktop.NetworkManager.Device.CreationFailed", "%s devices cannot be created", d.info.name)
	}
	var parent *Device
	if spec := cr.parentOf(c); spec != "" {
		parent = d.reg.findParent(spec)
		if parent == nil || !parent.real {
			return errorf("org.freedesktop.NetworkManager.Device.MissingDependencies", "parent device %s is not available", spec)
		}
	}
	if l, ok := d.reg.plat.LinkByName(d.iface); ok {
		// Two veth profiles name each other: the first to activate
		// created both ends.
		if v, isVeth := d.kind.(vethKind); isVeth && l.Type == platform.LinkVeth {
			_ = v
			if d.reg.byIndex[l.Index] == nil {
				d.reg.linkAdded(l, false)
			}
			return nil
		}
		return errorf("org.freedesktop.NetworkManager.Device.CreationFailed", "interface %s already exists", d.iface)
	}
	spec, err := cr.spec(d, c, parent)
	if err != nil {
		return errorf("org.freedesktop.NetworkManager.Device.CreationFailed", "%v", err)
	}
	if w := c.Setting("802-3-ethernet"); w != nil && w.Uint32("mtu") > 0 {
		spec.MTU = w.Uint32("mtu")
	}
	l, err := d.reg.plat.LinkAdd(spec)
	if err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) {
			return errorf("org.freedesktop.NetworkManager.Device.CreationFailed",
				"Failed to create %s interface '%s' for '%s': %v", d.info.name, d.iface, c.ID(), err)
		}
		return errorf("org.freedesktop.NetworkManager.Device.CreationFailed",
			"Failed to create %s interface '%s' for '%s': %v", d.info.name, d.iface, c.ID(), err)
	}
	d.log.Info(fmt.Sprintf("created %s link %s (ifindex %d)", d.info.name, l.Name, l.Index))
	d.nmOwned = true
	if d.reg.byIndex[l.Index] == nil {
		d.realize(l, nil)
	}
	if pl, ok := d.reg.plat.LinkByName(d.iface); ok {
		_ = pl
	}
	return nil
}

// bringUp sets the link up (NetworkManager's nm_device_bring_up).
func (d *Device) bringUp() error {
	if d.ifindex <= 0 {
		return nil
	}
	if l, ok := d.reg.plat.Link(d.ifindex); ok && l.Up() {
		return nil
	}
	if err := d.reg.plat.LinkSetUp(d.ifindex, true); err != nil {
		d.log.Warn(fmt.Sprintf("failed to bring up interface: %v", err))
		return err
	}
	if l, ok := d.reg.plat.Link(d.ifindex); ok {
		d.linkChanged(l)
	}
	return nil
}

// takeDown sets a managed device's link down when it stops being managed.
func (d *Device) takeDown() {
	if d.ifindex <= 0 {
		return
	}
	if l, ok := d.reg.plat.Link(d.ifindex); ok && !l.Up() {
		return
	}
	if err := d.reg.plat.LinkSetUp(d.ifindex, false); err != nil {
		d.log.Debug(fmt.Sprintf("take down: %v", err))
	}
}

// setCarrier records a carrier change and acts on it (NetworkManager's
// nm_device_set_carrier and carrier_changed): carrier gained moves an
// unavailable device on; carrier lost takes the device down after the
// carrier-wait grace period when it was active.
func (d *Device) setCarrier(c bool) {
	if d.carrier == c {
		return
	}
	d.carrier = c
	d.reg.emit(Event{Kind: DeviceChanged, Device: d})
	if c {
		d.log.Info("carrier: link connected")
		d.updateSpeed()
		if d.carrierDefer != nil {
			d.carrierDefer.Stop()
			d.carrierDefer = nil
		}
		d.carrierChanged(true)
		if d.carrierWait != nil {
			d.carrierWaitCheckQueued()
		}
		return
	}
	if d.state <= StateDisconnected && d.queuedAct == nil {
		d.log.Debug("carrier: link disconnected")
		d.carrierChanged(false)
		return
	}
	wait := d.carrierWaitMs()
	d.log.Debug(fmt.Sprintf("carrier: link disconnected (deferring action for %d milliseconds)", wait.Milliseconds()))
	if d.carrierDefer != nil {
		d.carrierDefer.Stop()
	}
	d.carrierDefer = d.reg.loop.AfterFunc(wait, func() {
		d.carrierDefer = nil
		d.log.Debug("carrier: link disconnected (calling deferred action)")
		d.carrierChanged(false)
	})
}

func (d *Device) carrierChanged(c bool) {
	if d.state <= StateUnmanaged {
		return
	}
	d.recheckAvailable()
	if d.ignoreCarrier && !c {
		return
	}
	if d.info.controller {
		if c {
			if d.state >= StateIPConfig && d.state <= StateActivated {
				d.rerunStage3()
			}
			return
		}
	} else if d.ip.enslaved && !c {
		// Ports do not deactivate when they lose carrier.
		return
	}
	if c {
		switch d.state {
		case StateUnavailable:
			d.queueState(StateDisconnected, ReasonCarrier)
		case StateDisconnected:
			d.reg.emit(Event{Kind: DeviceChanged, Device: d})
		}
		if d.act != nil && d.state >= StateIPConfig {
			d.checkManualReady()
		}
		return
	}
	if d.state == StateUnavailable {
		if d.queued != nil && d.queuedState >= StateDisconnected {
			d.cancelQueuedState()
		}
		return
	}
	d.queueState(StateUnavailable, ReasonCarrier)
}

// carrierWaitMs is how long a carrier loss is ignored on an active
// device: [device] carrier-wait-timeout, 6 s by default, as in
// NetworkManager.
func (d *Device) carrierWaitMs() time.Duration {
	w := 6000 * time.Millisecond
	if v, found, _ := d.reg.cfg().DeviceValue("carrier-wait-timeout", d.matchInfo()); found {
		if ms, ok := parseUint(v); ok {
			w = time.Duration(ms) * time.Millisecond
		}
	}
	return w
}

// ---- available connections ----

// compatible checks whether a profile could activate on the device at
// all (NetworkManager's check_connection_compatible).
func (d *Device) compatible(c *setting.Connection) error {
	t := c.Type()
	inf := d.info
	if t != inf.connType && (inf.alsoType == "" || t != inf.alsoType) {
		return errIncompatible("connection type %s does not match device type %s", t, inf.typeDesc)
	}
	if c.Setting("sriov") != nil && !d.hasCap(CapSRIOV) {
		return errIncompatible("device does not support SR-IOV")
	}
	iface := c.InterfaceName()
	if iface == "" {
		if d.connIsVirtual(c) {
			return errIncompatible("cannot get interface name")
		}
	} else if iface != d.iface {
		return errIncompatible("mismatching interface name")
	}
	if m := c.Setting("match"); m != nil {
		if names := m.Strv("interface-name"); len(names) > 0 && !wildcardMatch(d.iface, names) {
			return errIncompatible("device does not satisfy match.interface-name property")
		}
		if drivers := m.Strv("driver"); len(drivers) > 0 && !wildcardMatch(d.driverName(), drivers) {
			return errIncompatible("device does not satisfy match.driver property")
		}
		if paths := m.Strv("path"); len(paths) > 0 && !wildcardMatch("", paths) {
			return errIncompatible("device does not satisfy match.path property")
		}
	}
	if specs, ok := d.reg.cfg().DeviceAllowedConnections(d.matchInfo()); ok && !matchConnection(specs, c) {
		return errIncompatible("device configuration doesn't allow this connection")
	}
	return d.kind.compatible(d, c)
}

// connIsVirtual: profiles of software kinds need an interface name.
func (d *Device) connIsVirtual(c *setting.Connection) bool {
	_, ok := kindForProfile(c.Type())
	return ok
}

// available checks whether a profile can activate on the device now
// (NetworkManager's check_connection_available); forUser relaxes the
// rules as for a user's request.
func (d *Device) available(c *setting.Connection, forUser bool) error {
	if !d.real {
		if d.Software() {
			if err := d.compatible(c); err != nil {
				return fmt.Errorf("profile is not compatible with software device (%v)", err)
			}
			return nil
		}
		return errors.New("hardware device is not realized")
	}
	if d.state < StateUnmanaged {
		return errors.New("device is in unknown state")
	}
	if d.state < StateUnavailable && !d.managed(false) {
		if !d.managed(true) {
			return errors.New("device is strictly unmanaged")
		}
		if !forUser {
			return errors.New("device is currently unmanaged")
		}
	}
	if d.state < StateDisconnected && !d.Software() && !d.isAvailable(forUser) {
		if forUser {
			return errors.New("device is not available")
		}
		return errors.New("device is not available for internal request")
	}
	if err := d.compatible(c); err != nil {
		return fmt.Errorf("profile is not compatible with device (%v)", err)
	}
	if d.carrier || !connectionRequiresCarrier(c) {
		return nil
	}
	if forUser && d.carrierWait != nil {
		return nil
	}
	if d.info.controller || !d.up {
		return nil
	}
	return errors.New("device has no carrier")
}

// Available is available for the layers above.
func (d *Device) Available(p *settings.Profile, forUser bool) error {
	return d.available(p.Connection(), forUser)
}

// recheckAvailable recomputes AvailableConnections.
func (d *Device) recheckAvailable() {
	if d.reg.store == nil || d.removed {
		return
	}
	var list []*settings.Profile
	if d.state > StateUnavailable || (d.state == StateUnavailable && false) {
		for _, p := range d.reg.store.Profiles() {
			if d.available(p.Connection(), true) == nil {
				list = append(list, p)
			}
		}
	}
	d.setAvailable(list)
}

func (d *Device) setAvailable(list []*settings.Profile) {
	path := d.reg.opts.ProfilePath
	slices.SortFunc(list, func(a, b *settings.Profile) int {
		pa, pb := string(path(a)), string(path(b))
		switch {
		case pa < pb:
			return -1
		case pa > pb:
			return 1
		}
		return 0
	})
	if slices.Equal(list, d.availList) {
		return
	}
	d.availList = list
	avail := make([]dbus.ObjectPath, 0, len(list))
	for _, p := range list {
		if pp := path(p); pp != dbusRoot {
			avail = append(avail, pp)
		}
	}
	d.obj.Set(IfaceDevice, "AvailableConnections", avail)
	d.reg.emit(Event{Kind: DeviceChanged, Device: d})
}
