package policy

import (
	"github.com/gonm/gonm/internal/device"
)

// updateRouting decides which activation holds the best default route of
// each family (Default and Default6), the primary connection and the
// activating connection (NetworkManager's get_best_active_connection and
// the manager's handling of its result).
func (p *Policy) updateRouting() {
	d4 := p.bestActivation(4, true, p.default4)
	d6 := p.bestActivation(6, true, p.default6)
	for _, a := range p.devs.Activations() {
		a.SetDefault(false, a == d4)
		a.SetDefault(true, a == d6)
	}
	p.default4, p.default6 = d4, d6
	primary := d4
	if primary == nil {
		primary = d6
	}
	p.m.SetPrimaryConnection(primary)
	act4 := p.bestActivation(4, false, nil)
	activating := act4
	if activating == nil && d4 == nil {
		activating = p.bestActivation(6, false, nil)
	}
	p.m.SetActivatingConnection(activating)
}

// bestActivation finds the activation whose device has the best default
// route; with fullyActivated false it looks for one still activating that
// will get the best one (nil if an activated one is better).
func (p *Policy) bestActivation(fam int, fullyActivated bool, prev *device.Activation) *device.Activation {
	var best *device.Activation
	var bestMetric uint32
	bestFull := false
	for _, d := range p.devs.Realized() {
		st := d.State()
		if st <= device.StateDisconnected || st >= device.StateDeactivating {
			continue
		}
		if d.SysIfaceState() == device.SysIfaceExternal {
			continue
		}
		a := d.Activation()
		if a == nil {
			continue
		}
		metric, ok := d.BestDefaultRouteMetric(fam)
		full := ok
		if !ok {
			if fullyActivated || !hasDefaultRoute(a, fam) {
				continue
			}
			metric = d.RouteMetric(fam)
		}
		if best == nil || (!bestFull && full) || metric < bestMetric || (metric == bestMetric && a == prev) {
			best, bestMetric, bestFull = a, metric, full
		}
	}
	if !fullyActivated && best != nil && bestFull {
		return nil
	}
	return best
}

// hasDefaultRoute: the profile will get a default route of the family
// (nm_utils_connection_has_default_route).
func hasDefaultRoute(a *device.Activation, fam int) bool {
	name := "ipv4"
	if fam == 6 {
		name = "ipv6"
	}
	s := a.Applied.Setting(name)
	if s == nil || s.Bool("never-default") {
		return false
	}
	switch s.Str("method") {
	case "disabled", "link-local", "ignore":
		return false
	}
	return true
}
