package setting

var settingTeamPort = &Info{
	Name:       "team-port",
	NmcliTitle: "Team port",
	Priority:   prioAux,
	Props: []*Property{
		{Name: "config", Kind: KindString, DBus: "s", Nmcli: &Nmcli{Order: 1, Alias: "config", Type: stringType{validate: teamConfigValidate}}},
		{Name: "lacp-key", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 6, Type: intType{nicks: []IntNick{{-1, "unset"}, {0, "default"}}}}},
		{Name: "lacp-prio", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 5, Type: intType{nicks: []IntNick{{-1, "unset"}, {255, "default"}}}}},
		{Name: "link-watchers", Kind: KindTeamLinkWatchers, DBus: "aa{sv}", Nmcli: &Nmcli{Order: 7}},
		{Name: "prio", Kind: KindInt32, DBus: "i", Nmcli: &Nmcli{Order: 3, Type: intType{nicks: []IntNick{{0, "unset"}, {0, "default"}}}}},
		{Name: "queue-id", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 2, Type: intType{nicks: []IntNick{{-1, "unset"}, {0, "default"}}}}},
		{Name: "sticky", Kind: KindBool, DBus: "b", Nmcli: &Nmcli{Order: 4}},
	},
}
