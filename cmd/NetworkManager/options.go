package main

import (
	"fmt"
	"io"
	"strings"
)

// options are NetworkManager's command-line options, plus --run-dir,
// --state-dir, --lib-dir and --hostname-file, which gonm adds so that every
// path the daemon touches can be moved (NetworkManager compiles them in).
type options struct {
	help, version, noDaemon, debug, printConfig, configureAndQuit bool
	config, configDir, systemConfigDir, internConfig, stateFile   string
	pidFile, plugins, logLevel, logDomains                        string
	runDir, stateDir, libDir, hostnameFile                        string
}

type optDef struct {
	long, short string
	arg         string // placeholder shown in --help; empty for a flag
	help        string
	flag        *bool
	value       *string
}

func (o *options) defs() []optDef {
	return []optDef{
		{long: "help", short: "h", help: "Show help options", flag: &o.help},
		{long: "version", short: "V", help: "Print NetworkManager version and exit", flag: &o.version},
		{long: "no-daemon", short: "n", help: "Don't become a daemon", flag: &o.noDaemon},
		{long: "log-level", arg: "INFO", help: "Log level: one of [TRACE,DEBUG,INFO,WARN,ERR,OFF,KEEP]", value: &o.logLevel},
		{long: "log-domains", arg: "PLATFORM,RFKILL,WIFI", help: "Log domains separated by ','", value: &o.logDomains},
		{long: "pid-file", short: "p", arg: defaultPidFile, help: "Specify the location of a PID file", value: &o.pidFile},
		{long: "print-config", help: "Print NetworkManager configuration and exit", flag: &o.printConfig},
		{long: "config", arg: "/etc/NetworkManager/NetworkManager.conf", help: "Config file location", value: &o.config},
		{long: "config-dir", arg: "/etc/NetworkManager/conf.d", help: "Config directory location", value: &o.configDir},
		{long: "system-config-dir", arg: "/usr/lib/NetworkManager/conf.d", help: "System config directory location", value: &o.systemConfigDir},
		{long: "intern-config", arg: "/var/lib/NetworkManager/NetworkManager-intern.conf", help: "Internal config file location", value: &o.internConfig},
		{long: "state-file", arg: "/var/lib/NetworkManager/NetworkManager.state", help: "State file location", value: &o.stateFile},
		{long: "plugins", arg: "", help: "List of plugins separated by ','", value: &o.plugins},
		{long: "configure-and-quit", help: "Quit after initial configuration", flag: &o.configureAndQuit},
		{long: "debug", short: "d", help: "Don't become a daemon, and log to stderr", flag: &o.debug},
		{long: "run-dir", arg: defaultRunDir, help: "Runtime state directory (gonm)", value: &o.runDir},
		{long: "state-dir", arg: defaultStateDir, help: "Persistent state directory (gonm)", value: &o.stateDir},
		{long: "lib-dir", arg: defaultLibDir, help: "Read-only data directory (gonm)", value: &o.libDir},
		{long: "hostname-file", arg: "/etc/hostname", help: "Static hostname file, when systemd-hostnamed is not running (gonm)", value: &o.hostnameFile},
	}
}

// errUsage is an unknown option or a missing argument; the message follows
// GLib's option parser, which NetworkManager uses.
type errUsage struct{ msg string }

func (e *errUsage) Error() string {
	return e.msg + "  Please use --help to see a list of valid options."
}

// parse reads GLib-style options: --long, --long=value, --long value, -s,
// -s value, and grouped short flags (-nd). "--" ends the options.
func (o *options) parse(args []string) error {
	defs := o.defs()
	find := func(long, short string) *optDef {
		for i := range defs {
			if (long != "" && defs[i].long == long) || (short != "" && defs[i].short == short) {
				return &defs[i]
			}
		}
		return nil
	}
	// help-all and help-nm are GLib's group help options; they print the
	// same full list here.
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			if i+1 < len(args) {
				return &errUsage{fmt.Sprintf("Unknown option %s.", args[i+1])}
			}
			return nil
		case a == "--help-all" || a == "--help-nm":
			o.help = true
		case strings.HasPrefix(a, "--"):
			name, val, hasVal := strings.Cut(a[2:], "=")
			d := find(name, "")
			if d == nil {
				return &errUsage{fmt.Sprintf("Unknown option %s.", a)}
			}
			if d.flag != nil {
				if hasVal {
					return &errUsage{fmt.Sprintf("Unknown option %s.", a)}
				}
				*d.flag = true
				continue
			}
			if !hasVal {
				if i+1 >= len(args) {
					return &errUsage{fmt.Sprintf("Missing argument for %s", a)}
				}
				i++
				val = args[i]
			}
			*d.value = val
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for j := 1; j < len(a); j++ {
				d := find("", a[j:j+1])
				if d == nil {
					return &errUsage{fmt.Sprintf("Unknown option -%c.", a[j])}
				}
				if d.flag != nil {
					*d.flag = true
					continue
				}
				if j+1 < len(a) {
					*d.value = a[j+1:]
				} else if i+1 < len(args) {
					i++
					*d.value = args[i]
				} else {
					return &errUsage{fmt.Sprintf("Missing argument for -%c", a[j])}
				}
				break
			}
		default:
			return &errUsage{fmt.Sprintf("Unknown option %s.", a)}
		}
	}
	return nil
}

func (o *options) printHelp(w io.Writer) {
	fmt.Fprintf(w, "Usage:\n  NetworkManager [OPTION…]\n\n")
	fmt.Fprintf(w, "gonm's NetworkManager daemon: it manages network devices and connection\nprofiles and keeps the system connected, with NetworkManager's D-Bus API.\n\n")
	fmt.Fprintf(w, "Options:\n")
	for _, d := range o.defs() {
		left := "--" + d.long
		if d.short != "" {
			left = "-" + d.short + ", " + left
		}
		if d.value != nil {
			left += "=" + d.arg
		}
		fmt.Fprintf(w, "  %-70s %s\n", left, d.help)
	}
}
