// Package policy is NetworkManager's policy: it decides what activates
// without being asked. It auto-connects devices with the best available
// profile (autoconnect, autoconnect-priority, last use, autoconnect-retries
// with the 300 s reset, and the blocked reasons user-request, failed and
// no-secrets), creates the "Wired connection N" default profile for
// Ethernet devices without one (honouring and extending no-auto-default),
// records when profiles were last activated (the timestamps database), picks
// the activation with the best default route (Default, Default6,
// PrimaryConnection, ActivatingConnection), and deletes volatile profiles
// once their activation ends.
//
// It runs on the loop, hears the device layer's events through the manager
// and acts through the manager (internal/manager), the devices
// (internal/device), the profile store (internal/settings) and the
// configuration (internal/config).
package policy

import (
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/gonm/gonm/internal/config"
	"github.com/gonm/gonm/internal/device"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/manager"
	"github.com/gonm/gonm/internal/settings"
)

// Options wire the policy.
type Options struct {
	Loop    *loop.Loop
	Manager *manager.Manager
	Devices *device.Devices
	Store   *settings.Store
	Config  func() *config.Config
	// Log is the POLICY logger (NetworkManager logs its policy under the
	// DEVICE and CORE domains).
	Log *slog.Logger
	// Timestamps keeps when profiles were last activated.
	Timestamps Timestamps
	// NoAutoDefaultFile is no-auto-default.state, where devices whose
	// default profile a user deleted are remembered.
	NoAutoDefaultFile string
	// MachineID is /etc/machine-id's content, which seeds the default
	// profiles' UUIDs.
	MachineID string
}

// Timestamps is the record of last activations (NetworkManager's
// /var/lib/NetworkManager/timestamps).
type Timestamps interface {
	// Get returns the timestamp and whether the profile has one (0 means
	// tried and failed).
	Get(uuid string) (uint64, bool)
	Set(uuid string, t uint64)
}

// Blocked reasons of a profile (NMSettingsAutoconnectBlockedReason).
type blockedReason uint32

const (
	blockedUserRequest blockedReason = 0x1
	blockedFailed      blockedReason = 0x2
	blockedNoSecrets   blockedReason = 0x4
)

// resetRetriesAfter is how long a profile that used up its retries stays
// blocked (AUTOCONNECT_RESET_RETRIES_TIMER).
const resetRetriesAfter = 300 * time.Second

// profileState is the policy's run-time state of a profile.
type profileState struct {
	blocked      blockedReason
	retries      int // -2 unset, -1 forever, >= 0 left
	blockedUntil time.Time
	// defaultFor is the device this is the default wired profile of.
	defaultFor *device.Device
}

// Policy is the running policy.
type Policy struct {
	opts    Options
	log     *slog.Logger
	m       *manager.Manager
	devs    *device.Devices
	store   *settings.Store
	states  map[string]*profileState // by UUID
	pending map[*device.Device]bool
	// defaultBlocked: devices whose default profile was decided once.
	defaultBlocked map[*device.Device]bool
	resetTimer     *loop.Timer
	default4       *device.Activation
	default6       *device.Activation
	deletingOwn    bool
}

// New starts the policy.
func New(o Options) *Policy {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Timestamps == nil {
		o.Timestamps = newMemTimestamps()
	}
	p := &Policy{opts: o, log: o.Log, m: o.Manager, devs: o.Devices, store: o.Store,
		states: map[string]*profileState{}, pending: map[*device.Device]bool{},
		defaultBlocked: map[*device.Device]bool{}}
	p.m.Timestamps = o.Timestamps.Get
	p.devs.Timestamps = o.Timestamps.Get
	p.m.SubscribeDevices(p.deviceEvent)
	p.m.OnUserActivation(p.userActivated)
	p.store.Subscribe(p.profileEvent)
	return p
}

func (p *Policy) cfg() *config.Config { return p.opts.Config() }

func (p *Policy) state(pr *settings.Profile) *profileState {
	s := p.states[pr.UUID()]
	if s == nil {
		s = &profileState{retries: -2}
		p.states[pr.UUID()] = s
	}
	return s
}

// retriesInitial is the profile's autoconnect-retries, or the
// configuration's default (4), 0 meaning forever (-1).
func (p *Policy) retriesInitial(pr *settings.Profile) int {
	r := -1
	if s := pr.Connection().Setting("connection"); s != nil {
		r = int(s.Int32("autoconnect-retries"))
	}
	if r == -1 {
		r = p.cfg().AutoconnectRetriesDefault()
	}
	if r == 0 {
		r = -1
	}
	return r
}

func (p *Policy) retries(pr *settings.Profile) int {
	s := p.state(pr)
	if s.retries == -2 {
		p.setRetries(pr, p.retriesInitial(pr))
	}
	return s.retries
}

func (p *Policy) setRetries(pr *settings.Profile, n int) {
	s := p.state(pr)
	s.retries = n
	if n != 0 {
		s.blockedUntil = time.Time{}
		return
	}
	s.blockedUntil = time.Now().Add(resetRetriesAfter)
	p.log.Info(fmt.Sprintf("policy: disabling autoconnect for connection '%s'.", pr.ID()))
	p.scheduleResetRetries()
}

func (p *Policy) resetRetries(pr *settings.Profile) {
	p.setRetries(pr, p.retriesInitial(pr))
}

// scheduleResetRetries arms one timer for the earliest profile whose
// retries come back.
func (p *Policy) scheduleResetRetries() {
	var next time.Time
	for _, s := range p.states {
		if s.retries == 0 && !s.blockedUntil.IsZero() && (next.IsZero() || s.blockedUntil.Before(next)) {
			next = s.blockedUntil
		}
	}
	if p.resetTimer != nil {
		p.resetTimer.Stop()
		p.resetTimer = nil
	}
	if next.IsZero() {
		return
	}
	p.resetTimer = p.opts.Loop.AfterFunc(time.Until(next), func() {
		p.resetTimer = nil
		now := time.Now()
		changed := false
		for uuid, s := range p.states {
			if s.retries == 0 && !s.blockedUntil.IsZero() && !s.blockedUntil.After(now) {
				if pr := p.store.ByUUID(uuid); pr != nil {
					p.resetRetries(pr)
					changed = true
				}
			}
		}
		p.scheduleResetRetries()
		if changed {
			p.scheduleAll()
		}
	})
}

func (p *Policy) setBlocked(pr *settings.Profile, r blockedReason, on bool) {
	s := p.state(pr)
	if on {
		s.blocked |= r
	} else {
		s.blocked &^= r
	}
}

// autoconnectBlocked: a blocked reason, no retries left, or the store's
// block-autoconnect flag.
func (p *Policy) autoconnectBlocked(pr *settings.Profile) bool {
	if pr.BlockAutoconnect {
		return true
	}
	s := p.state(pr)
	return s.blocked != 0 || p.retries(pr) == 0
}

// ---- events ----

func (p *Policy) deviceEvent(e device.Event) {
	if e.Device == nil && e.Act == nil {
		return
	}
	switch e.Kind {
	case device.DeviceStateChanged:
		p.deviceStateChanged(e.Device, e.New, e.Old, e.Reason)
	case device.DeviceRealized, device.DeviceChanged:
		if e.Device.State() == device.StateDisconnected || !e.Device.Real() {
			p.scheduleActivateCheck(e.Device)
		}
	case device.DeviceAdded:
		if !e.Device.Real() {
			p.scheduleActivateCheck(e.Device)
		}
	case device.DeviceRemoved:
		delete(p.pending, e.Device)
		delete(p.defaultBlocked, e.Device)
		for uuid, s := range p.states {
			if s.defaultFor == e.Device {
				s.defaultFor = nil
				if pr := p.store.ByUUID(uuid); pr != nil {
					p.deletingOwn = true
					_ = p.store.Delete(pr)
					p.deletingOwn = false
				}
			}
		}
	case device.ActivationStateChanged:
		p.activationStateChanged(e.Act, e.ActState, e.ActOld)
	case device.ActivationRemoved:
		if pr := e.Act.Profile; pr != nil && pr.Flags()&settings.FlagVolatile != 0 {
			p.store.ReleaseVolatile(pr)
		}
		for _, d := range p.devs.All() {
			if d.State() == device.StateDisconnected || !d.Real() {
				p.scheduleActivateCheck(d)
			}
		}
	}
	p.updateRouting()
}

func (p *Policy) deviceStateChanged(d *device.Device, next, old device.State, reason device.Reason) {
	var pr *settings.Profile
	if a := d.Activation(); a != nil {
		pr = a.Profile
	}
	switch next {
	case device.StateFailed:
		if pr != nil && old >= device.StatePrepare && old <= device.StateActivated {
			blocked := false
			switch reason {
			case device.ReasonNoSecrets:
				p.log.Debug(fmt.Sprintf("connection '%s' now blocked from autoconnect due to no secrets", pr.ID()))
				p.setBlocked(pr, blockedNoSecrets, true)
				blocked = true
			case device.ReasonDependencyFailed:
				p.log.Debug(fmt.Sprintf("connection '%s' now blocked from autoconnect due to failed dependency", pr.ID()))
				p.setBlocked(pr, blockedFailed, true)
				blocked = true
			}
			if !blocked {
				if tries := p.retries(pr); tries > 0 {
					p.log.Debug(fmt.Sprintf("connection '%s' failed to autoconnect; %d tries left", pr.ID(), tries-1))
					p.setRetries(pr, tries-1)
				} else if tries != 0 {
					p.log.Debug(fmt.Sprintf("connection '%s' failed to autoconnect; infinite tries left", pr.ID()))
				}
			}
			if _, has := p.opts.Timestamps.Get(pr.UUID()); !has {
				p.opts.Timestamps.Set(pr.UUID(), 0)
			}
		}
	case device.StateActivated:
		if pr != nil {
			p.resetRetries(pr)
		}
	case device.StateDeactivating:
		if pr != nil {
			var r blockedReason
			switch reason {
			case device.ReasonUserRequested:
				r = blockedUserRequest
			case device.ReasonDependencyFailed:
				r = blockedFailed
			}
			if r != 0 {
				p.log.Debug(fmt.Sprintf("blocking autoconnect of connection '%s': %s", pr.ID(), reason))
				p.setBlocked(pr, r, true)
			}
		}
	case device.StateDisconnected:
		if reason == device.ReasonCarrier && old == device.StateUnavailable {
			p.resetAutoconnectAll(d)
		}
		p.scheduleActivateCheck(d)
	case device.StatePrepare:
		p.activatePortsOf(d)
	case device.StateIPConfig:
		if pr != nil {
			p.setBlocked(pr, blockedUserRequest|blockedFailed|blockedNoSecrets, false)
		}
	}
	if next == device.StateUnavailable || next == device.StateDisconnected {
		p.maybeCreateDefault(d)
	}
}

// activationStateChanged records the profile's timestamp when its
// activation reaches ACTIVATED and when it leaves it, as NetworkManager's
// active connections do, whatever their kind (lo's external one too, so
// that its generated profile shows when it was taken over).
func (p *Policy) activationStateChanged(a *device.Activation, s, old device.ActState) {
	if a.Profile != nil && (s == device.ActActivated || old == device.ActActivated) {
		p.opts.Timestamps.Set(a.Profile.UUID(), uint64(time.Now().Unix()))
	}
}

// userActivated: a user's activation lifts the user block.
func (p *Policy) userActivated(a *device.Activation) {
	if a.Profile != nil {
		p.setBlocked(a.Profile, blockedUserRequest, false)
	}
}

// resetAutoconnectAll resets the retries of the device's profiles (carrier
// came back).
func (p *Policy) resetAutoconnectAll(d *device.Device) {
	for _, pr := range p.store.Profiles() {
		if d.Available(pr, true) == nil || d.Available(pr, false) == nil {
			p.resetRetries(pr)
			p.setBlocked(pr, blockedFailed|blockedNoSecrets, false)
		}
	}
}

// activatePortsOf: when a controller starts activating, its port profiles
// get their retries back and are checked.
func (p *Policy) activatePortsOf(d *device.Device) {
	if !d.IsController() {
		return
	}
	a := d.Activation()
	if a == nil || a.Profile == nil {
		return
	}
	for _, pr := range p.store.Profiles() {
		c := pr.Connection()
		if ctrl := c.Controller(); ctrl != "" && (ctrl == d.Iface() || ctrl == a.Profile.UUID()) {
			p.resetRetries(pr)
			p.setBlocked(pr, blockedFailed, false)
		}
	}
	p.scheduleAll()
}

func (p *Policy) profileEvent(e settings.Event) {
	switch e.Kind {
	case settings.Added, settings.Updated:
		if e.Kind == settings.Updated {
			if s := p.states[e.Profile.UUID()]; s != nil && s.defaultFor != nil && !p.deletingOwn {
				// Changed by a user: no longer the default profile.
				s.defaultFor = nil
			}
		}
		p.resetRetries(e.Profile)
		p.scheduleAll()
	case settings.Removed:
		// A deleted profile's activations end (connection-removed).
		for _, a := range p.devs.Activations() {
			if a.Profile == e.Profile && a.State() <= device.ActActivated {
				a.Deactivate(device.ReasonConnectionRemoved, device.ActReasonConnectionRemoved)
			}
		}
		if s := p.states[e.Profile.UUID()]; s != nil {
			if s.defaultFor != nil && !p.deletingOwn {
				p.addNoAutoDefault(s.defaultFor)
			}
			delete(p.states, e.Profile.UUID())
		}
	}
}

// ---- auto-activation ----

func (p *Policy) scheduleAll() {
	for _, d := range p.devs.All() {
		p.scheduleActivateCheck(d)
	}
}

// scheduleActivateCheck looks for a profile to auto-activate on the device
// once the current burst of events is over.
func (p *Policy) scheduleActivateCheck(d *device.Device) {
	if p.pending[d] || p.m.Asleep() {
		return
	}
	if d.Real() && d.State() < device.StateDisconnected {
		return
	}
	if p.busy(d) {
		return
	}
	p.pending[d] = true
	p.opts.Loop.Idle(pendingKey{d}, func() {
		delete(p.pending, d)
		p.autoActivate(d)
	})
}

type pendingKey struct{ d *device.Device }

// busy: the device has an activation (or one queued) that autoconnect
// must not replace; an external activation on a kind that allows it
// (loopback) can be.
func (p *Policy) busy(d *device.Device) bool {
	if d.Activation() == nil && !d.IsActivating() {
		return false
	}
	return !d.AutoconnectOnExternal()
}

// autoActivate is NetworkManager's auto_activate_device.
func (p *Policy) autoActivate(d *device.Device) {
	if p.m.Asleep() || p.busy(d) || d.AutoconnectBlocked() {
		return
	}
	if d.Real() {
		if d.State() < device.StateDisconnected || !d.Managed() {
			return
		}
	}
	for _, pr := range p.candidates() {
		c := pr.Connection()
		if s := c.Setting("connection"); s == nil || !s.Bool("autoconnect") {
			continue
		}
		if p.autoconnectBlocked(pr) {
			continue
		}
		if err := d.Available(pr, false); err != nil {
			continue
		}
		if !d.Real() && !p.unrealizedCanAutoconnect(d, pr) {
			continue
		}
		p.log.Info(fmt.Sprintf("policy: auto-activating connection '%s' (%s)", pr.ID(), pr.UUID()))
		if _, err := p.m.Activate(manager.ActivateRequest{Profile: pr, Device: d, Reason: manager.ReasonAutoconnect, Internal: true}); err != nil {
			p.log.Info(fmt.Sprintf("policy: connection '%s' auto-activation failed: %v", pr.ID(), err))
			p.setBlocked(pr, blockedFailed, true)
			p.scheduleActivateCheck(d)
		}
		return
	}
}

// unrealizedCanAutoconnect: a port's controller must be active first.
func (p *Policy) unrealizedCanAutoconnect(d *device.Device, pr *settings.Profile) bool {
	return true
}

// candidates lists profiles that are not active (unless multi-connect
// allows), sorted as NetworkManager sorts them for autoconnect:
// autoconnect first, higher autoconnect-priority first, then the most
// recently used, then by UUID.
func (p *Policy) candidates() []*settings.Profile {
	var out []*settings.Profile
	active := map[*settings.Profile]bool{}
	for _, a := range p.devs.Activations() {
		if a.Profile != nil && a.State() < device.ActDeactivating {
			active[a.Profile] = true
		}
	}
	for _, pr := range p.store.Profiles() {
		c := pr.Connection()
		mc := int32(0)
		if s := c.Setting("connection"); s != nil {
			mc = s.Int32("multi-connect")
		}
		if active[pr] && mc != 3 {
			continue
		}
		out = append(out, pr)
	}
	sort.SliceStable(out, func(i, j int) bool { return p.cmpAutoconnect(out[i], out[j]) < 0 })
	return out
}

func (p *Policy) cmpAutoconnect(a, b *settings.Profile) int {
	ac := func(pr *settings.Profile) (bool, int32) {
		s := pr.Connection().Setting("connection")
		if s == nil {
			return false, 0
		}
		return s.Bool("autoconnect"), s.Int32("autoconnect-priority")
	}
	aa, ap := ac(a)
	ba, bp := ac(b)
	if aa != ba {
		if aa {
			return -1
		}
		return 1
	}
	if aa && ap != bp {
		if ap > bp {
			return -1
		}
		return 1
	}
	at, ahas := p.opts.Timestamps.Get(a.UUID())
	bt, bhas := p.opts.Timestamps.Get(b.UUID())
	if ahas != bhas {
		if ahas {
			return -1
		}
		return 1
	}
	if ahas && at != bt {
		if at > bt {
			return -1
		}
		return 1
	}
	return strings.Compare(a.UUID(), b.UUID())
}

// ---- no-auto-default ----

// addNoAutoDefault remembers a device whose default profile a user
// deleted, in no-auto-default.state (its MAC address, or
// "interface-name:=NAME" without a permanent one).
func (p *Policy) addNoAutoDefault(d *device.Device) {
	file := p.opts.NoAutoDefaultFile
	if file == "" {
		return
	}
	spec := ""
	// A stand-in permanent address is not worth remembering.
	if a, fake := d.PermHWAddr(); !a.IsZero() && !fake {
		spec = strings.ToLower(a.String())
	} else if d.Iface() != "" {
		spec = "interface-name:=" + d.Iface()
	}
	if spec == "" {
		return
	}
	cur := p.cfg().NoAutoDefaultState()
	for _, s := range cur {
		if s == spec {
			return
		}
	}
	cur = append(cur, spec)
	sort.Strings(cur)
	data := strings.Join(cur, "\n") + "\n"
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		p.log.Warn(fmt.Sprintf("Could not update no-auto-default.state file: %v", err))
	}
}
