package setting

var settingGeneric = &Info{
	Name:     "generic",
	Priority: prioHWBase,
	Props:    []*Property{},
}
