package autoaddr

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/gonm/gonm/internal/dhcp4"
	"github.com/gonm/gonm/internal/dhcp6"
	"github.com/gonm/gonm/internal/firewall"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/ndisc"
)

// State is the progress of one family's automatic method, with
// NetworkManager's NMDeviceIPState meanings.
type State uint8

const (
	// StateNone: no automatic method runs for the family.
	StateNone State = iota
	// StatePending: waiting for a lease, an RA or a free address.
	StatePending
	// StateReady: the method's configuration is committed and usable.
	StateReady
	// StateFailed: the method gave up (timeout, socket error).
	StateFailed
)

func (s State) String() string {
	return [...]string{"none", "pending", "ready", "failed"}[s]
}

// Options are what a Runner is made with.
type Options struct {
	Loop *loop.Loop
	// L3 is the interface's L3Cfg; the Runner adds and removes its
	// contributions and schedules commits (the owner registers the commit
	// type).
	L3     *l3cfg.L3Cfg
	Params *Params
	// InNetns runs fn in the interface's network namespace (engines open
	// their sockets there); nil runs it in the caller's.
	InNetns func(fn func() error) error
	// Changed is called on the loop when a family's State or lease may
	// have changed.
	Changed func()
	// Log4, Log6 and LogLL take messages of the DHCP4/IP4, DHCP6/IP6 and
	// AUTOIP4 domains; nil discards.
	Log4, Log6, LogLL *slog.Logger
	// Command makes the commands shared mode runs (dnsmasq, nft,
	// iptables) in the interface's network namespace; nil runs them in
	// the caller's.
	Command firewall.Command
	// SharedIPs is the namespace's reservation of 10.42.N.0/24 subnets
	// (one table per namespace, shared by its Runners).
	SharedIPs *SharedIPs
	// LogShared takes shared mode's messages (domain SHARING).
	LogShared *slog.Logger
	// Takeover says the daemon restarted and the interface may still carry
	// the previous run's lease and RA configuration: they are held until
	// the server or router answers. Start must then run before the
	// L3Cfg's first commit after Restore (or that commit removes them).
	Takeover bool
}

// Runner is the automatic methods of one interface for one activation.
// Make it with New, then Start; Stop ends it. Every method runs on the
// loop.
type Runner struct {
	o       Options
	p       *Params
	l       *loop.Loop
	l3      *l3cfg.L3Cfg
	stopped bool
	unwatch func()

	v4 ipv4Run
	v6 ipv6Run
}

// tag identifies a Runner's contributions in its L3Cfg.
type tag struct {
	r    *Runner
	kind string
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// New makes a Runner that has not started.
func New(o Options) (*Runner, error) {
	if o.Loop == nil || o.L3 == nil || o.Params == nil {
		return nil, fmt.Errorf("autoaddr: loop, L3Cfg and parameters are required")
	}
	for _, lg := range []**slog.Logger{&o.Log4, &o.Log6, &o.LogLL, &o.LogShared} {
		if *lg == nil {
			*lg = discard
		}
	}
	if o.InNetns == nil {
		o.InNetns = func(fn func() error) error { return fn() }
	}
	if o.Changed == nil {
		o.Changed = func() {}
	}
	return &Runner{o: o, p: o.Params, l: o.Loop, l3: o.L3}, nil
}

// Start starts the methods of both families (those this package runs).
// A family whose engine cannot start is failed, the error returned.
func (r *Runner) Start() error {
	r.unwatch = r.l3.Watch(r.l3Event)
	var errs []error
	if r.p.LinkLocal4 && r.p.Method4 != "disabled" {
		if err := r.startIPv4LL(); err != nil {
			errs = append(errs, err)
		}
	}
	switch r.p.Method4 {
	case MethodAuto:
		if err := r.startDHCP4(); err != nil {
			errs = append(errs, err)
		}
	case MethodShared:
		if err := r.startShared(); err != nil {
			errs = append(errs, err)
		}
	}
	switch r.p.Method6 {
	case MethodAuto:
		if err := r.startNDisc(); err != nil {
			errs = append(errs, err)
		}
	case MethodDHCP:
		if err := r.startDHCP6(dhcp6Managed); err != nil {
			errs = append(errs, err)
		}
	case MethodShared:
		if err := r.startShared6(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("autoaddr %s: %v", r.p.IfName, errs)
	}
	return nil
}

// Stop ends every engine. With release, a DHCPv4 lease is released (when
// Params.SendRelease4) and DHCPv6 leases too. With keep, the contributions
// stay in the L3Cfg (the daemon quits and leaves the interface as it is);
// otherwise they are removed and a commit is scheduled, so the interface
// loses exactly what the methods added.
func (r *Runner) Stop(release, keep bool) {
	if r.stopped {
		return
	}
	r.stopped = true
	if r.unwatch != nil {
		r.unwatch()
	}
	r.stopIPv4(release)
	r.stopIPv6(release)
	if keep {
		return
	}
	changed := false
	for _, k := range allTags {
		changed = r.l3.RemoveConfig(tag{r, k}) || changed
	}
	if changed {
		r.l3.ScheduleCommit(l3cfg.CommitAuto)
	}
}

var allTags = []string{tagDHCP4, tagHeld4, tagLL4, tagShared4, tagNDisc, tagDHCP6, tagPD6, tagHeld6RA, tagHeld6DHCP}

// State returns a family's progress and, when failed, why.
func (r *Runner) State(f l3cfg.Family) (State, error) {
	if f == l3cfg.IPv4 {
		return accumulate([]State{r.v4.state, r.v4.llState}, []error{r.v4.err, r.v4.llErr}, nil)
	}
	return r.v6.combined()
}

// Lease4 returns the current DHCPv4 lease (nil without one): its Options
// are the DHCP4Config object's.
func (r *Runner) Lease4() *dhcp4.Lease { return r.v4.lease }

// Lease6 returns the current DHCPv6 lease (nil without one).
func (r *Runner) Lease6() *dhcp6.Lease { return r.v6.lease }

// NDisc returns the data of the last router advertisements (nil before
// the first).
func (r *Runner) NDisc() *ndisc.Data { return r.v6.data }

// LinkLocal4 returns the IPv4 link-local address in use, if any.
func (r *Runner) LinkLocal4() (addr string, ok bool) {
	if !r.v4.llAddr.IsValid() {
		return "", false
	}
	return r.v4.llAddr.String(), true
}

// post hands an engine event to the loop, dropped if the Runner stopped by
// then (engines may report until their Stop returns).
func (r *Runner) post(fn func()) {
	r.l.Post(func() {
		if !r.stopped {
			fn()
		}
	})
}

func (r *Runner) changed() { r.o.Changed() }

// l3Event follows conflict detection and DAD of what the methods added.
func (r *Runner) l3Event(e l3cfg.Event) {
	if r.stopped {
		return
	}
	switch e.Type {
	case l3cfg.EventDAD:
		r.ipv6DAD(e)
	case l3cfg.EventPlatformChange, l3cfg.EventPostCommit:
		r.recheck6()
		r.sharedCheck()
		r.routerCheck()
	}
}
