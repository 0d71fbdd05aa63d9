package keyfile

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/gonm/gonm/internal/gkeyfile"
	"github.com/gonm/gonm/internal/setting"
)

// Severity ranks a problem found while reading a keyfile.
type Severity int

const (
	// SeverityDebug marks what NetworkManager drops silently (unknown
	// keys); gonm reports it at debug level.
	SeverityDebug Severity = iota
	// SeverityInfo is informational (deprecated syntax that still works).
	SeverityInfo
	// SeverityInfoMissingFile: a certificate file a profile names does not
	// exist (yet); the profile is still loaded.
	SeverityInfoMissingFile
	// SeverityWarn: a value was invalid and ignored.
	SeverityWarn
)

// Warning is one problem found while reading a keyfile. The value in
// question is dropped; the rest of the profile is read.
type Warning struct {
	Group    string // keyfile group ("" for the file as a whole)
	Key      string // keyfile key, if any
	Setting  string // setting being read, if any
	Property string // property being read, if any
	Severity Severity
	Message  string
}

// String formats the warning as NetworkManager logs it after "keyfile: ":
// "ipv4.addresses: ...", "ethernet/802-3-ethernet.mtu: ...", "group: ...".
func (w Warning) String() string {
	if w.Group == "" {
		return w.Message
	}
	switch {
	case w.Setting != "" && w.Property != "" && w.Group == w.Setting:
		return fmt.Sprintf("%s.%s: %s", w.Group, w.Property, w.Message)
	case w.Setting != "" && w.Property != "":
		return fmt.Sprintf("%s/%s.%s: %s", w.Group, w.Setting, w.Property, w.Message)
	case w.Setting != "" && w.Group == w.Setting:
		return fmt.Sprintf("%s: %s", w.Group, w.Message)
	case w.Setting != "":
		return fmt.Sprintf("%s/%s: %s", w.Group, w.Setting, w.Message)
	}
	return fmt.Sprintf("%s: %s", w.Group, w.Message)
}

// ReadOptions parameterize Read.
type ReadOptions struct {
	// BaseDir makes relative certificate paths absolute; it is the
	// directory of the file being read. Empty means "/".
	BaseDir string
	// Warn receives every problem; nil drops them.
	Warn func(Warning)
	// Exists tells whether a certificate file exists (for the warning
	// only); nil uses the file system.
	Exists func(path string) bool
}

// reader holds the state of one Read.
type reader struct {
	kf    *gkeyfile.File
	opts  ReadOptions
	conn  *setting.Connection
	group string // group being read
	cur   *setting.Setting
}

// Read converts a parsed keyfile to a profile. Like NetworkManager's
// reader it never fails: invalid values are reported through
// opts.Warn and left out. The profile is not normalized, and it may lack
// connection.id and connection.uuid (see ReadFile for the fallbacks).
func Read(kf *gkeyfile.File, opts ReadOptions) *setting.Connection {
	if opts.BaseDir == "" {
		opts.BaseDir = "/"
	}
	r := &reader{kf: kf, opts: opts, conn: setting.NewConnection()}
	vpnSecrets := false
	for _, g := range kf.Groups() {
		r.group = g.Name
		switch {
		case g.Name == GroupVPNSecrets:
			vpnSecrets = true
		case strings.HasPrefix(g.Name, GroupPrefixWireGuard):
			r.readWireGuardPeer(g)
		case g.Name == GroupNMMeta || g.Name == groupEthernetS390:
		default:
			r.readSetting(g)
		}
		r.cur = nil
	}
	r.group = ""
	con := r.conn.Ensure("connection")
	// interface-name used to live in the group of the connection type.
	if _, ok := con.String("interface-name"); !ok {
		if t, ok := con.String("type"); ok {
			if g := kf.Group(t); g != nil {
				if v, ok, err := g.String("interface-name"); ok && err == nil {
					con.MustSet("interface-name", v)
				}
			}
		}
	}
	if vpnSecrets {
		r.readVPNSecrets()
	}
	return r.conn
}

func (r *reader) warn(key, prop string, sev Severity, format string, args ...any) {
	if r.opts.Warn == nil {
		return
	}
	w := Warning{Group: r.group, Key: key, Property: prop, Severity: sev, Message: fmt.Sprintf(format, args...)}
	if r.cur != nil {
		w.Setting = r.cur.Name()
	}
	r.opts.Warn(w)
}

// lookup finds the group holding a setting's keys: its own name, or its
// alias when the file has no group of that name.
func (r *reader) lookup(name string) *gkeyfile.Group {
	if g := r.kf.Group(name); g != nil {
		return g
	}
	if a := AliasFor(name); a != "" {
		return r.kf.Group(a)
	}
	return nil
}

// str returns a string value with GLib's escapes undone.
func (r *reader) str(name, key string) (string, bool) {
	g := r.lookup(name)
	if g == nil {
		return "", false
	}
	v, ok, err := g.String(key)
	if !ok || err != nil {
		return "", false
	}
	return v, true
}

// raw returns a value as written.
func (r *reader) raw(name, key string) (string, bool) {
	g := r.lookup(name)
	if g == nil {
		return "", false
	}
	return g.Raw(key)
}

// strList returns a ';'-separated list.
func (r *reader) strList(name, key string) ([]string, bool) {
	g := r.lookup(name)
	if g == nil {
		return nil, false
	}
	l, ok, err := g.List(key)
	if !ok || err != nil {
		return nil, false
	}
	return l, true
}

// uintList reads a list of decimal numbers; any bad element makes the
// whole list invalid.
func (r *reader) uintList(name, key string) ([]uint64, error) {
	l, ok := r.strList(name, key)
	if !ok {
		return nil, fmt.Errorf("not found")
	}
	out := make([]uint64, 0, len(l))
	for _, s := range l {
		n, ok := setting.ParseInt(s, 10, 0, 0xffffffff)
		if !ok {
			return nil, fmt.Errorf("Value cannot be interpreted as a list of numbers.")
		}
		out = append(out, uint64(n))
	}
	return out, nil
}

func (r *reader) keys(name string) []string {
	g := r.lookup(name)
	if g == nil {
		return nil
	}
	return g.Keys()
}

func (r *reader) exists(path string) bool {
	if r.opts.Exists != nil {
		return r.opts.Exists(path)
	}
	_, err := os.Stat(path)
	return err == nil
}

// parseBool parses a boolean as GLib does: "true"/"false"/"1"/"0", with
// trailing blanks allowed.
func parseBool(raw string) (bool, bool) {
	v := strings.TrimRight(raw, " \t\n\r\f\v")
	switch v {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

func (r *reader) readSetting(g *gkeyfile.Group) {
	name := g.Name
	if a := SettingForAlias(name); a != "" {
		name = a
	}
	s, err := setting.NewSetting(name)
	if err != nil {
		r.warn("", "", SeverityWarn, "invalid setting name '%s'", g.Name)
		return
	}
	r.cur = s
	info := s.Info()
	if info.Gendata {
		r.readGendata(g, s)
	}
	for _, p := range info.Props {
		if p.Option {
			continue
		}
		r.readProperty(s, p)
	}
	known := func(k string) bool { return r.keyIsKnown(info, k) }
	for _, k := range g.Keys() {
		if !known(k) {
			r.warn(k, "", SeverityDebug, "unknown key '%s' ignored", k)
		}
	}
	r.conn.Add(s)
}

// keyIsKnown tells whether a key of a setting's group is read by some
// property, so that the others can be reported.
func (r *reader) keyIsKnown(info *setting.Info, k string) bool {
	if p := info.Prop(k); p != nil {
		return true
	}
	switch info.Name {
	case "ipv4", "ipv6":
		for _, base := range []string{"address", "addresses", "route", "routes", "routing-rule"} {
			if _, ok := matchIndexedKey(k, base); ok {
				return true
			}
			if idx := strings.TrimSuffix(k, "_options"); idx != k {
				if _, ok := matchIndexedKey(idx, base); ok && strings.HasPrefix(base, "route") {
					return true
				}
			}
		}
	case "bond", "user", "vpn":
		return true
	case "ovs-external-ids", "ovs-other-config":
		return strings.HasPrefix(k, strdictDataPrefix)
	case "sriov":
		return strings.HasPrefix(k, "vf.")
	case "tc":
		return strings.HasPrefix(k, "qdisc.") || strings.HasPrefix(k, "tfilter.")
	}
	if k == "interface-name" && r.conn.Setting("connection") != nil {
		return true
	}
	return false
}

// readGendata reads the options of a gendata setting (ethtool): every key
// must be a known option; booleans and uint32 by the option's type.
func (r *reader) readGendata(g *gkeyfile.Group, s *setting.Setting) {
	keys := slices.Clone(g.Keys())
	slices.Sort(keys)
	for _, k := range keys {
		p := s.Info().Prop(k)
		if p == nil || !p.Option {
			r.warn(k, "", SeverityWarn, "invalid key '%s.%s'", g.Name, k)
			continue
		}
		raw, _ := g.Raw(k)
		switch p.Kind {
		case setting.KindBool:
			b, ok := parseBool(raw)
			if !ok {
				r.warn(k, k, SeverityWarn, "key '%s.%s' is not boolean", g.Name, k)
				continue
			}
			s.MustSet(k, b)
		case setting.KindUint32:
			n, ok := setting.ParseUint(raw, 10, 1<<64-1)
			if !ok {
				r.warn(k, k, SeverityWarn, "key '%s.%s' is not a uint32", g.Name, k)
				continue
			}
			s.MustSet(k, uint32(n))
		}
	}
}

// propReader reads one property that does not follow the generic rules.
type propReader func(r *reader, s *setting.Setting, p *setting.Property)

// readProperty reads one property: by its special parser if it has one,
// else by the generic rule for its kind when the key is present.
func (r *reader) readProperty(s *setting.Setting, p *setting.Property) {
	full := s.Name() + "." + p.Name
	if sp, ok := specialProps[full]; ok {
		if sp.skip {
			return
		}
		if sp.read != nil {
			if !sp.noCheckKey {
				if _, ok := r.raw(s.Name(), p.Name); !ok {
					return
				}
			}
			sp.read(r, s, p)
			return
		}
	}
	if p.KF.Skip {
		return
	}
	switch p.Kind {
	case setting.KindWireGuardPeers, setting.KindTeamLinkWatchers:
		// Not properties of their own in the keyfile.
		return
	}
	raw, ok := r.raw(s.Name(), p.Name)
	if !ok {
		return
	}
	v, err := r.genericValue(s, p, raw)
	if err != nil {
		r.warn(p.Name, p.Name, SeverityWarn, "invalid setting: %v", err)
		return
	}
	if v == nil {
		return
	}
	if err := checkValue(p, v); err != nil {
		r.warn(p.Name, p.Name, SeverityWarn, "invalid setting: %v", err)
		return
	}
	if err := s.Set(p.Name, v); err != nil {
		r.warn(p.Name, p.Name, SeverityWarn, "invalid setting: %v", err)
	}
}

// checkValue applies the limits GObject would: ranges, enum members and
// flag masks.
func checkValue(p *setting.Property, v any) error {
	var n int64
	var isInt bool
	switch x := v.(type) {
	case int32:
		n, isInt = int64(x), true
	case uint32:
		n, isInt = int64(x), true
	case int64:
		n, isInt = x, true
	}
	if !isInt {
		return nil
	}
	if p.Range != nil && (n < p.Range.Min || n > p.Range.Max) {
		return fmt.Errorf("value %d is out of range [%d, %d]", n, p.Range.Min, p.Range.Max)
	}
	if p.Values != nil && !slices.Contains(p.Values, n) {
		return fmt.Errorf("value %d is not a valid value", n)
	}
	if p.Mask != 0 && uint64(n)&^p.Mask != 0 {
		return fmt.Errorf("value %d has invalid flags", n)
	}
	return nil
}

// genericValue converts a raw value by the property's kind.
func (r *reader) genericValue(s *setting.Setting, p *setting.Property, raw string) (any, error) {
	const valueErr = "value cannot be interpreted as integer"
	switch p.Kind {
	case setting.KindString, setting.KindMAC:
		v, ok, err := r.lookup(s.Name()).String(p.Name)
		if !ok || err != nil {
			return nil, fmt.Errorf("%v", err)
		}
		return v, nil
	case setting.KindBool:
		b, ok := parseBool(raw)
		if !ok {
			return nil, fmt.Errorf("Value “%s” cannot be interpreted as a boolean.", raw)
		}
		return b, nil
	case setting.KindInt32:
		n, ok := setting.ParseInt(raw, 0, -1<<31, 1<<31-1)
		if !ok {
			return nil, fmt.Errorf(valueErr)
		}
		return int32(n), nil
	case setting.KindUint32:
		n, ok := setting.ParseUint(raw, 0, 1<<32-1)
		if !ok {
			return nil, fmt.Errorf(valueErr)
		}
		return uint32(n), nil
	case setting.KindInt64:
		n, ok := setting.ParseInt(raw, 0, -1<<63, 1<<63-1)
		if !ok {
			return nil, fmt.Errorf(valueErr)
		}
		return n, nil
	case setting.KindUint64:
		n, ok := setting.ParseUint(raw, 0, 1<<64-1)
		if !ok {
			return nil, fmt.Errorf(valueErr)
		}
		return n, nil
	case setting.KindUint8:
		n, ok := setting.ParseUint(raw, 0, 255)
		if !ok {
			return nil, fmt.Errorf(valueErr)
		}
		return uint8(n), nil
	case setting.KindBytes:
		// An invalid list gives an empty value, as NetworkManager's reader
		// does; elements above 255 are dropped with one warning.
		l, err := r.uintList(s.Name(), p.Name)
		if err != nil {
			return []byte{}, nil
		}
		b := make([]byte, 0, len(l))
		warned := false
		for _, n := range l {
			if n > 255 {
				if !warned {
					r.warn(p.Name, p.Name, SeverityWarn, "ignoring invalid byte element '%d' (not between 0 and 255 inclusive)", n)
					warned = true
				}
				continue
			}
			b = append(b, byte(n))
		}
		return b, nil
	case setting.KindStrv:
		l, _ := r.strList(s.Name(), p.Name)
		if l == nil {
			l = []string{}
		}
		return l, nil
	case setting.KindUint32s:
		l, err := r.uintList(s.Name(), p.Name)
		if err != nil {
			return nil, nil
		}
		out := make([]uint32, len(l))
		for i, n := range l {
			out[i] = uint32(n)
		}
		return out, nil
	}
	// Structured kinds without a special parser are not in keyfiles.
	return nil, nil
}

// readVPNSecrets adds the [vpn-secrets] group to the vpn setting.
func (r *reader) readVPNSecrets() {
	vpn := r.conn.Setting("vpn")
	if vpn == nil {
		return
	}
	g := r.kf.Group(GroupVPNSecrets)
	secrets := mapsClone(vpn.StrDict("secrets"))
	for _, k := range g.Keys() {
		v, ok, err := g.String(k)
		if !ok || err != nil {
			continue
		}
		// NetworkManager writes these keys encoded but reads them raw, so
		// a secret name with special characters changes with every
		// write; gonm decodes them, which reads NetworkManager's files
		// the same for every name its writer produces unencoded.
		secrets[DecodeKey(k)] = v
	}
	vpn.MustSet("secrets", secrets)
}

func mapsClone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
