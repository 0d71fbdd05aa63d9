package device

import (
	"fmt"
	"strconv"
)

// mtuSource ranks where an MTU comes from (NetworkManager's
// NMDeviceMtuSource): a value is applied only when its source ranks
// higher than the one applied before, so a user's manual change is not
// reverted at random.
type mtuSource uint8

const (
	mtuSourceNone mtuSource = iota
	mtuSourceParent
	mtuSourceIPConfig
	mtuSourceConnection
)

// mtuState is what an activation did to the interface's MTU, to undo it
// at deactivation.
type mtuState struct {
	source       mtuSource
	initial      uint32
	ip6Initial   uint32
	forceSetDone bool
}

// configuredMTU is the MTU the applied profile asks for, from the setting
// NetworkManager 1.42 reads for the kind (ethernet.mtu for wired kinds,
// loopback.mtu; generic devices have none), else the [connection] default.
func (d *Device) configuredMTU() (uint32, mtuSource) {
	var settingName, key string
	switch d.info.devType {
	case TypeLoopback:
		settingName, key = "loopback", "loopback.mtu"
	case TypeGeneric:
		return 0, mtuSourceNone
	default:
		settingName, key = "802-3-ethernet", "ethernet.mtu"
	}
	if s := d.act.Applied.Setting(settingName); s != nil {
		if m := s.Uint32("mtu"); m > 0 {
			return m, mtuSourceConnection
		}
	}
	if v, ok := d.reg.cfg().ConnectionDefault(key, ptr(d.matchInfo())); ok {
		if n, err := strconv.ParseUint(v, 10, 32); err == nil {
			return uint32(n), mtuSourceConnection
		}
	}
	return 0, mtuSourceNone
}

// wiredParentMTU is NetworkManager's rule for kinds stacked on a parent
// link in the same namespace (vlan, macvlan/macvtap: no overhead): a
// configured MTU larger than the parent's falls back to the parent's, and
// forces itself over a higher-ranked one; without a configured MTU the
// device inherits the parent's.
func (d *Device) wiredParentMTU(mtu uint32, source mtuSource) (uint32, mtuSource, bool) {
	var parent uint32
	if d.link != nil && d.link.Parent > 0 && d.link.LinkNetNSID < 0 {
		if p, ok := d.reg.plat.Link(d.link.Parent); ok {
			parent = p.MTU
		}
	}
	switch {
	case parent != 0 && mtu > parent:
		return parent, mtuSourceParent, true
	case source != mtuSourceNone:
		return mtu, source, false
	case parent != 0:
		return parent, mtuSourceParent, false
	}
	return mtu, source, false
}

// commitMTU applies the activation's MTU and IPv6 MTU as NetworkManager's
// _commit_mtu does: the profile's (or the IP configuration's) MTU when its
// source ranks higher than what was applied, never below 1280 while IPv6
// is on, the IPv6 MTU (ipv6.mtu) no larger than the link's; the values the
// interface had before are remembered for deactivation. Assumed and
// external activations leave the MTU alone.
func (d *Device) commitMTU() {
	if d.ifindex <= 0 || d.act == nil || d.externalOrAssume() || d.link == nil {
		return
	}
	mtu, source := d.configuredMTU()
	force := false
	if d.info.devType == TypeVLAN || d.info.devType == TypeMacvlan {
		mtu, source, force = d.wiredParentMTU(mtu, source)
	}
	if source < mtuSourceIPConfig && d.l3 != nil {
		if c := d.l3.cfg.Config(false); c != nil && c.MTU > 0 {
			mtu, source = c.MTU, mtuSourceIPConfig
		}
	}
	desired := uint32(0)
	if mtu != 0 && (source > d.mtu.source || force) {
		desired = mtu
	} else {
		source = mtuSourceNone
	}
	m6 := d.effectiveMethod(fam6)
	s6 := d.act.Applied.Setting("ipv6")
	if desired != 0 && desired < 1280 && s6 != nil && !methodOff(m6) {
		desired = 1280
	}
	var ip6 uint32
	if s6 != nil {
		ip6 = s6.Uint32("mtu")
	}
	if ip6 == 0 && d.mtu.source == mtuSourceNone && desired >= 1280 {
		ip6 = desired
	}
	if ip6 == 0 && desired == 0 {
		return
	}
	plat := d.link.MTU
	if ip6 != 0 {
		ip6 = max(1280, ip6)
		if desired == 0 {
			desired = plat
		}
		if desired != 0 {
			desired = max(1280, desired)
			ip6 = min(ip6, desired)
		}
	}
	ip6Sys := func() uint32 {
		v, err := d.reg.plat.IP6Sysctl(d.ifindex, "mtu")
		if err != nil {
			return 0
		}
		n, _ := strconv.ParseUint(v, 10, 32)
		return uint32(n)
	}
	remember := func() {
		if d.mtu.initial == 0 && d.mtu.ip6Initial == 0 {
			d.mtu.initial, d.mtu.ip6Initial = plat, ip6Sys()
		}
	}
	// A bridge adjusts its MTU to its ports' unless it was set
	// explicitly: set it once to another value so that the kernel counts
	// the wanted one as set.
	if desired != 0 && d.info.devType == TypeBridge && !d.mtu.forceSetDone {
		d.mtu.forceSetDone = true
		if desired == plat {
			remember()
			plat--
			if err := d.reg.plat.LinkSetMTU(d.ifindex, desired-1); err != nil {
				d.log.Warn(fmt.Sprintf("mtu: failure to force-set MTU to %d", desired-1))
			}
		}
	}
	if (desired != 0 && desired != plat) || (ip6 != 0 && ip6 != ip6Sys()) {
		remember()
		if desired != 0 && desired != plat {
			if err := d.reg.plat.LinkSetMTU(d.ifindex, desired); err != nil {
				d.log.Warn(fmt.Sprintf("mtu: failure to set MTU. Did you configure the MTU correctly? (%v)", err))
			}
		}
		if ip6 != 0 && ip6 != ip6Sys() {
			if err := d.reg.plat.SetIP6Sysctl(d.ifindex, "mtu", strconv.FormatUint(uint64(ip6), 10)); err != nil {
				d.log.Warn(fmt.Sprintf("mtu: failure to set IPv6 MTU: %v", err))
			}
		}
	}
	if source != mtuSourceNone {
		d.mtu.source = source
	}
}

// restoreMTU puts back the MTU the interface had before the activation.
func (d *Device) restoreMTU() {
	if d.ifindex <= 0 {
		return
	}
	if d.mtu.initial != 0 && (d.link == nil || d.link.MTU != d.mtu.initial) {
		if err := d.reg.plat.LinkSetMTU(d.ifindex, d.mtu.initial); err != nil {
			d.log.Debug(fmt.Sprintf("mtu: reset: %v", err))
		}
	}
	if d.mtu.ip6Initial != 0 {
		d.setIP6Sysctl("mtu", strconv.FormatUint(uint64(d.mtu.ip6Initial), 10))
	}
}
