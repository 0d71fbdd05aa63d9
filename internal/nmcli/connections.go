package nmcli

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/nmcli/format"
	"github.com/gonm/gonm/internal/setting"
)

func cmdConnection(a *App, _ *command, argv []string) {
	cmds := []command{
		{name: "show", fn: doConnectionsShow, usage: usageConnectionShow, needsClient: true, needsRunning: true},
		{name: "up", fn: doConnectionUp, usage: usageConnectionUp, needsClient: true, needsRunning: true},
		{name: "down", fn: doConnectionDown, usage: usageConnectionDown, needsClient: true, needsRunning: true},
		{name: "add", fn: doConnectionAdd, usage: usageConnectionAdd, needsClient: true, needsRunning: true, supportsOffline: true},
		{name: "edit", fn: doConnectionEdit, usage: usageConnectionEdit, needsClient: true, needsRunning: true},
		{name: "delete", fn: doConnectionDelete, usage: usageConnectionDelete, needsClient: true, needsRunning: true},
		{name: "reload", fn: doConnectionReload, usage: usageConnectionReload},
		{name: "load", fn: doConnectionLoad, usage: usageConnectionLoad, needsClient: true, needsRunning: true},
		{name: "modify", fn: doConnectionModify, usage: usageConnectionModify, needsClient: true, needsRunning: true, supportsOffline: true, needsOfflineConn: true},
		{name: "clone", fn: doConnectionClone, usage: usageConnectionClone, needsClient: true, needsRunning: true},
		{name: "import", fn: doConnectionImport, usage: usageConnectionImport, needsClient: true, needsRunning: true},
		{name: "export", fn: doConnectionExport, usage: usageConnectionExport, needsClient: true, needsRunning: true},
		{name: "migrate", fn: doConnectionMigrate, usage: usageConnectionMigrate, needsClient: true, needsRunning: true},
		{name: "monitor", fn: doConnectionMonitor, usage: usageConnectionMonitor, needsClient: true, needsRunning: true},
		{fn: doConnectionsShow, usage: usageConnection, needsClient: true, needsRunning: true},
	}
	a.nextArg(&argv)
	a.startPolkitAgentTry()
	a.doCmd(cmds, argv)
}

// settingAliases are the short names nmcli shows for a few connection
// types in pretty mode.
var settingAliases = map[string]string{
	"802-3-ethernet":           "ethernet",
	"802-11-wireless":          "wifi",
	"802-11-wireless-security": "wifi-sec",
	"802-11-olpc-mesh":         "olpc-mesh",
}

func typeToDisplay(t string, gt format.GetType) string {
	if gt != format.Pretty {
		return t
	}
	if alias, ok := settingAliases[t]; ok {
		return alias
	}
	return t
}

// activeStateOrd orders active connections by state for sorting.
func activeStateOrd(ac *client.ActiveConnection) int {
	if ac == nil {
		return -2
	}
	switch ac.State() {
	case client.ActiveStateUnknown:
		return 0
	case client.ActiveStateDeactivated:
		return 1
	case client.ActiveStateDeactivating:
		return 2
	case client.ActiveStateActivating:
		return 3
	case client.ActiveStateActivated:
		return 4
	}
	return -1
}

func sharedMethod(ac *client.ActiveConnection, setting string) bool {
	cn := ac.Connection()
	if cn == nil {
		return false
	}
	return cn.Settings().Has(setting) && cn.Settings().Str(setting, "method") == "shared"
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareActive orders active connections by how interesting they are:
// a positive result means a sorts after b.
func compareActive(a, b *client.ActiveConnection) int {
	if a == b {
		return 0
	}
	if a == nil {
		return -1
	}
	if b == nil {
		return 1
	}
	if c := cmpInt(activeStateOrd(b), activeStateOrd(a)); c != 0 {
		return c
	}
	cmp := 0
	if sharedMethod(a, "ipv6") {
		cmp++
	}
	if sharedMethod(b, "ipv6") {
		cmp--
	}
	if cmp != 0 {
		return cmp
	}
	if sharedMethod(a, "ipv4") {
		cmp++
	}
	if sharedMethod(b, "ipv4") {
		cmp--
	}
	if cmp != 0 {
		return cmp
	}
	if c := cmpBool(a.VPN(), b.VPN()); c != 0 {
		return c
	}
	if c := cmpBool(a.Default(), b.Default()); c != 0 {
		return c
	}
	if c := cmpBool(a.Default6(), b.Default6()); c != 0 {
		return c
	}
	na, nb := 0, 0
	if ip := a.IP4Config(); ip != nil {
		na += len(ip.Addresses())
	}
	if ip := b.IP4Config(); ip != nil {
		nb += len(ip.Addresses())
	}
	if ip := a.IP6Config(); ip != nil {
		na += len(ip.Addresses())
	}
	if ip := b.IP6Config(); ip != nil {
		nb += len(ip.Addresses())
	}
	return cmpInt(na, nb)
}

// connectionDeprecated explains why a profile's type or security is
// deprecated, or returns "".
func connectionDeprecated(s client.Settings) string {
	if s.Type() == "wimax" {
		return "WiMax is no longer supported"
	}
	if s.Has("802-11-wireless-security") {
		km := s.Str("802-11-wireless-security", "key-mgmt")
		if km == "ieee8021x" || km == "none" {
			return "WEP encryption is known to be insecure"
		}
	}
	return ""
}

// conRow is one line of "connection show": a profile, an active
// connection of it, or both.
type conRow struct {
	con        *client.Connection
	primary    *client.ActiveConnection
	all        []*client.ActiveConnection
	showActive bool
}

func (r *conRow) settings() client.Settings {
	if r.con == nil {
		return nil
	}
	return r.con.Settings()
}

func (r *conRow) ac() *client.ActiveConnection {
	if !r.showActive {
		return nil
	}
	return r.primary
}

func rowID(c *client.Connection, ac *client.ActiveConnection) string {
	if c != nil && c.Settings().Has("connection") {
		if id := c.Settings().ID(); id != "" {
			return id
		}
	}
	if ac != nil {
		return ac.ID()
	}
	return ""
}

func rowType(c *client.Connection, ac *client.ActiveConnection, gt format.GetType) string {
	s := ""
	if c != nil && c.Settings().Has("connection") {
		s = c.Settings().Type()
	}
	if s == "" && ac != nil {
		s = ac.Type()
	}
	return typeToDisplay(s, gt)
}

func (r *conRow) color() format.Color {
	if r.primary != nil {
		return activeStateColor(r.primary)
	}
	if r.con != nil && connectionDeprecated(r.con.Settings()) != "" {
		return format.ColorConnectionDeprecated
	}
	return format.ColorConnectionUnknown
}

func conField(name string, get func(r *conRow, gt format.GetType) format.Value) *format.Field {
	return field(name, func(t any, gt format.GetType) format.Value {
		r := t.(*conRow)
		v := get(r, gt)
		v.Color = r.color()
		return v
	})
}

// acDevices lists an active connection's device names, comma-separated.
func acDevices(ac *client.ActiveConnection) string {
	var names []string
	for _, d := range ac.Devices() {
		if n := d.Interface(); n != "" {
			names = append(names, n)
		}
	}
	return strings.Join(names, ",")
}

var conShowFields = []*format.Field{
	conField("NAME", func(r *conRow, _ format.GetType) format.Value { return format.StrOrNull(rowID(r.con, r.ac())) }),
	conField("UUID", func(r *conRow, _ format.GetType) format.Value {
		if s := r.settings(); s.Has("connection") && s.UUID() != "" {
			return format.Str(s.UUID())
		}
		if ac := r.ac(); ac != nil {
			return format.StrOrNull(ac.UUID())
		}
		return format.Null()
	}),
	conField("TYPE", func(r *conRow, gt format.GetType) format.Value {
		return format.StrOrNull(rowType(r.con, r.ac(), gt))
	}),
	conField("TIMESTAMP", func(r *conRow, _ format.GetType) format.Value {
		if !r.settings().Has("connection") {
			return format.Null()
		}
		return format.Str(formatUint(r.settings().Timestamp()))
	}),
	conField("TIMESTAMP-REAL", func(r *conRow, _ format.GetType) format.Value {
		if !r.settings().Has("connection") {
			return format.Null()
		}
		ts := r.settings().Timestamp()
		if ts == 0 {
			return format.Str("never")
		}
		// strftime("%c") in the C locale.
		return format.Str(time.Unix(int64(ts), 0).Format("Mon Jan _2 15:04:05 2006"))
	}),
	conField("AUTOCONNECT", func(r *conRow, _ format.GetType) format.Value {
		if !r.settings().Has("connection") {
			return format.Null()
		}
		return format.Str(boolStr(r.settings().Autoconnect()))
	}),
	conField("AUTOCONNECT-PRIORITY", func(r *conRow, _ format.GetType) format.Value {
		if !r.settings().Has("connection") {
			return format.Null()
		}
		return format.Str(formatInt(r.settings().AutoconnectPriority()))
	}),
	conField("READONLY", func(r *conRow, _ format.GetType) format.Value {
		if !r.settings().Has("connection") {
			return format.Null()
		}
		return format.Str(boolStr(r.settings().ReadOnly()))
	}),
	conField("DBUS-PATH", func(r *conRow, _ format.GetType) format.Value {
		if r.con == nil {
			return format.Null()
		}
		return format.Str(string(r.con.Path()))
	}),
	conField("ACTIVE", func(r *conRow, _ format.GetType) format.Value { return format.Str(boolStr(r.ac() != nil)) }),
	conField("DEVICE", func(r *conRow, _ format.GetType) format.Value {
		if ac := r.ac(); ac != nil {
			return format.StrOrNull(acDevices(ac))
		}
		return format.Null()
	}),
	conField("STATE", func(r *conRow, _ format.GetType) format.Value {
		if ac := r.ac(); ac != nil {
			return format.Str(activeStateString(ac.State()))
		}
		return format.Null()
	}),
	conField("ACTIVE-PATH", func(r *conRow, _ format.GetType) format.Value {
		if ac := r.ac(); ac != nil {
			return format.Str(string(ac.Path()))
		}
		return format.Null()
	}),
	conField("SLAVE", func(r *conRow, _ format.GetType) format.Value {
		if !r.settings().Has("connection") {
			return format.Null()
		}
		return format.StrOrNull(r.settings().SlaveType())
	}),
	conField("FILENAME", func(r *conRow, _ format.GetType) format.Value {
		if r.con == nil {
			return format.Null()
		}
		return format.StrOrNull(r.con.Filename())
	}),
}

const fieldsConShowCommon = "NAME,UUID,TYPE,DEVICE"

func formatUint(u uint64) string {
	if u <= 1<<62 {
		return formatInt(int64(u))
	}
	return formatInt(int64(u/10)) + string(rune('0'+u%10))
}

// Sort keys of --order.
const (
	sortActive = 1
	sortName   = 2
	sortType   = 3
	sortPath   = 4
)

// parseOrder parses "--order [+-]active:[+-]name:..." into signed keys.
func parseOrder(order string) ([]int, string) {
	var out []int
	parts := strings.FieldsFunc(order, func(r rune) bool { return r == ':' })
	if len(parts) == 0 {
		return nil, "incorrect string '" + order + "' of '--order' option"
	}
	for _, p := range parts {
		s := p
		inverse := strings.HasPrefix(s, "-")
		if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
			s = s[1:]
		}
		var v int
		switch {
		case matches(s, "active"):
			v = sortActive
		case matches(s, "name"):
			v = sortName
		case matches(s, "type"):
			v = sortType
		case matches(s, "path"):
			v = sortPath
		default:
			return nil, "incorrect item '" + p + "' in '--order' option"
		}
		if inverse {
			v = -v
		}
		dup := false
		for _, o := range out {
			if o == v || o == -v {
				dup = true
			}
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out, ""
}

// collate compares names as the C locale's wcscoll does: by code point.
func collate(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	for i := 0; i < len(ra) && i < len(rb); i++ {
		if ra[i] != rb[i] {
			if ra[i] < rb[i] {
				return -1
			}
			return 1
		}
	}
	return cmpInt(len(ra), len(rb))
}

func (a *App) conShowItems(activeOnly, showActive bool, order []int) []*conRow {
	rows := map[any]*conRow{}
	var keys []any
	add := func(k any, r *conRow) {
		if _, ok := rows[k]; !ok {
			keys = append(keys, k)
		}
		rows[k] = r
	}
	for _, c := range a.client.Connections() {
		add(c.Object, &conRow{con: c, showActive: showActive})
	}
	for _, ac := range a.client.ActiveConnections() {
		c := ac.Connection()
		if !showActive && c == nil {
			continue
		}
		var row *conRow
		if c != nil {
			row = rows[c.Object]
		}
		if showActive || c == nil {
			if row != nil {
				delete(rows, c.Object)
			}
			add(ac.Object, &conRow{con: c, primary: ac, showActive: showActive})
			continue
		}
		if row == nil {
			row = &conRow{con: c, showActive: showActive}
			add(c.Object, row)
		}
		if row.primary == nil {
			row.primary = ac
		} else {
			if row.all == nil {
				row.all = []*client.ActiveConnection{row.primary}
			}
			row.all = append(row.all, ac)
		}
	}
	var out []*conRow
	for _, k := range keys {
		r, ok := rows[k]
		if !ok {
			continue
		}
		if activeOnly && r.primary == nil {
			continue
		}
		if !showActive {
			s := r.settings()
			if !s.Has("connection") || s.UUID() == "" {
				continue
			}
			if r.all != nil {
				best := r.all[0]
				for _, ac := range r.all[1:] {
					if activeStateOrd(ac) > activeStateOrd(best) {
						best = ac
					}
				}
				r.primary, r.all = best, nil
			}
		}
		out = append(out, r)
	}
	gt := a.cfg.GetType()
	sort.SliceStable(out, func(i, j int) bool { return conRowCmp(out[i], out[j], order, gt, showActive) < 0 })
	return out
}

func conRowCmp(ra, rb *conRow, order []int, gt format.GetType, showActive bool) int {
	ca, cb := ra.con, rb.con
	if ca == nil && cb != nil {
		return -1
	}
	if cb == nil && ca != nil {
		return 1
	}
	aca, acb := ra.primary, rb.primary
	var effA, effB *client.ActiveConnection
	if showActive {
		effA, effB = aca, acb
	}
	if ca != nil && cb != nil && ca != cb {
		if order == nil {
			order = []int{sortActive, sortName, sortPath}
		}
		for _, item := range order {
			var c int
			switch item {
			case sortActive:
				c = compareActive(acb, aca)
			case -sortActive:
				c = compareActive(aca, acb)
			case sortType:
				c = strings.Compare(rowType(ca, effA, gt), rowType(cb, effB, gt))
			case -sortType:
				c = strings.Compare(rowType(cb, effB, gt), rowType(ca, effA, gt))
			case sortName:
				c = collate(rowID(ca, effA), rowID(cb, effB))
			case -sortName:
				c = collate(rowID(cb, effB), rowID(ca, effA))
			case sortPath:
				c = dbusPathCmp(string(ca.Path()), string(cb.Path()))
			case -sortPath:
				c = dbusPathCmp(string(cb.Path()), string(ca.Path()))
			}
			if c != 0 {
				return c
			}
		}
		if c := cmpBool(connectionDeprecated(ca.Settings()) != "", connectionDeprecated(cb.Settings()) != ""); c != 0 {
			return c
		}
		if c := strings.Compare(ca.UUID(), cb.UUID()); c != 0 {
			return c
		}
		if c := strings.Compare(string(ca.Path()), string(cb.Path())); c != 0 {
			return c
		}
	}
	var pa, pb string
	if aca != nil {
		pa = string(aca.Path())
	}
	if acb != nil {
		pb = string(acb.Path())
	}
	return strings.Compare(pa, pb)
}

func doConnectionsShow(a *App, _ *command, argv []string) {
	activeOnly := false
	var order []int
	orig := argv
	for {
		opt := a.nextArg(&argv, "--active", "--order")
		if opt <= 0 {
			break
		}
		if opt == 1 {
			activeOnly = true
			continue
		}
		argv = argv[1:]
		if len(argv) == 0 {
			a.setError(ExitUserInput, "Error: '--order' argument is missing.")
			return
		}
		var errText string
		order, errText = parseOrder(argv[0])
		if errText != "" {
			a.setError(ExitUserInput, "Error: "+errText+".")
			return
		}
	}
	_ = orig
	if len(argv) == 0 {
		if a.complete {
			return
		}
		spec := a.fieldsSpec(fieldsConShowCommon)
		showActive := true
		if sel, err := format.ParseSelection(conShowFields, spec, false); err == nil && len(sel) > 0 {
			showActive = false
			for _, s := range sel {
				switch s.Field.Name {
				case "DEVICE", "STATE", "ACTIVE", "ACTIVE-PATH":
					showActive = true
				}
			}
		}
		a.spawnPager()
		items := a.conShowItems(activeOnly, showActive, order)
		targets := make([]any, len(items))
		for i, r := range items {
			targets[i] = r
		}
		header := "NetworkManager connection profiles"
		if activeOnly {
			header = "NetworkManager active profiles"
		}
		if err := a.printer.PrintTable(targets, header, conShowFields, spec); err != nil {
			a.setError(ExitUserInput, "Error: "+err.Error()+".")
		}
		return
	}
	a.showConnectionDetails(argv, activeOnly)
}

// activeDetailGroups are the sections of an active connection in
// "connection show ID".
var activeDetailGroups = []*format.Field{
	{Name: "GENERAL", Nested: activeGeneralFields},
	{Name: "IP4", Nested: ip4ConfigFields},
	{Name: "DHCP4", Nested: dhcpConfigFields},
	{Name: "IP6", Nested: ip6ConfigFields},
	{Name: "DHCP6", Nested: dhcpConfigFields},
	{Name: "VPN", Nested: activeVPNFields},
}

func acField(name string, get func(ac *client.ActiveConnection, gt format.GetType) format.Value) *format.Field {
	return field(name, func(t any, gt format.GetType) format.Value { return get(t.(*client.ActiveConnection), gt) })
}

var activeGeneralFields = []*format.Field{
	acField("NAME", func(ac *client.ActiveConnection, _ format.GetType) format.Value { return format.StrOrNull(ac.ID()) }),
	acField("UUID", func(ac *client.ActiveConnection, _ format.GetType) format.Value { return format.StrOrNull(ac.UUID()) }),
	acField("DEVICES", func(ac *client.ActiveConnection, _ format.GetType) format.Value {
		return format.StrOrNull(acDevices(ac))
	}),
	acField("IP-IFACE", func(ac *client.ActiveConnection, _ format.GetType) format.Value {
		var names []string
		for _, d := range ac.Devices() {
			if n := d.IPInterface(); n != "" {
				names = append(names, n)
			}
		}
		return format.StrOrNull(strings.Join(names, ","))
	}),
	acField("STATE", func(ac *client.ActiveConnection, _ format.GetType) format.Value {
		return format.Str(activeStateString(ac.State()))
	}),
	acField("DEFAULT", func(ac *client.ActiveConnection, _ format.GetType) format.Value {
		return format.Str(boolStr(ac.Default()))
	}),
	acField("DEFAULT6", func(ac *client.ActiveConnection, _ format.GetType) format.Value {
		return format.Str(boolStr(ac.Default6()))
	}),
	acField("SPEC-OBJECT", func(ac *client.ActiveConnection, _ format.GetType) format.Value {
		p := string(ac.SpecificObjectPath())
		if p == "/" {
			p = ""
		}
		return format.StrOrNull(p)
	}),
	acField("VPN", func(ac *client.ActiveConnection, _ format.GetType) format.Value {
		return format.Str(boolStr(ac.IsVPNObject()))
	}),
	acField("DBUS-PATH", func(ac *client.ActiveConnection, _ format.GetType) format.Value { return format.Str(string(ac.Path())) }),
	acField("CON-PATH", func(ac *client.ActiveConnection, _ format.GetType) format.Value {
		if cn := ac.Connection(); cn != nil {
			return format.Str(string(cn.Path()))
		}
		return format.Null()
	}),
	acField("ZONE", func(ac *client.ActiveConnection, _ format.GetType) format.Value {
		if cn := ac.Connection(); cn != nil {
			return format.StrOrNull(cn.Settings().Zone())
		}
		return format.Null()
	}),
	acField("MASTER-PATH", func(ac *client.ActiveConnection, _ format.GetType) format.Value {
		if m := ac.Master(); m != nil {
			return format.Str(string(m.Path()))
		}
		return format.Null()
	}),
}

// vpnKeys name the data items where VPN plugins keep the gateway and the
// user name.
var vpnGatewayKeys = map[string]string{"openvpn": "remote", "vpnc": "IPSec gateway", "pptp": "gateway",
	"openconnect": "gateway", "openswan": "right", "libreswan": "right", "ssh": "remote", "l2tp": "gateway"}
var vpnUserKeys = map[string]string{"openvpn": "username", "vpnc": "Xauth username", "pptp": "user",
	"openconnect": "username", "openswan": "leftxauthusername", "libreswan": "leftxauthusername", "l2tp": "user"}

func vpnType(s client.Settings) string {
	if !s.Has("vpn") {
		return ""
	}
	t := s.Str("vpn", "service-type")
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		return t[i+1:]
	}
	return t
}

var activeVPNFields = []*format.Field{
	acField("TYPE", func(ac *client.ActiveConnection, _ format.GetType) format.Value {
		if cn := ac.Connection(); cn != nil {
			return format.StrOrNull(vpnType(cn.Settings()))
		}
		return format.Null()
	}),
	acField("USERNAME", func(ac *client.ActiveConnection, _ format.GetType) format.Value {
		cn := ac.Connection()
		if cn == nil {
			return format.Null()
		}
		s := cn.Settings()
		if u := s.Str("vpn", "user-name"); u != "" {
			return format.Str(u)
		}
		if k, ok := vpnUserKeys[vpnType(s)]; ok {
			return format.StrOrNull(s.StrMap("vpn", "data")[k])
		}
		return format.Null()
	}),
	acField("GATEWAY", func(ac *client.ActiveConnection, _ format.GetType) format.Value {
		cn := ac.Connection()
		if cn == nil {
			return format.Null()
		}
		s := cn.Settings()
		if k, ok := vpnGatewayKeys[vpnType(s)]; ok {
			return format.StrOrNull(s.StrMap("vpn", "data")[k])
		}
		return format.Null()
	}),
	acField("BANNER", func(ac *client.ActiveConnection, _ format.GetType) format.Value {
		if b := ac.Banner(); b != "" {
			return format.Str(cEscape(b))
		}
		return format.Null()
	}),
	acField("VPN-STATE", func(ac *client.ActiveConnection, _ format.GetType) format.Value {
		s := ac.VPNState()
		return format.Str(itoa(int(s)) + " - " + vpnStateString(s))
	}),
	acField("CFG", func(ac *client.ActiveConnection, _ format.GetType) format.Value {
		cn := ac.Connection()
		if cn == nil || !cn.Settings().Has("vpn") {
			return format.Strv(nil)
		}
		return format.Strv(keyValueLines(cn.Settings().StrMap("vpn", "data")))
	}),
}

// cEscape is g_strescape(): backslash escapes for control characters,
// quotes and backslash, octal for the rest of the non-printable bytes.
func cEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\v':
			b.WriteString(`\v`)
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		default:
			if c < ' ' || c >= 0x7f {
				b.WriteByte('\\')
				b.WriteByte('0' + c>>6)
				b.WriteByte('0' + (c>>3)&7)
				b.WriteByte('0' + c&7)
			} else {
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

// splitConShowFields separates -f of "connection show ID" into profile
// settings and active connection sections.
func splitConShowFields(input *string) (profile, active *string, errText string) {
	if input == nil {
		return nil, nil, ""
	}
	var p, ac []string
	groupProfile, groupActive := false, false
	for _, f := range strings.Split(*input, ",") {
		f = strings.TrimRight(strings.TrimLeft(f, asciiSpace), asciiSpace)
		name, _, hasDot := strings.Cut(f, ".")
		isAll := !hasDot && strings.EqualFold(name, "all")
		isCommon := !hasDot && strings.EqualFold(name, "common")
		found := false
		for _, s := range setting.NmcliSettingOrder {
			if isAll || isCommon || strings.EqualFold(name, s) {
				p = append(p, f)
				found = true
				break
			}
		}
		if found {
			continue
		}
		for _, g := range activeDetailGroups {
			if isAll || isCommon || strings.EqualFold(name, g.Name) {
				ac = append(ac, f)
				found = true
				break
			}
		}
		if found {
			continue
		}
		switch {
		case strings.EqualFold(f, "profile"):
			groupProfile = true
		case strings.EqualFold(f, "active"):
			groupActive = true
		default:
			sorted := append([]string(nil), setting.NmcliSettingOrder...)
			sort.Strings(sorted)
			return nil, nil, "invalid field '" + f + "'; allowed fields: " + strings.Join(sorted, ",") +
				" and " + format.Names(activeDetailGroups, "") + ", or profile,active"
		}
	}
	if groupProfile {
		if len(p) > 0 {
			return nil, nil, "'profile' has to be alone"
		}
		p = []string{"all"}
	}
	if groupActive {
		if len(ac) > 0 {
			return nil, nil, "'active' has to be alone"
		}
		ac = []string{"all"}
	}
	if len(p) > 0 {
		s := strings.Join(p, ",")
		profile = &s
	}
	if len(ac) > 0 {
		s := strings.Join(ac, ",")
		active = &s
	}
	return profile, active, ""
}

func (a *App) showConnectionDetails(argv []string, activeOnly bool) {
	if !a.modeSpecified {
		a.cfg.Multiline = true
	}
	withoutFields := a.requiredFields == nil
	profileFields, activeFields, errText := splitConShowFields(a.requiredFields)
	if errText != "" {
		a.setError(ExitUserInput, "Error: "+errText+".")
		return
	}
	a.requiredFields = nil
	if !a.showSecrets && !a.complete {
		// --show-secrets may follow the IDs.
		cp := argv
		for {
			if len(cp) > 0 && isSelector(cp[0], true) {
				cp = cp[1:]
			}
			if a.nextArg(&cp) == -1 {
				break
			}
		}
	}
	activeCons := a.client.ActiveConnections()
	newLine := false
	for len(argv) > 0 {
		selector, ok := a.activeSelectorArg(&argv)
		if !ok {
			return
		}
		found := a.findConnections(a.client.Connections(), selector, argv[0], len(argv) == 1 && a.complete)
		var explicit *client.ActiveConnection
		if len(found) == 0 && (selector == "" || selector == "apath") {
			acs := a.findActive(activeCons, "apath", argv[0], len(argv) == 1 && a.complete)
			if len(acs) > 0 {
				explicit = acs[0]
				if selector == "" && argv[0] != string(explicit.Path()) {
					explicit = nil
				}
			}
		}
		if len(found) == 0 && explicit == nil {
			a.setError(ExitNotFound, "Error: "+argv[0]+" - no such connection profile.")
			return
		}
		if a.complete {
			a.nextArg(&argv)
			continue
		}
		var groups []*client.Connection
		if explicit == nil {
			groups = found
		}
		for i := 0; ; i++ {
			var acs []*client.ActiveConnection
			if explicit != nil {
				if i > 0 {
					break
				}
				acs = []*client.ActiveConnection{explicit}
			} else {
				if i >= len(groups) {
					break
				}
				acs = activesOf(activeCons, groups[i])
				if activeOnly && len(acs) == 0 {
					continue
				}
			}
			if newLine {
				a.print("\n")
			}
			newLine = true
			if withoutFields || profileFields != nil {
				var cn *client.Connection
				if explicit != nil {
					cn = explicit.Connection()
				} else {
					cn = groups[i]
				}
				if cn != nil {
					c := profileOf(cn)
					if a.showSecrets {
						a.fetchSecrets(cn, c)
					}
					if !a.profileDetails(c, profileFields) {
						return
					}
				}
			}
			if withoutFields || activeFields != nil {
				for k, ac := range acs {
					if k > 0 {
						a.print("\n")
					}
					if !a.activeConnectionDetails(ac, activeFields) {
						return
					}
				}
			}
		}
		a.nextArg(&argv)
	}
}

func isSelector(s string, withApath bool) bool {
	switch s {
	case "id", "uuid", "path", "filename":
		return true
	case "apath":
		return withApath
	}
	return false
}

// activesOf lists the active connections of a profile, best first.
func activesOf(acs []*client.ActiveConnection, c *client.Connection) []*client.ActiveConnection {
	var out []*client.ActiveConnection
	for _, ac := range acs {
		if cn := ac.Connection(); cn != nil && cn.Object == c.Object {
			out = append(out, ac)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if c := compareActive(x, y); c != 0 {
			return c < 0
		}
		if c := strings.Compare(x.ID(), y.ID()); c != 0 {
			return c < 0
		}
		if c := strings.Compare(x.Type(), y.Type()); c != 0 {
			return c < 0
		}
		return string(x.Path()) < string(y.Path())
	})
	return out
}

func (a *App) activeConnectionDetails(ac *client.ActiveConnection, fields *string) bool {
	spec := fields
	if spec != nil && (strings.EqualFold(*spec, "common") || strings.EqualFold(*spec, "all")) {
		spec = nil
	}
	groups, subs, err := format.ParseFields(activeDetailGroups, spec)
	if err != nil {
		a.setError(ExitUserInput, "Error: 'connection show': "+err.Error())
		return false
	}
	a.printer.BeginRecord()
	defer a.printer.EndRecord()
	a.printer.MainHeader("Active connection details (" + ac.UUID() + ")")
	wasOutput := false
	for k, idx := range groups {
		sub := subs[k]
		if a.cfg.Output != format.Terse && !a.cfg.Multiline && wasOutput && !a.printer.JSON() {
			a.print("\n")
		}
		wasOutput = false
		switch idx {
		case 0:
			var s format.Spec
			if sub.OK {
				s = format.SpecOf("GENERAL." + sub.Name)
			}
			a.printer.PrintTable([]any{ac}, "", format.Group("GENERAL", activeGeneralFields, "GROUP"), s)
			wasOutput = true
		case 1:
			wasOutput = a.printIPConfig(ac.IP4Config(), sub) || wasOutput
		case 2:
			wasOutput = a.printDHCPConfig(ac.DHCP4Config(), "DHCP4", sub) || wasOutput
		case 3:
			wasOutput = a.printIPConfig(ac.IP6Config(), sub) || wasOutput
		case 4:
			wasOutput = a.printDHCPConfig(ac.DHCP6Config(), "DHCP6", sub) || wasOutput
		case 5:
			if ac.IsVPNObject() {
				a.printer.PrintTable([]any{ac}, "", format.Group("VPN", activeVPNFields, "NAME"), sub.Ptr())
				wasOutput = true
			}
		}
	}
	return true
}

// activeSelectorArg reads the optional selector word (id, uuid, path,
// filename or apath) before a connection argument of "connection show"
// and "connection down", completing the selector words. *args is not
// empty. ok is false after an error: a selector with nothing after it.
func (a *App) activeSelectorArg(args *[]string) (selector string, ok bool) {
	if len(*args) == 1 && a.complete {
		a.completeStrings((*args)[0], "id", "uuid", "path", "filename", "apath")
	}
	if !isSelector((*args)[0], true) {
		return "", true
	}
	selector = (*args)[0]
	*args = (*args)[1:]
	if len(*args) == 0 {
		a.setError(ExitUserInput, "Error: "+selector+" argument is missing.")
		return "", false
	}
	return selector, true
}

// oneConnectionArg reads the profile argument of the commands that act on
// one profile ("connection clone", "connection export"), asking for it with
// prompt under --ask when the command line has none. It returns nil when
// the command has nothing more to do: an error is set, or only completions
// were asked for.
func (a *App) oneConnectionArg(args *[]string, prompt string) *client.Connection {
	if len(*args) == 0 && a.ask {
		*args = splitArgs(a.readline(prompt), true)
	}
	cn, _, _, code, msg := a.getConnection(args, nil)
	if cn == nil {
		a.setError(code, "Error: "+msg+".")
		return nil
	}
	if a.complete {
		return nil
	}
	return cn
}

// getConnection takes "[id|uuid|path|filename] ID" from argv; found
// profiles are added to *found (without duplicates).
func (a *App) getConnection(argv *[]string, found *[]*client.Connection) (*client.Connection, string, string, int, string) {
	if len(*argv) == 0 {
		return nil, "", "", ExitUserInput, "No connection specified"
	}
	if len(*argv) == 1 && a.complete {
		a.completeStrings((*argv)[0], "id", "uuid", "path", "filename")
	}
	selector := ""
	if isSelector((*argv)[0], false) {
		if len(*argv) == 1 {
			if !a.complete {
				return nil, "", "", ExitUserInput, "(null) argument is missing"
			}
		} else {
			selector = (*argv)[0]
			*argv = (*argv)[1:]
		}
	}
	value := (*argv)[0]
	matches := a.findConnections(a.client.Connections(), selector, value, len(*argv) == 1 && a.complete)
	var con *client.Connection
	if len(matches) > 0 {
		con = matches[0]
		if found != nil {
			for _, m := range matches {
				dup := false
				for _, f := range *found {
					dup = dup || f.Object == m.Object
				}
				if !dup {
					*found = append(*found, m)
				}
			}
		}
	}
	a.nextArg(argv)
	if con == nil {
		return nil, selector, value, ExitNotFound, "unknown connection '" + value + "'"
	}
	return con, selector, value, 0, ""
}

func doConnectionDelete(a *App, _ *command, argv []string) {
	if a.timeout == -1 {
		a.timeout = 10
	}
	a.nextArg(&argv)
	if len(argv) == 0 {
		if a.ask {
			argv = splitArgs(a.readline("Connection(s) (name, UUID, or path): "), true)
		}
		if len(argv) == 0 {
			a.setError(ExitNotFound, "Error: No connection specified.")
			return
		}
	}
	var found []*client.Connection
	var invalid []string
	for len(argv) > 0 {
		con, sel, val, code, msg := a.getConnection(&argv, &found)
		if con == nil {
			if !a.complete {
				a.printErr("Error: " + msg + ".\n")
			}
			a.setError(code, "Error: not all connections found.")
			if code != ExitNotFound {
				invalid = nil
				return
			}
			if sel != "" {
				invalid = append(invalid, sel+" '"+val+"'")
			} else {
				invalid = append(invalid, "'"+val+"'")
			}
		}
	}
	defer func() {
		if len(invalid) > 0 {
			a.returnText = "Error: cannot delete unknown connection(s): " + strings.Join(invalid, ", ") + "."
		}
	}()
	if len(found) == 0 {
		if len(invalid) == 0 {
			a.setError(ExitNotFound, "Error: No connection specified.")
		}
		return
	}
	if a.complete {
		return
	}
	op := &objectOp{a: a}
	for _, c := range found {
		op.add(c.Object)
	}
	op.timer = a.afterTimeout(func() {
		a.setErrorf(ExitTimeout, "Error: Timeout expired (%d seconds)", a.timeout)
		op.done(nil)
	})
	a.nowait = a.timeout == 0
	a.shouldWait++
	op.unsub = a.client.Subscribe(func(ev client.Event) {
		if ev.Kind != client.ConnectionRemoved {
			return
		}
		c := ev.Object.AsConnection()
		if op.has(c.Object) {
			a.print("Connection '" + c.ID() + "' (" + c.UUID() + ") successfully deleted.\n")
			op.done(c.Object)
		}
	})
	for _, c := range found {
		c.DeleteAsync(context.Background(), func(err error) {
			if op.finished {
				return
			}
			if err != nil {
				a.returnText = "Error: not all connections deleted."
				a.printErr("Error: Connection deletion failed: " + err.Error() + "\n")
				a.returnValue = ExitConDelete
				op.done(c.Object)
				return
			}
			if a.nowait {
				op.done(c.Object)
			}
		})
	}
}

func doConnectionMonitor(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if len(argv) == 0 {
		if a.complete {
			return
		}
		a.monitorConnections(nil)
		return
	}
	var found []*client.Connection
	for len(argv) > 0 {
		con, _, _, code, msg := a.getConnection(&argv, &found)
		if con == nil {
			if !a.complete {
				a.printErr("Error: " + msg + ".\n")
			}
			a.setError(code, "Error: not all connections found.")
			return
		}
	}
	if a.complete {
		return
	}
	a.monitorConnections(found)
}

func doConnectionReload(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if a.complete {
		return
	}
	timeout := 90
	if a.timeout != -1 {
		timeout = a.timeout
	}
	a.shouldWait++
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(timeout)*time.Second)
		defer cancel()
		var ok bool
		err := client.CallDetached(ctx, a.env.BusAddress, pathNMSet, ifaceNMSet+".ReloadConnections", nil, &ok)
		a.loop.Post(func() {
			if err != nil {
				a.setError(ExitUnknown, "Error: failed to reload connections: "+remoteMessage(err)+".")
			}
			a.quit()
		})
	}()
}

func doConnectionLoad(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if len(argv) == 0 {
		a.setError(ExitUserInput, "Error: No connection specified.")
		return
	}
	if a.complete {
		a.returnValue = ExitCompleteFile
		return
	}
	files := append([]string(nil), argv...)
	if cwd, err := os.Getwd(); err == nil && strings.HasPrefix(cwd, "/") && !strings.HasPrefix(cwd, "//") {
		for i, f := range files {
			if f == "" || strings.HasPrefix(f, "/") {
				continue
			}
			files[i] = filepath.Join(cwd, f)
		}
	}
	failures, err := a.client.LoadConnections(context.Background(), files)
	if err != nil {
		a.setError(ExitUnknown, "Error: failed to load connection: "+simpleMessage(err)+".")
	}
	for _, f := range failures {
		a.printErr("Could not load file '" + f + "'\n")
	}
}
