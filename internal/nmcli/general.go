package nmcli

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/nmcli/format"
)

var topCommands = []command{
	{name: "general", fn: cmdGeneral},
	{name: "monitor", fn: cmdMonitor, needsClient: true},
	{name: "networking", fn: cmdNetworking},
	{name: "radio", fn: cmdRadio},
	{name: "connection", fn: cmdConnection, supportsOffline: true},
	{name: "device", fn: cmdDevice},
	{name: "agent", fn: cmdAgent},
	{fn: cmdOverview, usage: usageTop, needsClient: true, needsRunning: true},
}

func field(name string, get func(target any, t format.GetType) format.Value) *format.Field {
	return &format.Field{Name: name, Get: get}
}

// i18nValue is the value of a fixed English text; nmcli translates it in
// pretty mode only, and gonm speaks English.
func i18nValue(s string) format.Value { return format.Str(s) }

func enabledValue(b bool) format.Value {
	v := format.Str("disabled")
	v.Color = format.ColorDisabled
	if b {
		v = format.Str("enabled")
		v.Color = format.ColorEnabled
	}
	return v
}

func statusField(name string, get func(c *client.Client) format.Value) *format.Field {
	return field(name, func(t any, _ format.GetType) format.Value { return get(t.(*App).client) })
}

var generalStatusFields = []*format.Field{
	statusField("RUNNING", func(*client.Client) format.Value { return i18nValue("running") }),
	statusField("VERSION", func(c *client.Client) format.Value { return format.StrOrNull(c.Version()) }),
	statusField("STATE", func(c *client.Client) format.Value {
		v := format.Str(stateString(c.State()))
		v.Color = stateColor(c.State())
		return v
	}),
	statusField("STARTUP", func(c *client.Client) format.Value {
		if c.Startup() {
			v := format.Str("starting")
			v.Color = format.ColorManagerStarting
			return v
		}
		v := format.Str("started")
		v.Color = format.ColorManagerRunning
		return v
	}),
	statusField("CONNECTIVITY", func(c *client.Client) format.Value {
		v := format.Str(connectivityString(c.Connectivity()))
		v.Color = connectivityColor(c.Connectivity())
		return v
	}),
	statusField("NETWORKING", func(c *client.Client) format.Value { return enabledValue(c.NetworkingEnabled()) }),
	statusField("WIFI-HW", func(c *client.Client) format.Value {
		if c.RadioFlags()&client.RadioWLANAvailable == 0 {
			return format.Str("missing")
		}
		return enabledValue(c.WirelessHardwareEnabled())
	}),
	statusField("WIFI", func(c *client.Client) format.Value { return enabledValue(c.WirelessEnabled()) }),
	statusField("WWAN-HW", func(c *client.Client) format.Value {
		if c.RadioFlags()&client.RadioWWANAvailable == 0 {
			return format.Str("missing")
		}
		return enabledValue(c.WwanHardwareEnabled())
	}),
	statusField("WWAN", func(c *client.Client) format.Value { return enabledValue(c.WwanEnabled()) }),
	// WiMAX is gone from NetworkManager; the fields stay for old scripts.
	statusField("WIMAX-HW", func(*client.Client) format.Value { return format.Null() }),
	statusField("WIMAX", func(*client.Client) format.Value { return format.Null() }),
}

const (
	fieldsStatusAll    = "RUNNING,VERSION,STATE,STARTUP,CONNECTIVITY,NETWORKING,WIFI-HW,WIFI,WWAN-HW,WWAN"
	fieldsStatusCommon = "STATE,CONNECTIVITY,WIFI-HW,WIFI,WWAN-HW,WWAN"
	fieldsStatusRadio  = "WIFI-HW,WIFI,WWAN-HW,WWAN"
)

// fieldsIs reports whether -f/-g was absent or is name (case-insensitive).
func (a *App) fieldsIs(name string) bool {
	return a.requiredFields == nil || strings.EqualFold(*a.requiredFields, name)
}

// fieldsSpec resolves -f for a table: "common" (or nothing) selects
// common, "all" every field (nil), anything else is the user's list.
func (a *App) fieldsSpec(common string) format.Spec {
	switch {
	case a.fieldsIs("common"):
		if common == "" {
			return nil
		}
		return format.SpecOf(common)
	case strings.EqualFold(*a.requiredFields, "all"):
		return nil
	}
	return format.SpecOf(*a.requiredFields)
}

func (a *App) showNMStatus(header, printFields string) bool {
	all, common := fieldsStatusAll, fieldsStatusCommon
	if printFields != "" {
		all, common = printFields, printFields
	}
	var spec format.Spec
	switch {
	case a.requiredFields == nil || strings.EqualFold(*a.requiredFields, "common"):
		spec = format.SpecOf(common)
	case strings.EqualFold(*a.requiredFields, "all"):
		spec = format.SpecOf(all)
	default:
		spec = format.SpecOf(*a.requiredFields)
	}
	if header == "" {
		header = "NetworkManager status"
	}
	if err := a.printer.PrintTable([]any{a}, header, generalStatusFields, spec); err != nil {
		a.setError(ExitUserInput, "Error: only these fields are allowed: "+all)
		return false
	}
	return true
}

func cmdGeneral(a *App, _ *command, argv []string) {
	cmds := []command{
		{name: "status", fn: doGeneralStatus, usage: usageGeneralStatus, needsClient: true, needsRunning: true},
		{name: "hostname", fn: doGeneralHostname, usage: usageGeneralHostname, needsClient: true, needsRunning: true},
		{name: "permissions", fn: doGeneralPermissions, usage: usageGeneralPermissions, needsClient: true, needsRunning: true},
		{name: "logging", fn: doGeneralLogging, usage: usageGeneralLogging, needsClient: true, needsRunning: true},
		{name: "reload", fn: doGeneralReload, usage: usageGeneralReload},
		{fn: doGeneralStatus, usage: usageGeneral, needsClient: true, needsRunning: true},
	}
	a.nextArg(&argv)
	a.startPolkitAgentTry()
	a.doCmd(cmds, argv)
}

func doGeneralStatus(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if a.complete {
		return
	}
	a.showNMStatus("", "")
}

func doGeneralHostname(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if a.complete {
		return
	}
	if len(argv) == 0 {
		h := a.client.Hostname()
		if a.printer.JSON() {
			var v any
			if h != "" {
				v = h
			}
			a.printer.AddJSONRecord([]string{"HOSTNAME"}, []any{v})
		} else if h != "" {
			a.print(h + "\n")
		}
		return
	}
	hostname := argv[0]
	if a.nextArg(&argv) == 0 {
		a.print("Warning: ignoring extra garbage after '" + hostname + "' hostname\n")
	}
	a.shouldWait++
	a.client.SaveHostnameAsync(context.Background(), hostname, func(err error) {
		if err != nil {
			a.setError(ExitUnknown, "Error: failed to set hostname: "+err.Error())
		}
		a.quit()
	})
}

// permissionField is one column of "general permissions"; targets are
// permission names.
var permissionFields = []*format.Field{
	field("PERMISSION", func(t any, _ format.GetType) format.Value { return format.Str(t.(permissionRow).name) }),
	field("VALUE", func(t any, _ format.GetType) format.Value {
		r := t.(permissionRow)
		v := format.Str("unknown")
		v.Color = format.ColorPermissionUnknown
		switch r.result {
		case "yes":
			v = format.Str("yes")
			v.Color = format.ColorPermissionYes
		case "no":
			v = format.Str("no")
			v.Color = format.ColorPermissionNo
		case "auth":
			v = format.Str("auth")
			v.Color = format.ColorPermissionAuth
		}
		return v
	}),
}

type permissionRow struct{ name, result string }

func doGeneralPermissions(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if a.complete {
		return
	}
	if a.timeout == -1 {
		a.timeout = 10
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(a.timeout)*time.Second)
	defer cancel()
	a.client.LoadPermissions(ctx)
	if !a.client.Running() {
		a.setError(ExitNMNotRunning, "NetworkManager is not running.")
		return
	}
	if !a.client.PermissionsReady() {
		a.setErrorf(ExitTimeout, "Error: Timeout %d sec expired.", a.timeout)
		return
	}
	var spec format.Spec
	if !a.fieldsIs("common") && !strings.EqualFold(*a.requiredFields, "all") {
		spec = format.SpecOf(*a.requiredFields)
	}
	rows := make([]any, 0, len(client.Permissions))
	for _, p := range client.Permissions {
		rows = append(rows, permissionRow{p, a.client.Permission(p)})
	}
	a.spawnPager()
	if err := a.printer.PrintTable(rows, "NetworkManager permissions", permissionFields, spec); err != nil {
		a.setError(ExitUserInput, "Error: 'general permissions': "+err.Error())
	}
}

type loggingRow struct {
	level, domains string
	ok             bool
}

var loggingFields = []*format.Field{
	field("LEVEL", func(t any, _ format.GetType) format.Value { return format.StrOrNull(t.(*loggingRow).level) }),
	field("DOMAINS", func(t any, _ format.GetType) format.Value { return format.StrOrNull(t.(*loggingRow).domains) }),
}

func doGeneralLogging(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if len(argv) == 0 {
		if a.complete {
			return
		}
		row := &loggingRow{}
		if l, d, err := a.client.GetLogging(context.Background()); err == nil {
			row.level, row.domains, row.ok = l, d, true
		}
		var spec format.Spec
		if !a.fieldsIs("common") && !strings.EqualFold(*a.requiredFields, "all") {
			spec = format.SpecOf(*a.requiredFields)
		}
		if err := a.printer.PrintTable([]any{row}, "NetworkManager logging", loggingFields, spec); err != nil {
			a.setError(ExitUserInput, "Error: 'general logging': "+err.Error())
		}
		return
	}
	var level, domains string
	for {
		if len(argv) == 1 && a.complete {
			a.completeStrings(argv[0], "level", "domains")
		}
		switch {
		case matches(argv[0], "level"):
			argv = argv[1:]
			if len(argv) == 0 {
				a.setError(ExitUserInput, "Error: 'level' argument is missing.")
				return
			}
			if len(argv) == 1 && a.complete {
				a.completeNoCase(argv[0], "TRACE", "DEBUG", "INFO", "WARN", "ERR", "OFF", "KEEP")
			}
			level = argv[0]
		case matches(argv[0], "domains"):
			argv = argv[1:]
			if len(argv) == 0 {
				a.setError(ExitUserInput, "Error: 'domains' argument is missing.")
				return
			}
			if len(argv) == 1 && a.complete {
				a.completeNoCase(argv[0], logDomains...)
			}
			domains = argv[0]
		default:
			a.setError(ExitUserInput, "Error: property '"+argv[0]+"' is not known.")
			return
		}
		if a.nextArg(&argv) != 0 {
			break
		}
	}
	if a.complete {
		return
	}
	a.shouldWait++
	a.client.SetLoggingAsync(context.Background(), level, domains, func(err error) {
		if err != nil {
			a.setError(ExitUnknown, "Error: failed to set logging: "+simpleMessage(err))
		}
		a.quit()
	})
}

// logDomains are the domains nmcli offers for completion.
var logDomains = []string{"PLATFORM", "RFKILL", "ETHER", "WIFI", "BT", "MB", "DHCP4", "DHCP6", "PPP",
	"WIFI_SCAN", "IP4", "IP6", "AUTOIP4", "DNS", "VPN", "SHARING", "SUPPLICANT", "AGENTS", "SETTINGS",
	"SUSPEND", "CORE", "DEVICE", "OLPC", "INFINIBAND", "FIREWALL", "ADSL", "BOND", "VLAN", "BRIDGE",
	"DBUS_PROPS", "TEAM", "CONCHECK", "DCB", "DISPATCH", "AUDIT", "SYSTEMD", "VPN_PLUGIN", "PROXY", "TC"}

func (a *App) completeNoCase(prefix string, candidates ...string) {
	for _, c := range candidates {
		if len(prefix) <= len(c) && strings.EqualFold(prefix, c[:len(prefix)]) {
			a.print(c + "\n")
		}
	}
}

// simpleMessage replaces two obscure bus errors by plain words, as
// nmcli does.
func simpleMessage(err error) string {
	switch {
	case errors.Is(err, client.ErrAccessDenied):
		return "access denied"
	case errors.Is(err, client.ErrServiceUnknown):
		return "NetworkManager is not running"
	}
	return err.Error()
}

// reloadFlagNames are NMManagerReloadFlags' nicks, in value order.
var reloadFlagNames = []struct {
	name string
	flag client.ReloadFlags
}{{"conf", client.ReloadConf}, {"dns-rc", client.ReloadDNSRC}, {"dns-full", client.ReloadDNSFull}}

func doGeneralReload(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if a.complete {
		if len(argv) == 1 {
			var names []string
			for _, f := range reloadFlagNames {
				names = append(names, f.name)
			}
			a.completeStrings(argv[0], names...)
		}
		return
	}
	var flags client.ReloadFlags
	if len(argv) > 0 {
		f, bad, ok := parseReloadFlags(argv[0])
		if !ok {
			a.setError(ExitUserInput, "Error: invalid reload flag '"+bad+"'. Allowed flags are: conf,dns-rc,dns-full")
			return
		}
		flags = f
		argv = argv[1:]
	}
	if len(argv) > 0 {
		a.setError(ExitUserInput, "Error: extra argument '"+argv[0]+"'")
		return
	}
	timeout := 90
	if a.timeout != -1 {
		timeout = a.timeout
	}
	a.shouldWait++
	reloadDetached(a, flags, time.Duration(timeout)*time.Second)
}

// parseReloadFlags parses NMManagerReloadFlags from a string as libnm
// does for flag types: nicks or numbers (decimal or 0x hex) separated by
// blanks or commas. On failure it returns the offending token.
func parseReloadFlags(s string) (client.ReloadFlags, string, bool) {
	s = strings.TrimRight(strings.TrimLeft(s, asciiSpace), asciiSpace)
	var flags uint64
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == ',' || r == '\n' || r == '\r'
	}) {
		if n, ok := parseFlagNumber(tok); ok {
			flags |= n
			continue
		}
		found := false
		for _, f := range reloadFlagNames {
			if tok == f.name {
				flags |= uint64(f.flag)
				found = true
			}
		}
		if !found {
			return 0, tok, false
		}
	}
	return client.ReloadFlags(flags), "", true
}

const asciiSpace = " \t\n\v\f\r"

// parseFlagNumber reads "123" or "0x1f" within 32 bits.
func parseFlagNumber(tok string) (uint64, bool) {
	base := 10
	digits := tok
	if strings.HasPrefix(tok, "0x") && len(tok) > 2 {
		base, digits = 16, tok[2:]
	}
	for _, r := range digits {
		if !(r >= '0' && r <= '9') && !(base == 16 && ((r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F'))) {
			return 0, false
		}
	}
	if digits == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, base, 32)
	return n, err == nil
}

func cmdNetworking(a *App, _ *command, argv []string) {
	cmds := []command{
		{name: "on", fn: doNetworkingOnOff, usage: usageNetworkingOn, needsClient: true, needsRunning: true},
		{name: "off", fn: doNetworkingOnOff, usage: usageNetworkingOff, needsClient: true, needsRunning: true},
		{name: "connectivity", fn: doNetworkingConnectivity, usage: usageNetworkingConnectivity, needsClient: true, needsRunning: true},
		{fn: doNetworkingShow, usage: usageNetworking, needsClient: true, needsRunning: true},
	}
	a.nextArg(&argv)
	a.doCmd(cmds, argv)
}

// switchShow prints one switch ("nmcli networking", "nmcli radio wifi"):
// in terse mode unless another was asked for.
func (a *App) switchShow(name, header string) {
	if a.requiredFields != nil && !strings.EqualFold(*a.requiredFields, name) {
		a.setErrorf(ExitUserInput, "Error: '--fields' value '%s' is not valid here (allowed field: %s)", *a.requiredFields, name)
		return
	}
	if a.cfg.Output == format.Normal {
		a.cfg.Output = format.Terse
	}
	if a.requiredFields == nil {
		a.requiredFields = &name
	}
	a.showNMStatus(header, "")
}

func doNetworkingOnOff(a *App, c *command, argv []string) {
	enable := c.name == "on"
	a.nextArg(&argv)
	if a.complete {
		return
	}
	a.startPolkitAgentTry()
	a.shouldWait++
	a.client.EnableAsync(context.Background(), enable, func(err error) {
		if err != nil && !errors.Is(err, client.ErrAlreadyEnabledOrDisabled) {
			a.setError(ExitUnknown, "Error: failed to set networking: "+simpleMessage(err))
		}
		a.quit()
	})
}

func doNetworkingConnectivity(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if a.complete {
		if len(argv) == 1 {
			a.completeStrings(argv[0], "check")
		}
		return
	}
	switch {
	case len(argv) == 0:
		a.switchShow("CONNECTIVITY", "Connectivity")
	case matches(argv[0], "check"):
		a.startPolkitAgentTry()
		if _, err := a.client.CheckConnectivity(context.Background()); err != nil {
			a.setError(ExitUnknown, "Error: "+err.Error()+".")
		} else {
			a.switchShow("CONNECTIVITY", "Connectivity")
		}
	default:
		usageNetworking(a)
		a.setError(ExitUserInput, "Error: 'networking' command '"+argv[0]+"' is not valid.")
	}
}

func doNetworkingShow(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if a.complete {
		return
	}
	a.switchShow("NETWORKING", "Networking")
}

func cmdRadio(a *App, _ *command, argv []string) {
	cmds := []command{
		{name: "all", fn: doRadioAll, usage: usageRadioAll, needsClient: true, needsRunning: true},
		{name: "wifi", fn: doRadioWifi, usage: usageRadioWifi, needsClient: true, needsRunning: true},
		{name: "wwan", fn: doRadioWwan, usage: usageRadioWwan, needsClient: true, needsRunning: true},
		{fn: doRadioAll, usage: usageRadio, needsClient: true, needsRunning: true},
	}
	a.nextArg(&argv)
	a.startPolkitAgentTry()
	a.doCmd(cmds, argv)
}

// parseOnOff accepts exactly "on" or "off".
func (a *App) parseOnOff(arg1, arg2 string) (bool, bool) {
	switch arg2 {
	case "on":
		return true, true
	case "off":
		return false, true
	}
	a.setErrorf(ExitUserInput, "Error: invalid '%s' argument: '%s' (use on/off).", arg1, arg2)
	return false, false
}

// takeValue steps *argv from an option word to the value that must follow
// it. Without one it sets nmcli's "argument is missing" error, naming the
// option, and returns false.
func (a *App) takeValue(orig []string, argv *[]string) bool {
	*argv = (*argv)[1:]
	if len(*argv) == 0 {
		a.setError(ExitUserInput, "Error: "+prevWord(orig, *argv)+" argument is missing.")
		return false
	}
	return true
}

// prevWord is the word before argv's current one in orig, which argv is a
// tail of (nmcli's *(argv - 1)).
func prevWord(orig, argv []string) string {
	i := len(orig) - len(argv) - 1
	if i < 0 || i >= len(orig) {
		return ""
	}
	return orig[i]
}

// radioSwitchArg reads the on/off argument of the radio commands. Without
// one it shows the switches instead (show); ok is false when the command
// has nothing more to do.
func (a *App) radioSwitchArg(argv []string, show func()) (on, ok bool) {
	orig := argv
	a.nextArg(&argv)
	if len(argv) == 0 {
		if !a.complete {
			show()
		}
		return false, false
	}
	if a.complete {
		if len(argv) == 1 {
			a.completeBool(argv[0])
		}
		return false, false
	}
	return a.parseOnOff(prevWord(orig, argv), argv[0])
}

func doRadioAll(a *App, c *command, argv []string) {
	on, ok := a.radioSwitchArg(argv, func() { a.showNMStatus("Radio switches", fieldsStatusRadio) })
	if !ok {
		return
	}
	// Errors are not reported, as in nmcli; the replies are waited for so
	// that the calls surely reach the daemon before nmcli exits.
	props := []string{"WirelessEnabled", "WimaxEnabled", "WwanEnabled"}
	pending := len(props)
	a.shouldWait++
	for _, prop := range props {
		a.client.SetPropertyAsync(context.Background(), "/org/freedesktop/NetworkManager",
			"org.freedesktop.NetworkManager", prop, on, func(error) {
				if pending--; pending == 0 {
					a.quit()
				}
			})
	}
}

func doRadioWifi(a *App, c *command, argv []string) {
	on, ok := a.radioSwitchArg(argv, func() { a.switchShow("WIFI", "Wi-Fi radio switch") })
	if !ok {
		return
	}
	a.startPolkitAgentTry()
	a.shouldWait++
	a.client.SetPropertyAsync(context.Background(), "/org/freedesktop/NetworkManager",
		"org.freedesktop.NetworkManager", "WirelessEnabled", on, func(err error) {
			if err != nil {
				a.setError(ExitUnknown, "Error: failed to set Wi-Fi radio: "+simpleMessage(err))
			}
			a.quit()
		})
}

func doRadioWwan(a *App, c *command, argv []string) {
	on, ok := a.radioSwitchArg(argv, func() { a.switchShow("WWAN", "WWAN radio switch") })
	if !ok {
		return
	}
	// Errors are not reported, as in nmcli.
	a.shouldWait++
	a.client.SetPropertyAsync(context.Background(), "/org/freedesktop/NetworkManager",
		"org.freedesktop.NetworkManager", "WwanEnabled", on, func(error) { a.quit() })
}

// reloadDetached calls Reload on a connection of its own, as nmcli does
// (it needs no client), and quits when the reply is there.
func reloadDetached(a *App, flags client.ReloadFlags, timeout time.Duration) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		err := client.CallDetached(ctx, a.env.BusAddress, "/org/freedesktop/NetworkManager",
			"org.freedesktop.NetworkManager.Reload", []any{uint32(flags)})
		a.loop.Post(func() {
			if err != nil {
				a.setError(ExitUnknown, "Error: failed to reload: "+remoteMessage(err))
			}
			a.quit()
		})
	}()
}

// remoteMessage is the text of an error from a plain GDBus call, which
// keeps the "GDBus.Error:NAME: " prefix, after nmcli's simplification of
// the two common bus errors.
func remoteMessage(err error) string {
	if errors.Is(err, client.ErrAccessDenied) || errors.Is(err, client.ErrServiceUnknown) {
		return simpleMessage(err)
	}
	var e *client.Error
	if errors.As(err, &e) {
		return e.Remote()
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return "Could not connect: " + strerror(errno)
	}
	return err.Error()
}
