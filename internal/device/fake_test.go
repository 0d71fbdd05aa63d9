package device

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/config"
	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/settings"
)

// fakePlatform is a kernel in memory: links, addresses and routes that the
// devices change through the Platform interface, with the change
// notifications a real platform delivers (at the next turn of the loop).
// Every operation is recorded, so tests can assert what the devices did
// to the kernel.
type fakePlatform struct {
	t       *testing.T
	l       *loop.Loop
	devs    *Devices
	next    int32
	links   map[int32]*platform.Link
	addrs   map[int32][]*platform.Address
	routes  map[int32][]*platform.Route
	sysctls map[string]string
	// carrier is the carrier a link has while it is up (the peer's state).
	carrier map[int32]bool
	ops     []string
	pending []platform.Delta
	posted  bool
	// dad makes new IPv6 addresses tentative until settleDAD, and marks
	// the listed ones as duplicates then.
	dad       bool
	duplicate map[netip.Addr]bool
	// l3 is the fake's face for internal/l3cfg.
	l3 *l3Plat
}

var kindTypes = map[string]platform.LinkType{
	"veth": platform.LinkVeth, "bridge": platform.LinkBridge, "bond": platform.LinkBond,
	"vlan": platform.LinkVLAN, "dummy": platform.LinkDummy, "macvlan": platform.LinkMACVLAN,
	"macvtap": platform.LinkMACVTAP, "vxlan": platform.LinkVXLAN, "tun": platform.LinkTUN,
}

func newFakePlatform(t *testing.T, l *loop.Loop) *fakePlatform {
	return &fakePlatform{t: t, l: l, next: 1, links: map[int32]*platform.Link{}, addrs: map[int32][]*platform.Address{},
		routes: map[int32][]*platform.Route{}, sysctls: map[string]string{}, carrier: map[int32]bool{}, duplicate: map[netip.Addr]bool{}}
}

func (f *fakePlatform) op(format string, args ...any) {
	f.ops = append(f.ops, fmt.Sprintf(format, args...))
}

// takeOps returns the operations recorded since the last call.
func (f *fakePlatform) takeOps() []string {
	ops := f.ops
	f.ops = nil
	return ops
}

func (f *fakePlatform) notify(index int32, t platform.ObjectType) {
	f.pending = append(f.pending, platform.Delta{Index: index, Types: t.Bit()})
	if f.posted || f.devs == nil {
		return
	}
	f.posted = true
	f.l.Post(func() {
		f.posted = false
		d := f.pending
		f.pending = nil
		f.devs.PlatformChanged(d)
		if f.l3 != nil {
			f.l3.deliver(d)
		}
	})
}

func (f *fakePlatform) mac(index int32) platform.HWAddr {
	return platform.MakeHWAddr([]byte{0x02, 0, 0, 0, byte(index >> 8), byte(index)})
}

// addLink adds a link as someone else would (not recorded as an op).
func (f *fakePlatform) addLink(name, kind string, up, carrier bool) *platform.Link {
	idx := f.next
	f.next++
	l := &platform.Link{Index: idx, Name: name, Kind: kind, MTU: 1500, LinkNetNSID: -1, Addr: f.mac(idx), ARPType: 1}
	switch kind {
	case "loopback":
		l.Type, l.Kind, l.Addr, l.ARPType, l.MTU = platform.LinkLoopback, "", platform.MakeHWAddr(make([]byte, 6)), 772, 65536
		l.Flags |= unix.IFF_LOOPBACK
	case "":
		l.Type = platform.LinkEthernet
	default:
		l.Type = kindTypes[kind]
	}
	if kind == "tun" {
		l.Addr = platform.HWAddr{}
	}
	f.carrier[idx] = carrier
	f.links[idx] = l
	f.setFlags(idx, up)
	if kind == "loopback" {
		f.addrs[idx] = append(f.addrs[idx], &platform.Address{Index: idx, Address: netip.MustParseAddr("127.0.0.1"), Peer: netip.MustParseAddr("127.0.0.1"), PrefixLen: 8,
			Flags: unix.IFA_F_PERMANENT, Valid: platform.LifetimeInfinite, Preferred: platform.LifetimeInfinite, Scope: unix.RT_SCOPE_HOST})
		f.addrs[idx] = append(f.addrs[idx], &platform.Address{Index: idx, Address: netip.MustParseAddr("::1"), PrefixLen: 128,
			Flags: unix.IFA_F_PERMANENT, Valid: platform.LifetimeInfinite, Preferred: platform.LifetimeInfinite, Scope: unix.RT_SCOPE_HOST})
	}
	f.notify(idx, platform.TypeLink)
	return l
}

// setFlags recomputes IFF_UP/IFF_LOWER_UP/IFF_RUNNING of a link.
func (f *fakePlatform) setFlags(idx int32, up bool) {
	old := f.links[idx]
	l := *old
	l.Flags &^= unix.IFF_UP | unix.IFF_LOWER_UP | unix.IFF_RUNNING
	if up {
		l.Flags |= unix.IFF_UP
		if f.carrier[idx] || l.Type == platform.LinkLoopback {
			l.Flags |= unix.IFF_LOWER_UP | unix.IFF_RUNNING
		}
	}
	f.links[idx] = &l
}

// setCarrier changes a link's carrier, as its peer going down or up would.
func (f *fakePlatform) setCarrier(name string, on bool) {
	l, ok := f.LinkByName(name)
	if !ok {
		f.t.Fatalf("no link %s", name)
	}
	f.carrier[l.Index] = on
	f.setFlags(l.Index, l.Up())
	f.notify(l.Index, platform.TypeLink)
}

// settleDAD ends duplicate address detection on every tentative address.
func (f *fakePlatform) settleDAD() {
	for idx, list := range f.addrs {
		for i, a := range list {
			if a.Flags&unix.IFA_F_TENTATIVE == 0 {
				continue
			}
			c := *a
			c.Flags &^= unix.IFA_F_TENTATIVE
			if f.duplicate[a.Address] {
				c.Flags |= unix.IFA_F_DADFAILED
			}
			list[i] = &c
			f.notify(idx, platform.TypeIP6Address)
		}
	}
}

func (f *fakePlatform) Link(index int32) (*platform.Link, bool) {
	l, ok := f.links[index]
	return l, ok
}

func (f *fakePlatform) LinkByName(name string) (*platform.Link, bool) {
	for _, l := range f.links {
		if l.Name == name {
			return l, true
		}
	}
	return nil, false
}

func (f *fakePlatform) Links() []*platform.Link {
	var out []*platform.Link
	for _, l := range f.links {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

func (f *fakePlatform) Addresses(t platform.ObjectType, index int32) []*platform.Address {
	var out []*platform.Address
	for _, a := range f.addrs[index] {
		if a.Address.Is4() == (t == platform.TypeIP4Address) {
			out = append(out, a)
		}
	}
	return out
}

func (f *fakePlatform) Routes(t platform.ObjectType, index int32, all bool, fn func(*platform.Route) bool) {
	for _, r := range f.routes[index] {
		if r.Dst.Addr().Is4() != (t == platform.TypeIP4Route) {
			continue
		}
		if !fn(r) {
			return
		}
	}
}

func (f *fakePlatform) link(index int32) (*platform.Link, error) {
	l, ok := f.links[index]
	if !ok {
		return nil, unix.ENODEV
	}
	return l, nil
}

func (f *fakePlatform) LinkSetUp(index int32, up bool) error {
	l, err := f.link(index)
	if err != nil {
		return err
	}
	f.op("set %s up=%t", l.Name, up)
	f.setFlags(index, up)
	f.notify(index, platform.TypeLink)
	return nil
}

func (f *fakePlatform) LinkSetMTU(index int32, mtu uint32) error {
	l, err := f.link(index)
	if err != nil {
		return err
	}
	f.op("set %s mtu=%d", l.Name, mtu)
	c := *l
	c.MTU = mtu
	f.links[index] = &c
	f.notify(index, platform.TypeLink)
	return nil
}

func (f *fakePlatform) LinkAdd(s *platform.LinkSpec) (*platform.Link, error) {
	if _, ok := f.LinkByName(s.Name); ok {
		return nil, unix.EEXIST
	}
	kind := s.Data.Kind()
	desc := fmt.Sprintf("add %s kind=%s", s.Name, kind)
	if s.Parent != 0 {
		desc += fmt.Sprintf(" parent=%s", f.links[s.Parent].Name)
	}
	switch d := s.Data.(type) {
	case *platform.VlanData:
		desc += fmt.Sprintf(" id=%d", d.ID)
	case *platform.BondData:
		desc += fmt.Sprintf(" mode=%d", d.Mode)
	}
	f.op("%s", desc)
	// Software links have carrier when up (dummy) or from their ports
	// (bridge, bond: approximated as always).
	l := f.addLink(s.Name, kind, s.Up, kind != "tun")
	c := *l
	c.Parent = s.Parent
	c.Data = s.Data
	if !s.Addr.IsZero() {
		c.Addr = s.Addr
	}
	f.links[l.Index] = &c
	return &c, nil
}

func (f *fakePlatform) LinkDelete(index int32) error {
	l, err := f.link(index)
	if err != nil {
		return err
	}
	f.op("delete %s", l.Name)
	delete(f.links, index)
	delete(f.addrs, index)
	delete(f.routes, index)
	f.notify(index, platform.TypeLink)
	return nil
}

func (f *fakePlatform) LinkAttach(index, master int32) error {
	l, err := f.link(index)
	if err != nil {
		return err
	}
	m, err := f.link(master)
	if err != nil {
		return err
	}
	f.op("attach %s to %s", l.Name, m.Name)
	c := *l
	c.Master = master
	c.PortKind = m.Kind
	f.links[index] = &c
	f.notify(index, platform.TypeLink)
	return nil
}

func (f *fakePlatform) LinkDetach(index int32) error {
	l, err := f.link(index)
	if err != nil {
		return err
	}
	f.op("detach %s", l.Name)
	c := *l
	c.Master, c.PortKind = 0, ""
	f.links[index] = &c
	f.notify(index, platform.TypeLink)
	return nil
}

func (f *fakePlatform) LinkSetAddrGenMode(index int32, mode uint8) error {
	l, err := f.link(index)
	if err != nil {
		return err
	}
	if l.HasAddrGenMode && l.AddrGenMode == mode {
		return nil
	}
	f.op("set %s addrgenmode=%d", l.Name, mode)
	c := *l
	c.AddrGenMode, c.HasAddrGenMode = mode, true
	f.links[index] = &c
	f.notify(index, platform.TypeLink)
	return nil
}

func (f *fakePlatform) LinkStats(index int32) (platform.LinkStats, error) {
	return platform.LinkStats{}, nil
}

func (f *fakePlatform) LinkDriverInfo(index int32) (platform.DriverInfo, error) {
	l, err := f.link(index)
	if err != nil {
		return platform.DriverInfo{}, err
	}
	drv := l.Kind
	if drv == "" && l.Type == platform.LinkEthernet {
		drv = "e1000e"
	}
	return platform.DriverInfo{Driver: drv}, nil
}

func (f *fakePlatform) AddrAdd(a *platform.Address) error {
	l, err := f.link(a.Index)
	if err != nil {
		return err
	}
	for _, x := range f.addrs[a.Index] {
		if x.SameID(a) {
			return unix.EEXIST
		}
	}
	f.op("add address %s/%d dev %s", a.Address, a.PrefixLen, l.Name)
	c := *a
	if f.dad && a.Address.Is6() && a.Flags&unix.IFA_F_NODAD == 0 {
		c.Flags |= unix.IFA_F_TENTATIVE
	}
	f.addrs[a.Index] = append(f.addrs[a.Index], &c)
	t := platform.TypeIP4Address
	if a.Address.Is6() {
		t = platform.TypeIP6Address
	}
	f.notify(a.Index, t)
	return nil
}

func (f *fakePlatform) AddrReplace(a *platform.Address) error {
	_ = f.AddrDelete(a)
	return f.AddrAdd(a)
}

func (f *fakePlatform) AddrDelete(a *platform.Address) error {
	l, err := f.link(a.Index)
	if err != nil {
		return err
	}
	list := f.addrs[a.Index]
	for i, x := range list {
		if x.SameID(a) {
			f.op("delete address %s/%d dev %s", a.Address, a.PrefixLen, l.Name)
			f.addrs[a.Index] = slices.Delete(list, i, i+1)
			t := platform.TypeIP4Address
			if a.Address.Is6() {
				t = platform.TypeIP6Address
			}
			f.notify(a.Index, t)
			return nil
		}
	}
	return unix.EADDRNOTAVAIL
}

func routeString(r *platform.Route, name string) string {
	s := r.Dst.String()
	if r.Gateway.IsValid() {
		s += " via " + r.Gateway.String()
	}
	return fmt.Sprintf("%s dev %s metric %d", s, name, r.Metric)
}

func (f *fakePlatform) RouteAdd(r *platform.Route) error {
	l, err := f.link(r.Index)
	if err != nil {
		return err
	}
	for _, x := range f.routes[r.Index] {
		if x.SameID(r) {
			return unix.EEXIST
		}
	}
	f.op("add route %s", routeString(r, l.Name))
	c := *r
	f.routes[r.Index] = append(f.routes[r.Index], &c)
	t := platform.TypeIP4Route
	if r.Dst.Addr().Is6() {
		t = platform.TypeIP6Route
	}
	f.notify(r.Index, t)
	return nil
}

func (f *fakePlatform) RouteReplace(r *platform.Route) error {
	_ = f.RouteDelete(r)
	return f.RouteAdd(r)
}

func (f *fakePlatform) RouteDelete(r *platform.Route) error {
	l, err := f.link(r.Index)
	if err != nil {
		return err
	}
	list := f.routes[r.Index]
	for i, x := range list {
		if x.SameID(r) {
			f.op("delete route %s", routeString(r, l.Name))
			f.routes[r.Index] = slices.Delete(list, i, i+1)
			t := platform.TypeIP4Route
			if r.Dst.Addr().Is6() {
				t = platform.TypeIP6Route
			}
			f.notify(r.Index, t)
			return nil
		}
	}
	return unix.ESRCH
}

func (f *fakePlatform) SetIP6Sysctl(index int32, key, value string) error {
	l, err := f.link(index)
	if err != nil {
		return err
	}
	k := l.Name + "/" + key
	if f.sysctls[k] == value {
		return nil
	}
	f.op("sysctl %s=%s", k, value)
	f.sysctls[k] = value
	return nil
}

func (f *fakePlatform) IP6Sysctl(index int32, key string) (string, error) {
	l, err := f.link(index)
	if err != nil {
		return "", err
	}
	if v, ok := f.sysctls[l.Name+"/"+key]; ok {
		return v, nil
	}
	return "0", nil
}

// noUdev is a system without udev (as in a container).
type noUdev struct{}

func (noUdev) Running() bool                              { return false }
func (noUdev) Properties(int32) (map[string]string, bool) { return nil, false }

// world is a device set over a fake kernel, on a running loop.
type world struct {
	t      *testing.T
	etc    string
	runDir string
	l      *loop.Loop
	plat   *fakePlatform
	devs   *Devices
	store  *settings.Store
	dir    string
	mu     sync.Mutex
	events []string
	cancel context.CancelFunc
}

type worldOptions struct {
	// conf is NetworkManager.conf's text.
	conf string
	// profiles are keyfiles by file name.
	profiles map[string]string
	// links run before the devices start (on the fake kernel).
	links func(f *fakePlatform)
	// runDir reuses a run directory, and plat a kernel (restarts).
	runDir string
	plat   *fakePlatform
	// etcDir reuses the profiles of another world.
	etcDir string
	// auto makes automatic methods (Options.Auto).
	auto AutoProvider
}

func newWorld(t *testing.T, o worldOptions) *world {
	t.Helper()
	keyfile.Owner = os.Getuid()
	w := &world{t: t, l: loop.New(), dir: t.TempDir()}
	etc := filepath.Join(w.dir, "etc")
	if o.etcDir != "" {
		etc = o.etcDir
	}
	if err := os.MkdirAll(etc, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range o.profiles {
		if err := os.WriteFile(filepath.Join(etc, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	confFile := filepath.Join(w.dir, "NetworkManager.conf")
	if err := os.WriteFile(confFile, []byte("[main]\nplugins=keyfile\nno-auto-default=*\n"+o.conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.Paths{ConfigFile: confFile, ConfigDir: filepath.Join(w.dir, "conf.d"),
		SystemConfigDir: filepath.Join(w.dir, "lib-conf.d"), RunConfigDir: filepath.Join(w.dir, "run-conf.d"), InternConfig: "-"})
	if err != nil {
		t.Fatal(err)
	}
	runDir := o.runDir
	if runDir == "" {
		runDir = filepath.Join(w.dir, "run")
	}
	w.plat = o.plat
	if w.plat == nil {
		w.plat = newFakePlatform(t, w.l)
	}
	w.plat.l, w.plat.t, w.plat.ops = w.l, t, nil
	if o.links != nil {
		o.links(w.plat)
	}
	w.etc, w.runDir = etc, runDir
	w.store = settings.New(settings.Options{EtcDir: etc, RunDir: filepath.Join(runDir, "system-connections")})
	w.store.ReloadConnections()
	if w.plat.l3 == nil {
		w.plat.l3 = &l3Plat{f: w.plat}
	}
	w.plat.l3.watchers = nil
	w.devs = New(Options{
		L3:       l3cfg.NewRegistry(w.l, w.plat.l3, l3cfg.Options{Log: testLog(t)}),
		Loop:     w.l,
		Platform: w.plat,
		Exporter: bus.New(w.l, bus.Options{Strict: true}),
		Store:    w.store,
		Config:   func() *config.Config { return cfg },
		RunDir:   runDir,
		Udev:     noUdev{},
		HostKey:  make([]byte, 32),
		Log:      testLog(t),
		Auto:     o.auto,
	})
	w.plat.devs = w.devs
	w.devs.Subscribe(w.record)
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	go w.l.Run(ctx)
	t.Cleanup(w.close)
	w.do(func() {
		w.plat.pending = nil
		w.devs.Start()
	})
	w.settle()
	return w
}

// close stops the loop (tests in a synctest bubble call it before the
// bubble ends; it is also a cleanup).
func (w *world) close() {
	w.cancel()
	<-w.l.Done()
}

func (w *world) record(e Event) {
	var s string
	switch e.Kind {
	case DeviceStateChanged:
		s = fmt.Sprintf("%s: %d %d %d", e.Device.Iface(), e.New, e.Old, e.Reason)
	case ActivationStateChanged:
		s = fmt.Sprintf("ac %s: %d %d", e.Act.Profile.ID(), e.ActState, e.ActReason)
	default:
		return
	}
	w.mu.Lock()
	w.events = append(w.events, s)
	w.mu.Unlock()
}

// take returns the state changes of one device (or "ac ID" activation)
// recorded so far, and forgets them.
func (w *world) take(who string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out, rest []string
	for _, e := range w.events {
		if strings.HasPrefix(e, who+": ") {
			out = append(out, strings.TrimPrefix(e, who+": "))
		} else {
			rest = append(rest, e)
		}
	}
	w.events = rest
	return out
}

// do runs fn on the loop.
func (w *world) do(fn func()) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.l.Call(ctx, fn); err != nil {
		w.t.Fatal(err)
	}
}

// settle waits until the loop has nothing left to do now.
func (w *world) settle() {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.l.Settle(ctx); err != nil {
		w.t.Fatal(err)
	}
}

// wait polls cond on the loop.
func (w *world) wait(what string, cond func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var ok bool
		w.do(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (w *world) dev(iface string) *Device {
	w.t.Helper()
	var d *Device
	w.do(func() { d = w.devs.ByIface(iface) })
	if d == nil {
		w.t.Fatalf("no device %s", iface)
	}
	return d
}

func (w *world) state(iface string) State {
	var s State = 0xffff
	w.do(func() {
		if d := w.devs.ByIface(iface); d != nil {
			s = d.State()
		}
	})
	return s
}

func (w *world) waitState(iface string, s State) {
	w.t.Helper()
	w.wait(fmt.Sprintf("%s in state %d", iface, s), func() bool {
		d := w.devs.ByIface(iface)
		return d != nil && d.State() == s
	})
}

// activate activates a profile (by id) on a device as a user request,
// the way the manager does.
func (w *world) activate(id, iface string) *Activation {
	w.t.Helper()
	var a *Activation
	var err error
	w.do(func() {
		var p *settings.Profile
		for _, x := range w.store.Profiles() {
			if x.ID() == id {
				p = x
			}
		}
		if p == nil {
			err = fmt.Errorf("no profile %s", id)
			return
		}
		d := w.devs.ByIface(iface)
		if d == nil {
			err = fmt.Errorf("no device %s", iface)
			return
		}
		c := p.Connection()
		if err = d.Available(p, true); err != nil {
			return
		}
		if err = d.PrepareForActivation(c, true); err != nil {
			return
		}
		a = w.devs.NewActivation(p, c, d, ActivationManaged)
		a.UserRequested = true
		if ctrl := c.Controller(); ctrl != "" {
			for _, x := range w.devs.Activations() {
				if x.Device != nil && x.Device.Iface() == ctrl && x.State() < ActDeactivating {
					a.Controller = x
				}
			}
		}
		d.Activate(a)
	})
	if err != nil {
		w.t.Fatalf("activate %s on %s: %v", id, iface, err)
	}
	return a
}

// ops returns the kernel operations since the last call, sorted (the
// order within one turn of the loop is not part of the behaviour).
func (w *world) ops() []string {
	var ops []string
	w.do(func() { ops = w.plat.takeOps() })
	return ops
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

// testLog shows the devices' log in the test's output when DEVICE_TEST_LOG
// is set.
func testLog(t *testing.T) *slog.Logger {
	if os.Getenv("DEVICE_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}
