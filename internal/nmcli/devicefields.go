package nmcli

import (
	"strings"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/nmcli/format"
)

// Field tables of the device commands, in nmcli's order.

func devField(name string, get func(d *client.Device, t format.GetType) format.Value) *format.Field {
	return field(name, func(t any, gt format.GetType) format.Value { return get(t.(*client.Device), gt) })
}

// unknownValue is "(unknown)" for people and no value for scripts.
func unknownValue(t format.GetType) format.Value {
	if t == format.Parsable {
		return format.Null()
	}
	return format.Str("(unknown)")
}

func colored(v format.Value, c format.Color) format.Value {
	v.Color = c
	return v
}

func acID(d *client.Device) format.Value {
	if ac := d.ActiveConnection(); ac != nil {
		return format.StrOrNull(ac.ID())
	}
	return format.Null()
}

func acUUID(d *client.Device) format.Value {
	if ac := d.ActiveConnection(); ac != nil {
		return format.StrOrNull(ac.UUID())
	}
	return format.Null()
}

func acPath(d *client.Device) format.Value {
	if ac := d.ActiveConnection(); ac != nil {
		return format.Str(string(ac.Path()))
	}
	return format.Null()
}

var deviceStatusFields = []*format.Field{
	devField("DEVICE", func(d *client.Device, _ format.GetType) format.Value {
		return colored(format.StrOrNull(d.Interface()), deviceStateColor(d))
	}),
	devField("TYPE", func(d *client.Device, _ format.GetType) format.Value {
		return colored(format.StrOrNull(d.TypeDescription()), deviceStateColor(d))
	}),
	devField("STATE", func(d *client.Device, _ format.GetType) format.Value {
		return colored(format.Str(deviceStateWithExternal(d)), deviceStateColor(d))
	}),
	devField("IP4-CONNECTIVITY", func(d *client.Device, _ format.GetType) format.Value {
		return colored(format.Str(connectivityString(d.Connectivity(false))), deviceStateColor(d))
	}),
	devField("IP6-CONNECTIVITY", func(d *client.Device, _ format.GetType) format.Value {
		return colored(format.Str(connectivityString(d.Connectivity(true))), deviceStateColor(d))
	}),
	devField("DBUS-PATH", func(d *client.Device, _ format.GetType) format.Value {
		return colored(format.Str(string(d.Path())), deviceStateColor(d))
	}),
	devField("CONNECTION", func(d *client.Device, _ format.GetType) format.Value {
		return colored(acID(d), deviceStateColor(d))
	}),
	devField("CON-UUID", func(d *client.Device, _ format.GetType) format.Value {
		return colored(acUUID(d), deviceStateColor(d))
	}),
	devField("CON-PATH", func(d *client.Device, _ format.GetType) format.Value {
		return colored(acPath(d), deviceStateColor(d))
	}),
}

var deviceGeneralFields = []*format.Field{
	devField("DEVICE", func(d *client.Device, _ format.GetType) format.Value { return format.StrOrNull(d.Interface()) }),
	devField("TYPE", func(d *client.Device, _ format.GetType) format.Value { return format.StrOrNull(d.TypeDescription()) }),
	devField("NM-TYPE", func(d *client.Device, _ format.GetType) format.Value { return format.Str(d.TypeName()) }),
	devField("DBUS-PATH", func(d *client.Device, _ format.GetType) format.Value { return format.Str(string(d.Path())) }),
	devField("VENDOR", func(d *client.Device, _ format.GetType) format.Value { return format.Str(deviceVendor(d)) }),
	devField("PRODUCT", func(d *client.Device, _ format.GetType) format.Value { return format.Str(deviceProduct(d)) }),
	devField("DRIVER", func(d *client.Device, t format.GetType) format.Value {
		if s := d.Driver(); s != "" {
			return format.Str(s)
		}
		return unknownValue(t)
	}),
	devField("DRIVER-VERSION", func(d *client.Device, _ format.GetType) format.Value { return format.StrOrNull(d.DriverVersion()) }),
	devField("FIRMWARE-VERSION", func(d *client.Device, _ format.GetType) format.Value {
		return format.StrOrNull(d.FirmwareVersion())
	}),
	devField("HWADDR", func(d *client.Device, t format.GetType) format.Value {
		if s := d.HwAddress(); s != "" {
			return format.Str(s)
		}
		return unknownValue(t)
	}),
	devField("MTU", func(d *client.Device, _ format.GetType) format.Value { return format.Str(itoa(int(d.MTU()))) }),
	devField("STATE", func(d *client.Device, _ format.GetType) format.Value {
		return format.Str(enumDetail(uint32(d.State()), deviceStateWithExternal(d)))
	}),
	devField("REASON", func(d *client.Device, _ format.GetType) format.Value {
		r := d.StateReason()
		return format.Str(enumDetail(uint32(r), deviceReasonString(r)))
	}),
	devField("IP4-CONNECTIVITY", func(d *client.Device, _ format.GetType) format.Value {
		c := d.Connectivity(false)
		return format.Str(enumDetail(uint32(c), connectivityString(c)))
	}),
	devField("IP6-CONNECTIVITY", func(d *client.Device, _ format.GetType) format.Value {
		c := d.Connectivity(true)
		return format.Str(enumDetail(uint32(c), connectivityString(c)))
	}),
	devField("UDI", func(d *client.Device, _ format.GetType) format.Value { return format.StrOrNull(d.Udi()) }),
	devField("PATH", func(d *client.Device, _ format.GetType) format.Value { return format.StrOrNull(d.SysPath()) }),
	devField("IP-IFACE", func(d *client.Device, _ format.GetType) format.Value { return format.StrOrNull(d.IPInterface()) }),
	devField("IS-SOFTWARE", func(d *client.Device, _ format.GetType) format.Value {
		return format.Str(boolStr(d.Capabilities()&client.DeviceCapIsSoftware != 0))
	}),
	devField("NM-MANAGED", func(d *client.Device, _ format.GetType) format.Value { return format.Str(boolStr(d.Managed())) }),
	devField("AUTOCONNECT", func(d *client.Device, _ format.GetType) format.Value { return format.Str(boolStr(d.Autoconnect())) }),
	devField("FIRMWARE-MISSING", func(d *client.Device, _ format.GetType) format.Value {
		return format.Str(boolStr(d.FirmwareMissing()))
	}),
	devField("NM-PLUGIN-MISSING", func(d *client.Device, _ format.GetType) format.Value {
		return format.Str(boolStr(d.NMPluginMissing()))
	}),
	devField("PHYS-PORT-ID", func(d *client.Device, _ format.GetType) format.Value { return format.StrOrNull(d.PhysicalPortID()) }),
	devField("CONNECTION", func(d *client.Device, _ format.GetType) format.Value { return acID(d) }),
	devField("CON-UUID", func(d *client.Device, _ format.GetType) format.Value { return acUUID(d) }),
	devField("CON-PATH", func(d *client.Device, _ format.GetType) format.Value { return acPath(d) }),
	devField("METERED", func(d *client.Device, _ format.GetType) format.Value { return format.Str(meteredString(d.Metered())) }),
}

// sortedAvailable lists a device's available profiles ordered by path.
func sortedAvailable(d *client.Device) []*client.Connection {
	cons := d.AvailableConnections()
	sortByPath(cons, func(c *client.Connection) string { return string(c.Path()) })
	return cons
}

// settingsConnectionPrefix is the profile path prefix nmcli abbreviates,
// "/org/freedesktop/NetworkManager/Settings/Connection/"; daemon paths
// do not use it, so in practice paths are listed in full.
const settingsConnectionPrefix = "/org/freedesktop/NetworkManager/Settings/Connection/"

var deviceConnectionsFields = []*format.Field{
	devField("AVAILABLE-CONNECTION-PATHS", func(d *client.Device, _ format.GetType) format.Value {
		cons := sortedAvailable(d)
		if len(cons) == 0 {
			return format.Null()
		}
		// Profile paths are compressed: "/org/.../Settings/{1,2,5}".
		var b strings.Builder
		hadPrefix := false
		for _, c := range cons {
			p := string(c.Path())
			rest, hasPrefix := strings.CutPrefix(p, settingsConnectionPrefix)
			hasPrefix = hasPrefix && rest != ""
			if b.Len() > 0 {
				if hadPrefix && !hasPrefix {
					b.WriteByte('}')
				}
				b.WriteByte(',')
			}
			if !hasPrefix {
				b.WriteString(p)
			} else {
				if !hadPrefix {
					b.Reset()
					b.WriteString(settingsConnectionPrefix + "{")
				}
				b.WriteString(rest)
			}
			hadPrefix = hasPrefix
		}
		if hadPrefix {
			b.WriteByte('}')
		}
		return format.Str(b.String())
	}),
	devField("AVAILABLE-CONNECTIONS", func(d *client.Device, t format.GetType) format.Value {
		var out []string
		for _, c := range sortedAvailable(d) {
			id, uuid := c.ID(), c.UUID()
			if id == "" || uuid == "" {
				if c.Path() != "" {
					out = append(out, "<invisible> | "+string(c.Path()))
				} else {
					out = append(out, "<invisible>")
				}
				continue
			}
			out = append(out, uuid+" | "+id)
		}
		return format.Strv(out)
	}),
}

var deviceCapabilitiesFields = []*format.Field{
	devField("CARRIER-DETECT", func(d *client.Device, _ format.GetType) format.Value {
		return format.Str(boolStr(d.Capabilities()&client.DeviceCapCarrierDetect != 0))
	}),
	devField("SPEED", func(d *client.Device, _ format.GetType) format.Value {
		var speed uint32
		switch {
		case d.TypeName() == "NMDeviceEthernet" || d.TypeName() == "NMDeviceVeth":
			speed = d.Speed()
		case d.IsWifi():
			speed = d.Bitrate() / 1000
		}
		if speed != 0 {
			return format.Str(itoa(int(speed)) + " Mb/s")
		}
		return format.Str("unknown")
	}),
	devField("IS-SOFTWARE", func(d *client.Device, _ format.GetType) format.Value {
		return format.Str(boolStr(d.Capabilities()&client.DeviceCapIsSoftware != 0))
	}),
	devField("SRIOV", func(d *client.Device, _ format.GetType) format.Value {
		return format.Str(boolStr(d.Capabilities()&client.DeviceCapSRIOV != 0))
	}),
}

var deviceWiredFields = []*format.Field{
	devField("CARRIER", func(d *client.Device, _ format.GetType) format.Value { return format.Str(onOff(d.Carrier())) }),
	devField("S390-SUBCHANNELS", func(d *client.Device, _ format.GetType) format.Value {
		v := format.Strv(d.S390Subchannels())
		v.IsDefault = false
		return v
	}),
}

func wifiCapField(name string, capb client.WifiCapabilities) *format.Field {
	return devField(name, func(d *client.Device, _ format.GetType) format.Value {
		return format.Str(boolStr(d.WifiCapabilities()&capb != 0))
	})
}

func wifiBandField(name string, capb client.WifiCapabilities) *format.Field {
	return devField(name, func(d *client.Device, _ format.GetType) format.Value {
		c := d.WifiCapabilities()
		if c&client.WifiCapFreqValid == 0 {
			return format.Str("unknown")
		}
		return format.Str(boolStr(c&capb != 0))
	})
}

var deviceWifiFields = []*format.Field{
	devField("WEP", func(d *client.Device, _ format.GetType) format.Value {
		return format.Str(boolStr(d.WifiCapabilities()&(client.WifiCapCipherWEP40|client.WifiCapCipherWEP104) != 0))
	}),
	wifiCapField("WPA", client.WifiCapWPA),
	wifiCapField("WPA2", client.WifiCapRSN),
	wifiCapField("TKIP", client.WifiCapCipherTKIP),
	wifiCapField("CCMP", client.WifiCapCipherCCMP),
	wifiCapField("AP", client.WifiCapAP),
	wifiCapField("ADHOC", client.WifiCapAdhoc),
	wifiBandField("2GHZ", client.WifiCapFreq2GHz),
	wifiBandField("5GHZ", client.WifiCapFreq5GHz),
	wifiCapField("MESH", client.WifiCapMesh),
	wifiCapField("IBSS-RSN", client.WifiCapIBSSRSN),
}

func ifFlagField(name string, f client.InterfaceFlags) *format.Field {
	return devField(name, func(d *client.Device, _ format.GetType) format.Value {
		return format.Str(boolStr(d.InterfaceFlags()&f != 0))
	})
}

var deviceInterfaceFlagsFields = []*format.Field{
	ifFlagField("UP", client.InterfaceUp),
	ifFlagField("LOWER-UP", client.InterfaceLowerUp),
	ifFlagField("CARRIER", client.InterfaceCarrier),
	ifFlagField("PROMISC", client.InterfacePromisc),
}

// WiMAX support is gone; its fields remain selectable and print nothing.
var deviceWimaxFields = []*format.Field{{Name: "CTR-FREQ"}, {Name: "RSSI"}, {Name: "CINR"}, {Name: "TX-POW"}, {Name: "BSID"}}

func names(ns ...string) []*format.Field {
	out := make([]*format.Field, len(ns))
	for i, n := range ns {
		out[i] = &format.Field{Name: n}
	}
	return out
}

var wifiListFields = names("NAME", "SSID", "SSID-HEX", "BSSID", "MODE", "CHAN", "FREQ", "RATE", "SIGNAL",
	"BARS", "SECURITY", "WPA-FLAGS", "RSN-FLAGS", "DEVICE", "ACTIVE", "IN-USE", "DBUS-PATH")

const (
	fieldsWifiListCommon     = "IN-USE,BSSID,SSID,MODE,CHAN,RATE,SIGNAL,BARS,SECURITY"
	fieldsWifiListForDevList = "NAME," + fieldsWifiListCommon
)

var wimaxListFields = names("NAME", "NSP", "SIGNAL", "TYPE", "DEVICE", "ACTIVE", "DBUS-PATH")

var masterPropFields = names("NAME", "SLAVES")
var teamPropFields = names("NAME", "SLAVES", "CONFIG")
var vlanPropFields = names("NAME", "PARENT", "ID")
var bluetoothFields = names("NAME", "CAPABILITIES")

var lldpListFields = names("NAME", "DEVICE", "CHASSIS-ID", "PORT-ID", "PORT-DESCRIPTION", "SYSTEM-NAME",
	"SYSTEM-DESCRIPTION", "SYSTEM-CAPABILITIES", "IEEE-802-1-PVID", "IEEE-802-1-PPVID",
	"IEEE-802-1-PPVID-FLAGS", "IEEE-802-1-VID", "IEEE-802-1-VLAN-NAME", "DESTINATION",
	"CHASSIS-ID-TYPE", "PORT-ID-TYPE")

const fieldsLLDPListCommon = "DEVICE,CHASSIS-ID,PORT-ID,PORT-DESCRIPTION,SYSTEM-NAME,SYSTEM-DESCRIPTION,SYSTEM-CAPABILITIES"

// Sections of "device show".
const (
	secGeneral = iota
	secCapabilities
	secInterfaceFlags
	secWifiProperties
	secAP
	secWiredProperties
	secWimaxProperties
	secNSP
	secIP4
	secDHCP4
	secIP6
	secDHCP6
	secBond
	secTeam
	secBridge
	secVLAN
	secBluetooth
	secConnections
)

var deviceShowSections = []*format.Field{
	{Name: "GENERAL", Nested: deviceGeneralFields},
	{Name: "CAPABILITIES", Nested: deviceCapabilitiesFields},
	{Name: "INTERFACE-FLAGS", Nested: deviceInterfaceFlagsFields},
	{Name: "WIFI-PROPERTIES", Nested: deviceWifiFields},
	{Name: "AP", Nested: wifiListFields[1:]},
	{Name: "WIRED-PROPERTIES", Nested: deviceWiredFields},
	{Name: "WIMAX-PROPERTIES", Nested: deviceWimaxFields},
	{Name: "NSP", Nested: wimaxListFields[1:]},
	{Name: "IP4", Nested: ip4ConfigFields},
	{Name: "DHCP4", Nested: dhcpConfigFields},
	{Name: "IP6", Nested: ip6ConfigFields},
	{Name: "DHCP6", Nested: dhcpConfigFields},
	{Name: "BOND", Nested: masterPropFields[1:]},
	{Name: "TEAM", Nested: teamPropFields[1:]},
	{Name: "BRIDGE", Nested: masterPropFields[1:]},
	{Name: "VLAN", Nested: vlanPropFields[1:]},
	{Name: "BLUETOOTH", Nested: bluetoothFields[1:]},
	{Name: "CONNECTIONS", Nested: deviceConnectionsFields},
}

const fieldsDeviceShowCommon = "GENERAL.DEVICE,GENERAL.TYPE,GENERAL.HWADDR,GENERAL.MTU,GENERAL.STATE," +
	"GENERAL.CONNECTION,GENERAL.CON-PATH,WIRED-PROPERTIES,IP4,IP6"
