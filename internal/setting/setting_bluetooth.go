package setting

var settingBluetooth = &Info{
	Name:       "bluetooth",
	NmcliTitle: "bluetooth connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"bluetooth", true}, {"bridge", false}, {"gsm", false}, {"cdma", false}},
	Priority:   prioHWNonBase,
	Props: []*Property{
		{Name: "bdaddr", Kind: KindMAC, DBus: "ay", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "addr"}},
		{Name: "type", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "bt-type", Type: stringType{allowed: []string{"dun", "panu", "nap"}}}},
	},
}
