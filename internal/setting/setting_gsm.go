package setting

import "strings"

var settingGsm = &Info{
	Name:       "gsm",
	NmcliTitle: "GSM mobile broadband connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"gsm", true}, {"serial", false}, {"ppp", false}},
	NmcliInit:  func(s *Setting) { s.MustSet("apn", "internet") },
	Priority:   prioHWBase,
	Verify:     verifyGsm,
	Props: []*Property{
		// D-Bus only: allowed-bands (u)
		{Name: "apn", Kind: KindString, DBus: "s", Direct: true, Normalize: stripString, Nmcli: &Nmcli{Order: 6, Alias: "apn", Type: stringType{emptyUnset: true}}},
		{Name: "auto-config", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 1, Type: boolType{after: gsmAutoConfigAfter}}},
		{Name: "device-id", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 11}},
		{Name: "home-only", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 10}},
		{Name: "mtu", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 14, Type: mtuType{showAuto: true}}},
		{Name: "network-id", Kind: KindString, DBus: "s", Direct: true, Normalize: stripString, Nmcli: &Nmcli{Order: 7}},
		// D-Bus only: network-type (i)
		{Name: "number", Kind: KindString, DBus: "s", Direct: true, Deprecated: true, Nmcli: &Nmcli{Order: 2}},
		{Name: "password", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 4, Alias: "password"}},
		{Name: "password-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 5}},
		{Name: "pin", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 8}},
		{Name: "pin-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 9}},
		{Name: "sim-id", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 12}},
		{Name: "sim-operator-id", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 13, Type: simOperatorIDType{}}},
		{Name: "username", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 3, Alias: "user"}},
	},
}

// stripString drops leading and trailing ASCII blanks, as libnm does on
// setting the properties it declares with direct_set_string_strip.
func stripString(v any) any {
	return strings.Trim(v.(string), " \t\n\r\f\v")
}

func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func verifyGsm(s *Setting, _ *Connection) (Result, *Error) {
	const n = "gsm"
	if v, ok := s.String("number"); ok && v == "" {
		return Invalid, invalidProp(n, "number", "property is empty")
	}
	if apn, ok := s.String("apn"); ok {
		if len(apn) > 64 {
			return Invalid, invalidProp(n, "apn", "property value '%s' is empty or too long (>64)", apn)
		}
		for i := 0; i < len(apn); i++ {
			if c := apn[i]; !isASCIIAlnum(c) && c != '.' && c != '_' && c != '-' {
				return Invalid, invalidProp(n, "apn", "'%s' contains invalid char(s) (use [A-Za-z._-])", apn)
			}
		}
	}
	if v, ok := s.String("username"); ok && v == "" {
		return Invalid, invalidProp(n, "username", "property is empty")
	}
	if id, ok := s.String("network-id"); ok {
		if len(id) < 5 || len(id) > 6 {
			return Invalid, invalidProp(n, "network-id", "'%s' length is invalid (should be 5 or 6 digits)", id)
		}
		for i := 0; i < len(id); i++ {
			if id[i] < '0' || id[i] > '9' {
				return Invalid, invalidProp(n, "network-id", "'%s' is not a number", id)
			}
		}
	}
	for _, p := range []string{"device-id", "sim-id"} {
		if v, ok := s.String(p); ok && v == "" {
			return Invalid, invalidProp(n, p, "property is empty")
		}
	}
	if op, ok := s.String("sim-operator-id"); ok {
		if len(op) != 5 && len(op) != 6 {
			return Invalid, invalidProp(n, "sim-operator-id", "property is empty or wrong size")
		}
		for i := 0; i < len(op); i++ {
			if op[i] < '0' || op[i] > '9' {
				return Invalid, invalidProp(n, "sim-operator-id", "property must contain only digits")
			}
		}
	}
	if s.Bool("auto-config") {
		_, apn := s.String("apn")
		_, user := s.String("username")
		_, pw := s.String("password")
		if apn || user || pw {
			return NormalizableError, invalidProp(n, "auto-config", "can't be enabled when manual configuration is present")
		}
	}
	return Success, nil
}
