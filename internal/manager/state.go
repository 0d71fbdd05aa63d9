package manager

import (
	"fmt"
	"slices"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/device"
)

// bestActiveState is NetworkManager's find_best_device_state: the best
// state of the active connections, loopback ignored. The walk goes newest
// first, as NetworkManager's list: the result depends on the order (an
// activating profile outranks an activated one met before it).
func (m *Manager) bestActiveState() uint32 {
	best := StateDisconnected
	for _, a := range slices.Backward(m.acOrder) {
		if a.Device != nil && a.Device.Type() == device.TypeLoopback {
			continue
		}
		passive := a.Type == device.ActivationExternal || a.Type == device.ActivationAssume
		switch a.State() {
		case device.ActActivated:
			if a.Default || a.Default6 {
				if m.connectivity == ConnectivityFull {
					return StateConnectedGlobal
				}
				best = StateConnectedSite
			} else if best < StateConnecting {
				best = StateConnectedLocal
			}
		case device.ActActivating:
			if !passive && best != StateConnectedGlobal {
				best = StateConnecting
			}
		case device.ActDeactivating:
			if !passive && best < StateDisconnecting {
				best = StateDisconnecting
			}
		}
	}
	return best
}

// connectivityRank orders NMConnectivityState from worst to best.
func connectivityRank(c uint32) int {
	switch c {
	case ConnectivityNone:
		return 1
	case ConnectivityLimited:
		return 2
	case ConnectivityPortal:
		return 3
	case ConnectivityFull:
		return 4
	}
	return 0
}

// updateConnectivity is NetworkManager's _get_best_connectivity: the
// connectivity of the device with the best default route, or the best of
// all when none has one; loopback ignored.
func (m *Manager) updateConnectivity() {
	if m.devs.Devices == nil {
		return
	}
	best := ConnectivityUnknown
	for _, fam := range []int{4, 6} {
		st := m.familyConnectivity(fam)
		if connectivityRank(st) > connectivityRank(best) {
			best = st
		}
		if best == ConnectivityFull {
			break
		}
	}
	if best == m.connectivity {
		return
	}
	m.log.Debug(fmt.Sprintf("connectivity checking indicates %s", connectivityName(best)))
	m.connectivity = best
	m.root.Set(IfaceManager, "Connectivity", best)
	m.updateState()
}

func (m *Manager) familyConnectivity(fam int) uint32 {
	best := ConnectivityUnknown
	bestMetric := int64(1) << 62
	for _, d := range m.devs.Devices.Realized() {
		if d.Type() == device.TypeLoopback {
			continue
		}
		metric := int64(1) << 62
		if mt, ok := d.BestDefaultRouteMetric(fam); ok {
			metric = int64(mt)
		}
		if metric > bestMetric {
			continue
		}
		c4, c6 := d.Connectivity()
		st := uint32(c4)
		if fam == 6 {
			st = uint32(c6)
		}
		if metric < bestMetric {
			bestMetric, best = metric, st
		} else if connectivityRank(st) > connectivityRank(best) {
			best = st
		}
		if best == ConnectivityFull {
			break
		}
	}
	return best
}

func connectivityName(c uint32) string {
	return [...]string{"UNKNOWN", "NONE", "PORTAL", "LIMITED", "FULL"}[c]
}

// SetPrimaryConnection is the policy's choice of the activation with the
// best default route (PrimaryConnection, PrimaryConnectionType, Metered).
func (m *Manager) SetPrimaryConnection(a *device.Activation) {
	m.primary = a
	path, typ := dbus.ObjectPath("/"), ""
	metered := uint32(0)
	if a != nil {
		path, typ = m.ActiveConnectionPath(a), a.Applied.Type()
		if a.Device != nil {
			metered = uint32(a.Device.Metered())
		}
	}
	m.root.Set(IfaceManager, "PrimaryConnection", path)
	m.root.Set(IfaceManager, "PrimaryConnectionType", typ)
	m.root.Set(IfaceManager, "Metered", metered)
}

// SetActivatingConnection is the policy's choice of the activation that
// will become primary (ActivatingConnection).
func (m *Manager) SetActivatingConnection(a *device.Activation) {
	m.activating = a
	path := dbus.ObjectPath("/")
	if a != nil {
		path = m.ActiveConnectionPath(a)
	}
	m.root.Set(IfaceManager, "ActivatingConnection", path)
}

// applySleep takes the devices down while asleep or disabled, and brings
// them back afterwards; sleepChanged says the call comes from Sleep
// (suspending spares software devices, as NetworkManager does).
func (m *Manager) applySleep(sleepChanged bool) {
	if m.devs.Devices != nil {
		m.devs.Devices.SetSleeping(m.asleep(), sleepChanged && m.sleeping)
	}
}
