package setting

// Verification of the DCB, MACsec and InfiniBand settings, with
// NetworkManager's errors.

func init() {
	settingDcb.Verify = verifyDcb
	settingMacsec.Verify = verifyMacsec
	settingInfiniband.Verify = verifyInfiniband
}

func dcbFlagsErr(f uint32, prop string) *Error {
	if f&^7 != 0 {
		return invalidProp("dcb", prop, "flags invalid")
	}
	if f&1 == 0 && f&^1 != 0 {
		return invalidProp("dcb", prop, "flags invalid - disabled")
	}
	return nil
}

func dcbArrayErr(l []uint32, flags, max, extra uint32, pct bool, prop string) *Error {
	sum := uint32(0)
	for _, v := range l {
		if flags&1 == 0 && v != 0 {
			return invalidProp("dcb", prop, "property invalid (not enabled)")
		}
		if v > max && v != extra {
			return invalidProp("dcb", prop, "element invalid")
		}
		sum += v
	}
	if pct && flags&1 != 0 && sum != 100 {
		return invalidProp("dcb", prop, "sum not 100%%")
	}
	return nil
}

func dcbPriorityErr(v int32, flags uint32, prop string) *Error {
	if flags&1 == 0 && v >= 0 {
		return invalidProp("dcb", prop, "property invalid (not enabled)")
	}
	if v < -1 || v > 7 {
		return invalidProp("dcb", prop, "property invalid")
	}
	return nil
}

func verifyDcb(s *Setting, _ *Connection) (Result, *Error) {
	arr := func(p string) []uint32 { l, _ := s.Get(p).([]uint32); return l }
	for _, app := range []string{"fcoe", "iscsi", "fip"} {
		f := s.Uint32("app-" + app + "-flags")
		if err := dcbFlagsErr(f, "app-"+app+"-flags"); err != nil {
			return Invalid, err
		}
		if err := dcbPriorityErr(s.Int32("app-"+app+"-priority"), f, "app-"+app+"-priority"); err != nil {
			return Invalid, err
		}
		if app == "fcoe" {
			if m, ok := s.String("app-fcoe-mode"); ok && m != "fabric" && m != "vn2vn" {
				return Invalid, invalidProp("dcb", "app-fcoe-mode", "property invalid")
			}
		}
	}
	pfc := s.Uint32("priority-flow-control-flags")
	if err := dcbFlagsErr(pfc, "priority-flow-control-flags"); err != nil {
		return Invalid, err
	}
	if err := dcbArrayErr(arr("priority-flow-control"), pfc, 1, 0, false, "priority-flow-control"); err != nil {
		return Invalid, err
	}
	pg := s.Uint32("priority-group-flags")
	if err := dcbFlagsErr(pg, "priority-group-flags"); err != nil {
		return Invalid, err
	}
	for _, c := range []struct {
		prop       string
		max, extra uint32
		pct        bool
	}{
		{"priority-group-id", 7, 15, false},
		{"priority-group-bandwidth", 100, 0, true},
		{"priority-bandwidth", 100, 0, false},
		{"priority-strict-bandwidth", 1, 0, false},
		{"priority-traffic-class", 7, 0, false},
	} {
		if err := dcbArrayErr(arr(c.prop), pg, c.max, c.extra, c.pct, c.prop); err != nil {
			return Invalid, err
		}
	}
	return Success, nil
}

func verifyMacsec(s *Setting, c *Connection) (Result, *Error) {
	const n = "macsec"
	if parent, ok := s.String("parent"); ok {
		if isLegacyUUID(parent) {
			if c != nil && c.PortType() == n {
				if m := c.Controller(); m != "" && m != parent {
					return Invalid, invalidProp(n, "parent", "'%s' value doesn't match '%s=%s'", parent, "master", m)
				}
			}
		} else if IfnameValid(parent) != nil {
			return Invalid, invalidProp(n, "parent", "'%s' is neither an UUID nor an interface name", parent)
		}
	} else if c != nil {
		if w := c.settings["802-3-ethernet"]; w == nil || !w.IsSet("mac-address") {
			return Invalid, missingProp(n, "parent", "property is not specified and neither is '%s:%s'", "802-3-ethernet", "mac-address")
		}
	}
	switch s.Int32("mode") {
	case 0:
	case 1:
		if c != nil && !c.Has("802-1x") {
			return Invalid, newError(ErrMissingSetting, n, "", "EAP key management requires '%s' setting presence", "802-1x")
		}
	default:
		return Invalid, invalidProp(n, "mode", "must be either psk (0) or eap (1)")
	}
	if s.Int32("mode") != 0 && (s.IsSet("mka-cak") || s.IsSet("mka-ckn")) {
		prop := "mka-ckn"
		if s.IsSet("mka-cak") {
			prop = "mka-cak"
		}
		return Normalizable, invalidProp(n, prop, "only valid for psk mode")
	}
	return Success, nil
}

func verifyInfiniband(s *Setting, c *Connection) (Result, *Error) {
	const n = "infiniband"
	if m, ok := s.String("mac-address"); ok && !hwaddrValid(m, 20) {
		return Invalid, invalidProp(n, "mac-address", "property is invalid")
	}
	if t := s.Str("transport-mode"); t != "datagram" && t != "connected" {
		return Invalid, invalidProp(n, "transport-mode", "property is invalid")
	}
	pkey := s.Int32("p-key")
	parent, hasParent := s.String("parent")
	if hasParent {
		if err := ifnameValidKernel(parent); err != nil {
			return Invalid, newError(ErrInvalidProperty, "parent", "", "'%s': %s", parent, err.Error())
		}
	}
	if pkey != -1 {
		if !s.IsSet("mac-address") && !hasParent {
			return Invalid, newError(ErrMissingProperty, "parent", "", "InfiniBand P_Key connection did not specify parent interface name")
		}
		if pkey == 0 || pkey == 0x8000 {
			return Invalid, newError(ErrInvalidProperty, "p-key", "", "the values 0 and 0x8000 are not allowed")
		}
		if c != nil {
			if ifname, ok := c.Setting("connection").String("interface-name"); ok {
				virtual := ""
				if hasParent {
					virtual = parent + "." + fmtHex4(uint32(pkey))
				}
				if ifname != virtual {
					if virtual != "" {
						return Invalid, invalidProp("connection", "interface-name",
							"interface name of software infiniband device must be '%s' or unset (instead it is '%s')", virtual, ifname)
					}
					return Invalid, invalidProp("connection", "interface-name",
						"interface name of software infiniband device with MAC address must be unset (instead it is '%s')", ifname)
				}
			}
		}
	}
	if mtu := s.Uint32("mtu"); mtu > 65520 {
		return NormalizableError, invalidProp(n, "mtu", "mtu can be at most %d but it is %d", 65520, mtu)
	}
	return Success, nil
}

func fmtHex4(v uint32) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[v>>12&0xf], digits[v>>8&0xf], digits[v>>4&0xf], digits[v&0xf]})
}
