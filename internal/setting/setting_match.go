package setting

var settingMatch = &Info{
	Name:       "match",
	NmcliTitle: "Match",
	Priority:   prioAux,
	Props: []*Property{
		{Name: "driver", Kind: KindStrv, DBus: "as", Direct: true, Nmcli: &Nmcli{Order: 3, Type: multilistType{split: splitEscapedSpaces, add: addAlways}}},
		{Name: "interface-name", Kind: KindStrv, DBus: "as", Direct: true, Nmcli: &Nmcli{Order: 1, Type: multilistType{split: splitEscapedSpaces, add: addAlways}}},
		{Name: "kernel-command-line", Kind: KindStrv, DBus: "as", Direct: true, Nmcli: &Nmcli{Order: 2, Type: multilistType{split: splitEscapedSpaces, add: addAlways}}},
		{Name: "path", Kind: KindStrv, DBus: "as", Direct: true, Nmcli: &Nmcli{Order: 4, Type: multilistType{split: splitEscapedSpaces, add: addAlways}}},
	},
	Verify: verifyMatch,
}

func verifyMatch(s *Setting, c *Connection) (Result, *Error) {
	for _, p := range []string{"interface-name", "kernel-command-line", "driver", "path"} {
		for _, v := range s.Strv(p) {
			if v == "" {
				return Invalid, invalidProp("match", p, "is empty")
			}
		}
	}
	return Success, nil
}
