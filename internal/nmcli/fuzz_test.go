package nmcli

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzArgv turns fuzz input into an argument vector: arguments are
// separated by NUL, as in /proc/PID/cmdline.
func fuzzArgv(data string) []string {
	if data == "" {
		return nil
	}
	args := strings.Split(data, "\x00")
	if len(args) > 12 {
		args = args[:12]
	}
	return args
}

// nmcliExitCodes are the statuses nmcli can end with in-process.
var nmcliExitCodes = map[int]bool{
	ExitSuccess: true, ExitUnknown: true, ExitUserInput: true, ExitTimeout: true, ExitConActivation: true,
	ExitConDeactivation: true, ExitDevDisconnect: true, ExitConDelete: true, ExitNMNotRunning: true,
	ExitNotFound: true, ExitCompleteFile: true,
}

// FuzzArgs runs nmcli's whole command line handling (global options,
// command tree, each command's argument parsing, completion) on random
// argument vectors with the bus unreachable: it must never panic or hang,
// and must end with one of nmcli's exit statuses, saying why on stderr
// when it fails.
func FuzzArgs(f *testing.F) {
	for _, seed := range []string{
		"", "g", "-t\x00-f\x00all\x00g", "--complete-args\x00c\x00up\x00", "-m\x00json\x00d\x00show",
		"c\x00s\x00--order\x00+type:-name", "d\x00wifi\x00connect\x00foo\x00bssid\x00bad",
		"-f\x00GENERAL.DEVICE,IP4\x00d\x00show\x00eth0", "--colors\x00yes\x00-p\x00c", "-g\x00NAME\x00c",
		"--complete-args\x00-f\x00NAME,", "c\x00up\x00id\x00x\x00passwd-file\x00/nonexistent",
		"d\x00checkpoint\x00--timeout\x00x", "--wait\x00-1\x00g", "c\x00add\x00type\x00ethernet",
		"g\x00logging\x00level\x00TRACE\x00domains\x00ALL", "radio\x00all\x00off", "--mode=tab\x00-e\x00no\x00d",
		"-\x00-\x00-", "--\x00--\x00help", "a\x00polkit\x00--help",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		args := fuzzArgv(data)
		r := runNmcli(t, map[string]string{"LANG": "C.UTF-8", "NO_COLOR": ""}, args...)
		if !nmcliExitCodes[r.code] {
			t.Fatalf("nmcli %q: exit %d\nstdout %q\nstderr %q", args, r.code, r.stdout, r.stderr)
		}
		isComplete := len(args) > 0 && strings.HasPrefix("--complete-args", args[0]) && len(args[0]) > 2
		if r.code != ExitSuccess && !isComplete && r.stderr == "" {
			t.Fatalf("nmcli %q: exit %d without a message", args, r.code)
		}
		valid := true
		for _, a := range args {
			valid = valid && utf8.ValidString(a)
		}
		if valid && !utf8.ValidString(r.stderr) {
			t.Fatalf("nmcli %q: stderr is not UTF-8: %q", args, r.stderr)
		}
	})
}

// FuzzOnlineArgs runs nm-online's option parsing on random argument
// vectors with the bus unreachable: help (exit 0, usage on stdout) or an
// error (exit 2, one line on stderr), never anything else.
func FuzzOnlineArgs(f *testing.F) {
	for _, seed := range []string{"", "-t\x005", "-tq\x005", "--timeout=0x10", "-h", "-qsx", "--\x00-h",
		"-t\x00-0", "--help-all", "-?", "--quiet=1", "-tt\x001\x002", "-t\x00 +07"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		args := fuzzArgv(data)
		r := runOnline(t, map[string]string{"LANG": "C.UTF-8"}, args...)
		switch r.code {
		case 0:
			if !strings.HasPrefix(r.stdout, "Usage:\n") || r.stderr != "" {
				t.Fatalf("nm-online %q: exit 0 without help: %+v", args, r)
			}
		case 2:
			if r.stdout != "" || strings.Count(r.stderr, "\n") != 1 {
				t.Fatalf("nm-online %q: exit 2: %+v", args, r)
			}
		default:
			t.Fatalf("nm-online %q: exit %d: %+v", args, r.code, r)
		}
	})
}
