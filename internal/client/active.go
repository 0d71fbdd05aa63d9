package client

import (
	"github.com/godbus/dbus/v5"
)

// ActiveConnection is an activation of a profile
// (org.freedesktop.NetworkManager.Connection.Active, plus VPN.Connection
// for VPNs).
type ActiveConnection struct{ *Object }

func (o *Object) active() *ActiveConnection { return viewOf[ActiveConnection](o, kindActive, kindVPN) }

// AsActive returns the object's active connection view, or nil.
func (o *Object) AsActive() *ActiveConnection { return o.active() }

// ActiveByPath returns the active connection at path, or nil.
func (c *Client) ActiveByPath(path dbus.ObjectPath) *ActiveConnection {
	return c.Object(path).active()
}

func (a *ActiveConnection) ID() string   { return a.str(ifaceActive, "Id") }
func (a *ActiveConnection) UUID() string { return a.str(ifaceActive, "Uuid") }

// Type is the profile's connection.type.
func (a *ActiveConnection) Type() string   { return a.str(ifaceActive, "Type") }
func (a *ActiveConnection) Default() bool  { return a.boolean(ifaceActive, "Default") }
func (a *ActiveConnection) Default6() bool { return a.boolean(ifaceActive, "Default6") }
func (a *ActiveConnection) VPN() bool      { return a.boolean(ifaceActive, "Vpn") }
func (a *ActiveConnection) State() ActiveState {
	return ActiveState(a.u32(ifaceActive, "State"))
}
func (a *ActiveConnection) StateFlags() ActivationStateFlags {
	return ActivationStateFlags(a.u32(ifaceActive, "StateFlags"))
}

// StateReason is the reason of the last StateChanged signal seen.
func (a *ActiveConnection) StateReason() ActiveStateReason { return a.acReason }

// IsVPNObject reports whether libnm makes it an NMVpnConnection.
func (a *ActiveConnection) IsVPNObject() bool { return a.kind == kindVPN }

// SpecificObjectPath is the access point or parent connection it uses.
func (a *ActiveConnection) SpecificObjectPath() dbus.ObjectPath {
	return a.objPath(ifaceActive, "SpecificObject")
}

// Connection is the profile (nil when not visible to the caller).
func (a *ActiveConnection) Connection() *Connection {
	return a.c.Object(a.objPath(ifaceActive, "Connection")).connection()
}

// ConnectionPath is the profile's path even when it is not visible.
func (a *ActiveConnection) ConnectionPath() dbus.ObjectPath {
	return a.objPath(ifaceActive, "Connection")
}

// Devices are the devices it runs on.
func (a *ActiveConnection) Devices() []*Device {
	return views(a.c, a.objPaths(ifaceActive, "Devices"), (*Object).device)
}

// Master is the controller device, for a port.
func (a *ActiveConnection) Master() *Device {
	return a.c.Object(a.objPath(ifaceActive, "Master")).device()
}

func (a *ActiveConnection) IP4Config() *IPConfig {
	return a.c.Object(a.objPath(ifaceActive, "Ip4Config")).ipConfig()
}
func (a *ActiveConnection) IP6Config() *IPConfig {
	return a.c.Object(a.objPath(ifaceActive, "Ip6Config")).ipConfig()
}
func (a *ActiveConnection) DHCP4Config() *DHCPConfig {
	return a.c.Object(a.objPath(ifaceActive, "Dhcp4Config")).dhcpConfig()
}
func (a *ActiveConnection) DHCP6Config() *DHCPConfig {
	return a.c.Object(a.objPath(ifaceActive, "Dhcp6Config")).dhcpConfig()
}

// VPNState and Banner are a VPN connection's.
func (a *ActiveConnection) VPNState() VPNState { return VPNState(a.u32(ifaceVPN, "VpnState")) }
func (a *ActiveConnection) Banner() string     { return a.str(ifaceVPN, "Banner") }

// Checkpoint is a configuration checkpoint.
type Checkpoint struct{ *Object }

func (o *Object) checkpoint() *Checkpoint { return viewOf[Checkpoint](o, kindCheckpoint) }

// Created is the CLOCK_BOOTTIME of creation in milliseconds.
func (cp *Checkpoint) Created() int64 { return cp.i64(ifaceCheckpoint, "Created") }

// RollbackTimeout is the timeout in seconds (0: none).
func (cp *Checkpoint) RollbackTimeout() uint32 { return cp.u32(ifaceCheckpoint, "RollbackTimeout") }

// Devices are the devices the checkpoint covers.
func (cp *Checkpoint) Devices() []*Device {
	return views(cp.c, cp.objPaths(ifaceCheckpoint, "Devices"), (*Object).device)
}

// AccessPoint is a Wi-Fi access point.
type AccessPoint struct{ *Object }

func (o *Object) accessPoint() *AccessPoint { return viewOf[AccessPoint](o, kindAccessPoint) }

func (ap *AccessPoint) Flags() APFlags                             { return APFlags(ap.u32(ifaceAccessPoint, "Flags")) }
func (ap *AccessPoint) WpaFlags() APSecurity                       { return APSecurity(ap.u32(ifaceAccessPoint, "WpaFlags")) }
func (ap *AccessPoint) RsnFlags() APSecurity                       { return APSecurity(ap.u32(ifaceAccessPoint, "RsnFlags")) }
func (ap *AccessPoint) SSID() []byte                               { return ap.bytes(ifaceAccessPoint, "Ssid") }
func (ap *AccessPoint) Frequency() uint32                          { return ap.u32(ifaceAccessPoint, "Frequency") }
func (ap *AccessPoint) BSSID() string                              { return ap.str(ifaceAccessPoint, "HwAddress") }
func (ap *AccessPoint) Mode() WifiMode                             { return WifiMode(ap.u32(ifaceAccessPoint, "Mode")) }
func (ap *AccessPoint) MaxBitrate() uint32                         { return ap.u32(ifaceAccessPoint, "MaxBitrate") }
func (ap *AccessPoint) Strength() uint8                            { return ap.byte(ifaceAccessPoint, "Strength") }
func (ap *AccessPoint) LastSeen() int32                            { return ap.i32(ifaceAccessPoint, "LastSeen") }
func (ap *AccessPoint) Bandwidth() uint32                          { return ap.u32(ifaceAccessPoint, "Bandwidth") }
func (ap *AccessPoint) HasSSID() bool                              { _, ok := ap.Prop(ifaceAccessPoint, "Ssid"); return ok }
func (c *Client) AccessPointByPath(p dbus.ObjectPath) *AccessPoint { return c.Object(p).accessPoint() }
