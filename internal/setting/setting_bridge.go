package setting

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/godbus/dbus/v5"
)

var settingBridge = &Info{
	Name:       "bridge",
	NmcliTitle: "Bridge device",
	NmcliParts: []NmcliPart{{"connection", true}, {"bridge", true}, {"802-3-ethernet", false}, {"ethtool", false}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "ageing-time", Kind: KindUint32, DBus: "u", Default: uint32(300), Range: rng(0, 1000000), Direct: true, Nmcli: &Nmcli{Order: 7, Alias: "ageing-time"}},
		{Name: "forward-delay", Kind: KindUint32, DBus: "u", Default: uint32(15), Range: rng(0, 30), Direct: true, Nmcli: &Nmcli{Order: 4, Alias: "forward-delay"}},
		{Name: "group-address", Kind: KindMAC, DBus: "ay", Normalize: canonicalMAC(ethAlen), Nmcli: &Nmcli{Order: 8, HideIfDefault: true}},
		{Name: "group-forward-mask", Kind: KindUint32, DBus: "u", Range: rng(0, 65535), Direct: true, Nmcli: &Nmcli{Order: 9, Alias: "group-forward-mask"}},
		{Name: "hello-time", Kind: KindUint32, DBus: "u", Default: uint32(2), Range: rng(0, 10), Direct: true, Nmcli: &Nmcli{Order: 5, Alias: "hello-time"}},
		// D-Bus only: interface-name (s)
		{Name: "mac-address", Kind: KindMAC, DBus: "ay", Normalize: canonicalMAC(ethAlen), Deprecated: true, Nmcli: &Nmcli{Order: 1, Alias: "mac"}},
		{Name: "max-age", Kind: KindUint32, DBus: "u", Default: uint32(20), Range: rng(0, 40), Direct: true, Nmcli: &Nmcli{Order: 6, Alias: "max-age"}},
		{Name: "multicast-hash-max", Kind: KindUint32, DBus: "u", Default: uint32(4096), Range: rng(1, 4294967295), Direct: true, Nmcli: &Nmcli{Order: 10, HideIfDefault: true}},
		{Name: "multicast-last-member-count", Kind: KindUint32, DBus: "u", Default: uint32(2), Direct: true, Nmcli: &Nmcli{Order: 11, HideIfDefault: true}},
		{Name: "multicast-last-member-interval", Kind: KindUint64, DBus: "t", Default: uint64(100), Direct: true, Nmcli: &Nmcli{Order: 12, HideIfDefault: true}},
		{Name: "multicast-membership-interval", Kind: KindUint64, DBus: "t", Default: uint64(26000), Direct: true, Nmcli: &Nmcli{Order: 13, HideIfDefault: true}},
		{Name: "multicast-querier", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 14, HideIfDefault: true}},
		{Name: "multicast-querier-interval", Kind: KindUint64, DBus: "t", Default: uint64(25500), Direct: true, Nmcli: &Nmcli{Order: 15, HideIfDefault: true}},
		{Name: "multicast-query-interval", Kind: KindUint64, DBus: "t", Default: uint64(12500), Direct: true, Nmcli: &Nmcli{Order: 16, HideIfDefault: true}},
		{Name: "multicast-query-response-interval", Kind: KindUint64, DBus: "t", Default: uint64(1000), Direct: true, Nmcli: &Nmcli{Order: 17, HideIfDefault: true}},
		{Name: "multicast-query-use-ifaddr", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 18, HideIfDefault: true}},
		{Name: "multicast-router", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 22, HideIfDefault: true, Type: stringType{allowed: []string{"auto", "disabled", "enabled"}}}},
		{Name: "multicast-snooping", Kind: KindBool, DBus: "b", Default: true, Direct: true, Nmcli: &Nmcli{Order: 19, Alias: "multicast-snooping"}},
		{Name: "multicast-startup-query-count", Kind: KindUint32, DBus: "u", Default: uint32(2), Direct: true, Nmcli: &Nmcli{Order: 20, HideIfDefault: true}},
		{Name: "multicast-startup-query-interval", Kind: KindUint64, DBus: "t", Default: uint64(3125), Direct: true, Nmcli: &Nmcli{Order: 21, HideIfDefault: true}},
		{Name: "priority", Kind: KindUint32, DBus: "u", Default: uint32(32768), Range: rng(0, 65535), Direct: true, Nmcli: &Nmcli{Order: 3, Alias: "priority"}},
		{Name: "stp", Kind: KindBool, DBus: "b", Default: true, Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "stp"}},
		{Name: "vlan-default-pvid", Kind: KindUint32, DBus: "u", Default: uint32(1), Range: rng(0, 4094), Direct: true, Nmcli: &Nmcli{Order: 24}},
		{Name: "vlan-filtering", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 23}},
		{Name: "vlan-protocol", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 26, HideIfDefault: true, Type: stringType{allowed: []string{"802.1Q", "802.1ad"}}}},
		{Name: "vlan-stats-enabled", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 25, HideIfDefault: true}},
		{Name: "vlans", Kind: KindBridgeVlans, DBus: "aa{sv}", Default: []BridgeVlan{}, AlwaysEmit: true, Nmcli: &Nmcli{Order: 27}},
	},
	Verify: verifyBridge,
}

// Bridge timer limits (seconds) when STP is on; 0 is also allowed with STP
// off.
var bridgeRanges = []struct {
	prop     string
	min, max uint32
}{
	{"forward-delay", 2, 30},
	{"hello-time", 1, 10},
	{"max-age", 6, 40},
	{"ageing-time", 0, 1000000},
}

func verifyBridge(s *Setting, c *Connection) (Result, *Error) {
	const n = "bridge"
	if mac, ok := s.String("mac-address"); ok && !hwaddrValid(mac, ethAlen) {
		return Invalid, invalidProp(n, "mac-address", "is not a valid MAC address")
	}
	stp := s.Bool("stp")
	for _, r := range bridgeRanges {
		v := s.Uint32(r.prop)
		if !stp && v == 0 {
			continue
		}
		if v < r.min || v > r.max {
			return Invalid, invalidProp(n, r.prop, "value '%d' is out of range <%d-%d>", v, r.min, r.max)
		}
	}
	if s.Uint32("group-forward-mask")&7 != 0 {
		return Invalid, invalidProp(n, "group-forward-mask", "the mask can't contain bits 0 (STP), 1 (MAC) or 2 (LACP)")
	}
	if err := requireInterfaceName(c); err != nil {
		return Invalid, err
	}
	vlans, _ := s.Get("vlans").([]BridgeVlan)
	if err := verifyBridgeVlans(vlans, n); err != nil {
		return Invalid, err
	}
	if ga, ok := s.String("group-address"); ok && !linkLocalMAC(ga) {
		return Invalid, invalidProp(n, "group-address", "is not a valid link local MAC address")
	}
	if p, ok := s.String("vlan-protocol"); ok && p != "802.1Q" && p != "802.1ad" {
		return Invalid, invalidProp(n, "vlan-protocol", "is not a valid VLAN filtering protocol")
	}
	if r, ok := s.String("multicast-router"); ok && r != "auto" && r != "enabled" && r != "disabled" {
		return Invalid, invalidProp(n, "multicast-router", "is not a valid option")
	}
	if h := s.Uint32("multicast-hash-max"); h == 0 || h&(h-1) != 0 {
		return Invalid, invalidProp(n, "multicast-hash-max", "'%s' option must be a power of 2", "multicast-hash-max")
	}
	if err := bridgeVlansSorted(vlans, n); err != nil {
		return Normalizable, err
	}
	if c != nil && c.settings["802-3-ethernet"] == nil {
		return Normalizable, newError(ErrSettingNotFound, n, "", "bridge connection should have a ethernet setting as well")
	}
	return Success, nil
}

// requireInterfaceName is the check of virtual devices that NetworkManager
// must create: they need connection.interface-name.
func requireInterfaceName(c *Connection) *Error {
	if c == nil {
		return nil
	}
	if _, ok := c.settings["connection"].String("interface-name"); ok {
		return nil
	}
	return missingProp("connection", "interface-name", "property is missing")
}

// linkLocalMAC accepts the group addresses a bridge may use:
// 01:80:C2:00:00:0X except the reserved 1, 2 and 3.
func linkLocalMAC(s string) bool {
	b, ok := hwaddrAtonLen(s, ethAlen)
	if !ok {
		return false
	}
	if b[0] != 0x01 || b[1] != 0x80 || b[2] != 0xc2 || b[3] != 0 || b[4] != 0 || b[5]&0xf0 != 0 {
		return false
	}
	return b[5] != 1 && b[5] != 2 && b[5] != 3
}

func verifyBridgeVlans(vlans []BridgeVlan, setting string) *Error {
	if len(vlans) <= 1 {
		return nil
	}
	seen := map[uint16]bool{}
	pvid := false
	for _, v := range vlans {
		for id := uint32(v.Start); id <= uint32(v.End); id++ {
			if seen[uint16(id)] {
				return invalidProp(setting, "vlans", "duplicate bridge VLAN vid %d", id)
			}
			seen[uint16(id)] = true
		}
		if v.PVID {
			if v.Start != v.End || pvid {
				return invalidProp(setting, "vlans", "only one VLAN can be the PVID")
			}
			pvid = true
		}
	}
	return nil
}

func bridgeVlansSorted(vlans []BridgeVlan, setting string) *Error {
	if len(vlans) <= 1 {
		return nil
	}
	prevEnd := vlans[0].End
	for _, v := range vlans[1:] {
		if prevEnd > v.Start {
			return invalidProp(setting, "vlans", "Bridge VLANs %d and %d are not sorted by ascending vid", prevEnd, v.Start)
		}
		prevEnd = v.End
	}
	return nil
}

func compareBridgeVlan(a, b BridgeVlan) int {
	switch {
	case a.Start != b.Start:
		return int(a.Start) - int(b.Start)
	case a.End != b.End:
		return int(a.End) - int(b.End)
	case a.Untagged != b.Untagged:
		if a.Untagged {
			return 1
		}
		return -1
	case a.PVID != b.PVID:
		if a.PVID {
			return 1
		}
		return -1
	}
	return 0
}

func sortVlans(s *Setting) bool {
	if s == nil {
		return false
	}
	return sortListProp(s, "vlans", compareBridgeVlan)
}

func normalizeBridgeVlanOrder(c *Connection) bool     { return sortVlans(c.settings["bridge"]) }
func normalizeBridgePortVlanOrder(c *Connection) bool { return sortVlans(c.settings["bridge-port"]) }

// BridgeVlan text form, as keyfiles and nmcli use it: "VID[-VID] [pvid]
// [untagged]".
func (v BridgeVlan) String() string {
	s := strconv.Itoa(int(v.Start))
	if v.Start != v.End {
		s += "-" + strconv.Itoa(int(v.End))
	}
	if v.PVID {
		s += " pvid"
	}
	if v.Untagged {
		s += " untagged"
	}
	return s
}

// ParseBridgeVlan parses the text form of a bridge VLAN.
func ParseBridgeVlan(s string) (BridgeVlan, error) {
	words := escapedTokensSplit(s, asciiSpaces)
	if len(words) == 0 {
		return BridgeVlan{}, fmt.Errorf("missing VLAN id")
	}
	first, last, isRange := strings.Cut(words[0], "-")
	start, ok := parseDecimalU(first, 1, 4094)
	if !ok {
		return BridgeVlan{}, fmt.Errorf("invalid VLAN id range start '%s', must be in [1,4094]", first)
	}
	end := start
	if isRange {
		end, ok = parseDecimalU(last, 1, 4094)
		if !ok {
			return BridgeVlan{}, fmt.Errorf("invalid VLAN id range end '%s', must be in [1,4094]", last)
		}
		if end < start {
			return BridgeVlan{}, fmt.Errorf("invalid VLAN id range %d-%d, start VLAN id must be less than end VLAN id", start, end)
		}
	}
	v := BridgeVlan{Start: uint16(start), End: uint16(end)}
	for _, w := range words[1:] {
		switch w {
		case "pvid":
			if start != end {
				return BridgeVlan{}, fmt.Errorf("a VLAN range can't be a PVID")
			}
			v.PVID = true
		case "untagged":
			v.Untagged = true
		default:
			return BridgeVlan{}, fmt.Errorf("invalid option '%s'", w)
		}
	}
	return v, nil
}

func parseDecimalU(s string, min, max uint64) (uint64, bool) {
	n, ok := parseDecimal(s, int64(min), int64(max))
	return uint64(n), ok
}

func bridgeDBusKeys() {
	for _, name := range []string{"bridge", "bridge-port"} {
		dbusOverrides[name+".vlans"] = &dbusKey{
			to: func(s *Setting, _ *Connection) (dbus.Variant, bool) {
				vlans, _ := s.Get("vlans").([]BridgeVlan)
				out := make([]map[string]dbus.Variant, 0, len(vlans))
				for _, v := range vlans {
					out = append(out, map[string]dbus.Variant{
						"vid-start": dbus.MakeVariant(v.Start),
						"vid-end":   dbus.MakeVariant(v.End),
						"pvid":      dbus.MakeVariant(v.PVID),
						"untagged":  dbus.MakeVariant(v.Untagged),
					})
				}
				return dbus.MakeVariant(out), true
			},
			from: func(s *Setting, v dbus.Variant, _ map[string]dbus.Variant) *Error {
				var out []BridgeVlan
				for _, d := range v.Value().([]map[string]dbus.Variant) {
					start, ok1 := d["vid-start"].Value().(uint16)
					end, ok2 := d["vid-end"].Value().(uint16)
					if !ok1 || !ok2 || start < 1 || start > 4094 || end < 1 || end > 4094 || start > end {
						continue
					}
					pvid, _ := d["pvid"].Value().(bool)
					if pvid && start != end {
						continue
					}
					untagged, _ := d["untagged"].Value().(bool)
					out = append(out, BridgeVlan{Start: start, End: end, PVID: pvid, Untagged: untagged})
				}
				s.set(s.info.props["vlans"], out)
				return nil
			},
		}
	}
}

// BridgeVlan is one entry of bridge.vlans / bridge-port.vlans.
type BridgeVlan struct {
	Start, End uint16
	PVID       bool
	Untagged   bool
}
