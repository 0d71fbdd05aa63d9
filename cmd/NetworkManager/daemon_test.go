package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/testbed"
)

func errorLines(log string) []string {
	var lines []string
	for _, l := range strings.Split(log, "\n") {
		if strings.HasPrefix(l, "<error>") {
			lines = append(lines, l)
		}
	}
	return lines
}

func TestSecondInstanceFailsWithOneLine(t *testing.T) {
	ns := testbed.NewNetns(t)
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{})
	testbed.StartDaemon(t, ns, testbed.DaemonOptions{})
	second := testbed.StartDaemon(t, ns, testbed.DaemonOptions{NoWait: true, Quiet: true})
	code, err := second.WaitExit(30 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	errs := errorLines(second.Log())
	if code != 1 || len(errs) != 1 || !strings.Contains(errs[0], "Service already taken") {
		t.Fatalf("second instance: exit %d, error lines %q; want 1 and one 'already taken' line\n%s", code, errs, second.Log())
	}
}

func TestUnreachableBusFailsWithOneLine(t *testing.T) {
	ns := testbed.NewNetns(t)
	ns.Bus = &testbed.Bus{Address: "unix:path=" + filepath.Join(t.TempDir(), "no-bus-here")}
	d := testbed.StartDaemon(t, ns, testbed.DaemonOptions{NoWait: true, Quiet: true})
	code, err := d.WaitExit(30 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	errs := errorLines(d.Log())
	if code != 1 || len(errs) != 1 || !strings.Contains(errs[0], "cannot connect to D-Bus") {
		t.Fatalf("exit %d, error lines %q; want 1 and one 'cannot connect' line\n%s", code, errs, d.Log())
	}
}

func TestBrokenConfigExits7(t *testing.T) {
	ns := testbed.NewNetns(t)
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{})
	d := testbed.StartDaemon(t, ns, testbed.DaemonOptions{NoWait: true, Quiet: true,
		ConfD: map[string]string{"broken.conf": "[main]\nnot a key value pair\n"}})
	code, err := d.WaitExit(30 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if code != exitInvalidConfig || !strings.Contains(d.Log(), "Failed to read configuration: ") ||
		!strings.Contains(d.Log(), "broken.conf") {
		t.Fatalf("exit %d, log:\n%s\nwant 7 and a message naming broken.conf", code, d.Log())
	}
}

func TestSIGINTStopsCleanly(t *testing.T) {
	ns := testbed.NewNetns(t)
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{})
	d := testbed.StartDaemon(t, ns, testbed.DaemonOptions{})
	if err := syscall.Kill(d.PID, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	code, err := d.WaitExit(20 * time.Second)
	if err != nil || code != 0 {
		t.Fatalf("after SIGINT: exit %d, %v\n%s", code, err, d.Log())
	}
}

func TestPrintConfig(t *testing.T) {
	ns := testbed.NewNetns(t)
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{})
	d := testbed.StartDaemon(t, ns, testbed.DaemonOptions{NoWait: true, Quiet: true,
		Args:  []string{"--print-config"},
		ConfD: map[string]string{"10-extra.conf": "[main]\ndns=default\n"}})
	code, err := d.WaitExit(30 * time.Second)
	if err != nil || code != 0 {
		t.Fatalf("exit %d, %v", code, err)
	}
	log := d.Log()
	for _, want := range []string{"# NetworkManager configuration: ", "10-extra.conf", "[main]", "dns=default", "plugins=keyfile"} {
		if !strings.Contains(log, want) {
			t.Errorf("--print-config output lacks %q:\n%s", want, log)
		}
	}
}
