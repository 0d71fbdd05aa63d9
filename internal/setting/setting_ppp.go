package setting

var settingPpp = &Info{
	Name:       "ppp",
	NmcliTitle: "PPP settings",
	Priority:   prioAux,
	Props: []*Property{
		{Name: "baud", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 14}},
		{Name: "crtscts", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 13}},
		{Name: "lcp-echo-failure", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 17}},
		{Name: "lcp-echo-interval", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 18}},
		{Name: "mppe-stateful", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 12}},
		{Name: "mru", Kind: KindUint32, DBus: "u", Range: rng(0, 16384), Direct: true, Nmcli: &Nmcli{Order: 15}},
		{Name: "mtu", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 16, Type: mtuType{showAuto: true}}},
		{Name: "no-vj-comp", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 9}},
		{Name: "noauth", Kind: KindBool, DBus: "b", Default: true, Direct: true, Nmcli: &Nmcli{Order: 1}},
		{Name: "nobsdcomp", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 7}},
		{Name: "nodeflate", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 8}},
		{Name: "refuse-chap", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 4}},
		{Name: "refuse-eap", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 2}},
		{Name: "refuse-mschap", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 5}},
		{Name: "refuse-mschapv2", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 6}},
		{Name: "refuse-pap", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 3}},
		{Name: "require-mppe", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 10}},
		{Name: "require-mppe-128", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 11}},
	},
}
