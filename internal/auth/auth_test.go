package auth

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/testbed"
)

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{
		"": ModePolkit, "true": ModePolkit, "yes": ModePolkit, "1": ModePolkit, "on": ModePolkit,
		"false": ModeAllowAll, "no": ModeAllowAll, "0": ModeAllowAll, "off": ModeAllowAll,
		"root-only": ModeRootOnly, "ROOT-ONLY": ModeRootOnly,
	} {
		got, err := ParseMode(in)
		if err != nil || got != want {
			t.Errorf("ParseMode(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if got, err := ParseMode("maybe"); err == nil || got != DefaultMode {
		t.Errorf("ParseMode(maybe) = %v, %v; want the default and an error", got, err)
	}
}

func TestPermissionsSorted(t *testing.T) {
	if len(Permissions) != 17 {
		t.Fatalf("%d permissions, NetworkManager 1.42 has 17", len(Permissions))
	}
	for i := 1; i < len(Permissions); i++ {
		if Permissions[i-1] >= Permissions[i] {
			t.Errorf("not sorted at %s", Permissions[i])
		}
	}
}

func TestProcessStartTime(t *testing.T) {
	cmd := exec.Command("sleep", "10")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	st := processStartTime(uint32(cmd.Process.Pid))
	if st == 0 {
		t.Fatal("no start time for a running process")
	}
	// A child starts after its parent.
	if self := processStartTime(uint32(os.Getpid())); self == 0 || self > st {
		t.Errorf("start time of the child %d before ours %d", st, self)
	}
	if processStartTime(1<<31) != 0 {
		t.Error("start time of a process that does not exist")
	}
}

// caller is a bus client running as another user: a small python-dbus
// program that prints its unique name and stays until its stdin closes.
type caller struct {
	name  string
	stdin io.WriteCloser
	cmd   *exec.Cmd
}

func startCaller(t *testing.T, b *testbed.Bus, uid int) *caller {
	t.Helper()
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("needs /usr/bin/python3 with python3-dbus")
	}
	prog := `import dbus, sys
c = dbus.bus.BusConnection(sys.argv[1])
print(c.get_unique_name(), flush=True)
sys.stdin.read()`
	cmd := exec.Command("/usr/bin/python3", "-c", prog, b.Address)
	testbed.AsUser(cmd, uid, uid)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &caller{stdin: stdin, cmd: cmd}
	t.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("caller as uid %d did not connect: %v", uid, err)
	}
	c.name = strings.TrimSpace(line)
	return c
}

// daemonSide is an Authority on its own connection and loop.
func daemonSide(t *testing.T, b *testbed.Bus, mode Mode) *Authority {
	t.Helper()
	conn, err := dbus.Connect(b.Address)
	if err != nil {
		t.Fatal(err)
	}
	l := loop.New()
	ctx, cancel := context.WithCancel(context.Background())
	go l.Run(ctx)
	t.Cleanup(func() { cancel(); <-l.Done(); conn.Close() })
	return New(conn, l, mode, nil)
}

func checkAll(t *testing.T, a *Authority, sender string, actions []string) (Subject, map[string]Result, error) {
	t.Helper()
	type answer struct {
		s   Subject
		r   map[string]Result
		err error
	}
	ch := make(chan answer, 1)
	a.CheckAll(sender, actions, false, func(s Subject, r map[string]Result, err error) { ch <- answer{s, r, err} })
	select {
	case x := <-ch:
		return x.s, x.r, x.err
	case <-time.After(30 * time.Second):
		t.Fatal("no answer")
	}
	return Subject{}, nil, nil
}

var someActions = []string{NetworkControl, SettingsModifySystem, Reload}

func TestModesWithoutPolkit(t *testing.T) {
	testbed.RequireRoot(t)
	b := testbed.StartBus(t, testbed.BusOptions{})
	nobody := startCaller(t, b, testbed.Nobody)
	root := startCaller(t, b, 0)
	for _, tc := range []struct {
		mode         Mode
		nobody, root Result
	}{
		{ModeAllowAll, Yes, Yes},
		{ModeRootOnly, No, Yes},
		// polkit mode with no polkit on the bus: the question cannot be
		// asked, which NetworkManager reports as "unknown" (a refusal).
		{ModePolkit, Unknown, Yes},
	} {
		a := daemonSide(t, b, tc.mode)
		s, r, err := checkAll(t, a, nobody.name, someActions)
		if err != nil || s.UID != testbed.Nobody || s.PID != uint32(nobody.cmd.Process.Pid) || s.StartTime == 0 {
			t.Fatalf("%v: subject %+v, %v", tc.mode, s, err)
		}
		for _, act := range someActions {
			if r[act] != tc.nobody {
				t.Errorf("%v: nobody %s = %v, want %v", tc.mode, act, r[act], tc.nobody)
			}
		}
		s, r, err = checkAll(t, a, root.name, someActions)
		if err != nil || s.UID != 0 || r[Reload] != tc.root {
			t.Errorf("%v: root: %+v %v %v", tc.mode, s, r, err)
		}
	}
	a := daemonSide(t, b, ModeAllowAll)
	if _, _, err := checkAll(t, a, ":1.4242", someActions); err == nil {
		t.Error("a caller that is not on the bus was identified")
	}
}

const testRules = `polkit.addRule(function(action, subject) {
  if (subject.user != "nobody") return polkit.Result.NOT_HANDLED;
  if (action.id == "org.freedesktop.NetworkManager.network-control") return polkit.Result.YES;
  if (action.id == "org.freedesktop.NetworkManager.settings.modify.system") return polkit.Result.AUTH_ADMIN;
  return polkit.Result.NO;
});`

// Debian's polkitd on the private bus answers yes, challenge and no; the
// actions it knows are gonm's own policy file.
func TestPolkit(t *testing.T) {
	testbed.RequireRoot(t)
	b := testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.PolkitPolicy}})
	a := daemonSide(t, b, ModePolkit)
	changed := make(chan struct{}, 10)
	stop, err := a.Watch(func() { changed <- struct{}{} })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	testbed.StartPolkit(t, b, testbed.PolkitOptions{Rules: testRules, Actions: []string{"../../data/org.freedesktop.NetworkManager.policy"}})
	select {
	case <-changed:
	case <-time.After(10 * time.Second):
		t.Error("polkit's start was not noticed")
	}
	nobody := startCaller(t, b, testbed.Nobody)
	_, r, err := checkAll(t, a, nobody.name, append(someActions, "org.freedesktop.NetworkManager.not-an-action"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Result{NetworkControl: Yes, SettingsModifySystem: Auth, Reload: No,
		"org.freedesktop.NetworkManager.not-an-action": Unknown}
	if fmt.Sprint(r) != fmt.Sprint(want) {
		t.Errorf("polkit answers %v, want %v", r, want)
	}
	root := startCaller(t, b, 0)
	_, r, err = checkAll(t, a, root.name, []string{Reload})
	if err != nil || r[Reload] != Yes {
		t.Errorf("root: %v %v", r, err)
	}
}

func TestParseStartTime(t *testing.T) {
	line := "4242 (a (weird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100 18446744073709551615"
	if got := parseStartTime(line); got != 987654 {
		t.Errorf("parseStartTime = %d, want 987654", got)
	}
	for _, bad := range []string{"", "1 (x) S 1", "no parens at all", "1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 notanumber"} {
		if got := parseStartTime(bad); got != 0 {
			t.Errorf("parseStartTime(%q) = %d, want 0", bad, got)
		}
	}
}

func FuzzParseStartTime(f *testing.F) {
	f.Add("4242 (sleep) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100")
	f.Add("1 ((()) ) R")
	f.Fuzz(func(t *testing.T, s string) {
		_ = parseStartTime(s) // must not panic on any input
	})
}
