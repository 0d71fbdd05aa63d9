package nmclitest

import (
	"strings"
	"testing"
	"time"
)

// step is one state-changing command line run in both twin worlds.
type step struct {
	args  []string
	stdin string
	// interrupt sends SIGINT after this long (monitors, agents).
	interrupt time.Duration
	// during runs in the world while the command runs: the reference
	// nmcli's arguments, to give a monitor something to report.
	during []string
	// settle waits afterwards until no device is in a transitional
	// state (after commands that do not wait themselves).
	settle bool
	// lease: the step needs the DHCP profile's lease (skipped where the
	// daemon gets none, see World.NoDHCP).
	lease bool
	// anyOrder compares stdout as a set of lines: nmcli prints a line as
	// each answer to a burst of calls comes, and the order of those lines
	// differs between twin worlds even on NetworkManager 1.42.
	anyOrder bool
	// wake: the step takes networking down or up again after lo's
	// profile was migrated (see gonmWakeDiffers).
	wake bool
}

// gonmWakeDiffers says why the wake steps do not run against gonm's
// daemon: after networking comes back, NetworkManager 1.42 leaves lo
// unmanaged when its profile was migrated to a keyfile (one lo profile,
// inactive), while gonm's daemon takes lo over again with a new generated
// profile beside the migrated one; with two profiles named lo, the twins
// list them in different orders.
const gonmWakeDiffers = "after networking on, gonm's daemon takes lo over again with a second generated lo profile where NetworkManager 1.42 leaves lo unmanaged once its profile was migrated"

func s(args ...string) step { return step{args: args} }

// mutationSteps change the worlds' state one command at a time.
func mutationSteps() []step {
	return []step{
		s("c", "down", NameStatic), s("c", "up", NameStatic),
		{args: []string{"-w", "0", "c", "down", NameStatic}, settle: true},
		s("c", "up", NameStatic, "ifname", "eth1"), s("c", "up", "uuid", UUIDSpace),
		s("-p", "c", "show", "--active"),
		s("d", "disconnect", "eth6"), s("d", "connect", "eth6"), s("d", "reapply", "eth1"),
		s("d", "reapply", "eth6"), s("d", "disconnect", "eth6", "eth6"), s("d", "disconnect", "eth6"),
		s("d", "set", "eth6", "autoconnect", "no"), s("-f", "GENERAL.AUTOCONNECT", "d", "show", "eth6"),
		s("d", "set", "eth6", "autoconnect", "yes", "managed", "no"), s("d"),
		{args: []string{"d", "set", "eth6", "managed", "yes"}, settle: true},
		s("c", "down", NameBridge), s("d"), s("c", "up", NameBridge), s("c", "up", NamePort1),
		s("c", "up", NamePort2), s("-f", "BRIDGE", "d", "show", "br0"),
		s("c", "down", NameMany, NameDHCP), s("c", "down", NameMany), s("c", "up", NameMany),
		{args: []string{"c", "up", NameDHCP}, lease: true}, {args: []string{"-f", "DHCP4.OPTION", "-t", "d", "show", "eth3"}, lease: true},
		s("d", "modify", "eth1", "ipv4.dns", "192.0.2.99"), s("-f", "IP4.DNS", "d", "show", "eth1"),
		s("d", "modify", "eth1", "+ipv4.addresses", "192.0.2.11/24"), s("-f", "IP4.ADDRESS", "d", "show", "eth1"),
		s("d", "modify", "eth1", "-ipv4.addresses", "192.0.2.11/24"), s("-t", "-f", "IP4", "d", "show", "eth1"),
		s("d", "modify", "eth1", "ipv4.bogus", "1"), s("d", "modify", "eth1", "remove", "ipv6"),
		s("c", "migrate", NameSpare), s("c", "migrate", "--plugin", "keyfile", NameStatic, NameMany), {args: []string{"c", "migrate"}, anyOrder: true},
		s("c", "delete", NameSpare), s("c", "delete", NameSpare), s("c", "delete", "uuid", UUIDUnicode, "id", NameSpace),
		s("c"), s("c", "reload"), s("c", "load", "/nonexistent/x.nmconnection"),
		s("g", "logging", "level", "DEBUG", "domains", "CORE,DEVICE"), s("g", "logging"),
		s("g", "logging", "level", "INFO", "domains", "DEFAULT"), s("g", "logging", "level", "BOGUS"),
		s("g", "logging", "domains", "NOSUCH"),
		s("radio", "wifi", "off"), s("radio"), s("radio", "all", "on"), s("radio"), s("radio", "wwan", "off"),
		s("-t", "radio"), s("radio", "wwan", "on"),
		s("n", "connectivity", "check"), s("g", "reload"), s("g", "reload", "dns-rc"), s("g", "reload", "conf,dns-full"),
		{args: []string{"monitor"}, interrupt: 4 * time.Second, during: []string{"c", "down", NameMany}},
		{args: []string{"c", "monitor", NameMany}, interrupt: 4 * time.Second, during: []string{"c", "up", NameMany}},
		{args: []string{"d", "monitor", "eth2"}, interrupt: 4 * time.Second, during: []string{"d", "disconnect", "eth2"}},
		{args: []string{"c", "monitor"}, interrupt: 2 * time.Second},
		{args: []string{"agent", "secret"}, interrupt: 2 * time.Second},
		{args: []string{"agent", "polkit"}, interrupt: 2 * time.Second},
		{args: []string{"agent"}, interrupt: 2 * time.Second},
		{args: []string{"d", "checkpoint", "eth2", "--timeout", "15", "--", "true"}, stdin: "no\n"},
		{args: []string{"d", "checkpoint", "--", "true"}, stdin: "Yes\n"},
		s("d", "delete", "eth1"), s("d", "delete", "eth6"), s("d"),
		{args: []string{"n", "off"}, wake: true}, {args: []string{"n"}, wake: true},
		{args: []string{"n", "on"}, settle: true, wake: true}, {args: []string{"n"}, wake: true},
	}
}

// stateCommands show the state a step leaves; the reference nmcli runs
// them in both worlds.
var stateCommands = [][]string{
	{"-f", "DEVICE,TYPE,STATE,CONNECTION", "d"},
	{"-f", "NAME,UUID,TYPE,DEVICE,ACTIVE,STATE", "c", "show", "--order", "name"},
}

func stateOf(w *World, args []string) Result {
	r := w.Run(ReferenceNmcli, args, RunOptions{})
	r.Stdout = Normalize(r.Stdout)
	return r
}

// settle waits until no device is activating or deactivating.
func settle(t *testing.T, w *World) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := w.Run(ReferenceNmcli, []string{"-t", "-f", "STATE", "d"}, RunOptions{})
		if !strings.Contains(string(r.Stdout), "ing") || time.Now().After(deadline) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestMutations runs state-changing commands in twin worlds, the
// reference nmcli in one and ours in the other, and compares what each
// printed and the state each left.
func TestMutations(t *testing.T) { forEachDaemon(t, testMutations) }

func testMutations(t *testing.T, kind DaemonKind) {
	ref := NewWorld(t, kind)
	ref.Populate()
	ours := NewWorld(t, kind)
	ours.Populate()
	progs := newPrograms(t)

	// The twins start alike.
	for _, args := range stateCommands {
		a, b := stateOf(ref, args), stateOf(ours, args)
		if d := Diff(a, b); d != "" {
			t.Fatalf("the twin worlds differ before any step (%s):\n%s", strings.Join(args, " "), d)
		}
	}

	steps := mutationSteps()
	t.Logf("%d state-changing steps", len(steps))
	for i, st := range steps {
		name := Case{Args: st.args}.Name()
		if st.lease && (ref.NoDHCP != "" || ours.NoDHCP != "") {
			why := ref.NoDHCP
			if why == "" {
				why = ours.NoDHCP
			}
			t.Logf("step %d, %s, skipped: %s", i, name, why)
			continue
		}
		if st.wake && kind == Gonm {
			t.Logf("step %d, %s, skipped: %s", i, name, gonmWakeDiffers)
			continue
		}
		run := func(w *World, program string) Result {
			opts := RunOptions{Stdin: st.stdin, Interrupt: st.interrupt}
			if st.during != nil {
				opts.During = func() { w.Run(ReferenceNmcli, st.during, RunOptions{}) }
			}
			return w.Run(program, st.args, opts)
		}
		// Both run at the same time, so that timed steps see the same
		// moments.
		done := make(chan Result, 1)
		go func() { done <- run(ours, progs["nmcli"][2]) }()
		want := run(ref, ReferenceNmcli)
		got := <-done
		if st.settle {
			settle(t, ref)
			settle(t, ours)
		}
		want.Stdout, want.Stderr = Normalize(want.Stdout), Normalize(want.Stderr)
		got.Stdout, got.Stderr = Normalize(got.Stdout), Normalize(got.Stderr)
		if st.anyOrder {
			want.Stdout, got.Stdout = SortLines(want.Stdout), SortLines(got.Stdout)
		}
		if d := Diff(want, got); d != "" {
			t.Errorf("step %d, %s:\n%s", i, name, d)
		}
		for _, args := range stateCommands {
			a, b := stateOf(ref, args), stateOf(ours, args)
			if d := Diff(a, b); d != "" {
				t.Errorf("after step %d, %s, the worlds differ (%s):\n%s", i, name, strings.Join(args, " "), d)
			}
		}
	}
	if len(steps) < 50 {
		t.Errorf("only %d mutation steps", len(steps))
	}
}
