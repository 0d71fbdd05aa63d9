package setting

// This file holds the profile-level checks and repairs of
// nm_connection_verify and nm_connection_normalize; each setting's own
// checks live in its setting_*.go file.

// basePriority is the priority a setting has as a connection's base type,
// or 0 when it cannot be one.
func (i *Info) basePriority() Priority {
	if i.Priority == prioHWBase || i.Priority == prioHWNonBase || i.Name == "pppoe" {
		return i.Priority
	}
	return 0
}

// IsBaseType reports whether the setting can be a connection.type.
func (i *Info) IsBaseType() bool { return i.basePriority() != 0 }

// findBaseSetting picks the setting that gives the connection its type
// when connection.type is missing: the one with the best base priority,
// or connection.type's when several tie.
func (c *Connection) findBaseSetting() *Setting {
	var best *Setting
	var bestPrio Priority
	for _, s := range c.Settings() {
		p := s.info.basePriority()
		if p == 0 {
			continue
		}
		if best != nil {
			if p > bestPrio {
				continue
			}
			if p == bestPrio {
				if t := c.Type(); t != "" {
					return c.settings[t]
				}
				return nil
			}
		}
		best, bestPrio = s, p
	}
	return best
}

// portSettingFor maps a port type (connection.slave-type) to the setting a
// port of that type carries; ok is false for unknown port types.
func portSettingFor(portType string) (setting string, ok bool) {
	switch portType {
	case "bond", "vrf":
		return "", true
	case "bridge":
		return "bridge-port", true
	case "ovs-bridge":
		return "ovs-port", true
	case "ovs-port":
		return "ovs-interface", true
	case "team":
		return "team-port", true
	}
	return "", false
}

// detectPortType guesses connection.slave-type from the port setting the
// profile carries; "" when there is none or more than one.
func (c *Connection) detectPortType() (portType string, portSetting *Setting) {
	for _, x := range []struct{ setting, controller string }{
		{"bridge-port", "bridge"},
		{"bond-port", "bond"},
		{"team-port", "team"},
		{"ovs-port", "ovs-bridge"},
		{"ovs-interface", "ovs-port"},
	} {
		s := c.settings[x.setting]
		if s == nil {
			continue
		}
		if portType != "" {
			return "", nil
		}
		portType, portSetting = x.controller, s
	}
	return portType, portSetting
}

// supportsFamily says whether the connection should carry the ipv4 (4),
// ipv6 (6) or proxy (0) setting: ports of a controller do not, except
// ports of a VRF.
func (c *Connection) supportsFamily(af int) bool {
	t := c.Type()
	switch t {
	case "":
		return true
	case "ovs-interface":
		return true
	case "wpan":
		return false
	case "6lowpan":
		return af == AFInet6 || af == 0
	}
	if c.PortType() == "vrf" {
		return true
	}
	return c.Controller() == ""
}

// Verify checks the profile as nm_connection_verify does. It returns
// Success, Normalizable (valid; Normalize would still change it),
// NormalizableError (invalid, but Normalize repairs it) or Invalid, with
// the error NetworkManager would report.
func (c *Connection) Verify() (Result, *Error) {
	if c.settings["connection"] == nil {
		return Invalid, newError(ErrMissingSetting, "connection", "", "setting not found")
	}
	var normErr *Error
	normRes := Success
	for _, s := range c.Settings() {
		if s.info.Verify == nil {
			continue
		}
		r, err := s.info.Verify(s, c)
		switch r {
		case Normalizable, NormalizableError:
			if r == NormalizableError && normRes == Normalizable {
				normErr = nil
			}
			if normErr == nil {
				normErr, normRes = err, r
			}
		case Invalid:
			return Invalid, err
		}
	}
	if normRes == Success || normRes == Normalizable {
		for _, x := range []struct {
			setting string
			af      int
		}{{"ipv4", AFInet}, {"ipv6", AFInet6}, {"proxy", 0}} {
			has := c.settings[x.setting] != nil
			if c.supportsFamily(x.af) {
				if !has && normRes == Success {
					normErr = newError(ErrMissingSetting, x.setting, "", "setting is required for non-slave connections")
					normRes = Normalizable
				}
			} else if has {
				normErr = newError(ErrInvalidSetting, x.setting, "", "setting not allowed in slave connection")
				normRes = NormalizableError
			}
		}
	}
	if normRes != Success {
		return normRes, normErr
	}
	return Success, nil
}

// VerifySecrets checks the secrets of every setting, as
// nm_connection_verify_secrets does.
func (c *Connection) VerifySecrets() *Error {
	for _, s := range c.Settings() {
		if s.info.VerifySecrets != nil {
			if err := s.info.VerifySecrets(s, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// Valid is Verify without the distinction between Success and
// Normalizable: nil when the profile is acceptable.
func (c *Connection) Valid() *Error {
	r, err := c.Verify()
	if r == Success || r == Normalizable {
		return nil
	}
	return err
}

// Normalize repairs what NetworkManager repairs (missing uuid and type,
// port settings, missing ip and proxy settings, bond mode names, ...) and
// verifies the result, as nm_connection_normalize does. It reports whether
// anything changed. On error the profile is unchanged.
func (c *Connection) Normalize() (changed bool, err *Error) {
	r, verr := c.Verify()
	switch r {
	case Success:
		return false, nil
	case Invalid:
		return false, verr
	}
	for _, f := range normalizers {
		if f(c) {
			changed = true
		}
	}
	if r, verr := c.Verify(); r != Success {
		if verr == nil {
			verr = newError(ErrFailed, "", "", "Unexpected failure to normalize the connection")
		}
		return changed, verr
	}
	return changed, nil
}

// normalizers run in NetworkManager's order; each reports whether it
// changed the profile.
var normalizers = []func(*Connection) bool{
	normalizeUUID,
	normalizeType,
	normalizePortType,
	normalizeSecondaries,
	normalizeRequiredSettings,
	normalizeInvalidPortSettings,
	normalizeIPConfig,
	normalizeEthernetLinkNeg,
	normalizeInfinibandMTU,
	normalizeBondMode,
	normalizeBondOptions,
	normalizeWirelessMACRandomization,
	normalizeMacsec,
	normalizeTeamConfig,
	normalizeTeamPortConfig,
	normalizeBluetoothType,
	normalizeIPTunnelWired,
	normalizeSriovVFOrder,
	normalizeBridgeVlanOrder,
	normalizeBridgePortVlanOrder,
	normalizeGsmAutoConfig,
	normalize8021xEmptyStrings,
	normalizeOvsPortTrunks,
}

func normalizeUUID(c *Connection) bool {
	s := c.settings["connection"]
	uuid, ok := s.String("uuid")
	if !ok {
		s.MustSet("uuid", NewUUID())
		return true
	}
	valid, needs, norm := CheckUUID(uuid)
	if !valid || !needs {
		return false
	}
	s.MustSet("uuid", norm)
	return true
}

func normalizeType(c *Connection) bool {
	s := c.settings["connection"]
	t, ok := s.String("type")
	if ok {
		if c.settings[t] == nil && Lookup(t) != nil {
			c.Ensure(t)
			return true
		}
		return false
	}
	base := c.findBaseSetting()
	if base == nil {
		return false
	}
	s.MustSet("type", base.info.Name)
	return true
}

func normalizePortType(c *Connection) bool {
	s := c.settings["connection"]
	if c.Controller() == "" {
		return false
	}
	if pt, ok := s.String("slave-type"); ok {
		if ps, ok := portSettingFor(pt); ok && ps != "" && c.settings[ps] == nil {
			c.Ensure(ps)
			return true
		}
		return false
	}
	if pt, _ := c.detectPortType(); pt != "" {
		s.MustSet("slave-type", pt)
		return true
	}
	return false
}

func normalizeSecondaries(c *Connection) bool {
	s := c.settings["connection"]
	sec := s.Strv("secondaries")
	if len(sec) == 0 || verifySecondaries(sec) == nil {
		return false
	}
	var out []string
	for _, u := range sec {
		valid, needs, norm := CheckUUID(u)
		if !valid {
			continue
		}
		if needs {
			u = norm
		}
		if !contains(out, u) {
			out = append(out, u)
		}
	}
	s.MustSet("secondaries", out)
	return true
}

func normalizeRequiredSettings(c *Connection) bool {
	changed := false
	if (c.settings["vlan"] != nil || c.settings["bridge"] != nil) && c.settings["802-3-ethernet"] == nil {
		c.Ensure("802-3-ethernet")
		changed = true
	}
	if bt := c.settings["bluetooth"]; bt != nil && bt.Str("type") == "nap" && c.settings["bridge"] == nil {
		br := c.Ensure("bridge")
		br.MustSet("stp", false)
		changed = true
	}
	return changed
}

func normalizeInvalidPortSettings(c *Connection) bool {
	pt := c.PortType()
	changed := false
	for _, x := range []struct{ setting, portType string }{
		{"bridge-port", "bridge"}, {"bond-port", "bond"}, {"team-port", "team"},
	} {
		if pt != x.portType && c.Remove(x.setting) {
			changed = true
		}
	}
	return changed
}

func normalizeEthernetLinkNeg(c *Connection) bool {
	s := c.settings["802-3-ethernet"]
	if s == nil {
		return false
	}
	speed := s.Uint32("speed")
	_, hasDuplex := s.String("duplex")
	if (speed != 0) != hasDuplex {
		s.Unset("speed")
		s.Unset("duplex")
		return true
	}
	return false
}

func normalizeInfinibandMTU(c *Connection) bool {
	s := c.settings["infiniband"]
	if s == nil {
		return false
	}
	const maxMTU = 65520
	mode := s.Str("transport-mode")
	if s.Uint32("mtu") <= maxMTU || (mode != "datagram" && mode != "connected") {
		return false
	}
	s.MustSet("mtu", uint32(maxMTU))
	return true
}

func normalizeMacsec(c *Connection) bool {
	s := c.settings["macsec"]
	if s == nil || s.Int32("mode") == 0 { // 0 is PSK
		return false
	}
	changed := false
	for _, p := range []string{"mka-cak", "mka-ckn"} {
		if s.IsSet(p) {
			s.Unset(p)
			changed = true
		}
	}
	return changed
}

func normalizeTeamConfig(c *Connection) bool { return clearEmptyString(c.settings["team"], "config") }
func normalizeTeamPortConfig(c *Connection) bool {
	return clearEmptyString(c.settings["team-port"], "config")
}

func clearEmptyString(s *Setting, prop string) bool {
	if s == nil {
		return false
	}
	if v, ok := s.String(prop); ok && v == "" {
		s.Unset(prop)
		return true
	}
	return false
}

func normalizeBluetoothType(c *Connection) bool {
	bt := c.settings["bluetooth"]
	if bt == nil {
		return false
	}
	if _, ok := bt.String("type"); !ok {
		return false
	}
	var t string
	switch {
	case c.settings["gsm"] != nil || c.settings["cdma"] != nil:
		t = "dun"
	case c.settings["bridge"] != nil:
		t = "nap"
	default:
		t = "panu"
	}
	// NetworkManager sets it even when it is already that value and
	// counts that as a change.
	bt.MustSet("type", t)
	return true
}

func normalizeIPTunnelWired(c *Connection) bool {
	t := c.settings["ip-tunnel"]
	if t == nil || c.settings["802-3-ethernet"] == nil {
		return false
	}
	// gretap (10) and ip6gretap (11) are layer 2 tunnels.
	if m := t.Uint32("mode"); m == 10 || m == 11 {
		return false
	}
	c.Remove("802-3-ethernet")
	return true
}

func normalizeGsmAutoConfig(c *Connection) bool {
	s := c.settings["gsm"]
	if s == nil || !s.Bool("auto-config") {
		return false
	}
	if !s.IsSet("apn") && !s.IsSet("username") && !s.IsSet("password") {
		return false
	}
	s.MustSet("auto-config", false)
	return true
}

func normalize8021xEmptyStrings(c *Connection) bool {
	s := c.settings["802-1x"]
	if s == nil {
		return false
	}
	changed := false
	for _, p := range []string{"identity", "anonymous-identity", "pac-file", "subject-match",
		"phase2-subject-match", "domain-suffix-match", "phase2-domain-suffix-match",
		"domain-match", "phase2-domain-match"} {
		if clearEmptyString(s, p) {
			changed = true
		}
	}
	return changed
}

func contains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
