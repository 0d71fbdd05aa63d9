package nmclitest

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/gonm/gonm/internal/testbed"
)

// unsupportedRE is gonm's nmcli's answer for commands that need the
// settings schema.
var unsupportedRE = regexp.MustCompile(`^Error: '[A-Za-z ]+' is not supported yet by this nmcli\.`)

// compareCase runs one case with both nmclis and reports differences.
func compareCase(t *testing.T, run func(program string, args []string, opts RunOptions) Result, ours string, cs Case) {
	t.Helper()
	opts := RunOptions{Env: cs.Env, Stdin: cs.Stdin}
	got := run(ours, cs.Args, opts)
	if cs.Unsupported {
		if got.Code != 1 || !unsupportedRE.Match(got.Stderr) {
			t.Errorf("%s: want the \"not supported yet\" error, got %s", cs.Name(), got)
		}
		return
	}
	want := run(ReferenceNmcli, cs.Args, opts)
	want.Stdout, want.Stderr = Normalize(want.Stdout), Normalize(want.Stderr)
	got.Stdout, got.Stderr = Normalize(got.Stdout), Normalize(got.Stderr)
	if cs.SortStdout {
		want.Stdout, got.Stdout = SortLines(want.Stdout), SortLines(got.Stdout)
	}
	if cs.Overview146 {
		want.Stdout = LimitOverview(want.Stdout)
	}
	if d := Diff(want, got); d != "" {
		t.Errorf("%s:\n%s", cs.Name(), d)
	}
}

// TestReadOnly runs the read-only command lines against one daemon.
func TestReadOnly(t *testing.T) {
	w := NewWorld(t, DaemonFromEnv())
	w.Populate()
	ours := testbed.Binary(t, "nmcli")
	cases := ReadOnlyCases()
	if len(cases) < 150 {
		t.Errorf("the suite has %d read-only cases; it is meant to have at least 150", len(cases))
	}
	for _, cs := range cases {
		compareCase(t, w.Run, ours, cs)
	}
}

// LimitOverview applies NetworkManager 1.46's limit to a 1.42 overview:
// per device and family, at most ten addresses and ten routes, then one
// "... more" line (an eleventh entry is shown instead of that line).
func LimitOverview(out []byte) []byte {
	lines := bytes.SplitAfter(out, []byte("\n"))
	var res [][]byte
	for i := 0; i < len(lines); {
		prefix := overviewPrefix(lines[i])
		if prefix == "" {
			res = append(res, lines[i])
			i++
			continue
		}
		j := i
		for j < len(lines) && overviewPrefix(lines[j]) == prefix {
			j++
		}
		n := j - i
		if n > 11 {
			res = append(res, lines[i:i+10]...)
			res = append(res, []byte("\t"+prefix+" ... more\n"))
		} else {
			res = append(res, lines[i:j]...)
		}
		i = j
	}
	return bytes.Join(res, nil)
}

func overviewPrefix(line []byte) string {
	for _, p := range []string{"inet4", "inet6", "route4", "route6"} {
		if bytes.HasPrefix(line, []byte("\t"+p+" ")) {
			return p
		}
	}
	return ""
}
