package setting

// The enum and flags types of libnm that nmcli names values of: the
// values with their names in libnm's order (the order decides which name
// a combination of flags is shown with).

// EnumValue is one named value of an enum or flags type.
type EnumValue struct {
	Value int64
	Nick  string
}

// EnumType is a libnm enum or flags type.
type EnumType struct {
	Name   string
	Flags  bool
	Values []EnumValue
}

func enumOf(name string, vals ...EnumValue) *EnumType {
	return &EnumType{Name: name, Values: vals}
}

func flagsOf(name string, vals ...EnumValue) *EnumType {
	return &EnumType{Name: name, Flags: true, Values: vals}
}

type ev = EnumValue

var (
	enumTernary            = enumOf("NMTernary", ev{-1, "default"}, ev{0, "false"}, ev{1, "true"})
	enumMultiConnect       = enumOf("NMConnectionMultiConnect", ev{0, "default"}, ev{1, "single"}, ev{2, "manual-multiple"}, ev{3, "multiple"})
	enumAutoconnectSlaves  = enumOf("NMSettingConnectionAutoconnectSlaves", ev{-1, "default"}, ev{0, "no"}, ev{1, "yes"})
	enumLldp               = enumOf("NMSettingConnectionLldp", ev{-1, "default"}, ev{0, "disable"}, ev{1, "enable-rx"})
	enumMdns               = enumOf("NMSettingConnectionMdns", ev{-1, "default"}, ev{0, "no"}, ev{1, "resolve"}, ev{2, "yes"})
	enumLlmnr              = enumOf("NMSettingConnectionLlmnr", ev{-1, "default"}, ev{0, "no"}, ev{1, "resolve"}, ev{2, "yes"})
	enumDNSOverTLS         = enumOf("NMSettingConnectionDnsOverTls", ev{-1, "default"}, ev{0, "no"}, ev{1, "opportunistic"}, ev{2, "yes"})
	enumIP4LinkLocal       = enumOf("NMSettingIP4LinkLocal", ev{0, "default"}, ev{1, "auto"}, ev{2, "disabled"}, ev{3, "enabled"})
	enumIP6Privacy         = enumOf("NMSettingIP6ConfigPrivacy", ev{-1, "unknown"}, ev{0, "disabled"}, ev{1, "prefer-public-addr"}, ev{2, "prefer-temp-addr"})
	enumAddrGenMode        = enumOf("NMSettingIP6ConfigAddrGenMode", ev{0, "eui64"}, ev{1, "stable-privacy"}, ev{2, "default-or-eui64"}, ev{3, "default"})
	enumIPTunnelMode       = enumOf("NMIPTunnelMode", ev{0, "unknown"}, ev{1, "ipip"}, ev{2, "gre"}, ev{3, "sit"}, ev{4, "isatap"}, ev{5, "vti"}, ev{6, "ip6ip6"}, ev{7, "ipip6"}, ev{8, "ip6gre"}, ev{9, "vti6"}, ev{10, "gretap"}, ev{11, "ip6gretap"})
	enumMacsecMode         = enumOf("NMSettingMacsecMode", ev{0, "psk"}, ev{1, "eap"})
	enumMacsecValidation   = enumOf("NMSettingMacsecValidation", ev{0, "disable"}, ev{1, "check"}, ev{2, "strict"})
	enumMacvlanMode        = enumOf("NMSettingMacvlanMode", ev{0, "unknown"}, ev{1, "vepa"}, ev{2, "bridge"}, ev{3, "private"}, ev{4, "passthru"}, ev{5, "source"})
	enumProxyMethod        = enumOf("NMSettingProxyMethod", ev{0, "none"}, ev{1, "auto"})
	enumTunMode            = enumOf("NMSettingTunMode", ev{0, "unknown"}, ev{1, "tun"}, ev{2, "tap"})
	enumWifiPowersave      = enumOf("NMSettingWirelessPowersave", ev{0, "default"}, ev{1, "ignore"}, ev{2, "disable"}, ev{3, "enable"})
	enumMacRandomization   = enumOf("NMSettingMacRandomization", ev{0, "default"}, ev{1, "never"}, ev{2, "always"})
	enumPmf                = enumOf("NMSettingWirelessSecurityPmf", ev{0, "default"}, ev{1, "disable"}, ev{2, "optional"}, ev{3, "required"})
	enumFils               = enumOf("NMSettingWirelessSecurityFils", ev{0, "default"}, ev{1, "disable"}, ev{2, "optional"}, ev{3, "required"})
	enumWepKeyType         = enumOf("NMWepKeyType", ev{0, "unknown"}, ev{1, "key"}, ev{2, "passphrase"})
	enumSerialParity       = enumOf("NMSettingSerialParity", ev{0, "none"}, ev{1, "even"}, ev{2, "odd"})
	flagsMptcp             = flagsOf("NMMptcpFlags", ev{0x0, "none"}, ev{0x1, "disabled"}, ev{0x2, "enabled"}, ev{0x4, "also-without-sysctl"}, ev{0x8, "also-without-default-route"}, ev{0x10, "signal"}, ev{0x20, "subflow"}, ev{0x40, "backup"}, ev{0x80, "fullmesh"})
	flagsDHCPHostname      = flagsOf("NMDhcpHostnameFlags", ev{0x0, "none"}, ev{0x1, "fqdn-serv-update"}, ev{0x2, "fqdn-encoded"}, ev{0x4, "fqdn-no-update"}, ev{0x8, "fqdn-clear-flags"})
	flagsIPTunnel          = flagsOf("NMIPTunnelFlags", ev{0x0, "none"}, ev{0x1, "ip6-ign-encap-limit"}, ev{0x2, "ip6-use-orig-tclass"}, ev{0x4, "ip6-use-orig-flowlabel"}, ev{0x8, "ip6-mip6-dev"}, ev{0x10, "ip6-rcv-dscp-copy"}, ev{0x20, "ip6-use-orig-fwmark"})
	flagsWakeOnLAN         = flagsOf("NMSettingWiredWakeOnLan", ev{0x2, "phy"}, ev{0x4, "unicast"}, ev{0x8, "multicast"}, ev{0x10, "broadcast"}, ev{0x20, "arp"}, ev{0x40, "magic"}, ev{0x1, "default"}, ev{0x8000, "ignore"})
	flagsWakeOnWLAN        = flagsOf("NMSettingWirelessWakeOnWLan", ev{0x2, "any"}, ev{0x4, "disconnect"}, ev{0x8, "magic"}, ev{0x10, "gtk-rekey-failure"}, ev{0x20, "eap-identity-request"}, ev{0x40, "4way-handshake"}, ev{0x80, "rfkill-release"}, ev{0x100, "tcp"}, ev{0x1fe, "all"}, ev{0x1, "default"}, ev{0x8000, "ignore"})
	flagsWPSMethod         = flagsOf("NMSettingWirelessSecurityWpsMethod", ev{0x0, "default"}, ev{0x1, "disabled"}, ev{0x2, "auto"}, ev{0x4, "pbc"}, ev{0x8, "pin"})
	flags8021xAuth         = flagsOf("NMSetting8021xAuthFlags", ev{0x0, "none"}, ev{0x1, "tls-1-0-disable"}, ev{0x2, "tls-1-1-disable"}, ev{0x4, "tls-1-2-disable"}, ev{0x8, "tls-disable-time-checks"}, ev{0x10, "tls-1-3-disable"}, ev{0x20, "tls-1-0-enable"}, ev{0x40, "tls-1-1-enable"}, ev{0x80, "tls-1-2-enable"}, ev{0x100, "tls-1-3-enable"}, ev{0x1ff, "all"})
	flagsSecret            = flagsOf("NMSettingSecretFlags", ev{0x0, "none"}, ev{0x1, "agent-owned"}, ev{0x2, "not-saved"}, ev{0x4, "not-required"})
	flagsDcb               = flagsOf("NMSettingDcbFlags", ev{0x0, "none"}, ev{0x1, "enable"}, ev{0x2, "advertise"}, ev{0x4, "willing"})
	enumSriovVlanProtocols = enumOf("NMSriovVFVlanProtocol", ev{0, "1q"}, ev{1, "1ad"})
)

// validEnumNick: libnm shows a value by its number when its name looks
// like a number or holds white space.
func validEnumNick(s string, flags bool) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if isASCIISpace(s[i]) || (flags && (s[i] == ',')) {
			return false
		}
	}
	return !isDecString(s, !flags) && !isHexString(s, !flags)
}

func isHexString(s string, allowSign bool) bool {
	if allowSign && len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if len(s) < 3 || s[0] != '0' || s[1] != 'x' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if _, ok := hexDigit(s[i]); !ok {
			return false
		}
	}
	return true
}

func isDecString(s string, allowSign bool) bool {
	if allowSign && len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func hexDigit(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// toStr names a value: for an enum the matching name (extra names
// first), for flags the names of the set bits joined by sep, with any
// bits left over in hex.
func (e *EnumType) toStr(v int64, sep string, extra []EnumValue) string {
	if !e.Flags {
		for _, x := range extra {
			if x.Value == v {
				return x.Nick
			}
		}
		for _, x := range e.Values {
			if x.Value == v {
				if validEnumNick(x.Nick, false) {
					return x.Nick
				}
				break
			}
		}
		return itoa64(v)
	}
	u := uint32(v)
	wasZero := u == 0
	var parts []string
	for _, x := range extra {
		xv := uint32(x.Value)
		if xv == 0 && !wasZero {
			continue
		}
		if u == 0 {
			if xv != 0 {
				continue
			}
		} else if u&xv != xv {
			continue
		}
		parts = append(parts, x.Nick)
		u &^= xv
		if u == 0 {
			return joinStrings(parts, sep)
		}
	}
	for {
		f := e.firstFlag(u)
		if f == nil || !validEnumNick(f.Nick, true) {
			if u != 0 {
				parts = append(parts, "0x"+hex32(u))
			}
			break
		}
		parts = append(parts, f.Nick)
		u &^= uint32(f.Value)
		if u == 0 {
			break
		}
	}
	return joinStrings(parts, sep)
}

// firstFlag is g_flags_get_first_value: the first value (in the type's
// order) whose bits are all set in u; for 0 the value named for 0.
func (e *EnumType) firstFlag(u uint32) *EnumValue {
	for i := range e.Values {
		x := &e.Values[i]
		xv := uint32(x.Value)
		if u == 0 {
			if xv == 0 {
				return x
			}
			continue
		}
		if xv != 0 && u&xv == xv {
			return x
		}
	}
	return nil
}

// fromStr parses a name or number (flags: several, separated by spaces,
// tabs or commas). It reports the word that failed.
func (e *EnumType) fromStr(s string, extra []EnumValue) (int64, bool) {
	s = trimASCIISpace(s)
	find := func(w string) (int64, bool) {
		for _, x := range extra {
			if x.Nick == w {
				return x.Value, true
			}
		}
		for _, x := range e.Values {
			if x.Nick == w {
				return x.Value, true
			}
		}
		return 0, false
	}
	if !e.Flags {
		if s == "" {
			return 0, false
		}
		switch {
		case isHexString(s, true):
			neg := s[0] == '-'
			t := s[2:]
			if neg {
				t = s[3:]
			}
			n, ok := parseInt64Base(t, 16, 0, 1<<31)
			if !ok {
				return 0, false
			}
			if neg {
				n = -n
			}
			if n > 1<<31-1 || n < -(1<<31) {
				return 0, false
			}
			return n, true
		case isDecString(s, true):
			return parseInt64Base(s, 10, -(1 << 31), 1<<31-1)
		}
		return find(s)
	}
	var u uint64
	for _, w := range splitFlagWords(s) {
		switch {
		case isHexString(w, false):
			n, ok := parseInt64Base(w[2:], 16, 0, 1<<32-1)
			if !ok {
				return 0, false
			}
			u |= uint64(n)
		case isDecString(w, false):
			n, ok := parseInt64Base(w, 10, 0, 1<<32-1)
			if !ok {
				return 0, false
			}
			u |= uint64(n)
		default:
			n, ok := find(w)
			if !ok {
				return 0, false
			}
			u |= uint64(uint32(n))
		}
	}
	return int64(uint32(u)), true
}

func splitFlagWords(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' || s[i] == '\t' || s[i] == ',' || s[i] == '\n' || s[i] == '\r' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

// names lists the values as nmcli offers them, within [min, max] (for
// flags, as unsigned numbers).
func (e *EnumType) names(min, max int64) []string {
	var out []string
	for _, x := range e.Values {
		if e.Flags {
			if uint64(uint32(x.Value)) < uint64(uint32(min)) || uint64(uint32(x.Value)) > uint64(uint32(max)) {
				continue
			}
			if validEnumNick(x.Nick, true) {
				out = append(out, x.Nick)
			} else {
				out = append(out, "0x"+hex32(uint32(x.Value)))
			}
			continue
		}
		if x.Value < min || x.Value > max {
			continue
		}
		if validEnumNick(x.Nick, false) {
			out = append(out, x.Nick)
		} else {
			out = append(out, itoa64(x.Value))
		}
	}
	return out
}

func (e *EnumType) has(v int64) bool {
	for _, x := range e.Values {
		if x.Value == v {
			return true
		}
	}
	return false
}
