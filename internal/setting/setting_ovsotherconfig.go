package setting

var settingOvsOtherConfig = &Info{
	Name:     "ovs-other-config",
	Priority: prioAux,
	Props: []*Property{
		{Name: "data", Kind: KindStrDict, DBus: "a{ss}", Default: map[string]string{}, AlwaysEmit: true},
	},
}
