package setting

import (
	"strconv"
	"strings"
)

// The editor's "describe" shows two texts per property: what the property
// is, and how nmcli wants its value typed. NetworkManager takes the first
// from its API documentation; gonm writes its own, built from the facts
// the schema holds (kind, range, accepted values, default) plus a short
// summary where the schema has one (Nmcli.Describe). The second exists
// for the properties with a text syntax of their own.

// describer is implemented by nmcli types whose values have a syntax
// worth explaining.
type describer interface{ describe(p *Property) string }

// NmcliDescription returns our description of the property (never
// empty) and the hint on how nmcli reads its values ("" when there is
// nothing beyond the description).
func NmcliDescription(p *Property) (doc, hint string) {
	var b strings.Builder
	if p.Nmcli != nil && p.Nmcli.Describe != "" {
		b.WriteString(p.Nmcli.Describe)
		b.WriteString(" ")
	}
	b.WriteString(kindPhrase(p))
	if p.Range != nil {
		b.WriteString(" Range: " + strconv.FormatInt(p.Range.Min, 10) + " to " + strconv.FormatInt(p.Range.Max, 10) + ".")
	}
	if vals := NmcliValues(p); len(vals) > 0 && len(vals) <= 40 {
		b.WriteString(" Accepted values: " + strings.Join(vals, ", ") + ".")
	}
	if p.Secret {
		b.WriteString(" This is a secret: nmcli shows it only with --show-secrets.")
	}
	if p.Deprecated {
		b.WriteString(" Deprecated: kept for older profiles.")
	}
	if d := defaultText(p); d != "" {
		b.WriteString(" Default: " + d + ".")
	}
	if d, ok := p.nmcliType().(describer); ok {
		hint = d.describe(p)
	}
	return b.String(), hint
}

// defaultText is the default value as nmcli shows it, or "" for none.
func defaultText(p *Property) string {
	s, err := NewSetting(p.info.Name)
	if err != nil {
		return ""
	}
	v := p.NmcliGet(s, true, true)
	if v.Text == "" {
		return ""
	}
	return v.Text
}

func kindPhrase(p *Property) string {
	if p.SecretFlags {
		return "Flags telling who stores the secret: 0x0 (none), 0x1 (agent-owned), 0x2 (not-saved), 0x4 (not-required), combined by name or number."
	}
	switch t := p.nmcliType().(type) {
	case readOnlyType:
		return "Read-only for nmcli: shown, never changed."
	case boolType:
		return "A boolean: yes/true/on or no/false/off."
	case ternaryType:
		return "yes, no, or default (-1) to use the global configuration."
	case enumType:
		if t.e != nil && t.e.Flags {
			return "A set of flags, given by name (separated by commas or spaces) or as a number."
		}
		return "One of the named values, given by name or number."
	}
	switch p.Kind {
	case KindBool:
		return "A boolean: yes/true/on or no/false/off."
	case KindInt32:
		return "A signed 32-bit number."
	case KindUint32:
		return "An unsigned 32-bit number."
	case KindInt64:
		return "A signed 64-bit number."
	case KindUint64:
		return "An unsigned 64-bit number."
	case KindUint8:
		return "A number from 0 to 255."
	case KindString:
		if len(NmcliValues(p)) > 0 {
			return "One of the accepted values below, or an unambiguous beginning of one."
		}
		return "A text value."
	case KindMAC:
		return "A hardware address, six (or twenty, for InfiniBand) hexadecimal bytes separated by colons."
	case KindBytes:
		return "Binary data, given as hexadecimal bytes."
	case KindStrv:
		return "A list of text values, separated by commas."
	case KindStrDict:
		return "A set of name=value options, separated by commas."
	case KindUint32s:
		return "A list of numbers."
	}
	return "A list of " + p.Kind.String() + "."
}

func (addressesType) describe(p *Property) string {
	bits, ex := "32", "192.0.2.5/24, 198.51.100.7/24"
	if familyOf(p.info.Name) == 6 {
		bits, ex = "128", "2001:db8::5/64, 2001:db8:1::7"
	}
	return "Type addresses separated by commas, each ADDRESS[/PREFIX]; without a prefix the address gets /" + bits + ".\n\n" +
		"For example: " + ex + "\n"
}

func (routesType) describe(p *Property) string {
	ex := "192.0.2.0/24 192.0.2.1 10 table=100, 198.51.100.0/24"
	if familyOf(p.info.Name) == 6 {
		ex = "2001:db8:5::/64 2001:db8::1 20, 2001:db8:7::/48 cwnd=10"
	}
	return "Type routes separated by commas, each written\n" +
		"  DESTINATION[/PREFIX] [NEXT-HOP] [METRIC] [ATTRIBUTE=VALUE ...]\n" +
		"A missing next hop means a directly reachable destination; a missing metric\n" +
		"takes the profile's route-metric. Attributes include table, src, from, tos,\n" +
		"onlink, window, cwnd, initcwnd, initrwnd, mtu, lock-*, type, scope.\n\n" +
		"For example: " + ex + "\n"
}

func (routingRulesType) describe(*Property) string {
	return "Type routing rules separated by commas, each in ip-rule syntax:\n" +
		"  priority NUMBER [not] [from PREFIX] [to PREFIX] [iif NAME] [oif NAME]\n" +
		"  [fwmark MARK[/MASK]] [tos N] [ipproto N] [sport N[-M]] [dport N[-M]]\n" +
		"  [table N | type blackhole|prohibit|unreachable] [suppress_prefixlength N]\n\n" +
		"For example: priority 5 from 192.0.2.0/24 table 100\n"
}

func (dnsType) describe(p *Property) string {
	ex := "192.0.2.53, 198.51.100.53"
	if familyOf(p.info.Name) == 6 {
		ex = "2001:db8::53, 2001:db8:1::53"
	}
	return "Type name server addresses separated by commas or spaces.\n\nFor example: " + ex + "\n"
}

func (bridgeVlansType) describe(*Property) string {
	return "Type VLAN ranges separated by commas, each VID[-VID] optionally followed by\n" +
		"'pvid' and/or 'untagged'.\n\nFor example: 1 pvid untagged, 20-30\n"
}

func (trunksType) describe(*Property) string {
	return "Type VLAN ids or ranges separated by commas.\n\nFor example: 10, 20-29\n"
}

func (sriovVFsType) describe(*Property) string {
	return "Type virtual functions separated by commas, each an index followed by\n" +
		"ATTRIBUTE=VALUE pairs (mac, spoof-check, trust, min-tx-rate, max-tx-rate,\n" +
		"vlans).\n\nFor example: 0 mac=00:11:22:33:44:55 trust=true, 1 vlans=100.0.q\n"
}

func (qdiscsType) describe(*Property) string {
	return "Type queueing disciplines separated by commas, in tc syntax:\n" +
		"  [handle HANDLE] root|parent HANDLE KIND [OPTIONS]\n\n" +
		"For example: root pfifo_fast, handle 1234: parent 1: fq_codel\n"
}

func (tfiltersType) describe(*Property) string {
	return "Type traffic filters separated by commas, in tc syntax:\n" +
		"  [handle HANDLE] root|parent HANDLE KIND [action ACTION ...]\n\n" +
		"For example: parent 1234: matchall action simple sdata Hello\n"
}

func (linkWatchersType) describe(*Property) string {
	return "Type link watchers separated by commas, each a list of KEY=VALUE pairs\n" +
		"starting with name=ethtool, name=nsna_ping or name=arp_ping.\n\n" +
		"For example: name=ethtool delay-up=3, name=arp_ping source-host=192.0.2.1 target-host=192.0.2.2\n"
}

func (vlanFlagsType) describe(*Property) string {
	return "Type flags by name or number: reorder-headers (0x1), gvrp (0x2),\n" +
		"loose-binding (0x4), mvrp (0x8).\n"
}

func (t priorityMapType) describe(*Property) string {
	dir := "ingress: a frame's VLAN priority to the kernel's priority"
	if t.egress {
		dir = "egress: the kernel's priority to the VLAN priority of a frame"
	}
	return "Type FROM:TO pairs separated by commas, mapping " + dir + ".\n\nFor example: 2:1, 3:4\n"
}

func (s390SubchannelsType) describe(*Property) string {
	return "Type two or three hexadecimal subchannel ids separated by commas or spaces.\n\n" +
		"For example: 0.0.0a00, 0.0.0a01, 0.0.0a02\n"
}

func (ssidType) describe(*Property) string {
	return "Type the network name as text (up to 32 bytes).\n"
}

func (wepKeyType) describe(*Property) string {
	return "Type the key as 10 or 26 hexadecimal digits or 5 or 13 characters, or a\n" +
		"passphrase when wep-key-type is passphrase.\n"
}

func (dcbFlagsType) describe(*Property) string {
	return "Type flags by name or number: enable (0x1), advertise (0x2), willing (0x4).\n"
}

func (t dcbArrayType) describe(*Property) string {
	return "Type eight numbers separated by commas, one per user priority.\n"
}

func (optionlistType) describe(p *Property) string {
	return "Type NAME=VALUE options separated by commas; '+' adds options and '-' removes\n" +
		"them by name.\n"
}

func (certType) describe(*Property) string {
	return "Type the path of a file (PEM or DER), a pkcs11: URI, or nothing to clear it.\n"
}

func (gatewayType) describe(p *Property) string {
	return "Type the address of the default gateway; it needs a static address.\n"
}
