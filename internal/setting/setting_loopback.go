package setting

var settingLoopback = &Info{
	Name:       "loopback",
	NmcliTitle: "Loopback settings",
	NmcliParts: []NmcliPart{{"connection", true}, {"loopback", true}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "mtu", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "mtu", Type: mtuType{showAuto: true}}},
	},
	Verify: verifyLoopback,
}

func verifyLoopback(s *Setting, c *Connection) (Result, *Error) {
	if c == nil {
		return Success, nil
	}
	if s4 := c.settings["ipv4"]; s4 != nil {
		if m, ok := s4.String("method"); ok && m != "auto" && m != "manual" {
			return Invalid, invalidProp("ipv4", "method", "ipv4 method \"%s\" is not supported for loopback", m)
		}
		if ll := s4.Int32("link-local"); ll != 0 && ll != 1 && ll != 2 {
			return Invalid, invalidProp("ipv4", "link-local", "ipv4.link-local cannot be enabled for loopback")
		}
	}
	if s6 := c.settings["ipv6"]; s6 != nil {
		if m, ok := s6.String("method"); ok && m != "auto" && m != "manual" {
			return Invalid, invalidProp("ipv6", "method", "ipv6 method \"%s\" is not supported for loopback", m)
		}
	}
	if con := c.settings["connection"]; con != nil {
		_, hasPT := con.String("slave-type")
		_, hasC := con.String("master")
		if hasPT || hasC {
			p := "master"
			if hasPT {
				p = "slave-type"
			}
			return Invalid, invalidProp("connection", p, "a loopback profile cannot be a port")
		}
	}
	return Success, nil
}
