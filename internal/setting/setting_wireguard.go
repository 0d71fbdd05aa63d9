package setting

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/godbus/dbus/v5"
)

// The "wireguard" setting: key, port and peers of a WireGuard interface.
var settingWireguard = &Info{
	Name:       "wireguard",
	NmcliTitle: "WireGuard VPN settings",
	NmcliParts: []NmcliPart{{"connection", true}, {"wireguard", true}},
	Priority:   prioHWBase,
	Props: []*Property{
		{Name: "fwmark", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 4, Type: intType{base: 16}}},
		{Name: "ip4-auto-default-route", Kind: KindInt32, DBus: "i", Default: int32(-1), Values: ternaryValues, Direct: true, Nmcli: &Nmcli{Order: 7, Type: ternaryType{}}},
		{Name: "ip6-auto-default-route", Kind: KindInt32, DBus: "i", Default: int32(-1), Values: ternaryValues, Direct: true, Nmcli: &Nmcli{Order: 8, Type: ternaryType{}}},
		{Name: "listen-port", Kind: KindUint32, DBus: "u", Range: rng(0, 65535), Direct: true, Nmcli: &Nmcli{Order: 3}},
		{Name: "mtu", Kind: KindUint32, DBus: "u", Direct: true, Nmcli: &Nmcli{Order: 6, Type: mtuType{}}},
		{Name: "peer-routes", Kind: KindBool, DBus: "b", Default: true, Direct: true, Nmcli: &Nmcli{Order: 5}},
		{Name: "peers", Kind: KindWireGuardPeers, DBus: "aa{sv}"},
		{Name: "private-key", Kind: KindString, DBus: "s", Secret: true, Direct: true, Nmcli: &Nmcli{Order: 1},
			Normalize: func(v any) any { return normalizeWGKey(v.(string)) }},
		{Name: "private-key-flags", Kind: KindUint32, DBus: "u", Mask: 0x7, SecretFlags: true, Direct: true, Nmcli: &Nmcli{Order: 2}},
	},
	Verify:        verifyWireguard,
	VerifySecrets: verifyWireguardSecrets,
}

// WireGuardPeer is one entry of wireguard.peers.
type WireGuardPeer struct {
	PublicKey           string
	Endpoint            string // "" when unset
	PresharedKey        string
	HasPresharedKey     bool
	PresharedKeyFlags   uint32 // NetworkManager's default for peers is 4 (not-required)
	PersistentKeepalive uint32
	AllowedIPs          []string
}

// NewWireGuardPeer returns a peer with NetworkManager's defaults.
func NewWireGuardPeer(publicKey string) WireGuardPeer {
	return WireGuardPeer{PublicKey: normalizeWGKey(publicKey), PresharedKeyFlags: SecretFlagNotRequired}
}

func (p WireGuardPeer) clone() WireGuardPeer {
	if p.AllowedIPs != nil {
		p.AllowedIPs = append([]string(nil), p.AllowedIPs...)
	}
	return p
}

// Secret flags.
const (
	SecretFlagNone        = 0x0
	SecretFlagAgentOwned  = 0x1
	SecretFlagNotSaved    = 0x2
	SecretFlagNotRequired = 0x4
)

// decodeWGKey decodes a base64 WireGuard key of 32 bytes; white space is
// ignored, as systemd's decoder NetworkManager uses does.
func decodeWGKey(s string) ([]byte, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' {
			return -1
		}
		return r
	}, s)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(s)
	}
	if err != nil || len(b) != 32 {
		return nil, false
	}
	return b, true
}

// normalizeWGKey re-encodes a valid key canonically; an invalid one stays
// as it is (and fails validation).
func normalizeWGKey(s string) string {
	if b, ok := decodeWGKey(s); ok {
		return base64.StdEncoding.EncodeToString(b)
	}
	return s
}

// WGKeyValid reports whether s is a valid base64 WireGuard key.
func WGKeyValid(s string) bool {
	_, ok := decodeWGKey(s)
	return ok
}

// parseEndpoint splits "HOST:PORT" or "[IPv6]:PORT"; ok is false for
// anything else.
func parseEndpoint(ep string) (host string, port uint16, ok bool) {
	s := strings.TrimSpace(ep)
	if s == "" {
		return "", 0, false
	}
	var sPort string
	if s[0] == '[' {
		end := strings.IndexByte(s, ']')
		if end <= 1 || end+1 >= len(s) || s[end+1] != ':' || end+2 >= len(s) {
			return "", 0, false
		}
		host, sPort = s[1:end], s[end+2:]
	} else {
		i := strings.LastIndexByte(s, ':')
		if i <= 0 || i+1 >= len(s) {
			return "", 0, false
		}
		host, sPort = s[:i], s[i+1:]
	}
	for i := 0; i < len(sPort); i++ {
		if sPort[i] < '0' || sPort[i] > '9' {
			return "", 0, false
		}
	}
	n, err := strconv.ParseUint(sPort, 10, 16)
	if err != nil || n == 0 {
		return "", 0, false
	}
	return host, uint16(n), true
}

// normalizeAllowedIP canonicalizes "ADDR[/LEN]"; ok is false when it does
// not parse.
func normalizeAllowedIP(s string) (string, bool) {
	a, l, ok := parseInetWithPrefix(0, s)
	if !ok {
		return "", false
	}
	if l >= 0 {
		return inetNtop(a) + "/" + strconv.Itoa(l), true
	}
	return inetNtop(a), true
}

func secretFlagsCheck(f uint32, disallowed uint32) string {
	if f == 0 {
		return ""
	}
	if f&^0x7 != 0 {
		return "unknown secret flags"
	}
	if f&(f-1) != 0 {
		return "conflicting secret flags"
	}
	if f&disallowed != 0 {
		if f&SecretFlagNotRequired != 0 {
			return "secret flags must not be \"not-required\""
		}
		return "secret flags not allowed"
	}
	return ""
}

// validPeer checks a peer as nm_wireguard_peer_is_valid does.
func validPeer(p WireGuardPeer, nonSecrets, secrets bool) string {
	if nonSecrets {
		if p.PublicKey == "" {
			return "missing public-key for peer"
		}
		if !WGKeyValid(p.PublicKey) {
			return "invalid public-key for peer"
		}
	}
	if secrets && p.HasPresharedKey && !WGKeyValid(p.PresharedKey) {
		return "invalid preshared-key for peer"
	}
	if nonSecrets {
		if msg := secretFlagsCheck(p.PresharedKeyFlags, 0); msg != "" {
			return msg
		}
		if p.Endpoint != "" {
			if _, _, ok := parseEndpoint(p.Endpoint); !ok {
				return "invalid endpoint for peer"
			}
		}
		for _, a := range p.AllowedIPs {
			if _, ok := normalizeAllowedIP(a); !ok {
				return fmt.Sprintf("invalid IP address \"%s\" for allowed-ip of peer", a)
			}
		}
	}
	return ""
}

func verifyWireguard(s *Setting, c *Connection) (Result, *Error) {
	const n = "wireguard"
	if err := requireInterfaceName(c); err != nil {
		return Invalid, err
	}
	if msg := secretFlagsCheck(s.Uint32("private-key-flags"), SecretFlagNotRequired); msg != "" {
		return Invalid, invalidProp(n, "private-key-flags", "%s", msg)
	}
	peers, _ := s.Get("peers").([]WireGuardPeer)
	for i, p := range peers {
		if msg := validPeer(p, true, false); msg != "" {
			code := ErrInvalidProperty
			if strings.HasPrefix(msg, "missing") {
				code = ErrMissingProperty
			}
			return Invalid, &Error{Code: code, Setting: n, Property: "peers",
				Message: fmt.Sprintf("wireguard.peers[%d]: %s", i, msg)}
		}
	}
	if c != nil {
		if s4 := c.settings["ipv4"]; s4 != nil {
			if m, ok := s4.String("method"); ok && m != "disabled" && m != "manual" {
				return Invalid, invalidProp("ipv4", "method", "method \"%s\" is not supported for WireGuard", m)
			}
		}
		if s6 := c.settings["ipv6"]; s6 != nil {
			if m, ok := s6.String("method"); ok && m != "ignore" && m != "link-local" && m != "manual" && m != "disabled" {
				return Invalid, invalidProp("ipv6", "method", "method \"%s\" is not supported for WireGuard", m)
			}
		}
	}
	return Success, nil
}

func verifyWireguardSecrets(s *Setting, c *Connection) *Error {
	if k, ok := s.String("private-key"); ok && !WGKeyValid(k) {
		return invalidProp("wireguard", "private-key", "key must be 32 bytes base64 encoded")
	}
	peers, _ := s.Get("peers").([]WireGuardPeer)
	for i, p := range peers {
		if msg := validPeer(p, false, true); msg != "" {
			return &Error{Code: ErrInvalidProperty, Setting: "wireguard", Property: "peers",
				Message: fmt.Sprintf("wireguard.peers[%d]: %s", i, msg)}
		}
	}
	return nil
}

// AddPeer appends a peer, replacing one with the same public key in place.
func AddPeer(peers []WireGuardPeer, p WireGuardPeer) []WireGuardPeer {
	for i := range peers {
		if peers[i].PublicKey == p.PublicKey {
			out := append([]WireGuardPeer(nil), peers...)
			out[i] = p
			return out
		}
	}
	return append(peers, p)
}

func wireguardDBusKeys() {
	dbusOverrides["wireguard.peers"] = &dbusKey{
		toMode: func(s *Setting, _ *Connection, mode Secrets) (dbus.Variant, bool) {
			peers, _ := s.Get("peers").([]WireGuardPeer)
			if len(peers) == 0 {
				return dbus.Variant{}, false
			}
			nonSecret := mode != OnlySecrets
			out := make([]map[string]dbus.Variant, 0, len(peers))
			for _, p := range peers {
				if p.PublicKey == "" {
					continue
				}
				d := map[string]dbus.Variant{"public-key": dbus.MakeVariant(p.PublicKey)}
				if nonSecret && p.Endpoint != "" {
					d["endpoint"] = dbus.MakeVariant(p.Endpoint)
				}
				if mode != NoSecrets && p.HasPresharedKey && (mode == WithSecrets || p.PresharedKeyFlags == 0) {
					d["preshared-key"] = dbus.MakeVariant(p.PresharedKey)
				}
				if nonSecret && p.PresharedKeyFlags != SecretFlagNotRequired {
					d["preshared-key-flags"] = dbus.MakeVariant(p.PresharedKeyFlags)
				}
				if nonSecret && p.PersistentKeepalive != 0 {
					d["persistent-keepalive"] = dbus.MakeVariant(p.PersistentKeepalive)
				}
				if nonSecret && len(p.AllowedIPs) > 0 {
					d["allowed-ips"] = dbus.MakeVariant(p.AllowedIPs)
				}
				out = append(out, d)
			}
			if len(out) == 0 {
				return dbus.Variant{}, false
			}
			return dbus.MakeVariant(out), true
		},
		from: func(s *Setting, v dbus.Variant, _ map[string]dbus.Variant) *Error {
			fail := func(code ErrorCode, format string, args ...any) *Error {
				return newError(code, "wireguard", "peers", format, args...).
					withPrefix2("wireguard", "peers", "failed to set property: ")
			}
			var peers []WireGuardPeer
			for i, d := range v.Value().([]map[string]dbus.Variant) {
				pk, ok := d["public-key"].Value().(string)
				if !ok {
					return fail(ErrMissingProperty, "peer #%d has no public-key", i+1)
				}
				if !WGKeyValid(pk) {
					return fail(ErrMissingProperty, "peer #%d has invalid public-key", i+1)
				}
				p := NewWireGuardPeer(pk)
				if ep, ok := d["endpoint"].Value().(string); ok {
					if _, _, ok := parseEndpoint(ep); !ok {
						return fail(ErrMissingProperty, "peer #%d has invalid endpoint", i+1)
					}
					p.Endpoint = ep
				}
				if psk, ok := d["preshared-key"].Value().(string); ok {
					p.PresharedKey, p.HasPresharedKey = normalizeWGKey(psk), true
				}
				if f, ok := d["preshared-key-flags"].Value().(uint32); ok {
					p.PresharedKeyFlags = f
				}
				if k, ok := d["persistent-keepalive"].Value().(uint32); ok {
					p.PersistentKeepalive = k
				}
				if ips, ok := d["allowed-ips"].Value().([]string); ok {
					for _, ip := range ips {
						norm, ok := normalizeAllowedIP(ip)
						if !ok {
							return fail(ErrMissingProperty, "peer #%d has invalid allowed-ips setting", i+1)
						}
						p.AllowedIPs = append(p.AllowedIPs, norm)
					}
				}
				if msg := validPeer(p, true, false); msg != "" {
					return fail(ErrMissingProperty, "peer #%d is invalid: %s", i+1, msg)
				}
				peers = AddPeer(peers, p)
			}
			s.set(s.info.props["peers"], peers)
			return nil
		},
	}
}
