package difftest

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/benchreport"
	"github.com/gonm/gonm/internal/testbed"
)

// The D-Bus scenarios of internal/bus's benchmarks, run against
// NetworkManager 1.42 with the same Go client, so that the figures sit side
// by side in one table. gonm's side of them is synthetic objects through
// its exporter (it has no device or settings layer yet); here the
// reference manages real links and profiles.

var report benchreport.Report

func TestMain(m *testing.M) { benchreport.Main(m, &report) }

const refSubject = "NetworkManager-1.42"

func addLatencies(scenario string, d []time.Duration) { addLatenciesFor(refSubject, scenario, d) }

func addLatenciesFor(subject, scenario string, d []time.Duration) {
	report.AddLatencies(scenario, subject, d)
}

func encodedSize(msg *dbus.Message) int {
	var buf bytes.Buffer
	if err := msg.EncodeTo(&buf, binary.LittleEndian); err != nil {
		return -1
	}
	return buf.Len()
}

// vethPairs creates n veth pairs (2n links) inside ns with one `ip -batch`.
func vethPairs(b *testing.B, ns *testbed.Netns, n int) []string {
	var batch strings.Builder
	var names []string
	for i := range n {
		fmt.Fprintf(&batch, "link add va%d type veth peer name vb%d\nlink set va%d up\nlink set vb%d up\n", i, i, i, i)
		names = append(names, fmt.Sprintf("va%d", i), fmt.Sprintf("vb%d", i))
	}
	f := filepath.Join(b.TempDir(), "links.batch")
	if err := os.WriteFile(f, []byte(batch.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	ns.MustIP("-batch", f)
	return names
}

// profiles writes n keyfiles that match no link, so that the reference
// loads them without activating anything.
func writeBenchProfiles(b *testing.B, dir string, n int) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		kf := fmt.Sprintf("[connection]\nid=profile%d\nuuid=%08x-0000-4000-8000-000000000000\ntype=ethernet\ninterface-name=nomatch%d\nautoconnect=false\n\n[ipv4]\nmethod=auto\n\n[ipv6]\nmethod=auto\n", i, i, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("profile%d.nmconnection", i)), []byte(kf), 0o600); err != nil {
			b.Fatal(err)
		}
	}
}

func managedCount(conn *dbus.Conn, match string) int {
	var managed map[dbus.ObjectPath]map[string]map[string]dbus.Variant
	if err := conn.Object(testbed.BusName, "/org/freedesktop").Call("org.freedesktop.DBus.ObjectManager.GetManagedObjects", 0).Store(&managed); err != nil {
		return -1
	}
	n := 0
	for p := range managed {
		if strings.Contains(string(p), match) {
			n++
		}
	}
	return n
}

// NetworkManager 1.42 with 1000 devices (500 veth pairs) and 1000
// profiles: GetManagedObjects latency and size, then PropertiesChanged
// traffic while every device's counters change and RefreshRateMs is 1000.
func BenchmarkReference1000Devices1000Profiles(b *testing.B) {
	testbed.RequireReference(b)
	bench1000Devices(b, refSubject, testbed.StartReference, []string{testbed.NetworkManagerPolicy})
}

// The same with gonm's daemon (every device with its IP4Config and
// IP6Config objects, as NetworkManager has them).
func BenchmarkGonm1000Devices1000Profiles(b *testing.B) {
	bench1000Devices(b, "gonm", testbed.StartDaemon, nil)
}

func bench1000Devices(b *testing.B, subject string, startDaemon func(testbed.Env, *testbed.Netns, testbed.DaemonOptions) *testbed.Daemon, policies []string) {
	ns := testbed.NewNetns(b)
	ns.Bus = testbed.StartBus(b, testbed.BusOptions{Policies: policies})
	links := vethPairs(b, ns, 500)
	dir := testbed.TempDir(b)
	writeBenchProfiles(b, filepath.Join(dir, "system-connections"), 1000)
	start := time.Now()
	startDaemon(b, ns, testbed.DaemonOptions{Dir: dir, Quiet: true, Config: strings.Replace(testbed.DefaultConfig, "level=DEBUG", "level=INFO", 1)})
	var bytesIn, sigsIn int
	var mu sync.Mutex
	count := func(msg *dbus.Message) {
		if member, _ := msg.Headers[dbus.FieldMember].Value().(string); msg.Type != dbus.TypeSignal || member != "PropertiesChanged" {
			return
		}
		if path, _ := msg.Headers[dbus.FieldPath].Value().(dbus.ObjectPath); !strings.HasPrefix(string(path), "/org/freedesktop/NetworkManager/Devices/") {
			return
		}
		if iface, ok := msg.Body[0].(string); !ok || iface != "org.freedesktop.NetworkManager.Device.Statistics" {
			return
		}
		if n := encodedSize(msg); n > 0 {
			mu.Lock()
			bytesIn += n
			sigsIn++
			mu.Unlock()
		}
	}
	conn, err := dbus.Connect(ns.Bus.Address, dbus.WithIncomingInterceptor(count))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	deadline := time.Now().Add(10 * time.Minute)
	for managedCount(conn, "/Devices/") < 1001 || managedCount(conn, "/Settings/") < 1000 {
		if time.Now().After(deadline) {
			b.Fatalf("%s did not export 1000 devices and profiles within 10 minutes (devices %d, profiles %d)",
				subject, managedCount(conn, "/Devices/"), managedCount(conn, "/Settings/"))
		}
		time.Sleep(time.Second)
	}
	settle := time.Since(start)
	b.ResetTimer()
	for range b.N {
		obj := conn.Object(testbed.BusName, "/org/freedesktop")
		var lat []time.Duration
		var size, objects int
		for range 30 {
			t0 := time.Now()
			call := obj.Call("org.freedesktop.DBus.ObjectManager.GetManagedObjects", 0)
			lat = append(lat, time.Since(t0))
			var managed map[dbus.ObjectPath]map[string]map[string]dbus.Variant
			if err := call.Store(&managed); err != nil {
				b.Fatal(err)
			}
			if size == 0 {
				objects = len(managed)
				size = encodedSize(&dbus.Message{Type: dbus.TypeMethodReply, Headers: map[dbus.HeaderField]dbus.Variant{
					dbus.FieldReplySerial: dbus.MakeVariant(uint32(1)),
					dbus.FieldSignature:   dbus.MakeVariant(dbus.SignatureOf(managed)),
				}, Body: []any{managed}})
			}
		}
		const sc = "bus/GetManagedObjects-1000dev-1000prof"
		addLatenciesFor(subject, sc, lat)
		report.Add(benchreport.Figure{Scenario: sc, Subject: subject, Metric: "reply_size", Value: float64(size) / 1024, Unit: "KiB"})
		report.Add(benchreport.Figure{Scenario: sc, Subject: subject, Metric: "objects", Value: float64(objects), Unit: "objects"})
		report.Add(benchreport.Figure{Scenario: sc, Subject: subject, Metric: "start_until_exported", Value: settle.Seconds(), Unit: "s"})

		// Statistics: RefreshRateMs 1000 on every device, traffic on every
		// link, ten seconds of PropertiesChanged counted.
		if err := conn.AddMatchSignal(dbus.WithMatchInterface("org.freedesktop.DBus.Properties"), dbus.WithMatchMember("PropertiesChanged")); err != nil {
			b.Fatal(err)
		}
		for i := 1; i <= 1001; i++ {
			dev := conn.Object(testbed.BusName, dbus.ObjectPath(fmt.Sprintf("/org/freedesktop/NetworkManager/Devices/%d", i)))
			_ = dev.SetProperty("org.freedesktop.NetworkManager.Device.Statistics.RefreshRateMs", dbus.MakeVariant(uint32(1000)))
		}
		stop := make(chan struct{})
		go func() { _ = ns.Do(func() error { return sendEvery(links, 250*time.Millisecond, stop) }) }()
		time.Sleep(2 * time.Second) // let the refresh timers run in
		mu.Lock()
		bytesIn, sigsIn = 0, 0
		mu.Unlock()
		const window = 10 * time.Second
		time.Sleep(window)
		close(stop)
		mu.Lock()
		sc2 := "bus/PropertiesChanged-1000dev-statistics-1Hz"
		report.Add(benchreport.Figure{Scenario: sc2, Subject: subject, Metric: "signals_per_s", Value: float64(sigsIn) / window.Seconds(), Unit: "signals"})
		report.Add(benchreport.Figure{Scenario: sc2, Subject: subject, Metric: "bytes_per_s", Value: float64(bytesIn) / window.Seconds() / 1024, Unit: "KiB"})
		mu.Unlock()
	}
}

// sendEvery sends a small UDP broadcast out of every link at the given
// interval until stop closes, so that both counters of every device change
// (each end of a pair sends and receives), as in gonm's benchmark.
// It runs inside the benchmark's namespace.
func sendEvery(links []string, every time.Duration, stop chan struct{}) error {
	var fds []int
	defer func() {
		for _, fd := range fds {
			syscall.Close(fd)
		}
	}()
	for _, l := range links {
		fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM, 0)
		if err != nil {
			return err
		}
		fds = append(fds, fd)
		_ = syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_BROADCAST, 1)
		if err := syscall.BindToDevice(fd, l); err != nil {
			return err
		}
	}
	dst := &syscall.SockaddrInet4{Port: 9}
	copy(dst.Addr[:], net.IPv4bcast.To4())
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for _, fd := range fds {
			_ = syscall.Sendto(fd, []byte("gonm"), 0, dst)
		}
		select {
		case <-stop:
			return nil
		case <-t.C:
		}
	}
}

// NetworkManager 1.42 while 100k routes are added to an active device:
// GetAll on that device, answered by NetworkManager's busy main loop.
func BenchmarkReferenceGetAllDuringRouteStorm(b *testing.B) {
	testbed.RequireReference(b)
	ns := testbed.NewNetns(b)
	peer := testbed.NewNetns(b)
	ns.Bus = testbed.StartBus(b, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	testbed.Veth(b, ns, "eth1", peer, "peer1")
	testbed.StartReference(b, ns, testbed.DaemonOptions{Quiet: true, Config: strings.Replace(testbed.DefaultConfig, "level=DEBUG", "level=INFO", 1)})
	if out, err := ns.Run("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "static1",
		"ipv4.method", "manual", "ipv4.addresses", "192.0.2.1/24", "ipv6.method", "disabled"); err != nil {
		b.Fatalf("%v: %s", err, out)
	}
	conn := ns.Bus.Conn(b)
	var devPath dbus.ObjectPath
	deadline := time.Now().Add(60 * time.Second)
	for devPath == "" {
		_ = conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager").Call("org.freedesktop.NetworkManager.GetDeviceByIpIface", 0, "eth1").Store(&devPath)
		if time.Now().After(deadline) {
			b.Fatal("no eth1 device")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Wait for the activation, so that the routes' gateway is on-link.
	for {
		v, err := conn.Object(testbed.BusName, devPath).GetProperty("org.freedesktop.NetworkManager.Device.State")
		if err == nil && v.Value() == uint32(100) {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("eth1 not activated: %v %v", v, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	var batch strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&batch, "route add 10.%d.%d.%d/32 via 192.0.2.254 dev eth1 proto static\n", i>>16, i>>8&0xff, i&0xff)
	}
	f := filepath.Join(b.TempDir(), "routes.batch")
	if err := os.WriteFile(f, []byte(batch.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		done := make(chan time.Duration, 1)
		start := time.Now()
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			if out, err := exec.CommandContext(ctx, "ip", "-n", ns.Name, "-batch", f).CombinedOutput(); err != nil {
				b.Errorf("route storm: %v: %.300s", err, out)
			}
			done <- time.Since(start)
		}()
		dev := conn.Object(testbed.BusName, devPath)
		lat, storm, err := benchreport.SampleUntil(done, func() error {
			var all map[string]dbus.Variant
			return dev.Call("org.freedesktop.DBus.Properties.GetAll", 0, "org.freedesktop.NetworkManager.Device").Store(&all)
		})
		if err != nil {
			b.Fatal(err)
		}
		// NetworkManager may still be digesting the storm: measure a few
		// more calls until it answers quickly again, at most a minute.
		settleDeadline := time.Now().Add(time.Minute)
		for time.Now().Before(settleDeadline) {
			t0 := time.Now()
			var all map[string]dbus.Variant
			if err := dev.Call("org.freedesktop.DBus.Properties.GetAll", 0, "org.freedesktop.NetworkManager.Device").Store(&all); err != nil {
				b.Fatal(err)
			}
			d := time.Since(t0)
			lat = append(lat, d)
			if d < 5*time.Millisecond {
				break
			}
		}
		b.StopTimer()
		const sc = "bus/GetAll-device-during-100k-route-storm"
		addLatencies(sc, lat)
		report.Add(benchreport.Figure{Scenario: sc, Subject: refSubject, Metric: "getall_calls_during_storm", Value: float64(len(lat)), Unit: "calls"})
		report.Add(benchreport.Figure{Scenario: sc, Subject: refSubject, Metric: "storm_duration", Value: float64(storm.Milliseconds()), Unit: "ms"})
	}
}
