package setting

var setting6lowpan = &Info{
	Name:     "6lowpan",
	Priority: prioHWBase,
	Props: []*Property{
		{Name: "parent", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "dev", Inf: InfRequired}},
	},
}
