package setting

var settingTeam = &Info{
	Name:       "team",
	NmcliTitle: "Team device",
	NmcliParts: []NmcliPart{{"connection", true}, {"team", true}, {"802-3-ethernet", false}, {"ethtool", false}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "config", Kind: KindString, DBus: "s", Nmcli: &Nmcli{Order: 1, Alias: "config", Type: stringType{validate: teamConfigValidate}}},
		// D-Bus only: interface-name (s)
		{Name: "link-watchers", Kind: KindTeamLinkWatchers, DBus: "aa{sv}", Nmcli: &Nmcli{Order: 16}},
		{Name: "mcast-rejoin-count", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 4, Type: intType{nicks: []IntNick{{-1, "unset"}, {0, "disabled"}}}}},
		{Name: "mcast-rejoin-interval", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 5, Type: intType{nicks: []IntNick{{-1, "unset"}, {0, "default"}}}}},
		{Name: "notify-peers-count", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 2, Type: intType{nicks: []IntNick{{-1, "unset"}, {0, "disabled"}}}}},
		{Name: "notify-peers-interval", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 3, Type: intType{nicks: []IntNick{{-1, "unset"}, {0, "default"}}}}},
		{Name: "runner", Kind: KindString, DBus: "s", Nmcli: &Nmcli{Order: 6, Type: stringType{allowed: []string{"broadcast", "roundrobin", "random", "activebackup", "loadbalance", "lacp"}}}},
		{Name: "runner-active", Kind: KindBool, DBus: "b", Default: true, Nmcli: &Nmcli{Order: 11}},
		{Name: "runner-agg-select-policy", Kind: KindString, DBus: "s", Nmcli: &Nmcli{Order: 15, Type: stringType{allowed: []string{"lacp_prio", "lacp_prio_stable", "bandwidth", "count", "port_config"}}}},
		{Name: "runner-fast-rate", Kind: KindBool, DBus: "b", Nmcli: &Nmcli{Order: 12}},
		{Name: "runner-hwaddr-policy", Kind: KindString, DBus: "s", Nmcli: &Nmcli{Order: 7, Type: stringType{allowed: []string{"same_all", "by_active", "only_active"}}}},
		{Name: "runner-min-ports", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 14, Type: intType{nicks: []IntNick{{-1, "unset"}, {1, "default"}}}}},
		{Name: "runner-sys-prio", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 13, Type: intType{nicks: []IntNick{{-1, "unset"}, {65535, "default"}}}}},
		{Name: "runner-tx-balancer", Kind: KindString, DBus: "s", Nmcli: &Nmcli{Order: 9, Type: stringType{allowed: []string{"basic"}}}},
		{Name: "runner-tx-balancer-interval", Kind: KindInt32, DBus: "i", Default: int32(-1), Nmcli: &Nmcli{Order: 10, Type: intType{nicks: []IntNick{{-1, "unset"}, {50, "default"}}}}},
		{Name: "runner-tx-hash", Kind: KindStrv, DBus: "as", Nmcli: &Nmcli{Order: 8, Type: multilistType{allowed: []string{"eth", "vlan", "ipv4", "ipv6", "ip", "l3", "tcp", "udp", "sctp", "l4"}}}},
	},
}
