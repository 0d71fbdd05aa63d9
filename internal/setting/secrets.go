package setting

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/godbus/dbus/v5"
)

// Secret handling beyond plain serialization: who owns a secret (its
// flags), dropping secrets by owner, and merging secrets a secret agent or
// the daemon returns into a profile, with NetworkManager's rules.

// SecretFlags returns the flags that govern a secret of the setting:
// "<secret>-flags", wep-key-flags for the four WEP keys, and for a key of
// vpn.secrets the "<key>-flags" entry of vpn.data (none when missing or
// not a number).
func (s *Setting) SecretFlags(secret string) uint32 {
	if s.info.Name == "vpn" {
		raw, ok := s.StrDict("data")[secret+"-flags"]
		if !ok {
			return SecretFlagNone
		}
		n, ok := ParseInt(raw, 10, 0, 1<<32-1)
		if !ok {
			return SecretFlagNone
		}
		return uint32(n)
	}
	flags := secret + "-flags"
	if s.info.Name == "802-11-wireless-security" && strings.HasPrefix(secret, "wep-key") && len(secret) == 8 {
		flags = "wep-key-flags"
	}
	if s.info.Prop(flags) == nil {
		return SecretFlagNone
	}
	return s.Uint32(flags)
}

// ClearSecretsIf removes every secret for which drop, given the setting's
// name and the secret's flags, says so; nil drops all. VPN secrets go key
// by key, WireGuard pre-shared keys peer by peer.
func (c *Connection) ClearSecretsIf(drop func(setting string, flags uint32) bool) {
	if drop == nil {
		drop = func(string, uint32) bool { return true }
	}
	for _, s := range c.Settings() {
		name := s.Name()
		for _, p := range s.info.Props {
			if !p.Secret || !s.IsSet(p.Name) {
				continue
			}
			if name == "vpn" && p.Name == "secrets" {
				kept := map[string]string{}
				for k, v := range s.StrDict(p.Name) {
					if !drop(name, s.SecretFlags(k)) {
						kept[k] = v
					}
				}
				s.MustSet(p.Name, kept)
				continue
			}
			if drop(name, s.SecretFlags(p.Name)) {
				s.Unset(p.Name)
			}
		}
		if name == "wireguard" {
			peers, _ := s.Get("peers").([]WireGuardPeer)
			if peers == nil {
				continue
			}
			out := make([]WireGuardPeer, len(peers))
			for i, peer := range peers {
				out[i] = peer.clone()
				if peer.HasPresharedKey && drop(name, peer.PresharedKeyFlags) {
					out[i].PresharedKey, out[i].HasPresharedKey = "", false
				}
			}
			s.MustSet("peers", out)
		}
	}
}

// SecretsDBus returns the secrets of the profile that keep accepts (by
// their flags), as GetSecrets encodes them; settings without such secrets
// are left out.
func (c *Connection) SecretsDBus(keep func(flags uint32) bool) Dict {
	cl := c.Clone()
	cl.ClearSecretsIf(func(_ string, f uint32) bool { return !keep(f) })
	return cl.ToDBus(OnlySecrets)
}

// SystemOwned selects secrets NetworkManager keeps itself: neither
// agent-owned nor not-saved.
func SystemOwned(flags uint32) bool { return flags&(SecretFlagAgentOwned|SecretFlagNotSaved) == 0 }

// AgentOwned selects secrets a secret agent keeps.
func AgentOwned(flags uint32) bool { return flags&SecretFlagAgentOwned != 0 }

// HasSecrets reports whether the profile holds any secret.
func (c *Connection) HasSecrets() bool {
	for _, s := range c.Settings() {
		for _, p := range s.info.Props {
			if !p.Secret || !s.IsSet(p.Name) {
				continue
			}
			if m, ok := s.Get(p.Name).(map[string]string); ok && len(m) == 0 {
				continue
			}
			return true
		}
		if s.Name() == "wireguard" {
			peers, _ := s.Get("peers").([]WireGuardPeer)
			for _, peer := range peers {
				if peer.HasPresharedKey {
					return true
				}
			}
		}
	}
	return false
}

// UpdateSecrets merges one setting's secrets dictionary into the profile,
// as NetworkManager applies what GetSecrets or a secret agent returns: an
// unknown key is an error (PropertyNotFound "secret not found"), keys that
// are not secrets and values of the wrong type are ignored, VPN secrets
// are merged key by key and WireGuard pre-shared keys go to the peer with
// the same public key. The setting must exist.
func (c *Connection) UpdateSecrets(settingName string, sd map[string]dbus.Variant) *Error {
	s := c.settings[settingName]
	if s == nil {
		return newError(ErrSettingNotFound, "", "", "%s", settingName)
	}
	for _, key := range slices.Sorted(maps.Keys(sd)) {
		v := sd[key]
		if settingName == "wireguard" && key == "peers" {
			s.updatePeerSecrets(v)
			continue
		}
		p := s.info.Prop(key)
		if p == nil {
			if s.info.dbusKey(key) != nil {
				continue // a D-Bus-only key: never a secret
			}
			return newError(ErrPropertyNotFound, settingName, key, "secret not found")
		}
		if !p.Secret {
			continue
		}
		if settingName == "vpn" && key == "secrets" {
			m, ok := v.Value().(map[string]string)
			if !ok {
				continue
			}
			merged := map[string]string{}
			for k, x := range s.StrDict(key) {
				merged[k] = x
			}
			for k, x := range m {
				merged[k] = x
			}
			s.MustSet(key, merged)
			continue
		}
		val, err := variantToValue(p, v)
		if err != nil || val == nil {
			continue
		}
		s.set(p, val)
	}
	return nil
}

// updatePeerSecrets takes the pre-shared keys of the peers listed in v
// (aa{sv} with public-key and preshared-key) for the peers the setting
// has.
func (s *Setting) updatePeerSecrets(v dbus.Variant) {
	list, ok := v.Value().([]map[string]dbus.Variant)
	if !ok {
		return
	}
	peers, _ := s.Get("peers").([]WireGuardPeer)
	if len(peers) == 0 {
		return
	}
	out := make([]WireGuardPeer, len(peers))
	for i := range peers {
		out[i] = peers[i].clone()
	}
	for _, d := range list {
		pk, _ := d["public-key"].Value().(string)
		psk, ok := d["preshared-key"].Value().(string)
		if !ok {
			continue
		}
		for i := range out {
			if out[i].PublicKey == normalizeWGKey(pk) {
				out[i].PresharedKey, out[i].HasPresharedKey = normalizeWGKey(psk), true
			}
		}
	}
	s.MustSet("peers", out)
}

// dbusKey finds a D-Bus key of the setting.
func (info *Info) dbusKey(name string) *dbusKey {
	for _, k := range info.dbus {
		if k.name == name {
			return k
		}
	}
	return nil
}

// FilterSecretsDict keeps the entries of one setting's secrets dictionary
// whose flags (as the profile has them) keep accepts, and drops keys that
// are not secrets of the setting; NetworkManager filters what an agent
// returns this way before using it. VPN secrets are filtered key by key,
// WireGuard pre-shared keys peer by peer.
func (c *Connection) FilterSecretsDict(settingName string, sd map[string]dbus.Variant, keep func(flags uint32) bool) map[string]dbus.Variant {
	s := c.settings[settingName]
	out := map[string]dbus.Variant{}
	if s == nil {
		return out
	}
	for key, v := range sd {
		switch {
		case settingName == "vpn" && key == "secrets":
			m, ok := v.Value().(map[string]string)
			if !ok {
				continue
			}
			kept := map[string]string{}
			for k, x := range m {
				if keep(s.SecretFlags(k)) {
					kept[k] = x
				}
			}
			if len(kept) > 0 {
				out[key] = dbus.MakeVariant(kept)
			}
		case settingName == "wireguard" && key == "peers":
			list, ok := v.Value().([]map[string]dbus.Variant)
			if !ok {
				continue
			}
			peers, _ := s.Get("peers").([]WireGuardPeer)
			var kept []map[string]dbus.Variant
			for _, d := range list {
				pk, _ := d["public-key"].Value().(string)
				for _, p := range peers {
					if p.PublicKey == normalizeWGKey(pk) && keep(p.PresharedKeyFlags) {
						kept = append(kept, d)
						break
					}
				}
			}
			if kept != nil {
				out[key] = dbus.MakeVariant(kept)
			}
		default:
			p := s.info.Prop(key)
			if p == nil || !p.Secret {
				continue
			}
			if keep(s.SecretFlags(key)) {
				out[key] = v
			}
		}
	}
	return out
}

// AnySystemSecretFlags reports whether some secret of the profile, set or
// not, is marked as kept by NetworkManager itself (flags 0): such a
// profile's secrets may be sent to an agent only when it may modify the
// profile.
func (c *Connection) AnySystemSecretFlags() bool {
	for _, s := range c.Settings() {
		switch s.Name() {
		case "vpn":
			for k := range s.StrDict("secrets") {
				if s.SecretFlags(k) == SecretFlagNone {
					return true
				}
			}
			for k := range s.StrDict("data") {
				name, ok := strings.CutSuffix(k, "-flags")
				if ok && name != "" && s.SecretFlags(name) == SecretFlagNone {
					return true
				}
			}
			continue
		case "wireguard":
			peers, _ := s.Get("peers").([]WireGuardPeer)
			for _, p := range peers {
				if p.PresharedKeyFlags == SecretFlagNone {
					return true
				}
			}
		}
		for _, p := range s.info.Props {
			if p.Secret && s.SecretFlags(p.Name) == SecretFlagNone {
				return true
			}
		}
	}
	return false
}

// SetSecretFlags sets the flags of a secret: its "<secret>-flags"
// property, or for vpn.secrets keys the "<key>-flags" entry of vpn.data.
// Secrets without flags (wireguard.peers as a whole) are left alone.
func (s *Setting) SetSecretFlags(secret string, flags uint32) {
	if s.info.Name == "vpn" {
		if secret == "secrets" {
			return
		}
		data := map[string]string{}
		for k, v := range s.StrDict("data") {
			data[k] = v
		}
		data[secret+"-flags"] = strconv.FormatUint(uint64(flags), 10)
		s.MustSet("data", data)
		return
	}
	name := secret + "-flags"
	if s.info.Name == "802-11-wireless-security" && strings.HasPrefix(secret, "wep-key") && len(secret) == 8 {
		name = "wep-key-flags"
	}
	if p := s.info.Prop(name); p != nil && p.SecretFlags {
		s.MustSet(name, flags)
	}
}
