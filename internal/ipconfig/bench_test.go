package ipconfig

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/benchreport"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/testbed"
)

// The route-storm benchmark of issue 6: an interface with a static
// profile, 100k IPv4 routes added one by one from outside, then deleted,
// with a client watching. Measured per subject: the daemon's CPU seconds,
// peak RSS and RSS 30 s after the deletion; the PropertiesChanged signals
// of the interface's IP4Config (count, bytes, the largest); the time from
// the last add until D-Bus shows the settled state; `nmcli device` latency
// during the storm; `nmcli monitor`'s peak RSS; and whether D-Bus matches
// the kernel after the storms and after forced overflows (the daemon
// stopped with SIGSTOP during a storm).
//
// Subjects: NetworkManager 1.42; gonm's daemon (its device for eth1
// drives the interface's L3Cfg and exports its Ip4Config); gonm's lower
// layers (platform, l3cfg, ipconfig, exporter on a real bus) in a process
// of their own, measured like a daemon except for what needs
// NetworkManager's root object (nmcli).

var report benchreport.Report

func TestMain(m *testing.M) {
	if spec := os.Getenv(serveEnv); spec != "" {
		os.Exit(serveChild(spec))
	}
	code := m.Run()
	if len(report.Figures()) > 0 {
		report.WriteTable(os.Stdout)
		if path := os.Getenv("BENCH_JSON"); path != "" {
			if err := report.WriteJSON(path); err != nil {
				fmt.Fprintln(os.Stderr, err)
			}
		}
	}
	os.Exit(code)
}

const (
	stormRoutes   = 100_000
	stormScenario = "ipconfig/route-storm-100k"
	staleScenario = "ipconfig/stale-list-after-overflow-100k"
)

// stormTarget is a daemon (or the in-process layers) with eth1 activated
// with stormProfile.
type stormTarget struct {
	subject string
	ns      *testbed.Netns
	pid     int // 0: in-process
	ip4     dbus.ObjectPath
	// capped: the subject exports at most MaxRoutes routes.
	capped bool
	// noRoot: no NetworkManager root object (gonm's layers without the
	// daemon): nmcli cannot talk to it.
	noRoot bool
}

// signalLog counts the PropertiesChanged signals of one object.
type signalLog struct {
	mu      sync.Mutex
	path    dbus.ObjectPath
	count   int
	bytes   int
	largest int
	times   []time.Time
	routes  []int // RouteData entries per signal carrying it (-1: none)
}

func (s *signalLog) intercept(msg *dbus.Message) {
	if msg.Type != dbus.TypeSignal {
		return
	}
	if m, _ := msg.Headers[dbus.FieldMember].Value().(string); m != "PropertiesChanged" {
		return
	}
	if p, _ := msg.Headers[dbus.FieldPath].Value().(dbus.ObjectPath); p != s.path {
		return
	}
	var buf bytes.Buffer
	if err := msg.EncodeTo(&buf, binary.LittleEndian); err != nil {
		return
	}
	n := -1
	if len(msg.Body) >= 2 {
		if ch, ok := msg.Body[1].(map[string]dbus.Variant); ok {
			if rd, ok := ch["RouteData"]; ok {
				if l, ok := rd.Value().([]map[string]dbus.Variant); ok {
					n = len(l)
				}
			}
		}
	}
	s.mu.Lock()
	s.count++
	s.bytes += buf.Len()
	s.largest = max(s.largest, buf.Len())
	s.times = append(s.times, time.Now())
	s.routes = append(s.routes, n)
	s.mu.Unlock()
}

func (s *signalLog) reset() {
	s.mu.Lock()
	s.count, s.bytes, s.largest, s.times, s.routes = 0, 0, 0, nil, nil
	s.mu.Unlock()
}

// startStormReference runs NetworkManager 1.42 with eth1 activated.
func startStormReference(b *testing.B) *stormTarget {
	testbed.RequireReference(b)
	ns, peer := testbed.NewNetns(b), testbed.NewNetns(b)
	ns.Bus = testbed.StartBus(b, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	testbed.Veth(b, ns, "eth1", peer, "peer1")
	peer.MustIP("link", "set", "peer1", "up")
	d := testbed.StartReference(b, ns, testbed.DaemonOptions{Quiet: true,
		Config: strings.Replace(testbed.DefaultConfig, "level=DEBUG", "level=INFO", 1)})
	if err := os.WriteFile(d.ConnectionsDir+"/storm.nmconnection", []byte(stormProfile), 0o600); err != nil {
		b.Fatal(err)
	}
	ns.MustRun("nmcli", "connection", "reload")
	ns.MustRun("nmcli", "connection", "up", "storm")
	ip4 := waitIP4Config(b, ns, 30*time.Second)
	if ip4 == "" {
		b.Fatal("the reference did not export eth1's IP4Config")
	}
	return &stormTarget{subject: "NetworkManager-1.42", ns: ns, pid: benchreport.ProcessNamed(d.PID, "NetworkManager"), ip4: ip4}
}

// startStormGonm runs gonm's daemon with eth1 activated.
func startStormGonm(b *testing.B) *stormTarget {
	ns, peer := testbed.NewNetns(b), testbed.NewNetns(b)
	ns.Bus = testbed.StartBus(b, testbed.BusOptions{})
	testbed.Veth(b, ns, "eth1", peer, "peer1")
	peer.MustIP("link", "set", "peer1", "up")
	d := testbed.StartDaemon(b, ns, testbed.DaemonOptions{Quiet: true,
		Config: strings.Replace(testbed.DefaultConfig, "level=DEBUG", "level=INFO", 1)})
	if err := os.WriteFile(d.ConnectionsDir+"/storm.nmconnection", []byte(stormProfile), 0o600); err != nil {
		b.Fatal(err)
	}
	_, _ = ns.Run("nmcli", "connection", "reload")
	_, _ = ns.Run("nmcli", "connection", "up", "storm")
	ip4 := waitIP4Config(b, ns, 30*time.Second)
	if ip4 == "" {
		b.Fatal("gonm's daemon did not activate eth1 with its Ip4Config")
	}
	return &stormTarget{subject: "gonm", ns: ns, pid: benchreport.ProcessNamed(d.PID, "NetworkManager"), ip4: ip4, capped: true}
}

// waitIP4Config waits for eth1's device to be activated and returns its
// Ip4Config ("" on timeout).
func waitIP4Config(b *testing.B, ns *testbed.Netns, timeout time.Duration) dbus.ObjectPath {
	conn := ns.Bus.Conn(b)
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var dev dbus.ObjectPath
		if err := conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager").Call("org.freedesktop.NetworkManager.GetDeviceByIpIface", 0, "eth1").Store(&dev); err != nil {
			continue
		}
		st, err := conn.Object(testbed.BusName, dev).GetProperty("org.freedesktop.NetworkManager.Device.State")
		if err != nil || st.Value() != uint32(100) {
			continue
		}
		v, err := conn.Object(testbed.BusName, dev).GetProperty("org.freedesktop.NetworkManager.Device.Ip4Config")
		if err == nil && v.Value().(dbus.ObjectPath) != "/" {
			return v.Value().(dbus.ObjectPath)
		}
	}
	return ""
}

// serveEnv makes the test binary serve gonm's lower layers as a process
// of its own ("NSPATH|BUSADDR|PROFILEFILE"), so that the benchmark can
// measure them as it measures a daemon.
const serveEnv = "GONM_IPCONFIG_SERVE"

func serveChild(spec string) int {
	f := strings.SplitN(spec, "|", 3)
	if len(f) != 3 {
		fmt.Fprintln(os.Stderr, "bad", serveEnv)
		return 2
	}
	profile, err := os.ReadFile(f[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// As the daemon (cmd/NetworkManager/platform.go): a lower GC target
	// and freed memory returned after large removals.
	debug.SetGCPercent(50)
	var g *inproc
	var ret *loop.Timer
	g, err = serveLayers(f[0], f[1], string(profile), platform.Options{Settled: func(b platform.Burst) {
		if b.Removed >= 10000 && (ret == nil || !ret.Pending()) {
			ret = g.loop.AfterFunc(500*time.Millisecond, debug.FreeOSMemory)
		}
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(g.ip4)
	_, _ = io.Copy(io.Discard, os.Stdin) // until the parent closes it
	g.stop()
	return 0
}

// startStormProcess runs gonm's lower layers in a process of their own.
func startStormProcess(b *testing.B) *stormTarget {
	testbed.RequireRoot(b)
	ns, peer := testbed.NewNetns(b), testbed.NewNetns(b)
	testbed.Veth(b, ns, "eth1", peer, "peer1")
	ns.MustIP("link", "set", "eth1", "up")
	peer.MustIP("link", "set", "peer1", "up")
	ns.Bus = testbed.StartBus(b, testbed.BusOptions{})
	pf := filepath.Join(b.TempDir(), "storm.nmconnection")
	if err := os.WriteFile(pf, []byte(stormProfile), 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serveEnv+"="+ns.Path()+"|"+ns.Bus.Address+"|"+pf)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		b.Fatalf("layers process: %v", err)
	}
	return &stormTarget{subject: "gonm-layers-process", ns: ns, pid: cmd.Process.Pid,
		ip4: dbus.ObjectPath(strings.TrimSpace(line)), capped: true, noRoot: true}
}

func BenchmarkRouteStorm(b *testing.B) {
	b.Run("NetworkManager-1.42", func(b *testing.B) { runStorm(b, startStormReference(b)) })
	b.Run("gonm", func(b *testing.B) { runStorm(b, startStormGonm(b)) })
	b.Run("gonm-layers-process", func(b *testing.B) { runStorm(b, startStormProcess(b)) })
}

func fig(sc, subject, metric string, v float64, unit, target string) {
	report.Add(benchreport.Figure{Scenario: sc, Subject: subject, Metric: metric, Value: v, Unit: unit, Target: target})
}

func runStorm(b *testing.B, t *stormTarget) {
	add, del := routeBatch(b, stormRoutes, "add"), routeBatch(b, stormRoutes, "delete")
	sigs := &signalLog{path: t.ip4}
	conn, err := dbus.Connect(t.ns.Bus.Address, dbus.WithIncomingInterceptor(sigs.intercept))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	if err := conn.AddMatchSignal(dbus.WithMatchObjectPath(t.ip4), dbus.WithMatchInterface("org.freedesktop.DBus.Properties")); err != nil {
		b.Fatal(err)
	}
	// A client watching, as a desktop would: nmcli monitor (only against
	// a full daemon: it needs the root object).
	var monitor *exec.Cmd
	if !t.noRoot {
		monitor = t.ns.Command(context.Background(), "nmcli", "monitor")
		monitor.Stdout, monitor.Stderr = nil, nil
		if err := monitor.Start(); err != nil {
			b.Fatal(err)
		}
		defer func() { _ = monitor.Process.Kill(); _ = monitor.Wait() }()
		benchreport.ResetPeak(t.pid)
	}
	time.Sleep(500 * time.Millisecond)
	sigs.reset()
	cpu0 := procCPUSeconds(t.pid)
	b.ResetTimer()

	// The add storm, with nmcli device every 100 ms meanwhile.
	stop := make(chan struct{})
	var lat []time.Duration
	var latMu sync.Mutex
	var wg sync.WaitGroup
	if !t.noRoot {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
				}
				t0 := time.Now()
				if _, err := t.ns.Run("nmcli", "device"); err == nil {
					latMu.Lock()
					lat = append(lat, time.Since(t0))
					latMu.Unlock()
				}
			}
		}()
	}
	start := time.Now()
	t.ns.MustIP("-batch", add)
	lastAdd := time.Now()
	close(stop)
	wg.Wait()
	kernel := len(kernelRoutes(b, t.ns))
	want := kernel
	if t.capped {
		want = MaxRoutes
	}
	// Settled: the last RouteData signal carries the full (or capped)
	// list; give the daemon up to 10 minutes.
	settled := time.Duration(-1)
	for deadline := time.Now().Add(10 * time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		sigs.mu.Lock()
		for i := len(sigs.routes) - 1; i >= 0; i-- {
			if sigs.routes[i] >= 0 {
				if sigs.routes[i] == want {
					settled = max(0, sigs.times[i].Sub(lastAdd))
				}
				break
			}
		}
		sigs.mu.Unlock()
		if settled >= 0 {
			break
		}
	}
	// Let the daemon finish whatever else it does, then count.
	time.Sleep(2 * time.Second)
	sigs.mu.Lock()
	addCount, addBytes, largest := sigs.count, sigs.bytes, sigs.largest
	minGap := time.Duration(0)
	for i := 1; i < len(sigs.times); i++ {
		if g := sigs.times[i].Sub(sigs.times[i-1]); minGap == 0 || g < minGap {
			minGap = g
		}
	}
	sigs.mu.Unlock()
	addWall := lastAdd.Sub(start)
	cpuAdd := procCPUSeconds(t.pid) - cpu0

	// The delete storm, then 30 s.
	sigs.reset()
	t.ns.MustIP("-batch", del)
	time.Sleep(30 * time.Second)
	delCount, delBytes := sigs.count, sigs.bytes
	b.StopTimer()

	s := t.subject
	onBus := len(busRoutes(b, conn, t.ip4))
	kernelAfter := len(kernelRoutes(b, t.ns))
	fig(stormScenario, s, "add_storm_wall", addWall.Seconds(), "s", "")
	fig(stormScenario, s, "signals_add_storm", float64(addCount), "count", "")
	fig(stormScenario, s, "signal_bytes_add_storm", float64(addBytes)/1024, "KiB", "<= 16 KB")
	fig(stormScenario, s, "largest_signal", float64(largest)/1024, "KiB", "<= 64 KiB")
	if addCount > 1 {
		fig(stormScenario, s, "min_gap_between_signals", float64(minGap.Milliseconds()), "ms", ">= 333 ms")
	}
	fig(stormScenario, s, "signals_delete_storm", float64(delCount), "count", "")
	fig(stormScenario, s, "signal_bytes_delete_storm", float64(delBytes)/1024, "KiB", "")
	if settled >= 0 {
		fig(stormScenario, s, "last_add_to_settled_dbus", settled.Seconds(), "s", "")
	} else {
		fig(stormScenario, s, "last_add_to_settled_dbus", -1, "s (never)", "")
	}
	fig(stormScenario, s, "dbus_routes_after_delete", float64(onBus), "routes", fmt.Sprintf("= kernel (%d)", kernelAfter))
	if t.pid != 0 {
		fig(stormScenario, s, "cpu_seconds_add_storm", cpuAdd, "s", "")
		fig(stormScenario, s, "cpu_seconds_total", procCPUSeconds(t.pid)-cpu0, "s", "")
		fig(stormScenario, s, "peak_rss", procMB(t.pid, "VmHWM"), "MB", "")
		fig(stormScenario, s, "rss_30s_after_delete", procMB(t.pid, "VmRSS"), "MB", "")
		if monitor != nil {
			fig(stormScenario, s, "nmcli_monitor_peak_rss", procMB(monitor.Process.Pid, "VmHWM"), "MB", "< 50 MB")
		}
		if len(lat) > 0 {
			slices.Sort(lat)
			fig(stormScenario, s, "nmcli_device_p50", lat[len(lat)/2].Seconds(), "s", "")
			fig(stormScenario, s, "nmcli_device_max", lat[len(lat)-1].Seconds(), "s", "< 0.1 s")
		}
		runStale(b, t, conn, add, del)
	}
}

// runStale forces overflows: the daemon is stopped (SIGSTOP) during an add
// storm and during a delete storm, then resumed; D-Bus must then show the
// kernel's state.
func runStale(b *testing.B, t *stormTarget, conn *dbus.Conn, add, del string) {
	check := func(phase string) {
		want := len(kernelRoutes(b, t.ns))
		exp := want
		if t.capped {
			exp = min(want, MaxRoutes)
		}
		got := -1
		for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
			if got = len(busRoutes(b, conn, t.ip4)); got == exp {
				break
			}
		}
		fig(staleScenario, t.subject, "dbus_routes_after_"+phase, float64(got), "routes", fmt.Sprintf("= %d (kernel %d)", exp, want))
	}
	stopped := func(batch string) {
		_ = syscall.Kill(t.pid, syscall.SIGSTOP)
		t.ns.MustIP("-batch", batch)
		_ = syscall.Kill(t.pid, syscall.SIGCONT)
	}
	stopped(add)
	check("add_while_stopped")
	stopped(del)
	check("delete_while_stopped")
}

func procCPUSeconds(pid int) float64 { return benchreport.ProcCPU(pid).Seconds() }

// procMB returns a kB field of /proc/<pid>/status (VmHWM, VmRSS) in MB.
func procMB(pid int, field string) float64 {
	return float64(benchreport.ProcStatusKB(pid, field)) / 1024
}
