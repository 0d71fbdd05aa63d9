package setting

var settingBridgePort = &Info{
	Name:       "bridge-port",
	NmcliTitle: "Bridge port",
	Priority:   prioAux,
	Props: []*Property{
		{Name: "hairpin-mode", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 3, Alias: "hairpin"}},
		{Name: "path-cost", Kind: KindUint32, DBus: "u", Default: uint32(100), Range: rng(0, 65535), Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "path-cost"}},
		{Name: "priority", Kind: KindUint32, DBus: "u", Default: uint32(32), Range: rng(0, 63), Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "priority"}},
		{Name: "vlans", Kind: KindBridgeVlans, DBus: "aa{sv}", Default: []BridgeVlan{}, AlwaysEmit: true, Nmcli: &Nmcli{Order: 4}},
	},
	Verify: verifyBridgePort,
}

func verifyBridgePort(s *Setting, c *Connection) (Result, *Error) {
	if err := verifyPortOf(c, "bridge-port", "bridge"); err != nil {
		return Invalid, err
	}
	vlans, _ := s.Get("vlans").([]BridgeVlan)
	if err := verifyBridgeVlans(vlans, "bridge-port"); err != nil {
		return Invalid, err
	}
	if err := bridgeVlansSorted(vlans, "bridge-port"); err != nil {
		return Normalizable, err
	}
	return Success, nil
}

// verifyPortOf checks that a port setting matches connection.slave-type.
func verifyPortOf(c *Connection, setting, controllerType string) *Error {
	if c == nil {
		return nil
	}
	con := c.settings["connection"]
	if con == nil {
		return newError(ErrMissingSetting, "connection", "", "missing setting")
	}
	if pt, ok := con.String("slave-type"); ok && pt != controllerType {
		return invalidProp("connection", "slave-type",
			"A connection with a '%s' setting must have the slave-type set to '%s'. Instead it is '%s'",
			setting, controllerType, pt)
	}
	return nil
}
