package setting

import (
	"errors"
	"sort"
	"strings"
)

// The nmcli face of the schema: how nmcli 1.42 shows a property's value
// ("connection show ID", the editor's "print") and how it parses one
// ("connection add/modify", the editor's "set"). Each property's Nmcli
// entry names its type (NmcliType); when none is given, the property's
// Kind decides. The behaviour of each type lives in nmcli_types.go, the
// special parsers (addresses, routes, bond options, ...) in
// nmcli_special.go, the enum and flag names in nmcli_enums.go.

// Modifier says how a value given to nmcli applies to a property: "prop
// value" sets it, "+prop value" adds to it, "-prop value" removes from it.
type Modifier int

const (
	ModSet Modifier = iota
	ModAdd
	ModDel
)

// WarnLevel is the kind of message a setter prints beside its work.
type WarnLevel int

const (
	WarnWarning WarnLevel = iota // "Warning: ..."
	WarnInfo                     // "Info: ..."
)

// NmcliEnv is what setters need from the running nmcli.
type NmcliEnv struct {
	// Offline is nmcli --offline (the UUID and type may change).
	Offline bool
	// Warn prints a warning or an informational line.
	Warn func(level WarnLevel, msg string)
	// ReadFile reads the files some values may name (team configuration,
	// PAC scripts); nil reads nothing.
	ReadFile func(path string) ([]byte, error)
}

func (e *NmcliEnv) warn(level WarnLevel, msg string) {
	if e != nil && e.Warn != nil {
		e.Warn(level, msg)
	}
}

func (e *NmcliEnv) readFile(path string) ([]byte, error) {
	if e == nil || e.ReadFile == nil {
		return nil, errors.New("no file access")
	}
	return e.ReadFile(path)
}

// InfFlags are the hints "connection add" uses when it asks for values
// (--ask) or checks what is required.
type InfFlags uint8

const (
	// InfRequired: "connection add" needs a value for this option.
	InfRequired InfFlags = 1 << iota
	// InfDontAsk: never asked for interactively.
	InfDontAsk
	// InfMulti: the option may be given several times, adding values.
	InfMulti
)

// Nmcli is the nmcli face of a property.
type Nmcli struct {
	// Order is the position in `nmcli connection show ID` within the
	// setting (1-based), as nmcli 1.42 lists them.
	Order int
	// Alias is the short name `nmcli connection add` accepts
	// ("con-name", "ifname", "ip4", ...); properties with an alias are
	// its options.
	Alias string
	// Inf are the "connection add" hints.
	Inf InfFlags
	// Prompt and DefHint are what --ask shows.
	Prompt, DefHint string
	// Type shows and parses the value; nil means the default for the
	// property's Kind.
	Type NmcliType
	// HideIfDefault: the property is left out of "connection show" while
	// it has its default value (newer properties only).
	HideIfDefault bool
	// Describe is our own description of the value's format, shown by
	// the editor's "describe".
	Describe string
}

// NmcliValue is a property's value as nmcli shows it.
type NmcliValue struct {
	Text string
	// Default reports the property at its default (hidden by
	// --overview).
	Default bool
	// Hide reports that the property is to be left out entirely.
	Hide bool
}

// HiddenText is what nmcli shows in place of a secret.
const HiddenText = "<hidden>"

// NmcliType shows and parses the values of one kind of property.
type NmcliType interface {
	// get renders the value; pretty is nmcli's human form (normal and
	// pretty modes), otherwise the terse form that set accepts.
	get(c *getCtx) (text string, isDefault bool)
	// set applies a value; a nil value resets the property (ModSet only).
	set(c *setCtx, mod Modifier, value *string) error
}

// remover marks types that accept "-prop value" (nmcli ignores the minus
// for the others).
type remover interface{ supportsRemove() bool }

// valuer lists the values a type accepts, for completion and the editor.
type valuer interface{ values() []string }

type getCtx struct {
	p           *Property
	s           *Setting
	pretty      bool
	showSecrets bool
}

type setCtx struct {
	p   *Property
	s   *Setting
	env *NmcliEnv
}

// nmcliType returns the property's type, deriving it from the Kind when
// the schema names none.
func (p *Property) nmcliType() NmcliType {
	if p.Nmcli != nil && p.Nmcli.Type != nil {
		return p.Nmcli.Type
	}
	return defaultNmcliType(p)
}

// ShownByNmcli reports whether nmcli lists the property.
func (p *Property) ShownByNmcli() bool { return p.Nmcli != nil }

// NmcliGet renders the property's value of s as nmcli shows it.
func (p *Property) NmcliGet(s *Setting, pretty, showSecrets bool) NmcliValue {
	if p.Secret && !showSecrets {
		return NmcliValue{Text: HiddenText, Default: true}
	}
	text, def := p.nmcliType().get(&getCtx{p: p, s: s, pretty: pretty, showSecrets: showSecrets})
	hide := p.Nmcli != nil && p.Nmcli.HideIfDefault && def
	return NmcliValue{Text: text, Default: def, Hide: hide}
}

// ErrReadOnly is the error of properties nmcli cannot change.
var ErrReadOnly = errors.New("the property can't be changed")

// NmcliSet applies a value given on nmcli's command line to the property
// of s. A nil value resets the property to its default.
func (p *Property) NmcliSet(s *Setting, mod Modifier, value *string, env *NmcliEnv) error {
	t := p.nmcliType()
	if _, ok := t.(readOnlyType); ok {
		return ErrReadOnly
	}
	if mod == ModDel && !NmcliSupportsRemove(p) {
		// nmcli silently ignores "-prop" for plain properties.
		return nil
	}
	if mod != ModSet && (value == nil || *value == "") {
		return nil
	}
	return t.set(&setCtx{p: p, s: s, env: env}, mod, value)
}

// NmcliSupportsRemove reports whether "-prop value" removes values.
func NmcliSupportsRemove(p *Property) bool {
	r, ok := p.nmcliType().(remover)
	return ok && r.supportsRemove()
}

// NmcliReadOnly reports whether nmcli refuses to change the property.
func NmcliReadOnly(p *Property) bool {
	_, ok := p.nmcliType().(readOnlyType)
	return ok
}

// NmcliValues lists the values the property accepts (the editor's
// "describe"), or nil when it takes free text.
func NmcliValues(p *Property) []string {
	if v, ok := p.nmcliType().(valuer); ok {
		return v.values()
	}
	return nil
}

// NmcliComplete lists the values nmcli completes for the property from
// text (those starting with it). Properties whose candidates come from
// the running system (devices, profiles, files) are nmcli's to complete.
func NmcliComplete(p *Property, text string) []string {
	var all []string
	switch t := p.nmcliType().(type) {
	case boolType:
		all = []string{"true", "false", "on", "off", "1", "0", "yes", "no"}
		if text == "" {
			all = all[6:]
		}
	case ternaryType:
		all = []string{"on", "off", "1", "0", "-1", "yes", "no", "unknown", "true", "false", "default"}
		if text == "" {
			all = all[8:]
		}
	case ethtoolType:
		if p.Kind != KindBool || strings.HasPrefix(p.Name, "pause-") {
			return nil
		}
		all = []string{"true", "false", "1", "0", "yes", "no", "default", "on", "off", "ignore"}
		if text == "" {
			all = all[7:]
		}
	case valuer:
		all = t.values()
	}
	var out []string
	for _, v := range all {
		if strings.HasPrefix(v, text) {
			out = append(out, v)
		}
	}
	return out
}

// NmcliProps lists the properties nmcli shows for a setting, in its
// order.
func (i *Info) NmcliProps() []*Property {
	var out []*Property
	for _, p := range i.Props {
		if p.Nmcli != nil {
			out = append(out, p)
		}
	}
	sortByNmcliOrder(out)
	return out
}

func sortByNmcliOrder(ps []*Property) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Nmcli.Order < ps[j-1].Nmcli.Order; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// NmcliProp finds a property of the setting by its name or an
// unambiguous prefix of it, the way nmcli matches what users type.
func (i *Info) NmcliProp(name string) (*Property, error) {
	props := i.NmcliProps()
	names := make([]string, len(props))
	for k, p := range props {
		names[k] = p.Name
	}
	got, err := StringIsValid(name, names)
	if err != nil {
		return nil, err
	}
	for _, p := range props {
		if p.Name == got {
			return p, nil
		}
	}
	return nil, errors.New("unknown property")
}

// AmbiguousError is StringIsValid's error for a prefix of several words.
type AmbiguousError struct{ Msg string }

func (e *AmbiguousError) Error() string { return e.Msg }

// StringIsValid finds input among allowed, ignoring case and accepting
// an unambiguous prefix; it returns the allowed word. Its errors are
// nmcli's: "'x' not among [a, b]", "'x' is ambiguous: a, b" (an
// *AmbiguousError) and "missing name, try one of [a, b]".
func StringIsValid(input string, allowed []string) (string, error) {
	if input != "" {
		partial := ""
		ambiguous := false
		for _, a := range allowed {
			if len(input) <= len(a) && strings.EqualFold(input, a[:len(input)]) {
				if len(input) == len(a) {
					return a, nil
				}
				if partial == "" {
					partial = a
				} else {
					ambiguous = true
				}
			}
		}
		if ambiguous {
			var c []string
			for _, a := range allowed {
				if len(input) <= len(a) && strings.EqualFold(input, a[:len(input)]) {
					c = append(c, a)
				}
			}
			return "", &AmbiguousError{"'" + input + "' is ambiguous: " + strings.Join(c, ", ")}
		}
		if partial != "" {
			return partial, nil
		}
		return "", errors.New("'" + input + "' not among [" + strings.Join(allowed, ", ") + "]")
	}
	return "", errors.New("missing name, try one of [" + strings.Join(allowed, ", ") + "]")
}

// ParseBool reads a boolean the way nmcli does: true/yes/on and
// false/no/off (or a prefix), 0 or 1.
func ParseBool(s string) (bool, error) {
	s = strings.Trim(s, asciiSpaces+"\v")
	if s == "o" {
		return false, errors.New("'o' is ambiguous (on, off)")
	}
	if _, err := StringIsValid(s, []string{"true", "yes", "on"}); err == nil {
		return true, nil
	}
	if _, err := StringIsValid(s, []string{"false", "no", "off"}); err == nil {
		return false, nil
	}
	if n, ok := parseInt64Base(s, 0, 0, 1); ok {
		return n == 1, nil
	}
	return false, errors.New("'" + s + "' is not valid; use [true, yes, on] or [false, no, off]")
}

// ParseTernary reads a ternary (-1 default, 0 false, 1 true) the way
// nmcli does; withIgnore also takes "ignore" for the default.
func ParseTernary(s string, withIgnore bool) (int32, error) {
	s = strings.Trim(s, asciiSpaces+"\v")
	if s == "o" {
		return 0, errors.New("'o' is ambiguous (on, off)")
	}
	if _, err := StringIsValid(s, []string{"true", "yes", "on"}); err == nil {
		return 1, nil
	}
	if _, err := StringIsValid(s, []string{"false", "no", "off"}); err == nil {
		return 0, nil
	}
	def := []string{"unknown", "default"}
	if withIgnore {
		def = append(def, "ignore")
	}
	if _, err := StringIsValid(s, def); err == nil {
		return -1, nil
	}
	if n, ok := parseInt64Base(s, 0, -1, 1); ok {
		return int32(n), nil
	}
	return 0, errors.New("'" + s + "' is not valid; use [true, yes, on], [false, no, off] or [unknown]")
}

// NmcliSettingOrder is nmcli's order of settings (its table of setting
// types, sorted by name): "-f" of "connection show ID" offers them in
// this order, nmcli looks aliases up in it and lists types so.
var NmcliSettingOrder = func() []string {
	var out []string
	for _, i := range infos {
		out = append(out, i.Name)
	}
	sort.Strings(out)
	return out
}()

// NmcliShowOrder is the order in which "connection show ID" prints the
// settings of a profile; settings not listed are never shown.
var NmcliShowOrder = []string{"connection", "match", "802-3-ethernet", "veth", "802-1x",
	"802-11-wireless", "802-11-wireless-security", "ipv4", "ipv6", "serial", "wifi-p2p", "ppp", "pppoe",
	"adsl", "gsm", "cdma", "bluetooth", "802-11-olpc-mesh", "vpn", "infiniband", "bond", "bond-port",
	"vlan", "bridge", "bridge-port", "team", "team-port", "ovs-bridge", "ovs-interface", "ovs-patch",
	"ovs-port", "dcb", "tun", "ip-tunnel", "macsec", "macvlan", "vxlan", "vrf", "wpan", "6lowpan",
	"wireguard", "proxy", "tc", "sriov", "ethtool", "ovs-dpdk", "hostname"}

// NmcliPart is a setting a profile of some type may have in nmcli.
type NmcliPart struct {
	Setting   string
	Mandatory bool
}

// NmcliDefaultParts are the settings of a profile without a type.
var NmcliDefaultParts = []NmcliPart{{"connection", true}}

// nmcliNoPort are the settings of a profile that is not a port (or is a
// VRF port): IP and the other optional ones.
var nmcliNoPort = []NmcliPart{{"match", false}, {"ipv4", false}, {"ipv6", false},
	{"hostname", false}, {"tc", false}, {"proxy", false}}

// NmcliPortParts returns the settings a port of the given controller
// type may have and nmcli's name of such a port ("bond-slave"); ok is
// false for a port type nmcli does not know.
func NmcliPortParts(portType string) (parts []NmcliPart, name string, ok bool) {
	switch portType {
	case "":
		return nmcliNoPort, "", true
	case "bond":
		return []NmcliPart{{"bond-port", true}}, "bond-slave", true
	case "bridge":
		return []NmcliPart{{"bridge-port", true}}, "bridge-slave", true
	case "ovs-bridge":
		return []NmcliPart{{"ovs-port", false}}, "ovs-slave", true
	case "ovs-port":
		return []NmcliPart{{"ovs-interface", false}}, "ovs-slave", true
	case "team":
		return []NmcliPart{{"team-port", true}}, "team-slave", true
	case "vrf":
		return nmcliNoPort, "vrf-slave", true
	}
	return nil, "", false
}

// NmcliTypeParts returns the settings a profile of connection type t may
// have (the connection setting alone without a type); ok is false when
// nmcli does not know the type.
func NmcliTypeParts(t string) ([]NmcliPart, bool) {
	if t == "" {
		return NmcliDefaultParts, true
	}
	info := Lookup(t)
	if info == nil {
		return nil, false
	}
	if info.NmcliParts == nil {
		return []NmcliPart{}, true
	}
	return info.NmcliParts, true
}

// NewNmcliSetting creates a setting as nmcli does when it adds one to a
// profile.
func NewNmcliSetting(name string) *Setting {
	s := MustNewSetting(name)
	if s.info.NmcliInit != nil {
		s.info.NmcliInit(s)
	}
	return s
}
