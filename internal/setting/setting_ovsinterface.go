package setting

var settingOvsInterface = &Info{
	Name:       "ovs-interface",
	NmcliTitle: "Open vSwitch interface settings",
	NmcliParts: []NmcliPart{{"connection", true}, {"ovs-interface", true}, {"ovs-dpdk", false}, {"ovs-patch", false}, {"ipv4", false}, {"ipv6", false}, {"802-3-ethernet", false}, {"ethtool", false}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "ofport-request", Kind: KindUint32, DBus: "u", Range: rng(0, 65279), Direct: true, Nmcli: &Nmcli{Order: 2}},
		{Name: "type", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Type: stringType{allowed: []string{"internal", "system", "patch", "dpdk"}}}},
	},
}
