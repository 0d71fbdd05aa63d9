package setting

var settingMacsec = &Info{
	Name:       "macsec",
	NmcliTitle: "MACsec connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"macsec", true}, {"802-3-ethernet", false}, {"802-1x", false}, {"ethtool", false}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "encrypt", Kind: KindBool, DBus: "b", Default: true, Direct: true, Nmcli: &Nmcli{Order: 3, Alias: "encrypt"}},
		{Name: "mka-cak", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 4, Alias: "cak"}},
		{Name: "mka-cak-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 5}},
		{Name: "mka-ckn", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 6, Alias: "ckn"}},
		{Name: "mode", Kind: KindInt32, DBus: "i", Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "mode", Inf: InfRequired, Type: enumType{e: enumMacsecMode, format: enumPrettyText | enumParsableText}}},
		{Name: "parent", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "dev", Inf: InfRequired}},
		{Name: "port", Kind: KindInt32, DBus: "i", Default: int32(1), Range: rng(1, 65534), Direct: true, Nmcli: &Nmcli{Order: 7, Alias: "port"}},
		{Name: "send-sci", Kind: KindBool, DBus: "b", Default: true, Direct: true, Nmcli: &Nmcli{Order: 9}},
		{Name: "validation", Kind: KindInt32, DBus: "i", Default: int32(2), Direct: true, Nmcli: &Nmcli{Order: 8, Type: enumType{e: enumMacsecValidation, format: enumPrettyText | enumParsableText}}},
	},
}
