package device

import (
	"fmt"
	"time"

	"github.com/gonm/gonm/internal/loop"
)

// stats are the Device.Statistics counters, refreshed every RefreshRateMs
// (0: never) from the kernel.
type stats struct {
	rate   uint32
	tx, rx uint64
	timer  *loop.Timer
}

func (d *Device) setStatsRate(ms uint32) {
	d.stats.rate = ms
	if d.stats.timer != nil {
		d.stats.timer.Stop()
		d.stats.timer = nil
	}
	d.obj.Set(IfaceStatistics, "RefreshRateMs", ms)
	if ms > 0 {
		d.refreshStats()
	}
}

func (d *Device) refreshStats() {
	if d.ifindex > 0 {
		st, err := d.reg.plat.LinkStats(d.ifindex)
		if err != nil {
			d.log.Debug(fmt.Sprintf("statistics: %v", err))
		} else {
			d.stats.tx, d.stats.rx = st.TxBytes, st.RxBytes
			d.obj.Set(IfaceStatistics, "TxBytes", st.TxBytes)
			d.obj.Set(IfaceStatistics, "RxBytes", st.RxBytes)
		}
	}
	if d.stats.rate > 0 && !d.removed {
		d.stats.timer = d.reg.loop.AfterFunc(time.Duration(d.stats.rate)*time.Millisecond, d.refreshStats)
	}
}

// hasDefaultRoute reports a default route through the device.
func (d *Device) hasDefaultRoute() bool {
	if d.ifindex <= 0 {
		return false
	}
	found := false
	for _, t := range []platformObj{platformIP4Route, platformIP6Route} {
		d.reg.plat.Routes(t, d.ifindex, false, func(r *platformRoute) bool {
			if r.Dst.Bits() == 0 && r.Table == 254 {
				found = true
				return false
			}
			return true
		})
	}
	return found
}

// BestDefaultRouteMetric is the metric of the device's best default route
// in the main table for IPv4 (fam 4) or IPv6 (fam 6).
func (d *Device) BestDefaultRouteMetric(fam int) (uint32, bool) {
	if d.ifindex <= 0 {
		return 0, false
	}
	t := platformIP4Route
	if fam == 6 {
		t = platformIP6Route
	}
	var best uint32
	found := false
	d.reg.plat.Routes(t, d.ifindex, false, func(r *platformRoute) bool {
		if r.Dst.Bits() == 0 && r.Table == 254 && (!found || r.Metric < best) {
			best, found = r.Metric, true
		}
		return true
	})
	return best, found
}
