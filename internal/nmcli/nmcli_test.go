package nmcli

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// noBus is an address nothing listens on: commands that need
// NetworkManager fail fast and nothing on this machine is touched.
const noBus = "unix:path=/nonexistent/gonm-nmcli-test"

type result struct {
	stdout, stderr string
	code           int
}

func runNmcli(t testing.TB, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if env == nil {
		env = map[string]string{"LANG": "C.UTF-8"}
	}
	done := make(chan int, 1)
	go func() {
		done <- Run(Env{
			Args:       append([]string{"nmcli"}, args...),
			Stdin:      strings.NewReader(""),
			Stdout:     &stdout,
			Stderr:     &stderr,
			LookupEnv:  func(k string) (string, bool) { v, ok := env[k]; return v, ok },
			NoSignals:  true,
			NoPager:    true,
			BusAddress: noBus,
		})
	}()
	select {
	case code := <-done:
		return result{stdout.String(), stderr.String(), code}
	case <-time.After(20 * time.Second):
		t.Fatalf("nmcli %q did not finish", args)
		return result{}
	}
}

// The expectations are NetworkManager 1.42.4's nmcli's (Debian's), run
// with the bus unreachable. Help goes to stderr, as nmcli prints it.
func TestCommandLine(t *testing.T) {
	noClient := "Error: Could not create NMClient object: Could not connect: No such file or directory.\n"
	for _, tc := range []struct {
		args         []string
		code         int
		stdoutPrefix string
		stderrPrefix string
	}{
		{[]string{"--version"}, 0, "nmcli tool, version 1.42.4\n", ""},
		{[]string{"-v"}, 0, "nmcli tool, version 1.42.4\n", ""},
		{[]string{"--bogus"}, 2, "", "Error: Option '--bogus' is unknown, try 'nmcli -help'.\n"},
		{[]string{"-m", "foo", "g"}, 2, "", "Error: 'foo' is not a valid argument for 'foo' option.\n"},
		{[]string{"-f"}, 2, "", "Error: missing argument for '-f' option.\n"},
		{[]string{"-t", "-p", "g"}, 2, "", "Error: Option '--pretty' is mutually exclusive with '--terse'.\n"},
		{[]string{"help"}, 0, "", "Usage: nmcli [OPTIONS] OBJECT { COMMAND | help }\n"},
		{[]string{"--he"}, 0, "", "Usage: nmcli [OPTIONS] OBJECT { COMMAND | help }\n"},
		// Commands match by prefix, the first in NetworkManager's order
		// winning: "d" is "down" among connection commands.
		{[]string{"c", "d", "help"}, 0, "", "Usage: nmcli connection down { ARGUMENTS | help }\n"},
		{[]string{"d", "s", "help"}, 0, "", "Usage: nmcli device status { help }\n"},
		{[]string{"c", "s", "help"}, 0, "", "Usage: nmcli connection show { ARGUMENTS | help }\n"},
		{[]string{"g", "l", "help"}, 0, "", "Usage: nmcli general logging { ARGUMENTS | help }\n"},
		{[]string{"n", "o", "help"}, 0, "", "Usage: nmcli networking on { help }\n"},
		{[]string{"r", "w", "help"}, 0, "", "Usage: nmcli radio wifi { ARGUMENTS | help }\n"},
		{[]string{"a", "s", "help"}, 0, "", "Usage: nmcli agent secret { help }\n"},
		{[]string{"g", "hostname", "help"}, 0, "", "Usage: nmcli general hostname { ARGUMENTS | help }\n"},
		{[]string{"d", "wifi", "help"}, 0, "", "Usage: nmcli device wifi { ARGUMENTS | help }\n"},
		{[]string{"c", "help"}, 0, "", "Usage: nmcli connection { COMMAND | help }\n"},
		{[]string{"bogus"}, 2, "", "Error: argument 'bogus' not understood. Try passing --help instead.\n"},
		{[]string{"g"}, 1, "", noClient},
		{[]string{"c", "modify", "x", "y", "z"}, 1, "", noClient},
		{[]string{"m", "help"}, 1, "", noClient},
		{[]string{"--complete-args", "c"}, 0, "connection\n", ""},
		// 1.42 answers an option value as "TYPED=CANDIDATE".
		{[]string{"--complete-args", "--colors", ""}, 0, "=yes\n=no\n=auto\n", ""},
	} {
		r := runNmcli(t, nil, tc.args...)
		if r.code != tc.code || !strings.HasPrefix(r.stdout, tc.stdoutPrefix) || !strings.HasPrefix(r.stderr, tc.stderrPrefix) ||
			(tc.stdoutPrefix == "" && r.stdout != "") || (tc.stderrPrefix == "" && r.stderr != "") {
			t.Errorf("nmcli %q: exit %d, stdout %.80q, stderr %.80q; want exit %d, stdout %.80q…, stderr %.80q…",
				tc.args, r.code, r.stdout, r.stderr, tc.code, tc.stdoutPrefix, tc.stderrPrefix)
		}
	}
}

func TestCompleteGlobalOptions(t *testing.T) {
	r := runNmcli(t, nil, "--complete-args", "-")
	want := []string{"--ask", "--colors", "--escape", "--fields", "--get-values", "--help",
		"--mode", "--offline", "--pretty", "--show-secrets", "--terse", "--version", "--wait"}
	got := strings.Fields(r.stdout)
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("--complete-args -: %q missing from %q", w, got)
		}
	}
	// Every top-level object completes from its first letter.
	for _, obj := range []string{"general", "networking", "radio", "connection", "device", "agent", "monitor"} {
		r := runNmcli(t, nil, "--complete-args", obj[:1])
		if !strings.Contains(r.stdout, obj+"\n") || r.code != 0 {
			t.Errorf("--complete-args %s: %q (exit %d)", obj[:1], r.stdout, r.code)
		}
	}
}

func TestLocale(t *testing.T) {
	// The C locale cannot hold "…": GLib prints '?'.
	r := runNmcli(t, map[string]string{"LANG": "C"}, "--complete-args", "--mode", "")
	if r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	if !localeIsUTF8(func(k string) string { return map[string]string{"LANG": "C.UTF-8"}[k] }) {
		t.Error("C.UTF-8 is not a UTF-8 locale")
	}
	if localeIsUTF8(func(k string) string { return map[string]string{"LANG": "C"}[k] }) {
		t.Error("C is a UTF-8 locale")
	}
	// LC_ALL wins over LANG.
	if localeIsUTF8(func(k string) string { return map[string]string{"LC_ALL": "C", "LANG": "C.UTF-8"}[k] }) {
		t.Error("LC_ALL=C did not win")
	}
	var b bytes.Buffer
	w := &localeWriter{w: &b}
	w.Write([]byte("café 名前\n"))
	if b.String() != "caf? ??\n" {
		t.Errorf("C locale conversion: %q", b.String())
	}
}

func TestOnlineParsing(t *testing.T) {
	for s, want := range map[string]int{"5": 5, " 7": 7, "0x10": 16, "010": 8, "+5": 5, "-0": 0, "-5": -5, "2147483647": 2147483647} {
		if got, ok := parseCInt(s); !ok || got != want {
			t.Errorf("parseCInt(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"", " ", "+", "7 ", "5x", "08", "0x", "0xg", "2147483648", "99999999999", "1_0"} {
		if got, ok := parseCInt(s); ok {
			t.Errorf("parseCInt(%q) = %d, want an error", s, got)
		}
	}
	for s, want := range map[string]int{"12": 12, " 13\t": 13, "+14": 14, "012": 12, "\v15\n": 15, "0": 0} {
		if got, ok := parseDecimalEnv(s); !ok || got != want {
			t.Errorf("parseDecimalEnv(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "-1", "0x10", "9 9", "2147483648", "x"} {
		if got, ok := parseDecimalEnv(s); ok {
			t.Errorf("parseDecimalEnv(%q) = %d, want it ignored", s, got)
		}
	}
}

func runOnline(t testing.TB, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if env == nil {
		env = map[string]string{"LANG": "C.UTF-8"}
	}
	code := RunOnline(Env{
		Args:       append([]string{"nm-online"}, args...),
		Stdout:     &stdout,
		Stderr:     &stderr,
		LookupEnv:  func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		BusAddress: noBus,
	})
	return result{stdout.String(), stderr.String(), code}
}

func TestOnlineCommandLine(t *testing.T) {
	invalid := "nm-online: Invalid option.  Please use --help to see a list of valid options.\n"
	noClient := "Error: Could not create NMClient object: Could not connect: No such file or directory\n"
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"-t5"}, 2, "", invalid},
		{[]string{"-t", "2073601"}, 2, "", invalid},
		{[]string{"-tt", "5", "6"}, 2, "", invalid},
		{[]string{"-q="}, 2, "", invalid},
		{[]string{"--tim", "5"}, 2, "", invalid},
		{[]string{"--help=x"}, 2, "", invalid},
		{[]string{"-Z", "-h"}, 2, "", invalid},
		{[]string{"-h", "-Z"}, 0, "Usage:\n  nm-online [OPTION\u2026]\n", ""},
		{[]string{"--", "-h"}, 2, "", noClient},
		{[]string{"--quiet=1", "foo"}, 2, "", noClient},
		{[]string{"-tq", "5"}, 2, "", noClient},
		{[]string{"-t", "0x10", "-sx"}, 2, "", noClient},
	} {
		r := runOnline(t, nil, tc.args...)
		if r.code != tc.code || !strings.HasPrefix(r.stdout, tc.stdout) || r.stderr != tc.stderr {
			t.Errorf("nm-online %q: exit %d, stdout %.60q, stderr %q; want exit %d, stdout %.60q…, stderr %q",
				tc.args, r.code, r.stdout, r.stderr, tc.code, tc.stdout, tc.stderr)
		}
	}
	r := runOnline(t, map[string]string{"LANG": "C"}, "--help")
	if !strings.HasPrefix(r.stdout, "Usage:\n  nm-online [OPTION?]\n") {
		t.Errorf("C locale help: %q", r.stdout)
	}
	r = runOnline(t, map[string]string{"NM_ONLINE_TIMEOUT": "3000000"})
	if r.code != 2 || r.stderr != invalid {
		t.Errorf("NM_ONLINE_TIMEOUT over the maximum: %+v", r)
	}
}

func TestOnlineProgress(t *testing.T) {
	var b bytes.Buffer
	o := &online{out: &b, retval: onlinePending}
	o.printProgress(3, 29500*time.Millisecond)
	if want := "\rConnecting...               30s"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	b.Reset()
	o.retval, o.waitStartup = onlineOffline, true
	o.printProgress(-1, 0)
	if want := "\rConnecting...............    0s [startup-pending]\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
