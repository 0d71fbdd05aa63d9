package dhcp4

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gonm/gonm/internal/dhcpopt"
	"github.com/insomniacslk/dhcp/dhcpv4"
)

// InfiniteLifetime marks a lease without expiry (lease time 0xffffffff).
const InfiniteLifetime = time.Duration(math.MaxInt64)

// Route is a route a lease asks for. A default route has Dest 0.0.0.0/0.
type Route struct {
	Dest    netip.Prefix
	Gateway netip.Addr
	// Metric is added to the device's route metric: several default
	// routes get 0, 1, 2, ... in the order the server listed them.
	Metric uint32
	// PrefSrc is the leased address.
	PrefSrc netip.Addr
}

// Lease is a granted lease as plain values: what l3cfg configures and what
// DHCP4Config shows.
type Lease struct {
	Address  netip.Prefix // address and prefix length
	ServerID netip.Addr
	// Lifetime is the lease time; InfiniteLifetime for none. T1 and T2 are
	// the renewal and rebinding times after Acquired.
	Lifetime time.Duration
	T1, T2   time.Duration
	Acquired time.Time

	Routes      []Route
	DNS         []netip.Addr
	Domains     []string // option 15 (may hold several names)
	Search      []string // option 119
	NIS         []netip.Addr
	NISDomain   string
	WINS        []netip.Addr
	NTP         []netip.Addr
	MTU         uint16 // 0 when not given
	Hostname    string
	Metered     bool   // vendor option 43 contains ANDROID_METERED
	ProxyPACURL string // option 252 (WPAD)

	// Options is the DHCP4Config Options map, with NetworkManager's names.
	Options map[string]string

	// Message is the ACK the lease came from.
	Message *dhcpv4.DHCPv4
}

// Expiry is when the lease runs out; the zero time for an infinite lease.
func (l *Lease) Expiry() time.Time {
	if l.Lifetime == InfiniteLifetime {
		return time.Time{}
	}
	return l.Acquired.Add(l.Lifetime)
}

// leaseTimes computes lifetime, T2 and T1 as n-dhcp4 does: missing T2 is
// 7/8 of the lifetime, missing T1 is 4/7 of T2 (so 1/2 of the lifetime);
// values larger than what follows them are replaced by those defaults.
func leaseTimes(opts dhcpv4.Options) (life, t1, t2 time.Duration, err error) {
	u32 := func(code uint8) (uint32, bool, error) {
		v, ok := opts[code]
		if !ok {
			return 0, false, nil
		}
		if len(v) != 4 {
			return 0, true, fmt.Errorf("option %d has length %d, want 4", code, len(v))
		}
		return binary.BigEndian.Uint32(v), true, nil
	}
	life = InfiniteLifetime
	v, ok, err := u32(51)
	if err != nil {
		return 0, 0, 0, err
	}
	if ok && v != math.MaxUint32 {
		life = time.Duration(v) * time.Second
	}
	t2 = InfiniteLifetime
	if life != InfiniteLifetime {
		t2 = life * 7 / 8
	}
	if v, ok, err = u32(59); err != nil {
		return 0, 0, 0, err
	} else if ok {
		t2 = InfiniteLifetime
		if v != math.MaxUint32 {
			t2 = time.Duration(v) * time.Second
		}
		if t2 > life {
			t2 = life * 7 / 8
		}
	}
	t1 = InfiniteLifetime
	if t2 != InfiniteLifetime {
		t1 = t2 * 4 / 7
	}
	if v, ok, err = u32(58); err != nil {
		return 0, 0, 0, err
	} else if ok {
		t1 = InfiniteLifetime
		if v != math.MaxUint32 {
			t1 = time.Duration(v) * time.Second
		}
		if t1 > t2 {
			t1 = t2 * 4 / 7
		}
	}
	return life, t1, t2, nil
}

// defaultPrefix is the classful prefix length of an address (0 for class
// D/E), used when a server omits the subnet mask.
func defaultPrefix(a netip.Addr) int {
	b := a.As4()[0]
	switch {
	case b < 128:
		return 8
	case b < 192:
		return 16
	case b < 224:
		return 24
	}
	return 0
}

func addrFrom(b []byte) netip.Addr { return netip.AddrFrom4([4]byte(b[:4])) }

// ParseLease turns an ACK into a Lease, with the option map that
// NetworkManager's internal client exports (clientID, the identifier the
// client sent, is shown as dhcp_client_identifier). now stamps the lease (the
// expiry option is wall-clock). Invalid individual options are skipped and
// logged at debug level; a lease without address or with an unusable
// subnet mask is an error.
func ParseLease(ack *dhcpv4.DHCPv4, clientID []byte, now time.Time, log *slog.Logger) (*Lease, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	invalid := func(code uint8, format string, args ...any) {
		log.Debug(fmt.Sprintf("error parsing DHCP option %d (%s): %s", code, optionName(code), fmt.Sprintf(format, args...)))
	}
	yi, ok := netip.AddrFromSlice(ack.YourIPAddr.To4())
	if !ok || yi.IsUnspecified() {
		return nil, errors.New("could not get address from lease")
	}
	opts := ack.Options
	l := &Lease{Acquired: now, Message: ack, Options: map[string]string{}}
	o := l.Options
	if len(clientID) > 0 {
		o["dhcp_client_identifier"] = dhcpopt.HexColon(clientID)
	}
	var err error
	l.Lifetime, l.T1, l.T2, err = leaseTimes(opts)
	if err != nil {
		return nil, fmt.Errorf("lease times: %w", err)
	}

	plen := defaultPrefix(yi)
	if m, has := opts[1]; has {
		if len(m) < 4 {
			return nil, errors.New("could not get netmask from lease")
		}
		// A non-contiguous mask becomes the prefix that ends at its lowest
		// set bit, as NetworkManager computes it.
		plen = maskPrefix(binary.BigEndian.Uint32(m))
	}
	l.Address = netip.PrefixFrom(yi, plen)
	o["ip_address"] = yi.String()
	o["subnet_mask"] = maskString(plen)
	if l.Lifetime == InfiniteLifetime {
		o["dhcp_lease_time"] = strconv.FormatUint(math.MaxUint32, 10)
	} else {
		secs := uint64((l.Lifetime + time.Second - 1) / time.Second)
		o["dhcp_lease_time"] = strconv.FormatUint(min(secs, math.MaxUint32-1), 10)
		o["expiry"] = strconv.FormatInt(now.Add(l.Lifetime).Unix(), 10)
	}
	if si, ok := netip.AddrFromSlice(ack.ServerIPAddr.To4()); ok && !si.IsUnspecified() {
		o["next_server"] = si.String()
	}
	if sid, has := opts[54]; has && len(sid) >= 4 {
		l.ServerID = addrFrom(sid)
		o["dhcp_server_identifier"] = l.ServerID.String()
	}
	if b, has := opts[28]; has {
		if len(b) < 4 {
			invalid(28, "invalid address length %d", len(b))
		} else {
			o["broadcast_address"] = addrFrom(b).String()
		}
	}

	parseRoutes(l, opts)

	l.DNS = parseAddrList(l, opts, 6, invalid)
	if b, has := opts[15]; has {
		if s, ok := dhcpopt.TrimNULs(b); !ok {
			invalid(15, "string contains embedded NUL")
		} else {
			var names []string
			for _, f := range strings.Split(string(s), " ") {
				if f == "" {
					continue
				}
				n, ok := dhcpopt.NormalizeDomain(f)
				if !ok {
					invalid(15, "'%s' is not a valid DNS domain", f)
					continue
				}
				names = append(names, n)
			}
			if len(names) > 0 {
				l.Domains = names
				o["domain_name"] = strings.Join(names, " ")
			}
		}
	}
	if b, has := opts[119]; has {
		names, ok := dhcpopt.ParseSearchList(b)
		if !ok {
			invalid(119, "search domain #%d is invalid", len(names))
		}
		if len(names) > 0 {
			l.Search = names
			o["domain_search"] = strings.Join(names, " ")
		}
	}
	if b, has := opts[26]; has {
		if len(b) != 2 {
			invalid(26, "invalid option length %d", len(b))
		} else if mtu := binary.BigEndian.Uint16(b); mtu < 68 {
			invalid(26, "value %d is smaller than 68", mtu)
		} else {
			l.MTU = mtu
			o["interface_mtu"] = strconv.Itoa(int(mtu))
		}
	}
	if b, has := opts[43]; has && bytes.Contains(b, []byte("ANDROID_METERED")) {
		l.Metered = true
	}
	if b, has := opts[12]; has {
		if s, ok := parseDomainOption(b); ok {
			l.Hostname = s
			o["host_name"] = s
		} else {
			invalid(12, "'%s' is not a valid DNS domain", dhcpopt.EscapeUTF8Safe(b, true))
		}
	}
	l.NTP = parseAddrList(l, opts, 42, invalid)
	if b, has := opts[17]; has {
		if s, ok := dhcpopt.TrimNULs(b); !ok {
			invalid(17, "string contains embedded NUL")
		} else if len(s) > 0 {
			o["root_path"] = dhcpopt.EscapeUTF8Safe(s, true)
		}
	}
	if b, has := opts[252]; has {
		if s, ok := dhcpopt.TrimNULs(b); !ok {
			invalid(252, "string contains embedded NUL")
		} else {
			l.ProxyPACURL = dhcpopt.EscapeUTF8Safe(s, false)
			o["wpad"] = l.ProxyPACURL
		}
	}
	if b, has := opts[40]; has {
		if s, ok := dhcpopt.TrimNULs(b); !ok {
			invalid(40, "string contains embedded NUL")
		} else {
			l.NISDomain = dhcpopt.EscapeUTF8Safe(s, true)
			o["nis_domain"] = l.NISDomain
		}
	}
	if f := bootFile(ack); f != "" {
		o["filename"] = dhcpopt.EscapeUTF8Safe([]byte(f), true)
	}
	if b, has := opts[67]; has {
		if s, ok := dhcpopt.TrimNULs(b); !ok {
			invalid(67, "string contains embedded NUL")
		} else {
			o["bootfile_name"] = dhcpopt.EscapeUTF8Safe(s, true)
		}
	}
	l.NIS = parseAddrList(l, opts, 41, invalid)
	l.WINS = parseAddrList(l, opts, 44, invalid)
	for code := 224; code <= 254; code++ {
		if code == 249 || code == 252 {
			continue
		}
		if b, has := opts[uint8(code)]; has {
			o["private_"+strconv.Itoa(code)] = dhcpopt.HexColon(b)
		}
	}
	for _, d := range optionTable {
		if d.request {
			o["requested_"+d.name] = "1"
		}
	}
	return l, nil
}

// bootFile is the BOOTP "file" header field, unless option 52 moved
// options there.
func bootFile(m *dhcpv4.DHCPv4) string {
	f := m.BootFileName
	if i := strings.IndexByte(f, 0); i >= 0 {
		f = f[:i]
	}
	return f
}

func parseDomainOption(b []byte) (string, bool) {
	s, ok := dhcpopt.TrimNULs(b)
	if !ok || len(s) == 0 {
		return "", false
	}
	return dhcpopt.NormalizeDomain(string(s))
}

func maskPrefix(m uint32) int {
	if m == 0 {
		return 0
	}
	return 32 - bits.TrailingZeros32(m)
}

func maskString(plen int) string {
	var m uint32
	if plen > 0 {
		m = ^uint32(0) << (32 - plen)
	}
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], m)
	return netip.AddrFrom4(b).String()
}

// parseAddrList handles the address-list options NetworkManager exports
// (6, 41, 42, 44). For DNS, 0.0.0.0 and loopback servers are listed in the
// option but not used.
func parseAddrList(l *Lease, opts dhcpv4.Options, code uint8, invalid func(uint8, string, ...any)) []netip.Addr {
	b, has := opts[code]
	if !has {
		return nil
	}
	if len(b) == 0 || len(b)%4 != 0 {
		invalid(code, "wrong option length %d", len(b))
		return nil
	}
	var strs []string
	var used []netip.Addr
	for i := 0; i < len(b); i += 4 {
		a := addrFrom(b[i:])
		strs = append(strs, a.String())
		if code == 6 && (a.IsUnspecified() || a.IsLoopback()) {
			invalid(code, "address %s is ignored", a)
			continue
		}
		used = append(used, a)
	}
	l.Options[optionName(code)] = strings.Join(strs, " ")
	return used
}

// consumeRoute reads one route of option 121/249 (classless) or 33
// (classful destination + gateway).
func consumeRoute(b []byte, classless bool) (dest netip.Prefix, gw netip.Addr, rest []byte, ok bool) {
	var d [4]byte
	var plen int
	if classless {
		if len(b) < 1 {
			return
		}
		plen = int(b[0])
		b = b[1:]
		if plen > 32 {
			return
		}
		n := (plen + 7) / 8
		if len(b) < n {
			return
		}
		copy(d[:], b[:n])
		b = b[n:]
	} else {
		if len(b) < 4 {
			return
		}
		copy(d[:], b[:4])
		b = b[4:]
		plen = defaultPrefix(netip.AddrFrom4(d))
		if plen == 0 {
			return
		}
	}
	if len(b) < 4 {
		return
	}
	dest = netip.PrefixFrom(netip.AddrFrom4(d), plen).Masked()
	return dest, addrFrom(b), b[4:], true
}

// parseRoutes applies NetworkManager's precedence: option 121 over 249
// over 33 for routes; option 3 routers are ignored when a classless option
// carried a default route. Several default routes get increasing metric
// offsets. Every option present is still shown in the map.
func parseRoutes(l *Lease, opts dhcpv4.Options) {
	src := l.Address.Addr()
	var metric uint32
	hasClassless, defaultFromClassless := false, false
	for _, code := range []uint8{121, 249} {
		b, has := opts[code]
		if !has {
			continue
		}
		var strs []string
		for {
			dest, gw, rest, ok := consumeRoute(b, true)
			if !ok {
				break
			}
			b = rest
			strs = append(strs, fmt.Sprintf("%s/%d %s", dest.Addr(), dest.Bits(), gw))
			if hasClassless {
				continue
			}
			m := uint32(0)
			if dest.Bits() == 0 {
				m = metric
				metric++
				defaultFromClassless = true
			}
			l.Routes = append(l.Routes, Route{Dest: dest, Gateway: gw, Metric: m, PrefSrc: src})
		}
		hasClassless = true
		l.Options[optionName(code)] = strings.Join(strs, " ")
	}
	if b, has := opts[33]; has {
		var strs []string
		for {
			dest, gw, rest, ok := consumeRoute(b, false)
			if !ok {
				break
			}
			b = rest
			strs = append(strs, fmt.Sprintf("%s/%d %s", dest.Addr(), dest.Bits(), gw))
			if hasClassless || dest.Bits() == 0 {
				continue
			}
			l.Routes = append(l.Routes, Route{Dest: dest, Gateway: gw, PrefSrc: src})
		}
		l.Options["static_routes"] = strings.Join(strs, " ")
	}
	if b, has := opts[3]; has {
		var strs []string
		for ; len(b) >= 4; b = b[4:] {
			gw := addrFrom(b)
			strs = append(strs, gw.String())
			if gw.IsUnspecified() || defaultFromClassless {
				continue
			}
			l.Routes = append(l.Routes, Route{Dest: netip.PrefixFrom(netip.IPv4Unspecified(), 0), Gateway: gw, Metric: metric, PrefSrc: src})
			metric++
		}
		l.Options["routers"] = strings.Join(strs, " ")
	}
}
