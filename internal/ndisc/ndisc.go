// Package ndisc is the IPv6 router discovery engine NetworkManager runs in
// the daemon (with the kernel's accept_ra off): it solicits routers with
// RFC 7559 back-off (and again before learnt items expire), parses Router Advertisements and keeps, with their
// lifetimes, the default gateways (by preference), SLAAC addresses (EUI-64
// or RFC 7217 stable-privacy with NetworkManager's derivation), on-link and
// RFC 4191 routes, RDNSS/DNSSL, MTU, hop limit and timers, and the M/O
// flags that start DHCPv6. Items expire on their own; a router lifetime of
// zero removes that default router. Results are plain values (Data)
// delivered through a callback from the engine's goroutine. It opens one
// ICMPv6 raw socket at Start; it uses internal/hostid and nothing above.
package ndisc

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"time"

	"github.com/gonm/gonm/internal/hostid"
)

// AddrGenMode is ipv6.addr-gen-mode.
type AddrGenMode int

const (
	AddrGenEUI64         AddrGenMode = 0
	AddrGenStablePrivacy AddrGenMode = 1
)

// DHCPLevel is what the M and O flags ask for.
type DHCPLevel int

const (
	DHCPLevelNone      DHCPLevel = 0
	DHCPLevelOtherConf DHCPLevel = 1
	DHCPLevelManaged   DHCPLevel = 2
)

// Limits NetworkManager puts on tracked items.
const (
	maxGateways   = 100
	maxRoutes     = 1000
	maxDNSServers = 64
	maxDNSDomains = 64
	// DefaultMaxAddresses is NetworkManager's default (ipv6 max addresses).
	DefaultMaxAddresses = 16
	// RFC 7559 initial and maximum retransmission times.
	solicitIRT = 4 * time.Second
	solicitMRT = 3600 * time.Second
	// prefixLifetimeFloor is RFC 4862 5.5.3.e's two hours.
	prefixLifetimeFloor = 2 * time.Hour
	// After an RA, NetworkManager solicits again this long before the
	// first item expires, ignoring items that lived shorter than
	// preExpiryMinLifetime since the last solicitation (they would make
	// it solicit in a loop).
	preExpiry            = 60 * time.Second
	preExpiryMinLifetime = 120 * time.Second
)

// Config describes one interface.
type Config struct {
	IfIndex int
	IfName  string
	HWAddr  net.HardwareAddr // for EUI-64
	Mode    AddrGenMode
	// For stable-privacy: the effective stable ID and its type, and the
	// host key (internal/hostid).
	StableType hostid.StableType
	NetworkID  string
	HostKey    []byte
	// MaxAddresses limits SLAAC addresses; DefaultMaxAddresses when 0.
	MaxAddresses int
	// RATimeout is ipv6.ra-timeout: EventRATimeout fires when no RA
	// arrived within it (0: none).
	RATimeout time.Duration
	Logger    *slog.Logger
}

// Gateway is a default router.
type Gateway struct {
	Addr       netip.Addr
	Expiry     time.Time // zero: never
	Preference Preference
}

// Address is a SLAAC address (always /64).
type Address struct {
	Addr            netip.Addr
	Expiry          time.Time // valid lifetime end; zero: never
	PreferredExpiry time.Time
	// Deprecated is set once the preferred lifetime has passed.
	Deprecated bool
	DADCounter uint32
}

// Route is an on-link prefix (Gateway unset) or a route through a router.
type Route struct {
	Prefix     netip.Prefix
	Gateway    netip.Addr
	OnLink     bool
	Expiry     time.Time
	Preference Preference
}

// DNSServer is an RDNSS address.
type DNSServer struct {
	Addr   netip.Addr
	Expiry time.Time
}

// DNSDomain is a DNSSL domain.
type DNSDomain struct {
	Domain string
	Expiry time.Time
}

// Data is the configuration learnt from routers.
type Data struct {
	DHCPLevel     DHCPLevel
	Gateways      []Gateway // best preference first
	Addresses     []Address
	Routes        []Route
	DNSServers    []DNSServer
	DNSDomains    []DNSDomain
	HopLimit      uint8
	MTU           uint32
	ReachableTime uint32 // ms
	RetransTimer  uint32 // ms
}

func (d Data) clone() Data {
	d.Gateways = slices.Clone(d.Gateways)
	d.Addresses = slices.Clone(d.Addresses)
	d.Routes = slices.Clone(d.Routes)
	d.DNSServers = slices.Clone(d.DNSServers)
	d.DNSDomains = slices.Clone(d.DNSDomains)
	return d
}

// Lifetime returns the remaining seconds until expiry at now, as the
// kernel wants address lifetimes (0xffffffff for infinite). Like
// NetworkManager it counts from now truncated to the second and rounds up,
// so a 600 s prefix shows as valid_lft 601 right after the RA.
func Lifetime(expiry, now time.Time) uint32 {
	if expiry.IsZero() {
		return Infinity
	}
	d := expiry.Sub(now.Truncate(time.Second))
	if d <= 0 {
		return 0
	}
	return uint32(min((d+time.Second-1)/time.Second, time.Duration(Infinity-1)))
}

// Changed flags what an event changed (NetworkManager's config map).
type Changed uint

const (
	ChangedDHCPLevel Changed = 1 << iota
	ChangedGateways
	ChangedAddresses
	ChangedRoutes
	ChangedDNSServers
	ChangedDNSDomains
	ChangedHopLimit
	ChangedMTU
	ChangedReachableTime
	ChangedRetransTimer
)

// EventType says why the callback runs.
type EventType int

const (
	// EventConfigChanged carries new Data.
	EventConfigChanged EventType = iota
	// EventRATimeout: no router answered within Config.RATimeout.
	EventRATimeout
	// EventFailed: the socket failed; the engine stopped.
	EventFailed
)

// Event is delivered on the engine's goroutine.
type Event struct {
	Type    EventType
	Data    Data
	Changed Changed
	Err     error
}

// NDisc is router discovery on one interface.
type NDisc struct {
	cfg    Config
	notify func(Event)
	log    *slog.Logger
	rnd    *rand.Rand
	sock   socket
	rx     chan received
	cmds   chan func()
	done   chan struct{}
	closed chan struct{}

	// owned by the run goroutine
	data        Data
	solicitAt   time.Time
	solicitRT   time.Duration
	lastRS      time.Time
	raTimeoutAt time.Time
	gotRA       bool
}

type received struct {
	ra   *RA
	from netip.Addr
	err  error
}

// socket sends router solicitations; RAs are pushed to the channel given
// at open.
type socket interface {
	SendRS() error
	Close() error
}

// New returns an engine that has not started.
func New(cfg Config, notify func(Event)) (*NDisc, error) {
	if cfg.Mode == AddrGenEUI64 && len(cfg.HWAddr) != 6 {
		return nil, fmt.Errorf("ndisc: EUI-64 needs a 6-byte MAC address, have %v", cfg.HWAddr)
	}
	if cfg.Mode == AddrGenStablePrivacy && len(cfg.HostKey) == 0 {
		return nil, errors.New("ndisc: stable-privacy needs the host key")
	}
	if cfg.MaxAddresses <= 0 {
		cfg.MaxAddresses = DefaultMaxAddresses
	}
	cfg.MaxAddresses = min(cfg.MaxAddresses, 3*100)
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &NDisc{
		cfg: cfg, notify: notify, log: log,
		rnd:    rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
		rx:     make(chan received, 16),
		cmds:   make(chan func()),
		done:   make(chan struct{}),
		closed: make(chan struct{}),
	}, nil
}

// Start opens the ICMPv6 socket (in the caller's namespace) and begins
// soliciting: the first RS within 250 ms.
func (n *NDisc) Start() error {
	s, err := openSocket(n.cfg.IfIndex, n.deliver)
	if err != nil {
		return err
	}
	n.start(s)
	return nil
}

func (n *NDisc) start(s socket) {
	n.sock = s
	now := time.Now()
	n.solicitAt = now.Add(time.Duration(n.rnd.Int64N(int64(250 * time.Millisecond))))
	if n.cfg.RATimeout > 0 {
		n.raTimeoutAt = now.Add(n.cfg.RATimeout)
	}
	go n.run()
}

// deliver hands a received RA to the run goroutine; false once the engine
// has ended.
func (n *NDisc) deliver(r received) bool {
	select {
	case n.rx <- r:
		return true
	case <-n.closed:
		return false
	}
}

// Stop ends the engine and closes the socket; no event follows.
func (n *NDisc) Stop() {
	select {
	case n.cmds <- func() { close(n.done) }:
		<-n.closed
	case <-n.closed:
	}
}

// DADFailed reports that the kernel's duplicate address detection failed
// for a SLAAC address: a stable-privacy address is regenerated with the
// next DAD counter (at most 3 tries), an EUI-64 one is dropped.
func (n *NDisc) DADFailed(addr netip.Addr) {
	select {
	case n.cmds <- func() { n.dadFailed(addr) }:
	case <-n.closed:
	}
}

// Data returns the current configuration.
func (n *NDisc) Data() Data {
	ch := make(chan Data, 1)
	select {
	case n.cmds <- func() { ch <- n.data.clone() }:
		return <-ch
	case <-n.closed:
		return Data{}
	}
}

func (n *NDisc) run() {
	defer func() {
		n.sock.Close()
		close(n.closed)
	}()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if next, ok := n.nextTimeout(); ok {
			timer.Reset(max(time.Until(next), 0))
		} else {
			timer.Stop()
		}
		select {
		case <-n.done:
			return
		case fn := <-n.cmds:
			fn()
		case r := <-n.rx:
			if r.err != nil {
				n.log.Error(fmt.Sprintf("ndisc: socket failed: %v", r.err))
				n.emit(Event{Type: EventFailed, Err: r.err})
				return
			}
			n.receiveRA(r.ra, r.from, time.Now())
		case <-timer.C:
			n.onTimer(time.Now())
		}
		select {
		case <-n.done:
			return
		default:
		}
	}
}

func (n *NDisc) emit(e Event) {
	if n.notify != nil {
		n.notify(e)
	}
}

func (n *NDisc) nextTimeout() (time.Time, bool) {
	var t time.Time
	consider := func(x time.Time) {
		if !x.IsZero() && (t.IsZero() || x.Before(t)) {
			t = x
		}
	}
	consider(n.solicitAt)
	consider(n.raTimeoutAt)
	for _, g := range n.data.Gateways {
		consider(g.Expiry)
	}
	for _, a := range n.data.Addresses {
		consider(a.Expiry)
		if !a.Deprecated {
			consider(a.PreferredExpiry)
		}
	}
	for _, r := range n.data.Routes {
		consider(r.Expiry)
	}
	for _, s := range n.data.DNSServers {
		consider(s.Expiry)
	}
	for _, d := range n.data.DNSDomains {
		consider(d.Expiry)
	}
	return t, !t.IsZero()
}

// jitter returns rt ± 10 %, as RFC 3315's RAND for RFC 7559.
func (n *NDisc) jitter(rt time.Duration) time.Duration {
	ten := max(rt/10, time.Millisecond)
	return rt - ten + time.Duration(n.rnd.Int64N(int64(2*ten)))
}

func (n *NDisc) onTimer(now time.Time) {
	if !n.solicitAt.IsZero() && !now.Before(n.solicitAt) {
		if err := n.sock.SendRS(); err != nil {
			n.log.Warn(fmt.Sprintf("solicit: failure sending router solicitation: %v", err))
		} else {
			logTrace(n.log, "solicit: router solicitation sent")
			n.lastRS = now
		}
		var next time.Duration
		if n.solicitRT == 0 {
			n.solicitRT = n.jitter(solicitIRT)
			next = n.solicitRT
		} else {
			n.solicitRT += n.jitter(n.solicitRT)
			next = n.solicitRT
			if n.solicitRT > solicitMRT {
				n.solicitRT = solicitMRT
				next = n.jitter(solicitMRT)
			}
		}
		n.solicitAt = now.Add(next)
		n.log.Debug(fmt.Sprintf("solicit: schedule sending next solicitation in %.3f seconds", next.Seconds()))
	}
	if !n.raTimeoutAt.IsZero() && !now.Before(n.raTimeoutAt) {
		n.raTimeoutAt = time.Time{}
		if !n.gotRA {
			n.emit(Event{Type: EventRATimeout, Data: n.data.clone()})
		}
	}
	if changed := n.expire(now); changed != 0 {
		n.emit(Event{Type: EventConfigChanged, Data: n.data.clone(), Changed: changed})
	}
}

func expired(exp, now time.Time) bool { return !exp.IsZero() && !now.Before(exp) }

// expire drops items whose lifetime ended. Addresses past their preferred
// lifetime stay (deprecated) until the valid lifetime ends; crossing the
// preferred lifetime still counts as a change so the owner can update the
// kernel's flags.
func (n *NDisc) expire(now time.Time) Changed {
	var c Changed
	d := &n.data
	if l := len(d.Gateways); l > 0 {
		d.Gateways = slices.DeleteFunc(d.Gateways, func(g Gateway) bool { return expired(g.Expiry, now) })
		if len(d.Gateways) != l {
			c |= ChangedGateways
		}
	}
	if l := len(d.Addresses); l > 0 {
		d.Addresses = slices.DeleteFunc(d.Addresses, func(a Address) bool { return expired(a.Expiry, now) })
		if len(d.Addresses) != l {
			c |= ChangedAddresses
		}
		for i := range d.Addresses {
			if a := &d.Addresses[i]; !a.Deprecated && expired(a.PreferredExpiry, now) {
				a.Deprecated = true
				c |= ChangedAddresses
			}
		}
	}
	if l := len(d.Routes); l > 0 {
		d.Routes = slices.DeleteFunc(d.Routes, func(r Route) bool { return expired(r.Expiry, now) })
		if len(d.Routes) != l {
			c |= ChangedRoutes
		}
	}
	if l := len(d.DNSServers); l > 0 {
		d.DNSServers = slices.DeleteFunc(d.DNSServers, func(s DNSServer) bool { return expired(s.Expiry, now) })
		if len(d.DNSServers) != l {
			c |= ChangedDNSServers
		}
	}
	if l := len(d.DNSDomains); l > 0 {
		d.DNSDomains = slices.DeleteFunc(d.DNSDomains, func(s DNSDomain) bool { return expired(s.Expiry, now) })
		if len(d.DNSDomains) != l {
			c |= ChangedDNSDomains
		}
	}
	return c
}

func logTrace(log *slog.Logger, msg string) {
	log.Log(context.Background(), slog.Level(-8), msg)
}

func (n *NDisc) receiveRA(ra *RA, from netip.Addr, now time.Time) {
	n.log.Debug(fmt.Sprintf("received router advertisement from %s", from))
	n.gotRA = true
	n.raTimeoutAt = time.Time{}
	var c Changed
	d := &n.data

	level := DHCPLevelNone
	if ra.Managed {
		level = DHCPLevelManaged
	} else if ra.Other {
		level = DHCPLevelOtherConf
	}
	// With several routers keep the "most managed" level.
	if level > d.DHCPLevel {
		d.DHCPLevel = level
		c |= ChangedDHCPLevel
	}

	if n.addGateway(Gateway{Addr: from, Expiry: lifetimeToExpiry(now, uint32(ra.RouterLifetime)), Preference: ra.Preference}, now) {
		c |= ChangedGateways
	}
	for _, p := range ra.Prefixes {
		if p.Prefix.Bits() == 0 || p.Prefix.Addr().IsUnspecified() || p.Prefix.Addr().IsLinkLocalUnicast() {
			continue
		}
		if p.OnLink && n.addRoute(Route{Prefix: p.Prefix, OnLink: true, Expiry: lifetimeToExpiry(now, p.ValidLifetime)}, now) {
			c |= ChangedRoutes
		}
		if p.Prefix.Bits() == 64 && p.Autonomous {
			pref := min(p.Preferred, p.ValidLifetime)
			a := Address{Addr: p.Prefix.Addr(), Expiry: lifetimeToExpiry(now, p.ValidLifetime), PreferredExpiry: lifetimeToExpiry(now, pref)}
			if n.addAddress(a, now) {
				c |= ChangedAddresses
			}
		}
	}
	for _, r := range ra.Routes {
		if r.Prefix.Bits() == 0 {
			continue
		}
		if n.addRoute(Route{Prefix: r.Prefix, Gateway: from, Expiry: lifetimeToExpiry(now, r.Lifetime), Preference: r.Preference}, now) {
			c |= ChangedRoutes
		}
	}
	for i, a := range ra.RDNSS {
		if n.addDNSServer(DNSServer{Addr: a, Expiry: lifetimeToExpiry(now, ra.RDNSSLifetime[i])}, now) {
			c |= ChangedDNSServers
		}
	}
	for i, dom := range ra.DNSSL {
		if n.addDNSDomain(DNSDomain{Domain: dom, Expiry: lifetimeToExpiry(now, ra.DNSSLLifetime[i])}, now) {
			c |= ChangedDNSDomains
		}
	}
	if ra.HopLimit != d.HopLimit {
		d.HopLimit = ra.HopLimit
		c |= ChangedHopLimit
	}
	if ra.ReachableTime != 0 && ra.ReachableTime != d.ReachableTime {
		d.ReachableTime = ra.ReachableTime
		c |= ChangedReachableTime
	}
	if ra.RetransTimer != 0 && ra.RetransTimer != d.RetransTimer {
		d.RetransTimer = ra.RetransTimer
		c |= ChangedRetransTimer
	}
	if ra.MTU != 0 {
		if ra.MTU < 1280 {
			// Accepting it would make the kernel drop IPv6 on the link.
			n.log.Warn(fmt.Sprintf("MTU too small for IPv6 ignored: %d", ra.MTU))
		} else if ra.MTU != d.MTU {
			d.MTU = ra.MTU
			c |= ChangedMTU
		}
	}
	// Items announced with lifetime 0 expire right now.
	c |= n.expire(now)
	n.scheduleSlowSolicit(now)
	if c != 0 {
		n.emit(Event{Type: EventConfigChanged, Data: d.clone(), Changed: c})
	}
}

// scheduleSlowSolicit keeps soliciting after an RA, as NetworkManager does
// (some routers never send unsolicited RAs): the next RS goes out about a
// minute before the first item expires, but no sooner than 4 s and no
// later than an hour after the last RS, and starts a new back-off.
func (n *NDisc) scheduleSlowSolicit(now time.Time) {
	var first time.Time
	consider := func(exp time.Time) {
		if exp.IsZero() || (!n.lastRS.IsZero() && exp.Before(n.lastRS.Add(preExpiryMinLifetime))) {
			return
		}
		if first.IsZero() || exp.Before(first) {
			first = exp
		}
	}
	d := &n.data
	for _, g := range d.Gateways {
		consider(g.Expiry)
	}
	for _, a := range d.Addresses {
		consider(a.Expiry)
	}
	for _, r := range d.Routes {
		consider(r.Expiry)
	}
	for _, s := range d.DNSServers {
		consider(s.Expiry)
	}
	for _, s := range d.DNSDomains {
		consider(s.Expiry)
	}
	n.solicitRT = 0
	if n.lastRS.IsZero() {
		// An unsolicited RA before our first RS: solicit now.
		n.solicitAt = now
		return
	}
	at := n.lastRS.Add(solicitMRT)
	if !first.IsZero() {
		if pre := first.Add(-n.jitter(preExpiry)); pre.Before(at) {
			at = pre
		}
	}
	if floor := n.lastRS.Add(solicitIRT); at.Before(floor) {
		at = floor
	}
	n.solicitAt = at
	n.log.Debug(fmt.Sprintf("solicit: schedule sending next (slow) solicitation in about %.3f seconds", max(at.Sub(now), 0).Seconds()))
}

// addGateway inserts or updates a router, keeping the list ordered by
// preference; a lifetime of 0 is an immediate expiry (removal).
func (n *NDisc) addGateway(g Gateway, now time.Time) bool {
	d := &n.data
	for i, old := range d.Gateways {
		if old.Addr != g.Addr {
			continue
		}
		if old == g {
			return false
		}
		d.Gateways = slices.Delete(d.Gateways, i, i+1)
		break
	}
	if len(d.Gateways) >= maxGateways {
		return false
	}
	d.Gateways = append(d.Gateways, g)
	slices.SortStableFunc(d.Gateways, func(a, b Gateway) int {
		return cmp.Compare(b.Preference.priority(), a.Preference.priority())
	})
	return true
}

func (n *NDisc) addRoute(r Route, now time.Time) bool {
	d := &n.data
	for i := range d.Routes {
		old := &d.Routes[i]
		if old.Prefix == r.Prefix && old.Gateway == r.Gateway {
			if *old == r {
				return false
			}
			*old = r
			return true
		}
	}
	if len(d.Routes) >= maxRoutes {
		return false
	}
	d.Routes = append(d.Routes, r)
	return true
}

func (n *NDisc) addDNSServer(s DNSServer, now time.Time) bool {
	d := &n.data
	for i := range d.DNSServers {
		if d.DNSServers[i].Addr == s.Addr {
			if d.DNSServers[i] == s {
				return false
			}
			d.DNSServers[i] = s
			return true
		}
	}
	if len(d.DNSServers) >= maxDNSServers {
		return false
	}
	d.DNSServers = append(d.DNSServers, s)
	return true
}

func (n *NDisc) addDNSDomain(s DNSDomain, now time.Time) bool {
	d := &n.data
	for i := range d.DNSDomains {
		if d.DNSDomains[i].Domain == s.Domain {
			if d.DNSDomains[i] == s {
				return false
			}
			d.DNSDomains[i] = s
			return true
		}
	}
	if len(d.DNSDomains) >= maxDNSDomains {
		return false
	}
	d.DNSDomains = append(d.DNSDomains, s)
	return true
}

// addAddress applies RFC 4862 5.5.3: a known prefix has its lifetimes
// updated (with the two-hour rule), a new one gets an interface
// identifier.
func (n *NDisc) addAddress(a Address, now time.Time) bool {
	d := &n.data
	for i := range d.Addresses {
		old := &d.Addresses[i]
		if prefix64(old.Addr) != prefix64(a.Addr) {
			continue
		}
		newExp := a.Expiry
		if !a.Expiry.IsZero() {
			newLT := a.Expiry.Sub(now)
			oldLT := time.Duration(1<<63 - 1)
			if !old.Expiry.IsZero() {
				oldLT = old.Expiry.Sub(now)
			}
			switch {
			case newLT >= prefixLifetimeFloor || newLT >= oldLT:
			case oldLT <= prefixLifetimeFloor:
				newExp = old.Expiry
			default:
				newExp = now.Add(prefixLifetimeFloor)
			}
		}
		newPref := earliest(a.PreferredExpiry, newExp)
		if newExp == old.Expiry && newPref == old.PreferredExpiry {
			return false
		}
		old.Expiry, old.PreferredExpiry = newExp, newPref
		old.Deprecated = expired(newPref, now)
		return true
	}
	if len(d.Addresses) >= n.cfg.MaxAddresses || expired(a.Expiry, now) {
		return false
	}
	a.PreferredExpiry = earliest(a.PreferredExpiry, a.Expiry)
	full, ok := n.completeAddress(a.Addr, 0)
	if !ok {
		return false
	}
	a.Addr = full
	d.Addresses = append(d.Addresses, a)
	return true
}

func prefix64(a netip.Addr) [8]byte {
	b := a.As16()
	return [8]byte(b[:8])
}

// earliest of two expiries, where the zero time is "never".
func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero():
		return a
	case a.Before(b):
		return a
	}
	return b
}

func (n *NDisc) completeAddress(prefix netip.Addr, dad uint32) (netip.Addr, bool) {
	if n.cfg.Mode == AddrGenStablePrivacy {
		a, err := hostid.StablePrivacyAddr(prefix, n.cfg.StableType, n.cfg.IfName, n.cfg.NetworkID, dad, n.cfg.HostKey)
		if err != nil {
			n.log.Warn(fmt.Sprintf("complete-address: failed to generate a stable-privacy address: %v", err))
			return netip.Addr{}, false
		}
		n.log.Debug("complete-address: using a stable-privacy address")
		return a, true
	}
	a, err := hostid.EUI64Addr(prefix, n.cfg.HWAddr)
	if err != nil {
		n.log.Warn(fmt.Sprintf("complete-address: can't generate an EUI-64 address: %v", err))
		return netip.Addr{}, false
	}
	n.log.Debug("complete-address: adding an EUI-64 address")
	return a, true
}

func (n *NDisc) dadFailed(addr netip.Addr) {
	d := &n.data
	for i := range d.Addresses {
		if d.Addresses[i].Addr != addr {
			continue
		}
		if n.cfg.Mode == AddrGenStablePrivacy {
			dad := d.Addresses[i].DADCounter + 1
			if a, ok := n.completeAddress(addr, dad); ok {
				d.Addresses[i].Addr, d.Addresses[i].DADCounter = a, dad
				n.emit(Event{Type: EventConfigChanged, Data: d.clone(), Changed: ChangedAddresses})
				return
			}
		}
		d.Addresses = slices.Delete(d.Addresses, i, i+1)
		n.emit(Event{Type: EventConfigChanged, Data: d.clone(), Changed: ChangedAddresses})
		return
	}
}
