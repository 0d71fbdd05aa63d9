package platform

import (
	"fmt"
	"net/netip"
	"strings"

	"golang.org/x/sys/unix"
)

// Range is an inclusive range (UIDs, ports).
type Range struct{ Start, End uint32 }

// Rule is a policy routing rule (ip rule). Every field is part of the
// rule's identity, except the kernel's run-time flags (the iif/oif
// "detached" and "unresolved" markers), which are not kept.
type Rule struct {
	Family   uint8 // AF_INET or AF_INET6
	Priority uint32
	Action   uint8 // FR_ACT_*: to-table 1, goto 2, nop 3, blackhole 6, unreachable 7, prohibit 8
	Table    uint32
	// Flags holds FIB_RULE_INVERT ("not").
	Flags             uint32
	Src, Dst          netip.Prefix // invalid when not set
	IIFName, OIFName  string
	FwMark, FwMask    uint32
	TOS               uint8
	Flow              uint32 // IPv4 realms
	TunID             uint64
	Goto              uint32
	SuppressPrefixLen int32 // -1 when unset
	SuppressIfGroup   int32 // -1 when unset
	L3MDev            uint8
	UIDRange          *Range
	Protocol          uint8 // who added it (RTPROT_*)
	IPProto           uint8
	SPortRange        *Range
	DPortRange        *Range
}

// Type is TypeIP4Rule or TypeIP6Rule.
func (r *Rule) ObjectType() ObjectType {
	if r.Family == unix.AF_INET6 {
		return TypeIP6Rule
	}
	return TypeIP4Rule
}

// RuleKey is the comparable identity of a rule (every field), usable as a
// map key by the layers that track rules.
type RuleKey struct {
	family             uint8
	priority           uint32
	action             uint8
	table              uint32
	flags              uint32
	src, dst           netip.Prefix
	iif, oif           string
	fwmark, fwmask     uint32
	tos                uint8
	flow               uint32
	tunID              uint64
	gotoTarget         uint32
	suppressPrefixLen  int32
	suppressIfGroup    int32
	l3mdev             uint8
	uid, sport, dport  Range
	hasUID             bool
	hasSport, hasDport bool
	protocol, ipProto  uint8
}

func rangeOrZero(r *Range) (Range, bool) {
	if r == nil {
		return Range{}, false
	}
	return *r, true
}

// Key returns the rule's identity.
func (r *Rule) Key() RuleKey { return r.key() }

func (r *Rule) key() RuleKey {
	k := RuleKey{
		family: r.Family, priority: r.Priority, action: r.Action, table: r.Table,
		flags: r.Flags, src: r.Src, dst: r.Dst, iif: r.IIFName, oif: r.OIFName,
		fwmark: r.FwMark, fwmask: r.FwMask, tos: r.TOS, flow: r.Flow, tunID: r.TunID,
		gotoTarget: r.Goto, suppressPrefixLen: r.SuppressPrefixLen,
		suppressIfGroup: r.SuppressIfGroup, l3mdev: r.L3MDev, protocol: r.Protocol,
		ipProto: r.IPProto,
	}
	k.uid, k.hasUID = rangeOrZero(r.UIDRange)
	k.sport, k.hasSport = rangeOrZero(r.SPortRange)
	k.dport, k.hasDport = rangeOrZero(r.DPortRange)
	return k
}

// Equal compares every field.
func (r *Rule) Equal(o *Rule) bool { return r.key() == o.key() }

var ruleActionNames = map[uint8]string{
	unix.FR_ACT_TO_TBL: "lookup", unix.FR_ACT_GOTO: "goto", unix.FR_ACT_NOP: "nop",
	unix.FR_ACT_BLACKHOLE: "blackhole", unix.FR_ACT_UNREACHABLE: "unreachable",
	unix.FR_ACT_PROHIBIT: "prohibit",
}

func (r *Rule) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d:", r.Priority)
	if r.Flags&unix.FIB_RULE_INVERT != 0 {
		b.WriteString(" not")
	}
	if r.Src.IsValid() {
		fmt.Fprintf(&b, " from %s", r.Src)
	} else {
		b.WriteString(" from all")
	}
	if r.Dst.IsValid() {
		fmt.Fprintf(&b, " to %s", r.Dst)
	}
	if r.FwMark != 0 || r.FwMask != 0 {
		fmt.Fprintf(&b, " fwmark %#x/%#x", r.FwMark, r.FwMask)
	}
	if r.IIFName != "" {
		fmt.Fprintf(&b, " iif %s", r.IIFName)
	}
	if r.OIFName != "" {
		fmt.Fprintf(&b, " oif %s", r.OIFName)
	}
	if n, ok := ruleActionNames[r.Action]; ok {
		b.WriteString(" " + n)
	} else {
		fmt.Fprintf(&b, " action %d", r.Action)
	}
	switch r.Action {
	case unix.FR_ACT_TO_TBL:
		fmt.Fprintf(&b, " %d", r.Table)
	case unix.FR_ACT_GOTO:
		fmt.Fprintf(&b, " %d", r.Goto)
	}
	if r.SuppressPrefixLen >= 0 {
		fmt.Fprintf(&b, " suppress_prefixlength %d", r.SuppressPrefixLen)
	}
	if r.Protocol != 0 {
		fmt.Fprintf(&b, " proto %d", r.Protocol)
	}
	return b.String()
}
