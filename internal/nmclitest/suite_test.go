package nmclitest

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/testbed"
)

// programs are the builds of each program: the reference's, ours
// without the race detector (most lines) and ours with it (the lines
// whose code runs goroutines side by side: the editor, monitors,
// agents).
type programs map[string][3]string

func newPrograms(t *testing.T) programs {
	return programs{
		"nmcli":     {ReferenceNmcli, testbed.PlainBinary(t, "nmcli"), testbed.Binary(t, "nmcli")},
		"nm-online": {ReferenceOnline, testbed.PlainBinary(t, "nm-online"), testbed.Binary(t, "nm-online")},
	}
}

// pick returns the reference's program and ours for a case.
func (p programs) pick(cs Case) (ref, ours string) {
	bins := p[cs.program()]
	if cs.Race {
		return bins[0], bins[2]
	}
	return bins[0], bins[1]
}

// compareCase runs one case with both programs and reports differences.
func compareCase(t *testing.T, run func(program string, args []string, opts RunOptions) Result, progs programs, cs Case) {
	t.Helper()
	opts := RunOptions{Env: cs.Env, Stdin: cs.Stdin, Interrupt: cs.Interrupt}
	ref, ours := progs.pick(cs)
	got := run(ours, cs.Args, opts)
	want := run(ref, cs.Args, opts)
	for range secretsRetries(cs) {
		if resultDiff(t, cs, ref, ours, want, got) == "" {
			break
		}
		want = run(ref, cs.Args, opts)
	}
	compareResults(t, cs, ref, ours, want, got)
}

// secretsRetries is how often the reference runs again when its output
// differs: Debian's nmcli with -s now and then prints no secrets (a race
// of its own, about once in 40 runs on a loaded machine, against
// NetworkManager 1.42 and gonm alike; the daemon answered GetSecrets
// with them), so a secrets line gets two more tries.
func secretsRetries(cs Case) int {
	for _, a := range cs.Args {
		if a == "-s" || a == "--show-secrets" {
			return 2
		}
	}
	return 0
}

// compareResults normalizes two results of a case and reports how they
// differ.
func compareResults(t *testing.T, cs Case, ref, ours string, want, got Result) {
	t.Helper()
	if d := resultDiff(t, cs, ref, ours, want, got); d != "" {
		t.Errorf("%s:\n%s", cs.Name(), d)
	}
}

// resultDiff normalizes two results of a case and says how they differ
// ("" when alike).
func resultDiff(t *testing.T, cs Case, ref, ours string, want, got Result) string {
	t.Helper()
	// nm-online names itself by argv[0] in errors. Before Normalize: the
	// binaries' temporary directory name may hold digits that look like a
	// timestamp to it.
	want.Stderr = bytes.ReplaceAll(want.Stderr, []byte(ref), []byte(cs.program()))
	got.Stderr = bytes.ReplaceAll(got.Stderr, []byte(ours), []byte(cs.program()))
	want.Stdout, want.Stderr = Normalize(want.Stdout), Normalize(want.Stderr)
	got.Stdout, got.Stderr = Normalize(got.Stdout), Normalize(got.Stderr)
	if cs.SortStdout {
		want.Stdout, got.Stdout = SortLines(want.Stdout), SortLines(got.Stdout)
	}
	if cs.Progress {
		if err := checkProgressFrames(got.Stdout); err != nil {
			t.Errorf("%s: %v in %q", cs.Name(), err, got.Stdout)
		}
		want.Stdout, got.Stdout = lastFrame(want.Stdout), lastFrame(got.Stdout)
	}
	if cs.OwnDescriptions {
		want.Stdout, got.Stdout = StripDescriptions(want.Stdout), StripDescriptions(got.Stdout)
	}
	if cs.Overview146 {
		want.Stdout = LimitOverview(want.Stdout)
	}
	return Diff(want, got)
}

// compareConcurrently runs cases that do not change anything (nor
// depend on the moment) a few at a time: the daemon serves several
// nmclis at once, and most of a run is waiting for it.
func compareConcurrently(t *testing.T, run func(program string, args []string, opts RunOptions) Result, progs programs, cases []Case) {
	t.Helper()
	const workers = 4
	work := make(chan Case)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for cs := range work {
				compareCase(t, run, progs, cs)
			}
		}()
	}
	var timed []Case
	for _, cs := range cases {
		if cs.Interrupt > 0 || cs.Progress {
			timed = append(timed, cs)
			continue
		}
		work <- cs
	}
	close(work)
	wg.Wait()
	for _, cs := range timed {
		compareCase(t, run, progs, cs)
	}
}

// TestReadOnly runs the read-only command lines against one daemon, then
// checks what only gonm's nmcli has (JSON) and the bash completion on the
// same state, and last the lines that change profiles (each undoing what
// it did) on that same daemon.
func TestReadOnly(t *testing.T) { forEachDaemon(t, testReadOnly) }

func testReadOnly(t *testing.T, kind DaemonKind) {
	w := NewWorld(t, kind)
	progs := newPrograms(t)
	w.Populate()
	t.Run("differential", func(t *testing.T) {
		cases := ReadOnlyCases()
		t.Logf("%d read-only command lines", len(cases))
		if len(cases) < 150 {
			t.Errorf("the suite has %d read-only cases; it is meant to have at least 150", len(cases))
		}
		compareConcurrently(t, w.Run, progs, cases)
	})
	t.Run("json", func(t *testing.T) { checkJSON(t, w, progs["nmcli"][1]) })
	t.Run("bash-completion", func(t *testing.T) { checkBashCompletion(t, w, progs["nmcli"][1]) })
	t.Run("profiles", func(t *testing.T) { compareProfileCases(t, w, progs) })
}

// compareProfileCases runs the cases that change profiles, one at a
// time, each side undoing what it did.
func compareProfileCases(t *testing.T, w *World, progs programs) {
	cases := ProfileCases()
	t.Logf("%d command lines changing profiles", len(cases))
	base := w.profilePaths()
	for _, cs := range cases {
		ref, ours := progs.pick(cs)
		want := w.runProfileCase(base, ref, cs)
		got := w.runProfileCase(base, ours, cs)
		for range secretsRetries(cs) {
			if resultDiff(t, cs, ref, ours, want, got) == "" {
				break
			}
			want = w.runProfileCase(base, ref, cs)
		}
		compareResults(t, cs, ref, ours, want, got)
	}
}

// TestOffline compares --offline add and modify, which need no daemon
// (nor a bus).
func TestOffline(t *testing.T) {
	compareWithoutDaemon(t, "--offline command lines", OfflineCases())
}

// compareWithoutDaemon runs cases (what they are, for the log) with both
// programs in a namespace of their own where no daemon runs.
func compareWithoutDaemon(t *testing.T, what string, cases []Case) {
	t.Helper()
	testbed.RequireRoot(t)
	testbed.RequireReference(t)
	ns := testbed.NewNetns(t)
	home := testbed.TempDir(t)
	progs := newPrograms(t)
	run := func(program string, args []string, opts RunOptions) Result {
		return RunIn(t, ns, home, program, args, opts)
	}
	t.Logf("%d %s", len(cases), what)
	compareConcurrently(t, run, progs, cases)
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

// progressFrameRE is one frame of nm-online's progress bar: dots, then
// blanks up to fifteen, the seconds left and, last, the result.
var progressFrameRE = regexp.MustCompile(`^Connecting(\.*) *( {0,3}[0-9]+)s( \[(online|offline|started|startup-pending|failure)\]\n)?$`)

// checkProgressFrames checks that every frame is well formed, that the bar
// never shrinks and that only the last frame has a result.
func checkProgressFrames(out []byte) error {
	frames := strings.Split(string(out), "\r")
	if len(frames) < 2 || frames[0] != "" {
		return fmt.Errorf("output does not start with a frame")
	}
	dots := 0
	for i, f := range frames[1:] {
		m := progressFrameRE.FindStringSubmatch(f)
		if m == nil || len(f) != len("Connecting")+15+6+len(m[3]) {
			return fmt.Errorf("frame %d is malformed", i)
		}
		if len(m[1]) < dots {
			return fmt.Errorf("frame %d has fewer dots than the one before", i)
		}
		dots = len(m[1])
		if (m[3] != "") != (i == len(frames)-2) {
			return fmt.Errorf("frame %d: only the last frame has a result", i)
		}
	}
	return nil
}

func lastFrame(out []byte) []byte {
	if i := bytes.LastIndexByte(out, '\r'); i >= 0 {
		return out[i:]
	}
	return out
}

// TestNotRunning compares both programs while NetworkManager is not
// running, then nm-online waiting for its startup.
func TestNotRunning(t *testing.T) { forEachDaemon(t, testNotRunning) }

func testNotRunning(t *testing.T, kind DaemonKind) {
	w := NewBareWorld(t, kind)
	progs := newPrograms(t)
	t.Logf("%d command lines without NetworkManager", len(NotRunningCases()))
	compareConcurrently(t, w.Run, progs, NotRunningCases())

	// nm-online -s (and -s -q, as NetworkManager-wait-online.service
	// runs it) waits for the daemon to come and finish starting.
	type res struct {
		name  string
		quiet bool
		r     Result
	}
	done := make(chan res, 4)
	for i, name := range []string{"reference", "ours"} {
		for _, quiet := range []bool{false, true} {
			args := []string{"-s", "-t", "60"}
			if quiet {
				args = append(args, "-q")
			}
			go func() {
				done <- res{name, quiet, w.Run(progs["nm-online"][i], args, RunOptions{Timeout: 90 * time.Second})}
			}()
		}
	}
	time.Sleep(1500 * time.Millisecond)
	w.StartDaemon()
	for range 4 {
		r := <-done
		if r.quiet {
			if r.r.Code != 0 || len(r.r.Stdout) != 0 || len(r.r.Stderr) != 0 {
				t.Errorf("%s nm-online -s -q: want exit 0 and no output, got %s", r.name, r.r)
			}
			continue
		}
		if r.r.Code != 0 || !bytes.HasSuffix(r.r.Stdout, []byte(" [started]\n")) || len(r.r.Stderr) != 0 {
			t.Errorf("%s nm-online -s: want \"[started]\" and exit 0, got %s", r.name, r.r)
		}
		if err := checkProgressFrames(r.r.Stdout); err != nil {
			t.Errorf("%s nm-online -s: %v in %q", r.name, err, r.r.Stdout)
		}
	}
	// The daemon is up with no state of the suite's.
	t.Logf("%d command lines on a fresh daemon", len(FreshDaemonCases()))
	compareConcurrently(t, w.Run, progs, FreshDaemonCases())
}

// TestUnreachableBus compares both programs when the bus cannot be
// reached or its address is malformed.
func TestUnreachableBus(t *testing.T) {
	compareWithoutDaemon(t, "command lines with an unreachable bus", UnreachableBusCases())
}

// fakeManager is a stand-in NetworkManager on the bus that reports
// another version: only its object list, which is all nmcli reads for
// "general status".
type fakeManager struct{ version string }

func (f fakeManager) GetManagedObjects() (map[dbus.ObjectPath]map[string]map[string]dbus.Variant, *dbus.Error) {
	v := dbus.MakeVariant
	return map[dbus.ObjectPath]map[string]map[string]dbus.Variant{
		"/org/freedesktop/NetworkManager": {"org.freedesktop.NetworkManager": {
			"Version": v(f.version), "State": v(uint32(70)), "Connectivity": v(uint32(4)), "Startup": v(false),
			"NetworkingEnabled": v(true), "WirelessEnabled": v(true), "WirelessHardwareEnabled": v(true),
			"WwanEnabled": v(true), "WwanHardwareEnabled": v(false),
			"Devices": v([]dbus.ObjectPath{}), "AllDevices": v([]dbus.ObjectPath{}), "ActiveConnections": v([]dbus.ObjectPath{}),
		}},
		"/org/freedesktop/NetworkManager/Settings": {"org.freedesktop.NetworkManager.Settings": {
			"Connections": v([]dbus.ObjectPath{}), "Hostname": v("fake"), "CanModify": v(true),
		}},
	}, nil
}

// TestVersionMismatch checks the warning gonm's nmcli prints (as
// NetworkManager 1.46's does) when the daemon runs another version; the
// rest of the output is the reference's.
func TestVersionMismatch(t *testing.T) {
	w := NewBareWorld(t, Reference)
	if err := w.Conn.Export(fakeManager{"1.40.0"}, "/org/freedesktop", "org.freedesktop.DBus.ObjectManager"); err != nil {
		t.Fatal(err)
	}
	if reply, err := w.Conn.RequestName(nmBus, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: %v %v", nmBus, reply, err)
	}
	progs := newPrograms(t)
	for _, args := range [][]string{{"g"}, {"-t", "g"}, {"networking"}} {
		want := w.Run(ReferenceNmcli, args, RunOptions{})
		got := w.Run(progs["nmcli"][1], args, RunOptions{})
		warning := "Warning: nmcli (1.42.4) and NetworkManager (1.40.0) versions don't match. Restarting NetworkManager is advised.\n"
		want.Stderr = append([]byte(warning), want.Stderr...)
		if d := Diff(want, got); d != "" {
			t.Errorf("nmcli %s:\n%s", strings.Join(args, " "), d)
		}
	}
}
