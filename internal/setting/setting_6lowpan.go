package setting

var setting6lowpan = &Info{
	Name:       "6lowpan",
	NmcliTitle: "6LOWPAN settings",
	NmcliParts: []NmcliPart{{"connection", true}, {"6lowpan", true}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "parent", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "dev", Inf: InfRequired}},
	},
}
