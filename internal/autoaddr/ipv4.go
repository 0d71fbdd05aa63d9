package autoaddr

import (
	"errors"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/dhcp4"
	"github.com/gonm/gonm/internal/ipv4ll"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/loop"
)

// Contribution tags.
const (
	tagDHCP4   = "dhcp4"
	tagHeld4   = "dhcp4-previous" // the previous run's lease, until confirmed
	tagLL4     = "ipv4ll"
	tagShared4 = "shared4"
	tagNDisc   = "ndisc"
	tagDHCP6   = "dhcp6"
	tagPD6     = "pd6" // the subnet of a delegated prefix (shared)
	// The previous run's RA and DHCPv6 objects, until confirmed.
	tagHeld6RA   = "ndisc-previous"
	tagHeld6DHCP = "dhcp6-previous"
)

// ipv4Run is the IPv4 method's state.
type ipv4Run struct {
	state State
	err   error

	client *dhcp4.Client
	lease  *dhcp4.Lease
	grace  *loop.Timer

	ll      *ipv4ll.Engine
	llAddr  netip.Addr
	llState State
	llErr   error

	shared sharedRun
}

func (r *Runner) set4(s State, err error) {
	if r.v4.state == s && r.v4.err == err {
		return
	}
	r.o.Log4.Debug(fmt.Sprintf("ipv4: method %s: %s", r.p.Method4, s))
	r.v4.state, r.v4.err = s, err
	r.changed()
}

func (r *Runner) setLL4(s State, err error) {
	if r.v4.llState == s && r.v4.llErr == err {
		return
	}
	r.o.LogLL.Debug(fmt.Sprintf("ipv4ll: %s", s))
	r.v4.llState, r.v4.llErr = s, err
	r.changed()
}

func (r *Runner) options4(priority int) l3cfg.ConfigOptions {
	o := r.p.Options4
	o.Priority = priority
	return o
}

func (r *Runner) startDHCP4() error {
	r.set4(StatePending, nil)
	if r.o.Takeover {
		r.holdPreviousLease()
	}
	var c *dhcp4.Client
	c, err := dhcp4.New(dhcp4.Config{
		IfIndex:       int(r.p.IfIndex),
		IfName:        r.p.IfName,
		HWAddr:        r.p.HWAddr,
		ClientID:      r.p.ClientID,
		Hostname:      r.p.Hostname4,
		UseFQDN:       r.p.UseFQDN,
		FQDNFlags:     r.p.FQDNFlags,
		VendorClass:   r.p.VendorClass,
		MUDURL:        r.p.MUDURL,
		Timeout:       r.p.Timeout4,
		ACDTimeout:    r.p.ACDTimeout,
		SendRelease:   r.p.SendRelease4,
		LeaseFile:     r.p.LeaseFile,
		RejectServers: r.p.RejectServers,
		Logger:        r.o.Log4,
	}, func(ev dhcp4.Event) { r.post(func() { r.dhcp4Event(c, ev) }) })
	if err == nil {
		r.v4.client = c
		err = r.o.InNetns(c.Start)
	}
	if err != nil {
		r.v4.client = nil
		err = fmt.Errorf("start DHCPv4 client: %w", err)
		r.set4(StateFailed, err)
		return err
	}
	return nil
}

// holdPreviousLease keeps what the previous run's lease put on the
// interface (its address and DHCP routes) while the client asks the server
// to confirm it with INIT-REBOOT, so that a restart changes nothing when
// the server agrees.
func (r *Runner) holdPreviousLease() {
	if r.p.LeaseFile == "" {
		return
	}
	addr, err := dhcp4.ReadLeaseFile(r.p.LeaseFile)
	if err != nil {
		return
	}
	on := l3cfg.FromInterface(r.l3.Platform(), r.p.IfIndex)
	held := &l3cfg.Config{Source: "dhcp4"}
	for _, a := range on.IPv4.Addresses {
		if a.Prefix.Addr() == addr {
			held.IPv4.Addresses = append(held.IPv4.Addresses, a)
		}
	}
	if len(held.IPv4.Addresses) == 0 {
		return
	}
	for _, rt := range on.IPv4.Routes {
		if rt.Protocol == unix.RTPROT_DHCP {
			held.IPv4.Routes = append(held.IPv4.Routes, rt)
		}
	}
	r.o.Log4.Info(fmt.Sprintf("dhcp4 (%s): keeping %s of the previous lease until the server confirms it", r.p.IfName, addr))
	r.l3.AddConfig(tag{r, tagHeld4}, held, r.options4(l3cfg.PriorityDHCP4))
}

func (r *Runner) dhcp4Event(c *dhcp4.Client, ev dhcp4.Event) {
	if c != r.v4.client {
		return
	}
	log := r.o.Log4
	switch ev.Type {
	case dhcp4.EventBound, dhcp4.EventExtended:
		l := ev.Lease
		log.Debug(fmt.Sprintf("dhcp4 (%s): state changed %s, address=%s", r.p.IfName,
			map[bool]string{true: "bound", false: "extended"}[ev.Type == dhcp4.EventBound], l.Address.Addr()))
		r.v4.lease = l
		opts := r.options4(l3cfg.PriorityDHCP4)
		// As NetworkManager: each lease restores what someone removed.
		opts.Flags |= l3cfg.ForceOnce
		changed := r.l3.AddConfig(tag{r, tagDHCP4}, l3cfg.FromDHCP4(l), opts)
		changed = r.l3.RemoveConfig(tag{r, tagHeld4}) || changed
		if changed {
			r.l3.ScheduleCommit(l3cfg.CommitAuto)
		}
		if r.v4.grace != nil {
			r.v4.grace.Stop()
		}
		r.set4(StateReady, nil)
		r.changed()
	case dhcp4.EventExpired, dhcp4.EventRetracted:
		what := "expired"
		if ev.Type == dhcp4.EventRetracted {
			what = "retracted (NAK)"
		}
		log.Debug(fmt.Sprintf("dhcp4 (%s): lease %s", r.p.IfName, what))
		r.lose4()
	case dhcp4.EventDeclined:
		log.Warn(fmt.Sprintf("dhcp4 (%s): offered address in use by %v, declined", r.p.IfName, ev.Conflict))
	case dhcp4.EventTimeout:
		if r.v4.state != StateReady {
			log.Info(fmt.Sprintf("dhcp4 (%s): no lease within %v", r.p.IfName, r.p.Timeout4))
			r.l3.RemoveConfig(tag{r, tagHeld4})
			r.l3.ScheduleCommit(l3cfg.CommitAuto)
			r.set4(StateFailed, errors.New("DHCPv4 timeout"))
		}
	case dhcp4.EventFailed:
		log.Warn(fmt.Sprintf("dhcp4 (%s): client failed: %v", r.p.IfName, ev.Err))
		r.v4.client = nil
		go c.Stop(false)
		r.lose4()
		r.set4(StateFailed, fmt.Errorf("DHCPv4 client: %w", ev.Err))
	}
}

// lose4 removes exactly what the lease added and gives the server the
// DHCP timeout to come back before the family fails (NetworkManager's
// grace period).
func (r *Runner) lose4() {
	r.v4.lease = nil
	changed := r.l3.RemoveConfig(tag{r, tagDHCP4})
	changed = r.l3.RemoveConfig(tag{r, tagHeld4}) || changed
	if changed {
		r.l3.ScheduleCommit(l3cfg.CommitAuto)
	}
	r.changed()
	if r.v4.state != StateReady {
		return
	}
	r.set4(StatePending, nil)
	if r.p.Timeout4 <= 0 {
		return
	}
	if r.v4.grace == nil {
		r.v4.grace = r.l.AfterFunc(r.p.Timeout4, func() {
			if !r.stopped && r.v4.state == StatePending && r.v4.lease == nil {
				r.set4(StateFailed, errors.New("DHCPv4 lease lost"))
			}
		})
	} else {
		r.v4.grace.Reset(r.p.Timeout4)
	}
}

func (r *Runner) startIPv4LL() error {
	r.setLL4(StatePending, nil)
	var e *ipv4ll.Engine
	e, err := ipv4ll.New(ipv4ll.Config{IfIndex: int(r.p.IfIndex), HWAddr: r.p.HWAddr, Timeout: r.p.ACDTimeout, Logger: r.o.LogLL},
		func(ev ipv4ll.Event) { r.post(func() { r.ipv4llEvent(e, ev) }) })
	if err == nil {
		r.v4.ll = e
		err = r.o.InNetns(e.Start)
	}
	if err != nil {
		r.v4.ll = nil
		err = fmt.Errorf("start IPv4 link-local: %w", err)
		r.setLL4(StateFailed, err)
		return err
	}
	return nil
}

func (r *Runner) ipv4llEvent(e *ipv4ll.Engine, ev ipv4ll.Event) {
	if e != r.v4.ll {
		return
	}
	switch ev.Type {
	case ipv4ll.EventBound:
		r.o.LogLL.Info(fmt.Sprintf("ipv4ll (%s): address %s", r.p.IfName, ev.Addr))
		r.v4.llAddr = ev.Addr
		if r.l3.AddConfig(tag{r, tagLL4}, l3cfg.FromIPv4LL(ev.Addr), r.options4(l3cfg.PriorityIPv4LL)) {
			r.l3.ScheduleCommit(l3cfg.CommitAuto)
		}
		r.setLL4(StateReady, nil)
	case ipv4ll.EventLost:
		r.o.LogLL.Info(fmt.Sprintf("ipv4ll (%s): lost %s to another host", r.p.IfName, ev.Addr))
		r.v4.llAddr = netip.Addr{}
		if r.l3.RemoveConfig(tag{r, tagLL4}) {
			r.l3.ScheduleCommit(l3cfg.CommitAuto)
		}
		r.setLL4(StatePending, nil)
	case ipv4ll.EventFailed:
		r.v4.ll, r.v4.llAddr = nil, netip.Addr{}
		go e.Stop()
		if r.l3.RemoveConfig(tag{r, tagLL4}) {
			r.l3.ScheduleCommit(l3cfg.CommitAuto)
		}
		r.setLL4(StateFailed, fmt.Errorf("IPv4 link-local: %w", ev.Err))
	}
}

func (r *Runner) stopIPv4(release bool) {
	if r.v4.grace != nil {
		r.v4.grace.Stop()
	}
	if c := r.v4.client; c != nil {
		r.v4.client = nil
		c.Stop(release)
	}
	if e := r.v4.ll; e != nil {
		r.v4.ll = nil
		e.Stop()
	}
	r.stopShared()
}
