package setting

var settingDummy = &Info{
	Name:     "dummy",
	Priority: prioHWBase,
	Props:    []*Property{},
}
