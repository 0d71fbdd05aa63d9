package platform

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/benchreport"

	"golang.org/x/sys/unix"
)

func cpuSelf() time.Duration {
	var ru unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStormInProcess runs the platform in this process while IPv4
// routes are added and deleted from outside, and reports this process's
// CPU time per route event (kernel time of reading the events included).
func BenchmarkStormInProcess(b *testing.B) {
	n := stormSize()
	ns := stormNS(b)
	x := startTP(b, ns, tpOptions{})
	add := batchFile(b, routeStorm(n, "add"))
	del := batchFile(b, routeStorm(n, "del"))
	wait := func(want int) {
		for {
			var c int
			x.call(func() { c = x.p.RouteCount(TypeIP4Route) })
			if (want > 0 && c >= want) || (want == 0 && c < 10) {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	b.ResetTimer()
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		c0 := cpuSelf()
		ns.MustIP("-batch", add)
		wait(n)
		ns.MustIP("-batch", del)
		wait(0)
		cpu += cpuSelf() - c0
	}
	perEvent := float64(cpu.Nanoseconds()) / float64(b.N*2*n)
	b.ReportMetric(perEvent, "cpu-ns/event")
	b.StopTimer()
	var rep benchreport.Report
	rep.Add(benchreport.Figure{Scenario: fmt.Sprintf("platform/in-process-storm-%dk", n/1000), Subject: "gonm",
		Metric: "cpu_us_per_route_event", Value: perEvent / 1000, Unit: "us"})
	if err := rep.Publish(os.Stdout); err != nil {
		b.Fatal(err)
	}
}
