package keyfile

import (
	"bytes"
	"encoding/base64"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gonm/gonm/internal/setting"
)

// specialProp is how one property deviates from the generic keyfile rules
// for its kind; the table mirrors NetworkManager's per-property parsers
// and writers.
type specialProp struct {
	skip bool // neither read nor written
	// noCheckKey: the reader runs even when the key of the property's own
	// name is absent (the value lives under other keys).
	noCheckKey bool
	read       propReader
	write      propWriter
}

var specialProps map[string]specialProp

func init() {
	mac := func(n int, cloned bool) specialProp {
		return specialProp{read: func(r *reader, s *setting.Setting, p *setting.Property) { r.readMAC(s, p, n, cloned) }}
	}
	cert := specialProp{read: (*reader).readCert, write: (*writer).writeCert}
	ip := specialProp{noCheckKey: true, read: (*reader).readAddressesOrRoutes, write: (*writer).writeAddressesOrRoutes}
	dns := specialProp{noCheckKey: true, read: (*reader).readDNS, write: (*writer).writeNonEmptyList}
	rules := specialProp{noCheckKey: true, read: (*reader).readRoutingRules, write: (*writer).writeRoutingRules}
	vlans := tokenListProp(setting.ParseBridgeVlan, "bridge VLAN")
	qdiscs := tcListProp("qdisc", setting.QdiscFromString,
		func(q setting.TCQdisc) map[string]dbusVariant { return q.Attrs }, setting.QdiscRest)
	tfilters := tcListProp("tfilter", setting.TfilterFromString,
		func(f setting.TCTfilter) map[string]dbusVariant { return f.Attrs }, setting.TfilterRest)
	hash := specialProp{noCheckKey: true, read: (*reader).readHash, write: (*writer).writeHash}
	strdict := specialProp{noCheckKey: true, read: (*reader).readStrdictData, write: (*writer).writeStrdictData}
	skip := specialProp{skip: true}
	specialProps = map[string]specialProp{
		"802-11-wireless.bssid":              mac(6, false),
		"802-11-wireless.cloned-mac-address": mac(6, true),
		"802-11-wireless.mac-address":        mac(6, false),
		"802-11-wireless.seen-bssids":        skip,
		"802-11-wireless.ssid":               {read: (*reader).readSSID, write: (*writer).writeSSID},
		"802-1x.ca-cert":                     cert,
		"802-1x.client-cert":                 cert,
		"802-1x.phase2-ca-cert":              cert,
		"802-1x.phase2-client-cert":          cert,
		"802-1x.phase2-private-key":          cert,
		"802-1x.private-key":                 cert,
		"802-1x.password-raw":                {read: (*reader).readPasswordRaw, write: (*writer).writePasswordRaw},
		"802-3-ethernet.cloned-mac-address":  mac(6, true),
		"802-3-ethernet.mac-address":         mac(6, false),
		"802-3-ethernet.s390-options":        {noCheckKey: true, read: (*reader).readS390, write: (*writer).writeS390},
		"bluetooth.bdaddr":                   mac(6, false),
		"bond.options":                       hash,
		"bridge.mac-address":                 mac(6, false),
		"bridge.vlans":                       vlans,
		"bridge-port.vlans":                  vlans,
		"ovs-port.trunks":                    tokenListProp(setting.ParseRange, "range"),
		"connection.read-only":               skip,
		"connection.type":                    {read: (*reader).readTypeAlias, write: (*writer).writeTypeAlias},
		"infiniband.mac-address":             mac(20, false),
		"ipv4.addresses":                     ip,
		"ipv4.dns":                           dns,
		"ipv4.routes":                        ip,
		"ipv4.routing-rules":                 rules,
		"ipv6.addresses":                     ip,
		"ipv6.dns":                           dns,
		"ipv6.routes":                        ip,
		"ipv6.routing-rules":                 rules,
		"ipv6.addr-gen-mode":                 {noCheckKey: true, read: (*reader).readAddrGenMode, write: (*writer).writeAddrGenMode},
		"ovs-external-ids.data":              strdict,
		"ovs-other-config.data":              strdict,
		"serial.parity":                      {read: (*reader).readParity},
		"sriov.vfs":                          {noCheckKey: true, read: (*reader).readSriovVFs, write: (*writer).writeSriovVFs},
		"tc.qdiscs":                          qdiscs,
		"tc.tfilters":                        tfilters,
		"user.data":                          hash,
		"vpn.data":                           hash,
		"vpn.secrets":                        {noCheckKey: true, read: (*reader).readHash, write: (*writer).writeVPNSecrets},
		"wimax.mac-address":                  mac(6, false),
	}
	// team and team-port keep only their JSON "config" in a keyfile; the
	// other properties are views of it.
	for _, name := range []string{"team", "team-port"} {
		info := setting.Lookup(name)
		for _, p := range info.Props {
			if p.Name != "config" {
				specialProps[name+"."+p.Name] = skip
			}
		}
	}
}

// clonedSpecial are the cloned-mac-address keywords kept as they are.
var clonedSpecial = []string{"preserve", "permanent", "random", "stable"}

func (r *reader) readMAC(s *setting.Setting, p *setting.Property, n int, cloned bool) {
	v, ok := r.str(s.Name(), p.Name)
	if cloned && ok && slices.Contains(clonedSpecial, v) {
		s.MustSet(p.Name, v)
		return
	}
	if ok {
		if b, ok := setting.HwaddrAton(v, n); ok {
			s.MustSet(p.Name, setting.HwaddrNtoa(b))
			return
		}
	}
	// The old format: a list of byte values.
	if l, err := r.uintList(s.Name(), p.Name); err == nil && len(l) == n {
		b := make([]byte, n)
		good := true
		for i, x := range l {
			if x > 255 {
				good = false
				break
			}
			b[i] = byte(x)
		}
		if good {
			s.MustSet(p.Name, setting.HwaddrNtoa(b))
			return
		}
	}
	r.warn(p.Name, p.Name, SeverityWarn, "ignoring invalid MAC address")
}

func (r *reader) readTypeAlias(s *setting.Setting, p *setting.Property) {
	v, ok := r.str(s.Name(), p.Name)
	if !ok {
		return
	}
	if a := SettingForAlias(v); a != "" {
		v = a
	}
	s.MustSet(p.Name, v)
}

// getBytes reads a binary value: the old integer-list form ("1;2;3;") or a
// plain string, in which "\;" may stand for ';'. nil means invalid.
func (r *reader) getBytes(name, key string, zeroTerminate, unescapeSemicolon bool) []byte {
	v, ok := r.str(name, key)
	if !ok {
		return nil
	}
	if v == "" {
		return []byte{}
	}
	mayBeList := true
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !isGSpace(c) && (c < '0' || c > '9') && c != ';' {
			mayBeList = false
			break
		}
	}
	if mayBeList {
		if b, ok := parseByteList(v); ok {
			return b
		}
	}
	b := []byte(v)
	if unescapeSemicolon {
		b = bytes.ReplaceAll(b, []byte(`\;`), []byte(`;`))
	}
	if zeroTerminate {
		b = append(b, 0)
	}
	if len(b) == 0 {
		return nil
	}
	return b
}

func isGSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// parseByteList parses "N;N;...;" with one to three digits per number,
// blanks around numbers and a ';' after each.
func parseByteList(s string) ([]byte, bool) {
	var out []byte
	i := 0
	for {
		for i < len(s) && isGSpace(s[i]) {
			i++
		}
		if i == len(s) {
			break
		}
		n, digits := 0, 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' && digits < 3 {
			n = n*10 + int(s[i]-'0')
			i++
			digits++
		}
		if digits == 0 || n > 255 {
			return nil, false
		}
		out = append(out, byte(n))
		for i < len(s) && isGSpace(s[i]) {
			i++
		}
		if i == len(s) || s[i] != ';' {
			return nil, false
		}
		i++
	}
	return out, len(out) > 0
}

func (r *reader) readSSID(s *setting.Setting, p *setting.Property) {
	b := r.getBytes(s.Name(), p.Name, false, true)
	if b == nil {
		r.warn(p.Name, p.Name, SeverityWarn, "ignoring invalid SSID")
		return
	}
	s.MustSet(p.Name, b)
}

func (r *reader) readPasswordRaw(s *setting.Setting, p *setting.Property) {
	b := r.getBytes(s.Name(), p.Name, false, true)
	if b == nil {
		r.warn(p.Name, p.Name, SeverityWarn, "ignoring invalid raw password")
		return
	}
	s.MustSet(p.Name, b)
}

var certExtensions = []string{".pem", ".cert", ".crt", ".cer", ".p12", ".der", ".key"}

// certPath makes a relative certificate name absolute in baseDir (only its
// last path element is used, as NetworkManager does).
func certPath(baseDir, p string) string {
	if strings.HasPrefix(p, "/") {
		return p
	}
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	return filepath.Join(baseDir, p)
}

// detectUnqualifiedPath decides whether a certificate value without a
// scheme is a file name: it must be short UTF-8 without NUL, and contain a
// '/' or end in a certificate extension (or, when considerExists, name a
// file that exists). It returns the "file://" value, or "".
func detectUnqualifiedPath(baseDir string, data []byte, considerExists bool, exists func(string) bool) (uri string, fileExists bool) {
	if len(data) < 1 || len(data) > 500 {
		return "", false
	}
	v := data
	if v[len(v)-1] == 0 {
		v = v[:len(v)-1]
	}
	if len(v) == 0 || !utf8.Valid(v) || bytes.IndexByte(v, 0) >= 0 {
		return "", false
	}
	path := certPath(baseDir, string(v))
	hasExt := false
	for _, e := range certExtensions {
		if strings.HasSuffix(path, e) {
			hasExt = true
		}
	}
	if bytes.IndexByte(v, '/') < 0 && !hasExt {
		if !considerExists || !exists(path) {
			return "", false
		}
		fileExists = true
	} else if exists != nil {
		fileExists = exists(path)
	}
	uri = certSchemePrefixPath + path
	if scheme, _ := setting.CertScheme(append([]byte(uri), 0)); scheme != setting.CertSchemePath {
		return "", false
	}
	return uri, fileExists
}

func hasSchemePrefix(b []byte, prefix string) bool {
	return len(b) > len(prefix)+1 && b[len(b)-1] == 0 && bytes.HasPrefix(b, []byte(prefix))
}

func (r *reader) readCert(s *setting.Setting, p *setting.Property) {
	b := r.getBytes(s.Name(), p.Name, true, false)
	if len(b) == 0 {
		r.warn(p.Name, p.Name, SeverityWarn, "invalid key/cert value")
		return
	}
	switch {
	case hasSchemePrefix(b, certSchemePrefixPath):
		if scheme, _ := setting.CertScheme(b); scheme != setting.CertSchemePath {
			r.warn(p.Name, p.Name, SeverityWarn, "invalid key/cert value path \"%s\"", strings.TrimSuffix(string(b), "\x00"))
			return
		}
		s.MustSet(p.Name, b)
		path := string(b[len(certSchemePrefixPath) : len(b)-1])
		if !strings.HasPrefix(path, "/") {
			path = certPath(r.opts.BaseDir, path)
		}
		if !r.exists(path) {
			r.warn(p.Name, p.Name, SeverityInfoMissingFile, "certificate or key file '%s' does not exist", path)
		}
		return
	case hasSchemePrefix(b, certSchemePrefixPKCS11):
		if scheme, _ := setting.CertScheme(b); scheme != setting.CertSchemePKCS11 {
			r.warn(p.Name, p.Name, SeverityWarn, "invalid PKCS#11 URI \"%s\"", strings.TrimSuffix(string(b), "\x00"))
			return
		}
		s.MustSet(p.Name, b)
		return
	case hasSchemePrefix(b, certSchemePrefixBlob):
		data := string(b[len(certSchemePrefixBlob) : len(b)-1])
		dec, ok := strictBase64(data)
		if !ok || len(dec) == 0 {
			r.warn(p.Name, p.Name, SeverityWarn, "invalid key/cert value data:;base64, is not base64")
			return
		}
		if scheme, _ := setting.CertScheme(dec); scheme != setting.CertSchemeBlob {
			r.warn(p.Name, p.Name, SeverityWarn, "invalid key/cert value data:;base64,file://")
			return
		}
		s.MustSet(p.Name, dec)
		return
	}
	if uri, exists := detectUnqualifiedPath(r.opts.BaseDir, b, true, r.exists); uri != "" {
		s.MustSet(p.Name, append([]byte(uri), 0))
		if !exists {
			r.warn(p.Name, p.Name, SeverityInfoMissingFile, "certificate or key file '%s' does not exist", strings.TrimPrefix(uri, certSchemePrefixPath))
		}
		return
	}
	if scheme, _ := setting.CertScheme(b); scheme != setting.CertSchemeBlob {
		r.warn(p.Name, p.Name, SeverityWarn, "invalid key/cert value is not a valid blob")
		return
	}
	s.MustSet(p.Name, b)
}

// strictBase64 accepts only canonical padded base64.
func strictBase64(s string) ([]byte, bool) {
	if len(s)%4 != 0 {
		return nil, false
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	return b, err == nil
}

// parity values: keyfiles traditionally hold the ASCII code of 'E', 'o' or
// 'n'; a letter is accepted too; other numbers are taken as enum values.
func (r *reader) readParity(s *setting.Setting, p *setting.Property) {
	raw, _ := r.raw(s.Name(), p.Name)
	fromChar := func(c int64) int64 {
		switch c {
		case 'E', 'e':
			return 1
		case 'O', 'o':
			return 2
		case 'N', 'n':
			return 0
		}
		return -1
	}
	if len(raw) == 1 {
		if v := fromChar(int64(raw[0])); v >= 0 {
			s.MustSet(p.Name, int32(v))
			return
		}
	}
	n, ok := setting.ParseInt(raw, 0, -1<<31, 1<<31-1)
	if !ok {
		r.warn(p.Name, p.Name, SeverityWarn, "invalid parity value '%s'", raw)
		return
	}
	if v := fromChar(n); v >= 0 {
		n = v
	}
	if err := checkValue(p, int32(n)); err != nil {
		r.warn(p.Name, p.Name, SeverityWarn, "invalid setting: %v", err)
		return
	}
	s.MustSet(p.Name, int32(n))
}

// readHash reads the dictionary settings whose entries are the keys of
// their group: bond options (validated; "interface-name" is the old place
// of connection.interface-name), vpn data (every key that is not a vpn
// property) and user data.
func (r *reader) readHash(s *setting.Setting, p *setting.Property) {
	keys := r.keys(s.Name())
	if len(keys) == 0 {
		return
	}
	g := r.lookup(s.Name())
	switch s.Name() {
	case "bond":
		opts := map[string]string{}
		for _, k := range keys {
			v, ok, err := g.String(k)
			if !ok || err != nil {
				continue
			}
			name := DecodeKey(k)
			if name == "interface-name" {
				continue
			}
			if err := setting.ValidateBondOption(name, v); err != nil {
				r.warn(k, name, SeverityWarn, "ignoring invalid bond option \"%s\" = \"%s\": %v", name, v, err)
				continue
			}
			opts[name] = v
		}
		s.MustSet("options", opts)
	case "vpn":
		data := mapsClone(s.StrDict("data"))
		for _, k := range keys {
			v, ok, err := g.String(k)
			if !ok || err != nil {
				continue
			}
			name := DecodeKey(k)
			if s.Info().Prop(name) != nil {
				continue
			}
			data[name] = v
		}
		if len(data) > 0 {
			s.MustSet("data", data)
		}
		fixOpenconnectFlags(s)
	case "user":
		data := map[string]string{}
		for _, k := range keys {
			v, ok, err := g.String(k)
			if !ok || err != nil {
				continue
			}
			data[DecodeKey(k)] = v
		}
		s.MustSet("data", data)
	}
}

// fixOpenconnectFlags applies the secret flags the openconnect plugin
// needs regardless of what the file says (an old migration got them
// wrong).
func fixOpenconnectFlags(s *setting.Setting) {
	if s.Str("service-type") != "org.freedesktop.NetworkManager.openconnect" {
		return
	}
	data := mapsClone(s.StrDict("data"))
	for _, k := range []string{"gateway", "cookie", "gwcert"} {
		data[k+"-flags"] = "2"
	}
	for _, k := range []string{"xmlconfig", "lasthost", "autoconnect", "certsigs"} {
		delete(data, k+"-flags")
	}
	s.MustSet("data", data)
}

func (r *reader) readStrdictData(s *setting.Setting, p *setting.Property) {
	g := r.lookup(s.Name())
	if g == nil {
		return
	}
	data := map[string]string{}
	for _, k := range g.Keys() {
		rest, ok := strings.CutPrefix(k, strdictDataPrefix)
		if !ok {
			continue
		}
		v, ok, err := g.String(k)
		if !ok || err != nil {
			continue
		}
		data[DecodeKey(rest)] = v
	}
	if len(data) > 0 {
		s.MustSet(p.Name, data)
	}
}

func (r *reader) readS390(s *setting.Setting, p *setting.Property) {
	g := r.kf.Group(groupEthernetS390)
	if g == nil {
		return
	}
	opts := map[string]string{}
	for _, k := range g.Keys() {
		v, ok, err := g.String(k)
		if !ok || err != nil {
			continue
		}
		opts[DecodeKey(k)] = v
	}
	s.MustSet(p.Name, opts)
}

// addr-gen-mode: a missing key means "default-or-eui64" (or "eui64" when a
// token is set), for profiles written before the property existed.
func (r *reader) readAddrGenMode(s *setting.Setting, p *setting.Property) {
	v, ok := r.str(s.Name(), p.Name)
	var mode int32
	switch {
	case ok:
		m, found := addrGenModeFromString(v)
		if !found {
			r.warn(p.Name, p.Name, SeverityWarn, "invalid option '%s', use one of [%s]", v, "eui64,stable-privacy")
			m = setting.AddrGenModeDefaultEUI64
		}
		mode = m
	default:
		if _, ok := r.str(s.Name(), "token"); ok {
			mode = setting.AddrGenModeEUI64
		} else {
			mode = setting.AddrGenModeDefaultEUI64
		}
	}
	s.MustSet(p.Name, mode)
}

func itoa(n int) string { return strconv.Itoa(n) }

// addrGenModeFromString accepts a mode's name or number.
func addrGenModeFromString(v string) (int32, bool) {
	for m, name := range setting.AddrGenModeNames {
		if name == v {
			return m, true
		}
	}
	if n, ok := setting.ParseInt(v, 0, -1<<31, 1<<31-1); ok {
		if _, known := setting.AddrGenModeNames[int32(n)]; known {
			return int32(n), true
		}
	}
	return 0, false
}
