package device

import (
	"fmt"
	"strconv"

	"github.com/gonm/gonm/internal/setting"
)

// cleanupType says how much of the interface a cleanup undoes.
type cleanupType int

const (
	// cleanupKeep forgets the activation but leaves the kernel as it is.
	cleanupKeep cleanupType = iota
	// cleanupDeconfigure removes what gonm configured.
	cleanupDeconfigure
)

// cleanup ends the device's activation (NetworkManager's nm_device_cleanup).
func (d *Device) cleanup(reason Reason, t cleanupType) {
	if reason == ReasonNowManaged {
		d.log.Debug("preparing device")
	} else {
		d.log.Debug(fmt.Sprintf("deactivating device (reason '%s') [%d]", reason, reason))
	}
	d.cancelActivation()
	if t == cleanupDeconfigure && d.ifindex > 0 && d.sysIface == SysIfaceManaged && d.info.devType != TypeLoopback {
		// An idle managed device has no kernel IPv6 of its own, as in
		// NetworkManager (loopback keeps ::1).
		d.setIP6Sysctl("disable_ipv6", "1")
		d.setIP6Sysctl("use_tempaddr", "0")
	}
	if t == cleanupDeconfigure {
		d.releasePortsAll()
	}
	d.stopAuto(t == cleanupDeconfigure)
	d.l3Stop(t == cleanupDeconfigure)
	if t == cleanupDeconfigure {
		d.restoreMTU()
	}
	d.mtu = mtuState{}
	if d.controller != nil && d.link != nil && d.link.Master <= 0 {
		d.controller.releasePort(d, false, ReasonConnectionAssumed)
	}
	d.reg.metricClear(d.ifindex)
	d.updateMetered()
	if a := d.act; a != nil {
		a.SetDefault(false, false)
		a.SetDefault(true, false)
		d.act = nil
		d.publish()
	}
	d.ip = ipRun{}
	if t == cleanupDeconfigure {
		d.deleteOnDeactivateCheck()
	}
}

// setIP6Sysctl writes a per-interface IPv6 sysctl unless it already has
// the value (writing it again could make the kernel announce changes).
func (d *Device) setIP6Sysctl(key, value string) {
	if cur, err := d.reg.plat.IP6Sysctl(d.ifindex, key); err == nil && cur == value {
		return
	}
	if err := d.reg.plat.SetIP6Sysctl(d.ifindex, key, value); err != nil {
		d.log.Debug(fmt.Sprintf("sysctl %s: %v", key, err))
	}
}

// deleteOnDeactivateCheck schedules deleting a software link gonm created
// once its activation is over.
func (d *Device) deleteOnDeactivateCheck() {
	if !d.nmOwned || d.queuedAct != nil || !d.Software() || !d.real || d.act != nil {
		return
	}
	if d.state == StateUnmanaged || d.state == StateUnavailable || d.reg.quitting {
		return
	}
	d.deleteOnDeactivateUnschedule()
	d.log.Debug("delete_on_deactivate: schedule cleanup and delete virtual link")
	d.deleteTimer = d.reg.loop.AfterFunc(0, func() {
		d.deleteTimer = nil
		d.log.Debug("delete_on_deactivate: cleanup and delete virtual link")
		d.unrealize(true)
		d.reg.emit(Event{Kind: DeviceChanged, Device: d})
	})
}

func (d *Device) deleteOnDeactivateUnschedule() {
	if d.deleteTimer != nil {
		d.deleteTimer.Stop()
		d.deleteTimer = nil
		d.log.Debug("delete_on_deactivate: cancel cleanup and delete virtual link")
	}
}

// Delete is the Delete method: a software device's link is deleted.
func (d *Device) Delete() error {
	if !d.Software() || !d.real {
		return fmt.Errorf("This device is not a software device or is not realized")
	}
	// Only a link the kernel deleted is unrealized (lo cannot be).
	if err := d.reg.plat.LinkDelete(d.ifindex); err != nil {
		return err
	}
	d.unrealizeFull(false, ReasonUserRequested)
	return nil
}

// removeRealized is the device object going away for good while it has a
// link (the link disappeared and no profile keeps it).
func (d *Device) removeRealized() {
	if d.managed(false) {
		d.setSysIface(SysIfaceRemoved)
		d.setUnmanagedFlags(unmanagedPlatformInit, opSetUnmanaged, true, ReasonRemoved)
	}
	if d.controller != nil {
		d.controller.releasePort(d, false, ReasonRemoved)
	}
	d.l3Detach()
	d.reg.emit(Event{Kind: DeviceUnrealized, Device: d})
	delete(d.reg.byIndex, d.ifindex)
	d.reg.metricClear(d.ifindex)
	d.real = false
}

// Reapply is the Reapply method: the new settings of the active profile
// take effect without a full re-activation where that is possible
// (IP addresses and routes); other changes need a re-activation.
func (d *Device) Reapply(c *setting.Connection, versionID uint64, flags uint32) error {
	a := d.act
	if a == nil {
		return errorf("org.freedesktop.NetworkManager.Device.NotActive", "Device is not activated")
	}
	if versionID != 0 && versionID != a.versionID {
		return errorf("org.freedesktop.NetworkManager.Device.VersionIdMismatch", "Reapply failed because device changed in the meantime and the version-id mismatches")
	}
	if c == nil {
		c = a.Applied.Clone()
	}
	if err := reapplyCompatible(a.Applied, c); err != nil {
		return err
	}
	// Keep the identity of the applied profile.
	con := c.Ensure("connection")
	_ = con.Set("uuid", a.Applied.UUID())
	_ = con.Set("id", a.Applied.ID())
	d.log.Info(fmt.Sprintf("reapply: connection '%s'", a.Applied.ID()))
	versionIDs++
	a.versionID = versionIDs
	a.Applied = c
	if d.state >= StateIPConfig && d.sysIface != SysIfaceExternal && d.ip.l3Started {
		d.l3Reapply()
	}
	d.reg.emit(Event{Kind: ActivationChanged, Act: a})
	return nil
}

// reapplyCompatible: settings that can change in place (NetworkManager's
// can_reapply_change): connection (partly), ipv4, ipv6, proxy, user,
// match; anything else needs a new activation.
func reapplyCompatible(old, neu *setting.Connection) error {
	names := map[string]bool{}
	for _, s := range old.Settings() {
		names[s.Name()] = true
	}
	for _, s := range neu.Settings() {
		names[s.Name()] = true
	}
	for n := range names {
		switch n {
		case "ipv4", "ipv6", "proxy", "user", "match", "ethtool", "tc", "sriov":
			continue
		case "connection":
			a, b := old.Setting(n), neu.Setting(n)
			for _, prop := range []string{"type", "interface-name", "master", "slave-type"} {
				if a.Str(prop) != b.Str(prop) {
					return errorf("org.freedesktop.NetworkManager.Device.IncompatibleConnection",
						"Can't reapply changes to '%s.%s' setting", n, prop)
				}
			}
			continue
		}
		a, b := old.Setting(n), neu.Setting(n)
		if (a == nil) != (b == nil) || (a != nil && !a.Equal(b)) {
			return errorf("org.freedesktop.NetworkManager.Device.IncompatibleConnection",
				"Can't reapply any changes to '%s' setting", n)
		}
	}
	return nil
}

// updateConnectivity: gonm has no connectivity checking yet, which is
// NetworkManager's behaviour with checking disabled: an activated device
// has full connectivity with a default route and limited without; others
// none; unmanaged ones unknown.
func (d *Device) updateConnectivity() {
	for f := range d.connectivity {
		c := ConnectivityUnknown
		switch {
		case d.state <= StateUnmanaged:
			c = ConnectivityUnknown
		case d.state == StateActivated:
			c = ConnectivityLimited
			if d.hasDefaultRoute() {
				c = ConnectivityFull
			}
		default:
			c = ConnectivityNone
		}
		if d.state <= StateUnmanaged && d.connectivity[f] == ConnectivityUnknown {
			continue
		}
		d.connectivity[f] = c
	}
}

// Connectivity is the device's IPv4 and IPv6 connectivity.
func (d *Device) Connectivity() (ip4, ip6 Connectivity) { return d.connectivity[0], d.connectivity[1] }

// updateMetered: connection.metered of the applied profile, else a guess
// ("guess-no" for an active device, as NetworkManager guesses for wired).
func (d *Device) updateMetered() {
	m := MeteredUnknown
	if d.act != nil && d.state == StateActivated {
		m = MeteredGuessNo
		if s := d.act.Applied.Setting("connection"); s != nil {
			switch s.Int32("metered") {
			case 1:
				m = MeteredYes
			case 2:
				m = MeteredNo
			}
		}
	}
	if d.metered != m {
		d.metered = m
		d.obj.Set(IfaceDevice, "Metered", uint32(m))
		d.reg.emit(Event{Kind: DeviceChanged, Device: d})
	}
}

// Metered is the device's NMMetered.
func (d *Device) Metered() Metered { return d.metered }

func parseUint(s string) (uint64, bool) {
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}
