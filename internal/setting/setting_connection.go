package setting

import (
	"strings"
	"unicode/utf8"

	"github.com/godbus/dbus/v5"
)

// The "connection" setting: identity, type, controller and general
// behaviour of a profile.
var settingConnection = &Info{
	Name:       "connection",
	NmcliTitle: "General settings",
	Priority:   prioConnection,
	Props: []*Property{
		{Name: "auth-retries", Kind: KindInt32, DBus: "i", Default: int32(-1), Range: rng(-1, 2147483647), Direct: true, Nmcli: &Nmcli{Order: 10}},
		{Name: "autoconnect", Kind: KindBool, DBus: "b", Default: true, Direct: true, Nmcli: &Nmcli{Order: 6, Alias: "autoconnect", Inf: InfDontAsk}},
		{Name: "autoconnect-priority", Kind: KindInt32, DBus: "i", Range: rng(-999, 999), Direct: true, Nmcli: &Nmcli{Order: 7}},
		{Name: "autoconnect-retries", Kind: KindInt32, DBus: "i", Default: int32(-1), Range: rng(-1, 2147483647), Direct: true, Nmcli: &Nmcli{Order: 8, Type: intType{nicks: []IntNick{{-1, "default"}, {0, "forever"}}}}},
		{Name: "autoconnect-slaves", Kind: KindInt32, DBus: "i", Default: int32(-1), Values: ternaryValues, Direct: true, Nmcli: &Nmcli{Order: 17, Type: enumType{e: enumAutoconnectSlaves}}},
		{Name: "dns-over-tls", Kind: KindInt32, DBus: "i", Default: int32(-1), Direct: true, Nmcli: &Nmcli{Order: 24, Type: enumType{e: enumDNSOverTLS}}},
		{Name: "gateway-ping-timeout", Kind: KindUint32, DBus: "u", Range: rng(0, 600), Direct: true, Nmcli: &Nmcli{Order: 19}},
		{Name: "id", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "con-name", Inf: InfDontAsk}},
		{Name: "interface-name", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 5, Alias: "ifname"}},
		{Name: "lldp", Kind: KindInt32, DBus: "i", Default: int32(-1), Direct: true, Nmcli: &Nmcli{Order: 21, Type: enumType{e: enumLldp, nicks: []EnumValue{{1, "enable"}}, format: enumPrettyText | enumParsableText}}},
		{Name: "llmnr", Kind: KindInt32, DBus: "i", Default: int32(-1), Direct: true, Nmcli: &Nmcli{Order: 23, Type: enumType{e: enumLlmnr}}},
		{Name: "master", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 15, Alias: "master", Inf: InfDontAsk}},
		{Name: "mdns", Kind: KindInt32, DBus: "i", Default: int32(-1), Direct: true, Nmcli: &Nmcli{Order: 22, Type: enumType{e: enumMdns}}},
		{Name: "metered", Kind: KindInt32, DBus: "i", Values: []int64{0, 1, 2, 3, 4}, Direct: true, Nmcli: &Nmcli{Order: 20, Type: meteredType{}}},
		{Name: "mptcp-flags", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 25, Type: enumType{e: flagsMptcp, nicks: []EnumValue{{0, "default"}}, getFromSetter: true}}},
		{Name: "mud-url", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 26, HideIfDefault: true}},
		{Name: "multi-connect", Kind: KindInt32, DBus: "i", Direct: true, Nmcli: &Nmcli{Order: 9, Type: enumType{e: enumMultiConnect}}},
		{Name: "permissions", Kind: KindStrv, DBus: "as", Default: []string{}, AlwaysEmit: true, Nmcli: &Nmcli{Order: 13, Type: permissionsType},
			Normalize: func(v any) any { return normalizePermissions(v.([]string)) }},
		{Name: "read-only", Kind: KindBool, DBus: "b", Direct: true, Deprecated: true, Nmcli: &Nmcli{Order: 12, Type: readOnlyType{}}, KF: KeyfileHint{Skip: true}},
		{Name: "secondaries", Kind: KindStrv, DBus: "as", Direct: true, Nmcli: &Nmcli{Order: 18, Type: secondariesType}},
		{Name: "slave-type", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 16, Alias: "slave-type", Inf: InfDontAsk, Type: stringType{allowed: []string{"bond", "bridge", "ovs-bridge", "ovs-port", "team", "vrf"}}}},
		{Name: "stable-id", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 3}},
		{Name: "timestamp", Kind: KindUint64, DBus: "t", Nmcli: &Nmcli{Order: 11, Type: readOnlyType{}}},
		{Name: "type", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 4, Alias: "type", Type: typeType{}, Inf: InfRequired}},
		{Name: "uuid", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 2, Type: uuidType{}}},
		{Name: "wait-activation-delay", Kind: KindInt32, DBus: "i", Default: int32(-1), Range: rng(-1, 2147483647), Direct: true, Nmcli: &Nmcli{Order: 28}},
		{Name: "wait-device-timeout", Kind: KindInt32, DBus: "i", Default: int32(-1), Range: rng(-1, 2147483647), Direct: true, Nmcli: &Nmcli{Order: 27}},
		{Name: "zone", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 14}},
	},
	Verify: verifyConnection,
}

// connectionDBusKeys registers the D-Bus special cases of the connection
// setting.
func connectionDBusKeys() {
	// A profile without connection.interface-name takes it from the
	// deprecated interface-name of a bond, bridge, team or vlan setting.
	k := genericKey(findProp(settingConnection, "interface-name"))
	k.missing = func(s *Setting, d Dict) {
		for _, name := range []string{"bond", "bridge", "team", "vlan"} {
			if sd, ok := d[name]; ok {
				if v, ok := sd["interface-name"].Value().(string); ok {
					s.set(s.info.props["interface-name"], v)
				}
				return
			}
		}
	}
	dbusOverrides["connection.interface-name"] = k

	// The deprecated interface-name of virtual settings mirrors
	// connection.interface-name on the way out and is ignored on the way
	// in (connection.interface-name reads it when it is missing).
	for _, name := range []string{"bond", "bridge", "team", "vlan"} {
		extraDBusKeys[name] = append(extraDBusKeys[name], &dbusKey{
			name: "interface-name", sig: "s",
			to: func(s *Setting, c *Connection) (dbus.Variant, bool) {
				if c == nil {
					return dbus.Variant{}, false
				}
				ifn, ok := c.Setting("connection").String("interface-name")
				if !ok {
					return dbus.Variant{}, false
				}
				return dbus.MakeVariant(ifn), true
			},
		})
	}
}

// normalizePermissions rewrites "user:NAME" entries to NetworkManager's
// canonical "user:NAME:"; entries that do not parse stay for verify.
func normalizePermissions(perms []string) []string {
	out := make([]string, len(perms))
	for i, p := range perms {
		if user, ok := parsePermission(p); ok {
			out[i] = "user:" + user + ":"
		} else {
			out[i] = p
		}
	}
	return out
}

// parsePermission parses "user:NAME[:]".
func parsePermission(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, "user:")
	if !ok {
		return "", false
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		if i != len(rest)-1 {
			return "", false
		}
		rest = rest[:i]
	}
	if rest == "" || len(rest) >= 100 || !utf8.ValidString(rest) || strings.ContainsRune(rest, ':') {
		return "", false
	}
	return rest, true
}

// PermissionUsers returns the user names of connection.permissions.
func (c *Connection) PermissionUsers() []string {
	var out []string
	if s := c.settings["connection"]; s != nil {
		for _, p := range s.Strv("permissions") {
			if u, ok := parsePermission(p); ok {
				out = append(out, u)
			}
		}
	}
	return out
}

// verifySecondaries checks connection.secondaries: valid, normalized and
// unique UUIDs.
func verifySecondaries(sec []string) *Error {
	if len(sec) == 0 {
		return nil
	}
	normalizable := false
	for _, u := range sec {
		valid, needs, _ := CheckUUID(u)
		if !valid {
			return invalidProp("connection", "secondaries", "has an invalid UUID")
		}
		if needs {
			normalizable = true
		}
	}
	if normalizable {
		return invalidProp("connection", "secondaries", "has a UUID that requires normalization")
	}
	seen := map[string]bool{}
	for _, u := range sec {
		if seen[u] {
			return invalidProp("connection", "secondaries", "has duplicate UUIDs")
		}
		seen[u] = true
	}
	return nil
}

// MPTCP flags (connection.mptcp-flags).
const (
	mptcpDisabled = 0x1
	mptcpEnabled  = 0x2
	mptcpSignal   = 0x10
	mptcpFullmesh = 0x80
	mptcpAll      = 0xff
)

func mptcpNormalize(f uint32) uint32 {
	if f&mptcpDisabled != 0 {
		return mptcpDisabled
	}
	f &= mptcpAll
	f |= mptcpEnabled
	if f&(mptcpSignal|mptcpFullmesh) == mptcpSignal|mptcpFullmesh {
		f &^= mptcpFullmesh
	}
	return f
}

func verifyConnection(s *Setting, c *Connection) (Result, *Error) {
	const n = "connection"
	id, ok := s.String("id")
	if !ok {
		return Invalid, missingProp(n, "id", "property is missing")
	}
	if id == "" {
		return Invalid, invalidProp(n, "id", "property is empty")
	}
	uuidNeedsNorm := false
	uuid, hasUUID := s.String("uuid")
	if hasUUID {
		valid, needs, _ := CheckUUID(uuid)
		if !valid {
			return Invalid, invalidProp(n, "uuid", "'%s' is not a valid UUID", uuid)
		}
		uuidNeedsNorm = needs
	}
	var normBaseType *Setting
	normBaseSetting := false
	typ, hasType := s.String("type")
	if !hasType {
		if c != nil {
			normBaseType = c.findBaseSetting()
		}
		if normBaseType == nil {
			return Invalid, missingProp(n, "type", "property is missing")
		}
		typ = normBaseType.info.Name
	} else {
		if typ == "" {
			return Invalid, invalidProp(n, "type", "property is empty")
		}
		base := Lookup(typ)
		if base == nil || !base.IsBaseType() {
			return Invalid, invalidProp(n, "type", "connection type '%s' is not valid", typ)
		}
		if c != nil && c.settings[typ] == nil {
			// Would an empty setting of that type be valid? Then it is
			// only missing and normalization adds it.
			c2 := c.Clone()
			bs := MustNewSetting(typ)
			c2.Add(bs)
			ok := true
			if base.Verify != nil {
				r, _ := base.Verify(bs, c2)
				ok = r == Success || r == Normalizable
			}
			if !ok {
				return Invalid, newError(ErrMissingSetting, typ, "", "setting required for connection of type '%s'", typ)
			}
			normBaseSetting = true
		}
	}
	if ifname, ok := s.String("interface-name"); ok {
		var err error
		switch typ {
		case "ovs-bridge", "ovs-port":
			err = ifnameValidOVS(ifname)
		case "ovs-interface":
			// Validated with the ovs-interface setting (its interface type
			// decides which rules apply).
		default:
			err = IfnameValid(ifname)
		}
		if err != nil {
			return Invalid, invalidProp(n, "interface-name", "'%s': %s", ifname, err.Error())
		}
	}
	controller, hasController := s.String("master")
	portType, hasPortType := s.String("slave-type")
	var normPortSetting, normMissingPortType, normMissingPortTypePort string
	if hasPortType {
		portSetting, valid := portSettingFor(portType)
		if !valid {
			return Invalid, invalidProp(n, "slave-type", "Unknown slave type '%s'", portType)
		}
		if !hasController {
			return Invalid, missingProp(n, "master", "Slave connections need a valid '%s' property", "master")
		}
		if portSetting != "" && c != nil && c.settings[portSetting] == nil {
			normPortSetting = portSetting
		}
	} else if hasController {
		var pt string
		var ps *Setting
		if c != nil {
			pt, ps = c.detectPortType()
		}
		if pt == "" {
			return Invalid, missingProp(n, "slave-type", "Cannot set '%s' without '%s'", "master", "slave-type")
		}
		normMissingPortType, normMissingPortTypePort = pt, ps.info.Name
		portType = pt
	}
	_ = controller
	if typ == "ovs-port" && portType != "" && portType != "ovs-bridge" {
		return Invalid, missingProp(n, "slave-type", "'%s' connections must be enslaved to '%s', not '%s'", "ovs-port", "ovs-bridge", portType)
	}
	if m := s.Int32("metered"); m != 0 && m != 1 && m != 2 {
		return Invalid, invalidProp(n, "metered", "metered value %d is not valid", m)
	}
	for _, p := range []string{"mdns", "llmnr", "dns-over-tls"} {
		if v := s.Int32(p); v < -1 || v > 2 {
			return Invalid, invalidProp(n, p, "value %d is not valid", v)
		}
	}
	if f := s.Uint32("mptcp-flags"); f != 0 {
		if f&mptcpDisabled != 0 {
			if f != mptcpDisabled {
				return Invalid, invalidProp(n, "mptcp-flags", "\"disabled\" flag cannot be combined with other MPTCP flags")
			}
		} else {
			if f&(mptcpSignal|mptcpFullmesh) == mptcpSignal|mptcpFullmesh {
				return Invalid, invalidProp(n, "mptcp-flags", "cannot set both \"signal\" and \"fullmesh\" MPTCP flags")
			}
			if g := f | mptcpEnabled; g != mptcpNormalize(g) {
				return Invalid, invalidProp(n, "mptcp-flags", "value %d is not a valid combination of MPTCP flags", f)
			}
		}
	}
	if mc := s.Int32("multi-connect"); mc < 0 || mc > 3 {
		return Invalid, invalidProp(n, "multi-connect", "value %d is not valid", mc)
	}
	if mud, ok := s.String("mud-url"); ok {
		if mud == "" {
			return Invalid, invalidProp(n, "mud-url", "property is empty")
		}
		if mud != "none" {
			if len(mud) > 255 {
				return Invalid, invalidProp(n, "mud-url", "DHCP option cannot be longer than 255 characters")
			}
			if !validHTTPSURL(mud) {
				return Invalid, invalidProp(n, "mud-url", "MUD URL is not a valid URL")
			}
		}
	}
	for _, p := range s.Strv("permissions") {
		if _, ok := parsePermission(p); !ok {
			return Invalid, invalidProp(n, "permissions", "invalid permissions not in format \"user:$UNAME[:]\"")
		}
	}

	// Errors from here on can be repaired by normalization.
	if !hasUUID {
		return NormalizableError, missingProp(n, "uuid", "property is missing")
	}
	if normBaseType != nil {
		return NormalizableError, missingProp(n, "type", "property type should be set to '%s'", normBaseType.info.Name)
	}
	if normBaseSetting {
		return NormalizableError, newError(ErrMissingSetting, typ, "", "setting required for connection of type '%s'", typ)
	}
	if normPortSetting != "" {
		return NormalizableError, newError(ErrMissingSetting, normPortSetting, "", "slave-type '%s' requires a '%s' setting in the connection", portType, normPortSetting)
	}
	if normMissingPortType != "" {
		return NormalizableError, missingProp(n, "slave-type",
			"Detect a slave connection with '%s' set and a port type '%s'. '%s' should be set to '%s'",
			"master", normMissingPortTypePort, "slave-type", normMissingPortType)
	}
	if c != nil {
		pt, _ := s.String("slave-type")
		hasBridgePort := pt != "bridge" && c.settings["bridge-port"] != nil
		if hasBridgePort || (pt != "team" && c.settings["team-port"] != nil) {
			other := "team-port"
			if hasBridgePort {
				other = "bridge-port"
			}
			return NormalizableError, newError(ErrInvalidSetting, n, "slave-type",
				"A slave connection with '%s' set to '%s' cannot have a '%s' setting", "slave-type", pt, other)
		}
	}
	if uuidNeedsNorm {
		return Normalizable, missingProp(n, "uuid", "UUID needs normalization")
	}
	if err := verifySecondaries(s.Strv("secondaries")); err != nil {
		return Normalizable, err
	}
	return Success, nil
}

// validHTTPSURL is systemd's http_url_is_valid restricted to https.
func validHTTPSURL(u string) bool {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok || rest == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if rest[i] >= 128 {
			return false
		}
	}
	return true
}
