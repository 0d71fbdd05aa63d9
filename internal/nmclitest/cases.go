package nmclitest

import (
	"strings"
	"time"
)

// Case is one command line of the suite.
type Case struct {
	// Program is "nmcli" (when empty) or "nm-online".
	Program string
	Args    []string
	Env     []string
	Stdin   string
	// SortStdout compares stdout as a set of lines: nmcli leaves the
	// order to a hash table (completion of -f values).
	SortStdout bool
	// Overview146 expects the reference's output with NetworkManager
	// 1.46's limit of ten addresses and routes in the overview, which
	// gonm's nmcli follows.
	Overview146 bool
	// Progress compares only nm-online's last progress frame (the earlier
	// ones depend on timing) and checks the form of every frame.
	Progress bool
	// Interrupt sends SIGINT after this long (monitors, agents).
	Interrupt time.Duration
	// Unsupported marks what gonm's nmcli does not do yet (it needs the
	// settings schema): it must answer with its "not supported yet"
	// error instead of matching the reference.
	Unsupported bool
}

func (c Case) Name() string {
	var b strings.Builder
	for _, e := range c.Env {
		b.WriteString(e + " ")
	}
	b.WriteString(c.program())
	for _, a := range c.Args {
		if a == "" || strings.ContainsAny(a, " \t'\"\\:") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		b.WriteString(" " + a)
	}
	return b.String()
}

func (c Case) program() string {
	if c.Program == "" {
		return "nmcli"
	}
	return c.Program
}

// c builds a case from words.
func c(args ...string) Case { return Case{Args: args} }

func withEnv(env string, cs ...Case) []Case {
	out := make([]Case, len(cs))
	for i, x := range cs {
		x.Env = append(x.Env, env)
		out[i] = x
	}
	return out
}

func overview(args ...string) Case { return Case{Args: args, Overview146: true} }

func sorted(args ...string) Case { return Case{Args: args, SortStdout: true} }

func unsupported(args ...string) Case { return Case{Args: args, Unsupported: true} }

func online(args ...string) Case { return Case{Program: "nm-online", Args: args} }

// ReadOnlyCases do not change the daemon's state; both nmclis run them
// against the same daemon, one after the other.
func ReadOnlyCases() []Case {
	cs := []Case{
		// The overview and global options.
		overview(), overview("-"), overview("--overview"), overview("--color", "yes"),
		c("--help"), c("-h"), c("help"), c("-help"), c("--he"), c("-v"), c("--version"),
		c("--bogus"), c("-x"), c("--mode"), c("-m"), c("--mode", "foo"), c("--mode=foo"), c("-m", "tab", "d"),
		c("--colors", "maybe"), c("--escape", "sometimes", "c"), c("--wait", "x", "g"), c("--wait", "-1", "g"),
		c("--wait", " 5", "g"), c("-w", "+5", "g"), c("-t", "-t", "g"), c("-p", "-p", "g"), c("-p", "-t", "g"),
		c("-t", "-p", "g"), c("--", "general"), c("--nocheck", "g"), c("--fields"), c("-f"), c("-g"),
		c("bogus"), c("bogus", "s"), c("g", "bogus"), c("d", "bogus"), c("c", "bogus"),
		c("--offline", "g"), c("--offline", "d"),

		// general
		c("g"), c("general"), c("general", "status"), c("g", "st"), c("-t", "g"), c("-p", "g"),
		c("-m", "multiline", "g"), c("-p", "-m", "multiline", "g"), c("-t", "-m", "multiline", "g"),
		c("-f", "all", "g"), c("-f", "ALL", "g"), c("-f", "common", "g"), c("-f", "RUNNING,VERSION", "g"),
		c("-f", "state, connectivity ", "g"), c("-f", "bogus", "g"), c("-f", "all,STATE", "g"), c("-f", "", "g"),
		c("-g", "STATE", "g"), c("-g", "all", "g"), c("-g", "WIMAX,WIMAX-HW,STATE", "g"),
		c("-f", "WIMAX", "g"), c("-t", "-f", "all", "g"), c("-o", "g"), c("--color", "yes", "g"),
		c("--color", "yes", "-p", "g"), c("--color", "no", "g"),
		c("g", "help"), c("g", "status", "help"), c("g", "hostname", "help"), c("g", "permissions", "--help"),
		c("g", "logging", "help"), c("g", "reload", "help"),
		c("g", "permissions"), c("-t", "g", "permissions"), c("-p", "g", "permissions"),
		c("-m", "multiline", "g", "permissions"), c("-f", "VALUE", "g", "permissions"),
		c("-f", "bogus", "g", "permissions"), c("--color", "yes", "g", "permissions"),
		c("g", "logging"), c("-t", "g", "logging"), c("-p", "g", "logging"), c("-f", "LEVEL", "g", "logging"),
		c("-f", "foo", "g", "logging"), c("g", "logging", "bogus"), c("g", "logging", "level"),
		c("g", "logging", "domains"), c("g", "hostname"),
		c("g", "reload", "bogus"), c("g", "reload", "conf", "extra"),

		// networking and radio
		c("networking"), c("n"), c("-t", "networking"), c("-p", "networking"), c("-m", "multiline", "n"),
		c("-f", "NETWORKING", "networking"), c("-f", "STATE", "networking"), c("networking", "help"),
		c("networking", "connectivity"), c("n", "c"), c("-p", "networking", "connectivity"),
		c("networking", "connectivity", "bogus"), c("networking", "on", "help"), c("networking", "bogus"),
		c("radio"), c("r"), c("radio", "all"), c("-t", "radio"), c("-p", "radio"), c("radio", "wifi"),
		c("radio", "wwan"), c("-p", "radio", "wifi"), c("-f", "WIFI", "radio", "wifi"),
		c("-f", "WWAN", "radio", "wifi"), c("radio", "wifi", "maybe"), c("radio", "all", "x"),
		c("radio", "help"), c("radio", "wifi", "help"), c("radio", "bogus"),

		// device
		c("d"), c("device"), c("d", "status"), c("-t", "d"), c("-p", "d"), c("-m", "multiline", "d"),
		c("-p", "-m", "multiline", "d"), c("-t", "-m", "multiline", "d"), c("-f", "all", "d"),
		c("-t", "-f", "all", "d"), c("-p", "-f", "all", "d"), c("-f", "DEVICE,DBUS-PATH", "d"),
		c("-g", "DEVICE,STATE", "d"), c("-f", "bogus", "d"), c("-f", "DEVICE.x", "d"),
		c("--color", "yes", "d"), c("--color", "yes", "-t", "d"), c("d", "status", "extra"),
		c("d", "help"), c("d", "status", "help"), c("d", "show", "help"), c("d", "wifi", "help"),
		c("d", "connect", "help"), c("d", "set", "help"), c("d", "lldp", "help"), c("d", "checkpoint", "help"),
		c("d", "show"), c("-m", "tabular", "d", "show"), c("-t", "d", "show"), c("-p", "d", "show"),
		c("-f", "all", "d", "show"), c("-f", "all", "-t", "d", "show"), c("-f", "all", "-p", "d", "show", "br0"),
		c("d", "show", "eth1"), c("d", "show", "eth2"), c("d", "show", "eth3"), c("d", "show", "lo"),
		c("d", "show", "br0"), c("d", "show", "eth6"), c("-f", "all", "d", "show", "eth3"),
		c("-f", "all", "-m", "tabular", "d", "show", "eth1"), c("-p", "-m", "tabular", "d", "show", "eth1"),
		c("-f", "GENERAL", "d", "show", "lo"), c("-m", "tabular", "-f", "GENERAL", "d", "show", "lo"),
		c("-f", "GENERAL.DEVICE,IP4", "d", "show", "eth1"),
		c("-m", "tabular", "-f", "GENERAL.DEVICE,IP4", "d", "show", "eth1"),
		c("-f", "IP4.ADDRESS", "d", "show", "eth2"), c("-f", "ip4.address,ip6", "d", "show", "eth1"),
		c("-f", "IP4.foo", "d", "show", "eth2"), c("-f", "foo", "d", "show", "eth2"),
		c("-f", "BRIDGE", "d", "show", "br0"), c("-f", "BRIDGE.SLAVES", "d", "show", "br0"),
		c("-m", "tabular", "-f", "BRIDGE", "d", "show", "br0"), c("-t", "-f", "BRIDGE,GENERAL.DEVICE", "d", "show", "br0"),
		c("-f", "DHCP4", "d", "show", "eth3"), c("-t", "-f", "DHCP4", "d", "show", "eth3"),
		c("-f", "CONNECTIONS", "d", "show", "eth6"), c("-m", "tabular", "-f", "CONNECTIONS", "d", "show", "eth6"),
		c("-f", "CAPABILITIES,INTERFACE-FLAGS", "d", "show", "eth1"), c("-f", "WIFI-PROPERTIES,AP", "d", "show", "eth1"),
		c("-g", "GENERAL.STATE", "d", "show", "eth1"), c("-g", "IP4.ADDRESS", "d", "show", "eth2"),
		c("--color", "yes", "d", "show", "eth1"), c("-o", "d", "show", "eth1"), c("-o", "-f", "all", "d", "show", "eth6"),
		c("d", "show", "nosuchdev"), c("d", "show", "eth1", "extra"), c("-f", "AP", "-mode", "multiline", "-p", "d", "show", "wlan0"),
		c("d", "lldp"), c("d", "lldp", "list"), c("d", "lldp", "list", "ifname", "eth1"), c("d", "lldp", "list", "ifname"),
		c("d", "lldp", "list", "ifname", "nosuch"), c("d", "lldp", "bogus"), c("-f", "bogus", "d", "lldp"),
		c("d", "wifi"), c("d", "wifi", "list"), c("d", "wifi", "list", "ifname", "eth1"),
		c("d", "wifi", "list", "ifname", "nosuch"), c("d", "wifi", "list", "bssid", "00:11:22:33:44:55"),
		c("d", "wifi", "list", "--rescan", "bogus"), c("d", "wifi", "list", "ifname"), c("-f", "bogus", "d", "wifi"),
		c("d", "wifi", "connect", "foo"), c("d", "wifi", "connect"), c("d", "wifi", "connect", "foo", "bssid", "bad"),
		c("d", "wifi", "connect", "foo", "wep-key-type", "bad"), c("d", "wifi", "connect", "foo", "extra"),
		c("d", "wifi", "connect", "00:11:22:33:44:55", "bssid", "00:11:22:33:44:66"),
		c("d", "wifi", "connect", "this-ssid-is-longer-than-thirty-two-bytes"), c("d", "wifi", "rescan"),
		c("d", "wifi", "rescan", "ifname", "eth1"), c("d", "wifi", "rescan", "ifname", "a", "ifname", "b"),
		c("d", "wifi", "hotspot"), c("d", "wifi", "hotspot", "band", "x"), c("d", "wifi", "hotspot", "channel", "3"),
		c("d", "wifi", "hotspot", "band", "bg", "channel", "99"), c("d", "wifi", "hotspot", "ssid", "123456789012345678901234567890123"),
		c("d", "wifi", "show-password"), c("d", "wifi", "show-password", "ifname", "eth1"), c("d", "wifi", "bogus"),
		c("d", "connect"), c("d", "connect", "nosuch"), c("d", "connect", "eth1", "extra"), c("d", "reapply"),
		c("d", "reapply", "nosuch"), c("d", "disconnect"), c("d", "disconnect", "nosuch"), c("d", "delete", "nosuch"),
		c("d", "set"), c("d", "set", "eth1"), c("d", "set", "nosuch", "managed", "yes"), c("d", "set", "eth1", "bogus", "yes"),
		c("d", "set", "eth1", "managed"), c("d", "set", "eth1", "managed", "maybe"), c("d", "set", "eth1", "managed", "o"),
		c("d", "monitor", "nosuch"), c("d", "checkpoint"), c("d", "checkpoint", "--timeout", "x"),
		c("d", "checkpoint", "nosuch", "--", "true"),

		// connection
		c("c"), c("connection"), c("c", "show"), c("c", "s", "--active"), c("c", "s", "-a"), c("c", "s", "--order", "name"),
		c("c", "s", "--order", "-name"), c("c", "s", "--order", "+type:-path"), c("c", "s", "--order", "active:name:active"),
		c("c", "s", "--order", "bogus"), c("c", "s", "--order"), c("c", "s", "--order", ":"),
		c("-f", "all", "c"), c("-t", "-f", "all", "c"), c("-g", "NAME,UUID", "c"), c("-g", "NAME", "c", "s", "--active"),
		c("-f", "NAME,TYPE,DEVICE,ACTIVE,STATE", "c"), c("-f", "NAME,SLAVE,FILENAME,DBUS-PATH", "c"),
		c("-f", "NAME,AUTOCONNECT,AUTOCONNECT-PRIORITY,READONLY", "c"), c("-f", "NAME,TIMESTAMP", "c"),
		c("-f", "NAME,ACTIVE-PATH", "c", "s", "--active"), c("-p", "c"), c("-p", "-m", "multiline", "c"),
		c("-m", "multiline", "c"), c("-t", "-m", "multiline", "c"), c("-e", "no", "-t", "c"), c("-e", "yes", "-t", "c"),
		c("-t", "-f", "NAME", "c"), c("-f", "NAME.foo", "c"), c("-f", "all,NAME", "c"), c("-f", "", "c"),
		c("--color", "yes", "c"), c("--color", "yes", "-p", "c"), c("--color", "yes", "-t", "c"),
		c("c", "help"), c("c", "show", "help"), c("c", "up", "help"), c("c", "down", "help"), c("c", "add", "help"),
		c("c", "modify", "help"), c("c", "delete", "help"), c("c", "monitor", "help"), c("c", "reload", "help"),
		c("c", "load", "help"), c("c", "import", "help"), c("c", "export", "help"), c("c", "clone", "help"),
		c("c", "edit", "help"), c("c", "migrate", "help"),
		c("-f", "active", "c", "show", "static-eth1"), c("-f", "GENERAL", "c", "show", "static-eth1"),
		c("-f", "GENERAL,IP4,IP6", "c", "show", "id", "static-eth1"), c("-f", "IP4", "c", "show", "many:addrs\\eth2"),
		c("-f", "GENERAL.STATE", "c", "show", "uuid", UUIDBridge), c("-f", "active", "c", "show", "--active"),
		c("-f", "active", "-t", "c", "show", "dhcp-eth3"), c("-f", "active", "-p", "c", "show", "dhcp-eth3"),
		c("-f", "active", "-m", "tabular", "c", "show", "br0"), c("-f", "DHCP4", "c", "show", "dhcp-eth3"),
		unsupported("-f", "GENERAL.NAME,VPN", "c", "show", "corp vpn"), c("-f", "active", "c", "show", NameUnicode),
		c("-f", "GENERAL", "c", "show", "path", "/org/freedesktop/NetworkManager/Settings/1"),
		c("-f", "GENERAL.UUID", "c", "show", "path", "2"), c("-f", "GENERAL.NAME", "c", "show", "apath", "2"),
		c("-f", "GENERAL.NAME", "c", "show", "/org/freedesktop/NetworkManager/ActiveConnection/2"),
		c("-f", "bogus", "c", "show", "br0"), c("-f", "GENERAL", "c", "show", "id"), c("c", "show", "nosuch"),
		c("-f", "active", "c", "show", "static-eth1", "br0"), c("-f", "active", "c", "show", "--active", "spare"),
		c("c", "up"), c("c", "up", "nosuch"), c("c", "up", "uuid"), c("c", "up", "id", "spare", "extra"),
		c("c", "up", "ifname"), c("c", "up", "ifname", "nosuch"), c("c", "up", "static-eth1", "ifname", "eth6"),
		c("c", "up", "static-eth1", "ifname", "nosuch"), c("c", "up", "spare", "passwd-file", "/nonexistent"),
		c("c", "up", "corp vpn", "ifname", "eth6"), c("c", "down"), c("c", "down", "nosuch"), c("c", "down", "spare"),
		c("c", "down", "id"), c("c", "delete"), c("c", "delete", "nosuch"), c("c", "delete", "id", "nosuch", "uuid", "x"),
		c("c", "monitor", "nosuch"), c("c", "load"), c("c", "bogus"),
		unsupported("c", "add", "type", "ethernet", "ifname", "eth9"), unsupported("c", "modify", "spare", "ipv4.method", "auto"),
		unsupported("c", "clone", "spare", "spare2"), unsupported("c", "show", "spare"), unsupported("-f", "all", "c", "show", "spare"),
		unsupported("d", "modify", "eth1", "ipv4.dns", "1.1.1.1"), unsupported("c", "export", "spare"),

		// agents, monitors
		c("agent", "help"), c("a", "secret", "help"), c("agent", "polkit", "help"), c("agent", "bogus"),
		c("monitor", "help"), c("monitor", "bogus"), c("m", "x"),

		// completion
		c("--complete-args"), c("--complete-args", ""), c("--complete-args", "c"), c("--complete-args", "d"),
		c("--complete-args", "-"), c("--complete-args", "--m"), c("--complete-args", "--mode", "tab"),
		c("--complete-args", "--mode=m"), c("--complete-args", "--colors", ""), c("--complete-args", "-e", "n"),
		sorted("--complete-args", "--fields", "NAME,U"), sorted("--complete-args", "-f", "S"),
		c("--complete-args", "d", "show", "e"), c("--complete-args", "c", "show", "st"),
		c("--complete-args", "c", "s", "--a"), c("--complete-args", "c", "up", "ifname", "e"),
		c("--complete-args", "c", "down", ""), c("--complete-args", "c", "delete", "id", ""),
		c("--complete-args", "c", "delete", "uuid", "5f8f0b1e-0000-4000-8000-00000000000"),
		c("--complete-args", "c", "delete", "path", ""), c("--complete-args", "d", "set", "eth1", ""),
		c("--complete-args", "d", "set", "eth1", "managed", ""), c("--complete-args", "g", "logging", "level", ""),
		c("--complete-args", "g", "logging", "domains", "D"), c("--complete-args", "g", "reload", ""),
		c("--complete-args", "networking", "connectivity", ""), c("--complete-args", "radio", "wifi", ""),
		c("--complete-args", "d", "wifi", ""), c("--complete-args", "c", "load", "foo"),
		c("--complete-args", "c", "up", "passwd-file", "foo"), c("--complete-args", "g", ""),
		c("--complete-args", "d", "lldp", "list", "ifname", "e"), c("--complete-args", "c", "s", "--order", "x"),
		c("--complete-args", "a", ""), c("--complete-args", "c", "up", "spare", ""),
	}
	// --ask reads what is missing from stdin; readline shows the line, and
	// the end of input ends nmcli (exit 1, no message).
	for _, in := range []string{"", "eth9", "\n", "eth9\n"} {
		cs = append(cs, Case{Args: []string{"--ask", "d", "connect"}, Stdin: in})
	}
	cs = append(cs, Case{Args: []string{"--ask", "c", "down"}, Stdin: "\n"}, Case{Args: []string{"--ask", "c", "up"}, Stdin: "nosuch\n"},
		Case{Args: []string{"--ask", "c", "delete"}, Stdin: ""}, Case{Args: []string{"-a", "d", "wifi", "connect"}, Stdin: "\n"},
		Case{Args: []string{"--ask", "d", "disconnect"}, Stdin: "nosuch other\n"})
	// The C locale: nmcli prints '?' for characters ASCII cannot hold.
	cs = append(cs, withEnv("LANG=C", c("c"), c("-t", "c"), c("-f", "NAME", "c"), c("d", "show", "eth6"))...)
	// Colors from terminal-colors.d and NO_COLOR.
	cs = append(cs, withEnv("NO_COLOR=1", c("--color", "auto", "d"), c("--color", "yes", "d"))...)
	return append(cs, OnlineOptionCases()...)
}

// OnlineOptionCases are nm-online's option parsing (GLib's rules) against
// a daemon that is online.
func OnlineOptionCases() []Case {
	cs := []Case{
		online(), online("-s"), online("-q"), online("-x"), online("-sx"), online("-xsq"), online("-t", "5"),
		online("-t5"), online("-t", ""), online("-t", " 7"), online("-t", "7 "), online("-t", "0x10"),
		online("-t", "010"), online("-t", "08"), online("-t", "0x"), online("-t", "+5"), online("-t", "-0"),
		online("-t", "-5"), online("-t", "0"), online("-t", "2073600"), online("-t", "2073601"),
		online("-t", "2147483648"), online("-t", "99999999999"), online("-t"), online("-t", "3", "-t", "4"),
		online("-tq", "5"), online("-tt", "5", "6"), online("-t=5"), online("-t", "-h"), online("--timeout", "5"),
		online("--timeout=010"), online("--timeout="), online("--timeout"), online("--tim", "5"),
		online("--quiet=1"), online("-q="), online("foo", "bar"), online("-"), online("--", "-Z"),
		online("-h"), online("--help"), online("-?"), online("--help-all"), online("--help=x"), online("--help-foo"),
		online("-qh"), online("-h", "-Z"), online("-Z", "-h"), online("-Z"), online("---q"),
	}
	cs = append(cs, withEnv("LANG=C", online("--help"))...)
	for _, v := range []string{"12", " 13\t", "+14", "012", "0x10", "-1", "0", "2147483647", "2147483648", "9 9", ""} {
		cs = append(cs, withEnv("NM_ONLINE_TIMEOUT="+v, online())...)
	}
	return cs
}

// NotRunningCases run while NetworkManager is not running (its bus is up).
func NotRunningCases() []Case {
	cs := []Case{
		c(), c("g"), c("-t", "g"), c("-f", "all", "g"), c("-m", "multiline", "g"), c("g", "permissions"),
		c("g", "logging"), c("g", "hostname"), c("g", "hostname", "box"), c("g", "logging", "level", "info"),
		c("g", "reload"), c("n"), c("n", "connectivity"), c("n", "connectivity", "check"), c("n", "on"), c("r"),
		c("r", "wifi"), c("r", "wifi", "on"), c("d"), c("d", "show"), c("d", "show", "eth0"),
		c("d", "connect", "eth0"), c("d", "disconnect", "eth0"), c("d", "set", "eth0", "managed", "no"),
		c("d", "wifi"), c("d", "wifi", "rescan"), c("d", "lldp"), c("d", "checkpoint"), c("c"), c("c", "show"),
		c("c", "show", "--active"), c("-f", "active", "c", "show", "foo"), c("c", "up", "foo"),
		c("c", "up", "ifname", "eth0"), c("c", "down", "foo"), c("c", "delete", "foo"), c("c", "reload"),
		c("c", "load", "/nonexistent"), c("--complete-args", "c", "up", ""), c("--complete-args", "d", "show", ""),
		{Args: []string{"monitor"}, Interrupt: time.Second}, {Args: []string{"d", "monitor"}, Interrupt: time.Second},
		{Args: []string{"c", "monitor"}, Interrupt: time.Second}, {Args: []string{"agent", "secret"}, Interrupt: time.Second},
		online("-x"), online("-q", "-x"), online("-s", "-x"), online("-sqx"), online("-t", "0"), online("-x", "-t", "0"),
		online("-q", "-t", "1"), online("-s", "-q", "-t", "1"),
		{Program: "nm-online", Args: []string{"-t", "2"}, Progress: true},
		{Program: "nm-online", Args: []string{"-s", "-t", "1"}, Progress: true},
	}
	return cs
}

// UnreachableBusCases run with DBUS_SYSTEM_BUS_ADDRESS pointing nowhere
// or malformed.
func UnreachableBusCases() []Case {
	var cs []Case
	for _, addr := range []string{"unix:path=/nonexistent", "", "garbage", ":path=/x", "foo:path=/x", "unix:path",
		"unix:=x", "unix:", "unix:path=/x,abstract=y", "unix:path=/x%zz", "unix:path=", "unix:path=/nonexistent,",
		"tcp:", "nonce-tcp:host=127.0.0.1", "launchd:env=X", "garbage;unix:path=/nonexistent",
		"unix:path=/nonexistent;garbage", "unix:path=/nonexistent;;", "unix:dir=/tmp"} {
		cs = append(cs, withEnv("DBUS_SYSTEM_BUS_ADDRESS="+addr, c("g"), online())...)
	}
	cs = append(cs, withEnv("DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent",
		c(), c("c"), c("d", "show"), c("g", "reload"), c("c", "reload"), c("c", "load", "/x"),
		c("g", "logging", "level", "info"), c("--complete-args", "c", "up", ""),
		c("monitor"), online("-x"), online("-q"), online("-s"))...)
	return cs
}

// FreshDaemonCases run read-only against a daemon that just started with
// no links and no profiles of the suite's.
func FreshDaemonCases() []Case {
	return []Case{
		c(), c("g"), c("-t", "g"), c("-f", "all", "g"), c("-p", "g", "permissions"), c("g", "logging"),
		c("g", "hostname"), c("n"), c("n", "connectivity"), c("r"), c("d"), c("d", "show"), c("-f", "all", "d"),
		c("-p", "d", "show", "lo"), c("c"), c("c", "show", "--active"), c("-f", "all", "c"),
		c("--complete-args", "c", "up", ""), c("--complete-args", "d", "show", ""), c("c", "up", "nosuch"),
		c("d", "connect", "nosuch"), c("d", "wifi"), c("d", "lldp"),
		{Args: []string{"monitor"}, Interrupt: time.Second}, {Args: []string{"d", "monitor"}, Interrupt: time.Second},
		{Program: "nm-online", Args: []string{"-t", "2"}, Progress: true}, online("-s"), online("-x"),
		online("-q", "-t", "0"),
	}
}
