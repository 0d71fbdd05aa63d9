package setting

var settingDcb = &Info{
	Name:       "dcb",
	NmcliTitle: "DCB settings",
	Priority:   prioHWAux,
	Props: []*Property{
		{Name: "app-fcoe-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, Direct: true, Nmcli: &Nmcli{Order: 1, Type: dcbFlagsType{}}},
		{Name: "app-fcoe-mode", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 3, Type: stringType{allowed: []string{"fabric", "vn2vn"}}}},
		{Name: "app-fcoe-priority", Kind: KindInt32, DBus: "i", Default: int32(-1), Range: rng(-1, 7), Direct: true, Nmcli: &Nmcli{Order: 2, Type: intType{nicks: []IntNick{{-1, "unset"}}}}},
		{Name: "app-fip-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, Direct: true, Nmcli: &Nmcli{Order: 6, Type: dcbFlagsType{}}},
		{Name: "app-fip-priority", Kind: KindInt32, DBus: "i", Default: int32(-1), Range: rng(-1, 7), Direct: true, Nmcli: &Nmcli{Order: 7, Type: intType{nicks: []IntNick{{-1, "unset"}}}}},
		{Name: "app-iscsi-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, Direct: true, Nmcli: &Nmcli{Order: 4, Type: dcbFlagsType{}}},
		{Name: "app-iscsi-priority", Kind: KindInt32, DBus: "i", Default: int32(-1), Range: rng(-1, 7), Direct: true, Nmcli: &Nmcli{Order: 5, Type: intType{nicks: []IntNick{{-1, "unset"}}}}},
		{Name: "priority-bandwidth", Kind: KindUint32s, DBus: "au", Default: []uint32{0, 0, 0, 0, 0, 0, 0, 0}, AlwaysEmit: true, KeepEmpty: true, Nmcli: &Nmcli{Order: 13, Type: dcbArrayType{max: 100, flagsProp: "priority-group-flags"}}},
		{Name: "priority-flow-control", Kind: KindUint32s, DBus: "au", Default: []uint32{0, 0, 0, 0, 0, 0, 0, 0}, AlwaysEmit: true, KeepEmpty: true, Nmcli: &Nmcli{Order: 9, Type: dcbArrayType{max: 1, bools: true, flagsProp: "priority-flow-control-flags"}}},
		{Name: "priority-flow-control-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, Direct: true, Nmcli: &Nmcli{Order: 8, Type: dcbFlagsType{}}},
		{Name: "priority-group-bandwidth", Kind: KindUint32s, DBus: "au", Default: []uint32{0, 0, 0, 0, 0, 0, 0, 0}, AlwaysEmit: true, KeepEmpty: true, Nmcli: &Nmcli{Order: 12, Type: dcbArrayType{max: 100, percent: true, flagsProp: "priority-group-flags"}}},
		{Name: "priority-group-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, Direct: true, Nmcli: &Nmcli{Order: 10, Type: dcbFlagsType{}}},
		{Name: "priority-group-id", Kind: KindUint32s, DBus: "au", Default: []uint32{0, 0, 0, 0, 0, 0, 0, 0}, AlwaysEmit: true, KeepEmpty: true, Nmcli: &Nmcli{Order: 11, Type: dcbArrayType{max: 7, other: 15, flagsProp: "priority-group-flags"}}},
		{Name: "priority-strict-bandwidth", Kind: KindUint32s, DBus: "au", Default: []uint32{0, 0, 0, 0, 0, 0, 0, 0}, AlwaysEmit: true, KeepEmpty: true, Nmcli: &Nmcli{Order: 14, Type: dcbArrayType{max: 1, bools: true, flagsProp: "priority-group-flags"}}},
		{Name: "priority-traffic-class", Kind: KindUint32s, DBus: "au", Default: []uint32{0, 0, 0, 0, 0, 0, 0, 0}, AlwaysEmit: true, KeepEmpty: true, Nmcli: &Nmcli{Order: 15, Type: dcbArrayType{max: 7, flagsProp: "priority-group-flags"}}},
	},
}
