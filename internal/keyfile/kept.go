package keyfile

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/gkeyfile"
	"github.com/gonm/gonm/internal/setting"
)

type dbusVariant = dbus.Variant

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// --- SR-IOV virtual functions: "vf.N=mac=... spoof-check=true vlans=1.2.ad" ---

var sriovVFSpec = []attrSpec{
	{name: "mac", sig: "s"},
	{name: "spoof-check", sig: "b"},
	{name: "trust", sig: "b"},
	{name: "min-tx-rate", sig: "u"},
	{name: "max-tx-rate", sig: "u"},
	{name: "vlans", sig: "s"},
}

const (
	vlanProto8021Q  = 0
	vlanProto8021AD = 1
)

// parseVFVlans parses "ID[.QOS[.q|ad]];..." into the D-Bus form.
func parseVFVlans(s string) ([]map[string]dbus.Variant, error) {
	var out []map[string]dbus.Variant
	seen := map[uint32]bool{}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ';' })
	if len(parts) == 0 {
		return nil, fmt.Errorf("empty VF VLAN")
	}
	numeric := func(x string) bool {
		return x != "" && strings.Trim(x, "x0123456789") == ""
	}
	for _, v := range parts {
		params := strings.SplitN(strings.TrimLeft(v, " \t\n\r\f\v"), ".", 3)
		if params[0] == "" {
			return nil, fmt.Errorf("empty VF VLAN")
		}
		if len(params) == 1 {
			params[0] = strings.TrimRight(params[0], " \t\n\r\f\v")
		}
		id, ok := int64(0), false
		if numeric(params[0]) {
			id, ok = setting.ParseInt(params[0], 0, 0, 4095)
		}
		if !ok {
			return nil, fmt.Errorf("invalid VF VLAN id '%s'", params[0])
		}
		if seen[uint32(id)] {
			return nil, fmt.Errorf("duplicate VLAN id %d", id)
		}
		seen[uint32(id)] = true
		qos, proto := int64(0), uint32(vlanProto8021Q)
		if len(params) > 1 {
			if len(params) == 2 {
				params[1] = strings.TrimRight(params[1], " \t\n\r\f\v")
			}
			ok = false
			if numeric(params[1]) {
				qos, ok = setting.ParseInt(params[1], 0, 0, 1<<32-1)
			}
			if !ok {
				return nil, fmt.Errorf("invalid VF VLAN QoS '%s'", params[1])
			}
		}
		if len(params) > 2 {
			switch strings.TrimRight(params[2], " \t\n\r\f\v") {
			case "ad":
				proto = vlanProto8021AD
			case "q":
			default:
				return nil, fmt.Errorf("invalid VF VLAN protocol '%s'", params[2])
			}
		}
		out = append(out, map[string]dbus.Variant{
			"id": dbus.MakeVariant(uint32(id)), "qos": dbus.MakeVariant(uint32(qos)), "protocol": dbus.MakeVariant(proto),
		})
	}
	// Kept sorted by id, as NetworkManager lists them.
	slices.SortFunc(out, func(a, b map[string]dbus.Variant) int {
		return int(a["id"].Value().(uint32)) - int(b["id"].Value().(uint32))
	})
	return out, nil
}

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
		vf, err := sriovVFFromString(idx, v)
		if err != nil {
			continue
		}
		vfs = append(vfs, vf)
	}
	if vfs != nil {
		s.MustSet(p.Name, vfs)
	}
}

func sriovVFFromString(idx, detail string) (setting.SriovVF, error) {
	n, ok := setting.ParseInt(idx, 10, 0, 1<<32-1)
	if !ok {
		return setting.SriovVF{}, fmt.Errorf("invalid index")
	}
	attrs := map[string]dbus.Variant{"index": dbus.MakeVariant(uint32(n))}
	ht, err := parseAttributes(detail, ' ', '=', true, sriovVFSpec)
	if err != nil {
		return setting.SriovVF{}, err
	}
	for name, v := range ht {
		if name == "vlans" {
			vlans, err := parseVFVlans(v.Value().(string))
			if err != nil {
				return setting.SriovVF{}, err
			}
			attrs["vlans"] = dbus.MakeVariant(vlans)
			continue
		}
		attrs[name] = v
	}
	return setting.SriovVF{Attrs: attrs}, nil
}

// sriovVFString formats a VF without its index, as the keyfile value.
func sriovVFString(vf setting.SriovVF) string {
	plain := map[string]dbus.Variant{}
	for k, v := range vf.Attrs {
		if k != "index" && k != "vlans" {
			plain[k] = v
		}
	}
	var b strings.Builder
	b.WriteString(formatAttributes(plain, nil, ' ', '='))
	if vl, ok := vf.Attrs["vlans"].Value().([]map[string]dbus.Variant); ok && len(vl) > 0 {
		b.WriteString(" vlans")
		for i, v := range vl {
			if i == 0 {
				b.WriteByte('=')
			} else {
				b.WriteByte(';')
			}
			id, _ := v["id"].Value().(uint32)
			qos, _ := v["qos"].Value().(uint32)
			proto, _ := v["protocol"].Value().(uint32)
			b.WriteString(strconv.FormatUint(uint64(id), 10))
			if qos != 0 || proto != vlanProto8021Q {
				b.WriteString("." + strconv.FormatUint(uint64(qos), 10))
				if proto != vlanProto8021Q {
					b.WriteString(".ad")
				}
			}
		}
	}
	return b.String()
}

// --- traffic control: "qdisc.PARENT=[handle H ]KIND [OPTS]" ---

const (
	tcHRoot    = 0xffffffff
	tcHIngress = 0xfffffff1
)

var tcObjectSpec = []attrSpec{
	{name: "root", sig: "b", noValue: true},
	{name: "parent", sig: "s"},
	{name: "handle", sig: "s"},
	{name: "kind", sig: "s", noValue: true},
	{name: "", sig: "s", noValue: true, consumesRest: true},
}

var tcQdiscSpecs = map[string][]attrSpec{
	"fq_codel": {{name: "limit", sig: "u"}, {name: "flows", sig: "u"}, {name: "target", sig: "u"}, {name: "interval", sig: "u"},
		{name: "quantum", sig: "u"}, {name: "ce_threshold", sig: "u"}, {name: "memory_limit", sig: "u"}, {name: "ecn", sig: "b", noValue: true},
		{name: "", sig: "s", noValue: true, consumesRest: true}},
	"sfq": {{name: "quantum", sig: "u"}, {name: "perturb", sig: "i"}, {name: "limit", sig: "u"}, {name: "divisor", sig: "u"},
		{name: "flows", sig: "u"}, {name: "depth", sig: "u"}, {name: "", sig: "s", noValue: true, consumesRest: true}},
	"tbf": {{name: "rate", sig: "t"}, {name: "burst", sig: "u"}, {name: "limit", sig: "u"}, {name: "latency", sig: "u"},
		{name: "", sig: "s", noValue: true, consumesRest: true}},
}

var tcActionSpecs = map[string][]attrSpec{
	"simple": {{name: "sdata", sig: "ay"}},
	"mirred": {{name: "egress", sig: "b", noValue: true}, {name: "ingress", sig: "b", noValue: true},
		{name: "mirror", sig: "b", noValue: true}, {name: "redirect", sig: "b", noValue: true}, {name: "dev", sig: "s"}},
}

// parseTCHandle parses "MAJ[:MIN]" in hex.
func parseTCHandle(s string) (uint32, error) {
	bad := fmt.Errorf("'%s' is not a valid handle.", s)
	if strings.Trim(s, "0123456789abcdefABCDEF: \t\n\r\f\v") != "" {
		return 0, bad
	}
	majS, minS, hasMin := strings.Cut(s, ":")
	majS = strings.TrimSpace(majS)
	maj, err := strconv.ParseUint(majS, 16, 32)
	if err != nil || maj == 0 || maj > 0xffff {
		return 0, bad
	}
	var mn uint64
	if hasMin {
		minS = strings.TrimSpace(minS)
		if minS != "" {
			mn, err = strconv.ParseUint(minS, 16, 32)
			if err != nil || mn > 0xffff {
				return 0, bad
			}
		}
	}
	return uint32(maj)<<16 | uint32(mn), nil
}

func tcHandleString(h uint32) string {
	s := strconv.FormatUint(uint64(h>>16), 16) + ":"
	if h&0xffff != 0 {
		s += strconv.FormatUint(uint64(h&0xffff), 16)
	}
	return s
}

// tcParentKey is the key suffix for a parent: "root" or "MAJ:MIN".
func tcParentKey(parent uint32) string {
	if parent == tcHRoot {
		return "root"
	}
	return tcHandleString(parent)
}

// tcCommon parses the part qdiscs and filters share.
func tcCommon(str string) (handle, parent uint32, kind, rest string, err error) {
	ht, err := parseAttributes(str, ' ', ' ', false, tcObjectSpec)
	if err != nil {
		return 0, 0, "", "", err
	}
	if _, ok := ht["root"]; ok {
		parent = tcHRoot
	}
	if v, ok := ht["parent"]; ok {
		if parent != 0 {
			return 0, 0, "", "", fmt.Errorf("'%s' unexpected: parent already specified.", v.Value())
		}
		if parent, err = parseTCHandle(v.Value().(string)); err != nil {
			return 0, 0, "", "", err
		}
	}
	if v, ok := ht["handle"]; ok {
		if handle, err = parseTCHandle(v.Value().(string)); err != nil {
			return 0, 0, "", "", err
		}
		if handle&0xffff != 0 {
			return 0, 0, "", "", fmt.Errorf("invalid handle: '%s'", v.Value())
		}
	}
	if v, ok := ht["kind"]; ok {
		kind = v.Value().(string)
		if kind == "ingress" || kind == "clsact" {
			if parent == 0 {
				parent = tcHIngress
			}
			if handle == 0 {
				handle = tcHIngress & 0xffff0000
			}
		}
	}
	if parent == 0 {
		return 0, 0, "", "", fmt.Errorf("parent not specified.")
	}
	if v, ok := ht[""]; ok {
		rest = v.Value().(string)
	}
	return handle, parent, kind, rest, nil
}

func tcKindValid(kind string) error {
	if kind == "" {
		return fmt.Errorf("kind is missing")
	}
	if strings.ContainsAny(kind, " \t") {
		return fmt.Errorf("'%s' is not a valid kind", kind)
	}
	return nil
}

func qdiscFromString(str string) (setting.TCQdisc, error) {
	handle, parent, kind, rest, err := tcCommon(str)
	if err != nil {
		return setting.TCQdisc{}, err
	}
	var opts map[string]dbus.Variant
	if spec, ok := tcQdiscSpecs[kind]; ok && rest != "" {
		if opts, err = parseAttributes(rest, ' ', ' ', false, spec); err != nil {
			return setting.TCQdisc{}, err
		}
		rest = ""
		if v, ok := opts[""]; ok {
			rest = v.Value().(string)
			delete(opts, "")
		}
	}
	if rest != "" {
		return setting.TCQdisc{}, fmt.Errorf("unsupported qdisc option: '%s'.", rest)
	}
	if err := tcKindValid(kind); err != nil {
		return setting.TCQdisc{}, err
	}
	attrs := map[string]dbus.Variant{"kind": dbus.MakeVariant(kind), "handle": dbus.MakeVariant(handle), "parent": dbus.MakeVariant(parent)}
	for k, v := range opts {
		attrs[k] = v
	}
	return setting.TCQdisc{Attrs: attrs}, nil
}

func u32Attr(m map[string]dbus.Variant, k string) uint32 {
	v, _ := m[k].Value().(uint32)
	return v
}

func strAttr(m map[string]dbus.Variant, k string) string {
	v, _ := m[k].Value().(string)
	return v
}

// qdiscRest formats a qdisc without its parent (the keyfile value).
func qdiscRest(q setting.TCQdisc) string {
	var b strings.Builder
	kind := strAttr(q.Attrs, "kind")
	if h := u32Attr(q.Attrs, "handle"); h != 0 && kind != "ingress" && kind != "clsact" {
		b.WriteString("handle " + tcHandleString(h) + " ")
	}
	b.WriteString(kind)
	opts := map[string]dbus.Variant{}
	for k, v := range q.Attrs {
		if k != "kind" && k != "handle" && k != "parent" {
			opts[k] = v
		}
	}
	if s := formatAttributes(opts, nil, ' ', ' '); s != "" {
		b.WriteString(" " + s)
	}
	return b.String()
}

func tfilterFromString(str string) (setting.TCTfilter, error) {
	handle, parent, kind, rest, err := tcCommon(str)
	if err != nil {
		return setting.TCTfilter{}, err
	}
	var action map[string]dbus.Variant
	if rest != "" {
		ht, err := parseAttributes(rest, ' ', ' ', false, []attrSpec{
			{name: "action", sig: "b", noValue: true},
			{name: "", sig: "s", noValue: true, consumesRest: true},
		})
		if err != nil {
			return setting.TCTfilter{}, err
		}
		if _, ok := ht["action"]; !ok {
			return setting.TCTfilter{}, fmt.Errorf("unsupported tfilter option: '%s'.", rest)
		}
		extra := ""
		if v, ok := ht[""]; ok {
			extra = v.Value().(string)
		}
		if action, err = tcActionFromString(extra); err != nil {
			return setting.TCTfilter{}, fmt.Errorf("invalid action: %v", err)
		}
	}
	if err := tcKindValid(kind); err != nil {
		return setting.TCTfilter{}, err
	}
	attrs := map[string]dbus.Variant{"kind": dbus.MakeVariant(kind), "handle": dbus.MakeVariant(handle), "parent": dbus.MakeVariant(parent)}
	if action != nil {
		attrs["action"] = dbus.MakeVariant(action)
	}
	return setting.TCTfilter{Attrs: attrs}, nil
}

func tcActionFromString(str string) (map[string]dbus.Variant, error) {
	ht, err := parseAttributes(str, ' ', ' ', false, []attrSpec{
		{name: "kind", sig: "s", noValue: true},
		{name: "", sig: "s", noValue: true, consumesRest: true},
	})
	if err != nil {
		return nil, err
	}
	kv, ok := ht["kind"]
	if !ok {
		return nil, fmt.Errorf("action name missing.")
	}
	kind := kv.Value().(string)
	if err := tcKindValid(kind); err != nil {
		return nil, err
	}
	out := map[string]dbus.Variant{"kind": kv}
	if v, ok := ht[""]; ok {
		spec, known := tcActionSpecs[kind]
		if !known {
			return nil, fmt.Errorf("unsupported action option: '%s'.", v.Value())
		}
		opts, err := parseAttributes(v.Value().(string), ' ', ' ', false, spec)
		if err != nil {
			return nil, err
		}
		for k, v := range opts {
			out[k] = v
		}
	}
	return out, nil
}

func tfilterRest(f setting.TCTfilter) string {
	var b strings.Builder
	if h := u32Attr(f.Attrs, "handle"); h != 0 {
		b.WriteString("handle " + tcHandleString(h) + " ")
	}
	b.WriteString(strAttr(f.Attrs, "kind"))
	if a, ok := f.Attrs["action"].Value().(map[string]dbus.Variant); ok {
		kind := strAttr(a, "kind")
		b.WriteString(" action " + kind)
		opts := map[string]dbus.Variant{}
		for k, v := range a {
			if k != "kind" {
				opts[k] = v
			}
		}
		if spec := tcActionSpecs[kind]; spec != nil {
			if s := formatAttributes(opts, spec, ' ', ' '); s != "" {
				b.WriteString(" " + s)
			}
		}
	}
	return b.String()
}

// tcValue builds the string the tc parsers take from a "qdisc.PARENT" key
// and its value: "parent PARENT VALUE", or "root VALUE".
func tcValue(parent, rest string) string {
	if _, err := parseTCHandle(parent); err == nil {
		return "parent " + parent + " " + rest
	}
	return parent + " " + rest
}

func (r *reader) readQdiscs(s *setting.Setting, p *setting.Property) {
	g := r.lookup(s.Name())
	if g == nil {
		return
	}
	var out []setting.TCQdisc
	for _, k := range g.Keys() {
		parent, ok := strings.CutPrefix(k, "qdisc.")
		if !ok {
			continue
		}
		v, _, _ := g.String(k)
		q, err := qdiscFromString(tcValue(parent, v))
		if err != nil {
			r.warn(k, p.Name, SeverityWarn, "invalid qdisc: %v", err)
			continue
		}
		out = append(out, q)
	}
	if len(out) > 0 {
		s.MustSet(p.Name, out)
	}
}

func (r *reader) readTfilters(s *setting.Setting, p *setting.Property) {
	g := r.lookup(s.Name())
	if g == nil {
		return
	}
	var out []setting.TCTfilter
	for _, k := range g.Keys() {
		parent, ok := strings.CutPrefix(k, "tfilter.")
		if !ok {
			continue
		}
		v, _, _ := g.String(k)
		f, err := tfilterFromString(tcValue(parent, v))
		if err != nil {
			r.warn(k, p.Name, SeverityWarn, "invalid tfilter: %v", err)
			continue
		}
		out = append(out, f)
	}
	if len(out) > 0 {
		s.MustSet(p.Name, out)
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
