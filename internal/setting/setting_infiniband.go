package setting

var settingInfiniband = &Info{
	Name:       "infiniband",
	NmcliTitle: "InfiniBand connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"infiniband", true}, {"sriov", false}, {"ethtool", false}},
	NmcliInit:  func(s *Setting) { s.MustSet("transport-mode", "datagram") },
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "mac-address", Kind: KindMAC, DBus: "ay", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "mac", Type: macType{mode: macInfiniband}}},
		{Name: "mtu", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "mtu", Type: mtuType{showAuto: true}}},
		{Name: "p-key", Kind: KindInt32, DBus: "i", Default: int32(-1), Range: rng(-1, 65535), Direct: true, Nmcli: &Nmcli{Order: 4, Alias: "p-key", Type: pkeyType{}}},
		{Name: "parent", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 5, Alias: "parent"}},
		{Name: "transport-mode", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 3, Alias: "transport-mode", Type: stringType{allowed: []string{"datagram", "connected"}}}},
	},
}
