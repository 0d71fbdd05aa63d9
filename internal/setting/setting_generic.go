package setting

var settingGeneric = &Info{
	Name:       "generic",
	NmcliTitle: "Generic settings",
	NmcliParts: []NmcliPart{{"connection", true}, {"generic", true}},
	Priority:   prioHWBase,
	Props:      []*Property{},
}
