package difftest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/benchreport"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/testbed"
)

// rssKiB reads a process's resident set size.
func rssKiB(pid int) float64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return n
		}
	}
	return -1
}

// The Settings API with 1000 profiles on disk, NetworkManager 1.42 and
// gonm side by side: start-up until all are exported, ReloadConnections,
// GetSettings of each, AddConnection and Delete of 200 more, and the
// daemon's memory. (gonm's binary is the one `make bench` builds, without
// the race detector.)
func BenchmarkSettings1000Profiles(b *testing.B) {
	testbed.RequireReference(b)
	for range b.N {
		for _, subject := range []string{refSubject, "gonm"} {
			ns := testbed.NewNetns(b)
			ns.Bus = testbed.StartBus(b, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
			dir := testbed.TempDir(b)
			writeBenchProfiles(b, filepath.Join(dir, "system-connections"), 1000)
			opts := testbed.DaemonOptions{Dir: dir, Quiet: true, Config: strings.Replace(testbed.DefaultConfig, "level=DEBUG", "level=INFO", 1)}
			start := time.Now()
			var d *testbed.Daemon
			if subject == refSubject {
				d = testbed.StartReference(b, ns, opts)
			} else {
				d = testbed.StartDaemon(b, ns, opts)
			}
			conn := ns.Bus.Conn(b)
			deadline := time.Now().Add(5 * time.Minute)
			for managedCount(conn, "/Settings/") < 1000 {
				if time.Now().After(deadline) {
					b.Fatalf("%s did not export 1000 profiles", subject)
				}
				time.Sleep(10 * time.Millisecond)
			}
			const sc = "settings/1000-profiles"
			fig := func(metric string, v float64, unit string) {
				report.Add(benchreport.Figure{Scenario: sc, Subject: subject, Metric: metric, Value: v, Unit: unit})
			}
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			fig("start_until_exported", time.Since(start).Seconds(), "s")
			settings := conn.Object(testbed.BusName, nmSettingsPath)

			t0 := time.Now()
			if err := settings.Call(nmSettingsIface+".ReloadConnections", 0).Err; err != nil {
				b.Fatal(err)
			}
			fig("reload_connections", ms(time.Since(t0)), "ms")

			var paths []dbus.ObjectPath
			if err := settings.Call(nmSettingsIface+".ListConnections", 0).Store(&paths); err != nil {
				b.Fatal(err)
			}
			t0 = time.Now()
			for _, p := range paths {
				if _, err := getSettings(conn, p); err != nil {
					b.Fatal(err)
				}
			}
			fig("getsettings_each", ms(time.Since(t0))/float64(len(paths)), "ms")

			var added []dbus.ObjectPath
			t0 = time.Now()
			for i := range 200 {
				p, err := addConnection(conn, setting.Dict{"connection": sdict{"id": v(fmt.Sprintf("bench%d", i)),
					"uuid": v(fmt.Sprintf("%08x-1111-4000-8000-000000000000", i)), "type": v("802-3-ethernet"),
					"interface-name": v("nomatch"), "autoconnect": v(false)}})
				if err != nil {
					b.Fatal(err)
				}
				added = append(added, p)
			}
			fig("add_connection_each", ms(time.Since(t0))/200, "ms")
			t0 = time.Now()
			for _, p := range added {
				if err := conn.Object(testbed.BusName, p).Call(nmConnIface+".Delete", 0).Err; err != nil {
					b.Fatal(err)
				}
			}
			fig("delete_each", ms(time.Since(t0))/200, "ms")
			fig("rss", rssKiB(d.PID)/1024, "MiB")
			if err := d.Stop(); err != nil {
				b.Fatal(err)
			}
		}
	}
}
