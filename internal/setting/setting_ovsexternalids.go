package setting

var settingOvsExternalIds = &Info{
	Name:       "ovs-external-ids",
	NmcliTitle: "OVS External IDs",
	Priority:   prioAux,
	Props: []*Property{
		{Name: "data", Kind: KindStrDict, DBus: "a{ss}", Default: map[string]string{}, AlwaysEmit: true},
	},
}
