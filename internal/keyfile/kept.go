package keyfile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/gkeyfile"
	"github.com/gonm/gonm/internal/setting"
)

type dbusVariant = dbus.Variant

func (r *reader) readSriovVFs(s *setting.Setting, p *setting.Property) {
	g := r.lookup(s.Name())
	if g == nil {
		return
	}
	var vfs []setting.SriovVF
	for _, k := range g.Keys() {
		idx, ok := strings.CutPrefix(k, "vf.")
		if !ok || strings.Trim(idx, "0123456789") != "" {
			continue
		}
		v, _, err := g.String(k)
		if err != nil {
			continue
		}
		vf, err := setting.SriovVFFromString(idx, v, true)
		if err != nil {
			continue
		}
		vfs = append(vfs, vf)
	}
	if vfs != nil {
		s.MustSet(p.Name, vfs)
	}
}

// --- WireGuard peers: one [wireguard-peer.PUBLIC-KEY] group each ---

func (r *reader) readWireGuardPeer(g *gkeyfile.Group) {
	warn := func(key, format string, args ...any) {
		if r.opts.Warn != nil {
			r.opts.Warn(Warning{Group: g.Name, Key: key, Property: "peers", Severity: SeverityWarn, Message: fmt.Sprintf(format, args...)})
		}
	}
	key := strings.TrimPrefix(g.Name, GroupPrefixWireGuard)
	if !setting.WGKeyValid(key) || setting.NormalizeWGKey(key) != key {
		warn("", "invalid peer public key in section '%s'", g.Name)
		return
	}
	peer := setting.NewWireGuardPeer(key)
	if v, ok, err := g.String("preshared-key"); ok && err == nil {
		if setting.WGKeyValid(v) {
			peer.PresharedKey, peer.HasPresharedKey = setting.NormalizeWGKey(v), true
		} else {
			warn("preshared-key", "key '%s.%s' is not a valid 256 bit key in base64 encoding", g.Name, "preshared-key")
		}
	}
	if raw, ok := g.Raw("preshared-key-flags"); ok {
		n, ok := setting.ParseInt(raw, 0, 0, 7)
		if !ok {
			warn("preshared-key-flags", "key '%s.%s' is not a valid secret flag", g.Name, "preshared-key-flags")
		} else {
			peer.PresharedKeyFlags = uint32(n)
		}
	}
	if raw, ok := g.Raw("persistent-keepalive"); ok {
		n, ok := setting.ParseInt(raw, 0, 0, 1<<32-1)
		if !ok {
			warn("persistent-keepalive", "key '%s.%s' is not a integer in range 0 to 2^32", g.Name, "persistent-keepalive")
		} else {
			peer.PersistentKeepalive = uint32(n)
		}
	}
	if v, ok, err := g.String("endpoint"); ok && err == nil && v != "" {
		if setting.WGEndpointValid(v) {
			peer.Endpoint = v
		} else {
			warn("endpoint", "key '%s.%s' is not a valid endpoint", g.Name, "endpoint")
		}
	}
	if l, ok, err := g.List("allowed-ips"); ok && err == nil && len(l) > 0 {
		bad := false
		for _, a := range l {
			n, ok := setting.NormalizeAllowedIP(a)
			if !ok {
				bad = true
				continue
			}
			peer.AllowedIPs = append(peer.AllowedIPs, n)
		}
		if bad {
			warn("allowed-ips", "key '%s.%s' has invalid allowed-ips", g.Name, "allowed-ips")
		}
	}
	if msg := setting.PeerProblem(peer, true, true); msg != "" {
		warn("", "peer '%s' is invalid: %s", g.Name, msg)
		return
	}
	wg := r.conn.Ensure("wireguard")
	peers, _ := wg.Get("peers").([]setting.WireGuardPeer)
	wg.MustSet("peers", setting.AddPeer(slices.Clone(peers), peer))
}
