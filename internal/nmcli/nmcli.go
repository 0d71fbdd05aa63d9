// Package nmcli is gonm's nmcli: NetworkManager 1.42's command tree with
// its unambiguous-prefix matching, global options, help at every level and
// shell completion (--complete-args), and the commands that print or
// change NetworkManager's state through internal/client, with output,
// messages and exit codes as NetworkManager's nmcli produces them.
// Rendering is internal/nmcli/format's. Commands that need the settings
// schema (connection add/modify/clone/edit/import/export and the profile
// sections of "connection show ID") answer "not supported yet". It may
// call internal/client, internal/nmcli/format, internal/loop and
// internal/version.
package nmcli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/nmcli/format"
	"github.com/gonm/gonm/internal/version"
)

// Exit codes (NMCResultCode).
const (
	ExitSuccess          = 0
	ExitUnknown          = 1
	ExitUserInput        = 2
	ExitTimeout          = 3
	ExitConActivation    = 4
	ExitConDeactivation  = 5
	ExitDevDisconnect    = 6
	ExitConDelete        = 7
	ExitNMNotRunning     = 8
	ExitVersionsMismatch = 9
	ExitNotFound         = 10
	ExitCompleteFile     = 65
)

// Version is the version nmcli reports and compares with the daemon's.
var Version = version.NetworkManager

// Env is what nmcli takes from its process: arguments, streams and
// environment, so tests can run it in-process.
type Env struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// LookupEnv reads an environment variable (os.LookupEnv in Main).
	LookupEnv func(string) (string, bool)
	// IsTerminal reports whether stdout is a terminal (colors "auto").
	IsTerminal bool
	// NoSignals keeps nmcli from handling SIGINT/SIGTERM (in-process
	// tests).
	NoSignals bool
	// NoPager never spawns a pager (in-process tests).
	NoPager bool
	// BusAddress replaces the system bus (DBUS_SYSTEM_BUS_ADDRESS or its
	// default) when not empty; in-process tests point it at their bus or
	// at nothing.
	BusAddress string
}

// App is one run of nmcli (NetworkManager's NmCli).
type App struct {
	env    Env
	out    *localeWriter
	errOut *localeWriter
	stdout io.Writer
	stderr io.Writer

	loop   *loop.Loop
	quitFn context.CancelFunc
	done   bool

	client *client.Client
	// silentExit is set when input ended at a prompt (exitAtPrompt).
	silentExit bool

	returnValue int
	returnText  string
	shouldWait  int
	nowait      bool
	timeout     int

	modeSpecified bool
	offline       bool
	ask           bool
	complete      bool
	showSecrets   bool
	cfg           format.Config
	printer       *format.Printer
	// requiredFields is -f/-g; nil when not given.
	requiredFields *string

	pager  *pager
	agent  *secretAgent
	polkit *polkitListener
	// progress is the pretty mode's spinner timer.
	progress *loop.Timer
	// passwords are the secrets of --passwd-file, by "setting.property".
	passwords       map[string]string
	stdin           *bufio.Reader
	wifiListPrinted bool
}

// Main runs nmcli in this process and returns its exit status.
func Main() int {
	return Run(Env{
		Args:       os.Args,
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		LookupEnv:  os.LookupEnv,
		IsTerminal: isTerminal(os.Stdout),
	})
}

// Run runs nmcli with env.
func Run(env Env) int {
	if env.LookupEnv == nil {
		env.LookupEnv = func(string) (string, bool) { return "", false }
	}
	a := &App{env: env, timeout: -1, nowait: true, returnText: "Success"}
	utf8 := localeIsUTF8(a.getenv)
	a.out = &localeWriter{w: env.Stdout, utf8: utf8}
	a.errOut = &localeWriter{w: env.Stderr, utf8: utf8}
	a.stdout, a.stderr = a.out, a.errOut
	a.cfg = format.Config{Output: format.Normal, Escape: true, Palette: format.DefaultPalette()}
	a.printer = &format.Printer{Cfg: &a.cfg, W: writerFunc(func(p []byte) (int, error) { return a.stdout.Write(p) }),
		BeforeOutput: a.spawnPager}
	a.loop = loop.New()
	ctx, cancel := context.WithCancel(context.Background())
	a.quitFn = cancel
	defer cancel()

	if !env.NoSignals {
		sigs := make(chan os.Signal, 2)
		signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
		defer signal.Stop(sigs)
		go func() {
			for s := range sigs {
				sig := s.(syscall.Signal)
				a.loop.Post(func() { a.onSignal(sig) })
			}
		}()
	}

	if a.processCommandLine(env.Args) && !a.silentExit {
		a.loop.Run(ctx)
	}
	if a.silentExit {
		// nmcli's nmc_exit(): end of input at a prompt leaves at once.
		a.cleanup()
		return ExitUnknown
	}
	if a.printer.JSON() {
		if err := a.printer.FinishJSON(); err != nil && a.returnValue == ExitSuccess {
			a.setError(ExitUnknown, "Error: "+err.Error())
		}
	}
	if a.complete {
		if a.returnValue < ExitCompleteFile {
			a.returnValue = ExitSuccess
		}
	} else if a.returnValue != ExitSuccess {
		a.printErr(a.returnText + "\n")
	}
	a.cleanup()
	return a.returnValue
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// getenv is g_getenv(): "" for unset and empty alike.
func (a *App) getenv(k string) string {
	v, _ := a.env.LookupEnv(k)
	return v
}

func (a *App) print(s string)    { io.WriteString(a.stdout, s) }
func (a *App) printErr(s string) { io.WriteString(a.stderr, s) }

func (a *App) printf(format string, args ...any) { a.print(fmt.Sprintf(format, args...)) }

func (a *App) printErrf(format string, args ...any) { a.printErr(fmt.Sprintf(format, args...)) }

// setError records the exit status and the message printed at exit.
func (a *App) setError(code int, text string) {
	a.returnValue = code
	a.returnText = text
}

func (a *App) setErrorf(code int, format string, args ...any) {
	a.setError(code, fmt.Sprintf(format, args...))
}

// exitAtPrompt is nmcli's reaction to the end of input at a prompt: it
// exits with status 1 at once, printing nothing more.
func (a *App) exitAtPrompt() {
	a.silentExit = true
	a.quit()
}

// quit ends the main loop after the current work.
func (a *App) quit() {
	a.done = true
	a.quitFn()
}

func (a *App) onSignal(sig syscall.Signal) {
	a.returnValue = 0x80 + int(sig)
	a.returnText = fmt.Sprintf("Error: nmcli terminated by signal %s (%d)", signalName(sig), int(sig))
	a.quit()
}

// signalName is strsignal()'s text for the signals nmcli handles.
func signalName(sig syscall.Signal) string {
	switch sig {
	case syscall.SIGINT:
		return "Interrupt"
	case syscall.SIGTERM:
		return "Terminated"
	}
	s := sig.String()
	if s != "" {
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return "Signal " + strconv.Itoa(int(sig))
}

func (a *App) cleanup() {
	if a.agent != nil {
		a.agent.unregister()
	}
	if a.client != nil {
		a.client.Close()
	}
	if a.pager != nil {
		a.pager.finish()
	}
}

// commandDone runs after a command handler returned, like nmcli's task
// callback: unless the handler waits for something, nmcli exits.
func (a *App) commandDone() {
	a.loop.Post(func() {
		if a.shouldWait == 0 {
			a.quit()
		}
	})
}

// cmdErr ends a command with an error before its handler ran.
func (a *App) cmdErr(code int, text string) {
	a.setError(code, text)
	a.commandDone()
}
