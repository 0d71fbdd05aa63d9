package nmcli

import (
	"bufio"
	"context"
	"errors"
	"os"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/nmcli/format"
)

func cmdAgent(a *App, _ *command, argv []string) {
	cmds := []command{
		{name: "secret", fn: doAgentSecret, usage: usageAgentSecret, needsClient: true, needsRunning: true},
		{name: "polkit", fn: doAgentPolkit, usage: usageAgentPolkit, needsClient: true, needsRunning: true},
		{name: "all", fn: doAgentAll, usage: usageAgentAll, needsClient: true, needsRunning: true},
		{fn: doAgentAll, usage: usageAgent, needsClient: true, needsRunning: true},
	}
	a.nextArg(&argv)
	a.doCmd(cmds, argv)
}

// secretAgent is nmcli's secret agent: it asks for the secrets a profile
// needs (or takes them from --ask answers and the passwd-file).
type secretAgent struct {
	a *App
	// interactive agents ("agent secret") prompt for every request;
	// the ones of "connection up" and "device connect" also use the
	// passwd-file and need --ask to prompt.
	interactive bool
	enabled     bool
	path        string
	registered  *client.SecretAgent
	pending     []*client.SecretRequest
}

// registerSecretAgent starts the agent "connection up" and "device
// connect" use while they wait.
func (a *App) registerSecretAgent(identifier string) {
	a.agent = &secretAgent{a: a}
	a.agent.register(identifier, nil)
}

func (s *secretAgent) register(identifier string, done func(error)) {
	s.a.client.RegisterSecretAgentAsync(context.Background(), identifier, client.SecretAgentCapVPNHints,
		s.request, nil, func(ag *client.SecretAgent, err error) {
			s.registered = ag
			if done != nil {
				done(err)
			}
		})
}

func (s *secretAgent) unregister() {
	if s.registered != nil {
		s.registered.Unregister()
		s.registered = nil
	}
}

// enable starts answering requests, only those of the profile at path
// when path is not empty.
func (s *secretAgent) enable(path string) {
	s.enabled = true
	s.path = path
	pending := s.pending
	s.pending = nil
	for _, r := range pending {
		s.request(r)
	}
}

// secret is one value asked for.
type secret struct {
	setting, property string
	pretty            string
	entryID           string
	isSecret          bool
	value             string
	vpn               bool
}

func (s *secretAgent) request(r *client.SecretRequest) {
	if !s.enabled {
		s.pending = append(s.pending, r)
		return
	}
	id := string(r.ConnectionPath) + "/" + r.SettingName
	if r.Flags&client.SecretsAllowInteraction == 0 {
		r.Fail("NoSecrets", "Stored passwords not supported")
		return
	}
	if s.path != "" && !strings.HasPrefix(id, s.path) {
		r.Fail("Failed", "Request for "+id+" secrets doesn't match path "+s.path)
		return
	}
	msg, secrets := secretsFor(r)
	if len(secrets) == 0 {
		r.Fail("Failed", "Cannot service a secrets request "+id+" for a "+r.Connection.Type()+" connection")
		return
	}
	a := s.a
	if a.cfg.Output == format.PrettyOutput {
		a.eraseLine()
	}
	ask := s.interactive || a.ask
	for _, sec := range secrets {
		var pwd string
		var have bool
		if !s.interactive {
			pwd, have = a.passwords[sec.entryID]
		}
		if !have {
			if !ask {
				if msg != "" {
					a.print(msg + "\n")
				}
				a.printErr("Warning: password for '" + sec.entryID + "' not given in 'passwd-file' and nmcli cannot ask without '--ask' option.\n")
				s.failed(r)
				return
			}
			if msg != "" {
				a.print(msg + "\n")
			}
			echo := !sec.isSecret || a.showSecrets
			prompt := sec.pretty + " (" + sec.entryID + "): "
			var ok bool
			pwd, ok = a.readlineOK(prompt, echo)
			if !ok && s.interactive {
				s.failed(r)
				return
			}
		}
		sec.value = pwd
	}
	out := client.Settings{}
	for _, sec := range secrets {
		m := out[sec.setting]
		if m == nil {
			m = map[string]dbus.Variant{}
			out[sec.setting] = m
		}
		if sec.vpn {
			data, _ := m["secrets"].Value().(map[string]string)
			if data == nil {
				data = map[string]string{}
			}
			data[sec.property] = sec.value
			m["secrets"] = dbus.MakeVariant(data)
			continue
		}
		m[sec.property] = dbus.MakeVariant(sec.value)
	}
	r.Respond(out)
}

// failed cancels a request; an agent that cannot answer steps aside so
// that another agent may be asked.
func (s *secretAgent) failed(r *client.SecretRequest) {
	r.Fail("UserCanceled", "User canceled")
	if !s.interactive {
		s.unregister()
	}
}

// secretsFor lists what a request needs, with the message shown first.
func secretsFor(r *client.SecretRequest) (string, []*secret) {
	c := r.Connection
	plain := func(setting, prop, pretty string, isSecret bool) *secret {
		return &secret{setting: setting, property: prop, pretty: pretty, entryID: setting + "." + prop,
			isSecret: isSecret, value: c.Str(setting, prop)}
	}
	var out []*secret
	add8021x := func() bool {
		if len(r.Hints) > 0 {
			for _, h := range r.Hints {
				out = append(out, plain("802-1x", h, h, true))
			}
			return true
		}
		var eap string
		if v, ok := c.Get("802-1x", "eap"); ok {
			if l, _ := v.Value().([]string); len(l) > 0 {
				eap = l[0]
			}
		}
		switch eap {
		case "md5", "leap", "ttls", "peap":
			out = append(out, plain("802-1x", "identity", "Username", false), plain("802-1x", "password", "Password", true))
			return true
		case "tls":
			out = append(out, plain("802-1x", "identity", "Identity", false),
				plain("802-1x", "private-key-password", "Private key password", true))
			return true
		}
		return false
	}
	id := c.ID()
	switch c.Type() {
	case "802-11-wireless":
		msg := "Passwords or encryption keys are required to access the wireless network '" +
			ssidToUTF8(c.Bytes("802-11-wireless", "ssid")) + "'."
		km := c.Str("802-11-wireless-security", "key-mgmt")
		switch km {
		case "wpa-psk", "sae":
			out = append(out, plain("802-11-wireless-security", "psk", "Password", true))
		case "none":
			idx := c.Int("802-11-wireless-security", "wep-tx-keyidx", 0)
			out = append(out, plain("802-11-wireless-security", "wep-key"+itoa(int(idx)), "Key", true))
		case "wpa-eap", "wpa-eap-suite-b-192":
			add8021x()
		}
		return msg, out
	case "802-3-ethernet":
		add8021x()
		return "Secrets are required to access the wired network '" + id + "'", out
	case "pppoe":
		out = append(out, plain("pppoe", "username", "Username", false), plain("pppoe", "service", "Service", false),
			plain("pppoe", "password", "Password", true))
		return "Secrets are required for the DSL connection '" + id + "'", out
	case "gsm":
		for _, h := range r.Hints {
			if h == "pin" {
				return "PIN code is needed for the mobile broadband device", []*secret{plain("gsm", "pin", "PIN", true)}
			}
		}
		return "A password is required to connect to '" + id + "'.", []*secret{plain("gsm", "password", "Password", true)}
	case "cdma":
		return "A password is required to connect to '" + id + "'.", []*secret{plain("cdma", "password", "Password", true)}
	case "macsec":
		msg := "Secrets are required to access the MACsec network '" + id + "'"
		if c.Int("macsec", "mode", 0) == 0 {
			out = append(out, plain("macsec", "mka-cak", "MKA CAK", true))
		} else {
			add8021x()
		}
		return msg, out
	case "wireguard":
		out = append(out, plain("wireguard", "private-key", "WireGuard private-key", true))
		return "Secrets are required to connect WireGuard VPN '" + id + "'", out
	case "vpn":
		names := r.Hints
		if len(names) == 0 {
			names = []string{"password"}
		}
		for _, h := range names {
			h = strings.TrimPrefix(h, "vpn.secrets.")
			out = append(out, &secret{setting: "vpn", property: h, pretty: "Password", entryID: "vpn.secrets." + h,
				isSecret: true, vpn: true})
		}
		return "A password is required to connect to '" + id + "'.", out
	}
	return "", nil
}

func doAgentSecret(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if a.complete {
		return
	}
	a.startSecretAgent()
}

func (a *App) startSecretAgent() {
	a.agent = &secretAgent{a: a, interactive: true}
	a.shouldWait++
	a.agent.enable("")
	a.agent.register("nmcli-agent", nil)
	a.print("nmcli successfully registered as a NetworkManager's secret agent.\n")
}

func doAgentPolkit(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if a.complete {
		return
	}
	if err := a.startPolkitAgent(true); err != nil {
		a.setError(ExitUnknown, "Error: polkit agent initialization failed: "+err.Error())
		return
	}
	a.shouldWait += 2
}

func doAgentAll(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	if a.complete {
		return
	}
	a.startSecretAgent()
	if err := a.startPolkitAgent(true); err != nil {
		a.printErr("Error: polkit agent initialization failed: " + err.Error() + "\n")
		a.returnText = ""
		return
	}
	a.shouldWait += 2
}

// startPolkitAgentTry starts a polkit agent for the command when --ask
// was given, so that authorizations can be answered on the terminal.
func (a *App) startPolkitAgentTry() {
	if !a.ask {
		return
	}
	if err := a.startPolkitAgent(false); err != nil {
		a.printErr("Warning: polkit agent initialization failed: " + err.Error() + "\n")
	}
}

// startPolkitAgent watches for polkit on the system bus and registers as
// its authentication agent when it is there. Answering authentication
// requests needs polkit's helper and is not implemented yet; requests are
// declined.
func (a *App) startPolkitAgent(forSession bool) error {
	if a.polkit != nil {
		return nil
	}
	pk, err := newPolkitListener(a, forSession)
	if err != nil {
		return err
	}
	a.polkit = pk
	return nil
}

// readline reads a line from stdin after printing prompt (nil when stdin
// ended).
func (a *App) readline(prompt string) string {
	s, _ := a.readlineOK(prompt, true)
	return s
}

func (a *App) readlineEcho(echo bool, prompt string) string {
	s, _ := a.readlineOK(prompt, echo)
	return s
}

func (a *App) readlineOK(prompt string, echo bool) (string, bool) {
	a.print(prompt)
	if a.stdin == nil {
		a.stdin = bufio.NewReader(a.env.Stdin)
	}
	f, isFile := a.env.Stdin.(*os.File)
	tty := isFile && isTerminal(f)
	if !echo && tty {
		if restore := disableEcho(f); restore != nil {
			defer func() {
				restore()
				a.print("\n")
			}()
		}
	}
	line, err := a.stdin.ReadString('\n')
	if err != nil && line == "" {
		// Like readline, end of input on an empty line ends nmcli.
		a.exitAtPrompt()
		return "", false
	}
	line = strings.TrimSuffix(line, "\n")
	if echo && !tty {
		// readline shows what it reads; a terminal does that itself.
		a.print(line + "\n")
	}
	return line, true
}

// splitArgs splits a line at blanks; with unquote, words in matching
// quotes lose them.
func splitArgs(line string, unquote bool) []string {
	var out []string
	for _, w := range strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' }) {
		if unquote && len(w) >= 2 && (w[0] == '"' || w[0] == '\'') && w[len(w)-1] == w[0] {
			w = w[1 : len(w)-1]
		}
		out = append(out, w)
	}
	return out
}

// readPasswordFile reads a passwd-file: "setting.property:secret" lines,
// '#' comments. It returns the failing line number (or -1).
func readPasswordFile(path string) (map[string]string, int, error) {
	out := map[string]string{}
	if path == "" {
		return out, -1, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, -1, errors.New("Failed to open file \"" + path + "\": " + strerror(pe.Err))
		}
		return nil, -1, err
	}
	lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r", "\n"), "\n")
	for i, l := range lines {
		n := i + 1
		l = strings.TrimLeft(l, asciiSpace)
		if l == "" || l[0] == '#' {
			continue
		}
		k := strings.IndexAny(l, ":=")
		if k < 0 {
			return nil, n, errors.New("missing colon for \"<setting>.<property>:<secret>\" format")
		}
		name := strings.TrimRight(l[:k], asciiSpace)
		val := l[k+1:]
		setting, prop, ok := strings.Cut(name, ".")
		switch {
		case !ok:
			return nil, n, errors.New("missing dot for \"<setting>.<property>:<secret>\" format")
		case setting == "":
			return nil, n, errors.New("missing setting for \"<setting>.<property>:<secret>\" format")
		case prop == "":
			return nil, n, errors.New("missing property for \"<setting>.<property>:<secret>\" format")
		}
		if setting == "wifi-sec" || setting == "wifi" {
			setting = "802-11-wireless-security"
		}
		known := false
		for _, s := range settingNames {
			known = known || s == setting
		}
		if !known {
			return nil, n, errors.New("invalid setting name")
		}
		if setting == "vpn" && strings.HasPrefix(prop, "secret.") {
			prop = "secrets." + strings.TrimPrefix(prop, "secret.")
		}
		out[setting+"."+prop] = unescapeSecret(val)
	}
	return out, -1, nil
}

// unescapeSecret strips unescaped surrounding blanks and resolves
// backslash escapes.
func unescapeSecret(s string) string {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	var b strings.Builder
	trailing := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(s[i])
			}
			trailing = 0
			continue
		}
		b.WriteByte(c)
		if c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' {
			trailing++
		} else {
			trailing = 0
		}
	}
	out := b.String()
	return out[:len(out)-trailing]
}
