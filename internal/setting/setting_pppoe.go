package setting

var settingPppoe = &Info{
	Name:       "pppoe",
	NmcliTitle: "PPPoE",
	NmcliParts: []NmcliPart{{"connection", true}, {"pppoe", true}, {"802-3-ethernet", true}, {"ppp", false}, {"802-1x", false}, {"ethtool", false}},
	Priority:   prioAux,
	Props: []*Property{
		{Name: "parent", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "parent"}},
		{Name: "password", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 4, Alias: "password"}},
		{Name: "password-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 5}},
		{Name: "service", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "service"}},
		{Name: "username", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 3, Alias: "username", Inf: InfRequired}},
	},
}
