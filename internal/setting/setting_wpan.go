package setting

var settingWpan = &Info{
	Name:       "wpan",
	NmcliTitle: "WPAN settings",
	NmcliParts: []NmcliPart{{"connection", true}, {"wpan", true}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "channel", Kind: KindInt32, DBus: "i", Default: int32(-1), Range: rng(-32768, 32767), Direct: true, Nmcli: &Nmcli{Order: 5, Alias: "channel", Type: intType{nicks: []IntNick{{-1, "default"}}}}},
		{Name: "mac-address", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "mac", Type: macType{mode: macWPAN}}},
		{Name: "page", Kind: KindInt32, DBus: "i", Default: int32(-1), Range: rng(-32768, 32767), Direct: true, Nmcli: &Nmcli{Order: 4, Alias: "page", Type: intType{nicks: []IntNick{{-1, "default"}}}}},
		{Name: "pan-id", Kind: KindUint32, DBus: "u", Default: uint32(65535), Range: rng(0, 65535), Direct: true, Nmcli: &Nmcli{Order: 3, Alias: "pan-id", Inf: InfRequired, Type: intType{base: 16, nicks: []IntNick{{0xffff, "unset"}}}}},
		{Name: "short-address", Kind: KindUint32, DBus: "u", Default: uint32(65535), Range: rng(0, 65535), Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "short-addr", Type: intType{base: 16, nicks: []IntNick{{0xffff, "unset"}}}}},
	},
}
