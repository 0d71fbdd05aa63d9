package setting

var settingVeth = &Info{
	Name:       "veth",
	NmcliTitle: "Veth connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"veth", true}, {"802-3-ethernet", false}, {"ethtool", false}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "peer", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "peer", Inf: InfRequired}},
	},
	Verify: verifyVeth,
}

func verifyVeth(s *Setting, c *Connection) (Result, *Error) {
	peer, ok := s.String("peer")
	if !ok {
		return Invalid, missingProp("veth", "peer", "property is not specified")
	}
	if IfnameValid(peer) != nil {
		return Invalid, invalidProp("veth", "peer", "'%s' is not a valid interface name", peer)
	}
	if err := requireInterfaceName(c); err != nil {
		return Invalid, err
	}
	return Success, nil
}
