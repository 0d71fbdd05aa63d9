package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseOptions(t *testing.T) {
	var o options
	err := o.parse([]string{"-nd", "--config=/x.conf", "--config-dir", "/d", "--log-level=TRACE",
		"-p", "/pid", "--state-file=/s", "--run-dir=/r", "--print-config"})
	if err != nil {
		t.Fatal(err)
	}
	if !o.noDaemon || !o.debug || !o.printConfig || o.config != "/x.conf" || o.configDir != "/d" ||
		o.logLevel != "TRACE" || o.pidFile != "/pid" || o.stateFile != "/s" || o.runDir != "/r" {
		t.Fatalf("parsed %+v", o)
	}
}

func TestParseOptionErrorsMatchGLib(t *testing.T) {
	cases := map[string][]string{
		"Unknown option --bogus.  Please use --help to see a list of valid options.":       {"--bogus"},
		"Unknown option -x.  Please use --help to see a list of valid options.":            {"-x"},
		"Missing argument for --config  Please use --help to see a list of valid options.": {"--config"},
		"Unknown option extra.  Please use --help to see a list of valid options.":         {"extra"},
		"Unknown option --debug=1.  Please use --help to see a list of valid options.":     {"--debug=1"},
	}
	for want, args := range cases {
		var o options
		err := o.parse(args)
		if err == nil || err.Error() != want {
			t.Errorf("parse(%q) = %v, want %q", args, err, want)
		}
	}
}

func TestRunExitStatuses(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"--version"}, &out, &errOut); code != 0 || !strings.HasPrefix(out.String(), "1.42.4 (gonm ") {
		t.Errorf("--version: code %d, output %q", code, out.String())
	}
	out.Reset()
	if code := run([]string{"--help"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "--config-dir") {
		t.Errorf("--help: code %d, output %q", code, out.String())
	}
	errOut.Reset()
	if code := run([]string{"--bogus"}, &out, &errOut); code != exitFailure || strings.Count(errOut.String(), "\n") != 1 {
		t.Errorf("--bogus: code %d, stderr %q; want 1 and one line", code, errOut.String())
	}
}
