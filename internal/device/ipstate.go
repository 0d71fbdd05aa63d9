package device

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gonm/gonm/internal/platform"
)

// startL3 hands the profile's static configuration of both families to
// the interface's L3Cfg (l3.go) and, for IPv6, prepares the interface as
// NetworkManager does.
func (d *Device) startL3(m4, m6 string) {
	if d.ifindex <= 0 || d.l3 == nil {
		return
	}
	if d.sysIface == SysIfaceManaged {
		switch m6 {
		case "disabled":
			_ = d.reg.plat.SetIP6Sysctl(d.ifindex, "disable_ipv6", "1")
		case "ignore":
			if d.controller == nil && d.act.Controller == nil {
				// IPv6 is the kernel's: its own link-local address,
				// which it makes only when IPv6 is switched on again.
				_ = d.reg.plat.LinkSetAddrGenMode(d.ifindex, addrGenModeEUI64)
				d.setIP6Sysctl("disable_ipv6", "1")
				d.setIP6Sysctl("disable_ipv6", "0")
			} else {
				// A port starts without the IPv6 configuration an
				// earlier activation may have left on it.
				d.flushIP6()
			}
		default:
			// gonm makes the IPv6 link-local address itself, as
			// NetworkManager does, so the kernel must not.
			_ = d.reg.plat.LinkSetAddrGenMode(d.ifindex, addrGenModeNone)
			_ = d.reg.plat.SetIP6Sysctl(d.ifindex, "accept_ra", "0")
			_ = d.reg.plat.SetIP6Sysctl(d.ifindex, "disable_ipv6", "0")
		}
		d.commitMTU()
	}
	d.l3Start(m4, m6)
	for _, f := range []Family{fam4, fam6} {
		m := m4
		if f == fam6 {
			m = m6
		}
		if !methodOff(m) {
			d.ip.fam[f].manual = ipPending
		}
	}
	d.checkManualReady()
}

// IPv6 address generation modes (IN6_ADDR_GEN_MODE_*).
const (
	addrGenModeEUI64         = 0
	addrGenModeNone          = 1
	addrGenModeStablePrivacy = 2
)

// routeMetric is ipvX.route-metric, else the [connection] default, else
// the kind's default.
func (d *Device) routeMetric(f Family) uint32 {
	if d.act != nil {
		if s := d.act.Applied.Setting(f.setting()); s != nil {
			if m := s.Int64("route-metric"); m >= 0 {
				return uint32(m)
			}
		}
	}
	if v, ok := d.reg.cfg().ConnectionDefault(f.setting()+".route-metric", ptr(d.matchInfo())); ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			return uint32(n)
		}
	}
	return d.reg.metricReserve(d.ifindex, d.info.metric)
}

func ptr[T any](v T) *T { return &v }

// checkManualReady is NetworkManager's _dev_ipmanual_check_ready: the
// static part is ready when the IP layer has all of it in the kernel. On
// a device without carrier it waits up to 2 s for carrier first.
func (d *Device) checkManualReady() {
	if d.l3 == nil || d.act == nil {
		return
	}
	if d.ip.fam[0].manual != ipPending && d.ip.fam[1].manual != ipPending {
		return
	}
	if d.carrier {
		if d.ip.manualTimer != nil {
			d.ip.manualTimer.Stop()
			d.ip.manualTimer = nil
		}
	} else if !d.ip.manualExpired {
		if d.ip.manualTimer == nil {
			d.ip.manualTimer = d.reg.loop.AfterFunc(2*time.Second, func() {
				d.ip.manualTimer = nil
				d.ip.manualExpired = true
				d.checkManualReady()
			})
		}
		return
	}
	for _, f := range []Family{fam4, fam6} {
		if d.ip.fam[f].manual != ipPending {
			continue
		}
		if f == fam4 && d.effectiveMethod(f) == "link-local" && d.reg.opts.Auto == nil {
			d.log.Warn("ip4: ipv4.method link-local needs the IPv4 link-local engine, which is not wired into the devices yet")
			d.ip.fam[f].manual = ipFailed
			d.checkIPStateAsync()
			continue
		}
		ready, conflicts := d.l3Ready(f)
		switch {
		case len(conflicts) > 0:
			d.log.Warn(fmt.Sprintf("%s: address %v is already in use", f, conflicts))
			d.ip.fam[f].manual = ipFailed
			d.checkIPStateAsync()
		case ready:
			d.ip.fam[f].manual = ipReady
			d.checkIPStateAsync()
		}
	}
}

// ipChanged: addresses or routes of the link changed.
func (d *Device) ipChanged() {
	d.checkManualReady()
	if d.unmanagedMask&unmanagedExternalDown != 0 && d.unmanaged&unmanagedExternalDown != 0 {
		d.checkExternalDown(false)
	}
}

// checkIPStateAsync re-evaluates the IP state at the next turn.
func (d *Device) checkIPStateAsync() {
	if d.ip.checkQueued {
		return
	}
	d.ip.checkQueued = true
	a := d.act
	d.reg.loop.Post(func() {
		d.ip.checkQueued = false
		if d.act == a && a != nil {
			d.checkIPState(fam4)
			d.checkIPState(fam6)
		}
	})
}

// mayFail is ipvX.may-fail (true when the family has no setting).
func (d *Device) mayFail(f Family) bool {
	s := d.act.Applied.Setting(f.setting())
	return s == nil || s.Bool("may-fail")
}

// familyState combines the sub-states of one family.
func (d *Device) familyState(f Family) IPState {
	fs := &d.ip.fam[f]
	if fs.state == ipNone {
		return ipNone
	}
	if d.sysIface == SysIfaceExternal {
		return ipReady
	}
	if fs.state == ipPending && (d.state < StateIPConfig || d.state > StateActivated) {
		return ipPending
	}
	if fs.state == ipPending && d.act.Controller != nil && !d.ip.enslaved {
		return ipPending
	}
	if fs.waitCarrier || fs.waitPorts {
		return ipPending
	}
	if fs.disabled || fs.ignore {
		return ipReady
	}
	if fs.auto != nil {
		// An automatic method with the static part next to it: both
		// must be in place; either failing fails the family.
		switch {
		case fs.manual == ipFailed || fs.autoState == ipFailed:
			return ipFailed
		case fs.autoState == ipReady && fs.manual != ipPending:
			return ipReady
		}
		return ipPending
	}
	switch fs.method {
	case "manual", "link-local":
		if fs.manual == ipNone {
			return ipPending
		}
		return fs.manual
	case "auto", "dhcp", "shared":
		// Without an automatic engine (Options.Auto) these methods
		// never complete.
		if fs.manual == ipFailed {
			return ipFailed
		}
		return ipPending
	}
	return ipPending
}

// checkIPState is NetworkManager's _dev_ip_state_check: one family's state
// and then the combination of both, honouring may-fail and
// required-timeout, which moves the device to IP_CHECK or FAILED.
func (d *Device) checkIPState(f Family) {
	st := d.familyState(f)
	fs := &d.ip.fam[f]
	if fs.state != st {
		d.log.Debug(fmt.Sprintf("%s: set state %s (was %s)", f, st, fs.state))
		fs.state = st
	}
	if st == ipNone {
		return
	}
	other := d.ip.fam[1-f].state
	if st == ipReady {
		d.act.setStateFlags(ipReadyFlag(f), ipReadyFlag(f))
	}
	disabled := fs.disabled || fs.ignore
	otherDisabled := d.ip.fam[1-f].disabled || d.ip.fam[1-f].ignore
	var combined IPState
	switch {
	case st == ipReady && other == ipReady:
		combined = ipReady
	case st == ipReady && other == ipPending && disabled:
		combined = ipPending
	case st == ipReady && other == ipPending && (d.ip.fam[1-f].reqTimer != nil || d.ip.fam[1-f].reqInfinite || !d.mayFail(1-f)):
		combined = ipPending
	case st == ipReady && d.mayFail(1-f):
		combined = ipReady
	case st == ipFailed && !d.mayFail(f):
		combined = ipFailed
	case (st == ipFailed || (st == ipReady && disabled)) && (other == ipFailed || (other == ipReady && otherDisabled)):
		if d.externalOrAssume() {
			d.ip.fam[0].state, d.ip.fam[1].state = ipReady, ipReady
			combined = ipReady
		} else {
			combined = ipFailed
		}
	default:
		combined = d.ip.combined
		if combined == ipNone {
			combined = ipPending
		}
	}
	if combined == d.ip.combined {
		return
	}
	d.log.Debug(fmt.Sprintf("ip: set (combined) state %s (was %s)", combined, d.ip.combined))
	d.ip.combined = combined
	switch combined {
	case ipReady:
		d.cancelRequiredTimeouts()
		if d.state == StateIPConfig {
			d.setState(StateIPCheck, ReasonNone)
		}
	case ipFailed:
		d.setState(StateFailed, ReasonIPConfigUnavailable)
	}
}

func ipReadyFlag(f Family) ActFlags {
	if f == fam4 {
		return ActFlagIP4Ready
	}
	return ActFlagIP6Ready
}

// scheduleRequiredTimeout: with ipvX.required-timeout, the other family
// may not complete the activation alone before this family had that long.
func (d *Device) scheduleRequiredTimeout(f Family) {
	ms := int64(-1)
	if s := d.act.Applied.Setting(f.setting()); s != nil {
		ms = int64(s.Int32("required-timeout"))
	}
	if ms < 0 {
		if v, ok := d.reg.cfg().ConnectionDefault(f.setting()+".required-timeout", ptr(d.matchInfo())); ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
				ms = n
			}
		}
	}
	if ms <= 0 {
		return
	}
	fs := &d.ip.fam[f]
	if ms >= 1<<31-1 {
		fs.reqInfinite = true
		return
	}
	fs.reqTimer = d.reg.loop.AfterFunc(time.Duration(ms)*time.Millisecond, func() {
		d.log.Debug(fmt.Sprintf("%s: required-timeout: expired", f))
		fs.reqTimer = nil
		if d.act != nil {
			d.checkIPState(1 - f)
		}
	})
}

func (d *Device) cancelRequiredTimeouts() {
	for f := range d.ip.fam {
		if t := d.ip.fam[f].reqTimer; t != nil {
			t.Stop()
			d.ip.fam[f].reqTimer = nil
		}
		d.ip.fam[f].reqInfinite = false
	}
}

// flushIP6 removes the interface's IPv6 routes and addresses
// (NetworkManager flushes a port's IPv6 when it activates with
// ipv6.method=ignore).
func (d *Device) flushIP6() {
	var routes []platform.Route
	d.reg.plat.Routes(platform.TypeIP6Route, d.ifindex, false, func(r *platform.Route) bool {
		routes = append(routes, *r)
		return true
	})
	for i := range routes {
		if err := d.reg.plat.RouteDelete(&routes[i]); err != nil {
			d.log.Debug(fmt.Sprintf("flush: %v", err))
		}
	}
	for _, a := range d.reg.plat.Addresses(platform.TypeIP6Address, d.ifindex) {
		c := *a
		if err := d.reg.plat.AddrDelete(&c); err != nil {
			d.log.Debug(fmt.Sprintf("flush: %v", err))
		}
	}
}
