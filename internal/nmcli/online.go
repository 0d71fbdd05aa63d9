package nmcli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/loop"
)

// nm-online's exit statuses.
const (
	onlineSuccess     = 0
	onlineOffline     = 1
	onlineError       = 2
	onlineClientStuck = 42
	onlinePending     = -1
)

const (
	// onlineSteps is the number of dots in the progress bar.
	onlineSteps = 15
	// onlineMaxTimeout is the largest timeout nm-online accepts, in
	// seconds (24 days).
	onlineMaxTimeout = 2073600
	// onlineDefaultTimeout applies without -t and NM_ONLINE_TIMEOUT.
	onlineDefaultTimeout = 30
	// onlineClientTimeout bounds loading NetworkManager's objects.
	onlineClientTimeout = 30 * time.Second
)

const onlineInvalidOption = "Invalid option.  Please use --help to see a list of valid options."

// online is one run of nm-online.
type online struct {
	out, errOut io.Writer
	quiet       bool
	waitStartup bool
	exitNoNM    bool

	start    time.Time
	end      time.Duration // from start
	stepDur  time.Duration
	retval   int
	loop     *loop.Loop
	quitLoop context.CancelFunc
	client   *client.Client
	timer    *loop.Timer
	busAddr  string
}

// OnlineMain runs nm-online with the process's arguments and environment
// and returns its exit status.
func OnlineMain() int {
	return RunOnline(Env{
		Args:      os.Args,
		Stdin:     os.Stdin,
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		LookupEnv: os.LookupEnv,
	})
}

// RunOnline runs nm-online: it waits until NetworkManager reports a
// connected state (or, with -s, the end of its startup) and returns 0, 1
// when the timeout passes first or, with -x, NetworkManager is not running
// or not connecting, and 2 on usage and bus errors.
func RunOnline(env Env) int {
	if env.LookupEnv == nil {
		env.LookupEnv = func(string) (string, bool) { return "", false }
	}
	getenv := func(k string) string { v, _ := env.LookupEnv(k); return v }
	utf8 := localeIsUTF8(getenv)
	o := &online{
		out:     &localeWriter{w: env.Stdout, utf8: utf8},
		errOut:  &localeWriter{w: env.Stderr, utf8: utf8},
		retval:  onlinePending,
		start:   time.Now(),
		busAddr: env.BusAddress,
	}
	argv0 := ""
	if len(env.Args) > 0 {
		argv0 = env.Args[0]
	}

	secs := onlineDefaultTimeout
	if v, ok := parseDecimalEnv(getenv("NM_ONLINE_TIMEOUT")); ok {
		secs = v
	}
	help, err := o.parseArgs(env.Args, &secs)
	if help {
		io.WriteString(o.out, onlineHelp(argv0))
		return onlineSuccess
	}
	if err != nil || secs < 0 || secs > onlineMaxTimeout {
		fmt.Fprintf(o.errOut, "%s: %s\n", argv0, onlineInvalidOption)
		return onlineError
	}
	if secs == 0 {
		o.quiet = true
	}
	o.end = time.Duration(secs) * time.Second
	o.stepDur = max(time.Millisecond, ((o.end + onlineSteps/2*time.Millisecond) / onlineSteps).Truncate(time.Millisecond))

	o.loop = loop.New()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o.quitLoop = cancel
	if o.startClient() {
		o.loop.Run(ctx)
	}
	if o.client != nil {
		o.client.Close()
	}
	if !o.quiet {
		o.printProgress(-1, max(0, o.end-time.Since(o.start)))
	}
	return o.retval
}

// parseArgs reads the options the way GLib's option parser does: in
// order, long options only by their full names, short options grouped,
// the timeout's value always the next argument, "--" ending the options
// and other arguments ignored. A help option ends parsing at once.
func (o *online) parseArgs(args []string, secs *int) (help bool, err error) {
	errInvalid := errors.New("invalid option")
	for i := 1; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--":
			return false, nil
		case strings.HasPrefix(arg, "--"):
			name, value, hasValue := strings.Cut(arg[2:], "=")
			switch name {
			case "help", "help-all":
				if hasValue {
					return false, errInvalid
				}
				return true, nil
			case "quiet":
				o.quiet = true
			case "wait-for-startup":
				o.waitStartup = true
			case "exit":
				o.exitNoNM = true
			case "timeout":
				if !hasValue {
					if i+1 >= len(args) {
						return false, errInvalid
					}
					i++
					value = args[i]
				}
				n, ok := parseCInt(value)
				if !ok {
					return false, errInvalid
				}
				*secs = n
			default:
				return false, errInvalid
			}
		case len(arg) > 1 && arg[0] == '-':
			next := i
			for _, c := range arg[1:] {
				switch c {
				case 'h', '?':
					return true, nil
				case 'q':
					o.quiet = true
				case 's':
					o.waitStartup = true
				case 'x':
					o.exitNoNM = true
				case 't':
					// One option of a group may take a value.
					if next != i || next+1 >= len(args) {
						return false, errInvalid
					}
					next++
					n, ok := parseCInt(args[next])
					if !ok {
						return false, errInvalid
					}
					*secs = n
				default:
					return false, errInvalid
				}
			}
			i = next
		}
	}
	return false, nil
}

// isCSpace is C's isspace() in the C locale.
func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// parseCInt parses an option value as strtol() with base 0 does (leading
// blanks, a sign, 0x for hexadecimal, a leading 0 for octal) and requires
// the whole string to be used and the value to fit an int.
func parseCInt(s string) (int, bool) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	base := int64(10)
	if i+2 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && digitValue(s[i+2]) < 16 {
		base = 16
		i += 2
	} else if i < len(s) && s[i] == '0' {
		base = 8
	}
	return accumulate(s[i:], base, neg, 1<<31-1, -(1 << 31))
}

// parseDecimalEnv parses NM_ONLINE_TIMEOUT: decimal, surrounding blanks
// allowed, 0 to INT_MAX; anything else is ignored.
func parseDecimalEnv(s string) (int, bool) {
	s = strings.TrimFunc(s, func(r rune) bool { return r < 0x80 && isCSpace(byte(r)) })
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n, ok := accumulate(s, 10, neg, 1<<31-1, -(1 << 31))
	if !ok || n < 0 {
		return 0, false
	}
	return n, true
}

func digitValue(c byte) int64 {
	switch {
	case c >= '0' && c <= '9':
		return int64(c - '0')
	case c >= 'a' && c <= 'f':
		return int64(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int64(c-'A') + 10
	}
	return 99
}

// accumulate reads digits (at least one, nothing else) in base and checks
// the signed result against [lo, hi].
func accumulate(s string, base int64, neg bool, hi, lo int64) (int, bool) {
	if s == "" {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		d := digitValue(s[i])
		if d >= base {
			return 0, false
		}
		v = v*base + d
		if v > hi+1 {
			return 0, false
		}
	}
	if neg {
		v = -v
	}
	if v > hi || v < lo {
		return 0, false
	}
	return int(v), true
}

func onlineHelp(argv0 string) string {
	prg := filepath.Base(argv0)
	if argv0 == "" {
		prg = "nm-online"
	}
	return "Usage:\n  " + prg + " [OPTION\u2026]\n\n" +
		"Waits for NetworkManager to finish activating startup network connections.\n\n" +
		"Help Options:\n" +
		"  -h, --help                  Show help options\n\n" +
		"Application Options:\n" +
		"  -q, --quiet                 Don't print anything\n" +
		"  -s, --wait-for-startup      Wait for NetworkManager startup instead of a connection\n" +
		"  -t, --timeout=<timeout>     Time to wait for a connection, in seconds (without the option, default value is 30). Maximum value is 2073600 seconds.\n" +
		"  -x, --exit                  Exit immediately if NetworkManager is not running or connecting\n\n"
}

// startClient loads NetworkManager's state and decides at once or starts
// waiting; it reports whether the loop has to run.
func (o *online) startClient() bool {
	ctx, cancel := context.WithTimeout(context.Background(), onlineClientTimeout)
	defer cancel()
	cl, err := client.New(ctx, o.loop, client.Options{Address: o.busAddr})
	if err != nil {
		o.quiet = true
		if ctx.Err() != nil {
			io.WriteString(o.errOut, "Error: timeout creating NMClient object\n")
			o.retval = onlineClientStuck
			return false
		}
		fmt.Fprintf(o.errOut, "Error: Could not create NMClient object: %s\n", glibConnectError(err))
		o.retval = onlineError
		return false
	}
	o.client = cl
	if o.check() {
		return false
	}
	cl.Subscribe(func(client.Event) {
		if o.retval == onlinePending {
			o.check()
		}
	})
	delay := time.Duration(0)
	if o.quiet {
		delay = max(0, o.end-time.Since(o.start))
	}
	o.timer = o.loop.AfterFunc(delay, o.tick)
	return true
}

// finish records the result and ends the loop.
func (o *online) finish(code int) {
	o.retval = code
	if o.timer != nil {
		o.timer.Stop()
	}
	o.quitLoop()
}

// check decides from the current state whether nm-online is done.
func (o *online) check() bool {
	cl := o.client
	state := client.StateUnknown
	if cl.Running() {
		state = cl.State()
	}
	switch {
	case !cl.Running():
		if o.exitNoNM {
			o.finish(onlineOffline)
			return true
		}
	case o.waitStartup:
		if !cl.Startup() {
			o.finish(onlineSuccess)
			return true
		}
	case state == client.StateConnectedLocal || state == client.StateConnectedSite || state == client.StateConnectedGlobal:
		o.finish(onlineSuccess)
		return true
	}
	if o.exitNoNM && state != client.StateConnecting {
		o.finish(onlineOffline)
		return true
	}
	return false
}

// tick redraws the progress bar and wakes up again at the next second or
// dot, whichever comes first; at the end of the timeout nm-online fails.
func (o *online) tick() {
	if o.retval != onlinePending {
		return
	}
	elapsed := time.Since(o.start).Truncate(time.Millisecond)
	remaining := o.end - elapsed
	if remaining <= 3*time.Millisecond {
		o.finish(onlineOffline)
		return
	}
	if !o.quiet {
		next := min(int(elapsed/o.stepDur)+1, onlineSteps)
		o.printProgress(next, remaining)
		rem := remaining % time.Second
		if rem <= 3*time.Millisecond {
			rem += time.Second
		}
		remaining = min(remaining, rem+10*time.Millisecond)
		rem = time.Duration(next)*o.stepDur - elapsed
		if rem <= 3*time.Millisecond {
			rem += o.stepDur
		}
		remaining = min(remaining, rem+10*time.Millisecond)
	}
	o.timer = o.loop.AfterFunc(remaining, o.tick)
}

// printProgress draws "\rConnecting" with a bar of dots, the seconds left
// and, at the end (step < 0), the result.
func (o *online) printProgress(step int, remaining time.Duration) {
	if step < 0 {
		step = onlineSteps
	}
	var b strings.Builder
	b.WriteString("\rConnecting")
	for i := 0; i < onlineSteps; i++ {
		if i < step {
			b.WriteByte('.')
		} else {
			b.WriteByte(' ')
		}
	}
	fmt.Fprintf(&b, " %4ds", (max(0, remaining.Milliseconds())+999)/1000)
	if o.retval != onlinePending {
		var result string
		switch {
		case o.waitStartup && o.retval == onlineSuccess:
			result = "started"
		case o.waitStartup && o.retval == onlineOffline:
			result = "startup-pending"
		case o.waitStartup:
			result = "failure"
		case o.retval == onlineSuccess:
			result = "online"
		default:
			result = "offline"
		}
		b.WriteString(" [" + result + "]\n")
	}
	io.WriteString(o.out, b.String())
}
