package setting

import (
	"slices"

	"github.com/godbus/dbus/v5"
)

// The "802-11-wireless" setting (keyfile group and nmcli alias "wifi"):
// the network to join and radio options.
var settingWifi = &Info{
	Name:       "802-11-wireless",
	NmcliTitle: "Wi-Fi connection",
	NmcliParts: []NmcliPart{{"connection", true}, {"802-11-wireless", true}, {"802-11-wireless-security", false}, {"802-1x", false}, {"ethtool", false}},
	NmcliInit:  func(s *Setting) { s.MustSet("mode", "infrastructure") },
	Alias:      "wifi",
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "ap-isolation", Kind: KindInt32, DBus: "i", Default: int32(-1), Values: ternaryValues, Direct: true, Nmcli: &Nmcli{Order: 18, Type: ternaryType{}}},
		{Name: "band", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 3, Type: stringType{allowed: []string{"a", "bg"}}}},
		{Name: "bssid", Kind: KindMAC, DBus: "ay", Nmcli: &Nmcli{Order: 5}, Normalize: canonicalMAC(ethAlen)},
		{Name: "channel", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 4, Type: wifiChannelType{}}},
		{Name: "cloned-mac-address", Kind: KindMAC, DBus: "ay", Nmcli: &Nmcli{Order: 9, Alias: "cloned-mac", Type: macType{mode: macCloned}}, Normalize: canonicalMAC(ethAlen)},
		{Name: "generate-mac-address-mask", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 10}},
		{Name: "hidden", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 15}},
		{Name: "mac-address", Kind: KindMAC, DBus: "ay", Nmcli: &Nmcli{Order: 8, Alias: "mac"}, Normalize: canonicalMAC(ethAlen)},
		{Name: "mac-address-blacklist", Kind: KindStrv, DBus: "as", Default: []string{}, AlwaysEmit: true, Nmcli: &Nmcli{Order: 11, Type: macListType}, Normalize: canonicalMACList},
		{Name: "mac-address-randomization", Kind: KindUint32, DBus: "u", Direct: true, Deprecated: true, Nmcli: &Nmcli{Order: 12, Type: enumType{e: enumMacRandomization, format: enumPrettyText | enumParsableText}}},
		{Name: "mode", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "mode", Type: stringType{allowed: []string{"infrastructure", "adhoc", "ap", "mesh"}}}},
		{Name: "mtu", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 13, Alias: "mtu", Type: mtuType{showAuto: true}}},
		{Name: "powersave", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 16, Type: enumType{e: enumWifiPowersave, format: enumParsableText}}},
		{Name: "rate", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 6, Type: readOnlyType{}}},
		{Name: "seen-bssids", Kind: KindStrv, DBus: "as", Nmcli: &Nmcli{Order: 14, Type: readOnlyType{}}, KF: KeyfileHint{Skip: true}},
		{Name: "ssid", Kind: KindBytes, DBus: "ay", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "ssid", Inf: InfRequired, Type: ssidType{}}},
		{Name: "tx-power", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 7, Type: readOnlyType{}}},
		{Name: "wake-on-wlan", Kind: KindUint32, DBus: "u", Default: uint32(1), Direct: true, Nmcli: &Nmcli{Order: 17, Type: enumType{e: flagsWakeOnWLAN, nicks: []EnumValue{{0, "disabled"}}}}},
	},
	Verify: verifyWifi,
}

// Wi-Fi channels by band, as NetworkManager's channel tables have them.
var (
	wifiChannelsA = []uint32{7, 8, 9, 11, 12, 16, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 56, 58, 60, 64,
		100, 104, 108, 112, 116, 120, 124, 128, 132, 136, 140, 149, 152, 153, 157, 160, 161, 165,
		183, 184, 185, 187, 188, 192, 196}
	wifiChannelsBG = []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}
)

const (
	wowlanDefault = 0x1
	wowlanIgnore  = 0x8000
	wowlanAll     = 0x1fe
)

func verifyWifi(s *Setting, c *Connection) (Result, *Error) {
	const n = "802-11-wireless"
	ssid, ok := s.Get("ssid").([]byte)
	if !ok || ssid == nil {
		return Invalid, missingProp(n, "ssid", "property is missing")
	}
	if len(ssid) == 0 || len(ssid) > 32 {
		return Invalid, invalidProp(n, "ssid", "SSID length is out of range <1-32> bytes")
	}
	mode, hasMode := s.String("mode")
	if hasMode && !slices.Contains([]string{"infrastructure", "adhoc", "ap", "mesh"}, mode) {
		return Invalid, invalidProp(n, "mode", "'%s' is not a valid Wi-Fi mode", mode)
	}
	band, hasBand := s.String("band")
	if hasBand && band != "a" && band != "bg" {
		return Invalid, invalidProp(n, "band", "'%s' is not a valid band", band)
	}
	ch := s.Uint32("channel")
	if ch != 0 && !hasBand {
		return Invalid, missingProp(n, "band", "'%s' requires setting '%s' property", "channel", "band")
	}
	if ch != 0 {
		table := wifiChannelsBG
		if band == "a" {
			table = wifiChannelsA
		}
		if !slices.Contains(table, ch) {
			return Invalid, invalidProp(n, "channel", "'%d' is not a valid channel", ch)
		}
	}
	if mode == "mesh" && !(ch != 0 && hasBand) {
		return Invalid, missingProp(n, "mode", "'%s' requires '%s' and '%s' property", mode, "band", "channel")
	}
	if b, ok := s.String("bssid"); ok && !hwaddrValid(b, ethAlen) {
		return Invalid, invalidProp(n, "bssid", "property is invalid")
	}
	if m, ok := s.String("mac-address"); ok && !hwaddrValid(m, ethAlen) {
		return Invalid, invalidProp(n, "mac-address", "property is invalid")
	}
	cm, hasCM := s.String("cloned-mac-address")
	if hasCM && !isSpecialClonedMAC(cm) && !hwaddrValid(cm, ethAlen) {
		return Invalid, invalidProp(n, "cloned-mac-address", "property is invalid")
	}
	if msg := checkMACMask(s.Str("generate-mac-address-mask")); msg != "" {
		return Invalid, invalidProp(n, "generate-mac-address-mask", "%s", msg)
	}
	for _, m := range s.Strv("mac-address-blacklist") {
		if !hwaddrValid(m, ethAlen) {
			return Invalid, invalidProp(n, "mac-address-blacklist", "'%s' is not a valid MAC address", m)
		}
	}
	for _, b := range s.Strv("seen-bssids") {
		if !hwaddrValid(b, ethAlen) {
			return Invalid, invalidProp(n, "seen-bssids", "'%s' is not a valid MAC address", b)
		}
	}
	rnd := s.Uint32("mac-address-randomization")
	if rnd > 2 {
		return Invalid, invalidProp(n, "mac-address-randomization", "invalid value")
	}
	wow := s.Uint32("wake-on-wlan")
	if wow&(wowlanDefault|wowlanIgnore) != 0 {
		if wow&(wow-1) != 0 {
			return Invalid, invalidProp(n, "wake-on-wlan", "Wake-on-WLAN mode 'default' and 'ignore' are exclusive flags")
		}
	} else if wow&^wowlanAll != 0 {
		return Invalid, invalidProp(n, "wake-on-wlan", "Wake-on-WLAN trying to set unknown flag")
	}
	if s.Int32("ap-isolation") != -1 && mode != "ap" {
		return Invalid, invalidProp(n, "ap-isolation", "AP isolation can be set only in AP mode")
	}
	ok = rnd == 0
	if hasCM {
		ok = rnd == 0 || (rnd == 2 && cm == "random") || (rnd == 1 && cm == "permanent")
	}
	if !ok {
		return Normalizable, invalidProp(n, "cloned-mac-address", "conflicting value of mac-address-randomization and cloned-mac-address")
	}
	return Success, nil
}

func normalizeWirelessMACRandomization(c *Connection) bool {
	s := c.settings["802-11-wireless"]
	if s == nil {
		return false
	}
	rnd := s.Uint32("mac-address-randomization")
	if rnd > 2 {
		return false
	}
	if cm, ok := s.String("cloned-mac-address"); ok {
		want := uint32(0)
		switch cm {
		case "random":
			want = 2
		case "permanent":
			want = 1
		}
		if rnd == want {
			return false
		}
		s.MustSet("mac-address-randomization", want)
		return true
	}
	if rnd != 0 {
		cm := "permanent"
		if rnd == 2 {
			cm = "random"
		}
		s.MustSet("cloned-mac-address", cm)
		return true
	}
	return false
}

func wifiDBusKeys() {
	clonedMACDBusKeys("802-11-wireless")
	// The daemon ignores seen-bssids from clients; it sends its own list
	// (the D-Bus layer adds it).
	dbusOverrides["802-11-wireless.seen-bssids"] = &dbusKey{
		from: func(*Setting, dbus.Variant, map[string]dbus.Variant) *Error { return nil },
	}
	extraDBusKeys["802-11-wireless"] = append(extraDBusKeys["802-11-wireless"], &dbusKey{
		name: "security", sig: "s",
		to: func(s *Setting, c *Connection) (dbus.Variant, bool) {
			if c == nil || c.settings["802-11-wireless-security"] == nil {
				return dbus.Variant{}, false
			}
			return dbus.MakeVariant("802-11-wireless-security"), true
		},
	})
}
