package nmcli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/gkeyfile"
	"github.com/gonm/gonm/internal/nmcli/format"
	"github.com/gonm/gonm/internal/setting"
)

// connection edit: nmcli's interactive editor. The editor works on a
// local copy of a profile (a new one or an existing one with its
// secrets) through the settings schema's nmcli face, and sends it to the
// daemon on "save".
//
// The menus read lines while the daemon's signals keep arriving, as
// nmcli's readline does inside its main loop: the editor runs on a
// goroutine of its own and does everything that touches the client on
// the loop (editor.onLoop), waiting there for the daemon's answers.
// Its own state (the local profile, the menu) belongs to that
// goroutine alone.

const editorHistoryFile = ".nmcli-history"

type editor struct {
	a  *App
	ps *propSession
	c  *setting.Connection

	conType   string
	mainParts []setting.NmcliPart
	portParts []setting.NmcliPart
	validStr  string

	// remote is the saved profile the editor tracks, by object path
	// (nmcli holds a weak reference: a profile deleted meanwhile is
	// gone for good, until "save" finds it again).
	remote     dbus.ObjectPath
	haveRemote bool

	// The menu: level 0 (main) or 1 (a setting chosen).
	level      int
	cur        *setting.Setting
	prompt     string
	validProps []string

	statusLine  bool
	saveConfirm bool

	// hooked are the settings nmcli attached its change handlers to;
	// settings replaced after "save" lose them, as in nmcli.
	hooked map[*setting.Setting]bool
	hooks  editorHooks

	history []string
	// stdio is what nmcli's stdio buffer holds (see userInput).
	stdio []byte
}

// editorHooks is the state nmcli keeps in its change handlers: whether a
// question was answered (it is asked once until the condition goes
// away) and the addresses put aside when the method stopped being
// manual.
type editorHooks struct {
	addrAnswered, addrAnswer     [2]bool
	methodAnswered, methodAnswer [2]bool
	savedAddrs                   [2]any
}

func doConnectionEdit(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if len(argv) == 1 && a.complete {
		a.completeStrings(argv[0], "type", "con-name", "id", "uuid", "path", "filename")
	}
	a.returnValue = ExitSuccess

	var con string
	haveCon := false
	var typ, conName, conID, conUUID, conPath, conFile *string
	if len(argv) == 1 {
		con, haveCon = argv[0], true
	} else {
		args := []struct {
			name  string
			value **string
		}{{"type", &typ}, {"con-name", &conName}, {"id", &conID}, {"uuid", &conUUID}, {"path", &conPath}, {"filename", &conFile}}
		found := map[string]bool{}
	parse:
		for len(argv) > 0 {
			matched := false
			for _, x := range args {
				if argv[0] != x.name {
					continue
				}
				if found[x.name] {
					// nmcli stops at a repeated argument.
					break parse
				}
				argv = argv[1:]
				if len(argv) == 0 {
					a.setError(ExitUserInput, "Error: value for '"+x.name+"' argument is required.")
					return
				}
				v := argv[0]
				*x.value = &v
				found[x.name] = true
				matched = true
				break
			}
			if !matched {
				a.setError(ExitUserInput, "Error: Unexpected argument '"+argv[0]+"'")
				return
			}
			nextArgFor(nil, &argv)
		}
	}

	selector := ""
	if !haveCon {
		n := 0
		for _, x := range []struct {
			sel string
			v   *string
		}{{"id", conID}, {"uuid", conUUID}, {"path", conPath}, {"filename", conFile}} {
			if x.v != nil {
				n++
				con, selector, haveCon = *x.v, x.sel, true
			}
		}
		if n > 1 {
			a.setError(ExitUserInput, "Error: only one of 'id', 'filename', uuid, or 'path' can be provided.")
			return
		}
	}

	ps := a.newPropSession()
	e := &editor{a: a, ps: ps, saveConfirm: true, hooked: map[*setting.Setting]bool{}}
	if haveCon {
		found := a.findConnections(a.client.Connections(), selector, con, a.complete)
		if a.complete {
			return
		}
		if len(found) == 0 {
			a.setError(ExitNotFound, "Error: Unknown connection '"+con+"'.")
			return
		}
		cn := found[0]
		e.c = profileOf(cn).Clone()
		a.fetchSecrets(cn, e.c)
		e.conType = e.c.Type()
		if typ != nil {
			a.print("Warning: editing existing connection '" + e.c.ID() + "'; 'type' argument is ignored\n")
		}
		if conName != nil {
			a.print("Warning: editing existing connection '" + e.c.ID() + "'; 'con-name' argument is ignored\n")
		}
		e.loadHistory(e.c.UUID())
		for _, name := range []string{"ipv4", "ipv6", "proxy", "802-11-wireless", "connection"} {
			if s := e.c.Setting(name); s != nil {
				e.hooked[s] = true
			}
		}
	} else {
		if a.complete {
			if typ != nil && len(argv) == 0 {
				completeConnectionTypes(a, *typ)
			}
			return
		}
		// Asking for the type happens before the editor's goroutine
		// starts: nothing else runs yet.
		t := ""
		if typ != nil {
			t = *typ
		}
		conType, portType, err := checkValidNameToplevel(t)
		for err != nil {
			if typ == nil {
				a.print("Valid connection types: " + validOptionsStringToplevel() + "\n")
			} else {
				a.print("Error: invalid connection type; " + err.Error() + "\n")
			}
			line, ok := a.readlineOK("Enter connection type: ", true)
			if !ok {
				return
			}
			e.addHistory(line)
			line = strings.TrimSpace(line)
			if line == "" {
				typ = nil
			} else {
				typ = &line
			}
			conType, portType, err = checkValidNameToplevel(line)
		}
		e.conType = conType
		e.c = setting.NewConnection()
		s := setting.MustNewSetting("connection")
		name := ""
		if conName != nil {
			name = *conName
		} else {
			name = uniqueProfileName(ps.connections, nameAliasToplevel(conType, ""))
		}
		s.MustSet("id", name)
		s.MustSet("uuid", setting.NewUUID())
		s.MustSet("type", conType)
		e.c.Add(s)
		e.initNew(portType)
	}

	a.inEditor = true
	a.print("\n===| nmcli interactive connection editor |===\n\n")
	if haveCon {
		a.print("Editing existing '" + e.conType + "' connection: '" + con + "'")
	} else {
		a.print("Adding a new '" + e.conType + "' connection")
	}
	a.print("\n\nType 'help' or '?' for available commands.\n" +
		"Type 'print' to show all the connection properties.\n" +
		"Type 'describe [<setting>.<prop>]' for detailed property description.\n\n")

	a.shouldWait++
	go e.run()
}

// completeConnectionTypes offers setting names and aliases for "type".
func completeConnectionTypes(a *App, prefix string) {
	for _, name := range setting.NmcliSettingOrder {
		info := setting.Lookup(name)
		if prefix == "" || matches(prefix, info.Name) {
			a.print(info.Name + "\n")
		}
		if info.Alias != "" && (prefix == "" || matches(prefix, info.Alias)) {
			a.print(info.Alias + "\n")
		}
	}
}

// validOptionsStringToplevel lists the connection types nmcli knows.
func validOptionsStringToplevel() string {
	var listed []string
	for _, n := range setting.NmcliSettingOrder {
		info := setting.Lookup(n)
		if info.NmcliParts == nil {
			continue
		}
		if info.Alias != "" {
			listed = append(listed, info.Name+" ("+info.Alias+")")
		} else {
			listed = append(listed, info.Name)
		}
	}
	listed = append(listed, "bond-slave, bridge-slave, team-slave")
	return strings.Join(listed, ", ")
}

// initNew gives a new profile what nmcli starts it with: for a port an
// Ethernet setting and the first Ethernet device as controller, else the
// type's own setting and IP and proxy settings.
func (e *editor) initNew(portType string) {
	a := e.a
	con := e.c.Setting("connection")
	e.hooked[con] = true
	if portType != "" {
		e.c.Add(setting.MustNewSetting("802-3-ethernet"))
		con.MustSet("type", "802-3-ethernet")
		e.setMasterNotify(con, firstEthernet(a), portType)
		return
	}
	info := setting.Lookup(e.conType)
	if info == nil {
		return
	}
	base := setting.NewNmcliSetting(info.Name)
	e.c.Add(base)
	e.ps.setDefaultInterfaceName(e.c)
	if e.conType == "vlan" {
		base.MustSet("parent", firstEthernet(a))
	}
	for _, name := range []string{"ipv4", "ipv6", "proxy"} {
		e.c.Add(setting.NewNmcliSetting(name))
	}
}

// setMasterNotify sets controller and port type together, then runs the
// controller's change handler (one notification, as g_object_set gives).
func (e *editor) setMasterNotify(con *setting.Setting, master, portType string) {
	con.MustSet("master", master)
	con.MustSet("slave-type", portType)
	e.masterChanged(con)
}

// firstEthernet is the first Ethernet device's name, or "eth0".
func firstEthernet(a *App) string {
	for _, d := range a.client.Devices() {
		if d.IsEthernet() {
			return d.Interface()
		}
	}
	return "eth0"
}

// errEditorGone ends the editor's goroutine (end of input, or the loop
// stopped).
func (e *editor) exit() {
	runtime.Goexit()
}

// onLoop runs fn on the loop, where the client lives.
func (e *editor) onLoop(fn func()) {
	if err := e.a.loop.Call(context.Background(), fn); err != nil {
		e.exit()
	}
}

// readline is nmcli_readline(): the prompt, a line (echoed when input
// is not a terminal), kept in the history; nil for an empty line. The
// end of input leaves nmcli at once with status 1.
func (e *editor) readline(prompt string) *string {
	a := e.a
	a.print(prompt)
	line, ok := e.readLine()
	if !ok {
		a.loop.Post(a.exitAtPrompt)
		e.exit()
	}
	if !e.stdinIsTerminal() {
		a.print(line + "\n")
	}
	if line == "" {
		return nil
	}
	e.addHistory(line)
	return &line
}

// readlinePrefilled is readline with text already in the line: the
// prompt shows it and the line read continues it.
func (e *editor) readlinePrefilled(prompt, text string) *string {
	a := e.a
	a.print(prompt + text)
	line, ok := e.readLine()
	if !ok {
		a.loop.Post(a.exitAtPrompt)
		e.exit()
	}
	if !e.stdinIsTerminal() {
		a.print(line + "\n")
	}
	line = text + line
	if line == "" {
		return nil
	}
	e.addHistory(line)
	return &line
}

// userInput is nmc_get_user_input(): a question answered without echo;
// nil for an empty answer or the end of input.
//
// nmcli reads these answers with stdio's getline() while readline reads
// the same descriptor unbuffered: stdio's first read takes a whole chunk
// of what is waiting (on a pipe, usually all the remaining input), which
// readline then never sees. stdio models that buffer.
func (e *editor) userInput(prompt string) *string {
	e.a.print(prompt)
	line, ok := e.stdioLine()
	if !ok || line == "" {
		return nil
	}
	return &line
}

func (e *editor) stdioLine() (string, bool) {
	in := e.a.stdinReader()
	for {
		if i := bytes.IndexByte(e.stdio, '\n'); i >= 0 {
			line := string(e.stdio[:i])
			e.stdio = e.stdio[i+1:]
			return line, true
		}
		// One read(2) worth: what readline's side holds already, or a
		// fresh chunk.
		if in.Buffered() == 0 {
			in.Peek(1)
		}
		n := in.Buffered()
		if n == 0 {
			if len(e.stdio) == 0 {
				return "", false
			}
			line := string(e.stdio)
			e.stdio = nil
			return line, true
		}
		chunk, _ := in.Peek(n)
		e.stdio = append(e.stdio, chunk...)
		in.Discard(n)
	}
}

func (e *editor) readLine() (string, bool) {
	a := e.a
	line, err := a.stdinReader().ReadString('\n')
	if err != nil && line == "" {
		return "", false
	}
	return strings.TrimSuffix(line, "\n"), true
}

func (e *editor) stdinIsTerminal() bool {
	f, ok := e.a.env.Stdin.(*os.File)
	return ok && isTerminal(f)
}

func (e *editor) addHistory(line string) {
	if line != "" {
		e.history = append(e.history, line)
	}
}

// historyPath is ~/.nmcli-history, where nmcli keeps each profile's
// editor commands.
func (e *editor) historyPath() string {
	home := e.a.getenv("HOME")
	if home == "" {
		return ""
	}
	return filepath.Join(home, editorHistoryFile)
}

func (e *editor) loadHistory(uuid string) {
	path := e.historyPath()
	if path == "" {
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	kf, err := gkeyfile.Parse(data)
	if err != nil {
		e.a.print("Warning: " + path + " parse error: " + keyfileErrorText(err) + "\n")
		return
	}
	g := kf.Group(uuid)
	if g == nil {
		return
	}
	for _, k := range g.Keys() {
		if v, ok, _ := g.String(k); ok && v != "" {
			e.history = append(e.history, v)
		}
	}
}

func (e *editor) saveHistory(uuid string) {
	path := e.historyPath()
	if path == "" || len(e.history) == 0 {
		return
	}
	kf := gkeyfile.New()
	if data, err := os.ReadFile(path); err == nil {
		parsed, err := gkeyfile.Parse(data)
		if err != nil {
			e.a.print("Warning: " + path + " parse error: " + keyfileErrorText(err) + "\n")
			return
		}
		kf = parsed
	}
	kf.RemoveGroup(uuid)
	g := kf.AddGroup(uuid)
	for i, line := range e.history {
		g.SetString(itoa(i), line)
	}
	// Like g_file_set_contents: written whole, errors ignored.
	tmp := path + ".tmp"
	if os.WriteFile(tmp, kf.Marshal(), 0o644) == nil {
		if os.Rename(tmp, path) != nil {
			os.Remove(tmp)
		}
	}
}

func keyfileErrorText(err error) string {
	if pe, ok := err.(*gkeyfile.ParseError); ok && pe.GLib != "" {
		return pe.GLib
	}
	return err.Error()
}

// remoteState is what the editor needs of the saved profile.
type remoteState struct {
	cn      *client.Connection
	profile *setting.Connection
	unsaved bool
}

// refreshRemote looks the tracked profile up again; removed reports
// that it existed at the last look and is gone now.
func (e *editor) refreshRemote() (r remoteState, removed bool) {
	e.onLoop(func() {
		if e.remote == "" {
			return
		}
		if cn := e.a.client.ConnectionByPath(e.remote); cn != nil {
			r = remoteState{cn: cn, profile: profileOf(cn), unsaved: cn.Unsaved()}
		}
	})
	removed = e.haveRemote && r.cn == nil
	e.haveRemote = r.cn != nil
	if removed {
		e.remote = ""
	}
	return r, removed
}

// findRemote starts tracking the saved profile with the local UUID.
func (e *editor) findRemote() {
	uuid := e.c.UUID()
	e.onLoop(func() {
		e.remote = ""
		for _, cn := range e.a.client.Connections() {
			if cn.UUID() == uuid {
				e.remote = cn.Path()
				break
			}
		}
	})
	e.haveRemote = e.remote != ""
}

// dirty compares the local profile with the saved one, secrets and
// timestamps aside.
func (e *editor) dirty(r remoteState) bool {
	if r.profile == nil {
		return true
	}
	return !sameIgnoringSecrets(e.c, r.profile)
}

func sameIgnoringSecrets(x, y *setting.Connection) bool {
	x, y = x.Clone(), y.Clone()
	for _, c := range []*setting.Connection{x, y} {
		c.ClearSecretsIf(func(string, uint32) bool { return true })
		if s := c.Setting("connection"); s != nil {
			s.Unset("timestamp")
		}
	}
	return x.Equal(y)
}

func (e *editor) showStatusLine(r remoteState) {
	if !e.statusLine {
		return
	}
	temp := true
	if r.cn != nil {
		temp = r.unsaved
	}
	e.a.print("[ Type: " + e.c.Type() + " | Name: " + e.c.ID() + " | UUID: " + e.c.UUID() +
		" | Dirty: " + yesNoWord(e.dirty(r)) + " | Temp: " + yesNoWord(temp) + " ]\n")
}

func yesNoWord(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (e *editor) colorPrompt(s string) string {
	return e.a.colorize(format.ColorPrompt, s)
}

func (e *editor) toLevel0() {
	e.level = 0
	e.prompt = e.colorPrompt("nmcli> ")
	e.cur = nil
	e.validProps = nil
}

func (e *editor) toLevel1(s *setting.Setting) {
	e.level = 1
	e.prompt = e.colorPrompt("nmcli " + s.Name() + "> ")
	e.cur = s
	e.validProps = propNames(s.Info())
}

func propNames(info *setting.Info) []string {
	var out []string
	for _, p := range info.NmcliProps() {
		out = append(out, p.Name)
	}
	return out
}

// run is the main menu.
func (e *editor) run() {
	a := e.a
	defer a.loop.Post(func() {
		a.shouldWait--
		a.quit()
	})
	var err error
	e.mainParts, e.portParts, err = conParts(e.c)
	if err != nil {
		e.mainParts, e.portParts = []setting.NmcliPart{}, []setting.NmcliPart{}
	}
	e.validStr = validOptionsString(e.mainParts, e.portParts)
	a.print("You may edit the following settings: " + e.validStr + "\n")
	e.toLevel0()
	e.findRemote()

	for {
		r, _ := e.refreshRemote()
		e.showStatusLine(r)
		line := e.readline(e.prompt)
		r, removed := e.refreshRemote()
		if removed {
			a.print("The connection profile has been removed from another client. You may type 'save' to restore it.\n")
		}
		if line == nil {
			continue
		}
		cmdLine := strings.TrimSpace(*line)
		cmd, arg := splitEditorCmd(cmdLine)
		if !e.mainCommand(cmdLine, cmd, arg, r) {
			break
		}
	}
	e.saveHistory(e.c.UUID())
}

// splitEditorCmd splits off the first word; arg is nil when nothing
// follows it.
func splitEditorCmd(s string) (string, *string) {
	s = strings.TrimLeft(s, " \t\n")
	if s == "" {
		return "", nil
	}
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, nil
	}
	rest := strings.TrimLeft(s[i:], " \t\n")
	if rest == "" {
		return s[:i], nil
	}
	return s[:i], &rest
}

// splitSettingProp reads "[setting.]property [value]".
func splitSettingProp(arg *string) (sname, prop, value *string) {
	if arg == nil {
		return nil, nil, nil
	}
	first, rest := splitEditorCmd(*arg)
	if first == "" {
		return nil, nil, nil
	}
	value = rest
	if i := strings.IndexByte(first, '.'); i > 0 {
		s, p := first[:i], first[i+1:]
		return &s, &p, value
	}
	return nil, &first, value
}

func mainCommandName(word string) string {
	for _, c := range []string{"goto", "remove", "set", "add", "describe", "print", "verify", "save", "activate", "back", "help", "quit", "nmcli"} {
		if matches(word, c) {
			return c
		}
	}
	if word == "?" {
		return "help"
	}
	return ""
}

// mainCommand runs one command of the main menu; false ends the editor.
func (e *editor) mainCommand(line, word string, arg *string, r remoteState) bool {
	a := e.a
	sname, pname, value := splitSettingProp(arg)
	switch mainCommandName(word) {
	case "set", "add":
		e.cmdSet(arg, sname, pname, value)
	case "goto":
		return e.cmdGoto(sname, pname)
	case "remove":
		e.cmdRemove(arg, sname, pname, value)
	case "describe":
		e.cmdDescribe(arg, sname, pname)
	case "print":
		e.cmdPrint(arg, sname, pname)
	case "verify":
		e.cmdVerify(arg)
	case "save":
		e.cmdSave(arg, r)
	case "activate":
		e.cmdActivate(pname, value, r)
	case "back":
		if e.level == 1 {
			e.toLevel0()
		}
	case "help":
		editorMainHelp(a, arg)
	case "nmcli":
		e.cmdNmcli(pname, value)
	case "quit":
		return !e.confirmQuitIfDirty(r)
	default:
		a.print("Unknown command: '" + line + "'\n")
	}
	return true
}

// confirmQuitIfDirty asks before leaving unsaved changes; true means
// quit.
func (e *editor) confirmQuitIfDirty(r remoteState) bool {
	if !e.dirty(r) {
		return true
	}
	ans := e.readline("The connection is not saved. Do you really want to quit? (yes/no) [no] ")
	if ans == nil {
		return false
	}
	v := strings.TrimSpace(*ans)
	return matches(v, "yes")
}

// settingFor finds an allowed setting by name, alias or prefix.
func (e *editor) settingName(name string) (string, error) {
	return checkValidName(name, e.mainParts, e.portParts)
}

// existingSetting is nmcli's is_setting_valid(): the profile's setting
// of that (allowed) name.
func (e *editor) existingSetting(name string) *setting.Setting {
	n, err := e.settingName(name)
	if err != nil {
		return nil
	}
	return e.c.Setting(n)
}

// askProperty checks a property name, asking for it when missing.
func (e *editor) askProperty(arg *string) *setting.Property {
	a := e.a
	var name string
	if arg == nil {
		a.print("Available properties: " + strings.Join(e.validProps, ", ") + "\n")
		if v := e.readline("Property name? "); v != nil {
			name = strings.TrimSpace(*v)
		}
	} else {
		name = *arg
	}
	p, err := e.cur.Info().NmcliProp(name)
	if err != nil {
		a.print("Error: property " + err.Error() + "\n")
		return nil
	}
	return p
}

// askValue reads a value, listing the accepted ones first.
func (e *editor) askValue(p *setting.Property) *string {
	if vals := setting.NmcliValues(p); len(vals) > 0 {
		e.a.print("Allowed values for '" + p.Name + "' property: " + strings.Join(vals, ", ") + "\n")
	}
	return e.readline("Enter '" + p.Name + "' value: ")
}

// setProp changes a property through nmcli's parser and runs nmcli's
// change handlers.
func (e *editor) setProp(s *setting.Setting, p *setting.Property, mod setting.Modifier, value *string) error {
	before := cloneAny(s.Get(p.Name))
	if mod == setting.ModDel && !setting.NmcliSupportsRemove(p) {
		return nil
	}
	if mod != setting.ModSet && (value == nil || *value == "") {
		return nil
	}
	if err := e.ps.nmcliSet(p, s, mod, value); err != nil {
		return err
	}
	e.notify(s, p, mod, before)
	return nil
}

func cloneAny(v any) any {
	switch x := v.(type) {
	case []setting.IPAddress:
		return append([]setting.IPAddress(nil), x...)
	}
	return v
}

func (e *editor) cmdSet(arg, sname, pname, value *string) {
	a := e.a
	if arg == nil {
		if e.level != 1 {
			a.print("Error: no setting selected; valid are [" + e.validStr + "]\n")
			a.print("use 'goto <setting>' first, or 'set <setting>.<property>'\n")
			return
		}
		p := e.askProperty(nil)
		if p == nil {
			return
		}
		v := e.askValue(p)
		if err := e.setProp(e.cur, p, setting.ModAdd, v); err != nil {
			a.print("Error: failed to set '" + p.Name + "' property: " + err.Error() + "\n")
		}
		return
	}
	var s *setting.Setting
	created := false
	if sname != nil {
		s = e.existingSetting(*sname)
		if s == nil {
			n, err := e.settingName(*sname)
			if err != nil {
				a.print("Error: invalid setting argument '" + *sname + "'; valid are [" + e.validStr + "]\n")
				return
			}
			s = setting.NewNmcliSetting(n)
			created = true
		}
	} else {
		if e.cur == nil {
			a.print("Error: missing setting for '" + *pname + "' property\n")
			return
		}
		s = e.cur
	}
	p, err := s.Info().NmcliProp(*pname)
	if err != nil {
		a.print("Error: invalid property: " + err.Error() + "\n")
		return
	}
	if value == nil {
		value = e.askValue(p)
	}
	// Setting in the editor appends to lists, as nmcli's does.
	mod := setting.ModSet
	if value != nil {
		mod = setting.ModAdd
	}
	if err := e.setProp(s, p, mod, value); err != nil {
		a.print("Error: failed to set '" + p.Name + "' property: " + err.Error() + "\n")
	}
	if created {
		e.c.Add(s)
	}
}

func (e *editor) cmdGoto(sname, pname *string) bool {
	a := e.a
	if e.level == 0 || sname != nil {
		user := pname
		if sname != nil {
			user = sname
		}
		var name string
		if user == nil {
			a.print("Available settings: " + e.validStr + "\n")
			if v := e.readline("Setting name? "); v != nil {
				name = strings.TrimSpace(*v)
			}
		} else {
			name = strings.TrimSpace(*user)
		}
		n, err := e.settingName(name)
		if err != nil {
			a.print("Error: invalid setting name; " + err.Error() + "\n")
			return true
		}
		s := e.c.Setting(n)
		if s == nil {
			s = setting.NewNmcliSetting(n)
			switch n {
			case "802-11-wireless", "ipv4", "ipv6", "proxy":
				e.hooked[s] = true
			}
			e.c.Add(s)
		}
		e.toLevel1(s)
		if sname == nil {
			a.print("You may edit the following properties: " + strings.Join(e.validProps, ", ") + "\n")
			return true
		}
	}
	p := e.askProperty(pname)
	if p == nil {
		return true
	}
	return e.propertyMenu(e.cur, p)
}

func (e *editor) cmdRemove(arg, sname, pname, value *string) {
	a := e.a
	if arg == nil {
		if e.level != 1 {
			a.print("Error: no argument given; valid are [" + e.validStr + "]\n")
			return
		}
		p := e.askProperty(nil)
		if p == nil {
			return
		}
		if err := e.setProp(e.cur, p, setting.ModSet, nil); err != nil {
			a.print("Error: failed to remove value of '" + p.Name + "': " + err.Error() + "\n")
		}
		return
	}
	whole := sname == nil && e.cur == nil
	user := sname
	if whole {
		user = pname
	}
	var s *setting.Setting
	if user != nil {
		s = e.existingSetting(*user)
		if s == nil {
			if _, err := e.settingName(*user); err == nil {
				a.print("Setting '" + *user + "' is not present in the connection.\n")
			} else {
				a.print("Error: invalid setting argument '" + *user + "'; valid are [" + e.validStr + "]\n")
			}
			return
		}
	} else {
		s = e.cur
	}
	if whole {
		e.removeSetting(s)
		return
	}
	p, err := s.Info().NmcliProp(*pname)
	if err == nil {
		mod := setting.ModSet
		if value != nil {
			mod = setting.ModDel
		}
		if err := e.setProp(s, p, mod, value); err != nil {
			a.print("Error: failed to remove value of '" + p.Name + "': " + err.Error() + "\n")
		}
		return
	}
	// Not a property: maybe a setting.
	if other := e.existingSetting(*pname); other != nil {
		// nmcli leaves the menu when the setting named before the dot
		// is the current one, whichever setting went.
		cur := e.cur
		e.removeSetting2(other, s == cur)
		return
	}
	a.print("Error: " + err.Error() + " properties, nor it is a setting name.\n")
}

// removeSetting removes a setting unless the type requires it, going up
// a level when it was the current one.
func (e *editor) removeSetting(s *setting.Setting) {
	e.removeSetting2(s, s == e.cur)
}

func (e *editor) removeSetting2(s *setting.Setting, leave bool) {
	if settingMandatory(e.c, s.Name()) {
		e.a.print("Error: setting '" + s.Name() + "' is mandatory and cannot be removed.\n")
	} else {
		e.c.Remove(s.Name())
	}
	if leave {
		e.toLevel0()
	}
}

func (e *editor) cmdDescribe(arg, sname, pname *string) {
	a := e.a
	if arg == nil {
		if e.level == 1 {
			if p := e.askProperty(nil); p != nil {
				printPropertyDescription(a, p)
			}
			return
		}
		a.print("Error: no setting selected; valid are [" + e.validStr + "]\n")
		a.print("use 'goto <setting>' first, or 'describe <setting>.<property>'\n")
		return
	}
	whole := sname == nil && e.cur == nil
	user := sname
	if whole {
		user = pname
	}
	var info *setting.Info
	if user != nil {
		if s := e.existingSetting(*user); s != nil {
			info = s.Info()
		} else if n, err := e.settingName(*user); err == nil {
			info = setting.Lookup(n)
		} else {
			a.print("Error: invalid setting argument '" + *user + "'; valid are [" + e.validStr + "]\n")
			return
		}
	} else if e.cur != nil {
		info = e.cur.Info()
	}
	switch {
	case info == nil:
		a.print("Error: no setting selected; valid are [" + e.validStr + "]\n")
		a.print("use 'goto <setting>' first, or 'describe <setting>.<property>'\n")
	case whole:
		printSettingDescription(a, info)
	default:
		p, err := info.NmcliProp(*pname)
		if err == nil {
			printPropertyDescription(a, p)
		} else if s := e.existingSetting(*pname); s != nil {
			printSettingDescription(a, s.Info())
		} else {
			a.print("Error: invalid property: " + err.Error() + ", neither a valid setting name.\n")
		}
	}
}

func printPropertyDescription(a *App, p *setting.Property) {
	doc, hint := setting.NmcliDescription(p)
	text := "[NM property description]\n" + doc + "\n"
	if hint != "" {
		text += "\n[nmcli specific description]\n" + hint
	}
	a.print("\n=== [" + p.Name + "] ===\n" + text + "\n")
}

func printSettingDescription(a *App, info *setting.Info) {
	a.print("<<< " + info.Name + " >>>\n")
	for _, p := range info.NmcliProps() {
		printPropertyDescription(a, p)
	}
}

func (e *editor) cmdPrint(arg, sname, pname *string) {
	a := e.a
	if arg == nil {
		if e.cur != nil {
			e.showSetting(e.cur)
		} else {
			e.showConnection()
		}
		return
	}
	if *arg == "all" {
		e.showConnection()
		return
	}
	whole := sname == nil && e.cur == nil
	user := sname
	if whole {
		user = pname
	}
	var s *setting.Setting
	if user != nil {
		n, err := e.settingName(*user)
		if err != nil {
			a.print("Error: unknown setting: '" + *user + "'\n")
			return
		}
		s = e.c.Setting(n)
		if s == nil {
			a.print("Error: '" + n + "' setting not present in the connection\n")
			return
		}
	} else {
		s = e.cur
	}
	if whole {
		e.showSetting(s)
		return
	}
	p, err := s.Info().NmcliProp(*pname)
	if err == nil {
		a.print(s.Name() + "." + p.Name + ": " + p.NmcliGet(s, true, true).Text + "\n")
		return
	}
	if other := e.existingSetting(*pname); other != nil {
		e.showSetting(other)
		return
	}
	if sname != nil {
		a.print("Error: invalid property: " + err.Error() + "\n")
	} else {
		a.print("Error: invalid property: " + err.Error() + ", neither a valid setting name\n")
	}
}

// showConnection prints the whole profile (pretty, multiline), leaving
// the output mode so, as nmcli does.
func (e *editor) showConnection() {
	a := e.a
	a.cfg.Output = format.PrettyOutput
	a.cfg.Multiline = true
	a.cfg.Escape = false
	a.profileDetails(e.c, nil)
}

func (e *editor) showSetting(s *setting.Setting) {
	a := e.a
	a.print("['" + s.Name() + "' setting values]\n")
	a.cfg.Output = format.Normal
	a.cfg.Multiline = true
	a.cfg.Escape = false
	a.printer.PrintTable([]any{s}, "", []*format.Field{a.settingField(s.Info())}, nil)
}

func (e *editor) cmdVerify(arg *string) {
	a := e.a
	if arg != nil && *arg != "all" && *arg != "fix" {
		a.print("Invalid verify option: " + *arg + "\n")
		return
	}
	if e.cur != nil && (arg == nil || *arg != "all") {
		msg := "OK"
		if v := e.cur.Info().Verify; v != nil {
			if r, err := v(e.cur, e.c); (r == setting.Invalid || r == setting.NormalizableError) && err != nil {
				msg = err.Error()
			}
		}
		a.print("Verify setting '" + e.cur.Name() + "': " + msg + "\n")
		return
	}
	err := e.c.Valid()
	fixed := true
	if err != nil && arg != nil && *arg == "fix" {
		_, nerr := e.c.Normalize()
		err = nil
		if nerr != nil {
			err = nerr
			fixed = false
		}
	}
	msg := "OK"
	if err != nil {
		msg = err.Error()
	}
	a.print("Verify connection: " + msg + "\n")
	if !fixed {
		a.print("The error cannot be fixed automatically.\n")
	}
	// Normalizing may have replaced the current setting's values but
	// not the setting itself.
	if e.cur != nil && e.c.Setting(e.cur.Name()) != e.cur {
		e.cur = e.c.Setting(e.cur.Name())
	}
}

func (e *editor) cmdSave(arg *string, r remoteState) {
	a := e.a
	if err := e.c.Valid(); err != nil {
		a.print("Error: connection verification failed: " + err.Error() + "\n")
		a.print("You may try running 'verify fix' to fix errors.\n")
		return
	}
	temporary := false
	if arg != nil {
		switch {
		case matches(*arg, "temporary"):
			temporary = true
		case matches(*arg, "persistent"):
		default:
			a.print("Error: invalid argument '" + *arg + "'\n")
			return
		}
	}
	if e.saveConfirm && !e.confirmSave(r) {
		return
	}
	id, uuid := e.c.ID(), e.c.UUID()
	dict := e.c.ToDBusClient(setting.WithSecrets)
	done := make(chan error, 1)
	timedOut := make(chan struct{})
	if r.cn == nil {
		e.onLoop(func() {
			a.addProfile(e.c, temporary, func(cn *client.Connection, err error) {
				a.shouldWait--
				done <- err
			})
		})
	} else {
		flags := client.Update2ToDisk
		if temporary {
			flags = client.Update2InMemory
		}
		path := r.cn.Path()
		e.onLoop(func() {
			cn := a.client.ConnectionByPath(path)
			if cn == nil {
				done <- errConnectionGone
				return
			}
			// nmcli waits for the daemon's answer and for the profile's
			// new settings.
			var unsub func()
			replied, changed := false, false
			var result error
			finish := func() {
				if replied && (changed || result != nil) {
					unsub()
					done <- result
				}
			}
			unsub = a.client.Subscribe(func(ev client.Event) {
				if ev.Kind == client.ConnectionUpdated && ev.Object.Path() == path && !changed {
					changed = true
					finish()
				}
			})
			cn.Update2Async(context.Background(), client.Settings(dict), flags, func(err error) {
				replied, result = true, err
				finish()
			})
		})
	}
	timer := time.AfterFunc(10*time.Second, func() { close(timedOut) })
	var err error
	select {
	case err = <-done:
		timer.Stop()
	case <-timedOut:
		a.print("Error: Timeout saving '" + id + "' (" + uuid + ") connection\n")
		return
	}
	if err != nil {
		a.print("Error: Failed to save '" + id + "' (" + uuid + ") connection: " + simpleMessage(err) + "\n")
		return
	}
	if r.cn == nil {
		a.print("Connection '" + id + "' (" + uuid + ") successfully saved.\n")
	} else {
		a.print("Connection '" + id + "' (" + uuid + ") successfully updated.\n")
	}
	e.findRemote()
	// The local copy becomes what the daemon keeps (secrets asked for
	// again); its settings are new objects, without nmcli's handlers.
	var fresh *setting.Connection
	e.onLoop(func() {
		if cn := a.client.ConnectionByPath(e.remote); cn != nil {
			fresh = profileOf(cn).Clone()
			a.fetchSecrets(cn, fresh)
		}
	})
	if fresh == nil {
		return
	}
	e.c = fresh
	e.hooked = map[*setting.Setting]bool{}
	if e.cur != nil {
		if s := e.c.Setting(e.cur.Name()); s != nil {
			e.cur = s
		} else {
			// nmcli keeps its level with no setting behind it.
			e.cur = nil
		}
	}
}

var errConnectionGone = &cliError{ExitUnknown, "the connection was removed"}

// confirmSave asks before saving a profile that turns autoconnect on.
func (e *editor) confirmSave(r remoteState) bool {
	local := e.c.Setting("connection").Bool("autoconnect")
	remote := false
	if r.profile != nil {
		if s := r.profile.Setting("connection"); s != nil {
			remote = s.Bool("autoconnect")
		}
	}
	if !local || remote {
		return true
	}
	ans := e.readline("Saving the connection with 'autoconnect=yes'. That might result in an immediate activation of the connection.\nDo you still want to save? (yes/no) [yes] ")
	if ans == nil {
		return true
	}
	return matches(strings.TrimSpace(*ans), "yes")
}

func (e *editor) cmdActivate(pname, value *string, r remoteState) {
	a := e.a
	ifname, ap := "", ""
	if pname != nil {
		ifname = *pname
	}
	if value == nil {
		if strings.HasPrefix(ifname, "/") {
			ap, ifname = ifname[1:], ""
		}
	} else {
		ap = strings.TrimPrefix(*value, "/")
	}
	if e.dirty(r) {
		a.print("Error: connection is not saved. Type 'save' first.\n")
		return
	}
	if err := r.profile.Valid(); err != nil {
		a.print("Error: connection is not valid: " + err.Error() + "\n")
		return
	}
	type result struct {
		dev *client.Device
		ac  *client.ActiveConnection
		err error
	}
	done := make(chan result, 1)
	var code int
	var msg string
	e.onLoop(func() {
		a.cfg.Output = format.PrettyOutput
		cn := a.client.ConnectionByPath(r.cn.Path())
		if cn == nil {
			code, msg = ExitUnknown, "the connection was removed"
			return
		}
		code, msg = a.startActivation(cn, ifname, ap, "", false, func(dev *client.Device, ac *client.ActiveConnection, err error) {
			done <- result{dev, ac, err}
		})
	})
	_ = code
	if msg != "" {
		a.print("Error: Cannot activate connection: " + msg + ".\n")
		return
	}
	res := <-done
	if res.err != nil {
		a.print("Error: Failed to activate '" + e.c.ID() + "' (" + e.c.UUID() + ") connection: " + simpleMessage(res.err) + "\n")
	} else {
		stop := e.monitorActivation(res.dev, res.ac)
		e.readline("Monitoring connection activation (press any key to continue)\n")
		e.onLoop(stop)
	}
	// The profile's timestamp may have moved on activation.
	fresh, _ := e.refreshRemote()
	if fresh.profile != nil {
		if ts, ok := fresh.profile.Setting("connection").Get("timestamp").(uint64); ok {
			e.c.Setting("connection").MustSet("timestamp", ts)
		}
	}
}

// monitorActivation shows the activation's progress every 120 ms until
// it ends or the returned stop runs (on the loop).
func (e *editor) monitorActivation(dev *client.Device, ac *client.ActiveConnection) func() {
	a := e.a
	if ac == nil {
		return func() {}
	}
	if dev == nil {
		if devs := ac.Devices(); len(devs) > 0 {
			dev = devs[0]
		}
	}
	if dev == nil {
		return func() {}
	}
	var timer interface{ Stop() bool }
	stopped := false
	idx := 0
	var tick func()
	tick = func() {
		if stopped {
			return
		}
		a.eraseLine()
		a.print(string("|/-\\"[idx]) + " " + deviceStateWithExternal(dev))
		idx = (idx + 1) % 4
		switch {
		case ac.State() == client.ActiveStateActivated || dev.State() == client.DeviceStateActivated:
			a.eraseLine()
			a.print("Connection successfully activated (D-Bus active path: " + string(ac.Path()) + ")\n")
			return
		case ac.State() == client.ActiveStateDeactivated || dev.State() == client.DeviceStateFailed:
			a.eraseLine()
			a.print("Error: Connection activation failed.\n")
			return
		}
		timer = a.loop.AfterFunc(120*time.Millisecond, tick)
	}
	e.onLoop(func() { timer = a.loop.AfterFunc(120*time.Millisecond, tick) })
	return func() {
		stopped = true
		if timer != nil {
			timer.Stop()
		}
	}
}

func (e *editor) cmdNmcli(pname, value *string) {
	a := e.a
	val := ""
	if value != nil {
		val = strings.TrimSpace(*value)
	}
	setBool := func(name string, dst *bool) {
		b, err := setting.ParseBool(val)
		if err != nil {
			a.print("Error: " + name + ": " + err.Error() + "\n")
			return
		}
		*dst = b
	}
	switch {
	case pname != nil && matches(*pname, "status-line"):
		setBool("status-line", &e.statusLine)
	case pname != nil && matches(*pname, "save-confirmation"):
		setBool("save-confirmation", &e.saveConfirm)
	case pname != nil && matches(*pname, "show-secrets"):
		setBool("show-secrets", &a.showSecrets)
	case pname != nil && matches(*pname, "prompt-color"):
		// nmcli ignores it (terminal-colors.d sets the prompt's color).
	case pname == nil:
		a.print("Current nmcli configuration:\n")
		a.print("status-line: " + yesNoWord(e.statusLine) + "\nsave-confirmation: " + yesNoWord(e.saveConfirm) +
			"\nshow-secrets: " + yesNoWord(a.showSecrets) + "\n")
	default:
		// nmcli names the value here, not the option.
		v := ""
		if value != nil {
			v = *value
		}
		a.print("Invalid configuration option '" + v + "'; allowed [status-line, save-confirmation, show-secrets]\n")
	}
}

// propertyMenu is the menu of one property; false ends the editor.
func (e *editor) propertyMenu(s *setting.Setting, p *setting.Property) bool {
	a := e.a
	prompt := e.colorPrompt("nmcli " + s.Name() + "." + p.Name + "> ")
	for {
		r, removed := e.refreshRemote()
		if removed {
			a.print("The connection profile has been removed from another client. You may type 'save' in the main menu to restore it.\n")
		}
		e.showStatusLine(r)
		line := e.readline(prompt)
		if line == nil {
			continue
		}
		cmdLine := strings.TrimSpace(*line)
		word, arg := splitEditorCmd(cmdLine)
		switch subCommandName(word) {
		case "set", "add":
			mod := setting.ModSet
			if subCommandName(word) == "add" {
				mod = setting.ModAdd
			}
			v := arg
			if v == nil {
				v = e.askValue(p)
			}
			if err := e.setProp(s, p, mod, v); err != nil {
				a.print("Error: failed to set '" + p.Name + "' property: " + err.Error() + "\n")
			}
		case "change":
			// nmcli puts the current value in readline's buffer; what is
			// typed continues it.
			cur := p.NmcliGet(s, false, true).Text
			v := e.readlinePrefilled("Edit '"+p.Name+"' value: ", cur)
			if err := e.setProp(s, p, setting.ModSet, v); err != nil {
				a.print("Error: failed to set '" + p.Name + "' property: " + err.Error() + "\n")
			}
		case "remove":
			mod := setting.ModSet
			if arg != nil {
				mod = setting.ModDel
			}
			if err := e.setProp(s, p, mod, arg); err != nil {
				a.print("Error: " + err.Error() + "\n")
			}
		case "describe":
			printPropertyDescription(a, p)
		case "print":
			switch {
			case arg == nil:
				a.print(p.Name + ": " + p.NmcliGet(s, true, true).Text + "\n")
			case matches(*arg, "setting"):
				e.showSetting(s)
			case matches(*arg, "connection") || matches(*arg, "all"):
				e.showConnection()
			default:
				a.print("Unknown command argument: '" + *arg + "'\n")
			}
		case "back":
			return true
		case "help":
			editorSubHelp(a, arg)
		case "quit":
			if e.confirmQuitIfDirty(r) {
				return false
			}
		default:
			a.print("Unknown command: '" + cmdLine + "'\n")
		}
	}
}

func subCommandName(word string) string {
	for _, c := range []string{"set", "add", "change", "remove", "describe", "print", "back", "help", "quit"} {
		if matches(word, c) {
			return c
		}
	}
	if word == "?" {
		return "help"
	}
	return ""
}

// notify runs nmcli's change handlers for a property just set.
func (e *editor) notify(s *setting.Setting, p *setting.Property, mod setting.Modifier, before any) {
	if !e.hooked[s] {
		return
	}
	switch s.Name() + "." + p.Name {
	case "ipv4.addresses", "ipv6.addresses":
		after := s.Addresses()
		old, _ := before.([]setting.IPAddress)
		if addressesEqual(old, after) && (mod != setting.ModSet || len(old) == 0) {
			return
		}
		e.addressesChanged(s)
	case "ipv4.method", "ipv6.method":
		e.methodChanged(s)
	case "proxy.method":
		if s.Get("method") == int32(0) {
			s.Unset("pac-url")
			s.Unset("pac-script")
		}
	case "802-11-wireless.band", "802-11-wireless.channel":
		e.wifiBandChannelChanged(s, p.Name)
	case "connection.master":
		e.masterChanged(s)
	}
}

func addressesEqual(x, y []setting.IPAddress) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i].Addr != y[i].Addr || x[i].Prefix != y[i].Prefix {
			return false
		}
	}
	return true
}

func familyIndex(s *setting.Setting) int {
	if s.Name() == "ipv6" {
		return 1
	}
	return 0
}

// addressesChanged: addresses make the method manual (if the user
// agrees); no addresses turn a manual method back to auto.
func (e *editor) addressesChanged(s *setting.Setting) {
	i := familyIndex(s)
	h := &e.hooks
	if len(s.Addresses()) > 0 {
		if s.Str("method") != "manual" {
			if !h.addrAnswered[i] {
				h.addrAnswered[i] = true
				h.addrAnswer[i] = e.answer("Do you also want to set '" + s.Name() + ".method' to 'manual'? [yes]: ")
			}
			if h.addrAnswer[i] {
				s.MustSet("method", "manual")
			}
		}
		return
	}
	h.addrAnswered[i] = false
	if s.Str("method") == "manual" {
		s.MustSet("method", "auto")
	}
}

// methodChanged: a method other than manual clears the addresses (if
// the user agrees), kept aside for when the method is manual again.
func (e *editor) methodChanged(s *setting.Setting) {
	i := familyIndex(s)
	h := &e.hooks
	if s.Str("method") != "manual" {
		if len(s.Addresses()) > 0 {
			if !h.methodAnswered[i] {
				h.methodAnswered[i] = true
				h.methodAnswer[i] = e.answer("Do you also want to clear '" + s.Name() + ".addresses'? [yes]: ")
			}
			if h.methodAnswer[i] {
				h.savedAddrs[i] = cloneAny(s.Get("addresses"))
				s.Unset("addresses")
			}
		}
		return
	}
	h.methodAnswered[i] = false
	if h.savedAddrs[i] != nil {
		s.MustSet("addresses", h.savedAddrs[i])
		h.savedAddrs[i] = nil
	}
}

// answer asks a yes/no question; no answer means yes.
func (e *editor) answer(q string) bool {
	v := e.userInput(q)
	return v == nil || matches(*v, "yes")
}

func (e *editor) wifiBandChannelChanged(s *setting.Setting, prop string) {
	var value string
	if prop == "band" {
		v, ok := s.String("band")
		if !ok {
			return
		}
		value = v
	} else {
		ch := s.Uint32("channel")
		if ch == 0 {
			return
		}
		value = itoa(int(ch))
	}
	if mode := s.Str("mode"); mode == "" || mode == "infrastructure" {
		e.a.print("Warning: " + s.Name() + "." + prop + " set to '" + value + "', but it might be ignored in infrastructure mode\n")
	}
}

// masterChanged: a port has no IP settings; nmcli offers to remove them.
func (e *editor) masterChanged(con *setting.Setting) {
	if !e.hooked[con] {
		return
	}
	if _, ok := con.String("master"); !ok {
		return
	}
	if !e.c.Has("ipv4") && !e.c.Has("ipv6") {
		return
	}
	e.a.print("Warning: setting connection.master requires removing ipv4 and ipv6 settings\n")
	v := e.userInput("Do you want to remove them? [yes] ")
	if v == nil || matches(*v, "yes") {
		e.c.Remove("ipv4")
		e.c.Remove("ipv6")
	}
}

// ignoreInterrupt reports whether SIGINT leaves nmcli running: inside
// the editor it only abandons the line being typed.
func (a *App) ignoreInterrupt(sig syscall.Signal) bool {
	return a.inEditor && sig == syscall.SIGINT
}

func editorMainHelp(a *App, arg *string) {
	editorHelp(a, arg, editorMainMenu, editorMainCommandHelp, mainCommandName)
}

func editorSubHelp(a *App, arg *string) {
	editorHelp(a, arg, editorSubMenu, editorSubCommandHelp, subCommandName)
}

// editorHelp is the editor's "help" in either menu: the menu's overview
// without an argument, else the help of the command the argument names
// (commands by their menu's names, texts from its table).
func editorHelp(a *App, arg *string, overview string, texts map[string]string, name func(string) string) {
	if arg == nil {
		a.print(overview)
		return
	}
	word, _ := splitEditorCmd(*arg)
	if text, ok := texts[name(word)]; ok {
		a.print(text)
		return
	}
	a.print("Unknown command: '" + *arg + "'\n")
}

const editorRule = "------------------------------------------------------------------------------\n"
