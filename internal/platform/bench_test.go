package platform

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/benchreport"
	"github.com/gonm/gonm/internal/testbed"
)

// BenchmarkRouteStorm is the platform part of `make bench`: 100k IPv4
// routes added one by one from outside (ip -batch) to a managed interface,
// then deleted, with three daemons side by side, each in its own twin
// namespace: gonm, Debian's NetworkManager 1.42 and systemd-networkd.
// Storms run one daemon at a time so they do not compete for the CPU.
// Figures go to the table and to $BENCH_JSON (internal/benchreport).
func BenchmarkRouteStorm(b *testing.B) {
	testbed.RequireRoot(b)
	n := 100000
	if testing.Short() {
		n = 10000
	}
	ensureReleaseBinary(b)
	var rep benchreport.Report
	scenario := fmt.Sprintf("platform/route-storm-%dk", n/1000)
	for i := 0; i < b.N; i++ {
		for _, s := range []subjectKind{subjectGonm, subjectNM, subjectNetworkd} {
			runStorm(b, &rep, scenario, s, n)
		}
	}
	b.StopTimer()
	bytesPerRoute(b, &rep, scenario, n)
	if err := rep.Publish(os.Stdout); err != nil {
		b.Fatal(err)
	}
}

type subjectKind int

const (
	subjectGonm subjectKind = iota
	subjectNM
	subjectNetworkd
)

var subjectNames = map[subjectKind]string{
	subjectGonm: "gonm", subjectNM: "NetworkManager-1.42", subjectNetworkd: "systemd-networkd",
}

// targets are the goals for gonm.
var targets = map[string]string{
	"storm_cpu_seconds":       "<= half of networkd's",
	"settle_after_last_add_s": "<= 0.5 s (converged)",
	"peak_rss_mb":             "<= 25 MB",
	"rss_30s_after_delete_mb": "<= idle + 5 MB",
	"idle_rss_mb":             "<= 9 MB",
	"launch_to_bus_answer_s":  "<= 0.03 s",
	"netlink_drops":           "0",
	"heap_bytes_per_route":    "<= 100",
}

// ensureReleaseBinary makes the daemon binary of the benchmark an
// ordinary build: `make bench` passes one in GONM_BIN_DIR; otherwise one
// is built here, since the test bed's own builds use the race detector.
func ensureReleaseBinary(b *testing.B) {
	if os.Getenv("GONM_BIN_DIR") != "" {
		return
	}
	dir := b.TempDir()
	root, err := filepath.Abs("../..")
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-o", dir+"/", "./cmd/NetworkManager")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build daemon: %v\n%s", err, out)
	}
	b.Setenv("GONM_BIN_DIR", dir)
}

// daemonUnderTest is one running daemon and how to observe it.
type daemonUnderTest struct {
	name   string
	ns     *testbed.Netns
	pid    int
	launch time.Duration // launch to first answer on the bus
	log    func() string
	stop   func()
}

func runStorm(b *testing.B, rep *benchreport.Report, scenario string, kind subjectKind, n int) {
	name := subjectNames[kind]
	add := func(metric string, v float64, unit string) {
		f := benchreport.Figure{Scenario: scenario, Subject: name, Metric: metric, Value: v, Unit: unit}
		if kind == subjectGonm {
			f.Target = targets[metric]
		}
		rep.Add(f)
	}
	ns := testbed.NewNetns(b)
	peer := testbed.NewNetns(b)
	testbed.Veth(b, ns, "eth1", peer, "peer1")
	var d *daemonUnderTest
	switch kind {
	case subjectGonm:
		d = startGonm(b, ns)
	case subjectNM:
		d = startNM(b, ns)
	case subjectNetworkd:
		d = startNetworkd(b, ns)
	}
	if d == nil {
		return
	}
	defer d.stop()
	add("launch_to_bus_answer_s", d.launch.Seconds(), "s")
	waitIdle(d.pid, time.Second, 30*time.Second)
	idle := rssKB(d.pid)
	add("idle_rss_mb", float64(idle)/1024, "MB")

	cpu0 := benchreport.ProcCPU(d.pid)
	ns.MustIP("-batch", batchFile(b, func(w func(string)) {
		for i := 0; i < n; i++ {
			w(fmt.Sprintf("route add 10.%d.%d.%d/32 dev eth1", 100+i>>16, (i>>8)&255, i&255))
		}
	}))
	lastAdd := time.Now()
	active := waitIdle(d.pid, time.Second, 120*time.Second)
	cpuAdd := benchreport.ProcCPU(d.pid) - cpu0
	settle := active.Sub(lastAdd)
	if settle < 0 {
		settle = 0
	}
	if kind == subjectGonm {
		if t, ok := convergedAt(d.log(), n); ok {
			settle = t.Sub(lastAdd)
			if settle < 0 {
				settle = 0
			}
		} else {
			b.Errorf("gonm never logged a settled cache with %d routes", n)
		}
	}
	add("settle_after_last_add_s", settle.Seconds(), "s")

	cpu1 := benchreport.ProcCPU(d.pid)
	ns.MustIP("-batch", batchFile(b, func(w func(string)) {
		for i := 0; i < n; i++ {
			w(fmt.Sprintf("route del 10.%d.%d.%d/32 dev eth1", 100+i>>16, (i>>8)&255, i&255))
		}
	}))
	waitIdle(d.pid, time.Second, 120*time.Second)
	cpuDel := benchreport.ProcCPU(d.pid) - cpu1
	add("storm_cpu_seconds", (cpuAdd + cpuDel).Seconds(), "s")
	add("add_cpu_seconds", cpuAdd.Seconds(), "s")
	add("delete_cpu_seconds", cpuDel.Seconds(), "s")
	add("peak_rss_mb", float64(hwmKB(d.pid))/1024, "MB")
	add("netlink_drops", float64(netlinkDrops(b, ns)), "count")
	time.Sleep(30 * time.Second)
	add("rss_30s_after_delete_mb", float64(rssKB(d.pid))/1024, "MB")
}

// ---- the three daemons ----

func startGonm(b *testing.B, ns *testbed.Netns) *daemonUnderTest {
	ns.Bus = testbed.StartBus(b, testbed.BusOptions{})
	conf := strings.Replace(testbed.DefaultConfig, "level=DEBUG", "level=DEBUG\ndomains=PLATFORM:DEBUG,CORE:INFO", 1)
	start := time.Now()
	d := testbed.StartDaemon(b, ns, testbed.DaemonOptions{NoWait: true, Quiet: true, Config: conf})
	launch := waitAnswer(b, ns.Bus, testbed.BusName, "/org/freedesktop/NetworkManager", "org.freedesktop.NetworkManager", "Version", start)
	return &daemonUnderTest{name: "gonm", ns: ns, pid: d.PID, launch: launch, log: d.Log,
		stop: func() {
			if err := d.Stop(); err != nil {
				b.Error(err)
			}
		}}
}

func startNM(b *testing.B, ns *testbed.Netns) *daemonUnderTest {
	if _, err := os.Stat(testbed.ReferenceBinary); err != nil {
		b.Logf("skipping NetworkManager 1.42: %v", err)
		return nil
	}
	ns.Bus = testbed.StartBus(b, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	dir := b.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	// A static profile for eth1, so NetworkManager manages the link the
	// routes go to.
	profile := "[connection]\nid=eth1\ntype=ethernet\ninterface-name=eth1\n\n[ipv4]\nmethod=manual\naddress1=192.0.2.1/24\n\n[ipv6]\nmethod=disabled\n"
	conf := strings.Replace(testbed.DefaultConfig, "level=DEBUG", "level=INFO", 1)
	opts := testbed.DaemonOptions{NoWait: true, Quiet: true, Config: conf, Dir: dir}
	if err := os.MkdirAll(filepath.Join(dir, "system-connections"), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "system-connections", "eth1.nmconnection"), []byte(profile), 0o600); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	d := testbed.StartReference(b, ns, opts)
	launch := waitAnswer(b, ns.Bus, testbed.BusName, "/org/freedesktop/NetworkManager", "org.freedesktop.NetworkManager", "Version", start)
	// Wait until it activated the profile.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(ns.MustIP("-4", "addr", "show", "dev", "eth1"), "192.0.2.1/24") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return &daemonUnderTest{name: "nm", ns: ns, pid: d.PID, launch: launch, log: d.Log,
		stop: func() { _ = d.Stop() }}
}

const networkdBinary = "/lib/systemd/systemd-networkd"

// startNetworkd runs systemd-networkd without systemd: in the namespace,
// with a private mount namespace where /run is a fresh tmpfs holding the
// .network file and a container marker, and /sys is read-only (so it does
// not wait for udev, which does not run here).
func startNetworkd(b *testing.B, ns *testbed.Netns) *daemonUnderTest {
	if _, err := os.Stat(networkdBinary); err != nil {
		b.Logf("skipping systemd-networkd: %v", err)
		return nil
	}
	ns.Bus = testbed.StartBus(b, testbed.BusOptions{Policies: []string{"/usr/share/dbus-1/system.d/org.freedesktop.network1.conf"}})
	network := "[Match]\nName=eth1\n\n[Network]\nAddress=192.0.2.1/24\nLinkLocalAddressing=no\n"
	script := "set -e; mount --make-rprivate /; mount -o remount,ro /sys; mount -t tmpfs tmpfs /run; " +
		"mkdir -p /run/systemd/network /run/dbus; echo gonm-bench > /run/systemd/container; " +
		"printf '%s' '" + network + "' > /run/systemd/network/10-eth1.network; " +
		"exec " + networkdBinary
	cmd := ns.Command(context.Background(), "unshare", "--mount", "--propagation", "private", "sh", "-c", script)
	if os.Getenv("SYSTEMD_LOG_LEVEL") == "" {
		cmd.Env = append(cmd.Env, "SYSTEMD_LOG_LEVEL=info")
	}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatalf("start networkd: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop := func() {
		select {
		case <-exited:
			return
		default:
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	b.Cleanup(stop)
	b.Cleanup(func() {
		if b.Failed() {
			b.Logf("systemd-networkd output:\n%s", out.String())
		}
	})
	launch := waitAnswer(b, ns.Bus, "org.freedesktop.network1", "/org/freedesktop/network1", "org.freedesktop.network1.Manager", "OperationalState", start)
	return &daemonUnderTest{name: "networkd", ns: ns, pid: cmd.Process.Pid, launch: launch,
		log: func() string { return out.String() }, stop: stop}
}

// waitAnswer asks the daemon for one of its properties until it answers,
// and returns the time from launch to that answer. A property of the
// daemon's own interface is asked (not Peer.Ping, which a D-Bus library
// may answer before the daemon is ready for anything else).
func waitAnswer(b *testing.B, bus *testbed.Bus, name string, path dbus.ObjectPath, iface, prop string, start time.Time) time.Duration {
	conn, err := dbus.Connect(bus.Address)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	deadline := start.Add(30 * time.Second)
	var lastErr error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		lastErr = conn.Object(name, path).CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, iface, prop).Err
		cancel()
		if lastErr == nil {
			return time.Since(start)
		}
		time.Sleep(time.Millisecond)
	}
	b.Fatalf("%s did not answer on the bus within 30s: %v", name, lastErr)
	return 0
}

// ---- process observation ----

func rssKB(pid int) int64 { return benchreport.ProcStatusKB(pid, "VmRSS") }
func hwmKB(pid int) int64 { return benchreport.ProcStatusKB(pid, "VmHWM") }

// waitIdle waits until the process used no CPU for quiet (checked every
// 10 ms, the clock tick), and returns when it was last seen working.
func waitIdle(pid int, quiet, max time.Duration) time.Time {
	last := benchreport.ProcCPU(pid)
	lastActive := time.Now()
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		c := benchreport.ProcCPU(pid)
		if c != last {
			last, lastActive = c, time.Now()
		} else if time.Since(lastActive) >= quiet {
			break
		}
	}
	return lastActive
}

// netlinkDrops sums the drop counters of the rtnetlink sockets in the
// namespace (only the daemon's live there).
func netlinkDrops(b *testing.B, ns *testbed.Netns) int64 {
	out, err := ns.Run("cat", "/proc/net/netlink")
	if err != nil {
		b.Logf("read /proc/net/netlink: %v", err)
		return -1
	}
	var total int64
	for i, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if i == 0 || len(f) < 9 || f[1] != "0" {
			continue
		}
		d, _ := strconv.ParseInt(f[8], 10, 64)
		total += d
	}
	return total
}

var settledRE = regexp.MustCompile(`cache settled: \d+ changes, last at ([0-9.]+): \d+ links, \d+ addresses, (\d+) IPv4 routes`)

// convergedAt finds when gonm's cache first held at least n IPv4 routes.
func convergedAt(log string, n int) (time.Time, bool) {
	for _, m := range settledRE.FindAllStringSubmatch(log, -1) {
		routes, _ := strconv.Atoi(m[2])
		if routes >= n {
			sec, _ := strconv.ParseFloat(m[1], 64)
			return time.Unix(0, int64(sec*1e9)), true
		}
	}
	return time.Time{}, false
}

// bytesPerRoute measures the heap a cached route costs, in this process:
// a platform mirrors a namespace while n routes are added.
func bytesPerRoute(b *testing.B, rep *benchreport.Report, scenario string, n int) {
	ns := stormNS(b)
	x := startTP(b, ns, tpOptions{})
	x.converge(time.Minute)
	before := heapInUse()
	ns.MustIP("-batch", batchFile(b, routeStorm(n, "add")))
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		var c int
		x.call(func() { c = x.p.RouteCount(TypeIP4Route) })
		if c >= n {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	after := heapInUse()
	per := float64(int64(after)-int64(before)) / float64(n)
	rep.Add(benchreport.Figure{Scenario: scenario, Subject: "gonm", Metric: "heap_bytes_per_route",
		Value: per, Unit: "B", Target: targets["heap_bytes_per_route"]})
}
