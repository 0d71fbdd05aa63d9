package setting

import (
	"slices"
	"strings"
)

var settingWifiSecurity = &Info{
	Name:       "802-11-wireless-security",
	NmcliTitle: "Wi-Fi security settings",
	Alias:      "wifi-sec",
	Priority:   prioHWAux,
	Props: []*Property{
		{Name: "auth-alg", Kind: KindString, DBus: "s", Direct: true, Normalize: strdown, Nmcli: &Nmcli{Order: 3, Type: stringType{allowed: []string{"open", "shared", "leap"}}}},
		{Name: "fils", Kind: KindInt32, DBus: "i", Direct: true, Nmcli: &Nmcli{Order: 20, Type: enumType{e: enumFils}}},
		{Name: "group", Kind: KindStrv, DBus: "as", Nmcli: &Nmcli{Order: 6, Type: multilistType{allowed: []string{"wep40", "wep104", "tkip", "ccmp"}, add: addLowerUnique, remove: removeFold}}},
		{Name: "key-mgmt", Kind: KindString, DBus: "s", Direct: true, Normalize: strdown, Nmcli: &Nmcli{Order: 1, Type: stringType{allowed: []string{"none", "ieee8021x", "wpa-psk", "wpa-eap", "wpa-eap-suite-b-192", "sae", "owe"}}}},
		{Name: "leap-password", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 17}},
		{Name: "leap-password-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 18}},
		{Name: "leap-username", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 8}},
		{Name: "pairwise", Kind: KindStrv, DBus: "as", Nmcli: &Nmcli{Order: 5, Type: multilistType{allowed: []string{"tkip", "ccmp"}, add: addLowerUnique, remove: removeFold}}},
		{Name: "pmf", Kind: KindInt32, DBus: "i", Direct: true, Nmcli: &Nmcli{Order: 7, Type: enumType{e: enumPmf}}},
		{Name: "proto", Kind: KindStrv, DBus: "as", Nmcli: &Nmcli{Order: 4, Type: multilistType{allowed: []string{"wpa", "rsn"}, add: addLowerUnique, remove: removeFold}}},
		{Name: "psk", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 15}},
		{Name: "psk-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 16}},
		{Name: "wep-key-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 13}},
		{Name: "wep-key-type", Kind: KindUint32, DBus: "u", Values: []int64{0, 1, 2}, Nmcli: &Nmcli{Order: 14, Type: enumType{e: enumWepKeyType, format: enumPrettyText | enumParsableText, preSet: wepKeyTypePreSet}}},
		{Name: "wep-key0", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 9, Type: wepKeyType{index: 0}}},
		{Name: "wep-key1", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 10, Type: wepKeyType{index: 1}}},
		{Name: "wep-key2", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 11, Type: wepKeyType{index: 2}}},
		{Name: "wep-key3", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 12, Type: wepKeyType{index: 3}}},
		{Name: "wep-tx-keyidx", Kind: KindUint32, DBus: "u", Range: rng(0, 3), Direct: true, Nmcli: &Nmcli{Order: 2}},
		{Name: "wps-method", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 19, Type: enumType{e: flagsWPSMethod}}},
	},
	Verify:        verifyWifiSecurity,
	VerifySecrets: verifyWifiSecuritySecrets,
}

func strdown(v any) any { return strings.ToLower(v.(string)) }

// WPS methods (802-11-wireless-security.wps-method).
const (
	wpsDisabled = 0x1
	wpsPin      = 0x8
)

func checkWPSMethod(setting string, m uint32) *Error {
	if m > 0xf {
		return invalidProp(setting, "wps-method", "property is invalid")
	}
	if m&wpsDisabled != 0 && m != wpsDisabled {
		return invalidProp(setting, "wps-method", "can't be simultaneously disabled and enabled")
	}
	return nil
}

func allIn(list, valid []string) bool {
	for _, v := range list {
		if !slices.Contains(valid, v) {
			return false
		}
	}
	return true
}

func verifyWifiSecurity(s *Setting, c *Connection) (Result, *Error) {
	const n = "802-11-wireless-security"
	mode := ""
	if c != nil {
		if w := c.settings["802-11-wireless"]; w != nil {
			mode = w.Str("mode")
		}
	}
	km, ok := s.String("key-mgmt")
	if !ok {
		return Invalid, missingProp(n, "key-mgmt", "property is missing")
	}
	if !slices.Contains([]string{"none", "ieee8021x", "wpa-psk", "wpa-eap", "wpa-eap-suite-b-192", "sae", "owe"}, km) {
		return Invalid, invalidProp(n, "key-mgmt", "'%s' is not a valid value for the property", km)
	}
	if mode == "mesh" && km != "none" && km != "sae" {
		return Invalid, invalidProp(n, "key-mgmt", "'%s' is not a valid value for '%s' mode connections", km, "mesh")
	}
	alg, hasAlg := s.String("auth-alg")
	leapUser, hasLeapUser := s.String("leap-username")
	if hasAlg && alg == "leap" {
		if km != "ieee8021x" {
			return Invalid, invalidProp(n, "auth-alg", "'%s' security requires '%s=%s'", "leap", "key-mgmt", "ieee8021x")
		}
		if !hasLeapUser {
			return Invalid, missingProp(n, "leap-username", "property is empty")
		}
	} else if km == "ieee8021x" || km == "wpa-eap" || km == "wpa-eap-suite-b-192" {
		if c != nil && c.settings["802-1x"] == nil {
			return Invalid, newError(ErrMissingSetting, "802-1x", "", "'%s' security requires '%s' setting presence", km, "802-1x")
		}
	}
	if hasLeapUser && leapUser == "" {
		return Invalid, invalidProp(n, "leap-username", "property is empty")
	}
	if s.Uint32("wep-key-type") > 2 {
		return Invalid, invalidProp(n, "wep-key-type", "property is invalid")
	}
	if hasAlg && !slices.Contains([]string{"open", "shared", "leap"}, alg) {
		return Invalid, invalidProp(n, "auth-alg", "property is invalid")
	}
	if !allIn(s.Strv("proto"), []string{"wpa", "rsn"}) {
		return Invalid, invalidProp(n, "proto", "property is invalid")
	}
	if !allIn(s.Strv("pairwise"), []string{"tkip", "ccmp"}) {
		return Invalid, invalidProp(n, "pairwise", "property is invalid")
	}
	if !allIn(s.Strv("group"), []string{"wep40", "wep104", "tkip", "ccmp"}) {
		return Invalid, invalidProp(n, "group", "property is invalid")
	}
	if hasAlg && alg == "shared" && km != "none" {
		return Invalid, invalidProp(n, "auth-alg", "'%s' can only be used with '%s=%s' (WEP)", "shared", "key-mgmt", "none")
	}
	pmf := s.Int32("pmf")
	if uint32(pmf) > 3 {
		return Invalid, invalidProp(n, "pmf", "property is invalid")
	}
	if (pmf == 2 || pmf == 3) && !slices.Contains([]string{"wpa-eap", "wpa-eap-suite-b-192", "wpa-psk", "sae", "owe"}, km) {
		v := "required"
		if pmf == 2 {
			v = "optional"
		}
		return Invalid, invalidProp(n, "pmf", "'%s' can only be used with 'owe', 'wpa-psk', 'sae', 'wpa-eap' or 'wpa-eap-suite-b-192' key management", v)
	}
	if (km == "owe" || km == "sae" || km == "wpa-eap-suite-b-192") && pmf != 0 && pmf != 3 {
		return Invalid, invalidProp(n, "pmf", "pmf can only be 'default' or 'required' when using 'owe', 'sae' or 'wpa-eap-suite-b-192' key management")
	}
	if err := checkWPSMethod(n, s.Uint32("wps-method")); err != nil {
		return Invalid, err
	}
	return Success, nil
}

// wepKeyValid checks a WEP key for the key type (0 unknown, 1 key,
// 2 passphrase).
func wepKeyValid(key string, typ uint32) bool {
	switch typ {
	case 0:
		return wepKeyValid(key, 1) || wepKeyValid(key, 2)
	case 1:
		switch len(key) {
		case 10, 26:
			for i := 0; i < len(key); i++ {
				if !isHex(key[i]) {
					return false
				}
			}
		case 5, 13:
			for i := 0; i < len(key); i++ {
				if key[i] < 0x20 || key[i] > 0x7e {
					return false
				}
			}
		default:
			return false
		}
	case 2:
		return len(key) > 0 && len(key) <= 64
	}
	return true
}

// PSKValid checks a WPA pre-shared key: 8 to 63 characters, or 64 hex
// digits.
func PSKValid(psk string) bool {
	if len(psk) < 8 || len(psk) > 64 {
		return false
	}
	if len(psk) == 64 {
		for i := 0; i < 64; i++ {
			if !isHex(psk[i]) {
				return false
			}
		}
	}
	return true
}

func verifyWifiSecuritySecrets(s *Setting, c *Connection) *Error {
	const n = "802-11-wireless-security"
	km := s.Str("key-mgmt")
	if s.Str("auth-alg") == "leap" && km == "ieee8021x" {
		if p, ok := s.String("leap-password"); ok && p == "" {
			return invalidProp(n, "leap-password", "property is empty")
		}
	}
	typ := s.Uint32("wep-key-type")
	for i := 0; i < 4; i++ {
		p := "wep-key" + itoa(i)
		if k, ok := s.String(p); ok && !wepKeyValid(k, typ) {
			return invalidProp(n, p, "property is invalid")
		}
	}
	if psk, ok := s.String("psk"); ok && km != "sae" && !PSKValid(psk) {
		return invalidProp(n, "psk", "property is invalid")
	}
	return nil
}
