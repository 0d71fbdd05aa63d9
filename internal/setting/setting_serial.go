package setting

import "github.com/godbus/dbus/v5"

var settingSerial = &Info{
	Name:       "serial",
	NmcliTitle: "Serial settings",
	Priority:   prioHWAux,
	Props: []*Property{
		{Name: "baud", Kind: KindUint32, DBus: "u", Default: uint32(57600), Direct: true, Nmcli: &Nmcli{Order: 1}},
		{Name: "bits", Kind: KindUint32, DBus: "u", Default: uint32(8), Range: rng(5, 8), Direct: true, Nmcli: &Nmcli{Order: 2}},
		{Name: "parity", Kind: KindInt32, DBus: "y", Values: []int64{0, 1, 2}, Nmcli: &Nmcli{Order: 3, Type: enumType{e: enumSerialParity, nicks: []EnumValue{{1, "E"}, {1, "e"}, {2, "O"}, {2, "o"}, {0, "N"}, {0, "n"}}, format: enumPrettyText | enumParsableText}}},
		{Name: "send-delay", Kind: KindUint64, DBus: "t", Direct: true, Nmcli: &Nmcli{Order: 5}},
		{Name: "stopbits", Kind: KindUint32, DBus: "u", Default: uint32(1), Range: rng(1, 2), Direct: true, Nmcli: &Nmcli{Order: 4}},
	},
}

// serialDBusKeys: serial.parity is an enum (none, even, odd) that D-Bus
// carries as the bytes 'n', 'E', 'o'.
func serialDBusKeys() {
	dbusOverrides["serial.parity"] = &dbusKey{
		fromFull: true,
		to: func(s *Setting, _ *Connection) (dbus.Variant, bool) {
			switch s.Int32("parity") {
			case 1:
				return dbus.MakeVariant(byte('E')), true
			case 2:
				return dbus.MakeVariant(byte('o')), true
			}
			return dbus.Variant{}, false
		},
		from: func(s *Setting, v dbus.Variant, _ map[string]dbus.Variant) *Error {
			b, ok := v.Value().(byte)
			if !ok {
				return invalidProp("serial", "parity", "can't set property of type 'y' from value of type '%s'", v.Signature().String()).
					withPrefix2("serial", "parity", "failed to set property: ")
			}
			p := int32(0)
			switch b {
			case 'E':
				p = 1
			case 'o':
				p = 2
			}
			s.set(s.info.props["parity"], p)
			return nil
		},
	}
}
