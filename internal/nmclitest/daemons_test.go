package nmclitest

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// TestDaemonsAlike runs Debian's nmcli (and nm-online) in two worlds
// alike, one with NetworkManager 1.42 and one with gonm's daemon, and
// compares what it printed: any difference is the daemon's (the client
// is the same). It runs the read-only lines, then the state-changing
// steps one at a time in both worlds with the state each left.
//
// It is a diagnostic run by hand (NMCLITEST_DAEMONS=1): the differences
// it finds are listed in docs/STATUS.md as they remain, and fixed ones
// get a test of their own in the daemon's packages.
func TestDaemonsAlike(t *testing.T) {
	if os.Getenv("NMCLITEST_DAEMONS") == "" {
		t.Skip("a diagnostic comparing the daemons: set NMCLITEST_DAEMONS=1")
	}
	ref := NewWorld(t, Reference)
	ours := NewWorld(t, Gonm)
	ref.Populate()
	ours.Populate()
	if ours.NoDHCP != "" {
		// The same world on both sides: eth3 without its lease.
		ref.deactivate(UUIDDHCP, "eth3")
		t.Logf("both worlds without the DHCP profile active: %s", ours.NoDHCP)
	}
	prog := func(cs Case) string {
		if cs.program() == "nm-online" {
			return ReferenceOnline
		}
		return ReferenceNmcli
	}
	n := 0
	for _, cs := range ReadOnlyCases() {
		if cs.Interrupt > 0 || cs.Progress {
			continue
		}
		opts := RunOptions{Env: cs.Env, Stdin: cs.Stdin}
		want := ref.normalizeBoth(cs, ref.Run(prog(cs), cs.Args, opts))
		got := ours.normalizeBoth(cs, ours.Run(prog(cs), cs.Args, opts))
		if d := Diff(want, got); d != "" {
			n++
			t.Errorf("%s:\n%s", cs.Name(), d)
		}
	}
	t.Logf("%d read-only lines differ", n)

	for i, st := range mutationSteps() {
		name := Case{Args: st.args}.Name()
		if st.lease && ours.NoDHCP != "" {
			continue
		}
		run := func(w *World) Result {
			opts := RunOptions{Stdin: st.stdin, Interrupt: st.interrupt}
			if st.during != nil {
				opts.During = func() { w.Run(ReferenceNmcli, st.during, RunOptions{}) }
			}
			return w.Run(ReferenceNmcli, st.args, opts)
		}
		done := make(chan Result, 1)
		go func() { done <- run(ours) }()
		want := run(ref)
		got := <-done
		if st.settle {
			settle(t, ref)
			settle(t, ours)
		}
		cs := Case{Args: st.args}
		cs.SortStdout = st.anyOrder
		if d := Diff(ref.normalizeBoth(cs, want), ours.normalizeBoth(cs, got)); d != "" {
			t.Errorf("step %d, %s:\n%s", i, name, d)
		}
		for _, args := range stateCommands {
			a, b := stateOf(ref, args), stateOf(ours, args)
			if d := Diff(a, b); d != "" {
				t.Errorf("after step %d, %s, the worlds differ (%s):\n%s", i, name, strings.Join(args, " "), d)
			}
		}
	}
}

// normalizeBoth makes the two worlds' output comparable: what
// Normalize replaces, object numbers, the daemons' directories (the
// reference keeps its in-memory profiles under /run/NetworkManager, gonm
// under its state directory) and dates in terse output, whose colons are
// escaped.
func (w *World) normalizeBoth(cs Case, r Result) Result {
	norm := func(b []byte) []byte {
		s := string(b)
		s = strings.ReplaceAll(s, w.Daemon.Dir+"/run/system-connections", "/run/NetworkManager/system-connections")
		s = strings.ReplaceAll(s, w.Daemon.Dir, "<DIR>")
		s = terseDateRE.ReplaceAllString(s, "<DATE>")
		return NormalizeObjectNumbers(Normalize([]byte(s)))
	}
	r.Stdout, r.Stderr = norm(r.Stdout), norm(r.Stderr)
	if cs.SortStdout {
		r.Stdout = SortLines(r.Stdout)
	}
	return r
}

var terseDateRE = regexp.MustCompile(`\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 0-9][0-9] [0-9]{2}\\:[0-9]{2}\\:[0-9]{2} [0-9]{4}\b`)

// deactivate takes a profile's activation on ifname down and waits until
// the device is disconnected.
func (w *World) deactivate(uuid, ifname string) {
	w.env.Helper()
	path := w.DevicePath(ifname)
	p, err := w.Conn.Object(nmBus, path).GetProperty(devIface + ".ActiveConnection")
	if err != nil {
		w.env.Fatalf("nmclitest: %s's activation: %v", ifname, err)
	}
	ac, _ := p.Value().(dbus.ObjectPath)
	if ac == "/" {
		return
	}
	if err := w.Conn.Object(nmBus, nmPath).Call(nmIface+".DeactivateConnection", 0, ac).Err; err != nil {
		w.env.Fatalf("nmclitest: deactivate %s: %v", uuid, err)
	}
	w.waitFor(ifname+" disconnected", func() bool { return w.deviceState(path) == 30 })
	time.Sleep(100 * time.Millisecond)
}
