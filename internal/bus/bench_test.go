package bus

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/benchreport"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/testbed"
)

// Synthetic objects for the benchmarks: ethernet devices and profiles
// with realistic property values, through the real exporter on a real
// private bus.

func notSupported(c *Call) { c.Error(NotSupportedYet(c.Interface, c.Member, "a benchmark")) }

func benchDeviceClass() *Class {
	dev := map[string]Handler{"Reapply": notSupported, "GetAppliedConnection": notSupported, "Disconnect": notSupported, "Delete": notSupported}
	return MustClass(&Class{Name: "Device", Path: FamilyDevices, Numbered: true, Interfaces: []*Interface{
		{Name: ifStats, Setters: map[string]Handler{"RefreshRateMs": notSupported}},
		{Name: ifDev, Methods: dev, Setters: map[string]Handler{"Managed": notSupported, "Autoconnect": notSupported}},
		{Name: ifWired},
	}})
}

func benchProfileClass() *Class {
	m := map[string]Handler{}
	for _, n := range []string{"Update", "UpdateUnsaved", "Delete", "GetSettings", "GetSecrets", "ClearSecrets", "Save", "Update2"} {
		m[n] = notSupported
	}
	return MustClass(&Class{Name: "Connection", Path: FamilySettingsConn, Numbered: true, Interfaces: []*Interface{
		{Name: "org.freedesktop.NetworkManager.Settings.Connection", Methods: m},
	}})
}

func fillDevice(o *Object, i int) {
	mac := fmt.Sprintf("02:00:00:%02x:%02x:%02x", i>>16&0xff, i>>8&0xff, i&0xff)
	o.Set(ifDev, "Udi", fmt.Sprintf("/sys/devices/virtual/net/eth%d", i))
	o.Set(ifDev, "Interface", fmt.Sprintf("eth%d", i))
	o.Set(ifDev, "IpInterface", fmt.Sprintf("eth%d", i))
	o.Set(ifDev, "Driver", "veth")
	o.Set(ifDev, "DriverVersion", "1.0")
	o.Set(ifDev, "Capabilities", uint32(7))
	o.Set(ifDev, "State", uint32(100))
	o.Set(ifDev, "StateReason", struct{ F0, F1 uint32 }{100, 0})
	o.Set(ifDev, "Managed", true)
	o.Set(ifDev, "Autoconnect", true)
	o.Set(ifDev, "DeviceType", uint32(20))
	o.Set(ifDev, "Mtu", uint32(1500))
	o.Set(ifDev, "Real", true)
	o.Set(ifDev, "InterfaceFlags", uint32(0x10003))
	o.Set(ifDev, "HwAddress", mac)
	o.Set(ifDev, "AvailableConnections", []dbus.ObjectPath{dbus.ObjectPath(fmt.Sprintf("/org/freedesktop/NetworkManager/Settings/%d", i+1))})
	o.Set(ifWired, "HwAddress", mac)
	o.Set(ifWired, "PermHwAddress", mac)
	o.Set(ifWired, "Speed", uint32(10000))
	o.Set(ifWired, "Carrier", true)
	o.Set(ifStats, "RefreshRateMs", uint32(1000))
}

// benchBus runs an exporter on a private bus and returns it with a client.
func benchBus(b *testing.B, clientOpts ...dbus.ConnOption) (*Exporter, *loop.Loop, *dbus.Conn) {
	b.Helper()
	testbed.RequireRoot(b)
	bus := testbed.StartBus(b, testbed.BusOptions{})
	l := loop.New()
	e := New(l, Options{Strict: true})
	conn, err := e.Connect(bus.Address)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go l.Run(ctx)
	b.Cleanup(func() { cancel(); <-l.Done(); conn.Close() })
	if _, err := conn.RequestName(testbed.BusName, dbus.NameFlagDoNotQueue); err != nil {
		b.Fatal(err)
	}
	client, err := dbus.Connect(bus.Address, clientOpts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { client.Close() })
	return e, l, client
}

func encodedSize(msg *dbus.Message) int {
	var buf bytes.Buffer
	if err := msg.EncodeTo(&buf, binary.LittleEndian); err != nil {
		return -1
	}
	return buf.Len()
}

// median and p99 of latencies (sorted in place), for b.ReportMetric and
// the figures that are not the standard latency set.
func p50p99(d []time.Duration) (p50, p99 time.Duration) {
	slices.Sort(d)
	return benchreport.Quantile(d, 0.50), benchreport.Quantile(d, 0.99)
}

var report benchreport.Report

func TestMain(m *testing.M) { benchreport.Main(m, &report) }

func addLatencies(scenario string, d []time.Duration) { report.AddLatencies(scenario, "gonm", d) }

// GetManagedObjects with 1000 devices and 1000 profiles exported: what
// libnm and nmcli ask for first.
func BenchmarkGetManagedObjects1000Devices1000Profiles(b *testing.B) {
	e, l, client := benchBus(b)
	ctx := context.Background()
	devs, profs := benchDeviceClass(), benchProfileClass()
	start := time.Now()
	if err := l.Call(ctx, func() {
		for i := range 1000 {
			o := e.NewObject(devs)
			fillDevice(o, i)
			if err := o.Export(); err != nil {
				b.Fatal(err)
			}
			p := e.NewObject(profs)
			p.Set("org.freedesktop.NetworkManager.Settings.Connection", "Filename", fmt.Sprintf("/etc/NetworkManager/system-connections/profile%d.nmconnection", i))
			if err := p.Export(); err != nil {
				b.Fatal(err)
			}
		}
	}); err != nil {
		b.Fatal(err)
	}
	exportTime := time.Since(start)
	obj := client.Object(testbed.BusName, ObjectManagerPath)
	var lat []time.Duration
	var size int
	b.ResetTimer()
	for range b.N {
		for range 30 {
			t0 := time.Now()
			call := obj.Call("org.freedesktop.DBus.ObjectManager.GetManagedObjects", 0)
			lat = append(lat, time.Since(t0))
			if call.Err != nil {
				b.Fatal(call.Err)
			}
			var managed map[dbus.ObjectPath]map[string]map[string]dbus.Variant
			if err := call.Store(&managed); err != nil || len(managed) != 2000 {
				b.Fatalf("GetManagedObjects: %d objects, %v", len(managed), err)
			}
			if size == 0 {
				size = encodedSize(&dbus.Message{Type: dbus.TypeMethodReply, Headers: map[dbus.HeaderField]dbus.Variant{
					dbus.FieldReplySerial: dbus.MakeVariant(uint32(1)),
					dbus.FieldSignature:   dbus.MakeVariant(dbus.SignatureOf(managed)),
				}, Body: []any{managed}})
			}
		}
	}
	b.StopTimer()
	const sc = "bus/GetManagedObjects-1000dev-1000prof"
	addLatencies(sc, lat)
	report.Add(benchreport.Figure{Scenario: sc, Subject: "gonm", Metric: "reply_size", Value: float64(size) / 1024, Unit: "KiB"})
	report.Add(benchreport.Figure{Scenario: sc, Subject: "gonm", Metric: "export_2000_objects", Value: float64(exportTime.Milliseconds()), Unit: "ms"})
	p50, p99 := p50p99(lat)
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
}

// GetAll on a device while the loop works through a storm of 100k route
// changes (each one a change of an IP4Config's rate-limited route list):
// reads are answered from published values and must not wait for it.
func BenchmarkGetAllWhileLoopBusy(b *testing.B) {
	e, l, client := benchBus(b)
	ctx := context.Background()
	ip4 := ip4Class()
	var cfg, dev *Object
	if err := l.Call(ctx, func() {
		dev = e.NewObject(benchDeviceClass())
		fillDevice(dev, 0)
		_ = dev.Export()
		cfg = e.NewObject(ip4)
		_ = cfg.Export()
	}); err != nil {
		b.Fatal(err)
	}
	const storm = 100_000
	routes := make([]map[string]dbus.Variant, 0, 100)
	var stormDone = make(chan time.Duration, 1)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		go func() {
			for i := range storm {
				l.Post(func() {
					// The last 100 routes, as NetworkManager exports them.
					r := map[string]dbus.Variant{
						"dest":     dbus.MakeVariant(fmt.Sprintf("10.%d.%d.0", i>>8&0xff, i&0xff)),
						"prefix":   dbus.MakeVariant(uint32(24)),
						"metric":   dbus.MakeVariant(uint32(100)),
						"next-hop": dbus.MakeVariant("192.0.2.1"),
					}
					if len(routes) == 100 {
						routes = routes[1:]
					}
					routes = append(routes, r)
					cfg.Set(ifIP4, "RouteData", slices.Clone(routes))
				})
			}
			_ = l.Call(ctx, func() {})
			stormDone <- time.Since(start)
		}()
		obj := client.Object(testbed.BusName, "/org/freedesktop/NetworkManager/Devices/1")
		lat, stormTime, err := benchreport.SampleUntil(stormDone, func() error {
			var all map[string]dbus.Variant
			return obj.Call("org.freedesktop.DBus.Properties.GetAll", 0, ifDev).Store(&all)
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		const sc = "bus/GetAll-device-during-100k-route-storm"
		addLatencies(sc, lat)
		report.Add(benchreport.Figure{Scenario: sc, Subject: "gonm", Metric: "getall_calls_during_storm", Value: float64(len(lat)), Unit: "calls"})
		report.Add(benchreport.Figure{Scenario: sc, Subject: "gonm", Metric: "storm_duration", Value: float64(stormTime.Milliseconds()), Unit: "ms"})
		p50, p99 := p50p99(lat)
		b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	}
}

// PropertiesChanged traffic while 1000 devices refresh their statistics
// once a second (RefreshRateMs 1000): one signal per device and second.
func BenchmarkPropertiesChangedStatistics1000Devices(b *testing.B) {
	var mu sync.Mutex
	var bytesIn, sigsIn int
	count := func(msg *dbus.Message) {
		if member, _ := msg.Headers[dbus.FieldMember].Value().(string); msg.Type != dbus.TypeSignal || member != "PropertiesChanged" {
			return
		}
		if n := encodedSize(msg); n > 0 {
			mu.Lock()
			bytesIn += n
			sigsIn++
			mu.Unlock()
		}
	}
	e, l, client := benchBus(b, dbus.WithIncomingInterceptor(count))
	if err := client.AddMatchSignal(dbus.WithMatchInterface("org.freedesktop.DBus.Properties"), dbus.WithMatchMember("PropertiesChanged")); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	devs := make([]*Object, 1000)
	if err := l.Call(ctx, func() {
		for i := range devs {
			devs[i] = e.NewObject(benchDeviceClass())
			fillDevice(devs[i], i)
			_ = devs[i].Export()
		}
	}); err != nil {
		b.Fatal(err)
	}
	const rounds = 10
	var flush []time.Duration
	b.ResetTimer()
	for range b.N {
		for r := range rounds {
			t0 := time.Now()
			_ = l.Call(ctx, func() {
				for i, d := range devs {
					d.Set(ifStats, "TxBytes", uint64((r+1)*1500*(i+1)))
					d.Set(ifStats, "RxBytes", uint64((r+1)*9000*(i+1)))
				}
			})
			_ = l.Settle(ctx)
			flush = append(flush, time.Since(t0))
		}
		// Wait for the signals to arrive.
		deadline := time.Now().Add(30 * time.Second)
		for {
			mu.Lock()
			n := sigsIn
			mu.Unlock()
			if n >= rounds*len(devs) || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	if sigsIn != rounds*len(devs) {
		b.Fatalf("received %d PropertiesChanged, want %d (one per device and round)", sigsIn, rounds*len(devs))
	}
	const sc = "bus/PropertiesChanged-1000dev-statistics-1Hz"
	perRound := float64(bytesIn) / rounds
	report.Add(benchreport.Figure{Scenario: sc, Subject: "gonm", Metric: "signals_per_s", Value: float64(sigsIn) / rounds, Unit: "signals"})
	report.Add(benchreport.Figure{Scenario: sc, Subject: "gonm", Metric: "bytes_per_s", Value: perRound / 1024, Unit: "KiB"})
	p50, p99 := p50p99(flush)
	report.Add(benchreport.Figure{Scenario: sc, Subject: "gonm", Metric: "update_and_emit_p50", Value: float64(p50.Microseconds()) / 1000, Unit: "ms"})
	report.Add(benchreport.Figure{Scenario: sc, Subject: "gonm", Metric: "update_and_emit_p99", Value: float64(p99.Microseconds()) / 1000, Unit: "ms"})
	b.ReportMetric(perRound, "bytes/s")
}
