package platform

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/platform/nl"
)

// Operations change the kernel. Each is called on the loop, waits for the
// kernel's answer, and returns an error that names what was attempted and
// wraps the kernel's (so errors.Is(err, unix.EEXIST) works). When an
// operation returns without error the cache already shows its effect,
// unless the kernel dropped the event, in which case the resync that
// follows brings it.

// ErrNotFound is returned for links the cache does not know.
var ErrNotFound = errors.New("no such object in the platform cache")

func (p *Platform) do(msg []byte) error {
	if !p.started || p.closed {
		return errors.New("platform not running")
	}
	err := p.req.Request(msg)
	p.sync()
	return err
}

// readBack has the reader fetch objects again, in its place among the
// events, and applies the answer: for changes the kernel makes without
// reporting them right away (or at all).
func (p *Platform) readBack(reqs ...readerReq) {
	var waits []chan struct{}
	for _, q := range reqs {
		q.done = make(chan struct{})
		waits = append(waits, q.done)
		p.rd.request(q)
	}
	// While waiting, keep applying what the reader hands over: it may be
	// held up by a full hand-over queue during a storm.
	timeout := time.After(10 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for _, w := range waits {
	wait:
		for {
			select {
			case <-w:
				break wait
			case <-tick.C:
				p.drain()
			case <-timeout:
				p.log.Warn("reading objects back after an operation took more than 10s")
				return
			}
		}
	}
	p.drain()
}

// linkOp runs a link operation and reads the link back.
func (p *Platform) linkOp(index int32, msg []byte) error {
	err := p.do(msg)
	if err == nil {
		p.readBack(readerReq{kind: reqLink, index: index})
	}
	return err
}

func (p *Platform) linkDesc(index int32) string {
	if l := p.c.links[index]; l != nil {
		return fmt.Sprintf("link %d (%s)", index, l.Name)
	}
	return fmt.Sprintf("link %d", index)
}

// LinkChange applies several changes to a link in one request.
func (p *Platform) LinkChange(index int32, c *LinkChange) error {
	if err := p.linkOp(index, linkChangeRequest(index, c)); err != nil {
		return fmt.Errorf("change %s: %w", p.linkDesc(index), err)
	}
	return nil
}

// LinkSetUp sets a link administratively up or down.
func (p *Platform) LinkSetUp(index int32, up bool) error {
	state := "down"
	if up {
		state = "up"
	}
	if err := p.linkOp(index, linkChangeRequest(index, &LinkChange{Up: &up})); err != nil {
		return fmt.Errorf("set %s %s: %w", p.linkDesc(index), state, err)
	}
	return nil
}

// LinkSetMTU changes a link's MTU.
func (p *Platform) LinkSetMTU(index int32, mtu uint32) error {
	if err := p.linkOp(index, linkChangeRequest(index, &LinkChange{MTU: &mtu})); err != nil {
		return fmt.Errorf("set MTU %d on %s: %w", mtu, p.linkDesc(index), err)
	}
	return nil
}

// LinkSetAddress changes a link's hardware address.
func (p *Platform) LinkSetAddress(index int32, addr HWAddr) error {
	if err := p.linkOp(index, linkChangeRequest(index, &LinkChange{Addr: &addr})); err != nil {
		return fmt.Errorf("set address %s on %s: %w", addr, p.linkDesc(index), err)
	}
	return nil
}

// LinkSetName renames a link (the kernel refuses while it is up).
func (p *Platform) LinkSetName(index int32, name string) error {
	if err := validIfname(name); err != nil {
		return fmt.Errorf("rename %s: %w", p.linkDesc(index), err)
	}
	desc := p.linkDesc(index)
	if err := p.linkOp(index, linkChangeRequest(index, &LinkChange{Name: &name})); err != nil {
		return fmt.Errorf("rename %s to %q: %w", desc, name, err)
	}
	return nil
}

// LinkAttach makes a link a port of a controller (bridge, bond, ...).
func (p *Platform) LinkAttach(index, master int32) error {
	if err := p.linkOp(index, linkChangeRequest(index, &LinkChange{Master: &master})); err != nil {
		return fmt.Errorf("attach %s to %s: %w", p.linkDesc(index), p.linkDesc(master), err)
	}
	return nil
}

// LinkDetach releases a link from its controller.
func (p *Platform) LinkDetach(index int32) error {
	none := int32(0)
	if err := p.linkOp(index, linkChangeRequest(index, &LinkChange{Master: &none})); err != nil {
		return fmt.Errorf("detach %s from its controller: %w", p.linkDesc(index), err)
	}
	return nil
}

// LinkSetAddrGenMode sets the IPv6 address generation mode
// (IN6_ADDR_GEN_MODE_*).
func (p *Platform) LinkSetAddrGenMode(index int32, mode uint8) error {
	if err := p.linkOp(index, linkChangeRequest(index, &LinkChange{AddrGenMode: &mode})); err != nil {
		return fmt.Errorf("set IPv6 address generation mode %d on %s: %w", mode, p.linkDesc(index), err)
	}
	return nil
}

// LinkSetNetns moves a link into the network namespace open as fd.
func (p *Platform) LinkSetNetns(index int32, fd int) error {
	desc := p.linkDesc(index)
	if err := p.linkOp(index, linkChangeRequest(index, &LinkChange{NetnsFD: &fd})); err != nil {
		return fmt.Errorf("move %s to another namespace: %w", desc, err)
	}
	return nil
}

func validIfname(name string) error {
	if name == "" || len(name) >= unix.IFNAMSIZ || name == "." || name == ".." ||
		strings.ContainsAny(name, "/: \t\n") {
		return fmt.Errorf("invalid interface name %q", name)
	}
	return nil
}

// LinkAdd creates a link and returns it as the cache shows it.
func (p *Platform) LinkAdd(s *LinkSpec) (*Link, error) {
	if s.Data == nil {
		return nil, fmt.Errorf("add link %q: no kind given", s.Name)
	}
	kind := s.Data.Kind()
	if err := validIfname(s.Name); err != nil {
		return nil, fmt.Errorf("add %s link: %w", kind, err)
	}
	if _, ok := s.Data.(*TunData); ok {
		return p.linkAddTun(s)
	}
	if err := p.do(linkAddRequest(s)); err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) {
			err = fmt.Errorf("%w (the kernel has no %s support)", err, kind)
		}
		return nil, fmt.Errorf("add %s link %q: %w", kind, s.Name, err)
	}
	back := []readerReq{{kind: reqLink, name: s.Name}}
	if v, ok := s.Data.(*VethData); ok && v.PeerNetnsFD == nil {
		back = append(back, readerReq{kind: reqLink, name: v.Peer})
	}
	p.readBack(back...)
	l, ok := p.LinkByName(s.Name)
	if !ok {
		return nil, fmt.Errorf("add %s link %q: created, but not seen in the cache: %w", kind, s.Name, ErrNotFound)
	}
	return l, nil
}

// LinkDelete deletes a link.
func (p *Platform) LinkDelete(index int32) error {
	desc := p.linkDesc(index)
	if err := p.do(linkDelRequest(index)); err != nil {
		return fmt.Errorf("delete %s: %w", desc, err)
	}
	return nil
}

// ioctl numbers of /dev/net/tun (include/uapi/linux/if_tun.h).
const (
	tunSetIFF     = 0x400454ca
	tunSetPersist = 0x400454cb
	tunSetOwner   = 0x400454cc
	tunSetGroup   = 0x400454ce
	iffNoPI       = 0x1000
	iffVnetHdr    = 0x4000
	iffMultiQueue = 0x0100
)

// linkAddTun creates a persistent tun or tap device through /dev/net/tun
// (the kernel does not create them over rtnetlink).
func (p *Platform) linkAddTun(s *LinkSpec) (*Link, error) {
	d := s.Data.(*TunData)
	err := p.ns.do(func() error {
		f, err := os.OpenFile("/dev/net/tun", os.O_RDWR, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		var ifr [unix.IFNAMSIZ + 24]byte
		copy(ifr[:], s.Name)
		flags := uint16(unix.IFF_TUN)
		if d.Tap {
			flags = unix.IFF_TAP
		}
		if !d.PI {
			flags |= iffNoPI
		}
		if d.VnetHdr {
			flags |= iffVnetHdr
		}
		if d.MultiQueue {
			flags |= iffMultiQueue
		}
		ne.PutUint16(ifr[unix.IFNAMSIZ:], flags)
		if _, _, e := unix.Syscall(unix.SYS_IOCTL, f.Fd(), tunSetIFF, uintptr(unsafe.Pointer(&ifr[0]))); e != 0 {
			return e
		}
		if d.Owner >= 0 {
			if _, _, e := unix.Syscall(unix.SYS_IOCTL, f.Fd(), tunSetOwner, uintptr(d.Owner)); e != 0 {
				return e
			}
		}
		if d.Group >= 0 {
			if _, _, e := unix.Syscall(unix.SYS_IOCTL, f.Fd(), tunSetGroup, uintptr(d.Group)); e != 0 {
				return e
			}
		}
		if _, _, e := unix.Syscall(unix.SYS_IOCTL, f.Fd(), tunSetPersist, 1); e != 0 {
			return e
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("add %s link %q: %w", d.Mode(), s.Name, err)
	}
	p.sync()
	p.readBack(readerReq{kind: reqLink, name: s.Name})
	l, ok := p.LinkByName(s.Name)
	if !ok {
		return nil, fmt.Errorf("add %s link %q: created, but not seen in the cache: %w", d.Mode(), s.Name, ErrNotFound)
	}
	c := &LinkChange{}
	changed := false
	if s.MTU != 0 {
		c.MTU, changed = &s.MTU, true
	}
	if !s.Addr.IsZero() {
		c.Addr, changed = &s.Addr, true
	}
	if s.Master != 0 {
		c.Master, changed = &s.Master, true
	}
	if s.Up {
		c.Up, changed = &s.Up, true
	}
	if changed {
		if err := p.LinkChange(l.Index, c); err != nil {
			return nil, err
		}
		l, _ = p.Link(l.Index)
	}
	return l, nil
}

// LinkStats reads a link's traffic counters from the kernel (they change
// without events, so the cache does not keep them).
func (p *Platform) LinkStats(index int32) (LinkStats, error) {
	var st LinkStats
	found := false
	err := p.req.Get(linkStatsRequest(index), func(h nl.Header, b []byte) error {
		if h.Type == unix.RTM_NEWLINK {
			st, found = parseLinkStats(b)
		}
		return nil
	})
	if err == nil && !found {
		err = errors.New("the kernel sent no statistics")
	}
	if err != nil {
		return st, fmt.Errorf("read statistics of %s: %w", p.linkDesc(index), err)
	}
	return st, nil
}

// ---- addresses ----

// AddrAdd adds an address; the kernel refuses (EEXIST) if it exists.
func (p *Platform) AddrAdd(a *Address) error {
	if err := checkAddr(a); err != nil {
		return err
	}
	if err := p.do(addrRequest(unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_EXCL, a)); err != nil {
		return fmt.Errorf("add address %s to %s: %w", a.Prefix(), p.linkDesc(a.Index), err)
	}
	p.readBackAddr(a)
	return nil
}

// AddrReplace adds an address or updates it (lifetimes, flags).
func (p *Platform) AddrReplace(a *Address) error {
	if err := checkAddr(a); err != nil {
		return err
	}
	if err := p.do(addrRequest(unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_REPLACE, a)); err != nil {
		return fmt.Errorf("set address %s on %s: %w", a.Prefix(), p.linkDesc(a.Index), err)
	}
	p.readBackAddr(a)
	return nil
}

// AddrDelete removes an address.
func (p *Platform) AddrDelete(a *Address) error {
	if err := checkAddr(a); err != nil {
		return err
	}
	if err := p.do(addrRequest(unix.RTM_DELADDR, 0, a)); err != nil {
		return fmt.Errorf("delete address %s from %s: %w", a.Prefix(), p.linkDesc(a.Index), err)
	}
	return nil
}

// readBackAddr: IPv6 addresses are announced from a work queue after the
// request was acknowledged, so they are read back.
func (p *Platform) readBackAddr(a *Address) {
	if a.Address.Is6() {
		p.readBack(readerReq{kind: reqAddrs, family: unix.AF_INET6, index: a.Index})
	}
}

func checkAddr(a *Address) error {
	if !a.Address.IsValid() || a.Index <= 0 {
		return fmt.Errorf("invalid address %s on link %d", a.Address, a.Index)
	}
	max := 128
	if a.Address.Is4() {
		max = 32
	}
	if int(a.PrefixLen) > max {
		return fmt.Errorf("invalid prefix length %d for %s", a.PrefixLen, a.Address)
	}
	return nil
}

// ---- routes ----

func prepRoute(r *Route) (*Route, error) {
	if !r.Dst.IsValid() {
		return nil, fmt.Errorf("invalid route destination %v", r.Dst)
	}
	c := *r
	if c.Type == unix.RTN_UNSPEC {
		c.Type = unix.RTN_UNICAST
	}
	if c.Protocol == unix.RTPROT_UNSPEC {
		c.Protocol = unix.RTPROT_STATIC
	}
	if c.Table == 0 {
		c.Table = TableMain
	}
	if c.Gateway.IsValid() && c.Gateway.Is4() != c.Dst.Addr().Is4() {
		return nil, fmt.Errorf("route %s: gateway %s of another family", c.Dst, c.Gateway)
	}
	return &c, nil
}

// RouteAdd adds a route; the kernel refuses (EEXIST) when one with the
// same table, destination, TOS and metric exists.
func (p *Platform) RouteAdd(r *Route) error {
	return p.routeOp(r, unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_EXCL, "add")
}

// RouteReplace adds a route or replaces the one with the same table,
// destination, TOS and metric (IPv6: and the same next hop).
func (p *Platform) RouteReplace(r *Route) error {
	return p.routeOp(r, unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_REPLACE, "replace")
}

// RouteAppend adds a route beside existing ones of the same destination
// and metric (IPv6: as another hop of a multipath route).
func (p *Platform) RouteAppend(r *Route) error {
	return p.routeOp(r, unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_APPEND, "append")
}

// RouteDelete deletes a route.
func (p *Platform) RouteDelete(r *Route) error {
	return p.routeOp(r, unix.RTM_DELROUTE, 0, "delete")
}

func (p *Platform) routeOp(r *Route, msgType, flags uint16, verb string) error {
	c, err := prepRoute(r)
	if err != nil {
		return fmt.Errorf("%s route: %w", verb, err)
	}
	if msgType == unix.RTM_DELROUTE && r.Protocol == unix.RTPROT_UNSPEC {
		c.Protocol = unix.RTPROT_UNSPEC // match any protocol
	}
	if err := p.do(routeRequest(msgType, flags, c)); err != nil {
		dev := ""
		if c.Index != 0 {
			dev = " on " + p.linkDesc(c.Index)
		}
		return fmt.Errorf("%s route %s%s: %w", verb, c, dev, err)
	}
	return nil
}

// ---- rules ----

// RuleAdd adds a routing rule.
func (p *Platform) RuleAdd(r *Rule) error {
	if err := p.do(ruleRequest(unix.RTM_NEWRULE, unix.NLM_F_CREATE|unix.NLM_F_EXCL, r)); err != nil {
		return fmt.Errorf("add rule %s: %w", r, err)
	}
	return nil
}

// RuleDelete deletes a routing rule.
func (p *Platform) RuleDelete(r *Rule) error {
	if err := p.do(ruleRequest(unix.RTM_DELRULE, 0, r)); err != nil {
		return fmt.Errorf("delete rule %s: %w", r, err)
	}
	return nil
}
