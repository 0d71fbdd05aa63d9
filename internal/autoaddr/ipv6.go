package autoaddr

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/dhcp6"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/ndisc"
	"github.com/gonm/gonm/internal/platform"
)

// dhcp6Mode is what DHCPv6 is asked for: nothing, configuration only (the
// RA's O flag) or addresses (M flag, or ipv6.method dhcp).
type dhcp6Mode uint8

const (
	dhcp6Off dhcp6Mode = iota
	dhcp6Info
	dhcp6Managed
)

// ipv6Run is the IPv6 method's state: router discovery (ac) and DHCPv6,
// combined as NetworkManager combines its IPv6 sub-states.
type ipv6Run struct {
	nd      *ndisc.NDisc
	data    *ndisc.Data
	ndCfg   *l3cfg.Config
	acState State
	acErr   error

	client    *dhcp6.Client
	mode      dhcp6Mode
	lease     *dhcp6.Lease
	dhcpState State
	dhcpErr   error
	grace     *loop.Timer

	shared shared6Run
}

// combined is NetworkManager's accumulation: any failure fails the family
// (except DHCPv6 asked only for configuration, which is best effort), else
// any pending part keeps it pending, else it is ready once something runs.
func (v *ipv6Run) combined() (State, error) {
	return accumulate([]State{v.acState, v.dhcpState}, []error{v.acErr, v.dhcpErr}, []bool{false, v.mode == dhcp6Info})
}

// accumulate combines the states of a family's parts; soft parts (nil:
// none) do not fail the family.
func accumulate(states []State, errs []error, soft []bool) (State, error) {
	started, pending := false, false
	for i, st := range states {
		switch st {
		case StatePending:
			started, pending = true, true
		case StateReady:
			started = true
		case StateFailed:
			started = true
			if soft == nil || !soft[i] {
				return StateFailed, errs[i]
			}
		}
	}
	switch {
	case pending:
		return StatePending, nil
	case started:
		return StateReady, nil
	}
	return StateNone, nil
}

func (r *Runner) set6(ac bool, s State, err error) {
	before, _ := r.v6.combined()
	if ac {
		r.v6.acState, r.v6.acErr = s, err
	} else {
		r.v6.dhcpState, r.v6.dhcpErr = s, err
	}
	after, _ := r.v6.combined()
	if before != after {
		r.o.Log6.Debug(fmt.Sprintf("ipv6: method %s: %s", r.p.Method6, after))
	}
	r.changed()
}

func (r *Runner) options6(priority int) l3cfg.ConfigOptions {
	o := r.p.Options6
	o.Priority = priority
	return o
}

// holdPrevious6 keeps what the previous run's router advertisements and
// DHCPv6 lease put on the interface (dynamic global addresses, RA routes)
// until this run's first RA and lease take over, so that a restart
// changes nothing when the network did not.
func (r *Runner) holdPrevious6(withRA bool) {
	on := l3cfg.FromInterface(r.l3.Platform(), r.p.IfIndex)
	ra := &l3cfg.Config{Source: "ndisc"}
	dh := &l3cfg.Config{Source: "dhcp6"}
	for _, a := range on.IPv6.Addresses {
		if a.Prefix.Addr().IsLinkLocalUnicast() || a.ValidUntil.IsZero() {
			continue
		}
		switch {
		case a.Prefix.Bits() == 128:
			// As FromDHCP6 gives it: its /128 route comes with it.
			a.Flags &^= unix.IFA_F_NOPREFIXROUTE
			dh.IPv6.Addresses = append(dh.IPv6.Addresses, a)
		case withRA && a.Prefix.Bits() == 64:
			ra.IPv6.Addresses = append(ra.IPv6.Addresses, a)
		}
	}
	if withRA {
		for _, rt := range on.IPv6.Routes {
			if rt.Protocol == unix.RTPROT_RA {
				ra.IPv6.Routes = append(ra.IPv6.Routes, rt)
			}
		}
	}
	if len(ra.IPv6.Addresses)+len(ra.IPv6.Routes) > 0 {
		r.o.Log6.Info(fmt.Sprintf("ndisc (%s): keeping the previous run's SLAAC addresses and RA routes until a router answers", r.p.IfName))
		r.l3.AddConfig(tag{r, tagHeld6RA}, ra, r.options6(l3cfg.PriorityAutoconf6))
	}
	if len(dh.IPv6.Addresses) > 0 {
		r.o.Log6.Info(fmt.Sprintf("dhcp6 (%s): keeping the previous run's leased addresses until the server answers", r.p.IfName))
		r.l3.AddConfig(tag{r, tagHeld6DHCP}, dh, r.options6(l3cfg.PriorityDHCP6))
	}
}

// release drops a held contribution.
func (r *Runner) release(kind string) {
	if r.l3.RemoveConfig(tag{r, kind}) {
		r.l3.ScheduleCommit(l3cfg.CommitAuto)
	}
}

func (r *Runner) startNDisc() error {
	// Router advertisements are handled here, not by the kernel, on an
	// interface the daemon manages (as NetworkManager sets it up).
	path := fmt.Sprintf("net/ipv6/conf/%s/accept_ra", r.p.IfName)
	if v, err := r.l3.Platform().SysctlGet(path); err != nil || v != "0" {
		if err := r.l3.Platform().SysctlSet(path, "0"); err != nil {
			r.o.Log6.Warn(fmt.Sprintf("ndisc (%s): cannot turn the kernel's accept_ra off: %v", r.p.IfName, err))
		}
	}
	r.set6(true, StatePending, nil)
	if r.o.Takeover {
		r.holdPrevious6(true)
	}
	var nd *ndisc.NDisc
	nd, err := ndisc.New(ndisc.Config{
		IfIndex: int(r.p.IfIndex), IfName: r.p.IfName, HWAddr: r.p.HWAddr,
		Mode: r.p.AddrGenMode, StableType: r.p.StableType, NetworkID: r.p.NetworkID, HostKey: r.p.HostKey,
		RATimeout: r.p.RATimeout, Logger: r.o.Log6,
	}, func(ev ndisc.Event) { r.post(func() { r.ndiscEvent(nd, ev) }) })
	if err == nil {
		r.v6.nd = nd
		err = r.o.InNetns(nd.Start)
	}
	if err != nil {
		r.v6.nd = nil
		err = fmt.Errorf("start router discovery: %w", err)
		r.set6(true, StateFailed, err)
		return err
	}
	return nil
}

func (r *Runner) tempAddrs() bool {
	return r.p.IP6Privacy == l3cfg.IP6PrivacyPreferPublic || r.p.IP6Privacy == l3cfg.IP6PrivacyPreferTemp
}

func (r *Runner) ndiscEvent(nd *ndisc.NDisc, ev ndisc.Event) {
	if nd != r.v6.nd {
		return
	}
	switch ev.Type {
	case ndisc.EventConfigChanged:
		d := ev.Data
		r.v6.data = &d
		cfg := l3cfg.FromNDisc(&d, r.tempAddrs())
		cfg.IP6Privacy = r.p.IP6Privacy
		r.v6.ndCfg = cfg
		opts := r.options6(l3cfg.PriorityAutoconf6)
		opts.Flags |= l3cfg.ForceOnce
		if r.l3.AddConfig(tag{r, tagNDisc}, cfg, opts) {
			r.l3.ScheduleCommit(l3cfg.CommitAuto)
		}
		r.release(tagHeld6RA)
		if d.DHCPLevel != ndisc.DHCPLevelManaged {
			r.release(tagHeld6DHCP)
		}
		r.setDHCP6Mode(dhcp6Mode(d.DHCPLevel))
		r.recheck6()
	case ndisc.EventRATimeout:
		r.release(tagHeld6RA)
		r.release(tagHeld6DHCP)
		if r.v6.acState != StateReady {
			r.o.Log6.Info(fmt.Sprintf("ndisc (%s): no router advertisement within %v", r.p.IfName, r.p.RATimeout))
			r.set6(true, StateFailed, errors.New("no IPv6 router advertisement"))
		}
	case ndisc.EventFailed:
		r.o.Log6.Warn(fmt.Sprintf("ndisc (%s): failed: %v", r.p.IfName, ev.Err))
		r.v6.nd = nil
		go nd.Stop()
		r.set6(true, StateFailed, fmt.Errorf("router discovery: %w", ev.Err))
	}
}

// recheck6 moves router discovery to ready once its addresses are on the
// interface and past duplicate address detection (an RA without prefixes
// is ready at once, as in NetworkManager).
func (r *Runner) recheck6() {
	cfg := r.v6.ndCfg
	if cfg == nil || r.v6.acState == StateReady || r.v6.acState == StateFailed && r.v6.nd == nil {
		return
	}
	if r.l3.CommitScheduled() {
		return // checked again after the commit
	}
	p := r.l3.Platform()
	for _, a := range cfg.IPv6.Addresses {
		if _, ok := p.LookupAddress(&platform.Address{Index: r.p.IfIndex, Address: a.Prefix.Addr(), PrefixLen: uint8(a.Prefix.Bits())}); !ok {
			return
		}
	}
	if ok, _ := r.l3.CheckReady(l3cfg.IPv6, cfg, l3cfg.ReadyIP6DAD); ok {
		r.set6(true, StateReady, nil)
	}
}

// ipv6DAD hands a failed SLAAC address back to router discovery, which
// makes another (stable-privacy) or drops it (EUI-64).
func (r *Runner) ipv6DAD(e l3cfg.Event) {
	if e.DADFailed && r.v6.nd != nil && r.v6.ndCfg != nil {
		for _, a := range r.v6.ndCfg.IPv6.Addresses {
			if a.Prefix.Addr() == e.Addr {
				r.o.Log6.Warn(fmt.Sprintf("ndisc (%s): duplicate address %s", r.p.IfName, e.Addr))
				r.v6.nd.DADFailed(e.Addr)
				return
			}
		}
	}
	r.recheck6()
}

// setDHCP6Mode follows the RA's M/O flags: DHCPv6 starts, restarts in
// the other mode (releasing what it had) or stops.
func (r *Runner) setDHCP6Mode(m dhcp6Mode) {
	if m == r.v6.mode {
		return
	}
	if r.v6.client != nil {
		r.stopDHCP6(true)
		if r.l3.RemoveConfig(tag{r, tagDHCP6}) {
			r.l3.ScheduleCommit(l3cfg.CommitAuto)
		}
	}
	if m == dhcp6Off {
		r.v6.mode = dhcp6Off
		r.set6(false, StateNone, nil)
		return
	}
	if err := r.startDHCP6(m); err != nil {
		r.o.Log6.Warn(err.Error())
	}
}

func (r *Runner) startDHCP6(m dhcp6Mode) error {
	r.v6.mode = m
	r.set6(false, StatePending, nil)
	if r.o.Takeover && r.p.Method6 == MethodDHCP {
		r.holdPrevious6(false)
	}
	var c *dhcp6.Client
	c, err := dhcp6.New(dhcp6.Config{
		IfIndex: int(r.p.IfIndex), IfName: r.p.IfName, DUID: r.p.DUID, IAID: r.p.IAID6,
		InfoOnly: m == dhcp6Info, PrefixDelegation: r.p.PrefixDelegation && m == dhcp6Managed,
		Hostname: r.p.Hostname6, Timeout: r.p.Timeout6, Logger: r.o.Log6,
	}, func(ev dhcp6.Event) { r.post(func() { r.dhcp6Event(c, ev) }) })
	if err == nil {
		r.v6.client = c
		err = r.o.InNetns(c.Start)
	}
	if err != nil {
		r.v6.client = nil
		err = fmt.Errorf("start DHCPv6 client: %w", err)
		r.set6(false, StateFailed, err)
		return err
	}
	return nil
}

func (r *Runner) dhcp6Event(c *dhcp6.Client, ev dhcp6.Event) {
	if c != r.v6.client {
		return
	}
	switch ev.Type {
	case dhcp6.EventBound, dhcp6.EventExtended:
		l := ev.Lease
		r.o.Log6.Debug(fmt.Sprintf("dhcp6 (%s): lease %s, %d addresses, %d prefixes", r.p.IfName,
			map[bool]string{true: "bound", false: "extended"}[ev.Type == dhcp6.EventBound], len(l.Addresses), len(l.Prefixes)))
		r.v6.lease = l
		opts := r.options6(l3cfg.PriorityDHCP6)
		opts.Flags |= l3cfg.ForceOnce
		if r.l3.AddConfig(tag{r, tagDHCP6}, l3cfg.FromDHCP6(l), opts) {
			r.l3.ScheduleCommit(l3cfg.CommitAuto)
		}
		r.release(tagHeld6DHCP)
		if r.v6.grace != nil {
			r.v6.grace.Stop()
		}
		r.set6(false, StateReady, nil)
	case dhcp6.EventExpired:
		r.o.Log6.Debug(fmt.Sprintf("dhcp6 (%s): lease expired", r.p.IfName))
		r.lose6()
	case dhcp6.EventTimeout:
		r.release(tagHeld6DHCP)
		if r.v6.dhcpState != StateReady {
			r.set6(false, StateFailed, errors.New("DHCPv6 timeout"))
		}
	case dhcp6.EventFailed:
		r.o.Log6.Warn(fmt.Sprintf("dhcp6 (%s): client failed: %v", r.p.IfName, ev.Err))
		r.v6.client = nil
		go c.Stop(false)
		r.lose6()
		r.set6(false, StateFailed, fmt.Errorf("DHCPv6 client: %w", ev.Err))
	}
}

func (r *Runner) lose6() {
	r.v6.lease = nil
	r.release(tagHeld6DHCP)
	if r.l3.RemoveConfig(tag{r, tagDHCP6}) {
		r.l3.ScheduleCommit(l3cfg.CommitAuto)
	}
	if r.v6.dhcpState != StateReady {
		r.changed()
		return
	}
	r.set6(false, StatePending, nil)
	if r.p.Timeout6 <= 0 {
		return
	}
	if r.v6.grace == nil {
		r.v6.grace = r.l.AfterFunc(r.p.Timeout6, func() {
			if !r.stopped && r.v6.dhcpState == StatePending && r.v6.lease == nil {
				r.set6(false, StateFailed, errors.New("DHCPv6 lease lost"))
			}
		})
	} else {
		r.v6.grace.Reset(r.p.Timeout6)
	}
}

func (r *Runner) stopDHCP6(release bool) {
	if r.v6.grace != nil {
		r.v6.grace.Stop()
	}
	if c := r.v6.client; c != nil {
		r.v6.client = nil
		c.Stop(release)
	}
	r.v6.lease = nil
}

func (r *Runner) stopIPv6(release bool) {
	r.stopShared6()
	if nd := r.v6.nd; nd != nil {
		r.v6.nd = nil
		nd.Stop()
	}
	r.stopDHCP6(release)
}
