package nmcli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/nmcli/format"
)

// matches reports whether cmd is a non-empty prefix of pattern: the rule
// by which nmcli accepts abbreviated objects, commands and options.
func matches(cmd, pattern string) bool {
	return cmd != "" && len(cmd) <= len(pattern) && pattern[:len(cmd)] == cmd
}

// argIsOption reports whether arg is "-NAME" or "--NAME" with NAME a
// prefix of opt.
func argIsOption(arg, opt string) bool {
	if arg == "" || arg[0] != '-' {
		return false
	}
	p := arg[1:]
	if len(arg) > 1 && arg[1] == '-' {
		p = arg[2:]
	}
	return p != "" && matches(p, opt)
}

// argIsHelp reports whether arg asks for help ("help", "-help", "--help",
// or a prefix of them).
func argIsHelp(arg string) bool {
	if arg == "" {
		return false
	}
	return matches(arg, "help") || (strings.HasPrefix(arg, "-") && matches(arg[1:], "help")) ||
		(strings.HasPrefix(arg, "--") && matches(arg[2:], "help"))
}

// parseGlobalArg handles the options nmcli accepts anywhere on the line.
func (a *App) parseGlobalArg(arg string) bool {
	switch {
	case argIsOption(arg, "ask"):
		a.ask = true
	case argIsOption(arg, "show-secrets"):
		a.showSecrets = true
	default:
		return false
	}
	return true
}

// nextArg advances argv past the current word and any following global
// options (--ask, --show-secrets). It returns the 1-based index of opts
// that the new current word matches ("--x" entries match as options,
// others literally), 0 when none does or when the word was completed, and
// -1 when no words remain. In completion mode the last word is completed
// against opts instead.
func (a *App) nextArg(argv *[]string, opts ...string) int {
	return nextArgFor(a, argv, opts...)
}

// nextArgFor is nextArg with an optional app (nil: no completion and no
// global options), as nmcli calls it.
func nextArgFor(a *App, argv *[]string, opts ...string) int {
	for {
		if len(*argv) > 0 {
			*argv = (*argv)[1:]
		}
		if len(*argv) == 0 {
			return -1
		}
		cur := (*argv)[0]
		if a != nil && a.complete && len(*argv) == 1 {
			for _, o := range opts {
				a.completeStrings(cur, o)
			}
			if strings.HasPrefix(cur, "-") {
				a.completeStrings(cur, "--ask", "--show-secrets")
			}
			return 0
		}
		for i, o := range opts {
			if strings.HasPrefix(o, "--") {
				if argIsOption(cur, o[2:]) {
					return i + 1
				}
			} else if cur == o {
				return i + 1
			}
		}
		if a == nil || !a.parseGlobalArg(cur) {
			return 0
		}
	}
}

// completeStrings prints the candidates that prefix completes to (all of
// them for an empty prefix).
func (a *App) completeStrings(prefix string, candidates ...string) {
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if prefix != "" && !matches(prefix, c) {
			continue
		}
		a.print(c + "\n")
	}
}

func (a *App) completeBool(prefix string) {
	a.completeStrings(prefix, "true", "yes", "on", "false", "no", "off")
}

func (a *App) completeHelp(prefix string) {
	a.completeStrings(prefix, "help")
	if strings.HasPrefix(prefix, "-") {
		a.completeStrings(prefix, "-help", "--help")
	}
}

// command is one entry of a command table (NMCCommand).
type command struct {
	name  string
	fn    func(a *App, c *command, argv []string)
	usage func(a *App)
	// needsClient creates the client before the handler runs;
	// needsRunning also requires the daemon to be on the bus.
	needsClient  bool
	needsRunning bool
	// supportsOffline lets the handler run with --offline;
	// needsOfflineConn reads a keyfile from stdin first.
	supportsOffline  bool
	needsOfflineConn bool
}

// doCmd dispatches argv (whose first word, cmd, names the command) through
// a table whose last entry, without a name, is the default (its usage is
// the object's help).
func (a *App) doCmd(cmds []command, argv []string) {
	cmd := ""
	if len(argv) > 0 {
		cmd = argv[0]
	}
	if len(argv) == 0 && a.complete {
		a.commandDone()
		return
	}
	if len(argv) == 1 && a.complete {
		for _, c := range cmds {
			if c.name == "" {
				continue
			}
			if cmd == "" || matches(cmd, c.name) {
				a.print(c.name + "\n")
			}
		}
		a.completeHelp(cmd)
		a.commandDone()
		return
	}
	var c *command
	for i := range cmds {
		if cmds[i].name == "" {
			c = &cmds[i]
			break
		}
		if len(argv) > 0 && matches(cmd, cmds[i].name) {
			c = &cmds[i]
			break
		}
	}
	switch {
	case c.name != "":
		if c.usage != nil && len(argv) == 2 && a.complete {
			a.completeHelp(argv[1])
		}
		if !a.complete && c.usage != nil && len(argv) > 1 && argIsHelp(argv[1]) {
			c.usage(a)
			a.commandDone()
			return
		}
		a.callCmd(c, argv)
	case len(argv) > 0:
		if argIsHelp(cmd) && c.usage != nil {
			c.usage(a)
			a.commandDone()
			return
		}
		a.cmdErr(ExitUserInput, "Error: argument '"+cmd+"' not understood. Try passing --help instead.")
	case c.fn != nil:
		a.callCmd(c, argv)
	default:
		a.cmdErr(ExitUserInput, "Error: missing argument. Try passing --help.")
	}
}

// callCmd runs a handler once what it needs is there.
func (a *App) callCmd(c *command, argv []string) {
	if a.offline {
		if !c.supportsOffline {
			a.cmdErr(ExitUserInput, "Error: command doesn't support --offline mode.")
			return
		}
		c.fn(a, c, argv)
		a.commandDone()
		return
	}
	if a.client == nil && c.needsClient {
		if err := a.newClient(); err != nil {
			a.cmdErr(ExitUnknown, "Error: Could not create NMClient object: "+err.Error()+".")
			return
		}
	}
	if c.needsRunning && !a.client.Running() {
		a.cmdErr(ExitNMNotRunning, "Error: NetworkManager is not running.")
		return
	}
	c.fn(a, c, argv)
	a.commandDone()
}

func (a *App) newClient() error {
	cl, err := client.New(context.Background(), a.loop, client.Options{Address: a.env.BusAddress})
	if err != nil {
		return errors.New(glibConnectError(err))
	}
	a.client = cl
	a.warnVersionMismatch()
	return nil
}

// glibConnectError renders a bus connection failure as GLib words it
// ("Could not connect: No such file or directory").
func glibConnectError(err error) string {
	msg := err.Error()
	if prefix, rest, ok := strings.Cut(msg, ": "); ok && prefix == "Could not connect" {
		var errno syscall.Errno
		if errors.As(err, &errno) {
			return "Could not connect: " + strerror(errno)
		}
		return "Could not connect: " + rest
	}
	return msg
}

// warnVersionMismatch tells the user when the daemon runs another version
// than nmcli's (NetworkManager 1.46's nmcli does; 1.42's does not yet).
func (a *App) warnVersionMismatch() {
	if a.client == nil || !a.client.Running() {
		return
	}
	v := a.client.Version()
	if v == Version {
		return
	}
	if v == "" {
		v = "Unknown"
	}
	a.printErrf("Warning: nmcli (%s) and NetworkManager (%s) versions don't match. Restarting NetworkManager is advised.\n", Version, v)
}

// matchesArg matches the current word against a global option pattern
// (with its leading dash, as "-mode"), taking a value from "=VALUE" or the
// next word when value is non-nil.
func (a *App) matchesArg(argv *[]string, pattern string, value *string) bool {
	opt := (*argv)[0]
	if a.returnValue != ExitSuccess {
		return false
	}
	if len(opt) > 1 && opt[1] == '-' {
		opt = opt[1:]
	}
	var eqValue string
	hasEq := false
	if value != nil {
		if i := strings.IndexByte(opt, '='); i >= 0 {
			opt, eqValue, hasEq = opt[:i], opt[i+1:], true
		}
	}
	if !matches(opt, pattern) {
		return false
	}
	if value != nil {
		if hasEq {
			*value = eqValue
		} else {
			if len(*argv) <= 1 {
				a.setError(ExitUserInput, "Error: missing argument for '"+opt+"' option.")
				return false
			}
			*argv = (*argv)[1:]
			*value = (*argv)[0]
		}
	}
	return true
}

// completeOptionValue completes an option's value; nmcli repeats the
// option word (with "=") before each candidate.
func (a *App) completeOptionValue(option, prefix string, candidates ...string) {
	for _, c := range candidates {
		if prefix == "" || matches(prefix, c) {
			a.print(option + "=" + c + "\n")
		}
	}
}

type colorOption int

const (
	colorAuto colorOption = iota
	colorYes
	colorNo
)

// processCommandLine parses the global options and runs the object's
// command. It returns false when nmcli is done without running the loop.
func (a *App) processCommandLine(args []string) bool {
	argv := args
	if len(argv) > 1 && argv[1] == "--complete-args" {
		a.complete = true
		argv = append([]string{argv[0]}, argv[2:]...)
	}
	colors := colorAuto
	a.nextArg(&argv)
	for len(argv) > 0 {
		cur := argv[0]
		if !strings.HasPrefix(cur, "-") {
			break
		}
		if len(argv) == 1 && a.complete {
			a.completeStrings(cur, "--overview", "--offline", "--terse", "--pretty", "--mode", "--colors",
				"--escape", "--fields", "--get-values", "--nocheck", "--wait", "--version", "--help")
		}
		if cur == "--" {
			a.nextArg(&argv)
			break
		}
		var value string
		switch {
		case a.matchesArg(&argv, "-overview", nil):
			a.cfg.Overview = true
		case a.matchesArg(&argv, "-offline", nil):
			a.offline = true
		case a.matchesArg(&argv, "-terse", nil):
			switch a.cfg.Output {
			case format.Terse:
				a.setError(ExitUserInput, "Error: Option '--terse' is specified the second time.")
				return false
			case format.PrettyOutput:
				a.setError(ExitUserInput, "Error: Option '--terse' is mutually exclusive with '--pretty'.")
				return false
			}
			a.cfg.Output = format.Terse
		case a.matchesArg(&argv, "-pretty", nil):
			switch a.cfg.Output {
			case format.PrettyOutput:
				a.setError(ExitUserInput, "Error: Option '--pretty' is specified the second time.")
				return false
			case format.Terse:
				a.setError(ExitUserInput, "Error: Option '--pretty' is mutually exclusive with '--terse'.")
				return false
			}
			a.cfg.Output = format.PrettyOutput
		case a.matchesArg(&argv, "-mode", &value):
			a.modeSpecified = true
			if len(argv) == 1 && a.complete {
				a.completeOptionValue(argv[0], value, "tabular", "multiline", "json")
			}
			switch {
			case matches(value, "tabular"):
				a.cfg.Multiline, a.cfg.JSON = false, false
			case matches(value, "multiline"):
				a.cfg.Multiline, a.cfg.JSON = true, false
			case matches(value, "json"):
				a.cfg.JSON = true
			default:
				a.setError(ExitUserInput, "Error: '"+value+"' is not a valid argument for '"+argv[0]+"' option.")
				return false
			}
		case a.matchesArg(&argv, "-colors", &value):
			if len(argv) == 1 && a.complete {
				a.completeOptionValue(argv[0], value, "yes", "no", "auto")
			}
			switch {
			case matches(value, "auto"):
				colors = colorAuto
			case matches(value, "yes"):
				colors = colorYes
			case matches(value, "no"):
				colors = colorNo
			default:
				a.setError(ExitUserInput, "Error: '"+value+"' is not valid argument for '"+argv[0]+"' option.")
				return false
			}
		case a.matchesArg(&argv, "-escape", &value):
			if len(argv) == 1 && a.complete {
				a.completeOptionValue(argv[0], value, "yes", "no")
			}
			switch {
			case matches(value, "yes"):
				a.cfg.Escape = true
			case matches(value, "no"):
				a.cfg.Escape = false
			default:
				a.setError(ExitUserInput, "Error: '"+value+"' is not valid argument for '"+argv[0]+"' option.")
				return false
			}
		case a.matchesArg(&argv, "-fields", &value):
			if len(argv) == 1 && a.complete {
				a.completeFields(argv[0], value)
			}
			a.requiredFields = &value
		case a.matchesArg(&argv, "-get-values", &value):
			if len(argv) == 1 && a.complete {
				a.completeFields(argv[0], value)
			}
			a.requiredFields = &value
			a.cfg.Output = format.Terse
			// -g keeps a "-m multiline" given before it.
			a.modeSpecified = true
		case a.matchesArg(&argv, "-nocheck", nil):
		case a.matchesArg(&argv, "-wait", &value):
			t, ok := parseUint(value, 0, 1<<31-1)
			if !ok {
				a.setError(ExitUserInput, "Error: '"+value+"' is not a valid timeout.")
				return false
			}
			a.timeout = int(t)
		case a.matchesArg(&argv, "-version", nil):
			if !a.complete {
				a.print("nmcli tool, version " + Version + "\n")
			}
			return false
		case a.matchesArg(&argv, "-help", nil):
			if !a.complete {
				usageTop(a)
			}
			return false
		case a.matchesArg(&argv, "-json", nil):
			a.cfg.JSON = true
		default:
			if a.returnValue == ExitSuccess {
				a.setError(ExitUserInput, "Error: Option '"+cur+"' is unknown, try 'nmcli -help'.")
			}
			return false
		}
		a.nextArg(&argv)
	}
	if a.requiredFields != nil {
		a.cfg.Overview = false
	}
	a.setColors(colors)
	if a.cfg.JSON {
		a.cfg.UseColors = false
		a.printer.StartJSON()
	}
	a.doCmd(topCommands, argv)
	return true
}

// parseUint is nmcli's strtoul-based parser: base 10, leading blanks and a
// sign allowed by strtoul, nothing after the digits, within [min, max].
func parseUint(s string, min, max uint64) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if strings.HasPrefix(t, "+") {
		t = t[1:]
	} else if strings.HasPrefix(t, "-") {
		t, neg = t[1:], true
	}
	if t == "" || t[0] < '0' || t[0] > '9' {
		return 0, false
	}
	v, err := strconv.ParseUint(t, 10, 64)
	if err != nil {
		return 0, false
	}
	if neg && v != 0 {
		// strtoul negates in unsigned arithmetic: always out of range here.
		return 0, false
	}
	if v < min || v > max {
		return 0, false
	}
	return v, true
}

// setColors decides about colors as nmcli does: --colors no never, yes
// always, auto when stdout is a terminal, TERM is not "dumb", NO_COLOR is
// unset and terminal-colors.d does not disable it; a scheme file there
// replaces the palette.
func (a *App) setColors(opt colorOption) {
	use, scheme := a.checkColors(opt)
	a.cfg.UseColors = use
	a.cfg.Palette = format.DefaultPalette()
	if use && scheme != "" {
		if p, err := format.ParseScheme(scheme); err == nil {
			a.cfg.Palette = p
		}
	}
}

func (a *App) checkColors(opt colorOption) (bool, string) {
	if opt == colorNo {
		return false, ""
	}
	if _, ok := a.env.LookupEnv("NO_COLOR"); ok && opt == colorAuto {
		return false, ""
	}
	term, hasTerm := a.env.LookupEnv("TERM")
	if opt == colorAuto && ((hasTerm && term == "dumb") || !a.env.IsTerminal) {
		return false, ""
	}
	dir1 := a.userConfigDir()
	dir2 := "/etc"
	if dir1 != "" {
		if dir1 == dir2 || !exists(dir1) {
			dir1 = ""
		}
	}
	if !exists(dir2) {
		dir2 = ""
	}
	if strings.Contains(term, "/") {
		hasTerm = false
	}
	if opt == colorAuto {
		enabled := true
	dirs:
		for _, base := range []string{dir1, dir2} {
			if base == "" {
				continue
			}
			for _, f := range colorCandidates(base, term, hasTerm) {
				if exists(f + "enable") {
					enabled = true
					break dirs
				}
				if exists(f + "disable") {
					enabled = false
					break dirs
				}
			}
		}
		if !enabled {
			return false, ""
		}
	}
	for _, base := range []string{dir1, dir2} {
		if base == "" {
			continue
		}
		for _, f := range colorCandidates(base, term, hasTerm) {
			for _, ext := range []string{"scheme", "schem"} {
				if b, err := os.ReadFile(f + ext); err == nil {
					return true, string(b)
				}
			}
		}
	}
	return true, ""
}

// colorCandidates are the file name stems terminal-colors.d(5) looks at,
// most specific first: nmcli@TERM., nmcli., @TERM., and the bare one.
func colorCandidates(base, term string, hasTerm bool) []string {
	var out []string
	if hasTerm {
		out = append(out, colorsFile(base, "nmcli", term, true))
	}
	out = append(out, colorsFile(base, "nmcli", "", false))
	if hasTerm {
		out = append(out, colorsFile(base, "", term, true))
	}
	return append(out, colorsFile(base, "", "", false))
}

// colorsFile is a terminal-colors.d file name up to the type suffix.
func colorsFile(base, name, term string, hasTerm bool) string {
	s := base + "/terminal-colors.d/" + name
	if hasTerm {
		s += "@" + term
	}
	if name != "" || hasTerm {
		s += "."
	}
	return s
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// userConfigDir is GLib's g_get_user_config_dir().
func (a *App) userConfigDir() string {
	if d := a.getenv("XDG_CONFIG_HOME"); d != "" {
		return d
	}
	home := a.getenv("HOME")
	if home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			home = h
		}
	}
	return filepath.Join(home, ".config")
}
