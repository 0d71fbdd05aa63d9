package device

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/settings"
)

// Taking over interfaces configured before gonm started: NetworkManager's
// "assume" (a profile gonm activated before it restarted, found through
// the run state file) and "external" (a configuration someone else made,
// shown through a generated in-memory profile). Neither changes anything
// in the kernel.

// queueRecheckAssume checks for a configuration to take over at the next
// turn.
func (d *Device) queueRecheckAssume() {
	if d.recheckAssumeQueued || !d.real {
		return
	}
	d.recheckAssumeQueued = true
	d.reg.loop.Post(func() {
		d.recheckAssumeQueued = false
		if d.real && !d.removed {
			d.recheckAssume()
		}
	})
}

// recheckAssume activates the profile that describes what the link has,
// if any (NetworkManager's recheck_assume_connection).
func (d *Device) recheckAssume() bool {
	if !d.managed(false) {
		if d.unmanaged&^unmanagedPlatformInit != 0 {
			d.assumeUUID, d.assumeGuess = "", false
		}
		return false
	}
	if d.state > StateDisconnected || d.act != nil || d.queuedAct != nil {
		return false
	}
	p, generated := d.existingProfile()
	if p == nil {
		return false
	}
	typ := ActivationAssume
	if generated {
		typ = ActivationExternal
		d.setSysIface(SysIfaceExternal)
	} else {
		d.setSysIface(SysIfaceAssume)
	}
	if d.state == StateUnmanaged {
		d.setState(StateUnavailable, ReasonConnectionAssumed)
	}
	if d.state == StateUnavailable {
		d.setState(StateDisconnected, ReasonConnectionAssumed)
	}
	if d.state != StateDisconnected {
		return false
	}
	a := d.reg.NewActivation(p, p.Connection(), d, typ)
	a.flags |= ActFlagLifetimeBound
	if d.controller != nil && d.controller.act != nil {
		a.Controller = d.controller.act
	}
	d.Activate(a)
	return true
}

// existingProfile finds the profile for the link's configuration (NetworkManager's
// get_existing_connection): the one the run state names, or on a first start
// a matching one, or a generated external profile. generated says the
// profile describes an external configuration.
func (d *Device) existingProfile() (p *settings.Profile, generated bool) {
	r := d.reg
	if r.store == nil {
		return nil, false
	}
	var controller *Device
	if d.link != nil && d.link.Master > 0 {
		controller = r.byIndex[d.link.Master]
		if controller == nil {
			d.log.Debug("assume: don't assume because cannot generate connection for slave before its master")
			return nil, false
		}
		if controller.act == nil {
			d.log.Debug(fmt.Sprintf("assume: don't assume because cannot generate connection for slave before master %s activates", controller.iface))
			return nil, false
		}
	}
	keep := true
	if v, found, _ := r.cfg().DeviceValue("keep-configuration", d.matchInfo()); found {
		keep = parseBoolDefault(v, true)
	}
	var gen *setting.Connection
	onlyByUUID := false
	var genErr error
	if keep {
		var maybeLater bool
		gen, maybeLater, genErr = d.generateConnection(controller)
		if gen == nil {
			if !maybeLater {
				d.assumeUUID, d.assumeGuess = "", false
				d.log.Debug(fmt.Sprintf("assume: cannot generate connection: %v", genErr))
				return nil, false
			}
			onlyByUUID = true
		}
	} else {
		onlyByUUID = true
		genErr = fmt.Errorf("device %s has 'keep-configuration=no'", d.iface)
	}
	uuid, guess := d.assumeUUID, d.assumeGuess
	d.assumeUUID, d.assumeGuess = "", false

	var matched *settings.Profile
	if uuid != "" {
		if c := r.store.ByUUID(uuid); c != nil && r.activationAllowed(c) && d.compatible(c.Connection()) == nil {
			if gen == nil || matchConnection4assume(c.Connection(), gen, d) {
				matched = c
			}
		}
	}
	if matched == nil && onlyByUUID {
		d.log.Debug(fmt.Sprintf("assume: cannot generate connection: %v", genErr))
		return nil, false
	}
	if matched == nil && guess {
		var cands []*settings.Profile
		for _, c := range r.store.Profiles() {
			if c.Flags()&settings.FlagExternal != 0 || !r.activationAllowed(c) {
				continue
			}
			if d.compatible(c.Connection()) == nil {
				cands = append(cands, c)
			}
		}
		sort.SliceStable(cands, func(i, j int) bool { return r.timestamp(cands[i]) > r.timestamp(cands[j]) })
		for _, c := range cands {
			if matchConnection4assume(c.Connection(), gen, d) {
				matched = c
				break
			}
		}
	}
	if matched != nil {
		if matched.Flags()&settings.FlagExternal != 0 {
			d.log.Debug(fmt.Sprintf("assume: take over previous connection '%s' (%s)", matched.ID(), matched.UUID()))
			return matched, true
		}
		how := "guessed"
		if uuid == matched.UUID() {
			how = "indicated"
		}
		d.log.Info(fmt.Sprintf("assume: will attempt to assume matching connection '%s' (%s) (%s)", matched.ID(), matched.UUID(), how))
		return matched, false
	}
	d.log.Debug(fmt.Sprintf("assume: generated connection '%s' (%s)", gen.ID(), gen.UUID()))
	added, err := r.store.Add(gen, true, false, keyfile.Meta{NMGenerated: true, Volatile: true, External: true})
	if err != nil {
		d.log.Warn(fmt.Sprintf("assume: failure to save generated connection '%s': %v", gen.ID(), err))
		return nil, false
	}
	return added, true
}

// activationAllowed: a profile that is already active somewhere may not be
// activated again unless multi-connect allows it.
func (r *Devices) activationAllowed(p *settings.Profile) bool {
	c := p.Connection()
	if s := c.Setting("connection"); s != nil && s.Int32("multi-connect") > 1 {
		return true
	}
	for _, a := range r.acts {
		if a.Profile == p && a.state < ActDeactivating {
			return false
		}
	}
	return true
}

func (r *Devices) timestamp(p *settings.Profile) uint64 {
	if r.Timestamps != nil {
		if t, ok := r.Timestamps(p.UUID()); ok {
			return t
		}
	}
	return 0
}

// hasConfig: the link is a port, or has addresses, or is an existing
// software link (NetworkManager's device_has_config).
func (d *Device) hasConfig() bool {
	l := d.link
	if l == nil {
		return false
	}
	if l.Master > 0 {
		return true
	}
	if len(d.reg.plat.Addresses(platform.TypeIP4Address, l.Index)) > 0 ||
		len(d.reg.plat.Addresses(platform.TypeIP6Address, l.Index)) > 0 {
		return true
	}
	return d.Software() && d.real
}

// generateConnection describes the link's current configuration as a
// profile (NetworkManager's nm_device_generate_connection). maybeLater
// says the link may get something worth describing later.
func (d *Device) generateConnection(controller *Device) (c *setting.Connection, maybeLater bool, err error) {
	if !d.hasConfig() {
		return nil, false, fmt.Errorf("device has no existing configuration")
	}
	c = setting.NewConnection()
	con := c.Ensure("connection")
	con.MustSet("uuid", setting.NewUUID())
	con.MustSet("id", d.iface)
	con.MustSet("autoconnect", false)
	con.MustSet("interface-name", d.iface)
	con.MustSet("timestamp", uint64(time.Now().Unix()))
	con.MustSet("type", d.info.connType)
	if controller != nil {
		con.MustSet("master", controller.iface)
		con.MustSet("slave-type", controller.info.portType)
	} else {
		c.Add(d.captureIP(fam4))
		c.Add(d.captureIP(fam6))
		c.Ensure("proxy")
	}
	d.kind.generate(d, c)
	if _, nerr := c.Normalize(); nerr != nil {
		return nil, false, fmt.Errorf("generated connection does not verify: %s", nerr.Message)
	}
	m4, m6 := methodOf(c, fam4), methodOf(c, fam6)
	if m4 == "disabled" && (m6 == "ignore" || m6 == "disabled") && controller == nil && len(d.ports) == 0 {
		return nil, true, fmt.Errorf("ignoring generated connection (no IP and not in master-slave relationship)")
	}
	if m4 == "disabled" && m6 == "link-local" && controller == nil && len(d.ports) == 0 && !d.assumeIPv6LLOnly() {
		d.log.Debug("ignoring generated connection (IPv6LL-only and not in master-slave relationship)")
		return nil, true, fmt.Errorf("ignoring generated connection (IPv6LL-only and not in master-slave relationship)")
	}
	return c, false, nil
}

func (d *Device) assumeIPv6LLOnly() bool {
	specs := d.reg.cfg().AssumeIPv6LLOnly()
	return len(specs) > 0 && matchDevice(specs, d)
}

func methodOf(c *setting.Connection, f Family) string {
	if s := c.Setting(f.setting()); s != nil {
		return s.Str("method")
	}
	return ""
}

// captureIP describes one family of the link's addresses and routes
// (NetworkManager's nm_utils_platform_capture_ip_setting).
func (d *Device) captureIP(f Family) *setting.Setting {
	s := setting.MustNewSetting(f.setting())
	p := d.reg.plat
	at, rt := platform.TypeIP4Address, platform.TypeIP4Route
	if f == fam6 {
		at, rt = platform.TypeIP6Address, platform.TypeIP6Route
	}
	method := ""
	var addrs []setting.IPAddress
	for _, a := range p.Addresses(at, d.ifindex) {
		if f == fam6 && a.Address.IsLinkLocalUnicast() {
			if method == "" {
				method = "link-local"
			}
			continue
		}
		if a.Valid != platform.LifetimeInfinite {
			method = "auto"
			continue
		}
		if f == fam4 {
			if method == "" {
				method = "manual"
			}
		} else if method == "" || method == "link-local" {
			method = "manual"
		}
		ia := setting.IPAddress{Addr: a.Address, Prefix: a.PrefixLen}
		addrs = append(addrs, ia)
	}
	if method == "" {
		if f == fam4 {
			method = "disabled"
		} else if d.ip6Disabled() {
			method = "disabled"
		} else {
			method = "ignore"
		}
	}
	s.MustSet("method", method)
	if len(addrs) > 0 {
		_ = s.Set("addresses", addrs)
	}
	var gw netip.Addr
	var gwMetric uint32
	var routes []setting.IPRoute
	p.Routes(rt, d.ifindex, false, func(r *platform.Route) bool {
		if f == fam6 && r.Dst.Addr().IsLinkLocalUnicast() {
			return true
		}
		if r.Dst.Bits() == 0 && r.Type == unix.RTN_UNICAST {
			if !gw.IsValid() || r.Metric < gwMetric {
				gw, gwMetric = r.Gateway, r.Metric
			}
			return true
		}
		if r.Protocol != unix.RTPROT_STATIC {
			return true
		}
		routes = append(routes, setting.IPRoute{Dest: r.Dst.Addr(), Prefix: uint8(r.Dst.Bits()), NextHop: r.Gateway, Metric: int64(r.Metric)})
		return true
	})
	if len(routes) > 0 {
		_ = s.Set("routes", routes)
	}
	if gw.IsValid() && len(addrs) > 0 {
		_ = s.Set("gateway", gw.String())
	}
	return s
}

func (d *Device) ip6Disabled() bool {
	v, err := d.reg.plat.IP6Sysctl(d.ifindex, "disable_ipv6")
	return err == nil && strings.TrimSpace(v) == "1"
}

// matchConnection4assume decides whether a profile describes what the
// link has (a reduced form of NetworkManager's nm_utils_match_connection):
// the IPv4 method and static addresses must agree; for IPv6 the profile's
// static addresses must all be there.
func matchConnection4assume(c, gen *setting.Connection, d *Device) bool {
	if gen == nil {
		return true
	}
	if c.Controller() != "" || gen.Controller() != "" {
		return c.Controller() != "" && gen.Controller() != ""
	}
	m4, g4 := methodOf(c, fam4), methodOf(gen, fam4)
	if m4 == "" {
		m4 = "auto"
	}
	switch {
	case m4 == g4:
	case m4 == "auto" && g4 == "manual":
		// A lease looks like a static address only without lifetimes.
	default:
		return false
	}
	if m4 == "manual" && !sameAddrs(c.Setting("ipv4"), gen.Setting("ipv4"), false) {
		return false
	}
	m6 := methodOf(c, fam6)
	if m6 == "manual" && !sameAddrs(c.Setting("ipv6"), gen.Setting("ipv6"), true) {
		return false
	}
	return true
}

func sameAddrs(a, b *setting.Setting, subset bool) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	var x, y []string
	for _, ad := range a.Addresses() {
		x = append(x, ad.String())
	}
	for _, ad := range b.Addresses() {
		y = append(y, ad.String())
	}
	slices.Sort(x)
	slices.Sort(y)
	if subset {
		for _, s := range x {
			if !slices.Contains(y, s) {
				return false
			}
		}
		return true
	}
	return slices.Equal(x, y)
}
