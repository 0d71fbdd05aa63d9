package setting

var settingOvsDpdk = &Info{
	Name:       "ovs-dpdk",
	NmcliTitle: "Open vSwitch DPDK interface settings",
	NmcliParts: []NmcliPart{{"connection", true}, {"ovs-dpdk", true}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "devargs", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1}},
		{Name: "n-rxq", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 2}},
		{Name: "n-rxq-desc", Kind: KindUint32, DBus: "u", Range: rng(0, 4096), Direct: true, Nmcli: &Nmcli{Order: 3}},
		{Name: "n-txq-desc", Kind: KindUint32, DBus: "u", Range: rng(0, 4096), Direct: true, Nmcli: &Nmcli{Order: 4}},
	},
}
