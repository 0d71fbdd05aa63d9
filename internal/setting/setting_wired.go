package setting

import (
	"maps"
	"slices"
	"strings"

	"github.com/godbus/dbus/v5"
)

// The "802-3-ethernet" setting (keyfile group and nmcli alias
// "ethernet"): link and MAC address of a wired interface.
var settingWired = &Info{
	Name:       "802-3-ethernet",
	NmcliTitle: "Wired Ethernet",
	NmcliParts: []NmcliPart{{"connection", true}, {"802-3-ethernet", true}, {"802-1x", false}, {"dcb", false}, {"sriov", false}, {"ethtool", false}},
	Alias:      "ethernet",
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "accept-all-mac-addresses", Kind: KindInt32, DBus: "i", Default: int32(-1), Values: ternaryValues, Direct: true, Nmcli: &Nmcli{Order: 15, Type: ternaryType{}}},
		{Name: "auto-negotiate", Kind: KindBool, DBus: "b", Direct: true, AlwaysEmit: true, Nmcli: &Nmcli{Order: 4}},
		{Name: "cloned-mac-address", Kind: KindMAC, DBus: "ay", Nmcli: &Nmcli{Order: 6, Alias: "cloned-mac", Type: macType{mode: macCloned}}, Normalize: canonicalMAC(ethAlen)},
		{Name: "duplex", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 3, Type: stringType{allowed: []string{"half", "full"}}}},
		{Name: "generate-mac-address-mask", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 7}},
		{Name: "mac-address", Kind: KindMAC, DBus: "ay", Nmcli: &Nmcli{Order: 5, Alias: "mac"}, Normalize: canonicalMAC(ethAlen)},
		{Name: "mac-address-blacklist", Kind: KindStrv, DBus: "as", Default: []string{}, AlwaysEmit: true, Nmcli: &Nmcli{Order: 8, Type: macListType}, Normalize: canonicalMACList},
		{Name: "mtu", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 9, Alias: "mtu", Type: mtuType{showAuto: true}}},
		{Name: "port", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 1, Type: readOnlyType{}}},
		{Name: "s390-nettype", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 11, Type: stringType{allowed: []string{"qeth", "lcs", "ctc"}}}},
		{Name: "s390-options", Kind: KindStrDict, DBus: "a{ss}", Default: map[string]string{}, AlwaysEmit: true, Nmcli: &Nmcli{Order: 12, Type: s390OptionsType}},
		{Name: "s390-subchannels", Kind: KindStrv, DBus: "as", Nmcli: &Nmcli{Order: 10, Type: s390SubchannelsType{}}},
		{Name: "speed", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 2}},
		{Name: "wake-on-lan", Kind: KindUint32, DBus: "u", Default: uint32(WakeOnLANDefault), Direct: true, Nmcli: &Nmcli{Order: 13, Type: enumType{e: flagsWakeOnLAN, nicks: []EnumValue{{0, "none"}, {0, "disable"}, {0, "disabled"}}, format: enumPrettyText | enumParsableText}}},
		{Name: "wake-on-lan-password", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 14, Type: macType{}}},
	},
	Verify: verifyWired,
}

// Wake-on-LAN flags (802-3-ethernet.wake-on-lan).
const (
	WakeOnLANDefault = 0x1
	WakeOnLANMagic   = 0x40
	WakeOnLANIgnore  = 0x8000
)

// s390Options are the option names 802-3-ethernet.s390-options accepts.
var s390Options = []string{
	"bridge_role", "broadcast_mode", "buffer_count", "canonical_macaddr", "checksumming",
	"ctcprot", "fake_broadcast", "inter", "inter_jumbo", "ipato_add4", "ipato_add6",
	"ipato_enable", "ipato_invert4", "ipato_invert6", "isolation", "lancmd_timeout",
	"large_send", "layer2", "portname", "portno", "priority_queueing", "protocol", "route4",
	"route6", "rxip_add4", "rxip_add6", "sniffer", "total", "vipa_add4", "vipa_add6",
}

func canonicalMACList(v any) any {
	l := v.([]string)
	out := make([]string, len(l))
	for i, m := range l {
		out[i] = canonicalMAC(ethAlen)(m).(string)
	}
	return out
}

// isSpecialClonedMAC reports the special values of cloned-mac-address.
func isSpecialClonedMAC(s string) bool {
	switch s {
	case "preserve", "permanent", "random", "stable":
		return true
	}
	return false
}

// checkMACMask validates generate-mac-address-mask: a MAC mask followed by
// optional MAC addresses, separated by white space.
func checkMACMask(v string) string {
	words := strings.Fields(v)
	if len(words) == 0 {
		return ""
	}
	pos := func(w string) int { return strings.Index(v, w) }
	if !hwaddrValid(words[0], ethAlen) {
		return "not a valid ethernet MAC address for mask at position " + itoa(pos(words[0]))
	}
	for i, w := range words[1:] {
		if !hwaddrValid(w, ethAlen) {
			return "not a valid ethernet MAC address #" + itoa(i+1) + " at position " + itoa(pos(w))
		}
	}
	return ""
}

func verifyWired(s *Setting, c *Connection) (Result, *Error) {
	const n = "802-3-ethernet"
	if p, ok := s.String("port"); ok && !slices.Contains([]string{"tp", "aui", "bnc", "mii"}, p) {
		return Invalid, invalidProp(n, "port", "'%s' is not a valid Ethernet port value", p)
	}
	if d, ok := s.String("duplex"); ok && d != "half" && d != "full" {
		return Invalid, invalidProp(n, "duplex", "'%s' is not a valid duplex value", d)
	}
	if m, ok := s.String("mac-address"); ok && !hwaddrValid(m, ethAlen) {
		return Invalid, invalidProp(n, "mac-address", "'%s' is not a valid MAC address", m)
	}
	for _, m := range s.Strv("mac-address-blacklist") {
		if !hwaddrValid(m, ethAlen) {
			return Invalid, invalidProp(n, "mac-address-blacklist", "'%s' is not a valid MAC address", m)
		}
	}
	if sc := s.Strv("s390-subchannels"); s.IsSet("s390-subchannels") && len(sc) != 2 && len(sc) != 3 {
		return Invalid, invalidProp(n, "s390-subchannels", "property is invalid")
	}
	if nt, ok := s.String("s390-nettype"); ok && nt != "qeth" && nt != "lcs" && nt != "ctc" {
		return Invalid, invalidProp(n, "s390-nettype", "property is invalid")
	}
	opts := s.StrDict("s390-options")
	for _, k := range slices.Sorted(maps.Keys(opts)) {
		if !slices.Contains(s390Options, k) {
			return Invalid, invalidProp(n, "s390-options", "invalid key '%s'", k)
		}
		v := opts[k]
		valid := v != "" && len(v) <= 200
		if k == "bridge_role" {
			valid = v == "primary" || v == "secondary" || v == "none"
		}
		if !valid {
			return Invalid, invalidProp(n, "s390-options", "invalid value for key '%s'", k)
		}
	}
	if cm, ok := s.String("cloned-mac-address"); ok && !isSpecialClonedMAC(cm) && !hwaddrValid(cm, ethAlen) {
		return Invalid, invalidProp(n, "cloned-mac-address", "'%s' is not a valid MAC address", cm)
	}
	if msg := checkMACMask(s.Str("generate-mac-address-mask")); msg != "" {
		return Invalid, invalidProp(n, "generate-mac-address-mask", "%s", msg)
	}
	wol := s.Uint32("wake-on-lan")
	if wol&(WakeOnLANDefault|WakeOnLANIgnore) != 0 && wol&(wol-1) != 0 {
		return Invalid, invalidProp(n, "wake-on-lan", "Wake-on-LAN mode 'default' and 'ignore' are exclusive flags")
	}
	if pw, ok := s.String("wake-on-lan-password"); ok {
		if wol&WakeOnLANMagic == 0 {
			return Invalid, invalidProp(n, "wake-on-lan-password", "Wake-on-LAN password can only be used with magic packet mode")
		}
		if !hwaddrValid(pw, ethAlen) {
			return Invalid, invalidProp(n, "wake-on-lan-password", "'%s' is not a valid MAC address", pw)
		}
	}
	_, hasDuplex := s.String("duplex")
	if (s.Uint32("speed") != 0) != hasDuplex {
		msg := "both speed and duplex are required for static link configuration"
		if s.Bool("auto-negotiate") {
			msg = "both speed and duplex should have a valid value or both should be unset"
		}
		return Normalizable, &Error{Code: ErrInvalidProperty, Setting: n, Message: msg}
	}
	return Success, nil
}

// clonedMACDBusKeys registers the two D-Bus forms of cloned-mac-address:
// the legacy bytes "cloned-mac-address" and the string
// "assigned-mac-address" (which can also carry "random", "stable", ...).
func clonedMACDBusKeys(setting string) {
	dbusOverrides[setting+".cloned-mac-address"] = &dbusKey{
		to: func(s *Setting, _ *Connection) (dbus.Variant, bool) {
			b, ok := hwaddrAton(s.Str("cloned-mac-address"))
			if !ok {
				return dbus.Variant{}, false
			}
			return dbus.MakeVariant(b), true
		},
		from: func(s *Setting, v dbus.Variant, _ map[string]dbus.Variant) *Error {
			b := v.Value().([]byte)
			if len(b) == 0 {
				return nil
			}
			s.set(s.info.props["cloned-mac-address"], hwaddrNtoa(b))
			return nil
		},
	}
	extraDBusKeys[setting] = append(extraDBusKeys[setting], &dbusKey{
		name: "assigned-mac-address", sig: "s",
		to: func(s *Setting, _ *Connection) (dbus.Variant, bool) {
			v := s.Str("cloned-mac-address")
			if v == "" {
				return dbus.Variant{}, false
			}
			return dbus.MakeVariant(v), true
		},
		from: func(s *Setting, v dbus.Variant, sd map[string]dbus.Variant) *Error {
			if _, ok := sd["cloned-mac-address"]; ok {
				return nil
			}
			if str := v.Value().(string); str != "" {
				s.set(s.info.props["cloned-mac-address"], str)
			} else {
				s.Unset("cloned-mac-address")
			}
			return nil
		},
	})
}

func wiredDBusKeys() { clonedMACDBusKeys("802-3-ethernet") }
