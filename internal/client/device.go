package client

import (
	"context"
	"strings"

	"github.com/godbus/dbus/v5"
)

// Device is a network device (org.freedesktop.NetworkManager.Device and
// its kind's interface).
type Device struct{ *Object }

func (o *Object) device() *Device { return viewOf[Device](o, kindDevice) }

// AsDevice returns the object's device view, or nil.
func (o *Object) AsDevice() *Device { return o.device() }

// DeviceByPath returns the device at path, or nil.
func (c *Client) DeviceByPath(path dbus.ObjectPath) *Device { return c.Object(path).device() }

func (d *Device) Interface() string       { return d.str(ifaceDevice, "Interface") }
func (d *Device) IPInterface() string     { return d.str(ifaceDevice, "IpInterface") }
func (d *Device) Udi() string             { return d.str(ifaceDevice, "Udi") }
func (d *Device) SysPath() string         { return d.str(ifaceDevice, "Path") }
func (d *Device) Driver() string          { return d.str(ifaceDevice, "Driver") }
func (d *Device) DriverVersion() string   { return d.str(ifaceDevice, "DriverVersion") }
func (d *Device) FirmwareVersion() string { return d.str(ifaceDevice, "FirmwareVersion") }
func (d *Device) PhysicalPortID() string  { return d.str(ifaceDevice, "PhysicalPortId") }
func (d *Device) MTU() uint32             { return d.u32(ifaceDevice, "Mtu") }
func (d *Device) Managed() bool           { return d.boolean(ifaceDevice, "Managed") }
func (d *Device) Autoconnect() bool       { return d.boolean(ifaceDevice, "Autoconnect") }
func (d *Device) FirmwareMissing() bool   { return d.boolean(ifaceDevice, "FirmwareMissing") }
func (d *Device) NMPluginMissing() bool   { return d.boolean(ifaceDevice, "NmPluginMissing") }
func (d *Device) Real() bool              { return d.boolean(ifaceDevice, "Real") }
func (d *Device) Type() DeviceType        { return DeviceType(d.u32(ifaceDevice, "DeviceType")) }
func (d *Device) Metered() Metered        { return Metered(d.u32(ifaceDevice, "Metered")) }
func (d *Device) Capabilities() DeviceCapabilities {
	return DeviceCapabilities(d.u32(ifaceDevice, "Capabilities"))
}
func (d *Device) InterfaceFlags() InterfaceFlags {
	return InterfaceFlags(d.u32(ifaceDevice, "InterfaceFlags"))
}

// HwAddress is the device's current hardware address ("" when none).
func (d *Device) HwAddress() string {
	if s := d.str(ifaceDevice, "HwAddress"); s != "" {
		return s
	}
	return d.str(ifaceDeviceWired, "HwAddress")
}

// State and StateReason come from the StateReason property, which carries
// both, as libnm reads them.
func (d *Device) State() DeviceState {
	s, _ := d.stateReason()
	return s
}

// StateReason is the reason of the last state change.
func (d *Device) StateReason() DeviceStateReason {
	_, r := d.stateReason()
	return r
}

func (d *Device) stateReason() (DeviceState, DeviceStateReason) {
	v, ok := d.Prop(ifaceDevice, "StateReason")
	if ok {
		if st, ok := v.Value().([]any); ok && len(st) == 2 {
			s, _ := st[0].(uint32)
			r, _ := st[1].(uint32)
			return DeviceState(s), DeviceStateReason(r)
		}
	}
	return DeviceState(d.u32(ifaceDevice, "State")), 0
}

// Connectivity is the device's IPv4 (ipv6 false) or IPv6 connectivity.
func (d *Device) Connectivity(ipv6 bool) Connectivity {
	if ipv6 {
		return Connectivity(d.u32(ifaceDevice, "Ip6Connectivity"))
	}
	return Connectivity(d.u32(ifaceDevice, "Ip4Connectivity"))
}

// ActiveConnection is the device's active connection, or nil.
func (d *Device) ActiveConnection() *ActiveConnection {
	return d.c.Object(d.objPath(ifaceDevice, "ActiveConnection")).active()
}

// AvailableConnections are the profiles that can be activated on it.
func (d *Device) AvailableConnections() []*Connection {
	var out []*Connection
	for _, p := range d.objPaths(ifaceDevice, "AvailableConnections") {
		if cn := d.c.Object(p).connection(); cn != nil && cn.settingsReady {
			out = append(out, cn)
		}
	}
	return out
}

// IP4Config and the like return the device's configuration objects.
func (d *Device) IP4Config() *IPConfig {
	return d.c.Object(d.objPath(ifaceDevice, "Ip4Config")).ipConfig()
}
func (d *Device) IP6Config() *IPConfig {
	return d.c.Object(d.objPath(ifaceDevice, "Ip6Config")).ipConfig()
}
func (d *Device) DHCP4Config() *DHCPConfig {
	return d.c.Object(d.objPath(ifaceDevice, "Dhcp4Config")).dhcpConfig()
}
func (d *Device) DHCP6Config() *DHCPConfig {
	return d.c.Object(d.objPath(ifaceDevice, "Dhcp6Config")).dhcpConfig()
}

// LLDPNeighbors are the neighbors LLDP found, as attribute maps.
func (d *Device) LLDPNeighbors() []map[string]dbus.Variant {
	return d.dicts(ifaceDevice, "LldpNeighbors")
}

// TypeDescription is libnm's short name for the device's kind: the class
// name lowercased without "NMDevice" ("ethernet" for veth too), with the
// exceptions libnm makes for generic devices, modems, OVS and Wi-Fi P2P.
func (d *Device) TypeDescription() string {
	switch d.typeName {
	case "NMDeviceGeneric":
		return d.str(ifaceDeviceGeneric, "TypeDescription")
	case "NMDeviceModem":
		caps := ModemCapabilities(d.u32(ifaceDeviceModem, "CurrentCapabilities"))
		switch {
		case caps&(ModemCapGSMUMTS|ModemCapLTE|ModemCap5GNR) != 0:
			return "gsm"
		case caps&ModemCapCDMAEVDO != 0:
			return "cdma"
		}
		return "modem"
	case "NMDeviceOvsBridge":
		return "ovs-bridge"
	case "NMDeviceOvsInterface":
		return "ovs-interface"
	case "NMDeviceOvsPort":
		return "ovs-port"
	case "NMDeviceWifiP2P":
		return "wifi-p2p"
	}
	name := strings.TrimPrefix(d.typeName, "NMDevice")
	if name == "Veth" {
		name = "Ethernet"
	}
	return strings.ToLower(name)
}

// IsWifi, IsEthernet... test the device's class.
func (d *Device) IsWifi() bool     { return d.typeName == "NMDeviceWifi" }
func (d *Device) IsEthernet() bool { return d.HasInterface(ifaceDeviceWired) }
func (d *Device) IsBridge() bool   { return d.typeName == "NMDeviceBridge" }
func (d *Device) IsBond() bool     { return d.typeName == "NMDeviceBond" }
func (d *Device) IsTeam() bool     { return d.typeName == "NMDeviceTeam" }
func (d *Device) IsVLAN() bool     { return d.typeName == "NMDeviceVlan" }
func (d *Device) IsBT() bool       { return d.typeName == "NMDeviceBt" }
func (d *Device) IsModem() bool    { return d.typeName == "NMDeviceModem" }

// Carrier is the wired carrier (Device.Wired).
func (d *Device) Carrier() bool { return d.boolean(ifaceDeviceWired, "Carrier") }

// Speed is the wired link speed in Mb/s.
func (d *Device) Speed() uint32 { return d.u32(ifaceDeviceWired, "Speed") }

// S390Subchannels are the wired device's s390 subchannels.
func (d *Device) S390Subchannels() []string { return d.strv(ifaceDeviceWired, "S390Subchannels") }

// Slaves are the ports of a bond, bridge or team.
func (d *Device) Slaves() []*Device {
	iface := ""
	switch d.typeName {
	case "NMDeviceBond":
		iface = ifaceDeviceBond
	case "NMDeviceBridge":
		iface = ifaceDeviceBridge
	case "NMDeviceTeam":
		iface = ifaceDeviceTeam
	default:
		return nil
	}
	return views(d.c, d.objPaths(iface, "Slaves"), (*Object).device)
}

// TeamConfig is a team device's JSON configuration.
func (d *Device) TeamConfig() string { return d.str(ifaceDeviceTeam, "Config") }

// VLANID and VLANParent describe a VLAN device.
func (d *Device) VLANID() uint32 { return d.u32(ifaceDeviceVLAN, "VlanId") }
func (d *Device) VLANParent() *Device {
	return d.c.Object(d.objPath(ifaceDeviceVLAN, "Parent")).device()
}

// BTCapabilities are a Bluetooth device's capabilities.
func (d *Device) BTCapabilities() BTCapabilities {
	return BTCapabilities(d.u32(ifaceDeviceBluetooth, "BtCapabilities"))
}

// BTName is a Bluetooth device's name.
func (d *Device) BTName() string { return d.str(ifaceDeviceBluetooth, "Name") }

// ModemCurrentCapabilities are a modem's current capabilities.
func (d *Device) ModemCurrentCapabilities() ModemCapabilities {
	return ModemCapabilities(d.u32(ifaceDeviceModem, "CurrentCapabilities"))
}

// Wi-Fi properties.

func (d *Device) WifiCapabilities() WifiCapabilities {
	return WifiCapabilities(d.u32(ifaceDeviceWireless, "WirelessCapabilities"))
}
func (d *Device) Bitrate() uint32 { return d.u32(ifaceDeviceWireless, "Bitrate") }

// LastScan is the CLOCK_BOOTTIME of the last scan in milliseconds, -1 if
// never.
func (d *Device) LastScan() int64 { return d.i64(ifaceDeviceWireless, "LastScan") }

// AccessPoints are the access points the Wi-Fi device sees.
func (d *Device) AccessPoints() []*AccessPoint {
	return views(d.c, d.objPaths(ifaceDeviceWireless, "AccessPoints"), (*Object).accessPoint)
}

// ActiveAccessPoint is the access point the device is associated with.
func (d *Device) ActiveAccessPoint() *AccessPoint {
	return d.c.Object(d.objPath(ifaceDeviceWireless, "ActiveAccessPoint")).accessPoint()
}

// RequestScanAsync asks a Wi-Fi device to scan (options: "ssids" aay).
func (d *Device) RequestScanAsync(ctx context.Context, options map[string]dbus.Variant, done func(error)) {
	if options == nil {
		options = map[string]dbus.Variant{}
	}
	d.c.goCall(ctx, d.path, ifaceDeviceWireless+".RequestScan", []any{options}, func(call *dbus.Call) {
		done(wrapCallError(call.Err))
	})
}

// DisconnectAsync disconnects the device.
func (d *Device) DisconnectAsync(ctx context.Context, done func(error)) {
	d.c.goCall(ctx, d.path, ifaceDevice+".Disconnect", nil, func(call *dbus.Call) {
		done(wrapCallError(call.Err))
	})
}

// DeleteAsync deletes a software device.
func (d *Device) DeleteAsync(ctx context.Context, done func(error)) {
	d.c.goCall(ctx, d.path, ifaceDevice+".Delete", nil, func(call *dbus.Call) {
		done(wrapCallError(call.Err))
	})
}

// ReapplyAsync applies settings (nil: the profile's current ones) to the
// active device without a full re-activation.
func (d *Device) ReapplyAsync(ctx context.Context, s Settings, versionID uint64, flags uint32, done func(error)) {
	if s == nil {
		s = Settings{}
	}
	d.c.goCall(ctx, d.path, ifaceDevice+".Reapply",
		[]any{map[string]map[string]dbus.Variant(s), versionID, flags}, func(call *dbus.Call) {
			done(wrapCallError(call.Err))
		})
}

// GetAppliedConnection returns the settings applied to the device and
// their version.
func (d *Device) GetAppliedConnection(ctx context.Context) (Settings, uint64, error) {
	var s map[string]map[string]dbus.Variant
	var version uint64
	err := d.c.callStore(ctx, d.path, ifaceDevice+".GetAppliedConnection", []any{uint32(0)}, &s, &version)
	return Settings(s), version, err
}

// SetManaged and SetAutoconnect change the device's writable properties.
func (d *Device) SetManaged(ctx context.Context, v bool) error {
	return d.c.SetProperty(ctx, d.path, ifaceDevice, "Managed", v)
}
func (d *Device) SetAutoconnect(ctx context.Context, v bool) error {
	return d.c.SetProperty(ctx, d.path, ifaceDevice, "Autoconnect", v)
}

// GetAppliedConnectionAsync is GetAppliedConnection with the result
// delivered on the loop.
func (d *Device) GetAppliedConnectionAsync(ctx context.Context, done func(Settings, uint64, error)) {
	d.c.goCall(ctx, d.path, ifaceDevice+".GetAppliedConnection", []any{uint32(0)}, func(call *dbus.Call) {
		var s map[string]map[string]dbus.Variant
		var version uint64
		err := call.Err
		if err == nil {
			err = call.Store(&s, &version)
		}
		done(Settings(s), version, wrapCallError(err))
	})
}
