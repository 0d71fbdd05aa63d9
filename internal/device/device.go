package device

import (
	"fmt"
	"log/slog"
	"slices"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/settings"
)

const dbusRoot = dbus.ObjectPath("/")

// Device is one network device: a kernel link, or a software device a
// profile describes whose link does not exist yet (unrealized). It lives
// on the loop.
type Device struct {
	reg  *Devices
	kind kind
	info *kindInfo
	obj  *bus.Object
	log  *slog.Logger

	iface   string
	ifindex int32
	// link is the platform's current snapshot of the device's link; nil
	// while unrealized.
	link *platform.Link
	real bool
	up   bool

	udi, driver, driverVersion, firmwareVersion string
	udiID                                       uint64
	speed                                       uint32
	caps                                        Capabilities

	state  State
	reason Reason
	queued *loop.Timer
	// queuedState is the state change waiting for the next loop turn
	// (NetworkManager's nm_device_queue_state).
	queuedState  State
	queuedReason Reason

	unmanaged     unmanagedFlags
	unmanagedMask unmanagedFlags
	sysIface      SysIfaceState
	nmOwned       bool

	carrier        bool
	ignoreCarrier  bool
	carrierDefer   *loop.Timer
	carrierWait    *loop.Timer
	autoconnectOff blockedFlags

	act                   *Activation
	queuedAct             *Activation
	queuedActWaitsCarrier bool
	stageTimer            *loop.Timer
	// permAddr: see permaddr.go.
	permAddr            platform.HWAddr
	permFake            bool
	permSet             bool
	stage3Timer         *loop.Timer
	deleteTimer         *loop.Timer
	recheckTimer        *loop.Timer
	recheckAvail        Reason
	recheckUnavail      Reason
	recheckAssumeQueued bool
	ip                  ipRun
	l3                  *devL3
	mtu                 mtuState

	availList []*settings.Profile
	// controller is the device this one is a port of; ports are this
	// device's ports.
	controller *Device
	ports      []*port
	// controllerIndex is the kernel's controller of the link (IFLA_MASTER)
	// when no device for it exists yet.
	controllerIndex int32

	connectivity [2]Connectivity
	metered      Metered
	stats        stats
	// assumeUUID is the profile the run state file says was active on the
	// link when the daemon stopped; assumeGuess asks to look for a
	// matching profile (first start).
	assumeUUID  string
	assumeGuess bool
	// deleteOnDeactivate is set while the software link waits to be
	// deleted after its activation ended.
	deleteOnDeactivate bool
	removed            bool
	// sleepWait: the device deactivates for sleeping and goes unmanaged
	// once disconnected.
	sleepWait bool
}

// blockedFlags are NetworkManager's NMDeviceAutoconnectBlockedFlags.
type blockedFlags uint32

const (
	blockedUser             blockedFlags = 0x1
	blockedManualDisconnect blockedFlags = 0x4
	blockedAll              blockedFlags = 0x1f
	blockedInternal                      = blockedAll &^ blockedUser
)

// port is a device attached to a controller.
type port struct {
	dev *Device
	// attached is true once the kernel shows the port under the
	// controller (or gonm attached it).
	attached bool
	// configure: gonm attaches and detaches it (false for ports found
	// attached by someone else).
	configure bool
}

// Iface is the interface name.
func (d *Device) Iface() string { return d.iface }

// Ifindex is the kernel's interface index, 0 while unrealized.
func (d *Device) Ifindex() int32 { return d.ifindex }

// Link is the device's link as the platform shows it (nil if unrealized).
func (d *Device) Link() *platform.Link { return d.link }

// Real reports whether the device has a kernel link.
func (d *Device) Real() bool { return d.real }

// State is the device's NMDeviceState.
func (d *Device) State() State { return d.state }

// StateReason is the reason of the last state change.
func (d *Device) StateReason() Reason { return d.reason }

// Type is the NMDeviceType.
func (d *Device) Type() Type { return d.info.devType }

// TypeDesc is NetworkManager's short type name ("ethernet", "bridge").
func (d *Device) TypeDesc() string { return d.info.typeDesc }

// Path is the device's D-Bus object path.
func (d *Device) Path() dbus.ObjectPath { return bus.PathOf(d.obj) }

// Object is the exported D-Bus object.
func (d *Device) Object() *bus.Object { return d.obj }

// Activation is the device's current activation, nil if none.
func (d *Device) Activation() *Activation { return d.act }

// Carrier reports the device's carrier as NetworkManager tracks it.
func (d *Device) Carrier() bool { return d.carrier }

// AutoconnectOnExternal reports an external activation that a profile
// may autoconnect on top of (loopback's, in NetworkManager).
func (d *Device) AutoconnectOnExternal() bool {
	return d.sysIface == SysIfaceExternal && d.info.autoconnectOnExternal
}

// Software reports whether the device's link is made by software.
func (d *Device) Software() bool { return d.caps&CapIsSoftware != 0 }

// IsController reports whether the device takes ports (bridge, bond).
func (d *Device) IsController() bool { return d.info.controller }

// Controller is the device this one is a port of.
func (d *Device) Controller() *Device { return d.controller }

// Ports lists the device's ports.
func (d *Device) Ports() []*Device {
	out := make([]*Device, 0, len(d.ports))
	for _, p := range d.ports {
		out = append(out, p.dev)
	}
	return out
}

// RouteMetricDefault is the kind's default route metric.
func (d *Device) RouteMetricDefault() uint32 { return d.info.metric }

// AvailableConnections are the profiles that could activate on the device
// now.
func (d *Device) AvailableConnections() []*settings.Profile { return slices.Clone(d.availList) }

// SysIfaceState says how much of the interface gonm owns.
func (d *Device) SysIfaceState() SysIfaceState { return d.sysIface }

// NMOwned reports whether gonm created the software link.
func (d *Device) NMOwned() bool { return d.nmOwned }

// AutoconnectAllowedByUser is the Autoconnect property: false once a user
// blocked autoconnect on the device (or disconnected it).
func (d *Device) AutoconnectAllowedByUser() bool { return d.autoconnectOff == 0 }

func (d *Device) String() string {
	if d.ifindex > 0 {
		return fmt.Sprintf("%s (%d)", d.iface, d.ifindex)
	}
	return d.iface
}

// IsActivating reports an activation between PREPARE and SECONDARIES, or
// a queued one.
func (d *Device) IsActivating() bool {
	return d.state.Activating() || (d.queuedAct != nil)
}

// hasCap reports a capability.
func (d *Device) hasCap(c Capabilities) bool { return d.caps&c != 0 }

// Compatible reports why a profile could never activate on the device
// (nil: it could).
func (d *Device) Compatible(p *settings.Profile) error { return d.compatible(p.Connection()) }

// RouteMetric is the route metric the device's activation uses for a
// family (4 or 6).
func (d *Device) RouteMetric(fam int) uint32 {
	if fam == 6 {
		return d.routeMetric(fam6)
	}
	return d.routeMetric(fam4)
}
