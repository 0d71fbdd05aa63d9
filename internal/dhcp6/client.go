// Package dhcp6 is the DHCPv6 client engine, behaving as NetworkManager's
// internal client (systemd's sd-dhcp6): stateful address assignment
// (IA_NA), prefix delegation (IA_PD), or stateless information-request;
// RFC 8415 retransmission, RENEW at T1, REBIND at T2, expiry and RELEASE;
// NetworkManager's DHCP6Config option names. Leases are plain values
// delivered through a callback from the engine's goroutine. It opens one
// UDP socket at Start (in the caller's network namespace); the DUID and
// IAID come from internal/dhcpid. It calls nothing above it.
package dhcp6

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/gonm/gonm/internal/dhcpid"
	"github.com/gonm/gonm/internal/dhcpopt"
	"github.com/insomniacslk/dhcp/dhcpv6"
	"github.com/insomniacslk/dhcp/iana"
	"github.com/insomniacslk/dhcp/rfc1035label"
)

// Config is one client run.
type Config struct {
	IfIndex int
	IfName  string
	// DUID (with its 2-byte type) and IAID, from internal/dhcpid.
	DUID []byte
	IAID uint32
	// InfoOnly asks only for configuration (Information-Request), as
	// NetworkManager does when the RA has the O flag but not M.
	InfoOnly bool
	// PrefixDelegation requests a prefix (IA_PD), optionally hinting at
	// PDHint (ipv6.dhcp-pd-hint).
	PrefixDelegation bool
	PDHint           netip.Prefix
	// Hostname is sent in the Client FQDN option when not empty.
	Hostname string
	// Timeout is ipv6.dhcp-timeout (0: none).
	Timeout time.Duration
	// SendRelease releases the lease on Stop(true).
	SendRelease bool
	Logger      *slog.Logger
}

// Address is a leased address; lifetimes count from Lease.Acquired.
type Address struct {
	Addr             netip.Addr
	Preferred, Valid time.Duration
}

// Prefix is a delegated prefix.
type Prefix struct {
	Prefix           netip.Prefix
	Preferred, Valid time.Duration
}

// Lease is what the server gave, as plain values.
type Lease struct {
	Addresses []Address // /128 each
	Prefixes  []Prefix
	DNS       []netip.Addr
	Domains   []string
	NTP       []string
	FQDN      string
	T1, T2    time.Duration
	Acquired  time.Time
	ServerID  []byte
	// Options is the DHCP6Config Options map.
	Options map[string]string
}

// EventType says what happened.
type EventType int

const (
	EventBound EventType = iota
	EventExtended
	EventExpired
	EventTimeout
	EventFailed
)

var eventNames = [...]string{"bound", "extended", "expired", "timeout", "failed"}

func (e EventType) String() string {
	if int(e) < len(eventNames) {
		return eventNames[e]
	}
	return fmt.Sprintf("EventType(%d)", int(e))
}

// Event is delivered on the engine's goroutine.
type Event struct {
	Type  EventType
	Lease *Lease
	Err   error
}

// State of the client.
type State int

const (
	StateSolicit State = iota
	StateRequest
	StateBound
	StateRenew
	StateRebind
	StateInformationRequest
	StateInformed
	StateStopped
)

// RFC 8415 section 7.6 transmission parameters.
type txParams struct {
	irt, mrt time.Duration
	mrc      int
	delay    time.Duration // maximum random initial delay
}

var (
	solParams  = txParams{irt: time.Second, mrt: 3600 * time.Second, delay: time.Second}
	reqParams  = txParams{irt: time.Second, mrt: 30 * time.Second, mrc: 10}
	renParams  = txParams{irt: 10 * time.Second, mrt: 600 * time.Second}
	rebParams  = txParams{irt: 10 * time.Second, mrt: 600 * time.Second}
	infParams  = txParams{irt: time.Second, mrt: 3600 * time.Second, delay: time.Second}
	relParams  = txParams{irt: time.Second, mrc: 4}
	defaultIRT = 86400 * time.Second // information refresh time
)

// requestedOptions are those NetworkManager asks for, in its order.
var requestedOptions = []dhcpv6.OptionCode{23, 24, 31, 56}

// Client is one DHCPv6 client run.
type Client struct {
	cfg    Config
	notify func(Event)
	log    *slog.Logger
	rnd    *rand.Rand
	tr     transport
	rx     chan received
	cmds   chan func()
	done   chan struct{}
	closed chan struct{}

	state     State
	msg       *dhcpv6.Message
	params    txParams
	rt        time.Duration
	sendAt    time.Time
	nSend     int
	txStart   time.Time
	serverID  dhcpv6.DUID
	lease     *Lease
	noLeaseAt time.Time
}

type received struct {
	msg *dhcpv6.Message
	err error
}

type transport interface {
	Send(m *dhcpv6.Message) error
	Close() error
}

// New checks the configuration.
func New(cfg Config, notify func(Event)) (*Client, error) {
	if len(cfg.DUID) < 3 || len(cfg.DUID) > 130 {
		return nil, errors.New("dhcp6: missing or invalid DUID")
	}
	if cfg.IfIndex <= 0 {
		return nil, fmt.Errorf("dhcp6: invalid ifindex %d", cfg.IfIndex)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{
		cfg: cfg, notify: notify, log: log,
		rnd:    rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
		rx:     make(chan received, 16),
		cmds:   make(chan func()),
		done:   make(chan struct{}),
		closed: make(chan struct{}),
		state:  StateStopped,
	}, nil
}

// Start opens the socket and begins with Solicit or Information-Request.
func (c *Client) Start() error {
	tr, err := openTransport(c.cfg.IfIndex, c.deliver)
	if err != nil {
		return err
	}
	c.start(tr)
	return nil
}

func (c *Client) start(tr transport) {
	c.tr = tr
	now := time.Now()
	if c.cfg.Timeout > 0 {
		c.noLeaseAt = now.Add(c.cfg.Timeout)
	}
	if c.cfg.InfoOnly && !c.cfg.PrefixDelegation {
		c.begin(StateInformationRequest, now)
	} else {
		c.begin(StateSolicit, now)
	}
	go c.run()
}

// deliver hands a received message to the run goroutine; false once the
// client has ended.
func (c *Client) deliver(r received) bool {
	select {
	case c.rx <- r:
		return true
	case <-c.closed:
		return false
	}
}

// Stop ends the client, releasing a bound lease when asked and configured.
func (c *Client) Stop(release bool) {
	select {
	case c.cmds <- func() { c.stop(release) }:
		<-c.closed
	case <-c.closed:
	}
}

// State reports the current state.
func (c *Client) State() State {
	ch := make(chan State, 1)
	select {
	case c.cmds <- func() { ch <- c.state }:
		return <-ch
	case <-c.closed:
		return StateStopped
	}
}

func (c *Client) stop(release bool) {
	if release && c.cfg.SendRelease && c.lease != nil && !c.cfg.InfoOnly {
		m := c.newMessage(dhcpv6.MessageTypeRelease)
		m.AddOption(dhcpv6.OptServerID(c.serverID))
		c.addIAs(m, c.lease)
		if err := c.tr.Send(m); err != nil {
			c.log.Warn(fmt.Sprintf("send RELEASE failed: %v", err))
		}
	}
	c.state = StateStopped
	close(c.done)
}

func (c *Client) run() {
	defer func() {
		c.tr.Close()
		close(c.closed)
	}()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if next, ok := c.nextTimeout(); ok {
			timer.Reset(max(time.Until(next), 0))
		} else {
			timer.Stop()
		}
		select {
		case <-c.done:
			return
		case fn := <-c.cmds:
			fn()
		case r := <-c.rx:
			if r.err != nil {
				c.log.Error(fmt.Sprintf("dhcp6: receive: %v", r.err))
				c.emit(Event{Type: EventFailed, Err: r.err})
				c.state = StateStopped
				return
			}
			c.handle(r.msg, time.Now())
		case <-timer.C:
			c.onTimer(time.Now())
		}
		select {
		case <-c.done:
			return
		default:
		}
	}
}

func (c *Client) emit(e Event) {
	if c.notify != nil {
		c.notify(e)
	}
}

func (c *Client) nextTimeout() (time.Time, bool) {
	var t time.Time
	consider := func(x time.Time) {
		if !x.IsZero() && (t.IsZero() || x.Before(t)) {
			t = x
		}
	}
	consider(c.sendAt)
	consider(c.noLeaseAt)
	if c.lease != nil {
		// Only deadlines still ahead in this state: a passed T1 while
		// renewing must not wake the loop again.
		switch c.state {
		case StateBound:
			consider(c.leaseDeadline(c.lease.T1))
			consider(c.leaseDeadline(c.lease.T2))
			consider(c.leaseDeadline(c.validLifetime()))
		case StateRenew:
			consider(c.leaseDeadline(c.lease.T2))
			consider(c.leaseDeadline(c.validLifetime()))
		case StateRebind:
			consider(c.leaseDeadline(c.validLifetime()))
		case StateInformed:
			consider(c.leaseDeadline(c.lease.T1))
		}
	}
	return t, !t.IsZero()
}

func (c *Client) leaseDeadline(d time.Duration) time.Time {
	if d <= 0 || d == infinite {
		return time.Time{}
	}
	return c.lease.Acquired.Add(d)
}

// infinite is the all-ones lifetime.
const infinite = time.Duration(0xffffffff) * time.Second

// validLifetime is the longest valid lifetime of the lease's addresses and
// prefixes: when it passes, nothing of the lease is usable.
func (c *Client) validLifetime() time.Duration {
	var v time.Duration
	for _, a := range c.lease.Addresses {
		v = max(v, a.Valid)
	}
	for _, p := range c.lease.Prefixes {
		v = max(v, p.Valid)
	}
	if c.cfg.InfoOnly && !c.cfg.PrefixDelegation {
		return 0
	}
	return v
}

// rand10 is RFC 8415's RAND: a factor in [-0.1, 0.1).
func (c *Client) rand10(d time.Duration) time.Duration {
	return time.Duration((c.rnd.Float64()*0.2 - 0.1) * float64(d))
}

// begin starts a new exchange in state s.
func (c *Client) begin(s State, now time.Time) {
	c.state = s
	c.nSend = 0
	c.rt = 0
	c.txStart = now
	var t dhcpv6.MessageType
	switch s {
	case StateSolicit:
		t, c.params = dhcpv6.MessageTypeSolicit, solParams
	case StateRequest:
		t, c.params = dhcpv6.MessageTypeRequest, reqParams
	case StateRenew:
		t, c.params = dhcpv6.MessageTypeRenew, renParams
	case StateRebind:
		t, c.params = dhcpv6.MessageTypeRebind, rebParams
	case StateInformationRequest:
		t, c.params = dhcpv6.MessageTypeInformationRequest, infParams
	}
	c.msg = c.newMessage(t)
	switch s {
	case StateSolicit:
		c.addIAs(c.msg, nil)
	case StateRequest, StateRenew:
		c.msg.AddOption(dhcpv6.OptServerID(c.serverID))
		c.addIAs(c.msg, c.lease)
	case StateRebind:
		c.addIAs(c.msg, c.lease)
	}
	c.sendAt = now
	if c.params.delay > 0 {
		c.sendAt = now.Add(time.Duration(c.rnd.Int64N(int64(c.params.delay))))
	}
}

func (c *Client) newMessage(t dhcpv6.MessageType) *dhcpv6.Message {
	m := &dhcpv6.Message{MessageType: t}
	var xid [3]byte
	r := c.rnd.Uint32()
	xid[0], xid[1], xid[2] = byte(r>>16), byte(r>>8), byte(r)
	m.TransactionID = dhcpv6.TransactionID(xid)
	m.AddOption(dhcpv6.OptClientID(&dhcpv6.DUIDOpaque{Type: dhcpv6.DUIDType(binary.BigEndian.Uint16(c.cfg.DUID)), Data: c.cfg.DUID[2:]}))
	m.AddOption(dhcpv6.OptRequestedOption(requestedOptions...))
	// Like systemd's client, the FQDN goes only with address requests,
	// not with Information-Request or Release.
	if c.cfg.Hostname != "" && t != dhcpv6.MessageTypeRelease && t != dhcpv6.MessageTypeInformationRequest {
		m.AddOption(&dhcpv6.OptFQDN{Flags: 0, DomainName: labels(c.cfg.Hostname)})
	}
	return m
}

func (c *Client) iaid() [4]byte {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], c.cfg.IAID)
	return b
}

// addIAs adds IA_NA and/or IA_PD, carrying the lease's addresses and
// prefixes when renewing.
func (c *Client) addIAs(m *dhcpv6.Message, l *Lease) {
	if !c.cfg.InfoOnly {
		na := &dhcpv6.OptIANA{IaId: c.iaid()}
		if l != nil {
			for _, a := range l.Addresses {
				na.Options.Add(&dhcpv6.OptIAAddress{IPv6Addr: a.Addr.AsSlice()})
			}
		}
		m.AddOption(na)
	}
	if c.cfg.PrefixDelegation {
		pd := &dhcpv6.OptIAPD{IaId: c.iaid()}
		switch {
		case l != nil:
			for _, p := range l.Prefixes {
				pd.Options.Add(&dhcpv6.OptIAPrefix{Prefix: prefixNet(p.Prefix)})
			}
		case c.cfg.PDHint.IsValid():
			pd.Options.Add(&dhcpv6.OptIAPrefix{Prefix: prefixNet(c.cfg.PDHint)})
		}
		m.AddOption(pd)
	}
}

func prefixNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), 128)}
}

func (c *Client) onTimer(now time.Time) {
	if !c.noLeaseAt.IsZero() && !now.Before(c.noLeaseAt) {
		c.noLeaseAt = time.Time{}
		c.emit(Event{Type: EventTimeout})
	}
	if c.lease != nil && (c.state == StateBound || c.state == StateRenew || c.state == StateRebind) {
		switch {
		case !c.leaseDeadline(c.validLifetime()).IsZero() && !now.Before(c.leaseDeadline(c.validLifetime())):
			c.log.Info("lease expired")
			c.lease = nil
			c.emit(Event{Type: EventExpired})
			c.begin(StateSolicit, now)
			return
		case c.state != StateRebind && !c.leaseDeadline(c.lease.T2).IsZero() && !now.Before(c.leaseDeadline(c.lease.T2)):
			c.begin(StateRebind, now)
		case c.state == StateBound && !c.leaseDeadline(c.lease.T1).IsZero() && !now.Before(c.leaseDeadline(c.lease.T1)):
			c.begin(StateRenew, now)
		}
	}
	if c.state == StateInformed && c.lease != nil && !now.Before(c.lease.Acquired.Add(c.lease.T1)) {
		c.begin(StateInformationRequest, now)
	}
	if !c.sendAt.IsZero() && !now.Before(c.sendAt) {
		c.transmit(now)
	}
}

// transmit sends the current message and schedules its retransmission.
func (c *Client) transmit(now time.Time) {
	if c.params.mrc > 0 && c.nSend >= c.params.mrc {
		c.log.Warn(fmt.Sprintf("no reply after %d %s messages", c.nSend, c.msg.MessageType))
		c.sendAt = time.Time{}
		c.begin(StateSolicit, now)
		return
	}
	elapsed := min(now.Sub(c.txStart)/(10*time.Millisecond), 0xffff)
	if c.nSend == 0 {
		elapsed = 0
	}
	c.msg.UpdateOption(dhcpv6.OptElapsedTime(elapsed * 10 * time.Millisecond))
	if err := c.tr.Send(c.msg); err != nil {
		c.log.Warn(fmt.Sprintf("send %s failed: %v", c.msg.MessageType, err))
	} else {
		c.log.Debug(fmt.Sprintf("send %s", c.msg.MessageType))
	}
	c.nSend++
	switch {
	case c.rt == 0:
		c.rt = c.params.irt + c.rand10(c.params.irt)
		if c.state == StateSolicit && c.rt <= c.params.irt {
			// The first Solicit timeout must exceed IRT (RFC 8415 18.2.1).
			c.rt = 2*c.params.irt - c.rt
		}
	default:
		c.rt = 2*c.rt + c.rand10(c.rt)
	}
	if c.params.mrt > 0 && c.rt > c.params.mrt {
		c.rt = c.params.mrt + c.rand10(c.params.mrt)
	}
	c.sendAt = now.Add(c.rt)
}

func (c *Client) handle(m *dhcpv6.Message, now time.Time) {
	if c.msg == nil || m.TransactionID != c.msg.TransactionID {
		return
	}
	cid := m.Options.ClientID()
	if cid == nil || string(cid.ToBytes()) != string(c.cfg.DUID) {
		return
	}
	switch {
	case m.MessageType == dhcpv6.MessageTypeAdvertise && c.state == StateSolicit:
		if m.Options.ServerID() == nil || !c.usable(m) {
			return
		}
		c.serverID = m.Options.ServerID()
		c.begin(StateRequest, now)
		c.transmit(now)
	case m.MessageType == dhcpv6.MessageTypeReply:
		c.onReply(m, now)
	}
}

// usable reports whether an Advertise/Reply carries what was asked for.
func (c *Client) usable(m *dhcpv6.Message) bool {
	if st := m.Options.Status(); st != nil && st.StatusCode != iana.StatusSuccess {
		return false
	}
	if !c.cfg.InfoOnly {
		na := m.Options.OneIANA()
		if na == nil || len(na.Options.Addresses()) == 0 {
			return false
		}
	}
	if c.cfg.PrefixDelegation {
		pd := m.Options.OneIAPD()
		if pd == nil || len(pd.Options.Prefixes()) == 0 {
			return false
		}
	}
	return true
}

func (c *Client) onReply(m *dhcpv6.Message, now time.Time) {
	switch c.state {
	case StateRequest, StateRenew, StateRebind, StateInformationRequest:
	default:
		return
	}
	if !c.usable(m) {
		if c.state == StateRequest {
			c.begin(StateSolicit, now)
		}
		return
	}
	if sid := m.Options.ServerID(); sid != nil {
		c.serverID = sid
	}
	base := c.txStart
	l := ParseReply(m, c.cfg.DUID, base, c.cfg.IAID, c.cfg.InfoOnly)
	if c.cfg.InfoOnly && !c.cfg.PrefixDelegation {
		l.T1 = m.Options.InformationRefreshTime(defaultIRT)
	}
	prev := c.state
	refresh := prev == StateInformationRequest && c.lease != nil
	c.lease = l
	c.msg = nil
	c.sendAt = time.Time{}
	c.noLeaseAt = time.Time{}
	if c.state == StateInformationRequest {
		c.state = StateInformed
	} else {
		c.state = StateBound
	}
	if prev == StateRenew || prev == StateRebind || refresh {
		c.emit(Event{Type: EventExtended, Lease: l})
	} else {
		c.emit(Event{Type: EventBound, Lease: l})
	}
}

// ParseReply turns a Reply into a Lease with NetworkManager's option map
// (duid, the client's DUID, is shown as dhcp6_client_id).
// base is when the exchange started (lifetimes count from it).
func ParseReply(m *dhcpv6.Message, duid []byte, base time.Time, iaid uint32, infoOnly bool) *Lease {
	l := &Lease{Acquired: base, Options: map[string]string{}}
	o := l.Options
	o["iaid"] = dhcpid.IAIDHex(iaid)
	if len(duid) > 0 {
		o["dhcp6_client_id"] = dhcpopt.HexColon(duid)
	}
	if sid := m.Options.ServerID(); sid != nil {
		l.ServerID = sid.ToBytes()
	}
	var minPref time.Duration = -1
	if na := m.Options.OneIANA(); na != nil && !infoOnly {
		var strs []string
		for _, a := range na.Options.Addresses() {
			addr, ok := netip.AddrFromSlice(a.IPv6Addr)
			if !ok || a.ValidLifetime == 0 || a.PreferredLifetime > a.ValidLifetime {
				continue
			}
			l.Addresses = append(l.Addresses, Address{Addr: addr.Unmap(), Preferred: a.PreferredLifetime, Valid: a.ValidLifetime})
			strs = append(strs, addr.String())
			if minPref < 0 || a.PreferredLifetime < minPref {
				minPref = a.PreferredLifetime
			}
		}
		if len(strs) > 0 {
			o["ip6_address"] = strings.Join(strs, " ")
		}
		l.T1, l.T2 = na.T1, na.T2
	}
	if pd := m.Options.OneIAPD(); pd != nil {
		for _, p := range pd.Options.Prefixes() {
			if p.Prefix == nil || p.ValidLifetime == 0 {
				continue
			}
			a, ok := netip.AddrFromSlice(p.Prefix.IP)
			ones, _ := p.Prefix.Mask.Size()
			if !ok {
				continue
			}
			l.Prefixes = append(l.Prefixes, Prefix{Prefix: netip.PrefixFrom(a.Unmap(), ones).Masked(), Preferred: p.PreferredLifetime, Valid: p.ValidLifetime})
			if minPref < 0 || p.PreferredLifetime < minPref {
				minPref = p.PreferredLifetime
			}
		}
		if l.T1 == 0 {
			l.T1, l.T2 = pd.T1, pd.T2
		}
	}
	// Servers may leave T1/T2 to the client: half and 80 % of the
	// shortest preferred lifetime.
	if minPref > 0 && (l.T1 == 0 || l.T2 == 0) {
		l.T1, l.T2 = minPref/2, minPref*4/5
	}
	if dns := m.Options.DNS(); len(dns) > 0 {
		var strs []string
		for _, ip := range dns {
			if a, ok := netip.AddrFromSlice(ip); ok {
				l.DNS = append(l.DNS, a)
				strs = append(strs, a.String())
			}
		}
		o["dhcp6_name_servers"] = strings.Join(strs, " ")
	}
	if raw := m.GetOneOption(dhcpv6.OptionDomainSearchList); raw != nil {
		names, _ := dhcpopt.ParseSearchList(raw.ToBytes())
		if len(names) > 0 {
			l.Domains = names
			o["dhcp6_domain_search"] = strings.Join(names, " ")
		}
	}
	if f := m.Options.FQDN(); f != nil && f.DomainName != nil && len(f.DomainName.Labels) > 0 {
		l.FQDN = f.DomainName.Labels[0]
		o["fqdn_fqdn"] = l.FQDN
	}
	var ntp []string
	for _, ip := range m.Options.NTPServers() {
		ntp = append(ntp, ip.String())
	}
	if len(ntp) > 0 {
		l.NTP = ntp
		o["dhcp6_ntp_servers"] = strings.Join(ntp, " ")
	}
	slices.SortStableFunc(l.Addresses, func(a, b Address) int { return a.Addr.Compare(b.Addr) })
	return l
}

func labels(name string) *rfc1035label.Labels {
	return &rfc1035label.Labels{Labels: []string{name}}
}
