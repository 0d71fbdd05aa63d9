package device

import (
	"fmt"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/setting"
)

// This file is the one table of device kinds. Each kind is a small type
// implementing kind (and, where the kind has them, creator for software
// links and controller for links that take ports); kinds lists them all.
// The device code asks the table, never a type switch, what a kind does.

// D-Bus interface names of the device objects.
const (
	IfaceDevice     = "org.freedesktop.NetworkManager.Device"
	IfaceStatistics = "org.freedesktop.NetworkManager.Device.Statistics"
	IfaceWired      = "org.freedesktop.NetworkManager.Device.Wired"
	IfaceVeth       = "org.freedesktop.NetworkManager.Device.Veth"
	IfaceLoopback   = "org.freedesktop.NetworkManager.Device.Loopback"
	IfaceBridge     = "org.freedesktop.NetworkManager.Device.Bridge"
	IfaceBond       = "org.freedesktop.NetworkManager.Device.Bond"
	IfaceVlan       = "org.freedesktop.NetworkManager.Device.Vlan"
	IfaceMacvlan    = "org.freedesktop.NetworkManager.Device.Macvlan"
	IfaceVxlan      = "org.freedesktop.NetworkManager.Device.Vxlan"
	IfaceTun        = "org.freedesktop.NetworkManager.Device.Tun"
	IfaceDummy      = "org.freedesktop.NetworkManager.Device.Dummy"
	IfaceGeneric    = "org.freedesktop.NetworkManager.Device.Generic"
)

// kindInfo are the facts NetworkManager keeps per device class.
type kindInfo struct {
	// name is the kind's name in gonm's logs.
	name string
	// linkTypes are the platform link types devices of this kind stand
	// for; the first one a link matches wins.
	linkTypes []platform.LinkType
	devType   Type
	// typeDesc is NetworkManager's type description ("ethernet",
	// "bridge", ...), used in logs and by the generic kind.
	typeDesc string
	// iface is the kind's own D-Bus interface (besides Device and
	// Device.Statistics); extra lists more (Veth adds Device.Veth to
	// Device.Wired).
	iface string
	extra []string
	// connType is the profile type (connection.type) the kind activates;
	// alsoType is a second one it accepts (veth devices take ethernet
	// profiles and veth profiles).
	connType, alsoType string
	// caps are NMDeviceCapabilities besides NM_SUPPORTED and what the link
	// adds (IS_SOFTWARE for software links).
	caps Capabilities
	// metric is the default route metric of the kind
	// (nm_device_get_route_metric_default).
	metric uint32
	// unmanagedByDefault makes devices of the kind unmanaged unless
	// configuration says otherwise (generic devices).
	unmanagedByDefault bool
	// externalDownRule: externally created links of the kind stay
	// unmanaged until they are up with addresses (software kinds except
	// veth, which NetworkManager manages at once where no udev rule
	// says otherwise).
	externalDownRule bool
	// controller kinds take ports and are available without carrier.
	controller bool
	// autoconnectOnExternal lets a profile autoconnect on top of an
	// external activation (loopback in NetworkManager).
	autoconnectOnExternal bool
	// portType is connection.slave-type of profiles that are ports of
	// this kind of controller.
	portType string
}

// kind is the behaviour that differs between device kinds.
type kind interface {
	info() *kindInfo
	// props sets the kind's own D-Bus properties from the device's link
	// (nil while unrealized).
	props(d *Device, set func(iface, prop string, v any))
	// compatible checks the kind-specific parts of a profile (the type
	// was checked already); nil means it may activate on the device.
	compatible(d *Device, c *setting.Connection) error
	// generate fills the kind's settings of a profile describing the
	// link as it is (for external and assumed devices).
	generate(d *Device, c *setting.Connection)
}

// creator is implemented by kinds whose links gonm creates from a profile.
type creator interface {
	// spec describes the link to create for the profile; parent is the
	// parent device for stacked kinds (nil otherwise).
	spec(d *Device, c *setting.Connection, parent *Device) (*platform.LinkSpec, error)
	// parentOf names the profile's parent (interface name or profile
	// UUID) for stacked kinds, "" for none.
	parentOf(c *setting.Connection) string
}

// kinds is every device kind gonm knows, in the order links are matched.
// generic comes last: it takes any link no other kind claims.
var kinds = []kind{
	loopbackKind{}, vethKind{}, ethernetKind{}, bridgeKind{}, bondKind{}, vlanKind{},
	macvlanKind{}, vxlanKind{}, tunKind{}, dummyKind{}, genericKind{},
}

// kindForLink finds the kind of a kernel link.
func kindForLink(l *platform.Link) kind {
	for _, k := range kinds {
		for _, t := range k.info().linkTypes {
			if t == l.Type {
				return k
			}
		}
	}
	return genericKind{}
}

// kindForProfile finds the kind that activates profiles of a type
// (connection.type), for software devices created from profiles.
func kindForProfile(connType string) (kind, bool) {
	for _, k := range kinds {
		if _, veth := k.(vethKind); veth {
			// veths activate Ethernet profiles, but only veth
			// profiles create them.
			continue
		}
		inf := k.info()
		if inf.connType == connType {
			if _, ok := k.(creator); ok {
				return k, true
			}
		}
	}
	// A veth profile makes a veth device.
	if connType == "veth" {
		return vethKind{}, true
	}
	return nil, false
}

// controllerKindForPortType finds the controller kind of a port profile's
// connection.slave-type.
func controllerKindForPortType(portType string) (kind, bool) {
	for _, k := range kinds {
		if k.info().controller && k.info().portType == portType {
			return k, true
		}
	}
	return nil, false
}

// ---- helpers shared by kinds ----

func hwAddrString(l *platform.Link) string {
	if l == nil {
		return ""
	}
	return l.Addr.String()
}

func carrierOf(d *Device) bool { return d.carrier }

// parentPath is the D-Bus path of the device of a link's parent (IFLA_LINK
// in the same namespace), "/" when there is none.
func parentPath(d *Device) dbus.ObjectPath {
	if d.link == nil || d.link.Parent <= 0 || d.link.LinkNetNSID >= 0 {
		return "/"
	}
	if p := d.reg.byIndex[d.link.Parent]; p != nil {
		return p.Path()
	}
	return "/"
}

func portPaths(d *Device) []dbus.ObjectPath {
	out := []dbus.ObjectPath{}
	for _, p := range d.ports {
		if p.dev.obj != nil && p.dev.obj.Exported() {
			out = append(out, p.dev.Path())
		}
	}
	return out
}

func ensureSetting(c *setting.Connection, name string) *setting.Setting {
	return c.Ensure(name)
}

func errIncompatible(format string, args ...any) error {
	return &IncompatibleError{Msg: fmt.Sprintf(format, args...)}
}

// IncompatibleError says why a profile cannot activate on a device.
type IncompatibleError struct{ Msg string }

func (e *IncompatibleError) Error() string { return e.Msg }

// linkData returns the link's kind-specific data as T.
func linkData[T platform.LinkData](d *Device) (T, bool) {
	var zero T
	if d.link == nil || d.link.Data == nil {
		return zero, false
	}
	v, ok := d.link.Data.(T)
	return v, ok
}
