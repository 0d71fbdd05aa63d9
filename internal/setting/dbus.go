package setting

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/godbus/dbus/v5"
)

// Dict is the D-Bus form of a profile, a{sa{sv}}: setting name ->
// property name -> value.
type Dict = map[string]map[string]dbus.Variant

// Secrets chooses which properties ToDBus includes.
type Secrets int

const (
	// NoSecrets is GetSettings: everything but secrets.
	NoSecrets Secrets = iota
	// WithSecrets includes secrets too (keyfile writer, GetSecrets of a
	// whole profile).
	WithSecrets
	// OnlySecrets is GetSecrets: secrets only (and no empty settings).
	OnlySecrets
)

// dbusKey is one key of a setting's D-Bus dictionary. Most are plain
// properties; a few are D-Bus-only views of a property (ipv4
// "address-data" and the legacy "addresses" of the one "addresses"
// property) or deprecated keys NetworkManager still sends or accepts.
type dbusKey struct {
	name string
	sig  string
	prop *Property // the property behind the key, if it is a plain one
	// secret keys follow the secret filter of ToDBus.
	secret bool
	// to returns the value to send, ok=false to leave the key out.
	to func(s *Setting, c *Connection) (v dbus.Variant, ok bool)
	// toMode, when set, replaces to for keys that mix secrets and
	// non-secrets (wireguard.peers) and filter by themselves.
	toMode func(s *Setting, c *Connection, mode Secrets) (v dbus.Variant, ok bool)
	// from applies a received value. sdict is the setting's whole
	// dictionary, for keys that yield to a legacy key sent alongside.
	from func(s *Setting, v dbus.Variant, sdict map[string]dbus.Variant) *Error
	// fromFull: from does its own type checking (NetworkManager's
	// from_dbus_is_full); otherwise the signature must match exactly.
	fromFull bool
	// missing runs when the key is absent from a received setting.
	missing func(s *Setting, d Dict)
}

// extraDBusKeys are the D-Bus-only keys of each setting, registered by the
// setting files.
var extraDBusKeys = map[string][]*dbusKey{}

// dbusOverrides replace the generic conversion of a property, by
// "setting.property".
var dbusOverrides = map[string]*dbusKey{}

func (info *Info) buildDBusKeys() {
	var keys []*dbusKey
	for _, p := range info.Props {
		if p.DBus == "" {
			continue
		}
		k := dbusOverrides[info.Name+"."+p.Name]
		if k == nil {
			k = genericKey(p)
		} else {
			k.prop = p
			if k.sig == "" {
				k.sig = p.DBus
			}
		}
		k.name = p.Name
		k.secret = p.Secret
		keys = append(keys, k)
	}
	keys = append(keys, extraDBusKeys[info.Name]...)
	sort.Slice(keys, func(i, j int) bool { return keys[i].name < keys[j].name })
	info.dbus = keys
}

func genericKey(p *Property) *dbusKey {
	k := &dbusKey{name: p.Name, sig: p.DBus, prop: p, fromFull: p.Direct}
	k.to = func(s *Setting, _ *Connection) (dbus.Variant, bool) {
		v := s.Get(p.Name)
		if v == nil {
			return dbus.Variant{}, false
		}
		if !p.AlwaysEmit && !p.Option && equalValues(v, p.Default) {
			return dbus.Variant{}, false
		}
		return valueToVariant(p, v)
	}
	k.from = func(s *Setting, v dbus.Variant, _ map[string]dbus.Variant) *Error {
		val, err := variantToValue(p, v)
		if err != nil {
			return err
		}
		s.set(p, val)
		return nil
	}
	return k
}

// valueToVariant encodes a plain property value with its D-Bus type.
func valueToVariant(p *Property, v any) (dbus.Variant, bool) {
	switch p.Kind {
	case KindMAC:
		b, ok := hwaddrAton(v.(string))
		if !ok || len(b) == 0 {
			return dbus.Variant{}, false
		}
		return dbus.MakeVariant(b), true
	case KindBytes:
		if v.([]byte) == nil {
			return dbus.Variant{}, false
		}
	case KindStrv:
		if v.([]string) == nil {
			return dbus.Variant{}, false
		}
	case KindStrDict:
		if v.(map[string]string) == nil {
			return dbus.Variant{}, false
		}
	case KindUint32s:
		if v.([]uint32) == nil {
			return dbus.Variant{}, false
		}
	}
	sig, err := dbus.ParseSignature(p.DBus)
	if err != nil {
		return dbus.Variant{}, false
	}
	return dbus.MakeVariantWithSignature(v, sig), true
}

// variantToValue decodes a received value for a plain property, with
// NetworkManager's type rules and error messages.
func variantToValue(p *Property, v dbus.Variant) (any, *Error) {
	setting, name := p.info.Name, p.Name
	got := v.Signature().String()
	if p.Direct {
		val, ok := transformVariant(p.Kind, v)
		if !ok {
			return nil, invalidProp(setting, name, "can't set property of type '%s' from value of type '%s'", p.DBus, got).
				withPrefix2(setting, name, "failed to set property: ")
		}
		if !p.inRange(val) {
			return nil, invalidProp(setting, name, "value of type '%s' is invalid or out of range for property '%s'", got, name).
				withPrefix2(setting, name, "failed to set property: ")
		}
		return val, nil
	}
	if got != p.DBus {
		return nil, invalidProp(setting, name, "can't set property of type '%s' from value of type '%s'", p.DBus, got)
	}
	var val any
	switch p.Kind {
	case KindMAC:
		b := v.Value().([]byte)
		if len(b) == 0 {
			return nil, nil
		}
		return hwaddrNtoa(b), nil
	case KindInt32, KindUint32, KindInt64, KindUint64, KindUint8, KindBool, KindString, KindBytes, KindStrv, KindStrDict, KindUint32s:
		val = v.Value()
	default:
		return nil, invalidProp(setting, name, "can't set property of type '%s' from value of type '%s'", p.DBus, got)
	}
	if !p.inRange(val) {
		return nil, invalidProp(setting, name, "can not set property: value of type '%s' is invalid or out of range for property '%s'", got, name)
	}
	return val, nil
}

// withPrefix2 turns "S.P: msg" into "S.P: <text>S.P: msg", the shape of
// NetworkManager's errors from its direct property types.
func (e *Error) withPrefix2(setting, property, text string) *Error {
	c := *e
	c.Message = prefix(setting, property) + text + e.Message
	return &c
}

// inRange checks a decoded numeric value against the property's range,
// enum members or flag mask.
func (p *Property) inRange(v any) bool {
	var n int64
	var isUnsigned bool
	var u uint64
	switch x := v.(type) {
	case int32:
		n = int64(x)
	case int64:
		n = x
	case uint32:
		u, isUnsigned = uint64(x), true
	case uint64:
		u, isUnsigned = x, true
	case uint8:
		u, isUnsigned = uint64(x), true
	default:
		return true
	}
	if p.Values != nil {
		if isUnsigned {
			if u > math.MaxInt64 {
				return false
			}
			n = int64(u)
		}
		return slices.Contains(p.Values, n)
	}
	if p.Mask != 0 && isUnsigned {
		return u&^p.Mask == 0
	}
	if p.Range != nil {
		if isUnsigned {
			return u <= uint64(math.MaxInt64) && int64(u) >= p.Range.Min && int64(u) <= p.Range.Max
		}
		return n >= p.Range.Min && n <= p.Range.Max
	}
	return true
}

// transformVariant converts a received value to the property's kind the
// way GLib's GValue transformations do for NetworkManager's direct
// properties: any number to any number (C casts), numbers and booleans to
// strings, numbers to booleans. Lists and bytes must match exactly.
func transformVariant(k Kind, v dbus.Variant) (any, bool) {
	val := v.Value()
	switch k {
	case KindBytes:
		b, ok := val.([]byte)
		return b, ok && v.Signature().String() == "ay"
	case KindStrv:
		s, ok := val.([]string)
		return s, ok
	case KindUint32s:
		s, ok := val.([]uint32)
		return s, ok
	case KindStrDict:
		s, ok := val.(map[string]string)
		return s, ok
	case KindMAC:
		b, ok := val.([]byte)
		if !ok {
			return nil, false
		}
		if len(b) == 0 {
			return nil, true
		}
		return hwaddrNtoa(b), true
	case KindString:
		switch x := val.(type) {
		case string:
			return x, true
		case bool:
			if x {
				return "TRUE", true
			}
			return "FALSE", true
		case float64:
			return strconv.FormatFloat(x, 'f', 6, 64), true
		}
		if i, u, signed, ok := numeric(val); ok {
			if signed {
				return strconv.FormatInt(i, 10), true
			}
			return strconv.FormatUint(u, 10), true
		}
		return nil, false
	case KindBool:
		if b, ok := val.(bool); ok {
			return b, true
		}
		if _, isFloat := val.(float64); isFloat {
			return nil, false
		}
		if i, u, signed, ok := numeric(val); ok {
			if signed {
				return i != 0, true
			}
			return u != 0, true
		}
		return nil, false
	case KindInt32, KindUint32, KindInt64, KindUint64, KindUint8:
		var bits uint64
		switch x := val.(type) {
		case bool:
			if x {
				bits = 1
			}
		case float64:
			bits = uint64(int64(x))
		default:
			i, u, signed, ok := numeric(val)
			if !ok {
				return nil, false
			}
			if signed {
				bits = uint64(i)
			} else {
				bits = u
			}
		}
		switch k {
		case KindInt32:
			return int32(bits), true
		case KindUint32:
			return uint32(bits), true
		case KindInt64:
			return int64(bits), true
		case KindUint64:
			return bits, true
		case KindUint8:
			return uint8(bits), true
		}
	}
	return nil, false
}

// numeric unpacks any D-Bus integer.
func numeric(v any) (i int64, u uint64, signed, ok bool) {
	switch x := v.(type) {
	case uint8:
		return 0, uint64(x), false, true
	case int16:
		return int64(x), 0, true, true
	case uint16:
		return 0, uint64(x), false, true
	case int32:
		return int64(x), 0, true, true
	case uint32:
		return 0, uint64(x), false, true
	case int64:
		return x, 0, true, true
	case uint64:
		return 0, x, false, true
	}
	return 0, 0, false, false
}

// ToDBus encodes a profile as NetworkManager sends it (GetSettings with
// NoSecrets, GetSecrets with OnlySecrets).
func (c *Connection) ToDBus(secrets Secrets) Dict {
	out := make(Dict)
	for _, s := range c.Settings() {
		d := make(map[string]dbus.Variant)
		for _, k := range s.info.dbus {
			if k.toMode != nil {
				if v, ok := k.toMode(s, c, secrets); ok {
					d[k.name] = v
				}
				continue
			}
			if k.to == nil {
				continue
			}
			switch secrets {
			case NoSecrets:
				if k.secret {
					continue
				}
			case OnlySecrets:
				if !k.secret {
					continue
				}
			}
			if v, ok := k.to(s, c); ok {
				d[k.name] = v
			}
		}
		if secrets == OnlySecrets && len(d) == 0 {
			continue
		}
		out[s.info.Name] = d
	}
	return out
}

// ToDBusClient encodes a profile as clients (libnm) send it to the
// daemon: without the legacy forms of properties that have current ones.
func (c *Connection) ToDBusClient(secrets Secrets) Dict {
	d := c.ToDBus(secrets)
	for _, k := range legacyKeys {
		if sd, ok := d[k.setting]; ok {
			delete(sd, k.legacy)
		}
	}
	return d
}

// ParseFlags choose how strictly FromDBus parses.
type ParseFlags int

const (
	// ParseStrict rejects unknown settings and properties and wrong
	// types, as NetworkManager does for AddConnection and Update.
	ParseStrict ParseFlags = 1 << iota
	// ParseBestEffort skips what it cannot use instead.
	ParseBestEffort
	// ParseNormalize normalizes and verifies the result.
	ParseNormalize
	// ParseClient reads a profile the way clients (libnm) do: where the
	// daemon sent both the legacy and the current form of a property,
	// the current one counts (the daemon itself prefers the legacy one).
	ParseClient
)

// legacyKeys pairs the legacy D-Bus keys with the ones that replace them.
var legacyKeys = []struct{ setting, legacy, current string }{
	{"ipv4", "addresses", "address-data"}, {"ipv6", "addresses", "address-data"},
	{"ipv4", "routes", "route-data"}, {"ipv6", "routes", "route-data"},
	{"ipv4", "dns", "dns-data"}, {"ipv6", "dns", "dns-data"},
	{"802-3-ethernet", "cloned-mac-address", "assigned-mac-address"},
	{"802-11-wireless", "cloned-mac-address", "assigned-mac-address"},
}

// dropLegacyKeys returns d without the legacy keys whose current form is
// present.
func dropLegacyKeys(d Dict) Dict {
	out := make(Dict, len(d))
	for name, sd := range d {
		out[name] = sd
	}
	for _, k := range legacyKeys {
		sd, ok := out[k.setting]
		if !ok {
			continue
		}
		if _, hasCur := sd[k.current]; !hasCur {
			continue
		}
		if _, hasLegacy := sd[k.legacy]; !hasLegacy {
			continue
		}
		cp := make(map[string]dbus.Variant, len(sd))
		for key, v := range sd {
			if key != k.legacy {
				cp[key] = v
			}
		}
		out[k.setting] = cp
	}
	return out
}

// FromDBus decodes a profile as NetworkManager's daemon does
// (_nm_simple_connection_new_from_dbus). With ParseNormalize it also
// normalizes and verifies it; the daemon always uses ParseStrict |
// ParseNormalize for AddConnection and Update.
func FromDBus(d Dict, flags ParseFlags) (*Connection, *Error) {
	strict := flags&ParseStrict != 0
	bestEffort := flags&ParseBestEffort != 0
	if flags&ParseClient != 0 {
		d = dropLegacyKeys(d)
	}
	if !bestEffort {
		if con, ok := d["connection"]; ok {
			if perm, ok := con["permissions"]; ok && perm.Signature().String() != "as" {
				return nil, invalidProp("connection", "permissions", "wrong type; should be a list of strings.")
			}
		}
	}
	c := NewConnection()
	names := make([]string, 0, len(d))
	for name := range d {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		info := Lookup(name)
		if info == nil {
			if bestEffort {
				continue
			}
			return nil, newError(ErrInvalidSetting, name, "", "unknown setting name")
		}
		s, err := settingFromDBus(info, d[name], d, strict, bestEffort)
		if err != nil {
			if bestEffort {
				continue
			}
			return nil, err
		}
		c.Add(s)
	}
	if flags&ParseNormalize != 0 {
		if _, err := c.Normalize(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func settingFromDBus(info *Info, sd map[string]dbus.Variant, d Dict, strict, bestEffort bool) (*Setting, *Error) {
	s := MustNewSetting(info.Name)
	if info.Gendata {
		// Every key is an option; verify judges them.
		for _, name := range slices.Sorted(maps.Keys(sd)) {
			v := sd[name]
			p := info.props[name]
			if p == nil || v.Signature().String() != p.DBus {
				if s.badOptions == nil {
					s.badOptions = map[string]dbus.Variant{}
				}
				s.badOptions[name] = v
				continue
			}
			s.set(p, v.Value())
		}
		return s, nil
	}
	seen := make(map[string]bool, len(sd))
	for _, k := range info.dbus {
		v, ok := sd[k.name]
		if !ok {
			if k.missing != nil {
				k.missing(s, d)
			}
			continue
		}
		seen[k.name] = true
		if k.from == nil {
			continue
		}
		if !k.fromFull && k.sig != "" && v.Signature().String() != k.sig {
			if bestEffort {
				continue
			}
			return nil, invalidProp(info.Name, k.name, "can't set property of type '%s' from value of type '%s'", k.sig, v.Signature().String())
		}
		if err := k.from(s, v, sd); err != nil {
			if bestEffort {
				continue
			}
			return nil, err
		}
	}
	if strict {
		var unknown []string
		for name := range sd {
			if !seen[name] {
				unknown = append(unknown, name)
			}
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			return nil, newError(ErrInvalidProperty, info.Name, unknown[0], "unknown property")
		}
	}
	return s, nil
}

// hwaddrNtoa formats bytes as "AA:BB:...", upper case.
func hwaddrNtoa(b []byte) string {
	var sb strings.Builder
	for i, x := range b {
		if i > 0 {
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%02X", x)
	}
	return sb.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
