package setting

var settingBondPort = &Info{
	Name:       "bond-port",
	NmcliTitle: "Bond port",
	Priority:   prioAux,
	Props: []*Property{
		{Name: "queue-id", Kind: KindUint32, DBus: "u", Range: rng(0, 65535), Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "queue-id"}},
	},
	Verify: verifyBondPort,
}

func verifyBondPort(s *Setting, c *Connection) (Result, *Error) {
	if err := verifyPortOf(c, "bond-port", "bond"); err != nil {
		return Invalid, err
	}
	return Success, nil
}
