package setting

var settingOlpcMesh = &Info{
	Name:       "802-11-olpc-mesh",
	NmcliTitle: "OLPC Mesh connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"802-11-olpc-mesh", true}},
	NmcliInit:  func(s *Setting) { s.MustSet("channel", uint32(1)) },
	Alias:      "olpc-mesh",
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "channel", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "channel", Type: olpcChannelType{}}},
		{Name: "dhcp-anycast-address", Kind: KindMAC, DBus: "ay", Direct: true, Nmcli: &Nmcli{Order: 3, Alias: "dhcp-anycast"}},
		{Name: "ssid", Kind: KindBytes, DBus: "ay", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "ssid", Inf: InfRequired, Type: ssidType{olpc: true}}},
	},
}
