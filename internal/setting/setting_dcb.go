package setting

var settingDcb = &Info{
	Name:     "dcb",
	Priority: prioHWAux,
	Props: []*Property{
		{Name: "app-fcoe-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, Direct: true, Nmcli: &Nmcli{Order: 1}},
		{Name: "app-fcoe-mode", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 3}},
		{Name: "app-fcoe-priority", Kind: KindInt32, DBus: "i", Default: int32(-1), Range: rng(-1, 7), Direct: true, Nmcli: &Nmcli{Order: 2}},
		{Name: "app-fip-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, Direct: true, Nmcli: &Nmcli{Order: 6}},
		{Name: "app-fip-priority", Kind: KindInt32, DBus: "i", Default: int32(-1), Range: rng(-1, 7), Direct: true, Nmcli: &Nmcli{Order: 7}},
		{Name: "app-iscsi-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, Direct: true, Nmcli: &Nmcli{Order: 4}},
		{Name: "app-iscsi-priority", Kind: KindInt32, DBus: "i", Default: int32(-1), Range: rng(-1, 7), Direct: true, Nmcli: &Nmcli{Order: 5}},
		{Name: "priority-bandwidth", Kind: KindUint32s, DBus: "au", Default: []uint32{0, 0, 0, 0, 0, 0, 0, 0}, AlwaysEmit: true, KeepEmpty: true, Nmcli: &Nmcli{Order: 13}},
		{Name: "priority-flow-control", Kind: KindUint32s, DBus: "au", Default: []uint32{0, 0, 0, 0, 0, 0, 0, 0}, AlwaysEmit: true, KeepEmpty: true, Nmcli: &Nmcli{Order: 9}},
		{Name: "priority-flow-control-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, Direct: true, Nmcli: &Nmcli{Order: 8}},
		{Name: "priority-group-bandwidth", Kind: KindUint32s, DBus: "au", Default: []uint32{0, 0, 0, 0, 0, 0, 0, 0}, AlwaysEmit: true, KeepEmpty: true, Nmcli: &Nmcli{Order: 12}},
		{Name: "priority-group-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, Direct: true, Nmcli: &Nmcli{Order: 10}},
		{Name: "priority-group-id", Kind: KindUint32s, DBus: "au", Default: []uint32{0, 0, 0, 0, 0, 0, 0, 0}, AlwaysEmit: true, KeepEmpty: true, Nmcli: &Nmcli{Order: 11}},
		{Name: "priority-strict-bandwidth", Kind: KindUint32s, DBus: "au", Default: []uint32{0, 0, 0, 0, 0, 0, 0, 0}, AlwaysEmit: true, KeepEmpty: true, Nmcli: &Nmcli{Order: 14}},
		{Name: "priority-traffic-class", Kind: KindUint32s, DBus: "au", Default: []uint32{0, 0, 0, 0, 0, 0, 0, 0}, AlwaysEmit: true, KeepEmpty: true, Nmcli: &Nmcli{Order: 15}},
	},
}
