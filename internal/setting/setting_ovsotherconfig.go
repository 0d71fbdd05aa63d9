package setting

var settingOvsOtherConfig = &Info{
	Name:       "ovs-other-config",
	NmcliTitle: "OVS Other Config",
	Priority:   prioAux,
	Props: []*Property{
		{Name: "data", Kind: KindStrDict, DBus: "a{ss}", Default: map[string]string{}, AlwaysEmit: true},
	},
}
