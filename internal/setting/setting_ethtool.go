package setting

import (
	"maps"
	"slices"
)

var settingEthtool = &Info{
	Name:       "ethtool",
	NmcliTitle: "Ethtool settings",
	Priority:   prioAux,
	Gendata:    true,
	Verify:     verifyEthtool,
	Props: []*Property{
		{Name: "coalesce-adaptive-rx", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 59, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-adaptive-tx", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 60, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-pkt-rate-high", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 61, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-pkt-rate-low", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 62, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-rx-frames", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 63, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-rx-frames-high", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 65, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-rx-frames-irq", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 64, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-rx-frames-low", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 66, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-rx-usecs", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 67, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-rx-usecs-high", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 69, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-rx-usecs-irq", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 68, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-rx-usecs-low", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 70, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-sample-interval", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 71, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-stats-block-usecs", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 72, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-tx-frames", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 73, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-tx-frames-high", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 75, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-tx-frames-irq", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 74, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-tx-frames-low", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 76, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-tx-usecs", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 77, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-tx-usecs-high", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 79, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-tx-usecs-irq", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 78, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "coalesce-tx-usecs-low", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 80, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-esp-hw-offload", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 1, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-esp-tx-csum-hw-offload", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 2, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-fcoe-mtu", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 3, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-gro", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 4, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-gso", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 5, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-highdma", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 6, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-hw-tc-offload", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 7, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-l2-fwd-offload", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 8, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-loopback", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 9, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-lro", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 10, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-macsec-hw-offload", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 11, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-ntuple", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 12, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-rx", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 13, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-rxhash", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 14, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-rxvlan", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 15, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-rx-all", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 16, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-rx-fcs", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 17, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-rx-gro-hw", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 18, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-rx-gro-list", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 19, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-rx-udp-gro-forwarding", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 20, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-rx-udp_tunnel-port-offload", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 21, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-rx-vlan-filter", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 22, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-rx-vlan-stag-filter", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 23, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-rx-vlan-stag-hw-parse", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 24, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-sg", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 25, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tls-hw-record", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 26, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tls-hw-rx-offload", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 27, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tls-hw-tx-offload", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 28, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tso", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 29, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 30, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-txvlan", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 31, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-checksum-fcoe-crc", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 32, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-checksum-ipv4", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 33, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-checksum-ipv6", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 34, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-checksum-ip-generic", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 35, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-checksum-sctp", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 36, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-esp-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 37, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-fcoe-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 38, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-gre-csum-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 39, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-gre-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 40, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-gso-list", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 41, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-gso-partial", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 42, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-gso-robust", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 43, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-ipxip4-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 44, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-ipxip6-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 45, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-nocache-copy", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 46, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-scatter-gather", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 47, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-scatter-gather-fraglist", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 48, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-sctp-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 49, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-tcp6-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 50, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-tcp-ecn-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 51, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-tcp-mangleid-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 52, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-tcp-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 53, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-tunnel-remcsum-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 54, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-udp-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 55, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-udp_tnl-csum-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 56, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-udp_tnl-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 57, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "feature-tx-vlan-stag-hw-insert", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 58, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "pause-autoneg", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 81, Type: ethtoolType{}}},
		{Name: "pause-rx", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 82, Type: ethtoolType{}}},
		{Name: "pause-tx", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 83, Type: ethtoolType{}}},
		{Name: "ring-rx", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 84, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "ring-rx-jumbo", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 85, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "ring-rx-mini", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 86, Type: ethtoolType{}, HideIfDefault: true}},
		{Name: "ring-tx", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 87, Type: ethtoolType{}, HideIfDefault: true}},
	},
}

func verifyEthtool(s *Setting, c *Connection) (Result, *Error) {
	for _, name := range slices.Sorted(maps.Keys(s.badOptions)) {
		if s.info.props[name] == nil {
			return Invalid, invalidProp("ethtool", name, "unsupported ethtool setting")
		}
		return Invalid, invalidProp("ethtool", name, "setting has invalid variant type")
	}
	for _, name := range []string{"coalesce-adaptive-rx", "coalesce-adaptive-tx"} {
		if v, ok := s.values[name].(uint32); ok && v != 0 && v != 1 {
			return Invalid, invalidProp("ethtool", name, "coalesce option must be either 0 or 1")
		}
	}
	_, rx := s.values["pause-rx"]
	_, tx := s.values["pause-tx"]
	if (rx || tx) && s.Bool("pause-autoneg") && s.IsSet("pause-autoneg") {
		return Invalid, invalidProp("ethtool", "pause-autoneg", "pause-autoneg cannot be enabled when setting rx/tx options")
	}
	return Success, nil
}
