package device

import (
	"fmt"
	"strings"

	"github.com/gonm/gonm/internal/config"
)

// unmanagedFlags are NetworkManager's NMUnmanagedFlags: each says one
// reason a device is (or, in the mask, is explicitly not) unmanaged.
type unmanagedFlags uint32

const (
	unmanagedSleeping     unmanagedFlags = 1 << 0
	unmanagedQuitting     unmanagedFlags = 1 << 1
	unmanagedPlatformInit unmanagedFlags = 1 << 2
	unmanagedUserExplicit unmanagedFlags = 1 << 3
	unmanagedUserSettings unmanagedFlags = 1 << 4
	unmanagedByDefault    unmanagedFlags = 1 << 5
	unmanagedUserConf     unmanagedFlags = 1 << 6
	unmanagedUserUdev     unmanagedFlags = 1 << 7
	unmanagedExternalDown unmanagedFlags = 1 << 8
	unmanagedIsPort       unmanagedFlags = 1 << 9
)

var unmanagedNames = []string{"sleeping", "quitting", "platform-init", "user-explicit", "user-settings",
	"by-default", "user-conf", "user-udev", "external-down", "is-slave"}

func (f unmanagedFlags) String() string {
	var s []string
	for i, n := range unmanagedNames {
		if f&(1<<i) != 0 {
			s = append(s, n)
		}
	}
	return strings.Join(s, ",")
}

// flagOp is how setUnmanagedFlags changes flags.
type flagOp int

const (
	opForget       flagOp = iota // drop from flags and mask: no opinion
	opSetUnmanaged               // set in flags and mask
	opSetManaged                 // clear in flags, set in mask: explicitly managed
)

func opFor(unmanaged bool) flagOp {
	if unmanaged {
		return opSetUnmanaged
	}
	return opSetManaged
}

// managedBy decides from the flags whether a device is managed. Some
// reasons override others, as in NetworkManager: an explicit user
// decision beats configuration, configuration beats udev, both beat the
// kind's default and the "externally created and down" rule.
func managedBy(flags, mask unmanagedFlags, forUser bool) bool {
	if forUser {
		if managedBy(flags, mask, false) {
			return true
		}
		mask |= unmanagedUserExplicit
		flags &^= unmanagedUserExplicit
	}
	if mask&unmanagedUserSettings != 0 && flags&unmanagedUserSettings == 0 {
		// unmanaged-devices can only unmanage.
		mask &^= unmanagedUserSettings
	}
	if mask&unmanagedUserUdev != 0 {
		flags &^= unmanagedByDefault | unmanagedExternalDown
	}
	if mask&unmanagedUserConf != 0 {
		flags &^= unmanagedByDefault | unmanagedUserUdev | unmanagedExternalDown
	}
	if mask&unmanagedIsPort != 0 && flags&unmanagedIsPort == 0 {
		flags &^= unmanagedByDefault
	}
	if mask&unmanagedUserExplicit != 0 {
		flags &^= unmanagedByDefault | unmanagedUserUdev | unmanagedUserConf | unmanagedExternalDown
	}
	return flags == 0
}

// managed reports whether the flags let gonm manage the device;
// unrealized devices never are.
func (d *Device) managed(forUser bool) bool {
	if !d.real {
		return false
	}
	return managedBy(d.unmanaged, d.unmanagedMask, forUser)
}

// Managed is managed(false), for the layers above.
func (d *Device) Managed() bool { return d.managed(false) }

// setUnmanagedFlags changes flags; with transition, a device that
// becomes managed goes to UNAVAILABLE and one that stops being managed to
// UNMANAGED, now or queued.
func (d *Device) setUnmanagedFlags(flags unmanagedFlags, op flagOp, transition bool, reason Reason) {
	d.setUnmanagedFlagsFull(flags, op, transition, true, reason)
}

func (d *Device) setUnmanagedFlagsFull(flags unmanagedFlags, op flagOp, transition, now bool, reason Reason) {
	if !d.real {
		transition = false
	}
	wasManaged := transition && d.managed(false)
	if d.unmanaged&unmanagedPlatformInit != 0 && flags&unmanagedPlatformInit != 0 && op == opSetManaged {
		// Leaving platform-init evaluates unmanaged-devices.
		if flags&unmanagedUserSettings == 0 {
			d.setUnmanagedFlagsFull(unmanagedUserSettings, opFor(d.matchesUnmanagedSpecs()), false, false, ReasonNone)
		}
	}
	oldF, oldM := d.unmanaged, d.unmanagedMask
	switch op {
	case opForget:
		d.unmanagedMask &^= flags
		d.unmanaged &^= flags
	case opSetUnmanaged:
		d.unmanagedMask |= flags
		d.unmanaged |= flags
	case opSetManaged:
		d.unmanagedMask |= flags
		d.unmanaged &^= flags
	}
	if oldF == d.unmanaged && oldM == d.unmanagedMask {
		return
	}
	nowManaged := d.managed(false)
	doTransition := transition && wasManaged != nowManaged && (wasManaged || d.state == StateUnmanaged)
	d.log.Debug(fmt.Sprintf("unmanaged: flags set to [%s/%#x/%#x], %s", d.unmanaged, uint32(d.unmanaged),
		uint32(d.unmanagedMask), map[bool]string{true: "managed", false: "unmanaged"}[nowManaged]))
	if doTransition {
		next := StateUnavailable
		if wasManaged {
			next = StateUnmanaged
		}
		if now {
			d.setState(next, reason)
		} else {
			d.queueState(next, reason)
		}
	}
	d.reg.emit(Event{Kind: DeviceChanged, Device: d})
}

// matchesUnmanagedSpecs reports [keyfile] unmanaged-devices matching the
// device (NetworkManager's user-settings flag).
func (d *Device) matchesUnmanagedSpecs() bool {
	specs := d.reg.cfg().UnmanagedDevices()
	return len(specs) > 0 && config.MatchDevice(specs, d.matchInfo()) == config.Match
}

// matchInfo describes the device for NetworkManager.conf device specs.
func (d *Device) matchInfo() config.Device {
	m := config.Device{Interface: d.iface, Type: d.info.typeDesc, Driver: d.driverName(), DriverVersion: d.driverVersion}
	// A stand-in permanent address does not match "mac:" specs.
	m.HwAddr = d.realPermHWAddr().String()
	return m
}

// confManaged is [device] managed for the device: true, false, or unset.
func (d *Device) confManaged() (bool, bool) {
	v, found, _ := d.reg.cfg().DeviceValue("managed", d.matchInfo())
	if !found {
		return false, false
	}
	b, err := config.ParseBool(v)
	if err != nil {
		return false, false
	}
	return b, true
}

// applyUserConf sets the user-conf flag from [device] managed.
func (d *Device) applyUserConf(transition bool) {
	v, ok := d.confManaged()
	op := opForget
	if ok {
		op = opFor(!v)
	}
	d.setUnmanagedFlags(unmanagedUserConf, op, transition, ReasonUserRequested)
}

// applyUdev sets the user-udev flag from udev's NM_UNMANAGED for the link.
func (d *Device) applyUdev(transition bool) {
	unmanaged, ok := d.reg.udevUnmanaged(d)
	if !ok {
		return
	}
	d.setUnmanagedFlags(unmanagedUserUdev, opFor(unmanaged), transition, ReasonUserRequested)
}

// externalDownOp is NetworkManager's rule for software links someone else
// created: they are managed only while up and configured (addresses, or
// attached ports).
func (d *Device) externalDownOp(considerKind bool) flagOp {
	if considerKind && (!d.info.externalDownRule || d.nmOwned || !d.Software()) {
		return opForget
	}
	if d.ifindex <= 0 || !d.up || !(len(d.ports) > 0 || d.reg.linkCanAssume(d.ifindex)) {
		return opSetUnmanaged
	}
	return opSetManaged
}

// checkExternalDown re-evaluates the external-down flag after a link
// change.
func (d *Device) checkExternalDown(now bool) {
	if d.unmanagedMask&unmanagedExternalDown == 0 {
		return
	}
	op := d.externalDownOp(false)
	if op != opSetUnmanaged {
		d.queueRecheckAssume()
	}
	d.setUnmanagedFlagsFull(unmanagedExternalDown, op, true, now, ReasonConnectionAssumed)
}

// linkCanAssume: the link is up and is a port, or has an IPv4 address or
// a non-link-local IPv6 address.
func (r *Devices) linkCanAssume(index int32) bool {
	l, ok := r.plat.Link(index)
	if !ok || !l.Up() {
		return false
	}
	if l.Master > 0 {
		return true
	}
	if len(r.plat.Addresses(platformIP4Address, index)) > 0 {
		return true
	}
	for _, a := range r.plat.Addresses(platformIP6Address, index) {
		if !a.Address.IsLinkLocalUnicast() {
			return true
		}
	}
	return false
}

// unrealizedManaged is NetworkManager's check for unrealized devices:
// neither [device] managed=false nor unmanaged-devices says no.
func (d *Device) unrealizedManaged() bool {
	if v, ok := d.confManaged(); ok && !v {
		return false
	}
	return !d.matchesUnmanagedSpecs()
}

// SetManagedByUser is the Managed property written over D-Bus.
func (d *Device) SetManagedByUser(managed bool) {
	if !d.real {
		return
	}
	reason := ReasonRemoved
	if managed {
		reason = ReasonConnectionAssumed
		if d.sysIface == SysIfaceExternal || d.sysIface == SysIfaceRemoved {
			d.setSysIface(SysIfaceAssume)
		}
	} else {
		d.setSysIface(SysIfaceRemoved)
	}
	d.setUnmanagedFlags(unmanagedUserExplicit, opFor(!managed), true, reason)
}

// SetAutoconnect is the Autoconnect property written over D-Bus: false
// blocks autoconnect by the user, true lifts every block.
func (d *Device) SetAutoconnect(on bool) {
	if on {
		d.setAutoconnectBlocked(blockedAll, 0)
	} else {
		d.setAutoconnectBlocked(blockedUser, blockedUser)
	}
}

// AutoconnectBlocked reports any autoconnect block on the device.
func (d *Device) AutoconnectBlocked() bool { return d.autoconnectOff != 0 }

func (d *Device) setAutoconnectBlocked(mask, value blockedFlags) {
	n := d.autoconnectOff&^mask | value&mask
	if n == d.autoconnectOff {
		return
	}
	d.autoconnectOff = n
	d.obj.Set(IfaceDevice, "Autoconnect", n == 0)
	d.reg.emit(Event{Kind: DeviceChanged, Device: d})
}

func (d *Device) setSysIface(s SysIfaceState) {
	if d.sysIface == s {
		return
	}
	d.log.Debug(fmt.Sprintf("sys-iface-state: %s -> %s", d.sysIface, s))
	d.sysIface = s
	d.l3CommitTypeReset()
}
