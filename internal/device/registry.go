package device

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"slices"
	"sort"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/auth"
	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/config"
	"github.com/gonm/gonm/internal/ipconfig"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/settings"
)

// Platform is what devices need of internal/platform; *platform.Platform
// implements it, tests use a fake. All calls happen on the loop.
type Platform interface {
	Link(index int32) (*platform.Link, bool)
	LinkByName(name string) (*platform.Link, bool)
	Links() []*platform.Link
	Addresses(t platform.ObjectType, index int32) []*platform.Address
	Routes(t platform.ObjectType, index int32, all bool, fn func(*platform.Route) bool)
	LinkSetUp(index int32, up bool) error
	LinkSetMTU(index int32, mtu uint32) error
	LinkAdd(s *platform.LinkSpec) (*platform.Link, error)
	LinkDelete(index int32) error
	LinkAttach(index, master int32) error
	LinkDetach(index int32) error
	LinkSetAddrGenMode(index int32, mode uint8) error
	LinkStats(index int32) (platform.LinkStats, error)
	LinkDriverInfo(index int32) (platform.DriverInfo, error)
	AddrAdd(a *platform.Address) error
	AddrReplace(a *platform.Address) error
	AddrDelete(a *platform.Address) error
	RouteAdd(r *platform.Route) error
	RouteReplace(r *platform.Route) error
	RouteDelete(r *platform.Route) error
	SetIP6Sysctl(index int32, key, value string) error
	IP6Sysctl(index int32, key string) (string, error)
}

// Options wire the devices to the rest of the daemon.
type Options struct {
	Loop     *loop.Loop
	Platform Platform
	Exporter *bus.Exporter
	// Auth decides the Device methods and property writes; nil allows
	// everything (tests).
	Auth *auth.Authority
	// Store holds the profiles.
	Store *settings.Store
	// Config returns the configuration in effect.
	Config func() *config.Config
	// Log is the DEVICE logger.
	Log *slog.Logger
	// RunDir is NetworkManager's run directory (/run/NetworkManager);
	// per-device run state lives in RunDir/devices.
	RunDir string
	// L3 owns the IP configuration of the namespace's interfaces; each
	// device drives the L3Cfg of its interface (l3.go). Nil: devices
	// configure no addresses or routes (tests of other layers).
	L3 *l3cfg.Registry
	// IPConfigs exports the IP4Config/IP6Config objects of the devices'
	// L3Cfgs; nil exports none (Ip4Config/Ip6Config are "/").
	IPConfigs *ipconfig.Manager
	// Auto makes the automatic addressing methods (DHCP, router
	// discovery, IPv4 link-local, shared) of activations; nil: none, and
	// those methods stay pending (auto.go).
	Auto AutoProvider
	// Udev says whether udev runs and what it knows of links; nil means
	// detect (udev runs when /run/udev/control exists and /sys is
	// writable).
	Udev UdevSource
	// ProfilePath names a profile's Settings.Connection object.
	ProfilePath func(*settings.Profile) dbus.ObjectPath
	// HostKey is the host's secret (internal/hostid) for stable-privacy
	// IPv6 link-local addresses; nil falls back to EUI-64.
	HostKey []byte
}

// EventKind says what an Event reports.
type EventKind int

const (
	// DeviceAdded: a device object exists (it may be unrealized).
	DeviceAdded EventKind = iota + 1
	// DeviceRealized: the device got its kernel link (DeviceAdded on
	// D-Bus).
	DeviceRealized
	// DeviceUnrealized: the link went away; the object stays for its
	// profile (DeviceRemoved on D-Bus).
	DeviceUnrealized
	// DeviceRemoved: the object is gone.
	DeviceRemoved
	// DeviceStateChanged: New, Old, Reason.
	DeviceStateChanged
	// DeviceChanged: properties the layers above use changed (carrier,
	// available connections, metered, ports, managed).
	DeviceChanged
	// ActivationAdded: an activation exists (before it starts).
	ActivationAdded
	// ActivationStateChanged: ActState (ActOld before), ActReason.
	ActivationStateChanged
	// ActivationChanged: another property of the activation changed
	// (state flags, default routes, devices, controller).
	ActivationChanged
	// ActivationRemoved: the activation reached DEACTIVATED and is gone.
	ActivationRemoved
)

// Event is one change the layers above hear about, on the loop.
type Event struct {
	Kind      EventKind
	Device    *Device
	Act       *Activation
	New, Old  State
	Reason    Reason
	ActState  ActState
	ActOld    ActState
	ActReason ActReason
}

// Devices is the set of all devices. It lives on the loop.
type Devices struct {
	opts  Options
	loop  *loop.Loop
	plat  Platform
	exp   *bus.Exporter
	log   *slog.Logger
	store *settings.Store
	udev  UdevSource

	byIndex map[int32]*Device
	all     []*Device
	acts    []*Activation
	subs    []func(Event)

	classes   map[*kindInfo]*bus.Class
	hostKey   []byte
	metrics   map[int32]*routeMetric
	runStates map[int32]*RunState
	l3        *l3cfg.Registry
	ipcfgs    *ipconfig.Manager
	// l3States are what the previous run's L3Cfgs configured, by
	// interface index, until an assumed activation takes them over.
	l3States map[int32]l3cfg.State
	udiSeq   uint64
	quitting bool
	asleep   bool
	// startup is true until the first burst of devices settled.
	startup bool

	// Timestamps gives the last successful activation of a profile (the
	// policy keeps them); it orders candidates when guessing which profile
	// to take over.
	Timestamps func(uuid string) (uint64, bool)
}

// New makes the device set; Start creates devices for the links.
func New(o Options) *Devices {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Config == nil {
		empty := &config.Config{}
		o.Config = func() *config.Config { return empty }
	}
	if o.ProfilePath == nil {
		o.ProfilePath = func(p *settings.Profile) dbus.ObjectPath {
			return dbus.ObjectPath(fmt.Sprintf("%s/%d", bus.FamilySettingsConn, p.Number))
		}
	}
	if o.Udev == nil {
		o.Udev = DetectUdev()
	}
	r := &Devices{opts: o, loop: o.Loop, plat: o.Platform, exp: o.Exporter, log: o.Log,
		store: o.Store, udev: o.Udev, byIndex: map[int32]*Device{}, startup: true, hostKey: o.HostKey,
		l3: o.L3, ipcfgs: o.IPConfigs}
	return r
}

// Subscribe registers fn for every event, in registration order.
func (r *Devices) Subscribe(fn func(Event)) { r.subs = append(r.subs, fn) }

func (r *Devices) emit(e Event) {
	for _, fn := range r.subs {
		fn(e)
	}
}

// All lists every device in creation order (AllDevices).
func (r *Devices) All() []*Device { return append([]*Device(nil), r.all...) }

// Realized lists the realized devices in creation order (Devices).
func (r *Devices) Realized() []*Device {
	var out []*Device
	for _, d := range r.all {
		if d.real {
			out = append(out, d)
		}
	}
	return out
}

// ByIndex finds the device of a link.
func (r *Devices) ByIndex(i int32) *Device { return r.byIndex[i] }

// ByPath finds a device by its object path.
func (r *Devices) ByPath(p dbus.ObjectPath) *Device {
	for _, d := range r.all {
		if d.Path() == p {
			return d
		}
	}
	return nil
}

// ByIPIface finds a realized device by its IP interface name
// (GetDeviceByIpIface).
func (r *Devices) ByIPIface(name string) *Device {
	for _, d := range r.all {
		if d.real && d.iface == name {
			return d
		}
	}
	return nil
}

// ByIface finds a device by interface name, realized ones first.
func (r *Devices) ByIface(name string) *Device {
	var unreal *Device
	for _, d := range r.all {
		if d.iface == name {
			if d.real {
				return d
			}
			if unreal == nil {
				unreal = d
			}
		}
	}
	return unreal
}

// Activations lists the activations that exist (ActiveConnections), in
// creation order.
func (r *Devices) Activations() []*Activation { return append([]*Activation(nil), r.acts...) }

// ProfileInUse reports whether an activation that has not ended uses the
// profile (the store keeps a volatile profile while it is).
func (r *Devices) ProfileInUse(p *settings.Profile) bool {
	for _, a := range r.acts {
		if a.Profile == p && a.state < ActDeactivated {
			return true
		}
	}
	return false
}

func (r *Devices) cfg() *config.Config { return r.opts.Config() }

// Start loads the run state of the previous daemon and creates a device
// for every link. Call it on the loop, after the profiles are loaded.
func (r *Devices) Start() {
	r.runStates = readRunStates(r.runStateDir(), r.log)
	r.loadL3States()
	r.loadMetrics(r.runStates)
	_, err := os.Stat(r.runStateDir())
	first := r.runStateDir() != "" && errors.Is(err, fs.ErrNotExist)
	if r.runStateDir() != "" {
		if err := os.MkdirAll(r.runStateDir(), 0o755); err != nil {
			r.log.Warn(fmt.Sprintf("device-state: %v", err))
		}
	}
	byName := true
	if v, ok := r.cfg().String("main", "slaves-order"); ok && v == "index" {
		byName = false
	}
	for _, l := range linkOrder(r.plat.Links(), byName) {
		guess := first
		if st := r.runStates[l.Index]; st != nil && st.ConnectionUUID != "" {
			guess = false
		}
		r.linkAdded(l, guess)
	}
	// Software devices of profiles whose links do not exist (yet).
	if r.store != nil {
		for _, p := range r.store.Profiles() {
			r.profileChanged(p)
		}
		r.store.Subscribe(r.profileEvent)
	}
	r.runStates = nil
	r.pruneRunStates()
	r.loop.Idle(r, func() {
		r.startup = false
		r.emit(Event{Kind: DeviceChanged})
	})
}

// Startup reports whether the devices found at start are still settling.
// A device still waiting to detect carrier after it was brought up holds
// start-up too (NetworkManager's carrier-wait pending action).
func (r *Devices) Startup() bool {
	if r.startup {
		return true
	}
	for _, d := range r.all {
		if d.real && d.carrierWait != nil && !d.carrier {
			return true
		}
	}
	return false
}

// PlatformChanged takes the platform's changes of one burst (a
// subscription's TakeAll).
func (r *Devices) PlatformChanged(deltas []platform.Delta) {
	for _, dl := range deltas {
		if dl.Types.Has(platform.TypeLink) && dl.Index > 0 {
			l, ok := r.plat.Link(dl.Index)
			d := r.byIndex[dl.Index]
			switch {
			case ok && d == nil:
				r.linkAdded(l, false)
			case ok:
				d.linkChanged(l)
			case d != nil:
				r.linkRemoved(d)
			}
		}
		if dl.Types&(platform.AddressTypes|platform.RouteTypes) != 0 && dl.Index > 0 {
			if d := r.byIndex[dl.Index]; d != nil {
				d.ipChanged()
			}
		}
	}
}

// linkAdded makes or realizes the device of a new link.
func (r *Devices) linkAdded(l *platform.Link, firstStart bool) {
	if l.Index <= 0 || r.byIndex[l.Index] != nil {
		return
	}
	k := kindForLink(l)
	// An unrealized device of the same name and kind takes the link.
	var d *Device
	for _, c := range r.all {
		if !c.real && c.iface == l.Name && c.info == k.info() {
			d = c
			break
		}
	}
	if d == nil {
		d = r.newDevice(k, l.Name)
	}
	st := r.runStates[l.Index]
	if st != nil {
		d.assumeUUID = st.ConnectionUUID
		if st.NMOwned != nil && *st.NMOwned {
			d.nmOwned = true
		}
	}
	d.assumeGuess = firstStart
	d.realize(l, st)
}

// linkRemoved handles a link that left: software devices with a profile
// stay unrealized, the others go.
func (r *Devices) linkRemoved(d *Device) {
	d.log.Debug(fmt.Sprintf("link %d removed", d.ifindex))
	if d.Software() && r.hasProfileFor(d) {
		d.unrealize(false)
		return
	}
	r.removeDevice(d)
}

func (r *Devices) hasProfileFor(d *Device) bool {
	if r.store == nil {
		return false
	}
	for _, p := range r.store.Profiles() {
		if d.compatible(p.Connection()) == nil {
			return true
		}
	}
	return false
}

// newDevice creates and exports a device object (unrealized).
func (r *Devices) newDevice(k kind, iface string) *Device {
	inf := k.info()
	d := &Device{reg: r, kind: k, info: inf, iface: iface, state: StateUnmanaged,
		unmanaged: unmanagedPlatformInit, unmanagedMask: unmanagedPlatformInit}
	d.log = r.log.With()
	d.logPrefix()
	d.obj = r.exp.NewObject(classFor(k, r))
	d.obj.Data = d
	d.caps = CapNMSupported | inf.caps
	if _, ok := k.(creator); ok {
		d.caps |= CapIsSoftware
	}
	d.publish()
	if err := d.obj.Export(); err != nil {
		r.log.Error(fmt.Sprintf("export device %s: %v", iface, err))
	}
	r.all = append(r.all, d)
	r.emit(Event{Kind: DeviceAdded, Device: d})
	return d
}

// removeDevice unexports a device for good.
func (r *Devices) removeDevice(d *Device) {
	if d.removed {
		return
	}
	d.removed = true
	if d.real {
		d.removeRealized()
	}
	d.cancelQueuedState()
	for i, x := range r.all {
		if x == d {
			r.all = append(r.all[:i], r.all[i+1:]...)
			break
		}
	}
	d.obj.Unexport()
	r.emit(Event{Kind: DeviceRemoved, Device: d})
}

// profileEvent follows the profile store.
func (r *Devices) profileEvent(e settings.Event) {
	switch e.Kind {
	case settings.Added, settings.Updated:
		r.profileChanged(e.Profile)
		if e.Kind == settings.Updated {
			r.externalProfileKept(e.Profile)
		}
	case settings.Removed:
		r.profileRemoved(e.Profile)
	}
	for _, d := range r.all {
		d.recheckAvailable()
	}
}

// externalProfileKept: a profile generated for an external configuration
// that is no longer external (a user saved it, nmcli's connection
// migrate) makes its activations managed ones, as NetworkManager 1.42's
// active connections do when the profile's external flag goes: the
// external state flag goes, the device owns the interface and reapplies
// the profile.
func (r *Devices) externalProfileKept(p *settings.Profile) {
	if p.Flags()&settings.FlagExternal != 0 {
		return
	}
	for _, a := range slices.Clone(r.acts) {
		if a.Profile != p || a.Type != ActivationExternal || a.state >= ActDeactivating {
			continue
		}
		a.Type = ActivationManaged
		a.SetFlags(ActFlagExternal, 0)
		d := a.Device
		if d == nil || d.act != a {
			continue
		}
		if d.sysIface == SysIfaceExternal || d.sysIface == SysIfaceAssume {
			d.setSysIface(SysIfaceManaged)
		}
		if err := d.Reapply(p.Connection(), 0, 0); err != nil {
			d.log.Warn(fmt.Sprintf("failed to reapply connection '%s' after it became managed: %v", p.ID(), err))
		}
	}
}

// profileChanged creates the unrealized device of a software profile,
// and its link right away when the profile connects automatically, as
// NetworkManager does.
func (r *Devices) profileChanged(p *settings.Profile) {
	c := p.Connection()
	k, ok := kindForProfile(c.Type())
	if !ok {
		return
	}
	iface := c.InterfaceName()
	if iface == "" {
		return
	}
	if cr, ok := k.(creator); ok {
		if spec := cr.parentOf(c); spec != "" && r.findParent(spec) == nil {
			return // parent not there yet
		}
	}
	var dev *Device
	for _, d := range r.all {
		if d.iface == iface && d.compatible(c) == nil {
			if d.real {
				return
			}
			dev = d
			break
		}
	}
	if dev == nil {
		for _, d := range r.all {
			if d.iface == iface && d.real {
				return // a link of another kind has the name
			}
		}
		dev = r.newDevice(k, iface)
	}
	if !dev.unrealizedManaged() {
		return
	}
	if !r.autoconnectCandidate(dev) {
		return
	}
	if err := dev.createLink(c); err != nil {
		dev.log.Warn(fmt.Sprintf("couldn't create the device: %v", err))
	}
}

// autoconnectCandidate reports whether some profile of the unrealized
// device connects automatically (so its link is created at once).
func (r *Devices) autoconnectCandidate(d *Device) bool {
	for _, p := range r.store.Profiles() {
		c := p.Connection()
		if d.compatible(c) != nil || p.BlockAutoconnect {
			continue
		}
		if s := c.Setting("connection"); s != nil && s.Bool("autoconnect") {
			return true
		}
	}
	return false
}

// profileRemoved drops unrealized devices no profile needs any more.
func (r *Devices) profileRemoved(p *settings.Profile) {
	for _, d := range append([]*Device(nil), r.all...) {
		if !d.real && !r.hasProfileFor(d) {
			r.removeDevice(d)
		}
	}
}

// findParent finds the parent device a stacked profile names: an
// interface name, a permanent MAC address or a profile UUID.
func (r *Devices) findParent(spec string) *Device {
	if d := r.ByIface(spec); d != nil && d.real {
		return d
	}
	if a, err := platform.ParseHWAddr(spec); err == nil {
		for _, d := range r.all {
			if p, _ := d.PermHWAddr(); d.real && !p.IsZero() && p == a {
				return d
			}
		}
	}
	if r.store != nil {
		if p := r.store.ByUUID(spec); p != nil {
			var first *Device
			for _, d := range r.all {
				if d.real && !d.managed(false) {
					continue
				}
				if d.act != nil && d.act.Profile == p {
					return d
				}
				if first == nil && d.compatible(p.Connection()) == nil {
					first = d
				}
			}
			return first
		}
	}
	return nil
}

// parentMatches checks a stacked device's parent against a profile's
// parent spec.
func (r *Devices) parentMatches(d *Device, spec string) error {
	if spec == "" || d.link == nil || d.link.Parent <= 0 {
		return nil
	}
	p := r.findParent(spec)
	if p == nil || p.ifindex != d.link.Parent {
		return errIncompatible("parent device mismatch")
	}
	return nil
}

func (d *Device) logPrefix() {
	d.log = d.reg.log.With(slog.String("device", d.iface))
}

// SetSleeping takes the devices down (asleep: the system sleeps or
// networking is disabled) or brings them back, as NetworkManager's
// do_sleep_wake does: an active or activating device deactivates first
// (reason sleeping) and goes unmanaged once disconnected, the others go
// unmanaged at once; while suspending, software devices are left alone.
// Waking makes them managed again and recreates the software devices of
// profiles.
func (r *Devices) SetSleeping(asleep, suspending bool) {
	if !asleep && !r.asleep {
		return
	}
	r.asleep = asleep
	if asleep {
		for _, d := range append([]*Device(nil), r.all...) {
			if !d.real || (suspending && d.Software()) {
				continue
			}
			if d.IsActivating() || d.state == StateActivated {
				d.log.Debug("sleep: wait disconnection of device")
				if !d.sleepWait {
					d.sleepWait = true
					d.queueState(StateDeactivating, ReasonSleeping)
				}
			} else {
				d.setUnmanagedFlags(unmanagedSleeping, opSetUnmanaged, true, ReasonSleeping)
			}
		}
		return
	}
	for _, d := range r.all {
		d.sleepWait = false
	}
	for _, d := range append([]*Device(nil), r.all...) {
		if !d.real || (d.Software() && d.unmanaged&unmanagedSleeping == 0) {
			continue
		}
		// What the interface still has (lo's addresses) is taken over
		// again, as at start.
		d.queueRecheckAssume()
		d.setUnmanagedFlags(unmanagedSleeping, opSetManaged, true, ReasonNowManaged)
	}
	if r.store != nil {
		for _, p := range r.store.Profiles() {
			r.profileChanged(p)
		}
	}
}

// sleepCheck follows a device that deactivates for sleeping: once
// disconnected it goes unmanaged.
func (d *Device) sleepCheck() {
	if !d.sleepWait {
		return
	}
	switch d.state {
	case StateDisconnected:
		d.sleepWait = false
		d.log.Debug("sleep: unmanaging device")
		d.reg.loop.Post(func() {
			if d.reg.asleep && d.real {
				d.setUnmanagedFlags(unmanagedSleeping, opSetUnmanaged, true, ReasonSleeping)
			}
		})
	case StateUnmanaged:
		d.sleepWait = false
	}
}

// Stop is called when the daemon quits: activations end without touching
// the kernel, the run state of every device is written so the next start
// takes everything over, as NetworkManager leaves configured interfaces
// up.
func (r *Devices) Stop() {
	r.quitting = true
	for _, d := range r.all {
		if !d.real {
			continue
		}
		d.writeRunState()
		d.cancelQueuedState()
		d.saveL3State()
		d.l3Stop(false)
	}
}

// linkOrder is the order NetworkManager creates devices for the links it
// finds at start: loopback first, the others by name (or by index), then
// reordered so that ports and stacked links come after their controllers
// and parents (a veth pair, each the other's parent, is broken at its
// first member).
func linkOrder(links []*platform.Link, byName bool) []*platform.Link {
	sorted := append([]*platform.Link(nil), links...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if a.Index == 1 || b.Index == 1 {
			return a.Index == 1 && b.Index != 1
		}
		if byName {
			return a.Name < b.Name
		}
		return a.Index < b.Index
	})
	unseen := map[int32]bool{}
	for _, l := range sorted {
		unseen[l.Index] = true
	}
	parentOf := func(l *platform.Link) int32 {
		if l.Parent > 0 && l.LinkNetNSID < 0 {
			return l.Parent
		}
		return 0
	}
	out := make([]*platform.Link, 0, len(sorted))
	for len(out) < len(sorted) {
		found := false
		first := -1
		for i, l := range sorted {
			if l == nil {
				continue
			}
			if (l.Master > 0 && unseen[l.Master]) || (parentOf(l) > 0 && unseen[parentOf(l)]) {
				if first < 0 {
					first = i
				}
				continue
			}
			delete(unseen, l.Index)
			out = append(out, l)
			sorted[i] = nil
			found = true
		}
		if !found && first >= 0 {
			delete(unseen, sorted[first].Index)
			out = append(out, sorted[first])
			sorted[first] = nil
		}
	}
	return out
}
