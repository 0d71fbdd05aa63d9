package setting

var settingVxlan = &Info{
	Name:       "vxlan",
	NmcliTitle: "VXLAN connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"vxlan", true}, {"802-3-ethernet", false}, {"ethtool", false}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "ageing", Kind: KindUint32, DBus: "u", Default: uint32(300), Direct: true, Nmcli: &Nmcli{Order: 10}},
		{Name: "destination-port", Kind: KindUint32, DBus: "u", Default: uint32(8472), Range: rng(0, 65535), Direct: true, Nmcli: &Nmcli{Order: 7, Alias: "destination-port"}},
		{Name: "id", Kind: KindUint32, DBus: "u", Range: rng(0, 16777215), Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "id", Inf: InfRequired}},
		{Name: "l2-miss", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 15}},
		{Name: "l3-miss", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 16}},
		{Name: "learning", Kind: KindBool, DBus: "b", Default: true, Direct: true, Nmcli: &Nmcli{Order: 12}},
		{Name: "limit", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 11}},
		{Name: "local", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 3, Alias: "local"}},
		{Name: "parent", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "dev"}},
		{Name: "proxy", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 13}},
		{Name: "remote", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 4, Alias: "remote"}},
		{Name: "rsc", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 14}},
		{Name: "source-port-max", Kind: KindUint32, DBus: "u", Range: rng(0, 65535), Direct: true, Nmcli: &Nmcli{Order: 6, Alias: "source-port-max"}},
		{Name: "source-port-min", Kind: KindUint32, DBus: "u", Range: rng(0, 65535), Direct: true, Nmcli: &Nmcli{Order: 5, Alias: "source-port-min"}},
		{Name: "tos", Kind: KindUint32, DBus: "u", Range: rng(0, 255), Direct: true, Nmcli: &Nmcli{Order: 8}},
		{Name: "ttl", Kind: KindUint32, DBus: "u", Range: rng(0, 255), Direct: true, Nmcli: &Nmcli{Order: 9}},
	},
	Verify: verifyVxlan,
}

func verifyVxlan(s *Setting, c *Connection) (Result, *Error) {
	const n = "vxlan"
	af := 0
	check := func(prop string) *Error {
		v, ok := s.String(prop)
		if !ok {
			return nil
		}
		a, ok := parseInet(af, v)
		if !ok {
			fam := ""
			switch af {
			case AFInet:
				fam = "4"
			case AFInet6:
				fam = "6"
			}
			return invalidProp(n, prop, "'%s' is not a valid IP%s address", v, fam)
		}
		if af == 0 {
			af = AFInet
			if a.Is6() {
				af = AFInet6
			}
		}
		return nil
	}
	// NetworkManager parses remote first, then local, and reports remote
	// errors first.
	remoteErr := check("remote")
	localErr := check("local")
	if remoteErr != nil {
		return Invalid, remoteErr
	}
	if localErr != nil {
		return Invalid, localErr
	}
	if p, ok := s.String("parent"); ok && ifnameValidKernel(p) != nil && !isLegacyUUID(p) {
		return Invalid, invalidProp(n, "parent", "'%s' is neither an UUID nor an interface name", p)
	}
	min, max := s.Uint32("source-port-min"), s.Uint32("source-port-max")
	if (min != 0 || max != 0) && min > max {
		return Invalid, invalidProp(n, "source-port-min", "%d is greater than local port max %d", min, max)
	}
	return Success, nil
}
