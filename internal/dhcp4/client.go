// Package dhcp4 is the DHCPv4 client engine: the whole lease life as
// NetworkManager's internal (n-dhcp4) client lives it — INIT, SELECTING,
// REQUESTING, address conflict detection and DECLINE, BOUND, RENEWING at
// T1, REBINDING at T2, expiry, INIT-REBOOT with the remembered address,
// NAK handling and RELEASE — with n-dhcp4's retransmission and back-off
// timings, NetworkManager's request options and its DHCP4Config option
// names (ParseLease). Leases are plain Go values delivered to the owner
// through a callback; the owner (l3cfg through the device) configures the
// address. The engine runs on its own goroutine and talks to the network
// through a packet socket and a UDP socket opened by Start; it uses
// internal/acd for conflict detection and calls nothing above it.
package dhcp4

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"time"

	"github.com/gonm/gonm/internal/acd"
	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/iana"
)

// Config is what one client run needs. Identities come from
// internal/dhcpid.
type Config struct {
	IfIndex int
	IfName  string
	HWAddr  net.HardwareAddr
	// ClientID is the effective client identifier (option 61); when nil
	// the MAC client identifier is used, as NetworkManager always sends one.
	ClientID []byte
	// Hostname is sent as option 12, or as option 81 with FQDNFlags (wire
	// bits: 0x01 S, 0x04 E, 0x08 N) when UseFQDN is set.
	Hostname  string
	UseFQDN   bool
	FQDNFlags uint8
	// VendorClass is option 60 (ipv4.dhcp-vendor-class-identifier).
	VendorClass []byte
	// MUDURL is option 161 (connection.mud-url).
	MUDURL string
	// RequestBroadcast sets the BROADCAST flag (ipv4.dhcp-... for
	// InfiniBand and broken servers).
	RequestBroadcast bool
	// MTU is advertised as maximum message size on the packet socket;
	// 576 when 0.
	MTU uint16
	// Timeout is ipv4.dhcp-timeout: EventTimeout fires when no lease was
	// obtained within it. 0 means no timeout.
	Timeout time.Duration
	// ACDTimeout is ipv4.dad-timeout: a granted address is probed this long
	// and declined on conflict. 0 disables the check.
	ACDTimeout time.Duration
	// SendRelease is ipv4.dhcp-send-release: Stop(true) releases the lease.
	SendRelease bool
	// LeaseFile remembers the address between runs (see LeaseFilePath);
	// empty disables it.
	LeaseFile string
	// LastAddress, when valid, is requested with INIT-REBOOT instead of
	// the address from LeaseFile.
	LastAddress netip.Addr
	// RejectServers is ipv4.dhcp-reject-servers: offers from servers whose
	// identifier is in one of these prefixes are ignored.
	RejectServers []netip.Prefix
	// Logger gets the client's messages (domain DHCP4); nil discards.
	Logger *slog.Logger
}

// EventType says what happened to the lease.
type EventType int

const (
	// EventBound: a new lease was granted (and passed conflict detection).
	EventBound EventType = iota
	// EventExtended: the lease was renewed or rebound; it may differ.
	EventExtended
	// EventExpired: the lease ran out without being extended.
	EventExpired
	// EventRetracted: the server sent a NAK; the lease is gone.
	EventRetracted
	// EventDeclined: the granted address was in use; it was declined and
	// the client starts over after a back-off.
	EventDeclined
	// EventTimeout: no lease within Config.Timeout (the client goes on
	// trying until stopped).
	EventTimeout
	// EventFailed: the client cannot go on (socket error); it stopped.
	EventFailed
)

var eventNames = [...]string{"bound", "extended", "expired", "retracted", "declined", "timeout", "failed"}

func (e EventType) String() string {
	if int(e) < len(eventNames) {
		return eventNames[e]
	}
	return fmt.Sprintf("EventType(%d)", int(e))
}

// Event is delivered to the owner's callback, on the client's goroutine.
// The owner is expected to post it to its loop.
type Event struct {
	Type  EventType
	Lease *Lease // for Bound and Extended
	// Conflict is the MAC address of the host that holds a declined address.
	Conflict net.HardwareAddr
	Err      error
}

// State is the client's position in the RFC 2131 state machine.
type State int

const (
	StateInit State = iota
	StateInitReboot
	StateRebooting
	StateSelecting
	StateRequesting
	StateGranted // probing the address before accepting it
	StateBound
	StateRenewing
	StateRebinding
	StateStopped
)

var stateNames = [...]string{"init", "init-reboot", "rebooting", "selecting", "requesting", "granted", "bound", "renewing", "rebinding", "stopped"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Timing constants of n-dhcp4.
const (
	rebootWait        = 2 * time.Second  // INIT-REBOOT falls back to DISCOVER after this
	renewResend       = 60 * time.Second // RENEW/REBIND/REBOOT resend interval
	maxBackoffShift   = 6                // DISCOVER/SELECT resend: 2s, 4s, ... 64s
	nakDelayMin       = 2 * time.Second
	declineDelayMin   = 10 * time.Second
	restartDelayMax   = 300 * time.Second
	minMaxMessageSize = 576
	// acdTimeoutMax caps ipv4.dad-timeout for the lease check.
	acdTimeoutMax = 30 * time.Second
	// A declined address is refused in new offers for this long (at most
	// declinedMax addresses), so the client does not probe it again.
	declinedGrace = 300 * time.Second
	declinedMax   = 30
)

type msgKind int

const (
	kindDiscover msgKind = iota
	kindSelect
	kindReboot
	kindRenew
	kindRebind
)

// outgoing is the request being (re)transmitted.
type outgoing struct {
	kind      msgKind
	msg       *dhcpv4.DHCPv4
	nSend     int
	sendTime  time.Time
	jitter    time.Duration
	startTime time.Time // start of the transaction (secs field)
	baseTime  time.Time // time of the latest (re)send that changed xid
	server    netip.Addr
}

// Client is one DHCPv4 client run. Create it with New, start it with
// Start, end it with Stop.
type Client struct {
	cfg    Config
	notify func(Event)
	log    *slog.Logger
	rnd    *rand.Rand

	tr     transport
	arp    *acd.Conn
	arpIn  <-chan acd.Packet
	rx     chan received
	cmds   chan func()
	done   chan struct{}
	closed chan struct{}

	// state below is owned by the run goroutine
	state        State
	req          *outgoing
	lease        *Lease
	lastAddr     netip.Addr
	deferred     time.Time
	reinit       time.Time
	nakDelay     time.Duration
	declineDelay time.Duration
	noLeaseAt    time.Time
	acdCancel    context.CancelFunc
	acdDone      chan acdResult
	granted      *Lease
	declined     map[netip.Addr]time.Time // address -> end of its grace period
}

type received struct {
	msg *dhcpv4.DHCPv4
	err error
}

type acdResult struct {
	res acd.Result
	err error
}

// New checks the configuration and returns a client that has not started.
// notify receives every Event.
func New(cfg Config, notify func(Event)) (*Client, error) {
	if len(cfg.HWAddr) != 6 {
		return nil, fmt.Errorf("dhcp4: need an Ethernet address, have %v", cfg.HWAddr)
	}
	if cfg.IfIndex <= 0 {
		return nil, fmt.Errorf("dhcp4: invalid ifindex %d", cfg.IfIndex)
	}
	if cfg.ClientID == nil {
		cfg.ClientID = append([]byte{1}, cfg.HWAddr...)
	}
	if len(cfg.ClientID) < 2 {
		return nil, errors.New("dhcp4: client identifier must have at least 2 bytes")
	}
	if len(cfg.ClientID) > 255 || len(cfg.VendorClass) > 255 || len(cfg.Hostname) > 252 || len(cfg.MUDURL) > 255 {
		return nil, errors.New("dhcp4: option value longer than 255 bytes")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{
		cfg:     cfg,
		notify:  notify,
		log:     log,
		rnd:     rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
		rx:      make(chan received, 16),
		cmds:    make(chan func()),
		done:    make(chan struct{}),
		closed:  make(chan struct{}),
		acdDone: make(chan acdResult, 1),
		state:   StateStopped,
	}, nil
}

// Start opens the sockets (in the caller's network namespace) and begins
// with INIT-REBOOT when an address is remembered, else with DISCOVER.
func (c *Client) Start() error {
	tr, err := openTransport(c.cfg.IfIndex, c.cfg.HWAddr, c.deliver)
	if err != nil {
		return err
	}
	return c.start(tr)
}

func (c *Client) start(tr transport) error {
	c.tr = tr
	if c.cfg.ACDTimeout > 0 && c.arp == nil {
		arp, err := acd.Open(c.cfg.IfIndex, c.cfg.HWAddr)
		if err != nil {
			tr.Close()
			return err
		}
		c.arp = arp
	}
	if c.arp != nil {
		c.arpIn = c.arp.Listen(16)
	}
	c.lastAddr = c.cfg.LastAddress
	if !c.lastAddr.IsValid() && c.cfg.LeaseFile != "" {
		if a, err := ReadLeaseFile(c.cfg.LeaseFile); err == nil {
			c.lastAddr = a
		}
	}
	now := time.Now()
	if c.cfg.Timeout > 0 {
		c.noLeaseAt = now.Add(c.cfg.Timeout)
		c.log.Info(fmt.Sprintf("activation: beginning transaction (timeout in %d seconds)", int(c.cfg.Timeout/time.Second)))
	} else {
		c.log.Info("activation: beginning transaction (no timeout)")
	}
	if c.lastAddr.IsValid() {
		c.state = StateInitReboot
		c.deferred = now
	} else {
		c.state = StateInit
		// NetworkManager configures a start delay of 1 ms: effectively none.
		c.deferred = now
	}
	go c.run()
	return nil
}

// deliver hands a received message to the run goroutine; false once the
// client has ended, so that readers stop instead of blocking forever.
func (c *Client) deliver(r received) bool {
	select {
	case c.rx <- r:
		return true
	case <-c.closed:
		return false
	}
}

// Stop ends the client. With release (and Config.SendRelease) a bound
// lease is released first. Stop waits until the goroutine has ended; no
// event is delivered after it returns.
func (c *Client) Stop(release bool) {
	select {
	case <-c.closed:
		return
	default:
	}
	select {
	case c.cmds <- func() { c.stop(release) }:
		<-c.closed
	case <-c.closed:
	}
}

// State returns the current state (for diagnostics and tests).
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
	if release && c.cfg.SendRelease && c.lease != nil && (c.state == StateBound || c.state == StateRenewing || c.state == StateRebinding) {
		m := c.newMessage(dhcpv4.MessageTypeRelease)
		m.ClientIPAddr = c.lease.Address.Addr().AsSlice()
		m.UpdateOption(dhcpv4.OptServerIdentifier(c.lease.ServerID.AsSlice()))
		if err := c.tr.Unicast(m, c.lease.ServerID); err != nil {
			c.log.Warn(fmt.Sprintf("failed to send RELEASE: %v", err))
		} else {
			c.log.Info(fmt.Sprintf("send RELEASE of %s to %s", c.lease.Address.Addr(), c.lease.ServerID))
		}
	}
	if c.acdCancel != nil {
		c.acdCancel()
	}
	c.state = StateStopped
	close(c.done)
}

func (c *Client) run() {
	defer func() {
		c.tr.Close()
		if c.arp != nil {
			c.arp.Close()
		}
		close(c.closed)
	}()
	timer := time.NewTimer(0)
	<-timer.C
	for {
		if next, ok := c.nextTimeout(); ok {
			d := time.Until(next)
			timer.Reset(max(d, 0))
		} else {
			timer.Stop()
		}
		select {
		case <-c.done:
			timer.Stop()
			return
		case fn := <-c.cmds:
			fn()
		case r := <-c.rx:
			if r.err != nil {
				c.fail(fmt.Errorf("receive: %w", r.err))
				continue
			}
			c.handle(r.msg)
		case r := <-c.acdDone:
			c.acdFinished(r)
		case <-timer.C:
			c.dispatchTimer(time.Now())
		}
		select {
		case <-c.done:
			return
		default:
		}
	}
}

func (c *Client) fail(err error) {
	c.log.Error(fmt.Sprintf("error %v dispatching events", err))
	c.emit(Event{Type: EventFailed, Err: err})
	c.state = StateStopped
	select {
	case <-c.done:
	default:
		close(c.done)
	}
}

func (c *Client) emit(e Event) {
	if c.notify != nil {
		c.notify(e)
	}
}

// nextTimeout is the earliest pending deadline, as n-dhcp4 computes it.
func (c *Client) nextTimeout() (time.Time, bool) {
	var t time.Time
	consider := func(x time.Time) {
		if !x.IsZero() && (t.IsZero() || x.Before(t)) {
			t = x
		}
	}
	if c.req != nil {
		consider(c.resendAt())
	}
	switch c.state {
	case StateInitReboot:
		consider(c.deferred)
	case StateRebooting:
		consider(c.reinit)
	case StateInit:
		consider(c.deferred)
	case StateGranted, StateBound, StateRenewing, StateRebinding:
		if c.lease != nil {
			// Only deadlines still ahead in this state: a passed T1 while
			// renewing must not wake the loop again.
			consider(c.deadline(c.lease.Lifetime))
			if c.state == StateBound {
				consider(c.deadline(c.lease.T1))
			}
			if c.state == StateBound || c.state == StateRenewing {
				consider(c.deadline(c.lease.T2))
			}
		}
	}
	consider(c.noLeaseAt)
	return t, !t.IsZero()
}

func (c *Client) deadline(d time.Duration) time.Time {
	if d == InfiniteLifetime {
		return time.Time{}
	}
	return c.lease.Acquired.Add(d)
}

func (c *Client) resendAt() time.Time {
	r := c.req
	if r.nSend == 0 {
		return r.sendTime
	}
	switch r.kind {
	case kindDiscover, kindSelect:
		return r.sendTime.Add(time.Duration(1<<min(r.nSend, maxBackoffShift))*time.Second + r.jitter)
	default:
		return r.sendTime.Add(renewResend + r.jitter)
	}
}

func (c *Client) dispatchTimer(now time.Time) {
	if !c.noLeaseAt.IsZero() && !now.Before(c.noLeaseAt) {
		c.noLeaseAt = time.Time{}
		c.log.Warn("activation: no lease within timeout")
		c.emit(Event{Type: EventTimeout})
	}
	switch c.state {
	case StateInitReboot:
		if !now.Before(c.deferred) {
			c.sendReboot(now)
		}
	case StateRebooting:
		if !now.Before(c.reinit) {
			c.sendDiscover(now)
		}
	case StateInit:
		if !now.Before(c.deferred) {
			c.sendDiscover(now)
		}
	case StateGranted:
		if l := c.deadline(c.lease.Lifetime); !l.IsZero() && !now.Before(l) {
			c.expire()
		}
	case StateBound, StateRenewing, StateRebinding:
		life, t1, t2 := c.deadline(c.lease.Lifetime), c.deadline(c.lease.T1), c.deadline(c.lease.T2)
		switch {
		case !life.IsZero() && !now.Before(life):
			c.expire()
		case !t2.IsZero() && !now.Before(t2) && c.state != StateRebinding:
			c.startRequest(c.renewMessage(), kindRebind, now, netip.Addr{})
			c.state = StateRebinding
		case !t1.IsZero() && !now.Before(t1) && c.state == StateBound:
			c.startRequest(c.renewMessage(), kindRenew, now, c.lease.ServerID)
			c.state = StateRenewing
		}
	}
	if c.req != nil && !now.Before(c.resendAt()) && c.req.nSend > 0 {
		c.send(c.req, now)
	}
}

func (c *Client) expire() {
	c.log.Info("lease expired")
	c.lease = nil
	c.req = nil
	c.state = StateInit
	c.deferred = time.Now()
	c.emit(Event{Type: EventExpired})
}

// newMessage builds a message with the options every request carries.
func (c *Client) newMessage(t dhcpv4.MessageType) *dhcpv4.DHCPv4 {
	m := &dhcpv4.DHCPv4{
		OpCode:        dhcpv4.OpcodeBootRequest,
		HWType:        iana.HWTypeEthernet,
		ClientHWAddr:  c.cfg.HWAddr,
		ClientIPAddr:  net.IPv4zero,
		YourIPAddr:    net.IPv4zero,
		ServerIPAddr:  net.IPv4zero,
		GatewayIPAddr: net.IPv4zero,
		Options:       dhcpv4.Options{},
	}
	if c.cfg.RequestBroadcast {
		m.SetBroadcast()
	}
	m.UpdateOption(dhcpv4.OptMessageType(t))
	m.UpdateOption(dhcpv4.OptGeneric(dhcpv4.OptionClientIdentifier, c.cfg.ClientID))
	switch t {
	case dhcpv4.MessageTypeDiscover, dhcpv4.MessageTypeRequest:
		m.UpdateOption(dhcpv4.OptGeneric(dhcpv4.OptionParameterRequestList, requestList()))
		mtu := c.cfg.MTU
		if mtu == 0 {
			mtu = minMaxMessageSize
		}
		m.UpdateOption(dhcpv4.OptGeneric(dhcpv4.OptionMaximumDHCPMessageSize, []byte{byte(mtu >> 8), byte(mtu)}))
		c.appendUserOptions(m)
	}
	return m
}

// appendUserOptions adds hostname/FQDN, vendor class and MUD URL.
func (c *Client) appendUserOptions(m *dhcpv4.DHCPv4) {
	if c.cfg.MUDURL != "" {
		m.UpdateOption(dhcpv4.OptGeneric(dhcpv4.GenericOptionCode(161), []byte(c.cfg.MUDURL)))
	}
	if c.cfg.Hostname != "" {
		if c.cfg.UseFQDN {
			v := []byte{c.cfg.FQDNFlags, 0, 0}
			if c.cfg.FQDNFlags&0x04 != 0 {
				v = append(v, dnsWire(c.cfg.Hostname)...)
			} else {
				v = append(v, c.cfg.Hostname...)
			}
			m.UpdateOption(dhcpv4.OptGeneric(dhcpv4.OptionFQDN, v))
		} else {
			m.UpdateOption(dhcpv4.OptGeneric(dhcpv4.OptionHostName, []byte(c.cfg.Hostname)))
		}
	}
	if c.cfg.VendorClass != nil {
		m.UpdateOption(dhcpv4.OptGeneric(dhcpv4.OptionClassIdentifier, c.cfg.VendorClass))
	}
}

// dnsWire encodes a name in DNS wire format (labels, final empty label).
func dnsWire(name string) []byte {
	var b []byte
	start := 0
	for i := 0; i <= len(name); i++ {
		if i == len(name) || name[i] == '.' {
			if i > start {
				l := name[start:i]
				if len(l) > 63 {
					l = l[:63]
				}
				b = append(b, byte(len(l)))
				b = append(b, l...)
			}
			start = i + 1
		}
	}
	return append(b, 0)
}

func (c *Client) sendDiscover(now time.Time) {
	m := c.newMessage(dhcpv4.MessageTypeDiscover)
	if c.lastAddr.IsValid() {
		m.UpdateOption(dhcpv4.OptRequestedIPAddress(c.lastAddr.AsSlice()))
	}
	c.startRequest(m, kindDiscover, now, netip.Addr{})
	c.state = StateSelecting
	c.deferred = time.Time{}
}

func (c *Client) sendReboot(now time.Time) {
	m := c.newMessage(dhcpv4.MessageTypeRequest)
	m.UpdateOption(dhcpv4.OptRequestedIPAddress(c.lastAddr.AsSlice()))
	c.startRequest(m, kindReboot, now, netip.Addr{})
	c.state = StateRebooting
	c.reinit = now.Add(rebootWait)
}

func (c *Client) renewMessage() *dhcpv4.DHCPv4 {
	m := c.newMessage(dhcpv4.MessageTypeRequest)
	m.ClientIPAddr = c.lease.Address.Addr().AsSlice()
	return m
}

func (c *Client) startRequest(m *dhcpv4.DHCPv4, kind msgKind, now time.Time, server netip.Addr) {
	r := &outgoing{kind: kind, msg: m, startTime: now, server: server}
	if kind == kindSelect && c.req != nil {
		// SELECT continues the DISCOVER transaction: same start time,
		// base time and xid.
		r.startTime = c.req.startTime
		r.baseTime = c.req.baseTime
	}
	c.req = r
	c.send(r, now)
}

func (c *Client) send(r *outgoing, now time.Time) {
	if r.kind != kindSelect {
		r.baseTime = now
		r.msg.TransactionID = dhcpv4.TransactionID(uint32ToBytes(c.rnd.Uint32()))
	}
	r.sendTime = now
	r.jitter = time.Duration(c.rnd.Int64N(int64(time.Second)))
	secs := int(r.baseTime.Sub(r.startTime) / time.Second)
	r.msg.NumSeconds = uint16(min(max(secs, 1), 65535))
	var err error
	what := r.msg.MessageType().String()
	switch {
	case r.kind == kindRenew:
		err = c.tr.Unicast(r.msg, r.server)
		c.log.Info(fmt.Sprintf("send %s of %s to %s", what, c.lease.Address.Addr(), r.server))
	case r.kind == kindRebind:
		err = c.tr.Broadcast(r.msg, c.lease.Address.Addr())
		c.log.Info(fmt.Sprintf("send %s of %s to 255.255.255.255", what, c.lease.Address.Addr()))
	default:
		err = c.tr.Broadcast(r.msg, netip.IPv4Unspecified())
		c.log.Info(fmt.Sprintf("send %s to 255.255.255.255", what))
	}
	r.nSend++
	if err != nil {
		// n-dhcp4 keeps the timers running after a failed send, so a
		// temporary error is retried with the normal back-off.
		c.log.Warn(fmt.Sprintf("send %s failed: %v", what, err))
	}
}

func uint32ToBytes(v uint32) [4]byte {
	return [4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

// handle processes a reply from a server.
func (c *Client) handle(m *dhcpv4.DHCPv4) {
	if c.req == nil || m.OpCode != dhcpv4.OpcodeBootReply || m.TransactionID != c.req.msg.TransactionID ||
		string(m.ClientHWAddr) != string(c.cfg.HWAddr) {
		return
	}
	switch m.MessageType() {
	case dhcpv4.MessageTypeOffer:
		c.onOffer(m)
	case dhcpv4.MessageTypeAck:
		c.onAck(m)
	case dhcpv4.MessageTypeNak:
		c.onNak(m)
	}
}

func (c *Client) onOffer(m *dhcpv4.DHCPv4) {
	if c.state != StateSelecting {
		return
	}
	sid := m.ServerIdentifier()
	if sid == nil || sid.To4() == nil {
		c.log.Warn("selecting lease failed: could not get DHCP server identifier")
		return
	}
	yi := m.YourIPAddr.To4()
	if yi == nil || yi.IsUnspecified() {
		c.log.Debug("selecting lease failed: no yiaddr address")
		return
	}
	yiAddr, _ := netip.AddrFromSlice(yi)
	if until, ok := c.declined[yiAddr]; ok {
		if time.Now().Before(until) {
			c.log.Debug(fmt.Sprintf("offered lease rejected: address %s failed ACD check", yiAddr))
			return
		}
		delete(c.declined, yiAddr)
	}
	sidAddr, _ := netip.AddrFromSlice(sid.To4())
	for _, p := range c.cfg.RejectServers {
		if p.Contains(sidAddr) {
			c.log.Debug(fmt.Sprintf("server-id %s is in the reject-list, ignoring", sidAddr))
			return
		}
	}
	c.log.Debug(fmt.Sprintf("selecting offered lease from %s for %s", sid, yi))
	req := c.newMessage(dhcpv4.MessageTypeRequest)
	req.TransactionID = m.TransactionID
	req.UpdateOption(dhcpv4.OptRequestedIPAddress(yi))
	req.UpdateOption(dhcpv4.OptServerIdentifier(sid.To4()))
	c.startRequest(req, kindSelect, time.Now(), netip.Addr{})
	c.state = StateRequesting
}

func (c *Client) onAck(m *dhcpv4.DHCPv4) {
	base := c.req.baseTime
	switch c.state {
	case StateRenewing, StateRebinding:
		l, err := ParseLease(m, c.cfg.ClientID, base, c.log)
		if err != nil {
			c.log.Warn(fmt.Sprintf("failure to parse lease: %v", err))
			return
		}
		c.lease = l
		c.lastAddr = l.Address.Addr()
		c.req = nil
		c.state = StateBound
		c.nakDelay = 0
		c.saveLease()
		c.emit(Event{Type: EventExtended, Lease: l})
	case StateRequesting, StateRebooting:
		l, err := ParseLease(m, c.cfg.ClientID, base, c.log)
		if err != nil {
			c.log.Warn(fmt.Sprintf("failure to parse lease: %v", err))
			c.declineAndRestart(m, "invalid lease")
			return
		}
		c.req = nil
		c.lease = l
		c.nakDelay = 0
		c.state = StateGranted
		c.startACD(l)
	}
}

func (c *Client) onNak(m *dhcpv4.DHCPv4) {
	switch c.state {
	case StateRebooting, StateRequesting, StateRenewing, StateRebinding:
	default:
		return
	}
	c.log.Info(fmt.Sprintf("received NAK: %s", m.Message()))
	c.lease = nil
	c.req = nil
	// A NAKed address must not be requested again.
	c.lastAddr = netip.Addr{}
	c.state = StateInit
	c.deferred = time.Now().Add(c.nakDelay)
	c.nakDelay = min(max(c.nakDelay*2, nakDelayMin), restartDelayMax)
	c.emit(Event{Type: EventRetracted})
}

func (c *Client) startACD(l *Lease) {
	if c.cfg.ACDTimeout <= 0 || c.arp == nil {
		c.accept(l)
		return
	}
	c.log.Debug(fmt.Sprintf("acd: probe address %s (timeout %d msec)", l.Address.Addr(), c.cfg.ACDTimeout.Milliseconds()))
	ctx, cancel := context.WithCancel(context.Background())
	c.acdCancel = cancel
	c.granted = l
	arp, in, timeout, addr := c.arp, c.arpIn, min(c.cfg.ACDTimeout, acdTimeoutMax), l.Address.Addr()
	done := c.acdDone
	go func() {
		res, err := acd.Probe(ctx, arp, in, addr, timeout, nil)
		done <- acdResult{res, err}
	}()
}

func (c *Client) acdFinished(r acdResult) {
	c.acdCancel = nil
	l := c.granted
	c.granted = nil
	if c.state != StateGranted || l == nil || l != c.lease {
		return
	}
	switch {
	case r.err != nil:
		c.log.Warn(fmt.Sprintf("acd: probe failed: %v; accepting the lease", r.err))
		c.accept(l)
	case r.res.Conflict:
		c.log.Warn(fmt.Sprintf("acd: address %s is in use by %s; declining", l.Address.Addr(), r.res.By))
		c.rememberDeclined(l.Address.Addr())
		c.declineAndRestart(l.Message, "address in use")
		c.emit(Event{Type: EventDeclined, Conflict: r.res.By})
	default:
		c.accept(l)
	}
}

func (c *Client) rememberDeclined(a netip.Addr) {
	if c.declined == nil {
		c.declined = map[netip.Addr]time.Time{}
	}
	now := time.Now()
	for k, until := range c.declined {
		if !now.Before(until) {
			delete(c.declined, k)
		}
	}
	if len(c.declined) >= declinedMax {
		// Forget the entry closest to the end of its grace period.
		var oldest netip.Addr
		for k, until := range c.declined {
			if !oldest.IsValid() || until.Before(c.declined[oldest]) {
				oldest = k
			}
		}
		delete(c.declined, oldest)
	}
	c.declined[a] = now.Add(declinedGrace)
}

func (c *Client) accept(l *Lease) {
	c.state = StateBound
	c.lastAddr = l.Address.Addr()
	c.declineDelay = 0
	c.noLeaseAt = time.Time{}
	c.saveLease()
	c.log.Info(fmt.Sprintf("state changed new lease, address=%s", l.Address.Addr()))
	c.emit(Event{Type: EventBound, Lease: l})
}

// declineAndRestart sends DECLINE for the offered address and goes back to
// INIT after the decline back-off (10 s doubling to 300 s).
func (c *Client) declineAndRestart(ack *dhcpv4.DHCPv4, reason string) {
	m := c.newMessage(dhcpv4.MessageTypeDecline)
	m.UpdateOption(dhcpv4.OptRequestedIPAddress(ack.YourIPAddr))
	if sid := ack.ServerIdentifier(); sid != nil {
		m.UpdateOption(dhcpv4.OptServerIdentifier(sid))
	}
	m.UpdateOption(dhcpv4.OptMessage(reason))
	m.TransactionID = dhcpv4.TransactionID(uint32ToBytes(c.rnd.Uint32()))
	if err := c.tr.Broadcast(m, netip.IPv4Unspecified()); err != nil {
		c.log.Warn(fmt.Sprintf("send DECLINE failed: %v", err))
	} else {
		c.log.Info(fmt.Sprintf("send DECLINE of %s to 255.255.255.255", ack.YourIPAddr))
	}
	c.lease = nil
	c.req = nil
	c.lastAddr = netip.Addr{}
	c.state = StateInit
	c.declineDelay = min(max(c.declineDelay*2, declineDelayMin), restartDelayMax)
	c.deferred = time.Now().Add(c.declineDelay)
}

func (c *Client) saveLease() {
	if c.cfg.LeaseFile == "" || c.lease == nil {
		return
	}
	if err := WriteLeaseFile(c.cfg.LeaseFile, c.lease.Address.Addr()); err != nil {
		c.log.Warn(fmt.Sprintf("error saving lease to %s: %v", c.cfg.LeaseFile, err))
	}
}
