package setting

var settingOvsPort = &Info{
	Name:       "ovs-port",
	NmcliTitle: "Open vSwitch port settings",
	NmcliParts: []NmcliPart{{"connection", true}, {"ovs-port", true}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "bond-downdelay", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 7}},
		{Name: "bond-mode", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 5, Type: stringType{allowed: []string{"active-backup", "balance-slb", "balance-tcp"}}}},
		{Name: "bond-updelay", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 6}},
		{Name: "lacp", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 4, Type: stringType{allowed: []string{"active", "off", "passive"}}}},
		{Name: "tag", Kind: KindUint32, DBus: "u", Range: rng(0, 4095), Direct: true, Nmcli: &Nmcli{Order: 3}},
		{Name: "trunks", Kind: KindOvsTrunks, DBus: "aa{sv}", Nmcli: &Nmcli{Order: 2}},
		{Name: "vlan-mode", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Type: stringType{allowed: []string{"access", "native-tagged", "native-untagged", "trunk", "dot1q-tunnel"}}}},
	},
}
