package nmclitest

import (
	"strings"
)

// Case is one command line of the suite.
type Case struct {
	Args  []string
	Env   []string
	Stdin string
	// SortStdout compares stdout as a set of lines: nmcli leaves the
	// order to a hash table (completion of -f values).
	SortStdout bool
	// Overview146 expects the reference's output with NetworkManager
	// 1.46's limit of ten addresses and routes in the overview, which
	// gonm's nmcli follows.
	Overview146 bool
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
	b.WriteString("nmcli")
	for _, a := range c.Args {
		if a == "" || strings.ContainsAny(a, " \t'\"\\:") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		b.WriteString(" " + a)
	}
	return b.String()
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
	// The C locale: nmcli prints '?' for characters ASCII cannot hold.
	cs = append(cs, withEnv("LANG=C", c("c"), c("-t", "c"), c("-f", "NAME", "c"), c("d", "show", "eth6"))...)
	// Colors from terminal-colors.d and NO_COLOR.
	cs = append(cs, withEnv("NO_COLOR=1", c("--color", "auto", "d"), c("--color", "yes", "d"))...)
	return cs
}
