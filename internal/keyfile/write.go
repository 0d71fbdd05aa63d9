package keyfile

import (
	"encoding/base64"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gonm/gonm/internal/gkeyfile"
	"github.com/gonm/gonm/internal/setting"
)

// WriteOptions parameterize Write.
type WriteOptions struct {
	// KeyfileDir, when set, makes certificate blobs files of their own in
	// that directory ("<uuid>-ca-cert.pem", ...) referenced by name, and
	// writes paths inside it relative, as NetworkManager's daemon does.
	// Empty keeps blobs inline as "data:;base64,...", as libnm does.
	KeyfileDir string
	// Meta is the [.nmmeta] group to add.
	Meta Meta
}

// Meta is what the daemon records about a profile's storage in the
// [.nmmeta] group.
type Meta struct {
	NMGenerated     bool
	Volatile        bool
	External        bool
	ShadowedStorage string
	ShadowedOwned   bool
}

// Written is the result of Write.
type Written struct {
	File *gkeyfile.File
	// Blobs are the certificate files the profile refers to, to be written
	// next to it (path → content, mode 0600).
	Blobs map[string][]byte
}

// writer holds the state of one Write.
type writer struct {
	kf   *gkeyfile.File
	opts WriteOptions
	conn *setting.Connection
	out  *Written
}

// propWriter writes one property that does not follow the generic rules.
type propWriter func(w *writer, s *setting.Setting, p *setting.Property)

// Write converts a profile to a keyfile: settings in NetworkManager's
// priority order, properties by name, defaults left out, secrets only
// when NetworkManager keeps them. The profile should verify.
func Write(c *setting.Connection, opts WriteOptions) *Written {
	w := &writer{kf: gkeyfile.New(), opts: opts, conn: c, out: &Written{}}
	for _, s := range c.Settings() {
		name := s.Name()
		group := name
		if a := AliasFor(name); a != "" {
			group = a
		}
		info := s.Info()
		if info.Gendata {
			w.writeGendata(s)
		}
		for _, p := range info.Props {
			if !p.Option {
				w.writeProperty(s, p)
			}
		}
		if w.kf.Group(group) == nil && w.kf.Group(name) == nil {
			w.kf.AddGroup(group)
		}
		if name == "wireguard" {
			w.writeWireGuardPeers(s)
		}
	}
	m := opts.Meta
	setBool := func(k string, v bool) {
		if v {
			w.kf.AddGroup(GroupNMMeta).SetRaw(k, "true")
		}
	}
	setBool(KeyNMGenerated, m.NMGenerated)
	setBool(KeyVolatile, m.Volatile)
	setBool(KeyExternal, m.External)
	if m.ShadowedStorage != "" {
		w.kf.AddGroup(GroupNMMeta).SetString(KeyShadowedStorage, m.ShadowedStorage)
	}
	setBool(KeyShadowedOwned, m.ShadowedOwned)
	w.out.File = w.kf
	return w.out
}

// group returns the group a setting's keys go to.
func (w *writer) group(name string) *gkeyfile.Group {
	if a := AliasFor(name); a != "" {
		return w.kf.AddGroup(a)
	}
	return w.kf.AddGroup(name)
}

func (w *writer) writeGendata(s *setting.Setting) {
	for _, p := range s.Info().Props {
		if !p.Option || !s.IsSet(p.Name) {
			continue
		}
		switch v := s.Get(p.Name).(type) {
		case bool:
			w.group(s.Name()).SetRaw(p.Name, strconv.FormatBool(v))
		case uint32:
			w.group(s.Name()).SetRaw(p.Name, strconv.FormatUint(uint64(v), 10))
		}
	}
}

// secretFlagsFor returns the flags that govern a secret: "<name>-flags",
// or wep-key-flags for the four WEP keys.
func secretFlagsFor(s *setting.Setting, prop string) uint32 {
	flags := prop + "-flags"
	if s.Name() == "802-11-wireless-security" && strings.HasPrefix(prop, "wep-key") && len(prop) == 8 {
		flags = "wep-key-flags"
	}
	if s.Info().Prop(flags) == nil {
		return 0
	}
	return s.Uint32(flags)
}

// isDefault tells whether a value is what NetworkManager's writer leaves
// out as the property's default: scalars equal to their default, and
// lists and dictionaries that are unset (they default to NULL there).
func isDefault(s *setting.Setting, p *setting.Property) bool {
	switch p.Kind {
	case setting.KindBool, setting.KindInt32, setting.KindUint32, setting.KindInt64,
		setting.KindUint64, setting.KindUint8, setting.KindString, setting.KindMAC:
		return !s.IsSet(p.Name)
	}
	return s.Get(p.Name) == nil || isNilValue(s.Get(p.Name))
}

func isNilValue(v any) bool {
	switch x := v.(type) {
	case []byte:
		return x == nil
	case []string:
		return x == nil
	case []uint32:
		return x == nil
	case map[string]string:
		return x == nil
	}
	return false
}

func (w *writer) writeProperty(s *setting.Setting, p *setting.Property) {
	full := s.Name() + "." + p.Name
	sp, special := specialProps[full]
	if special && sp.skip || p.KF.Skip || p.KF.SkipWrite {
		return
	}
	switch p.Kind {
	case setting.KindWireGuardPeers, setting.KindTeamLinkWatchers:
		return
	}
	if p.Secret && s.Name() != "vpn" && secretFlagsFor(s, p.Name) != 0 {
		return
	}
	if !p.KF.WriteDefault && isDefault(s, p) {
		return
	}
	if special && sp.write != nil {
		sp.write(w, s, p)
		return
	}
	g := w.group(s.Name())
	switch v := s.Get(p.Name).(type) {
	case string:
		g.SetString(p.Name, v)
	case bool:
		g.SetRaw(p.Name, strconv.FormatBool(v))
	case int32:
		g.SetRaw(p.Name, strconv.FormatInt(int64(v), 10))
	case uint32:
		g.SetRaw(p.Name, strconv.FormatUint(uint64(v), 10))
	case int64:
		g.SetRaw(p.Name, strconv.FormatInt(v, 10))
	case uint64:
		g.SetRaw(p.Name, strconv.FormatUint(v, 10))
	case uint8:
		g.SetRaw(p.Name, strconv.Itoa(int(v)))
	case []byte:
		if len(v) > 0 {
			g.SetRaw(p.Name, byteList(v))
		}
	case []string:
		if len(v) > 0 || p.KF.AlwaysWrite {
			g.SetList(p.Name, v)
		}
	case []uint32:
		if len(v) > 0 {
			var b strings.Builder
			for _, n := range v {
				b.WriteString(strconv.FormatUint(uint64(n), 10) + ";")
			}
			g.SetRaw(p.Name, b.String())
		}
	case map[string]string:
		w.writeHash(s, p)
	}
}

func byteList(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		sb.WriteString(strconv.Itoa(int(c)))
		sb.WriteByte(';')
	}
	return sb.String()
}

func (w *writer) writeTypeAlias(s *setting.Setting, p *setting.Property) {
	v := s.Str(p.Name)
	if a := AliasFor(v); a != "" {
		v = a
	}
	w.group(s.Name()).SetString(p.Name, v)
}

func (w *writer) writeNonEmptyList(s *setting.Setting, p *setting.Property) {
	if l := s.Strv(p.Name); len(l) > 0 {
		w.group(s.Name()).SetList(p.Name, l)
	}
}

// writeSSID writes printable SSIDs as text (';' escaped) and others as a
// list of byte values.
func (w *writer) writeSSID(s *setting.Setting, p *setting.Property) {
	b := s.Bytes(p.Name)
	if b == nil {
		return
	}
	printable := true
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			printable = false
			break
		}
	}
	if printable {
		w.group(s.Name()).SetString(p.Name, strings.ReplaceAll(string(b), ";", `\;`))
		return
	}
	w.group(s.Name()).SetRaw(p.Name, byteList(b))
}

func (w *writer) writePasswordRaw(s *setting.Setting, p *setting.Property) {
	if b := s.Bytes(p.Name); b != nil {
		w.group(s.Name()).SetRaw(p.Name, byteList(b))
	}
}

// certFileSuffixes name the files certificate blobs are moved to.
var certFileSuffixes = map[string]string{
	"ca-cert": "ca-cert", "client-cert": "client-cert", "private-key": "private-key",
	"phase2-ca-cert": "inner-ca-cert", "phase2-client-cert": "inner-client-cert", "phase2-private-key": "inner-private-key",
}

func (w *writer) writeCert(s *setting.Setting, p *setting.Property) {
	b := s.Bytes(p.Name)
	scheme, _ := setting.CertScheme(b)
	g := w.group(s.Name())
	switch scheme {
	case setting.CertSchemePath:
		path := string(b[len(certSchemePrefixPath) : len(b)-1])
		g.SetString(p.Name, w.certPathValue(path))
	case setting.CertSchemePKCS11:
		g.SetString(p.Name, string(b[:len(b)-1]))
	case setting.CertSchemeBlob:
		if w.opts.KeyfileDir == "" {
			g.SetString(p.Name, certSchemePrefixBlob+base64.StdEncoding.EncodeToString(b))
			return
		}
		ext := "pem"
		if strings.HasSuffix(p.Name, "private-key") {
			if isPKCS12Key(b) {
				ext = "p12"
			}
		} else if len(b) > 2 && b[0] == 0x30 && b[1] == 0x82 {
			ext = "der"
		}
		name := fmt.Sprintf("%s-%s.%s", w.conn.UUID(), certFileSuffixes[p.Name], ext)
		if w.out.Blobs == nil {
			w.out.Blobs = map[string][]byte{}
		}
		w.out.Blobs[filepath.Join(w.opts.KeyfileDir, name)] = b
		g.SetString(p.Name, name)
	}
}

// isPKCS12Key recognizes a DER PKCS#12 container (SEQUENCE, INTEGER 3).
func isPKCS12Key(b []byte) bool {
	if len(b) < 4 || b[0] != 0x30 {
		return false
	}
	i := 2
	if b[1]&0x80 != 0 {
		i += int(b[1] & 0x7f)
	}
	return i+2 < len(b) && b[i] == 0x02 && b[i+1] == 0x01 && b[i+2] == 0x03
}

// certPathValue chooses how to write a certificate path so the reader
// takes it back as a path: relative inside the keyfile directory (daemon),
// bare when it looks like a path, else with "file://".
func (w *writer) certPathValue(path string) string {
	if w.opts.KeyfileDir == "" {
		if path != "" && !strings.HasPrefix(path, "/") {
			// libnm makes relative paths absolute against the working
			// directory; gonm has none to offer and keeps "file://".
			return certSchemePrefixPath + path
		}
		if uri, _ := detectUnqualifiedPath(filepath.Dir(path), []byte(path), false, nil); uri != "" {
			return path
		}
		return certSchemePrefixPath + path
	}
	dir := w.opts.KeyfileDir
	if rest, ok := strings.CutPrefix(path, dir); ok && strings.HasPrefix(rest, "/") {
		rest = strings.TrimLeft(rest, "/")
		if rest != "" {
			if uri, _ := detectUnqualifiedPath(dir, []byte(rest), false, nil); uri != "" {
				return rest
			}
		}
	}
	if uri, _ := detectUnqualifiedPath(dir, []byte(path), false, nil); uri != "" {
		return path
	}
	return certSchemePrefixPath + path
}

// writeAddressesOrRoutes writes "address1=ADDR/PLEN[,GATEWAY]" and
// "route1=DEST/PLEN[,NEXTHOP[,METRIC]]" plus "route1_options=...".
func (w *writer) writeAddressesOrRoutes(s *setting.Setting, p *setting.Property) {
	g := w.group(s.Name())
	af := setting.FamilyOf(s.Name())
	zero := "0.0.0.0"
	if af == setting.AFInet6 {
		zero = "::"
	}
	if p.Name == "addresses" {
		gw, _ := s.String("gateway")
		for i, a := range s.Addresses() {
			v := a.String()
			if i == 0 && gw != "" {
				v += "," + gw
			}
			g.SetString("address"+strconv.Itoa(i+1), v)
		}
		return
	}
	for i, r := range s.Routes() {
		v := setting.FormatIP(r.Dest) + "/" + strconv.Itoa(int(r.Prefix))
		if r.Metric != -1 || r.NextHop.IsValid() {
			nh := zero
			if r.NextHop.IsValid() {
				nh = setting.FormatIP(r.NextHop)
			}
			v += "," + nh
			if r.Metric != -1 {
				v += "," + strconv.FormatInt(r.Metric, 10)
			}
		}
		key := "route" + strconv.Itoa(i+1)
		g.SetString(key, v)
		if attrs := setting.FormatAttributes(r.Attrs, nil, ',', '='); attrs != "" {
			g.SetString(key+"_options", attrs)
		}
	}
}

func (w *writer) writeRoutingRules(s *setting.Setting, p *setting.Property) {
	g := w.group(s.Name())
	for i, r := range s.RoutingRules() {
		g.SetString("routing-rule"+strconv.Itoa(i+1), r.String())
	}
}

func (w *writer) writeAddrGenMode(s *setting.Setting, p *setting.Property) {
	m := s.Int32(p.Name)
	if m == setting.AddrGenModeDefaultEUI64 {
		return
	}
	name, ok := setting.AddrGenModeNames[m]
	if !ok {
		name = strconv.Itoa(int(m))
	}
	w.group(s.Name()).SetString(p.Name, name)
}

// writeHash writes a dictionary as keys of the setting's group (bond
// options, user data, vpn data), sorted and encoded.
func (w *writer) writeHash(s *setting.Setting, p *setting.Property) {
	m := s.StrDict(p.Name)
	g := w.group(s.Name())
	for _, k := range slices.Sorted(maps.Keys(m)) {
		g.SetString(EncodeKey(k), m[k])
	}
}

// writeVPNSecrets writes the secrets NetworkManager keeps (flags 0) to
// [vpn-secrets].
func (w *writer) writeVPNSecrets(s *setting.Setting, p *setting.Property) {
	secrets := s.StrDict(p.Name)
	data := s.StrDict("data")
	for _, k := range slices.Sorted(maps.Keys(secrets)) {
		if f, ok := data[k+"-flags"]; ok {
			if n, ok := setting.ParseInt(f, 10, 0, 1<<32-1); !ok || n != 0 {
				continue
			}
		}
		w.kf.AddGroup(GroupVPNSecrets).SetString(EncodeKey(k), secrets[k])
	}
}

func (w *writer) writeStrdictData(s *setting.Setting, p *setting.Property) {
	m := s.StrDict(p.Name)
	g := w.group(s.Name())
	for _, k := range slices.Sorted(maps.Keys(m)) {
		g.SetString(strdictDataPrefix+EncodeKey(k), m[k])
	}
}

func (w *writer) writeS390(s *setting.Setting, p *setting.Property) {
	m := s.StrDict(p.Name)
	if len(m) == 0 {
		return
	}
	if w.kf.Group("802-3-ethernet") == nil && w.kf.Group("ethernet") == nil {
		w.kf.AddGroup("ethernet")
	}
	g := w.kf.AddGroup(groupEthernetS390)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		g.SetString(EncodeKey(k), m[k])
	}
}

func (w *writer) writeSriovVFs(s *setting.Setting, p *setting.Property) {
	vfs, _ := s.Get(p.Name).([]setting.SriovVF)
	g := w.group(s.Name())
	for _, vf := range vfs {
		idx, _ := vf.Attrs["index"].Value().(uint32)
		g.SetString("vf."+strconv.FormatUint(uint64(idx), 10), setting.SriovVFDetail(vf))
	}
}

// writeWireGuardPeers writes one group per peer; a peer with nothing to
// say gets an empty endpoint so that its group exists.
func (w *writer) writeWireGuardPeers(s *setting.Setting) {
	peers, _ := s.Get("peers").([]setting.WireGuardPeer)
	for _, p := range peers {
		if p.PublicKey == "" || !isBase64Chars(p.PublicKey) || len(p.PublicKey) > 200 {
			continue
		}
		g := w.kf.AddGroup(GroupPrefixWireGuard + p.PublicKey)
		any := false
		if p.Endpoint != "" {
			g.SetString("endpoint", p.Endpoint)
			any = true
		}
		if p.PresharedKeyFlags == setting.SecretFlagNone && p.HasPresharedKey {
			g.SetString("preshared-key", p.PresharedKey)
			any = true
		}
		if p.PresharedKeyFlags != setting.SecretFlagNotRequired {
			g.SetRaw("preshared-key-flags", strconv.FormatUint(uint64(p.PresharedKeyFlags), 10))
			any = true
		}
		if p.PersistentKeepalive != 0 {
			g.SetRaw("persistent-keepalive", strconv.FormatUint(uint64(p.PersistentKeepalive), 10))
			any = true
		}
		if len(p.AllowedIPs) > 0 {
			g.SetList("allowed-ips", p.AllowedIPs)
			any = true
		}
		if !any {
			g.SetString("endpoint", "")
		}
	}
}

func isBase64Chars(s string) bool {
	return strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") == "" && !slices.Contains([]string{""}, s)
}
