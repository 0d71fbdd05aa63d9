package setting

var settingTeam = &Info{
	Name:     "team",
	Priority: prioHWBase,
	Props: []*Property{
		{Name: "config", Kind: KindString, DBus: "s", Nmcli: &Nmcli{Order: 1, Alias: "config"}},
		// D-Bus only: interface-name (s)
		{Name: "link-watchers", Kind: KindTeamLinkWatchers, DBus: "aa{sv}", Nmcli: &Nmcli{Order: 16}},
		{Name: "mcast-rejoin-count", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 4}},
		{Name: "mcast-rejoin-interval", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 5}},
		{Name: "notify-peers-count", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 2}},
		{Name: "notify-peers-interval", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 3}},
		{Name: "runner", Kind: KindString, DBus: "s", Nmcli: &Nmcli{Order: 6}},
		{Name: "runner-active", Kind: KindBool, DBus: "b", Default: true, Nmcli: &Nmcli{Order: 11}},
		{Name: "runner-agg-select-policy", Kind: KindString, DBus: "s", Nmcli: &Nmcli{Order: 15}},
		{Name: "runner-fast-rate", Kind: KindBool, DBus: "b", Nmcli: &Nmcli{Order: 12}},
		{Name: "runner-hwaddr-policy", Kind: KindString, DBus: "s", Nmcli: &Nmcli{Order: 7}},
		{Name: "runner-min-ports", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 14}},
		{Name: "runner-sys-prio", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 13}},
		{Name: "runner-tx-balancer", Kind: KindString, DBus: "s", Nmcli: &Nmcli{Order: 9}},
		{Name: "runner-tx-balancer-interval", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 10}},
		{Name: "runner-tx-hash", Kind: KindStrv, DBus: "as", Nmcli: &Nmcli{Order: 8}},
	},
}
