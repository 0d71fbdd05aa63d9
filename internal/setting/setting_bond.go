package setting

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

var settingBond = &Info{
	Name:       "bond",
	NmcliTitle: "Bond device",
	NmcliParts: []NmcliPart{{"connection", true}, {"bond", true}, {"802-3-ethernet", false}, {"ethtool", false}},
	Priority:   prioHWBase,
	Props: []*Property{
		// D-Bus only: interface-name (s)
		{Name: "options", Kind: KindStrDict, DBus: "a{ss}", Default: map[string]string{"mode": "balance-rr"}, AlwaysEmit: true, KeepEmpty: true, Nmcli: &Nmcli{Order: 1, Type: bondOptionsType}},
	},
	Verify: verifyBond,
}

// Bond modes, as the kernel numbers them.
const (
	bondModeRoundRobin   = 0
	bondModeActiveBackup = 1
	bondModeXOR          = 2
	bondModeBroadcast    = 3
	bondMode8023AD       = 4
	bondModeTLB          = 5
	bondModeALB          = 6
)

// BondModes are the mode names by number.
var BondModes = []string{"balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb"}

// bondModeFromString accepts a mode name or its number; -1 if neither.
func bondModeFromString(s string) int {
	if len(s) == 1 && s[0] >= '0' && s[0] <= '6' {
		return int(s[0] - '0')
	}
	for i, m := range BondModes {
		if m == s {
			return i
		}
	}
	return -1
}

type bondOptType int

const (
	bondOptInt bondOptType = iota
	bondOptBoth
	bondOptIP
	bondOptMAC
	bondOptIfname
)

// BondOption describes one option NetworkManager accepts in bond.options.
type BondOption struct {
	Name     string
	Default  string
	typ      bondOptType
	min, max uint64
	list     []string
	// unsupported is a bit mask of modes the option does not apply to.
	unsupported uint32
}

func modeBits(modes ...int) uint32 {
	var b uint32
	for _, m := range modes {
		b |= 1 << m
	}
	return b
}

const allModes = 1<<7 - 1

// BondOptions lists the bond options NetworkManager 1.42 knows, in its
// order (mode first).
var BondOptions = []*BondOption{
	{Name: "mode", Default: "balance-rr", typ: bondOptBoth, max: 6, list: BondModes},
	{Name: "miimon", Default: "100", typ: bondOptInt, max: 2147483647},
	{Name: "downdelay", Default: "0", typ: bondOptInt, max: 2147483647},
	{Name: "updelay", Default: "0", typ: bondOptInt, max: 2147483647},
	{Name: "arp_interval", Default: "0", typ: bondOptInt, max: 2147483647, unsupported: modeBits(bondMode8023AD, bondModeTLB, bondModeALB)},
	{Name: "arp_ip_target", Default: "", typ: bondOptIP, unsupported: modeBits(bondMode8023AD, bondModeTLB, bondModeALB)},
	{Name: "arp_validate", Default: "none", typ: bondOptBoth, max: 6, list: []string{"none", "active", "backup", "all", "filter", "filter_active", "filter_backup"}, unsupported: modeBits(bondMode8023AD, bondModeTLB, bondModeALB)},
	{Name: "balance-slb", Default: "0", typ: bondOptInt, max: 1},
	{Name: "primary", Default: "", typ: bondOptIfname, unsupported: allModes &^ modeBits(bondModeActiveBackup, bondModeTLB, bondModeALB)},
	{Name: "primary_reselect", Default: "always", typ: bondOptBoth, max: 2, list: []string{"always", "better", "failure"}},
	{Name: "fail_over_mac", Default: "none", typ: bondOptBoth, max: 2, list: []string{"none", "active", "follow"}},
	{Name: "use_carrier", Default: "1", typ: bondOptInt, max: 1},
	{Name: "ad_select", Default: "stable", typ: bondOptBoth, max: 2, list: []string{"stable", "bandwidth", "count"}},
	{Name: "xmit_hash_policy", Default: "layer2", typ: bondOptBoth, max: 5, list: []string{"layer2", "layer3+4", "layer2+3", "encap2+3", "encap3+4", "vlan+srcmac"}},
	{Name: "resend_igmp", Default: "1", typ: bondOptInt, max: 255},
	{Name: "lacp_rate", Default: "slow", typ: bondOptBoth, max: 1, list: []string{"slow", "fast"}, unsupported: allModes &^ modeBits(bondMode8023AD)},
	{Name: "active_slave", typ: bondOptIfname, unsupported: allModes &^ modeBits(bondModeActiveBackup, bondModeTLB, bondModeALB)},
	{Name: "ad_actor_sys_prio", Default: "65535", typ: bondOptInt, min: 1, max: 65535, unsupported: allModes &^ modeBits(bondMode8023AD)},
	{Name: "ad_actor_system", typ: bondOptMAC, unsupported: allModes &^ modeBits(bondMode8023AD)},
	{Name: "ad_user_port_key", Default: "0", typ: bondOptInt, max: 1023, unsupported: allModes &^ modeBits(bondMode8023AD)},
	{Name: "all_slaves_active", Default: "0", typ: bondOptInt, max: 1},
	{Name: "arp_all_targets", Default: "any", typ: bondOptBoth, max: 1, list: []string{"any", "all"}},
	{Name: "min_links", Default: "0", typ: bondOptInt, max: 2147483647},
	{Name: "num_grat_arp", Default: "1", typ: bondOptInt, max: 255},
	{Name: "num_unsol_na", Default: "1", typ: bondOptInt, max: 255},
	{Name: "packets_per_slave", Default: "1", typ: bondOptInt, max: 65535, unsupported: allModes &^ modeBits(bondModeRoundRobin)},
	{Name: "tlb_dynamic_lb", Default: "1", typ: bondOptInt, max: 1, unsupported: allModes &^ modeBits(bondModeTLB, bondModeALB)},
	{Name: "lp_interval", Default: "1", typ: bondOptInt, min: 1, max: 2147483647},
	{Name: "peer_notif_delay", Default: "0", typ: bondOptInt, max: 2147483647},
}

// LookupBondOption returns the description of a bond option, or nil.
func LookupBondOption(name string) *BondOption {
	for _, o := range BondOptions {
		if o.Name == name {
			return o
		}
	}
	return nil
}

func bondOptionSupported(name string, mode int) bool {
	o := LookupBondOption(name)
	return o == nil || o.unsupported&(1<<mode) == 0
}

// ValidateBondOption checks one bond option as NetworkManager does.
func ValidateBondOption(name, value string) error {
	o := LookupBondOption(name)
	if o == nil {
		if name == "" {
			return fmt.Errorf("missing option name")
		}
		return fmt.Errorf("invalid option '%s'", name)
	}
	validInt := func() bool {
		for i := 0; i < len(value); i++ {
			if value[i] < '0' || value[i] > '9' {
				return false
			}
		}
		n, err := strconv.ParseUint(value, 10, 64)
		return err == nil && n >= o.min && n <= o.max
	}
	ok := true
	switch o.typ {
	case bondOptInt:
		ok = value != "" && validInt()
	case bondOptBoth:
		ok = (value != "" && validInt()) || slices.Contains(o.list, value)
	case bondOptIP:
		addrs := splitArpIPTargets(value)
		if len(addrs) == 0 {
			return fmt.Errorf("'%s' option is empty", name)
		}
		for _, a := range addrs {
			if _, ok := parseInet(AFInet, a); !ok {
				return fmt.Errorf("'%s' is not a valid IPv4 address for '%s' option", a, name)
			}
		}
		return nil
	case bondOptMAC:
		ok = hwaddrValid(value, ethAlen)
	case bondOptIfname:
		ok = ifnameValidKernel(value) == nil
	}
	if !ok {
		return fmt.Errorf("invalid value '%s' for option '%s'", value, name)
	}
	return nil
}

// splitArpIPTargets splits arp_ip_target at ',' and drops empty parts.
func splitArpIPTargets(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// sortedBondOptionNames orders option names as NetworkManager does: mode
// first, then by name.
func sortedBondOptionNames(opts map[string]string) []string {
	names := make([]string, 0, len(opts))
	for k := range opts {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int {
		if a == "mode" {
			return -1
		}
		if b == "mode" {
			return 1
		}
		return strings.Compare(a, b)
	})
	return names
}

func bondAtoi(opts map[string]string, name string) int {
	v, ok := opts[name]
	if !ok {
		v = LookupBondOption(name).Default
	}
	n, ok := parseDecimal(v, 0, 2147483647)
	if !ok {
		return -1
	}
	return int(n)
}

func verifyBond(s *Setting, c *Connection) (Result, *Error) {
	const n = "bond"
	opts := s.StrDict("options")
	bad := func(format string, args ...any) (Result, *Error) {
		return Invalid, invalidProp(n, "options", format, args...)
	}
	for _, name := range sortedBondOptionNames(opts) {
		if err := ValidateBondOption(name, opts[name]); err != nil {
			return bad("%s", err.Error())
		}
	}
	miimon := bondAtoi(opts, "miimon")
	arpInterval := bondAtoi(opts, "arp_interval")
	numGratArp := bondAtoi(opts, "num_grat_arp")
	numUnsolNA := bondAtoi(opts, "num_unsol_na")
	peerNotifDelay := bondAtoi(opts, "peer_notif_delay")
	modeStr, ok := opts["mode"]
	if !ok {
		return bad("mandatory option '%s' is missing", "mode")
	}
	mode := bondModeFromString(modeStr)
	if mode < 0 {
		return bad("'%s' is not a valid value for '%s'", modeStr, "mode")
	}
	if (mode == bondModeTLB || mode == bondModeALB) && arpInterval > 0 {
		return bad("'%s=%s' is incompatible with '%s > 0'", "mode", modeStr, "arp_interval")
	}
	primary, hasPrimary := opts["primary"]
	if mode == bondModeActiveBackup || mode == bondModeTLB || mode == bondModeALB {
		if hasPrimary {
			if err := ifnameValidKernel(primary); err != nil {
				return bad("'%s' is not valid for the '%s' option: %s", primary, "primary", err.Error())
			}
		}
	} else if hasPrimary {
		return bad("'%s' option is only valid for '%s=%s'", "primary", "mode", "active-backup")
	}
	if c != nil && c.settings["infiniband"] != nil && mode != bondModeActiveBackup {
		return bad("'%s=%s' is not a valid configuration for '%s'", "mode", modeStr, "infiniband")
	}
	if miimon == 0 {
		if bondAtoi(opts, "updelay") != 0 {
			return bad("'%s' option requires '%s' option to be enabled", "updelay", "miimon")
		}
		if bondAtoi(opts, "downdelay") != 0 {
			return bad("'%s' option requires '%s' option to be enabled", "downdelay", "miimon")
		}
	}
	if peerNotifDelay != 0 {
		if miimon == 0 {
			return bad("'%s' option requires '%s' option to be enabled", "peer_notif_delay", "miimon")
		}
		if peerNotifDelay%miimon != 0 && arpInterval == 0 {
			return bad("'%s' option needs to be a value multiple of '%s' value", "peer_notif_delay", "miimon")
		}
	}
	_, hasTarget := opts["arp_ip_target"]
	if arpInterval > 0 {
		if !hasTarget {
			return bad("'%s' option requires '%s' option to be set", "arp_interval", "arp_ip_target")
		}
	} else if hasTarget {
		return bad("'%s' option requires '%s' option to be set", "arp_ip_target", "arp_interval")
	}
	if lr, ok := opts["lacp_rate"]; ok && mode != bondMode8023AD && lr != "0" && lr != "slow" {
		return bad("'%s' option is only valid with mode '%s'", "lacp_rate", "802.3ad")
	}
	_, hasGrat := opts["num_grat_arp"]
	_, hasUnsol := opts["num_unsol_na"]
	if hasGrat && hasUnsol && numGratArp != numUnsolNA {
		return bad("'%s' and '%s' cannot have different values", "num_grat_arp", "num_unsol_na")
	}
	if slb, ok := opts["balance-slb"]; ok {
		if v, _ := parseDecimal(slb, 0, 2147483647); v > 0 {
			if mode != bondModeXOR {
				return bad("%s requires bond mode \"%s\"", "balance-slb", "balance-xor")
			}
			if x, ok := opts["xmit_hash_policy"]; ok && x != "5" && x != "vlan+srcmac" {
				return bad("%s requires xmit_hash_policy \"vlan+srcmac\"", "balance-slb")
			}
		}
	}
	if err := requireInterfaceName(c); err != nil {
		return Invalid, err
	}
	if !slices.Contains(BondModes, modeStr) {
		return Normalizable, invalidProp(n, "options", "'%s' option should be string", "mode")
	}
	for _, name := range sortedBondOptionNames(opts) {
		if !bondOptionSupported(name, mode) {
			return Normalizable, invalidProp(n, "options", "'%s' option is not valid with mode '%s'", name, modeStr)
		}
	}
	return Success, nil
}

// bondModeOf finds a profile's bond setting, its options and the mode
// they name, for the bond normalizations; ok is false when there is no
// bond setting or no mode option. m is -1 for a mode name not known.
func bondModeOf(c *Connection) (s *Setting, opts map[string]string, mode string, m int, ok bool) {
	s = c.settings["bond"]
	if s == nil {
		return nil, nil, "", -1, false
	}
	opts = s.StrDict("options")
	mode, ok = opts["mode"]
	if !ok {
		return nil, nil, "", -1, false
	}
	return s, opts, mode, bondModeFromString(mode), true
}

func normalizeBondMode(c *Connection) bool {
	s, opts, mode, m, ok := bondModeOf(c)
	if !ok || m < 0 || BondModes[m] == mode {
		return false
	}
	n := maps.Clone(opts)
	n["mode"] = BondModes[m]
	s.MustSet("options", n)
	return true
}

func normalizeBondOptions(c *Connection) bool {
	s, opts, _, m, ok := bondModeOf(c)
	if !ok || m < 0 {
		return false
	}
	n := maps.Clone(opts)
	changed := false
	for name := range opts {
		if !bondOptionSupported(name, m) {
			delete(n, name)
			changed = true
		}
	}
	if changed {
		s.MustSet("options", n)
	}
	return changed
}

// BondOptionNames lists the option names bond.options accepts, in
// NetworkManager's order.
func BondOptionNames() []string {
	out := make([]string, len(BondOptions))
	for i, o := range BondOptions {
		out[i] = o.Name
	}
	return out
}
