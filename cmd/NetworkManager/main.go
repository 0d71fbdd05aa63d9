// Command NetworkManager is gonm's daemon: a drop-in for NetworkManager
// with the same bus name, D-Bus API, configuration and profiles. This file
// only wires the layers of internal/ together; see docs/ARCHITECTURE.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/gonm/gonm/internal/config"
	"github.com/gonm/gonm/internal/logging"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/version"
)

const (
	defaultRunDir   = "/run/NetworkManager"
	defaultStateDir = "/var/lib/NetworkManager"
	defaultLibDir   = "/usr/lib/NetworkManager"
	defaultPidFile  = defaultRunDir + "/NetworkManager.pid"
	busName         = "org.freedesktop.NetworkManager"
)

// Exit statuses, as NetworkManager uses them.
const (
	exitOK            = 0
	exitFailure       = 1
	exitInvalidConfig = 7
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	if err := o.parse(args); err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailure
	}
	if o.help {
		o.printHelp(stdout)
		return exitOK
	}
	if o.version {
		fmt.Fprintf(stdout, "%s (gonm %s)\n", version.NetworkManager, version.Release)
		return exitOK
	}
	o.applyDefaults()

	paths := config.Paths{
		ConfigFile:        o.config,
		ConfigDir:         o.configDir,
		SystemConfigDir:   o.systemConfigDir,
		RunConfigDir:      filepath.Join(o.runDir, "conf.d"),
		InternConfig:      o.internConfig,
		NoAutoDefaultFile: filepath.Join(o.stateDir, "no-auto-default.state"),
	}
	cfg, err := config.Load(paths)
	if err != nil {
		fmt.Fprintf(stderr, "Failed to read configuration: %v\n", err)
		return exitInvalidConfig
	}
	if o.printConfig {
		printConfig(stdout, cfg)
		return exitOK
	}

	_, underJournal := os.LookupEnv("JOURNAL_STREAM")
	logs := logging.New(logging.NewOutput(stderr, o.debug || !underJournal))
	if err := configureLogging(logs, cfg, &o); err != nil {
		fmt.Fprintf(stderr, "%v.  Please use --help to see a list of valid options.\n", err)
		return exitFailure
	}

	if !o.noDaemon && !o.debug {
		return daemonize(args, &o, stderr)
	}

	core := logs.For(logging.Core, "")
	core.Info(fmt.Sprintf("NetworkManager (version %s) is starting... (gonm %s)", version.NetworkManager, version.Release))
	core.Info("Read config: " + cfg.Description)

	err = serve(logs, cfg, paths, &o)
	if err != nil {
		core.Info("exiting (error)")
		return exitFailure
	}
	core.Info("exiting (success)")
	return exitOK
}

func (o *options) applyDefaults() {
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
	}
	def(&o.runDir, defaultRunDir)
	def(&o.stateDir, defaultStateDir)
	def(&o.libDir, defaultLibDir)
	def(&o.systemConfigDir, filepath.Join(o.libDir, "conf.d"))
	def(&o.stateFile, filepath.Join(o.stateDir, "NetworkManager.state"))
	def(&o.internConfig, filepath.Join(o.stateDir, "NetworkManager-intern.conf"))
	def(&o.pidFile, filepath.Join(o.runDir, "NetworkManager.pid"))
	def(&o.hostnameFile, "/etc/hostname")
}

// configureLogging applies [logging] level/domains, then the command line,
// which wins.
func configureLogging(logs *logging.Logging, cfg *config.Config, o *options) error {
	level, _ := cfg.String("logging", "level")
	domains, _ := cfg.String("logging", "domains")
	if o.logLevel != "" {
		level = o.logLevel
	}
	if o.logDomains != "" {
		domains = o.logDomains
	}
	if level == "" && domains == "" {
		return nil
	}
	return logs.Set(level, domains)
}

func printConfig(w io.Writer, cfg *config.Config) {
	cfg.Print(w)
}

// daemonize runs the daemon detached in a new session, as NetworkManager
// forks into the background without --no-daemon. Go cannot fork safely, so
// the daemon is this program started again with --no-daemon.
func daemonize(args []string, o *options, stderr io.Writer) int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "cannot find own executable to daemonize: %v\n", err)
		return exitFailure
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitFailure
	}
	cmd := exec.Command(self, append([]string{"--no-daemon"}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, devnull, devnull
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "could not daemonize: %v\n", err)
		return exitFailure
	}
	if err := os.WriteFile(o.pidFile, fmt.Appendf(nil, "%d\n", cmd.Process.Pid), 0o644); err != nil {
		fmt.Fprintf(stderr, "could not write pid file %s: %v\n", o.pidFile, err)
	}
	return exitOK
}

// serve connects to the system bus, exports the objects, owns
// NetworkManager's name and runs the loop until SIGTERM or SIGINT. SIGHUP
// reloads the configuration, as in NetworkManager.
func serve(logs *logging.Logging, cfg *config.Config, paths config.Paths, o *options) error {
	l := loop.New()
	plat, err := startPlatform(l, logs)
	if err != nil {
		logs.For(logging.Platform, "platform").Error(err.Error())
		return err
	}
	defer plat.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	configs := newConfigHolder(cfg, logs.For(logging.Core, "config"))
	b, err := startBus(l, logs, configs, o)
	if err != nil {
		return err
	}
	if err := b.acquireName(logs); err != nil {
		b.conn.Close()
		return err
	}

	var dd *daemonDevices
	l.Post(func() { dd = startDevices(l, plat, b, configs, logs, o) })
	watchSIGHUP(ctx, l, configs)
	l.Run(ctx)
	logs.For(logging.Core, "").Info("caught signal, shutting down normally.")
	if dd != nil {
		dd.stop()
	}
	b.stop(logs)
	return nil
}
