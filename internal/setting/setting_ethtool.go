package setting

var settingEthtool = &Info{
	Name:     "ethtool",
	Priority: prioAux,
	Gendata:  true,
	Verify:   verifyEthtool,
	Props: []*Property{
		{Name: "coalesce-adaptive-rx", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 59}},
		{Name: "coalesce-adaptive-tx", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 60}},
		{Name: "coalesce-pkt-rate-high", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 61}},
		{Name: "coalesce-pkt-rate-low", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 62}},
		{Name: "coalesce-rx-frames", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 63}},
		{Name: "coalesce-rx-frames-high", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 65}},
		{Name: "coalesce-rx-frames-irq", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 64}},
		{Name: "coalesce-rx-frames-low", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 66}},
		{Name: "coalesce-rx-usecs", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 67}},
		{Name: "coalesce-rx-usecs-high", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 69}},
		{Name: "coalesce-rx-usecs-irq", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 68}},
		{Name: "coalesce-rx-usecs-low", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 70}},
		{Name: "coalesce-sample-interval", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 71}},
		{Name: "coalesce-stats-block-usecs", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 72}},
		{Name: "coalesce-tx-frames", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 73}},
		{Name: "coalesce-tx-frames-high", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 75}},
		{Name: "coalesce-tx-frames-irq", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 74}},
		{Name: "coalesce-tx-frames-low", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 76}},
		{Name: "coalesce-tx-usecs", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 77}},
		{Name: "coalesce-tx-usecs-high", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 79}},
		{Name: "coalesce-tx-usecs-irq", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 78}},
		{Name: "coalesce-tx-usecs-low", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 80}},
		{Name: "feature-esp-hw-offload", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 1}},
		{Name: "feature-esp-tx-csum-hw-offload", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 2}},
		{Name: "feature-fcoe-mtu", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 3}},
		{Name: "feature-gro", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 4}},
		{Name: "feature-gso", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 5}},
		{Name: "feature-highdma", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 6}},
		{Name: "feature-hw-tc-offload", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 7}},
		{Name: "feature-l2-fwd-offload", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 8}},
		{Name: "feature-loopback", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 9}},
		{Name: "feature-lro", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 10}},
		{Name: "feature-macsec-hw-offload", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 11}},
		{Name: "feature-ntuple", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 12}},
		{Name: "feature-rx", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 13}},
		{Name: "feature-rxhash", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 14}},
		{Name: "feature-rxvlan", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 15}},
		{Name: "feature-rx-all", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 16}},
		{Name: "feature-rx-fcs", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 17}},
		{Name: "feature-rx-gro-hw", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 18}},
		{Name: "feature-rx-gro-list", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 19}},
		{Name: "feature-rx-udp-gro-forwarding", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 20}},
		{Name: "feature-rx-udp_tunnel-port-offload", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 21}},
		{Name: "feature-rx-vlan-filter", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 22}},
		{Name: "feature-rx-vlan-stag-filter", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 23}},
		{Name: "feature-rx-vlan-stag-hw-parse", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 24}},
		{Name: "feature-sg", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 25}},
		{Name: "feature-tls-hw-record", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 26}},
		{Name: "feature-tls-hw-rx-offload", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 27}},
		{Name: "feature-tls-hw-tx-offload", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 28}},
		{Name: "feature-tso", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 29}},
		{Name: "feature-tx", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 30}},
		{Name: "feature-txvlan", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 31}},
		{Name: "feature-tx-checksum-fcoe-crc", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 32}},
		{Name: "feature-tx-checksum-ipv4", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 33}},
		{Name: "feature-tx-checksum-ipv6", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 34}},
		{Name: "feature-tx-checksum-ip-generic", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 35}},
		{Name: "feature-tx-checksum-sctp", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 36}},
		{Name: "feature-tx-esp-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 37}},
		{Name: "feature-tx-fcoe-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 38}},
		{Name: "feature-tx-gre-csum-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 39}},
		{Name: "feature-tx-gre-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 40}},
		{Name: "feature-tx-gso-list", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 41}},
		{Name: "feature-tx-gso-partial", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 42}},
		{Name: "feature-tx-gso-robust", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 43}},
		{Name: "feature-tx-ipxip4-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 44}},
		{Name: "feature-tx-ipxip6-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 45}},
		{Name: "feature-tx-nocache-copy", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 46}},
		{Name: "feature-tx-scatter-gather", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 47}},
		{Name: "feature-tx-scatter-gather-fraglist", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 48}},
		{Name: "feature-tx-sctp-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 49}},
		{Name: "feature-tx-tcp6-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 50}},
		{Name: "feature-tx-tcp-ecn-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 51}},
		{Name: "feature-tx-tcp-mangleid-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 52}},
		{Name: "feature-tx-tcp-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 53}},
		{Name: "feature-tx-tunnel-remcsum-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 54}},
		{Name: "feature-tx-udp-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 55}},
		{Name: "feature-tx-udp_tnl-csum-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 56}},
		{Name: "feature-tx-udp_tnl-segmentation", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 57}},
		{Name: "feature-tx-vlan-stag-hw-insert", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 58}},
		{Name: "pause-autoneg", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 81}},
		{Name: "pause-rx", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 82}},
		{Name: "pause-tx", Kind: KindBool, DBus: "b", Option: true, Nmcli: &Nmcli{Order: 83}},
		{Name: "ring-rx", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 84}},
		{Name: "ring-rx-jumbo", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 85}},
		{Name: "ring-rx-mini", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 86}},
		{Name: "ring-tx", Kind: KindUint32, DBus: "u", Option: true, Nmcli: &Nmcli{Order: 87}},
	},
}

func verifyEthtool(s *Setting, c *Connection) (Result, *Error) {
	for _, name := range sortedKeys(s.badOptions) {
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
