package setting

import "slices"

// NeedSecrets returns the first setting (in priority order) that still
// lacks secrets to connect, and the names of the secrets it wants; ""
// when nothing is missing. With rerequest, secrets that could be wrong are
// asked for again even when present (a failed attempt). The rules are
// NetworkManager's per setting; a VPN profile always needs secrets, as
// only its plugin knows which.
//
// One simplification: for EAP-TLS a present private key password is taken
// as right, where NetworkManager tries to decrypt the key with it.
func (c *Connection) NeedSecrets(rerequest bool) (setting string, hints []string) {
	for _, s := range c.Settings() {
		hints, need := s.needSecrets(rerequest)
		if need {
			return s.Name(), hints
		}
	}
	return "", nil
}

func (s *Setting) needSecrets(rerequest bool) ([]string, bool) {
	notRequired := func(flagsProp string) bool { return s.Uint32(flagsProp)&SecretFlagNotRequired != 0 }
	switch s.Name() {
	case "802-11-wireless-security":
		return s.wifiSecurityNeeds(rerequest)
	case "802-1x":
		return s.ieee8021xNeeds(rerequest)
	case "adsl", "pppoe":
		if !rerequest && s.IsSet("password") && (s.Name() == "pppoe" || s.Str("password") != "") {
			return nil, false
		}
		if notRequired("password-flags") {
			return nil, false
		}
		return []string{"password"}, true
	case "cdma", "gsm":
		if !rerequest && s.Str("password") != "" {
			return nil, false
		}
		if s.IsSet("username") && !notRequired("password-flags") {
			return []string{"password"}, true
		}
		return nil, false
	case "macsec":
		if s.Int32("mode") == 0 && (rerequest || !s.IsSet("mka-cak")) && !notRequired("mka-cak-flags") {
			return []string{"mka-cak"}, true
		}
		return nil, false
	case "vpn":
		return nil, true
	case "wireguard":
		var out []string
		if rerequest || !WGKeyValid(s.Str("private-key")) {
			out = append(out, "private-key")
		}
		peers, _ := s.Get("peers").([]WireGuardPeer)
		for _, p := range peers {
			if p.PresharedKeyFlags&SecretFlagNotRequired != 0 || p.HasPresharedKey && WGKeyValid(p.PresharedKey) {
				continue
			}
			if !WGKeyValid(p.PublicKey) {
				continue
			}
			out = append(out, "peers."+p.PublicKey+".preshared-key")
		}
		return out, out != nil
	}
	return nil, false
}

func (s *Setting) wifiSecurityNeeds(rerequest bool) ([]string, bool) {
	km := s.Str("key-mgmt")
	switch {
	case km == "none":
		idx := s.Uint32("wep-tx-keyidx")
		if idx > 3 {
			return nil, false
		}
		key := "wep-key" + string(rune('0'+idx))
		if rerequest || !wepKeyValid(s.Str(key), s.Uint32("wep-key-type")) {
			return []string{key}, true
		}
	case km == "wpa-psk":
		if rerequest || !PSKValid(s.Str("psk")) {
			return []string{"psk"}, true
		}
	case km == "sae":
		if rerequest || s.Str("psk") == "" {
			return []string{"psk"}, true
		}
	case s.Str("auth-alg") == "leap" && km == "ieee8021x":
		if rerequest || s.Str("leap-password") == "" {
			return []string{"leap-password"}, true
		}
	}
	// ieee8021x, wpa-eap and suite-b leave it to the 802-1x setting; owe
	// needs nothing.
	return nil, false
}

// ieee8021xNeeds asks each EAP method in turn; the first that wants
// something answers.
func (s *Setting) ieee8021xNeeds(rerequest bool) ([]string, bool) {
	for _, m := range s.Strv("eap") {
		if out := s.eapNeeds(m, false, rerequest); out != nil {
			return out, true
		}
	}
	return nil, false
}

func (s *Setting) eapNeeds(method string, phase2, rerequest bool) []string {
	switch method {
	case "leap", "pwd", "md5", "pap", "chap", "mschap", "mschapv2", "fast", "gtc":
		if rerequest || s.Str("password") == "" && len(s.Bytes("password-raw")) == 0 {
			return []string{"password", "password-raw"}
		}
	case "sim":
		if rerequest || s.Str("pin") == "" {
			return []string{"pin"}
		}
	case "tls":
		return s.tlsNeeds(phase2)
	case "peap", "ttls":
		if phase2 {
			return nil
		}
		inner := s.Str("phase2-auth")
		if inner == "" {
			inner = s.Str("phase2-autheap")
		}
		if inner == "" {
			return nil
		}
		return s.eapNeeds(inner, true, rerequest)
	}
	return nil
}

// tlsNeeds lists the passwords EAP-TLS lacks: the private key password
// (unless not required), and the PKCS#11 certificate PINs.
func (s *Setting) tlsNeeds(phase2 bool) []string {
	pre := ""
	if phase2 {
		pre = "phase2-"
	}
	var out []string
	if s.Uint32(pre+"private-key-password-flags")&SecretFlagNotRequired == 0 && !s.IsSet(pre+"private-key-password") {
		out = append(out, pre+"private-key-password")
	}
	for _, cert := range []string{"ca-cert", "client-cert"} {
		if s.Uint32(pre+cert+"-password-flags")&SecretFlagNotRequired != 0 {
			continue
		}
		if isPKCS11(s.Bytes(pre+cert)) && !s.IsSet(pre+cert+"-password") {
			out = append(out, pre+cert+"-password")
		}
	}
	return out
}

// isPKCS11 tells a certificate value that is a "pkcs11:" URI (with the
// NUL terminator NetworkManager stores).
func isPKCS11(b []byte) bool {
	const scheme = "pkcs11:"
	return len(b) > len(scheme) && string(b[:len(scheme)]) == scheme && slices.Contains(b, 0)
}
