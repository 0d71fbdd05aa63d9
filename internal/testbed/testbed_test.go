package testbed

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

func TestGuardRefusesInitialNamespace(t *testing.T) {
	// /proc/1/ns/net may not be readable even by root (in a container);
	// the guard then also refuses it, since it cannot prove it differs.
	for _, p := range []string{"/proc/1/ns/net", "/proc/self/ns/net", "/proc/thread-self/ns/net"} {
		if err := checkNotInitial(p); !errors.Is(err, ErrInitialNetns) {
			t.Errorf("checkNotInitial(%s) = %v, want ErrInitialNetns", p, err)
		}
		err := DoIn(p, func() error { t.Error("DoIn ran fn in the initial namespace"); return nil })
		if !errors.Is(err, ErrInitialNetns) {
			t.Errorf("DoIn(%s) = %v, want ErrInitialNetns", p, err)
		}
	}
	// A daemon without a namespace, or in a namespace object that points at
	// the initial one, must be refused before anything starts.
	fe := &fatalEnv{T: t}
	func() {
		defer fe.recoverFatal()
		(&Daemon{}).start(fe, nil, "gonm", []string{"/bin/true"}, DaemonOptions{})
	}()
	if !strings.Contains(fe.fatal, "initial network namespace") {
		t.Errorf("starting without a namespace: fatal = %q, want the initial-namespace refusal", fe.fatal)
	}
	fe = &fatalEnv{T: t}
	func() {
		defer fe.recoverFatal()
		// A Netns whose Path is the initial namespace: forge one through a
		// symlink-free name that resolves to PID 1's namespace.
		ns := &Netns{Name: "../../proc/self/ns/net", env: fe}
		(&Daemon{}).start(fe, ns, "gonm", []string{"/bin/true"}, DaemonOptions{})
	}()
	if !strings.Contains(fe.fatal, "initial network namespace") {
		t.Errorf("starting in the initial namespace: fatal = %q, want the refusal", fe.fatal)
	}
}

// fatalEnv turns Fatalf into a recoverable panic so a test can observe it.
type fatalEnv struct {
	*testing.T
	fatal string
}

type fatalPanic struct{}

func (f *fatalEnv) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
	panic(fatalPanic{})
}

func (f *fatalEnv) recoverFatal() {
	if r := recover(); r != nil {
		if _, ok := r.(fatalPanic); !ok {
			panic(r)
		}
	}
}

func TestLinksAcrossNamespaces(t *testing.T) {
	a, b := NewNetns(t), NewNetns(t)
	Veth(t, a, "va", b, "vb")
	Bridge(t, a, "br0", "stp_state", "0")
	Attach(t, a, "va", "br0")
	AddAddr(t, b, "vb", "192.0.2.2/24")
	AddAddr(t, a, "br0", "192.0.2.1/24")
	RequireKind(t, "macvlan")
	Macvlan(t, b, "mv0", "vb", "")
	RequireKind(t, "vxlan")
	Vxlan(t, a, "vx0", 42, 4789)
	RequireKind(t, "tap")
	Tuntap(t, a, "tap0", "tap")

	links := a.MustIP("-o", "link", "show")
	for _, want := range []string{"va@", "br0:", "vx0:", "tap0:", "master br0"} {
		if !strings.Contains(links, want) {
			t.Errorf("namespace a lacks %q:\n%s", want, links)
		}
	}
	if out := b.MustIP("-o", "link", "show", "mv0"); !strings.Contains(out, "mv0@vb") {
		t.Errorf("macvlan not on vb: %s", out)
	}
	// The pair really connects the namespaces.
	if out, err := b.Run("ping", "-c1", "-W5", "192.0.2.1"); err != nil {
		t.Errorf("ping across the veth pair: %v\n%s", err, out)
	}
}

func TestStaleNamespacesRemoved(t *testing.T) {
	RequireRoot(t)
	// A PID that surely is dead: a process that has exited and been reaped.
	c := exec.Command("true")
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	dead := c.Process.Pid
	staleName := fmt.Sprintf("%s%d-1", namePrefix, dead)
	liveName := fmt.Sprintf("%s%d-stale-test", namePrefix, os.Getpid())
	foreign := fmt.Sprintf("othertool-%d", os.Getpid())
	for _, n := range []string{staleName, liveName, foreign} {
		if out, err := exec.Command("ip", "netns", "add", n).CombinedOutput(); err != nil {
			t.Fatalf("ip netns add %s: %v: %s", n, err, out)
		}
	}
	t.Cleanup(func() {
		for _, n := range []string{staleName, liveName, foreign} {
			exec.Command("ip", "netns", "delete", n).Run()
		}
	})
	removeStaleNetns(t)
	if netnsExists(staleName) {
		t.Errorf("stale namespace %s of dead process %d was not removed", staleName, dead)
	}
	if !netnsExists(liveName) {
		t.Errorf("namespace %s of a live process was removed", liveName)
	}
	if !netnsExists(foreign) {
		t.Errorf("foreign namespace %s was removed", foreign)
	}
}

func netnsExists(name string) bool {
	_, err := os.Stat("/run/netns/" + name)
	return err == nil
}

func TestKindProbes(t *testing.T) {
	RequireRoot(t)
	for _, kind := range []string{"veth", "bridge"} {
		if ok, why := KindSupported(kind); !ok {
			t.Errorf("%s should be supported on every kernel we run on: %s", kind, why)
		}
	}
	if ok, _ := KindSupported("no-such-kind"); ok {
		t.Error("an unknown kind was reported as supported")
	}
	// Whatever the answer for the kinds this kernel may lack, it must come
	// with a reason when negative, and leave no probe namespace behind.
	for _, kind := range []string{"dummy", "bond", "vlan"} {
		if ok, why := KindSupported(kind); !ok && why == "" {
			t.Errorf("%s unsupported without a reason", kind)
		}
	}
	entries, _ := os.ReadDir("/run/netns")
	for _, e := range entries {
		if strings.Contains(e.Name(), fmt.Sprintf("%s%d-probe", namePrefix, os.Getpid())) {
			t.Errorf("probe namespace %s left behind", e.Name())
		}
	}
}

func TestDaemonStartsOwnsNameAndStops(t *testing.T) {
	ns := NewNetns(t)
	ns.Bus = StartBus(t, BusOptions{})
	d := StartDaemon(t, ns, DaemonOptions{})
	conn := ns.Bus.Conn(t)
	var v dbus.Variant
	err := conn.Object(BusName, "/org/freedesktop/NetworkManager").
		Call("org.freedesktop.DBus.Properties.Get", 0, "org.freedesktop.NetworkManager", "Version").Store(&v)
	if err != nil {
		t.Fatalf("Get Version: %v", err)
	}
	if s, _ := v.Value().(string); s == "" {
		t.Fatalf("Version = %v, want a version string", v)
	}
	if err := d.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	var has bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, BusName).Store(&has); err != nil || has {
		t.Fatalf("after stop, name owned = %v (err %v), want released", has, err)
	}
	if !strings.Contains(d.Log(), "exiting (success)") {
		t.Errorf("daemon log lacks the clean exit line:\n%s", d.Log())
	}
}

// TestFailingTestLeavesNothingBehind runs a test that sets up a namespace,
// a bus, a veth pair and a daemon and then fails, in a child test process,
// and checks that none of it survives.
func TestFailingTestLeavesNothingBehind(t *testing.T) {
	RequireRoot(t)
	if os.Getenv("GONM_TESTBED_CHILD") != "" {
		t.Skip("only the parent runs this")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperThatFails$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "GONM_TESTBED_CHILD=1")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || !strings.Contains(string(out), "--- FAIL: TestHelperThatFails") {
		t.Fatalf("child test should have failed; err=%v\n%s", err, out)
	}
	var nsNames []string
	var pids []int
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	re := regexp.MustCompile(`created (\S+) (\d+) (\d+) (\d+)`)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			nsNames = append(nsNames, m[1])
			for _, s := range m[2:] {
				p, _ := strconv.Atoi(s)
				pids = append(pids, p)
			}
		}
	}
	if len(nsNames) == 0 {
		t.Fatalf("child did not report what it created:\n%s", out)
	}
	for _, n := range nsNames {
		if netnsExists(n) {
			t.Errorf("namespace %s survived the failing test", n)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, p := range pids {
		if p == 0 {
			continue
		}
		for processAlive(p) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if processAlive(p) {
			t.Errorf("process %d survived the failing test", p)
		}
	}
}

func TestHelperThatFails(t *testing.T) {
	if os.Getenv("GONM_TESTBED_CHILD") == "" {
		t.Skip("helper for TestFailingTestLeavesNothingBehind")
	}
	ns := NewNetns(t)
	peer := NewNetns(t)
	ns.Bus = StartBus(t, BusOptions{})
	Veth(t, ns, "v0", peer, "v1")
	d := StartDaemon(t, ns, DaemonOptions{Quiet: true})
	// A long-running process in the peer namespace, as a DHCP server would be.
	sleeper := peer.Command(t.Context(), "sleep", "600")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sleeper.Process.Kill(); _ = sleeper.Wait() })
	t.Logf("created %s %d %d %d", ns.Name, ns.Bus.PID, d.PID, sleeper.Process.Pid)
	t.Logf("created %s 0 0 0", peer.Name)
	t.Fatal("failing on purpose")
}
