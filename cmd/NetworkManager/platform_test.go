package main

import (
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/testbed"
)

// The daemon runs the platform on its loop: with PLATFORM at TRACE it logs
// each kernel event, and it logs the first resync (the start-up dump) at
// INFO.
func TestDaemonLogsPlatformEvents(t *testing.T) {
	ns := testbed.NewNetns(t)
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{})
	d := testbed.StartDaemon(t, ns, testbed.DaemonOptions{Quiet: true, Args: []string{"--log-level=TRACE", "--log-domains=PLATFORM,CORE"}})
	if err := d.WaitLog("platform: resync: cache resynchronized (start)", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Log(), "<info>  [") || !strings.Contains(d.Log(), "resync: cache resynchronized (start): 1 links") {
		t.Errorf("start-up resync not logged at info:\n%s", d.Log())
	}
	ns.MustIP("route", "add", "blackhole", "198.51.100.0/24", "proto", "static")
	if err := d.WaitLog("event-notification: RTM_NEWROUTE", 10*time.Second); err != nil {
		t.Fatalf("%v\n%s", err, d.Log())
	}
	if err := d.WaitLog("ip4-route added: blackhole 198.51.100.0/24", 10*time.Second); err != nil {
		t.Fatalf("%v\n%s", err, d.Log())
	}
	for _, l := range strings.Split(d.Log(), "\n") {
		if strings.Contains(l, "event-notification:") && !strings.HasPrefix(l, "<trace>") {
			t.Errorf("event logged above trace: %s", l)
		}
	}
}

// At the default level (INFO) events are not logged.
func TestDaemonQuietPlatformAtInfo(t *testing.T) {
	ns := testbed.NewNetns(t)
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{})
	d := testbed.StartDaemon(t, ns, testbed.DaemonOptions{Quiet: true, Config: strings.Replace(testbed.DefaultConfig, "level=DEBUG", "level=INFO", 1)})
	ns.MustIP("route", "add", "blackhole", "198.51.100.0/24", "proto", "static")
	time.Sleep(300 * time.Millisecond)
	if strings.Contains(d.Log(), "event-notification") {
		t.Errorf("events logged at INFO:\n%s", d.Log())
	}
	if !strings.Contains(d.Log(), "resync: cache resynchronized (start)") {
		t.Errorf("start-up resync not logged at INFO:\n%s", d.Log())
	}
}
