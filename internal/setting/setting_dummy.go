package setting

var settingDummy = &Info{
	Name:       "dummy",
	NmcliTitle: "Dummy settings",
	NmcliParts: []NmcliPart{{"connection", true}, {"dummy", true}, {"802-3-ethernet", false}, {"ethtool", false}},
	Priority:   prioHWBase,
	Props:      []*Property{},
}
