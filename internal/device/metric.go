package device

import "fmt"

// routeMetric is the default route metric a device reserved: devices of
// one kind get distinct metrics (100, 101, ... for Ethernet) so their
// routes do not tie, as NetworkManager reserves them; the reservation is
// kept in the run state across restarts.
type routeMetric struct {
	aspired, effective uint32
}

// metricReserve reserves the default metric of a device's interface.
func (r *Devices) metricReserve(ifindex int32, aspired uint32) uint32 {
	if ifindex <= 0 {
		return aspired
	}
	if r.metrics == nil {
		r.metrics = map[int32]*routeMetric{}
	}
	if m := r.metrics[ifindex]; m != nil {
		return m.effective
	}
	m := &routeMetric{aspired: aspired, effective: aspired}
again:
	for idx, o := range r.metrics {
		if m.effective < o.aspired || m.effective > o.effective {
			continue
		}
		if _, ok := r.plat.Link(idx); !ok {
			delete(r.metrics, idx)
			continue
		}
		if o.effective-m.aspired >= 50 {
			m.effective = m.aspired + 50
			break
		}
		m.effective = o.effective + 1
		goto again
	}
	r.log.Debug(fmt.Sprintf("default-route-metric: ifindex %d reserves metric %d (aspired %d)", ifindex, m.effective, m.aspired))
	r.metrics[ifindex] = m
	return m.effective
}

func (r *Devices) metricClear(ifindex int32) {
	if r.metrics != nil {
		delete(r.metrics, ifindex)
	}
}

// loadMetrics takes over the reservations of the previous daemon.
func (r *Devices) loadMetrics(states map[int32]*RunState) {
	for idx, st := range states {
		if st.RouteMetricEffective == 0 {
			continue
		}
		if _, ok := r.plat.Link(idx); !ok {
			continue
		}
		if r.metrics == nil {
			r.metrics = map[int32]*routeMetric{}
		}
		r.metrics[idx] = &routeMetric{aspired: st.RouteMetricAspired, effective: st.RouteMetricEffective}
	}
}
