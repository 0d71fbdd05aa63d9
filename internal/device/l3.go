package device

import (
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/ipconfig"
	"github.com/gonm/gonm/internal/l3cfg"
)

// A device drives the IP configuration of its interface through the
// interface's L3Cfg, as NetworkManager's NMDevice drives its NML3Cfg: it
// holds the L3Cfg (and the IP4Config/IP6Config objects that show it) for
// as long as it has a link, says how far commits may go (update while
// gonm manages the interface, none while it is external or unmanaged),
// hands it its contributions under its own tags, and reads back whether
// they are in place (ACD, DAD) to decide when a method is done.

// l3Tag names one of the device's contributions to its L3Cfg. Automatic
// methods (autoaddr) add theirs under tags of their own.
type l3Tag struct {
	d    *Device
	name string
}

// devL3 is the device's hold on its interface's IP configuration.
type devL3 struct {
	cfg     *l3cfg.L3Cfg
	handle  *l3cfg.CommitHandle
	level   l3cfg.CommitType
	unwatch func()
	ipc     [2]*ipconfig.IPConfig

	// What the device contributes during an activation: the profile's
	// static part and the IPv6 link-local address.
	manual  *l3cfg.Config
	ll6     *l3cfg.Config
	ll6Addr netip.Addr
	// ll6Tries counts the link-local addresses tried after duplicate
	// address detection failed (stable-privacy makes a new one each
	// time).
	ll6Tries uint32
	manualOp l3cfg.ConfigOptions
	ll6Op    l3cfg.ConfigOptions
}

func (d *Device) tagManual() l3Tag { return l3Tag{d, "manual"} }
func (d *Device) tagLL6() l3Tag    { return l3Tag{d, "ll6"} }

// l3Attach takes the L3Cfg of the device's interface and its IP config
// objects (NetworkManager does so whenever a device has an IP ifindex,
// managed or not).
func (d *Device) l3Attach() {
	r := d.reg
	if r.l3 == nil || d.ifindex <= 0 || d.l3 != nil {
		return
	}
	x := &devL3{cfg: r.l3.Acquire(d.ifindex)}
	d.l3 = x
	x.unwatch = x.cfg.Watch(d.l3Event)
	if r.ipcfgs != nil {
		x.ipc[0] = r.ipcfgs.Acquire(x.cfg, l3cfg.IPv4)
		x.ipc[1] = r.ipcfgs.Acquire(x.cfg, l3cfg.IPv6)
	}
	d.l3CommitTypeReset()
}

// l3Detach lets the interface's IP configuration go (the link left): what
// was configured stays with the interface.
func (d *Device) l3Detach() {
	x := d.l3
	if x == nil {
		return
	}
	d.l3 = nil
	x.unwatch()
	if x.handle != nil {
		x.handle.Unregister()
	}
	x.cfg.RemoveConfig(d.tagManual())
	x.cfg.RemoveConfig(d.tagLL6())
	for _, c := range x.ipc {
		if c != nil {
			c.Release()
		}
	}
	x.cfg.Release()
}

// L3Cfg returns the L3Cfg of the device's interface (nil while the
// device has no link). Automatic addressing methods add their
// contributions to it under tags of their own and commit with
// ScheduleCommit; the device's commit type decides how far that goes.
func (d *Device) L3Cfg() *l3cfg.L3Cfg {
	if d.l3 == nil {
		return nil
	}
	return d.l3.cfg
}

// IPConfigPath is the object path of the device's IP4Config (f 4) or
// IP6Config (f 6) object; "/" when it has none.
func (d *Device) IPConfigPath(f int) dbus.ObjectPath {
	i := 0
	if f == 6 {
		i = 1
	}
	if d.l3 == nil || d.l3.ipc[i] == nil {
		return dbusRoot
	}
	return d.l3.ipc[i].Path()
}

// l3CommitTypeReset registers how far commits go: update while gonm owns
// the interface (managed or assumed), none while it is external or the
// device is unmanaged (NetworkManager's _dev_l3_cfg_commit_type_reset).
func (d *Device) l3CommitTypeReset() {
	x := d.l3
	if x == nil {
		return
	}
	t := l3cfg.CommitNone
	if d.state > StateUnmanaged && (d.sysIface == SysIfaceManaged || d.sysIface == SysIfaceAssume) {
		t = l3cfg.CommitUpdate
	}
	if x.handle != nil && x.level == t {
		return
	}
	x.level = t
	if x.handle == nil {
		x.handle = x.cfg.RegisterCommitType(t, "device")
	} else {
		x.handle.Update(t)
	}
	if t == l3cfg.CommitNone {
		x.cfg.ResetSticky()
	}
}

// l3Event follows the L3Cfg: kernel changes, ACD and DAD results and
// commits may make a pending method ready (or failed).
func (d *Device) l3Event(e l3cfg.Event) {
	switch e.Type {
	case l3cfg.EventACD:
		if e.ACD == l3cfg.ACDUsed || e.ACD == l3cfg.ACDConflict {
			d.log.Warn(fmt.Sprintf("ip4: address %s is already in use by %s", e.Addr, e.Conflict))
		}
	case l3cfg.EventDAD:
		if e.DADFailed {
			d.log.Warn(fmt.Sprintf("ip6: duplicate address detection failed for %s", e.Addr))
		}
	case l3cfg.EventPlatformChange, l3cfg.EventPostCommit:
	default:
		return
	}
	d.checkManualReady()
}

// l3Start hands the L3Cfg the activation's static configuration
// (NetworkManager's _dev_ipmanual_start and _dev_ipll6_start) and commits
// it on idle. An assumed activation first takes over what the previous
// run configured (Restore), so the commit finds everything in place.
func (d *Device) l3Start(m4, m6 string) {
	x := d.l3
	if x == nil {
		return
	}
	d.l3CommitTypeReset()
	if d.sysIface == SysIfaceAssume {
		if st, ok := d.reg.l3States[d.ifindex]; ok {
			x.cfg.Restore(st)
		}
	}
	delete(d.reg.l3States, d.ifindex)
	d.l3SetManual(m4, m6, 0)
	if d.sysIface == SysIfaceManaged {
		// NetworkManager's link-local address comes after the static
		// configuration is in the kernel: the kernel lists it first
		// (newest) and its prefix route last, as clients see them.
		x.cfg.Commit(l3cfg.CommitAuto)
	}
	d.l3SetLL6(m6)
	x.cfg.ScheduleCommit(l3cfg.CommitAuto)
}

// l3SetManual (re)builds the static contribution from the applied
// profile: the families whose method is disabled or ignore contribute
// nothing.
func (d *Device) l3SetManual(m4, m6 string, flags l3cfg.ConfigFlags) {
	x := d.l3
	c := l3cfg.FromProfile(d.act.Applied)
	if methodOff(m4) {
		c.IPv4 = l3cfg.FamilyConfig{}
	}
	if methodOff(m6) {
		c.IPv6 = l3cfg.FamilyConfig{}
		c.IP6Privacy = l3cfg.IP6PrivacyUnset
	}
	opts := l3cfg.ConfigOptions{
		Priority:     l3cfg.PriorityManual,
		RouteMetric4: d.routeMetric(fam4),
		RouteMetric6: d.routeMetric(fam6),
		RouteTable4:  d.routeTable(fam4),
		RouteTable6:  d.routeTable(fam6),
		DNSPriority4: l3cfg.DNSPriorityDefaultNormal,
		DNSPriority6: l3cfg.DNSPriorityDefaultNormal,
		ACDTimeout:   d.dadTimeout(),
		Flags:        flags,
	}
	x.manual, x.manualOp = c, opts
	x.cfg.AddConfig(d.tagManual(), c, opts)
}

func methodOff(m string) bool { return m == "disabled" || m == "ignore" }

// routeTable is ipvX.route-table, else the [connection] default, else main.
func (d *Device) routeTable(f Family) uint32 {
	var prof uint32
	if s := d.act.Applied.Setting(f.setting()); s != nil {
		prof = s.Uint32("route-table")
	}
	var def uint32
	if v, ok := d.reg.cfg().ConnectionDefault(f.setting()+".route-table", ptr(d.matchInfo())); ok {
		if n, err := strconv.ParseUint(v, 10, 32); err == nil {
			def = uint32(n)
		}
	}
	return l3cfg.RouteTable(prof, def)
}

// dadTimeout is ipv4.dad-timeout, else the [connection] default, else 0
// (no conflict detection), as in NetworkManager 1.42.
func (d *Device) dadTimeout() time.Duration {
	ms := int64(-1)
	if s := d.act.Applied.Setting("ipv4"); s != nil {
		ms = int64(s.Int32("dad-timeout"))
	}
	if ms < 0 {
		ms = 0
		if v, ok := d.reg.cfg().ConnectionDefault("ipv4.dad-timeout", ptr(d.matchInfo())); ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 && n <= int64(l3cfg.ACDTimeoutMax/time.Millisecond) {
				ms = n
			}
		}
	}
	return time.Duration(ms) * time.Millisecond
}

// l3Reapply puts the applied profile's (new) static configuration in
// place, with a full sync as NetworkManager's reapply does.
func (d *Device) l3Reapply() {
	if d.l3 == nil || d.act == nil {
		return
	}
	m4, m6 := d.effectiveMethod(fam4), d.effectiveMethod(fam6)
	d.l3SetManual(m4, m6, 0)
	d.l3SetLL6(m6)
	d.l3.cfg.ScheduleCommit(l3cfg.CommitReapply)
}

// l3Reconfigure adds the device's contributions back after the kernel
// dropped them (the link went down and up): they are forced once, as
// NetworkManager re-commits its configuration when a link comes up.
func (d *Device) l3Reconfigure() {
	x := d.l3
	if x == nil {
		return
	}
	if x.manual != nil {
		op := x.manualOp
		op.Flags |= l3cfg.ForceOnce
		x.cfg.AddConfig(d.tagManual(), x.manual, op)
	}
	if x.ll6 != nil {
		op := x.ll6Op
		op.Flags |= l3cfg.ForceOnce
		x.cfg.AddConfig(d.tagLL6(), x.ll6, op)
	}
	x.cfg.ScheduleCommit(l3cfg.CommitAuto)
}

// l3Stop ends the activation's contributions: with deconfigure they are
// removed from the interface at once; otherwise (gonm quits, or the
// interface is handed to someone else) commits stop and everything stays.
func (d *Device) l3Stop(deconfigure bool) {
	x := d.l3
	if x == nil {
		return
	}
	if !deconfigure {
		if x.handle != nil {
			x.level = l3cfg.CommitNone
			x.handle.Update(l3cfg.CommitNone)
		}
		x.cfg.ResetSticky()
		return
	}
	x.cfg.RemoveConfig(d.tagManual())
	x.cfg.RemoveConfig(d.tagLL6())
	x.manual, x.ll6, x.ll6Addr = nil, nil, netip.Addr{}
	x.cfg.Commit(l3cfg.CommitAuto)
}

// l3Ready reports whether the device's static part of a family is in
// place: committed, and with carrier past ACD (IPv4) and DAD (IPv6).
// Addresses another host holds are conflicts.
func (d *Device) l3Ready(f Family) (bool, []netip.Addr) {
	x := d.l3
	if x == nil {
		return true, nil
	}
	var flags l3cfg.ReadyFlags
	if d.carrier {
		flags = l3cfg.ReadyIP4ACD | l3cfg.ReadyIP6DAD
	}
	lf := l3cfg.IPv4
	if f == fam6 {
		lf = l3cfg.IPv6
	}
	if x.cfg.CommitScheduled() {
		return false, nil
	}
	ready := true
	var conflicts []netip.Addr
	for _, c := range []*l3cfg.Config{x.manual, x.ll6} {
		if c == nil || (c == x.ll6 && f == fam4) {
			continue
		}
		ok, cs := x.cfg.CheckReady(lf, c, flags)
		if c == x.ll6 && len(cs) > 0 && d.ll6Retry() {
			// A new link-local address is on its way.
			ok, cs = false, nil
		}
		ready = ready && ok
		conflicts = append(conflicts, cs...)
	}
	return ready && len(conflicts) == 0, conflicts
}
