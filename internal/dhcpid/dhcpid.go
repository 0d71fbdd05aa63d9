// Package dhcpid computes the identities a DHCP client presents, exactly
// as NetworkManager 1.42 does: the DHCPv4 client identifier
// (ipv4.dhcp-client-id: mac, perm-mac, duid, ipv6-duid, stable, or a
// custom hex/string value), the IAID (ipv4/ipv6.dhcp-iaid: ifname, mac,
// perm-mac, stable, or a number) and the DHCPv6 DUID (ipv6.dhcp-duid:
// lease, ll, llt, stable-ll, stable-llt, stable-uuid, or hex). It is pure
// computation over values the caller supplies (host ID, machine ID,
// effective stable ID); it calls only internal/hostid.
package dhcpid

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gonm/gonm/internal/hostid"
)

// ARP hardware types used in identifiers.
const (
	ARPHRDEther      = 1
	ARPHRDInfiniband = 32
)

// hashKey is the SipHash key systemd uses for IAIDs and node-specific IDs.
var hashKey = [16]byte{0x80, 0x11, 0x8c, 0xc2, 0xfe, 0x4a, 0x03, 0xee, 0x3e, 0xd6, 0x0c, 0x6f, 0x36, 0x39, 0x14, 0x09}

// Identity is what the identifiers are derived from.
type Identity struct {
	IfName  string
	HWAddr  []byte // current link-layer address
	PermMAC []byte // permanent address, nil when unknown
	// StableID and StableType are the effective connection stable ID
	// (hostid.EffectiveStableID).
	StableID   string
	StableType hostid.StableType
	Host       hostid.HostID
	MachineID  hostid.MachineID
}

// arpType guesses the hardware type from the address length, as
// NetworkManager does.
func arpType(hw []byte) (int, bool) {
	switch len(hw) {
	case 6:
		return ARPHRDEther, true
	case 20:
		return ARPHRDInfiniband, true
	}
	return 0, false
}

// hwRelevant is the part of a hardware address that goes into identifiers:
// all of an Ethernet address, the last 8 bytes of an InfiniBand one.
func hwRelevant(t int, hw []byte) []byte {
	if t == ARPHRDInfiniband {
		return hw[len(hw)-8:]
	}
	return hw
}

// ClientIDMAC is the type-1 (hardware type + address) client identifier.
func ClientIDMAC(hw []byte) ([]byte, error) {
	t, ok := arpType(hw)
	if !ok {
		return nil, fmt.Errorf("client-id: unsupported link-layer address of %d bytes", len(hw))
	}
	rel := hwRelevant(t, hw)
	return append([]byte{byte(t)}, rel...), nil
}

// ClientIDDUID is the RFC 4361 client identifier: 255, IAID, DUID.
func ClientIDDUID(iaid uint32, duid []byte) ([]byte, error) {
	if len(duid) <= 2 || len(duid) >= 128+2 {
		return nil, fmt.Errorf("client-id: DUID of %d bytes is invalid", len(duid))
	}
	b := make([]byte, 5, 5+len(duid))
	b[0] = 255
	binary.BigEndian.PutUint32(b[1:], iaid)
	return append(b, duid...), nil
}

// ClientIDNodeSpecific is systemd's default client identifier: 255, IAID,
// DUID-EN with systemd's enterprise number and a hash of the machine ID.
func ClientIDNodeSpecific(iaid uint32, machineID hostid.MachineID) []byte {
	b := make([]byte, 19)
	b[0] = 255
	binary.BigEndian.PutUint32(b[1:5], iaid)
	binary.BigEndian.PutUint16(b[5:7], 2) // DUID-EN
	binary.BigEndian.PutUint32(b[7:11], 43793)
	binary.LittleEndian.PutUint64(b[11:19], sipHash24(hashKey, machineID[:]))
	return b
}

// ClientIDFromString parses a custom ipv4.dhcp-client-id: colon-separated
// hex bytes (the first byte is the type), or any other text, sent with
// type 0.
func ClientIDFromString(s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("client-id: empty")
	}
	if strings.Contains(s, ":") {
		if b, ok := parseHexColon(s); ok && len(b) >= 2 {
			return b, nil
		}
	}
	return append([]byte{0}, s...), nil
}

// parseHexColon parses "aa:b:cc" (one or two digits per byte, no leading
// or trailing colon).
func parseHexColon(s string) ([]byte, bool) {
	parts := strings.Split(s, ":")
	out := make([]byte, 0, len(parts))
	for _, p := range parts {
		if len(p) == 0 || len(p) > 2 {
			return nil, false
		}
		v, err := strconv.ParseUint(p, 16, 8)
		if err != nil {
			return nil, false
		}
		out = append(out, byte(v))
	}
	return out, true
}

// ClientID computes the DHCPv4 client identifier for an ipv4.dhcp-client-id
// value. An empty value means "not configured": NetworkManager's internal
// client then uses the MAC client identifier. iaid4 is the IPv4 IAID, and
// duid6 the DHCPv6 DUID, for "duid" and "ipv6-duid"; for "ipv6-duid"
// NetworkManager passes the IPv6 IAID instead when ipv4.dhcp-iaid is not
// set explicitly (IAID reports whether it was).
func ClientID(value string, id Identity, iaid4 uint32, duid6 []byte) ([]byte, error) {
	switch value {
	case "", "mac":
		return ClientIDMAC(id.HWAddr)
	case "perm-mac":
		if id.PermMAC == nil {
			return nil, fmt.Errorf("client-id: missing permanent link-layer address")
		}
		return ClientIDMAC(id.PermMAC)
	case "duid":
		return ClientIDNodeSpecific(iaid4, id.MachineID), nil
	case "ipv6-duid":
		return ClientIDDUID(iaid4, duid6)
	case "stable":
		var salt [4]byte
		binary.BigEndian.PutUint32(salt[:], 2011610591+uint32(id.StableType))
		h := sha1.New()
		h.Write(salt[:])
		h.Write(append([]byte(id.StableID), 0))
		h.Write(id.Host.Key)
		d := h.Sum(nil)
		return append([]byte{0}, d[:15]...), nil
	}
	return ClientIDFromString(value)
}

// IAIDFromIfName is systemd's interface-name IAID.
func IAIDFromIfName(ifname string) uint32 {
	u := sipHash24(hashKey, []byte(ifname))
	return uint32(u&0xffffffff) ^ uint32(u>>32)
}

// IAID computes the IAID for an ipv4/ipv6.dhcp-iaid value; "" means the
// default (ifname). explicit is false when the default was used, also as a
// fallback after a failure.
func IAID(value string, id Identity) (iaid uint32, explicit bool, err error) {
	switch value {
	case "", "ifname":
		return IAIDFromIfName(id.IfName), value != "", nil
	case "mac", "perm-mac":
		hw := id.HWAddr
		if value == "perm-mac" {
			hw = id.PermMAC
		}
		if len(hw) < 4 {
			return IAIDFromIfName(id.IfName), false, fmt.Errorf("iaid: invalid link-layer address")
		}
		return binary.BigEndian.Uint32(hw[len(hw)-4:]), true, nil
	case "stable":
		var salt [4]byte
		binary.BigEndian.PutUint32(salt[:], 53390459+uint32(id.StableType))
		h := sha1.New()
		h.Write(salt[:])
		h.Write(append([]byte(id.StableID), 0))
		h.Write(append([]byte(id.IfName), 0))
		h.Write(id.Host.Key)
		return binary.BigEndian.Uint32(h.Sum(nil)[:4]), true, nil
	}
	v, ok := ParseIAID(value)
	if !ok {
		return IAIDFromIfName(id.IfName), false, fmt.Errorf("iaid: invalid value %q", value)
	}
	return v, true, nil
}

// ParseIAID parses a numeric IAID: decimal, 0x-hex, or "xx:xx:xx:xx".
func ParseIAID(s string) (uint32, bool) {
	if s == "" {
		return 0, false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEFx:", c) {
			return 0, false
		}
	}
	if v, err := strconv.ParseUint(s, 0, 32); err == nil {
		return uint32(v), true
	}
	if b, ok := parseHexColon(s); ok && len(b) == 4 && !strings.Contains(s, "x") {
		return binary.BigEndian.Uint32(b), true
	}
	return 0, false
}

// IAIDHex formats an IAID as NetworkManager shows it in option maps.
func IAIDHex(iaid uint32) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], iaid)
	return HexColon(b[:])
}

// HexColon formats bytes as "aa:bb:cc".
func HexColon(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	s := make([]byte, 0, len(b)*3-1)
	for i, c := range b {
		if i > 0 {
			s = append(s, ':')
		}
		s = hex.AppendEncode(s, []byte{c})
	}
	return string(s)
}

// epoch2000 is the DUID-LLT time origin.
var epoch2000 = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()

// DUIDLLT is a type-1 DUID.
func DUIDLLT(t int, hw []byte, at int64) []byte {
	rel := hwRelevant(t, hw)
	b := make([]byte, 8, 8+len(rel))
	binary.BigEndian.PutUint16(b[0:2], 1)
	binary.BigEndian.PutUint16(b[2:4], uint16(t))
	binary.BigEndian.PutUint32(b[4:8], uint32(max(0, at-epoch2000)))
	return append(b, rel...)
}

// DUIDLL is a type-3 DUID.
func DUIDLL(t int, hw []byte) []byte {
	rel := hwRelevant(t, hw)
	b := make([]byte, 4, 4+len(rel))
	binary.BigEndian.PutUint16(b[0:2], 3)
	binary.BigEndian.PutUint16(b[2:4], uint16(t))
	return append(b, rel...)
}

// DUIDUUID is a type-4 DUID.
func DUIDUUID(uuid [16]byte) []byte {
	return append([]byte{0, 4}, uuid[:]...)
}

// DUIDFromMachineID is the "lease" default: DUID-UUID of the SHA-256 of
// the binary machine ID.
func DUIDFromMachineID(m hostid.MachineID) []byte {
	sum := sha256.Sum256(m[:])
	var u [16]byte
	copy(u[:], sum[:16])
	return DUIDUUID(u)
}

// DUID computes the DHCPv6 DUID for an ipv6.dhcp-duid value ("" = the
// default "lease"). enforce is false for "lease", where a DUID stored in a
// lease would take precedence.
func DUID(value string, id Identity) (duid []byte, enforce bool, err error) {
	switch value {
	case "", "lease":
		return DUIDFromMachineID(id.MachineID), false, nil
	case "ll", "llt":
		t, ok := arpType(id.HWAddr)
		if !ok {
			return nil, true, fmt.Errorf("duid: unsupported link-layer address")
		}
		if value == "ll" {
			return DUIDLL(t, id.HWAddr), true, nil
		}
		return DUIDLLT(t, id.HWAddr, id.Host.Timestamp.Unix()), true, nil
	case "stable-ll", "stable-llt", "stable-uuid":
		const defaultSalt = 670531087
		salt := uint32(defaultSalt)
		t := -1
		if value != "stable-uuid" {
			var ok bool
			t, ok = arpType(id.HWAddr)
			if !ok {
				return nil, true, fmt.Errorf("duid: unsupported link-layer address")
			}
			if t == ARPHRDInfiniband {
				salt = 0x42492CEF + uint32(t)
			}
		}
		var sb [4]byte
		binary.BigEndian.PutUint32(sb[:], salt+uint32(id.StableType))
		h := sha256.New()
		h.Write(sb[:])
		h.Write([]byte(id.StableID))
		h.Write(id.Host.Key)
		d := h.Sum(nil)
		hwLen := 6
		if t == ARPHRDInfiniband {
			hwLen = 8
		}
		switch value {
		case "stable-ll":
			return DUIDLL(t, pad(d[:hwLen], t)), true, nil
		case "stable-llt":
			const threeYears = 356 * 24 * 3600 * 3
			now := id.Host.Timestamp.Unix()
			now = max(now, epoch2000+threeYears)
			ts := binary.BigEndian.Uint32(d[hwLen : hwLen+4])
			now -= int64(ts % threeYears)
			return DUIDLLT(t, pad(d[:hwLen], t), now), true, nil
		default:
			var u [16]byte
			copy(u[:], d[:16])
			return DUIDUUID(u), true, nil
		}
	}
	b, ok := parseHexColon(value)
	if !ok {
		// NetworkManager also accepts plain hex without colons.
		var err error
		b, err = hex.DecodeString(value)
		ok = err == nil
	}
	if !ok || len(b) <= 2 || len(b) > 128+2 {
		return nil, true, fmt.Errorf("duid: invalid value %q", value)
	}
	return b, true, nil
}

// pad gives hwRelevant a full-size hardware address for InfiniBand, whose
// relevant part is its last 8 bytes.
func pad(b []byte, t int) []byte {
	if t == ARPHRDInfiniband {
		return append(make([]byte, 12), b...)
	}
	return b
}
