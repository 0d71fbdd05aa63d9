package nmcli

import (
	"errors"
	"os"
	"strings"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/setting"
)

// The "[+|-]setting.property value" and "alias value" arguments of
// connection add/modify (and the editor's set): which settings a profile
// may have, how aliases resolve, and the options with their own
// handling (type, ifname, master, bond options, ip4/ip6, bt-type).

// cliError is an error with the exit code nmcli ends with.
type cliError struct {
	code int
	msg  string
}

func (e *cliError) Error() string { return e.msg }

func userErr(msg string) error { return &cliError{ExitUserInput, msg} }

// errCode is the exit code of err (user input errors by default).
func errCode(err error) int {
	var ce *cliError
	if errors.As(err, &ce) {
		return ce.code
	}
	return ExitUserInput
}

// cliOption is what an alias stands for: a property, or one of the bond
// options nmcli offers on their own ("mode", "miimon", ...; the option
// without alias is the monitoring-mode question of --ask).
type cliOption struct {
	info  *setting.Info
	prop  *setting.Property
	alias string
	inf   setting.InfFlags
	// bond marks the bond options inside bond.options.
	bond bool
}

// bondOptions are the bond options "connection add" takes by name.
var bondOptions = []*cliOption{
	{alias: "mode", bond: true},
	{alias: "primary", bond: true, inf: setting.InfDontAsk},
	{bond: true},
	{alias: "miimon", bond: true, inf: setting.InfDontAsk},
	{alias: "downdelay", bond: true, inf: setting.InfDontAsk},
	{alias: "updelay", bond: true, inf: setting.InfDontAsk},
	{alias: "arp-interval", bond: true, inf: setting.InfDontAsk},
	{alias: "arp-ip-target", bond: true, inf: setting.InfDontAsk},
	{alias: "lacp-rate", bond: true, inf: setting.InfDontAsk},
}

func init() {
	bond := setting.Lookup("bond")
	for _, o := range bondOptions {
		o.info, o.prop = bond, bond.Prop("options")
	}
	for _, info := range setting.All() {
		cliOptions(info)
	}
}

// settingOptions holds each setting's options, made once so that their
// states can be tracked by identity.
var settingOptions = map[*setting.Info][]*cliOption{}

// cliOptions lists the options of a setting: its properties with an
// alias, or the bond options.
func cliOptions(info *setting.Info) []*cliOption {
	if info.Name == "bond" {
		return bondOptions
	}
	if o, ok := settingOptions[info]; ok {
		return o
	}
	o := makeCLIOptions(info)
	settingOptions[info] = o
	return o
}

func makeCLIOptions(info *setting.Info) []*cliOption {
	var out []*cliOption
	for _, p := range info.NmcliProps() {
		if p.Nmcli.Alias == "" {
			continue
		}
		out = append(out, &cliOption{info: info, prop: p, alias: p.Nmcli.Alias, inf: p.Nmcli.Inf})
	}
	return out
}

// Option states of "connection add": enabled by what was given (asked
// for then), disabled once set.
const (
	optEnabled = 1 << iota
	optDisabled
)

// propSession is one run of the property machinery: the options' states
// and what it needs from nmcli.
type propSession struct {
	a     *App
	state map[*cliOption]int
	// propState tracks properties set by their full name.
	propState map[*setting.Property]int
	// connections are the profiles known (for master lookups and
	// default names).
	connections []*setting.Connection
}

func (a *App) newPropSession() *propSession {
	ps := &propSession{a: a, state: map[*cliOption]int{}, propState: map[*setting.Property]int{}}
	if !a.offline && a.client != nil {
		for _, cn := range a.client.Connections() {
			ps.connections = append(ps.connections, profileOf(cn))
		}
	}
	return ps
}

func (ps *propSession) env() *setting.NmcliEnv {
	a := ps.a
	return &setting.NmcliEnv{
		Offline: a.offline,
		Warn: func(level setting.WarnLevel, msg string) {
			if a.complete {
				return
			}
			if level == setting.WarnInfo {
				a.print("Info: " + msg + "\n")
			} else {
				a.print("Warning: " + msg + "\n")
			}
		},
		ReadFile: os.ReadFile,
	}
}

// conParts returns the settings the profile's type and port type allow.
func conParts(c *setting.Connection) (typeParts, portParts []setting.NmcliPart, err error) {
	con := c.Setting("connection")
	portType := ""
	conType := ""
	if con != nil {
		portType, conType = con.Str("slave-type"), con.Str("type")
	}
	portParts, _, ok := setting.NmcliPortParts(portType)
	if !ok {
		return nil, nil, userErr("Error: invalid slave type; " + portType + ".")
	}
	typeParts, ok = setting.NmcliTypeParts(conType)
	if !ok {
		return nil, nil, userErr("Error: invalid connection type; " + conType + ".")
	}
	return typeParts, portParts, nil
}

// ensureSettings adds the mandatory settings a profile lacks.
func ensureSettings(c *setting.Connection, parts []setting.NmcliPart) {
	for _, p := range parts {
		if p.Mandatory && !c.Has(p.Setting) {
			c.Add(setting.NewNmcliSetting(p.Setting))
		}
	}
}

// validOptionsString lists names "name (alias), name, ..." of the
// allowed settings.
func validOptionsString(lists ...[]setting.NmcliPart) string {
	var out []string
	for _, l := range lists {
		for _, p := range l {
			info := setting.Lookup(p.Setting)
			if info.Alias != "" {
				out = append(out, info.Name+" ("+info.Alias+")")
			} else {
				out = append(out, info.Name)
			}
		}
	}
	return strings.Join(out, ", ")
}

// checkValidName finds a setting (by name, alias or unambiguous prefix)
// among the allowed ones and returns its name.
func checkValidName(val string, lists ...[]setting.NmcliPart) (string, error) {
	var names []string
	for _, l := range lists {
		for _, p := range l {
			info := setting.Lookup(p.Setting)
			names = append(names, info.Name)
			if info.Alias != "" {
				names = append(names, info.Alias)
			}
		}
	}
	got, err := setting.StringIsValid(val, names)
	if err != nil {
		var amb *setting.AmbiguousError
		if errors.As(err, &amb) {
			return "", err
		}
		return "", errors.New("'" + val + "' not among [" + validOptionsString(lists...) + "]")
	}
	return setting.LookupAlias(got).Name, nil
}

// settingMandatory reports whether the profile's type requires the
// setting.
func settingMandatory(c *setting.Connection, name string) bool {
	typeParts, _ := setting.NmcliTypeParts(c.Type())
	portParts, _, _ := setting.NmcliPortParts(c.PortType())
	for _, l := range [][]setting.NmcliPart{typeParts, portParts} {
		for _, p := range l {
			if p.Setting == name {
				return p.Mandatory
			}
		}
	}
	return false
}

// getValue takes the value after an option; "" resets (nil).
func getValue(argv *[]string, option string) (*string, error) {
	if len(*argv) == 0 {
		return nil, userErr("Error: value for '" + option + "' is missing.")
	}
	v := (*argv)[0]
	*argv = (*argv)[1:]
	if v == "" {
		return nil, nil
	}
	return &v, nil
}

// process applies arguments to the profile until they run out or one is
// not understood; argv is left at the failing word.
func (ps *propSession) process(c *setting.Connection, argv *[]string, allowRemoval bool) error {
	a := ps.a
	for {
		typeParts, portParts, err := conParts(c)
		if err != nil {
			return err
		}
		ensureSettings(c, portParts)
		ensureSettings(c, typeParts)
		if len(*argv) == 0 {
			return userErr("Error: <setting>.<property> argument is missing.")
		}
		orig := (*argv)[0]
		mod, opt := setting.ModSet, orig
		switch {
		case strings.HasPrefix(orig, "+"):
			mod, opt = setting.ModAdd, orig[1:]
		case strings.HasPrefix(orig, "-"):
			mod, opt = setting.ModDel, orig[1:]
		}
		if allowRemoval && mod == setting.ModSet && opt == "remove" {
			*argv = (*argv)[1:]
			if len(*argv) == 1 && a.complete {
				ps.completeExistingSetting(c, "")
				return nil
			}
			if len(*argv) == 0 {
				return userErr("Error: missing setting.")
			}
			name := (*argv)[0]
			*argv = (*argv)[1:]
			sname, err := checkValidName(name, typeParts, portParts)
			if err != nil {
				return userErr("Error: invalid setting argument '" + name + "'.")
			}
			if !c.Has(sname) {
				if len(*argv) == 0 {
					return nil
				}
				continue
			}
			if settingMandatory(c, sname) {
				return userErr("Error: setting '" + sname + "' is mandatory and cannot be removed.")
			}
			c.Remove(sname)
			if len(*argv) == 0 {
				return nil
			}
			continue
		}
		if sett, prop, ok := strings.Cut(opt, "."); ok {
			if len(*argv) == 1 && a.complete {
				ps.completePropertyName(c, mod, sett, &prop)
			}
			name, err := checkValidName(sett, typeParts, portParts)
			if err != nil {
				return userErr("Error: invalid or not allowed setting '" + sett + "': " + err.Error() + ".")
			}
			*argv = (*argv)[1:]
			value, err := getValue(argv, orig)
			if err != nil {
				return err
			}
			if len(*argv) == 0 && a.complete {
				v := ""
				if value != nil {
					v = *value
				}
				ps.completeProperty(c, name, prop, v)
				return nil
			}
			if err := ps.setProperty(c, name, prop, value, mod); err != nil {
				return err
			}
			if len(*argv) == 0 {
				return nil
			}
			continue
		}
		var chosen *cliOption
		for _, sname := range setting.NmcliSettingOrder {
			if _, err := checkValidName(sname, typeParts, portParts); err != nil {
				continue
			}
			info := setting.Lookup(sname)
			for _, o := range cliOptions(info) {
				if o.alias == "" || o.alias != opt {
					continue
				}
				if chosen != nil {
					return userErr("Error: '" + opt + "' is ambiguous (" + chosen.info.Name + "." + opt + " or " + info.Name + "." + opt + ").")
				}
				chosen = o
			}
		}
		if chosen == nil {
			if len(*argv) == 1 && a.complete {
				if allowRemoval && strings.HasPrefix("remove", opt) {
					a.print("remove\n")
				}
				ps.completePropertyName(c, mod, opt, nil)
			}
			return userErr("Error: invalid <setting>.<property> '" + opt + "'.")
		}
		if len(*argv) == 1 && a.complete {
			ps.completePropertyName(c, mod, opt, nil)
		}
		*argv = (*argv)[1:]
		value, err := getValue(argv, orig)
		if err != nil {
			return err
		}
		if len(*argv) == 0 && a.complete {
			v := ""
			if value != nil {
				v = *value
			}
			ps.completeOption(c, chosen, v)
		}
		if err := ps.setOption(c, chosen, value, true); err != nil {
			return err
		}
		if len(*argv) == 0 {
			return nil
		}
	}
}

// setProperty sets "setting.property" (the property may be abbreviated).
func (ps *propSession) setProperty(c *setting.Connection, sname, prop string, value *string, mod setting.Modifier) error {
	s := c.Setting(sname)
	if s == nil {
		s = setting.NewNmcliSetting(sname)
		c.Add(s)
	}
	p, err := s.Info().NmcliProp(prop)
	if err != nil {
		return userErr("Error: invalid property '" + prop + "': " + err.Error() + ".")
	}
	eff := mod
	if mod == setting.ModDel && value == nil {
		eff = setting.ModSet
	}
	if err := ps.nmcliSet(p, s, eff, value); err != nil {
		if mod != setting.ModDel {
			return userErr("Error: failed to modify " + sname + "." + prop + ": " + err.Error() + ".")
		}
		return userErr("Error: failed to remove a value from " + sname + "." + prop + ": " + err.Error() + ".")
	}
	ps.disableProp(p)
	return nil
}

// nmcliSet sets a property; connection.secondaries first turns profile
// names into UUIDs, as nmcli does before libnm sees them.
func (ps *propSession) nmcliSet(p *setting.Property, s *setting.Setting, mod setting.Modifier, value *string) error {
	if value != nil && p.FullName() == "connection.secondaries" {
		v, err := ps.secondaries(*value)
		if err != nil {
			return err
		}
		value = &v
	}
	return p.NmcliSet(s, mod, value, ps.env())
}

func (ps *propSession) secondaries(value string) (string, error) {
	words := strings.FieldsFunc(value, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' })
	if len(words) == 0 {
		return value, nil
	}
	modified := false
	for i, w := range words {
		if setting.UUIDNormalized(w) || isUUIDText(w) {
			con := ps.find("uuid", w)
			if con == nil {
				ps.a.print("Warning: " + w + " is not an UUID of any existing connection profile\n")
			} else if con.Type() != "vpn" {
				return "", errors.New("'" + w + "' is not a VPN connection profile")
			}
			continue
		}
		con := ps.find("id", w)
		if con == nil {
			return "", errors.New("'" + w + "' is not a name of any existing profile")
		}
		if con.Type() != "vpn" {
			return "", errors.New("'" + w + "' is not a VPN connection profile")
		}
		words[i] = con.UUID()
		modified = true
	}
	if modified {
		return strings.Join(words, " "), nil
	}
	return value, nil
}

// isUUIDText is nm_utils_is_uuid: 8-4-4-4-12 hex digits (any case).
func isUUIDText(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(c)) {
			return false
		}
	}
	return true
}

func (ps *propSession) find(selector, value string) *setting.Connection {
	for _, c := range ps.connections {
		switch selector {
		case "uuid":
			if c.UUID() == value {
				return c
			}
		case "id":
			if c.ID() == value {
				return c
			}
		}
	}
	return nil
}

func (ps *propSession) disableProp(p *setting.Property) {
	ps.propState[p] |= optDisabled
	if p.Setting().Name == "bond" && p.Name == "options" {
		for _, o := range bondOptions {
			ps.state[o] |= optDisabled
		}
		return
	}
	for _, o := range cliOptions(p.Setting()) {
		if o.prop == p {
			ps.state[o] |= optDisabled
		}
	}
}

func (ps *propSession) enable(sname, prop string, aliases ...string) {
	info := setting.Lookup(sname)
	for _, o := range cliOptions(info) {
		if o.prop.Name != prop {
			continue
		}
		if len(aliases) > 0 && !containsString(aliases, o.alias) {
			continue
		}
		ps.state[o] = ps.state[o]&^(optEnabled|optDisabled) | optEnabled
	}
}

func containsString(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// setOption sets an option given by its alias.
func (ps *propSession) setOption(c *setting.Connection, o *cliOption, value *string, allowReset bool) error {
	ps.state[o] |= optDisabled
	switch {
	case o.bond && o.alias == "":
		return ps.setBondMonitoring(c, value)
	case o.bond:
		return ps.setBondOption(c, o, value, allowReset)
	}
	switch o.prop.FullName() {
	case "connection.type":
		return ps.setConnectionType(c, value, allowReset)
	case "connection.interface-name":
		if value != nil && *value == "*" {
			value = nil
		} else if value == nil && !allowReset {
			return nil
		}
		return ps.setProperty(c, "connection", "interface-name", value, setting.ModSet)
	case "connection.master":
		return ps.setMaster(c, value, allowReset)
	case "bluetooth.type":
		return ps.setBluetoothType(c, value)
	case "ipv4.addresses", "ipv6.addresses":
		if value == nil {
			return nil
		}
		if !c.Has(o.info.Name) {
			s := setting.MustNewSetting(o.info.Name)
			s.MustSet("method", "manual")
			c.Add(s)
		}
		return ps.setProperty(c, o.info.Name, "addresses", value, setting.ModAdd)
	}
	if value == nil && !allowReset {
		return nil
	}
	mod := setting.ModSet
	switch {
	case value == nil:
		mod = setting.ModDel
	case o.inf&setting.InfMulti != 0:
		mod = setting.ModAdd
	}
	return ps.setProperty(c, o.info.Name, o.prop.Name, value, mod)
}

// checkValidNameToplevel finds a connection type by name, alias, prefix
// or one of the port shortcuts ("bond-slave" gives an ethernet port of
// a bond).
func checkValidNameToplevel(val string) (conType, portType string, err error) {
	var names []string
	for _, n := range setting.NmcliSettingOrder {
		info := setting.Lookup(n)
		names = append(names, info.Name)
		if info.Alias != "" {
			names = append(names, info.Alias)
		}
	}
	names = append(names, "bond-slave", "bridge-slave", "team-slave")
	got, e := setting.StringIsValid(val, names)
	if e != nil {
		var amb *setting.AmbiguousError
		if errors.As(e, &amb) {
			return "", "", e
		}
		return "", "", errors.New("'" + val + "' not among [" + validOptionsStringToplevel() + "]")
	}
	switch got {
	case "bond-slave":
		return "802-3-ethernet", "bond", nil
	case "bridge-slave":
		return "802-3-ethernet", "bridge", nil
	case "team-slave":
		return "802-3-ethernet", "team", nil
	}
	return setting.LookupAlias(got).Name, "", nil
}

func (ps *propSession) setConnectionType(c *setting.Connection, value *string, allowReset bool) error {
	v := ""
	if value != nil {
		v = *value
	}
	conType, portType, err := checkValidNameToplevel(v)
	if err != nil {
		if !allowReset {
			return nil
		}
		return userErr("Error: bad connection type: " + err.Error())
	}
	if portType != "" {
		if err := ps.setProperty(c, "connection", "slave-type", &portType, setting.ModSet); err != nil {
			return err
		}
	}
	if err := ps.setProperty(c, "connection", "type", &conType, setting.ModSet); err != nil {
		return err
	}
	return ps.enableTypeSettings(c)
}

// enableTypeSettings adds the settings the type requires and names
// software devices.
func (ps *propSession) enableTypeSettings(c *setting.Connection) error {
	con := c.Ensure("connection")
	if con.Str("slave-type") != "" {
		ps.enable("connection", "master")
	}
	switch con.Str("type") {
	case "bluetooth", "bond", "bridge", "dummy", "ovs-bridge", "ovs-patch", "ovs-port", "team", "veth", "vrf", "wireguard":
		ps.enable("connection", "interface-name")
	}
	typeParts, portParts, err := conParts(c)
	if err != nil {
		return err
	}
	ensureSettings(c, portParts)
	ensureSettings(c, typeParts)
	ps.setDefaultInterfaceName(c)
	return nil
}

// setDefaultInterfaceName names bonds, teams and bridges nm-bond,
// nm-team, nm-bridge (with a number when taken).
func (ps *propSession) setDefaultInterfaceName(c *setting.Connection) {
	con := c.Setting("connection")
	if _, ok := con.String("interface-name"); ok {
		return
	}
	var base string
	switch con.Str("type") {
	case "bond":
		base = "nm-bond"
	case "team":
		base = "nm-team"
	case "bridge":
		base = "nm-bridge"
	default:
		return
	}
	name := base
	for n := 0; ; {
		taken := false
		for _, x := range ps.connections {
			if x.InterfaceName() == name {
				taken = true
				break
			}
		}
		if !taken {
			break
		}
		n++
		name = base + itoa(n)
	}
	con.MustSet("interface-name", name)
}

func (ps *propSession) setMaster(c *setting.Connection, value *string, allowReset bool) error {
	if value == nil {
		if !allowReset {
			return nil
		}
		return userErr("Error: master is required")
	}
	con := c.Ensure("connection")
	portType, hasPort := con.String("slave-type")
	master, outType := ps.normalizedMaster(*value, portType, hasPort)
	if outType != nil {
		if err := ps.setProperty(c, "connection", "slave-type", outType, setting.ModSet); err != nil {
			return err
		}
	} else if err := ps.setProperty(c, "connection", "slave-type", nil, setting.ModSet); err != nil {
		return err
	}
	return ps.setProperty(c, "connection", "master", &master, setting.ModSet)
}

// normalizedMaster finds the controller profile a port names (by
// "ifname/", "uuid/", "id/" prefix, else UUID or interface name, else
// name, which becomes its UUID).
func (ps *propSession) normalizedMaster(master, wantType string, hasType bool) (string, *string) {
	field := ""
	for _, p := range []string{"ifname/", "uuid/", "id/"} {
		if rest, ok := strings.CutPrefix(master, p); ok {
			master, field = rest, strings.TrimSuffix(p, "/")
			break
		}
	}
	var byID, byIDType *string
	for _, c := range ps.connections {
		t := c.Type()
		if hasType && t != wantType {
			continue
		}
		tt := t
		switch field {
		case "ifname", "uuid", "id":
			v := map[string]string{"ifname": c.InterfaceName(), "uuid": c.UUID(), "id": c.ID()}[field]
			if v == master {
				if field == "id" {
					return c.UUID(), &tt
				}
				return master, &tt
			}
			continue
		}
		if master == c.UUID() || master == c.InterfaceName() {
			return master, &tt
		}
		if byID == nil && master == c.ID() {
			u := c.UUID()
			byID, byIDType = &u, &tt
		}
	}
	if byID != nil {
		return *byID, byIDType
	}
	ps.a.print("Warning: master='" + master + "' doesn't refer to any existing profile.\n")
	if hasType {
		return master, &wantType
	}
	return master, nil
}

func (ps *propSession) setBluetoothType(c *setting.Connection, value *string) error {
	if value == nil {
		return nil
	}
	v := *value
	switch v {
	case "dun", "dun-gsm":
		v = "dun"
		c.Add(setting.NewNmcliSetting("gsm"))
	case "dun-cdma":
		v = "dun"
		c.Add(setting.MustNewSetting("cdma"))
	case "panu", "nap":
	default:
		return userErr("Error: 'bt-type': '" + v + "' not valid; use [panu, nap, dun (dun-gsm), dun-cdma].")
	}
	return ps.setProperty(c, "bluetooth", "type", &v, setting.ModSet)
}

func (ps *propSession) setBondOption(c *setting.Connection, o *cliOption, value *string, allowReset bool) error {
	s := c.Ensure("bond")
	name := strings.ReplaceAll(o.alias, "-", "_")
	if value == nil || *value == "" {
		if allowReset {
			return setting.BondAddOption(s, name, nil)
		}
	} else if err := setting.BondAddOption(s, name, value); err != nil {
		return bondOptionError(err)
	}
	if name == "mode" && s.StrDict("options")["mode"] == "active-backup" {
		ps.enable("bond", "options", "primary")
	}
	return nil
}

func (ps *propSession) setBondMonitoring(_ *setting.Connection, value *string) error {
	mode := "miimon"
	if value != nil {
		mode = strings.TrimSpace(*value)
	}
	switch {
	case matches(mode, "miimon"):
		ps.enable("bond", "options", "miimon", "downdelay", "updelay")
	case matches(mode, "arp"):
		ps.enable("bond", "options", "arp-interval", "arp-ip-target")
	default:
		return userErr("Error: '" + mode + "' is not a valid monitoring mode; use 'miimon' or 'arp'.\n")
	}
	return nil
}

// optionRelevant: an option "connection add" still expects.
func (ps *propSession) optionRelevant(c *setting.Connection, o *cliOption) bool {
	st := ps.state[o]
	if o.inf&setting.InfDontAsk != 0 && st&optEnabled == 0 {
		return false
	}
	if st&optDisabled != 0 {
		return false
	}
	return c.Has(o.info.Name)
}

// uniqueProfileName is name, or name-N when taken.
func uniqueProfileName(cons []*setting.Connection, name string) string {
	out := name
	for n := 1; ; n++ {
		taken := false
		for _, c := range cons {
			if c.ID() == out {
				taken = true
				break
			}
		}
		if !taken {
			return out
		}
		out = name + "-" + itoa(n)
	}
}

// nameAliasToplevel is the name "connection add" builds default profile
// names from: the type's alias, or the port kind ("bond-slave").
func nameAliasToplevel(name, portType string) string {
	if portType != "" {
		if _, n, ok := setting.NmcliPortParts(portType); ok && n != "" {
			return n
		}
		return name
	}
	if info := setting.Lookup(name); info != nil {
		if info.Alias != "" {
			return info.Alias
		}
		return info.Name
	}
	return name
}

// connectionsOf decodes the client's profiles.
func connectionsOf(cl *client.Client) []*setting.Connection {
	var out []*setting.Connection
	for _, cn := range cl.Connections() {
		out = append(out, profileOf(cn))
	}
	return out
}

// bondOptionError carries libnm's error code as nmcli's exit status, as
// nmcli does for bond options: a mode that is not a bonding mode ends
// nmcli silently with status 0, an ambiguous one with 5, a bad value
// with 2 (and without "Error:").
func bondOptionError(err error) error {
	var amb *setting.AmbiguousError
	switch {
	case errors.As(err, &amb):
		return &cliError{5, err.Error()}
	case strings.HasPrefix(err.Error(), "failed to set bond option"):
		return &cliError{ExitUserInput, err.Error()}
	}
	return &cliError{ExitSuccess, err.Error()}
}
