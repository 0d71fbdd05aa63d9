package client

import (
	"slices"

	"github.com/godbus/dbus/v5"
)

// Object is one D-Bus object of NetworkManager as last seen: its
// interfaces and their properties. Typed views (Device, ActiveConnection,
// ...) read from it; they stay valid (and current) for the object's life.
type Object struct {
	c     *Client
	path  dbus.ObjectPath
	props map[string]map[string]dbus.Variant
	kind  kind
	// typeName is libnm's class name for the object (NMDeviceVeth).
	typeName string

	view any
	// settings of a profile (Settings.Connection), fetched with
	// GetSettings; nil until the first reply.
	settings      Settings
	settingsReady bool
	settingsGen   int
	// acReason is the reason of the last StateChanged signal of an
	// active connection, which is not a property.
	acReason ActiveStateReason
	removed  bool
}

// Path is the object's D-Bus path.
func (o *Object) Path() dbus.ObjectPath {
	if o == nil {
		return "/"
	}
	return o.path
}

// Client returns the client the object belongs to.
func (o *Object) Client() *Client { return o.c }

// TypeName is the libnm class name of the object ("NMDeviceVeth").
func (o *Object) TypeName() string { return o.typeName }

// HasInterface reports whether the object implements iface.
func (o *Object) HasInterface(iface string) bool {
	_, ok := o.props[iface]
	return ok
}

// Removed reports whether the object has disappeared from the bus.
func (o *Object) Removed() bool { return o.removed }

// Prop returns a raw property value.
func (o *Object) Prop(iface, name string) (dbus.Variant, bool) {
	if o == nil {
		return dbus.Variant{}, false
	}
	m, ok := o.props[iface]
	if !ok {
		return dbus.Variant{}, false
	}
	v, ok := m[name]
	return v, ok
}

// propAs returns a property's value as a T, or T's zero value when the
// object lacks the property or it has another type, so that the typed
// views read a missing or ill-typed property as unset rather than fail.
func propAs[T any](o *Object, iface, name string) T {
	v, _ := o.Prop(iface, name)
	t, _ := v.Value().(T)
	return t
}

func (o *Object) str(iface, name string) string    { return propAs[string](o, iface, name) }
func (o *Object) u32(iface, name string) uint32    { return propAs[uint32](o, iface, name) }
func (o *Object) i32(iface, name string) int32     { return propAs[int32](o, iface, name) }
func (o *Object) i64(iface, name string) int64     { return propAs[int64](o, iface, name) }
func (o *Object) u64(iface, name string) uint64    { return propAs[uint64](o, iface, name) }
func (o *Object) byte(iface, name string) byte     { return propAs[byte](o, iface, name) }
func (o *Object) boolean(iface, name string) bool  { return propAs[bool](o, iface, name) }
func (o *Object) bytes(iface, name string) []byte  { return propAs[[]byte](o, iface, name) }
func (o *Object) strv(iface, name string) []string { return propAs[[]string](o, iface, name) }
func (o *Object) objPath(iface, name string) dbus.ObjectPath {
	return propAs[dbus.ObjectPath](o, iface, name)
}
func (o *Object) objPaths(iface, name string) []dbus.ObjectPath {
	return propAs[[]dbus.ObjectPath](o, iface, name)
}
func (o *Object) dicts(iface, name string) []map[string]dbus.Variant {
	return propAs[[]map[string]dbus.Variant](o, iface, name)
}
func (o *Object) strMap(iface, name string) map[string]string {
	return propAs[map[string]string](o, iface, name)
}

// viewOf returns the object's typed view (Device, ActiveConnection ...),
// made on first use and kept, so that a view stays the same pointer for
// the object's life; objects not of one of kinds have none.
func viewOf[T ~struct{ *Object }](o *Object, kinds ...kind) *T {
	if o == nil || !slices.Contains(kinds, o.kind) {
		return nil
	}
	if v, ok := o.view.(*T); ok {
		return v
	}
	v := &T{o}
	o.view = v
	return v
}

// views resolves object paths (a list property, or the client's lists of
// devices, active connections and profiles) to typed views, in order;
// view is Object.device, Object.active and the like, and paths of objects
// not cached or of another kind are left out.
func views[T any](c *Client, paths []dbus.ObjectPath, view func(*Object) *T) []*T {
	out := make([]*T, 0, len(paths))
	for _, p := range paths {
		if v := view(c.Object(p)); v != nil {
			out = append(out, v)
		}
	}
	return out
}

// kind is the libnm class family an object belongs to, chosen once from
// its interfaces when it first appears.
type kind int

const (
	kindUnknown kind = iota
	kindManager
	kindSettings
	kindDNSManager
	kindDevice
	kindActive
	kindVPN
	kindIP4Config
	kindIP6Config
	kindDHCP4Config
	kindDHCP6Config
	kindConnection
	kindAccessPoint
	kindCheckpoint
	kindWifiP2PPeer
)

// D-Bus interface names.
const (
	ifaceManager      = "org.freedesktop.NetworkManager"
	ifaceSettings     = "org.freedesktop.NetworkManager.Settings"
	ifaceConnection   = "org.freedesktop.NetworkManager.Settings.Connection"
	ifaceDevice       = "org.freedesktop.NetworkManager.Device"
	ifaceActive       = "org.freedesktop.NetworkManager.Connection.Active"
	ifaceVPN          = "org.freedesktop.NetworkManager.VPN.Connection"
	ifaceIP4Config    = "org.freedesktop.NetworkManager.IP4Config"
	ifaceIP6Config    = "org.freedesktop.NetworkManager.IP6Config"
	ifaceDHCP4Config  = "org.freedesktop.NetworkManager.DHCP4Config"
	ifaceDHCP6Config  = "org.freedesktop.NetworkManager.DHCP6Config"
	ifaceAccessPoint  = "org.freedesktop.NetworkManager.AccessPoint"
	ifaceCheckpoint   = "org.freedesktop.NetworkManager.Checkpoint"
	ifaceDNSManager   = "org.freedesktop.NetworkManager.DnsManager"
	ifaceAgentManager = "org.freedesktop.NetworkManager.AgentManager"
	ifaceWifiP2PPeer  = "org.freedesktop.NetworkManager.WifiP2PPeer"
	ifaceProperties   = "org.freedesktop.DBus.Properties"
	ifaceObjManager   = "org.freedesktop.DBus.ObjectManager"

	ifaceDeviceWired     = "org.freedesktop.NetworkManager.Device.Wired"
	ifaceDeviceWireless  = "org.freedesktop.NetworkManager.Device.Wireless"
	ifaceDeviceBridge    = "org.freedesktop.NetworkManager.Device.Bridge"
	ifaceDeviceBond      = "org.freedesktop.NetworkManager.Device.Bond"
	ifaceDeviceTeam      = "org.freedesktop.NetworkManager.Device.Team"
	ifaceDeviceVLAN      = "org.freedesktop.NetworkManager.Device.Vlan"
	ifaceDeviceGeneric   = "org.freedesktop.NetworkManager.Device.Generic"
	ifaceDeviceModem     = "org.freedesktop.NetworkManager.Device.Modem"
	ifaceDeviceBluetooth = "org.freedesktop.NetworkManager.Device.Bluetooth"
)

// Well-known paths.
const (
	pathObjectManager = "/org/freedesktop"
	pathManager       = "/org/freedesktop/NetworkManager"
	pathSettings      = "/org/freedesktop/NetworkManager/Settings"
	pathDNSManager    = "/org/freedesktop/NetworkManager/DnsManager"
	pathAgentManager  = "/org/freedesktop/NetworkManager/AgentManager"
)

// BusName is NetworkManager's well-known bus name.
const BusName = "org.freedesktop.NetworkManager"

// instantiation says which interface makes an object of which libnm class;
// when an object has several, the highest priority wins (a veth device has
// both Device.Wired and Device.Veth and is an NMDeviceVeth).
var instantiation = map[string]struct {
	kind     kind
	typeName string
	prio     int
}{
	ifaceActive:                   {kindActive, "NMActiveConnection", 10},
	ifaceVPN:                      {kindVPN, "NMVpnConnection", 30},
	ifaceAccessPoint:              {kindAccessPoint, "NMAccessPoint", 30},
	ifaceCheckpoint:               {kindCheckpoint, "NMCheckpoint", 30},
	ifaceDHCP4Config:              {kindDHCP4Config, "NMDhcp4Config", 30},
	ifaceDHCP6Config:              {kindDHCP6Config, "NMDhcp6Config", 30},
	ifaceIP4Config:                {kindIP4Config, "NMIP4Config", 30},
	ifaceIP6Config:                {kindIP6Config, "NMIP6Config", 30},
	ifaceConnection:               {kindConnection, "NMRemoteConnection", 30},
	ifaceWifiP2PPeer:              {kindWifiP2PPeer, "NMWifiP2PPeer", 30},
	ifaceDeviceWired:              {kindDevice, "NMDeviceEthernet", 20},
	ifaceDevice + ".Lowpan":       {kindDevice, "NMDevice6Lowpan", 30},
	ifaceDevice + ".Adsl":         {kindDevice, "NMDeviceAdsl", 30},
	ifaceDeviceBond:               {kindDevice, "NMDeviceBond", 30},
	ifaceDeviceBridge:             {kindDevice, "NMDeviceBridge", 30},
	ifaceDeviceBluetooth:          {kindDevice, "NMDeviceBt", 30},
	ifaceDevice + ".Dummy":        {kindDevice, "NMDeviceDummy", 30},
	ifaceDeviceGeneric:            {kindDevice, "NMDeviceGeneric", 30},
	ifaceDevice + ".Infiniband":   {kindDevice, "NMDeviceInfiniband", 30},
	ifaceDevice + ".IPTunnel":     {kindDevice, "NMDeviceIPTunnel", 30},
	ifaceDevice + ".Loopback":     {kindDevice, "NMDeviceLoopback", 30},
	ifaceDevice + ".Macsec":       {kindDevice, "NMDeviceMacsec", 30},
	ifaceDevice + ".Macvlan":      {kindDevice, "NMDeviceMacvlan", 30},
	ifaceDeviceModem:              {kindDevice, "NMDeviceModem", 30},
	ifaceDevice + ".OlpcMesh":     {kindDevice, "NMDeviceOlpcMesh", 30},
	ifaceDevice + ".OvsBridge":    {kindDevice, "NMDeviceOvsBridge", 30},
	ifaceDevice + ".OvsInterface": {kindDevice, "NMDeviceOvsInterface", 30},
	ifaceDevice + ".OvsPort":      {kindDevice, "NMDeviceOvsPort", 30},
	ifaceDevice + ".Ppp":          {kindDevice, "NMDevicePpp", 30},
	ifaceDeviceTeam:               {kindDevice, "NMDeviceTeam", 30},
	ifaceDevice + ".Tun":          {kindDevice, "NMDeviceTun", 30},
	ifaceDevice + ".Veth":         {kindDevice, "NMDeviceVeth", 30},
	ifaceDeviceVLAN:               {kindDevice, "NMDeviceVlan", 30},
	ifaceDevice + ".Vrf":          {kindDevice, "NMDeviceVrf", 30},
	ifaceDevice + ".Vxlan":        {kindDevice, "NMDeviceVxlan", 30},
	ifaceDevice + ".WifiP2P":      {kindDevice, "NMDeviceWifiP2P", 30},
	ifaceDeviceWireless:           {kindDevice, "NMDeviceWifi", 30},
	ifaceDevice + ".WireGuard":    {kindDevice, "NMDeviceWireGuard", 30},
	ifaceDevice + ".Wpan":         {kindDevice, "NMDeviceWpan", 30},
}

// classify picks the object's class from its interfaces, as libnm does
// once per object. Objects that match no class (a device exposing only the
// generic Device interface) stay unknown and invisible, as in libnm.
func classify(path dbus.ObjectPath, ifaces map[string]map[string]dbus.Variant) (kind, string) {
	switch path {
	case pathManager:
		return kindManager, "NMClient"
	case pathSettings:
		return kindSettings, "NMClient"
	case pathDNSManager:
		return kindDNSManager, "NMClient"
	}
	best, k, name := 0, kindUnknown, ""
	for iface := range ifaces {
		in, ok := instantiation[iface]
		if !ok || in.prio <= best {
			continue
		}
		best, k, name = in.prio, in.kind, in.typeName
	}
	return k, name
}
