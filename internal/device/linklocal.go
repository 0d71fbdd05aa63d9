package device

import (
	"fmt"
	"net/netip"
	"strconv"

	"github.com/gonm/gonm/internal/hostid"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/platform"
)

// The IPv6 link-local address a device contributes to its L3Cfg
// (NetworkManager's IPv6LL): generated as ipv6.addr-gen-mode says, kept
// as found when an interface is taken over, replaced by the next
// stable-privacy candidate when another node has it.

// l3SetLL6 adds the IPv6 link-local address for every IPv6 method but
// disabled and ignore (loopback has none).
func (d *Device) l3SetLL6(m6 string) {
	x := d.l3
	if methodOff(m6) || d.info.devType == TypeLoopback {
		x.cfg.RemoveConfig(d.tagLL6())
		x.ll6, x.ll6Addr = nil, netip.Addr{}
		return
	}
	d.l3.ll6Tries = 0
	addr, ok := d.linkLocal6()
	if !ok {
		d.log.Warn("linklocal6: failed to get interface identifier; IPv6 cannot continue")
		x.cfg.RemoveConfig(d.tagLL6())
		x.ll6, x.ll6Addr = nil, netip.Addr{}
		return
	}
	d.l3AddLL6(addr)
}

func (d *Device) l3AddLL6(addr netip.Addr) {
	x := d.l3
	c := &l3cfg.Config{Source: "ll6"}
	c.IPv6.Addresses = []l3cfg.Address{{Prefix: netip.PrefixFrom(addr, 64)}}
	opts := l3cfg.ConfigOptions{Priority: l3cfg.PriorityIPv6LL, RouteMetric6: l3cfg.DefaultRouteMetric6,
		RouteTable6: platform.TableMain}
	x.ll6, x.ll6Addr, x.ll6Op = c, addr, opts
	x.cfg.AddConfig(d.tagLL6(), c, opts)
}

// ll6Retry replaces a link-local address another node has with the next
// stable-privacy candidate, as NetworkManager's IPv6LL does (up to six
// addresses; an EUI-64 address has no second candidate, and the failure
// stands).
func (d *Device) ll6Retry() bool {
	x := d.l3
	if d.act == nil || x.ll6 == nil || d.addrGenMode() != addrGenModeStablePrivacy || d.reg.hostKey == nil {
		return false
	}
	if x.ll6Tries+1 >= ll6MaxTries {
		d.log.Warn("linklocal6: no IPv6 link local address to retry after Duplicate Address Detection failures")
		return false
	}
	x.ll6Tries++
	addr, err := hostid.StablePrivacyAddr(netip.MustParseAddr("fe80::"), hostid.StableTypeUUID, d.iface,
		d.act.Applied.UUID(), x.ll6Tries, d.reg.hostKey)
	if err != nil {
		return false
	}
	d.log.Info(fmt.Sprintf("linklocal6: %s is in use, trying %s", x.ll6Addr, addr))
	d.l3AddLL6(addr)
	x.cfg.ScheduleCommit(l3cfg.CommitAuto)
	return true
}

// ll6MaxTries is how many stable-privacy link-local addresses are tried
// (RFC 7217's IDGEN_RETRIES is 3; NetworkManager tries 6).
const ll6MaxTries = 6

// linkLocal6 is the device's IPv6 link-local address: when gonm takes an
// interface over, the usable one it already has (so nothing changes, even
// if the hardware address changed since, as a bridge's does when it gets
// ports); otherwise generated as ipv6.addr-gen-mode says (EUI-64 from the
// hardware address, or RFC 7217 from the host key and the profile's
// stable ID).
func (d *Device) linkLocal6() (netip.Addr, bool) {
	gen, ok := d.generateLinkLocal6()
	if d.externalOrAssume() || d.act.Type != ActivationManaged {
		var other netip.Addr
		for _, a := range d.reg.plat.Addresses(platform.TypeIP6Address, d.ifindex) {
			if !a.Address.IsLinkLocalUnicast() || a.DADFailed() {
				continue
			}
			if ok && a.Address == gen {
				return gen, true
			}
			if !other.IsValid() {
				other = a.Address
			}
		}
		if other.IsValid() {
			return other, true
		}
	}
	return gen, ok
}

func (d *Device) generateLinkLocal6() (netip.Addr, bool) {
	prefix := netip.MustParseAddr("fe80::")
	if d.addrGenMode() == addrGenModeStablePrivacy && d.reg.hostKey != nil {
		a, err := hostid.StablePrivacyAddr(prefix, hostid.StableTypeUUID, d.iface, d.act.Applied.UUID(), 0, d.reg.hostKey)
		if err == nil {
			return a, true
		}
	}
	if d.link == nil || len(d.link.Addr.Bytes()) == 0 {
		return netip.Addr{}, false
	}
	a, err := hostid.EUI64Addr(prefix, d.link.Addr.Bytes())
	return a, err == nil
}

// addrGenMode resolves ipv6.addr-gen-mode as NetworkManager 1.42 does:
// eui64 and stable-privacy as set; default-or-eui64 and default take the
// [connection] default, else eui64 and stable-privacy respectively.
func (d *Device) addrGenMode() int {
	const (
		settingEUI64, settingStable, settingDefaultOrEUI64, settingDefault = 0, 1, 2, 3
	)
	mode := int32(settingDefault)
	if s := d.act.Applied.Setting("ipv6"); s != nil {
		mode = s.Int32("addr-gen-mode")
		switch mode {
		case settingEUI64:
			return addrGenModeEUI64
		case settingStable:
			return addrGenModeStablePrivacy
		}
	}
	if v, ok := d.reg.cfg().ConnectionDefault("ipv6.addr-gen-mode", ptr(d.matchInfo())); ok {
		if n, err := strconv.ParseInt(v, 10, 32); err == nil && n >= settingEUI64 && n <= settingDefault {
			mode = int32(n)
		}
	}
	if mode == settingEUI64 || mode == settingDefaultOrEUI64 {
		return addrGenModeEUI64
	}
	return addrGenModeStablePrivacy
}
