package setting

import (
	"bytes"
	"slices"
	"unicode/utf8"
)

var setting8021x = &Info{
	Name:       "802-1x",
	NmcliTitle: "802-1x settings",
	Priority:   prioHWAux,
	Props: []*Property{
		{Name: "altsubject-matches", Kind: KindStrv, DBus: "as", Nmcli: &Nmcli{Order: 11}},
		{Name: "anonymous-identity", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 4}},
		{Name: "auth-timeout", Kind: KindInt32, DBus: "i", Range: rng(0, 2147483647), Direct: true, Nmcli: &Nmcli{Order: 47}},
		{Name: "ca-cert", Kind: KindBytes, DBus: "ay", Direct: true, Nmcli: &Nmcli{Order: 6, Type: certType{}}},
		{Name: "ca-cert-password", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 7}},
		{Name: "ca-cert-password-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 8}},
		{Name: "ca-path", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 9}},
		{Name: "client-cert", Kind: KindBytes, DBus: "ay", Direct: true, Nmcli: &Nmcli{Order: 14, Type: certType{client: true}}},
		{Name: "client-cert-password", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 15}},
		{Name: "client-cert-password-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 16}},
		{Name: "domain-match", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 13}},
		{Name: "domain-suffix-match", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 12}},
		{Name: "eap", Kind: KindStrv, DBus: "as", Nmcli: &Nmcli{Order: 2, Type: multilistType{allowed: []string{"leap", "md5", "tls", "peap", "ttls", "sim", "fast", "pwd"}, add: addLowerUnique}}},
		{Name: "identity", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 3}},
		{Name: "optional", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 1}},
		{Name: "pac-file", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 5}},
		{Name: "password", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 34}},
		{Name: "password-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 35}},
		{Name: "password-raw", Kind: KindBytes, DBus: "ay", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 36, Type: bytesType{legacy: true}}},
		{Name: "password-raw-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 37}},
		{Name: "phase1-auth-flags", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 20, Type: enumType{e: flags8021xAuth, format: enumParsableText}}},
		{Name: "phase1-fast-provisioning", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 19, Type: stringType{allowed: []string{"0", "1", "2", "3"}}}},
		{Name: "phase1-peaplabel", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 18, Type: stringType{allowed: []string{"0", "1"}}}},
		{Name: "phase1-peapver", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 17, Type: stringType{allowed: []string{"0", "1"}}}},
		{Name: "phase2-altsubject-matches", Kind: KindStrv, DBus: "as", Nmcli: &Nmcli{Order: 28}},
		{Name: "phase2-auth", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 21, Type: stringType{allowed: []string{"pap", "chap", "mschap", "mschapv2", "gtc", "otp", "md5", "tls"}}}},
		{Name: "phase2-autheap", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 22, Type: stringType{allowed: []string{"md5", "mschapv2", "otp", "gtc", "tls"}}}},
		{Name: "phase2-ca-cert", Kind: KindBytes, DBus: "ay", Direct: true, Nmcli: &Nmcli{Order: 23, Type: certType{}}},
		{Name: "phase2-ca-cert-password", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 24}},
		{Name: "phase2-ca-cert-password-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 25}},
		{Name: "phase2-ca-path", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 26}},
		{Name: "phase2-client-cert", Kind: KindBytes, DBus: "ay", Direct: true, Nmcli: &Nmcli{Order: 31, Type: certType{client: true}}},
		{Name: "phase2-client-cert-password", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 32}},
		{Name: "phase2-client-cert-password-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 33}},
		{Name: "phase2-domain-match", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 30}},
		{Name: "phase2-domain-suffix-match", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 29}},
		{Name: "phase2-private-key", Kind: KindBytes, DBus: "ay", Direct: true, Nmcli: &Nmcli{Order: 41, Type: certType{key: true, passwordProp: "phase2-private-key-password"}}},
		{Name: "phase2-private-key-password", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 42}},
		{Name: "phase2-private-key-password-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 43}},
		{Name: "phase2-subject-match", Kind: KindString, DBus: "s", Direct: true, Deprecated: true, Nmcli: &Nmcli{Order: 27}},
		{Name: "pin", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 44}},
		{Name: "pin-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 45}},
		{Name: "private-key", Kind: KindBytes, DBus: "ay", Direct: true, Nmcli: &Nmcli{Order: 38, Type: certType{key: true, passwordProp: "private-key-password"}}},
		{Name: "private-key-password", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 39}},
		{Name: "private-key-password-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 40}},
		{Name: "subject-match", Kind: KindString, DBus: "s", Direct: true, Deprecated: true, Nmcli: &Nmcli{Order: 10}},
		{Name: "system-ca-certs", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 46}},
	},
	Verify: verify8021x,
}

// Certificate schemes of the 802-1x certificate and key properties.
const (
	CertSchemeUnknown = iota
	CertSchemeBlob
	CertSchemePath
	CertSchemePKCS11
)

// Prefixes that mark a certificate value as a path or a PKCS#11 URI.
const (
	CertPrefixPath   = "file://"
	CertPrefixPKCS11 = "pkcs11:"
)

// CertScheme tells how an 802-1x certificate value is given: a blob, a
// "file://" path or a "pkcs11:" URI (both NUL-terminated).
func CertScheme(b []byte) (int, string) {
	if len(b) == 0 {
		return CertSchemeUnknown, "binary data missing"
	}
	scheme, plen := CertSchemeBlob, 0
	switch {
	case bytes.HasPrefix(b, []byte(CertPrefixPath)):
		scheme, plen = CertSchemePath, len(CertPrefixPath)
	case bytes.HasPrefix(b, []byte(CertPrefixPKCS11)):
		scheme, plen = CertSchemePKCS11, len(CertPrefixPKCS11)
	}
	if scheme == CertSchemeBlob {
		return scheme, ""
	}
	if b[len(b)-1] != 0 {
		return CertSchemeUnknown, "URI not NUL terminated"
	}
	n := len(b) - 1
	if n <= plen {
		return CertSchemeUnknown, "URI is empty"
	}
	if !utf8.Valid(b[plen:n]) {
		return CertSchemeUnknown, "URI is not valid UTF-8"
	}
	return scheme, ""
}

// isPKCS12 recognizes DER-encoded PKCS#12 data: a SEQUENCE that starts
// with INTEGER 3 (the PFX version).
func isPKCS12(b []byte) bool {
	if len(b) < 2 || b[0] != 0x30 {
		return false
	}
	i := 2
	if b[1]&0x80 != 0 {
		n := int(b[1] & 0x7f)
		if n == 0 || n > 4 {
			return false
		}
		i += n
	}
	return len(b) >= i+3 && b[i] == 0x02 && b[i+1] == 0x01 && b[i+2] == 0x03
}

func verify8021x(s *Setting, c *Connection) (Result, *Error) {
	const n = "802-1x"
	if c != nil && s.Bool("optional") && c.Type() != "802-3-ethernet" {
		return Invalid, invalidProp(n, "optional", "can be enabled only on Ethernet connections")
	}
	eap := s.Strv("eap")
	if len(eap) == 0 {
		return Invalid, missingProp(n, "eap", "property is missing")
	}
	if !allIn(eap, []string{"leap", "md5", "tls", "peap", "ttls", "sim", "fast", "pwd", "external"}) {
		return Invalid, invalidProp(n, "eap", "property is invalid")
	}
	for _, m := range eap {
		var err *Error
		switch m {
		case "leap", "pwd", "md5", "fast":
			err = verify8021xIdentity(s)
		case "tls":
			err = verify8021xTLS(s)
		case "peap", "ttls":
			if err = verify8021xIdentity(s); err == nil {
				_, a := s.String("phase2-auth")
				_, b := s.String("phase2-autheap")
				if a == b {
					err = &Error{Code: ErrMissingProperty, Setting: n, Property: "phase2-auth",
						Message: "802-1x.phase2-auth, 802-1x.phase2-autheap: exactly one property must be set"}
				}
			}
		}
		if err != nil {
			return Invalid, err
		}
	}
	for _, x := range []struct {
		prop  string
		valid []string
	}{
		{"phase1-peapver", []string{"0", "1"}},
		{"phase1-peaplabel", []string{"0", "1"}},
		{"phase1-fast-provisioning", []string{"0", "1", "2", "3"}},
	} {
		if v, ok := s.String(x.prop); ok && !slices.Contains(x.valid, v) {
			return Invalid, invalidProp(n, x.prop, "'%s' is not a valid value for the property", v)
		}
	}
	af := s.Uint32("phase1-auth-flags")
	if af&^0x1ff != 0 {
		return Invalid, invalidProp(n, "phase1-auth-flags", "invalid auth flags: '%d' contains unknown flags", int32(af))
	}
	for _, pair := range [][2]uint32{{0x20, 0x1}, {0x40, 0x2}, {0x80, 0x4}, {0x100, 0x10}} {
		if af&(pair[0]|pair[1]) == pair[0]|pair[1] {
			return Invalid, invalidProp(n, "phase1-auth-flags", "invalid auth flags: both enable and disable are set for the same TLS version")
		}
	}
	if v, ok := s.String("phase2-auth"); ok && !slices.Contains([]string{"pap", "chap", "mschap", "mschapv2", "gtc", "otp", "md5", "tls"}, v) {
		return Invalid, invalidProp(n, "phase2-auth", "'%s' is not a valid value for the property", v)
	}
	if v, ok := s.String("phase2-autheap"); ok && !slices.Contains([]string{"md5", "mschapv2", "otp", "gtc", "tls"}, v) {
		return Invalid, invalidProp(n, "phase2-autheap", "'%s' is not a valid value for the property", v)
	}
	for _, x := range [][2]string{
		{"ca-cert", "ca-cert-password"}, {"phase2-ca-cert", "phase2-ca-cert-password"},
		{"client-cert", "client-cert-password"}, {"phase2-client-cert", "phase2-client-cert-password"},
		{"private-key", ""}, {"phase2-private-key", ""},
	} {
		b := s.Bytes(x[0])
		if b == nil {
			continue
		}
		scheme, msg := CertScheme(b)
		if scheme == CertSchemeUnknown {
			return Invalid, invalidProp(n, x[0], "certificate is invalid: %s", msg)
		}
		if x[1] != "" && s.IsSet(x[1]) && scheme != CertSchemePKCS11 {
			return Invalid, invalidProp(n, x[1], "password is not supported when certificate is not on a PKCS#11 token")
		}
	}
	for _, p := range []string{"identity", "anonymous-identity", "pac-file", "subject-match",
		"phase2-subject-match", "domain-suffix-match", "phase2-domain-suffix-match", "domain-match", "phase2-domain-match"} {
		if v, ok := s.String(p); ok && v == "" {
			return Normalizable, invalidProp(n, p, "property is empty")
		}
	}
	return Success, nil
}

func verify8021xIdentity(s *Setting) *Error {
	id, ok := s.String("identity")
	if !ok {
		return missingProp("802-1x", "identity", "property is missing")
	}
	if id == "" {
		return invalidProp("802-1x", "identity", "property is empty")
	}
	return nil
}

func verify8021xTLS(s *Setting) *Error {
	const n = "802-1x"
	cert := s.Bytes("client-cert")
	if cert == nil {
		return missingProp(n, "client-cert", "property is missing")
	}
	if len(cert) == 0 {
		return invalidProp(n, "client-cert", "property is empty")
	}
	key := s.Bytes("private-key")
	if key == nil {
		return missingProp(n, "private-key", "property is missing")
	}
	if len(key) == 0 {
		return invalidProp(n, "private-key", "property is empty")
	}
	if sch, _ := CertScheme(key); sch == CertSchemeBlob && isPKCS12(key) && !bytes.Equal(key, cert) {
		return invalidProp(n, "client-cert", "has to match '%s' property for PKCS#12", "private-key")
	}
	return nil
}
