package autoaddr

import (
	"fmt"
	"math"
	"net"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gonm/gonm/internal/dhcp4"
	"github.com/gonm/gonm/internal/dhcpid"
	"github.com/gonm/gonm/internal/firewall"
	"github.com/gonm/gonm/internal/hostid"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/ndisc"
	"github.com/gonm/gonm/internal/setting"
)

// Methods of ipv4.method and ipv6.method that this package runs.
const (
	MethodAuto      = "auto"
	MethodLinkLocal = "link-local"
	MethodDHCP      = "dhcp"
	MethodShared    = "shared"
)

// DHCPTimeoutDefault is NetworkManager's dhcp-timeout when neither the
// profile nor the configuration sets one.
const DHCPTimeoutDefault = 45 * time.Second

// timeoutInfinity is the dhcp-timeout / ra-timeout value meaning "never".
const timeoutInfinity = math.MaxInt32

// Params is everything the methods of one interface need, resolved from
// the profile, NetworkManager.conf's connection defaults and the device.
// The zero value of a field means "not used" unless said otherwise.
type Params struct {
	IfIndex int32
	IfName  string
	HWAddr  net.HardwareAddr
	// UUID is the profile's (lease file names).
	UUID string

	// Method4 and Method6 are the ipvX.method values; methods other than
	// auto, link-local and dhcp are left to the device.
	Method4, Method6 string

	// Options4 and Options6 are the contributions' options: the profile's
	// route table and metric, DNS priority and merge flags
	// (ignore-auto-routes, never-default, ignore-auto-dns). Priority is
	// set here per source.
	Options4, Options6 l3cfg.ConfigOptions

	// LinkLocal4 is ipv4.link-local resolved: IPv4LL runs beside the
	// IPv4 method (always for ipv4.method link-local).
	LinkLocal4 bool

	// DHCPv4.
	ClientID      []byte
	Hostname4     string
	UseFQDN       bool
	FQDNFlags     uint8 // wire bits (S 0x01, E 0x04, N 0x08)
	VendorClass   []byte
	MUDURL        string
	RejectServers []netip.Prefix
	// Timeout4/6 are ipvX.dhcp-timeout (0: none), also the grace period
	// after a lease is lost before the family fails.
	Timeout4, Timeout6 time.Duration
	// ACDTimeout is ipv4.dad-timeout for leased addresses (0: no check).
	ACDTimeout time.Duration
	// SendRelease4 releases the lease when the method stops with release.
	SendRelease4 bool
	// LeaseFile keeps the DHCPv4 address between runs (empty: none).
	LeaseFile string

	// IPv6 router discovery.
	AddrGenMode ndisc.AddrGenMode
	StableType  hostid.StableType
	NetworkID   string
	HostKey     []byte
	// IP6Privacy is ipv6.ip6-privacy resolved (temporary addresses when
	// PreferPublic or PreferTemp).
	IP6Privacy l3cfg.IP6Privacy
	// RATimeout is how long to wait for a router (0: none).
	RATimeout time.Duration

	// DHCPv6.
	DUID      []byte
	IAID6     uint32
	Hostname6 string
	// PrefixDelegation asks for a prefix too (IA_PD).
	PrefixDelegation bool

	// ipv4.method shared: the profile's first address (invalid: a
	// reserved 10.42.N.1/24), the firewall backend, dnsmasq's files, and
	// whether to announce a metered uplink (option 43 ANDROID_METERED).
	SharedAddr       netip.Prefix
	Firewall         firewall.Backend
	DnsmasqLeaseFile string
	DnsmasqPidFile   string
	DnsmasqConfDir   string
	AnnounceMetered  bool
}

// Inputs are the facts about the device and the host that Params are
// derived from, next to the profile.
type Inputs struct {
	IfIndex    int32
	IfName     string
	HWAddr     net.HardwareAddr
	PermHWAddr net.HardwareAddr // nil when unknown
	DeviceType uint32           // NM_DEVICE_TYPE_* (default route metrics)
	Host       hostid.HostID
	MachineID  hostid.MachineID
	BootID     string
	// StaticHostname is the host's static name (sent when the profile
	// gives none and dhcp-send-hostname is on).
	StaticHostname string
	// Default looks up a connection default of NetworkManager.conf
	// ("ipv4.dhcp-timeout"); nil when there are none.
	Default func(property string) (string, bool)
	// RunDir and StateDir hold the lease files.
	RunDir, StateDir string
	// DefaultUseTempaddr is /proc/sys/net/ipv6/conf/default/use_tempaddr,
	// the last fallback of ipv6.ip6-privacy (-1 when unreadable).
	DefaultUseTempaddr int
	// RouterSolicitations and RouterSolicitationInterval are the
	// interface's sysctls (0: the kernel defaults 3 and 4 s); the default
	// RA timeout derives from them.
	RouterSolicitations, RouterSolicitationInterval int
	// FirewallBackend is [main] firewall-backend ("" when unset).
	FirewallBackend string
	// Executable tells whether a program can be run (firewall detection;
	// nil: by the file's mode).
	Executable func(path string) bool
	// SystemRunDir holds dnsmasq's pid file ("/run" when empty) and
	// ConfDir NetworkManager's configuration directory
	// ("/etc/NetworkManager" when empty).
	SystemRunDir, ConfDir string
	// ManagerMetered is the manager's Metered guess (yes or guess-yes),
	// announced by shared mode when the profile's metered is unknown.
	ManagerMetered bool
}

func (in *Inputs) def(prop string) (string, bool) {
	if in.Default == nil {
		return "", false
	}
	v, ok := in.Default(prop)
	return strings.TrimSpace(v), ok
}

func (in *Inputs) defInt(prop string, lo, hi, fallback int64) int64 {
	v, ok := in.def(prop)
	if !ok {
		return fallback
	}
	n, err := strconv.ParseInt(v, 0, 64)
	if err != nil || n < lo || n > hi {
		return fallback
	}
	return n
}

// FromProfile resolves the automatic methods' parameters of a profile on a
// device, as NetworkManager 1.42's device properties do (profile value,
// else the connection default of NetworkManager.conf, else the built-in
// default). Problems with individual values (a bad client ID) are returned
// as warnings; the corresponding default is used.
func FromProfile(conn *setting.Connection, in Inputs) (*Params, []error) {
	var warns []error
	p := &Params{IfIndex: in.IfIndex, IfName: in.IfName, HWAddr: in.HWAddr, UUID: conn.UUID()}
	s4, s6 := conn.Setting("ipv4"), conn.Setting("ipv6")
	if s4 != nil {
		p.Method4 = s4.Str("method")
	}
	if s6 != nil {
		p.Method6 = s6.Str("method")
	}

	stableID, _ := conn.Setting("connection").String("stable-id")
	var sid *string
	if stableID != "" {
		sid = &stableID
	} else if v, ok := in.def("connection.stable-id"); ok && v != "" {
		sid = &v
	}
	perm := ""
	if len(in.PermHWAddr) > 0 {
		perm = strings.ToUpper(in.PermHWAddr.String())
	}
	p.NetworkID, p.StableType = hostid.EffectiveStableID(sid, hostid.StableIDInputs{
		UUID: conn.UUID(), BootID: in.BootID, Device: in.IfName, MAC: perm})
	p.HostKey = in.Host.Key
	ident := dhcpid.Identity{IfName: in.IfName, HWAddr: in.HWAddr, PermMAC: in.PermHWAddr,
		StableID: p.NetworkID, StableType: p.StableType, Host: in.Host, MachineID: in.MachineID}

	// DHCPv6 identities first: ipv4.dhcp-client-id "duid" and
	// "ipv6-duid" use them.
	if s6 != nil {
		duidProp := s6.Str("dhcp-duid")
		if duidProp == "" {
			duidProp, _ = in.def("ipv6.dhcp-duid")
		}
		duid, _, err := dhcpid.DUID(duidProp, ident)
		if err != nil {
			warns = append(warns, fmt.Errorf("ipv6.dhcp-duid %q: %w", duidProp, err))
			duid, _, _ = dhcpid.DUID("", ident)
		}
		p.DUID = duid
		iaidProp := s6.Str("dhcp-iaid")
		if iaidProp == "" {
			iaidProp, _ = in.def("ipv6.dhcp-iaid")
		}
		iaid, _, err := dhcpid.IAID(iaidProp, ident)
		if err != nil {
			warns = append(warns, fmt.Errorf("ipv6.dhcp-iaid %q: %w", iaidProp, err))
		}
		p.IAID6 = iaid
	}

	for _, f := range l3cfg.Families {
		s, name := s4, "ipv4"
		if f == l3cfg.IPv6 {
			s, name = s6, "ipv6"
		}
		if s == nil {
			continue
		}
		o := l3cfg.ConfigOptions{}
		metricDef := in.defInt(name+".route-metric", -1, math.MaxUint32, -1)
		tableDef := in.defInt(name+".route-table", 0, math.MaxUint32, 0)
		metric := l3cfg.RouteMetric(f, s.Int64("route-metric"), metricDef, in.DeviceType)
		table := l3cfg.RouteTable(s.Uint32("route-table"), uint32(tableDef))
		if s.Bool("ignore-auto-routes") {
			o.Merge |= l3cfg.MergeNoRoutes
		}
		if s.Bool("never-default") {
			o.Merge |= l3cfg.MergeNoDefaultRoutes
		}
		if s.Bool("ignore-auto-dns") {
			o.Merge |= l3cfg.MergeNoDNS
		}
		timeout := time.Duration(s.Int32("dhcp-timeout")) * time.Second
		if timeout == 0 {
			timeout = time.Duration(in.defInt(name+".dhcp-timeout", 0, timeoutInfinity, 0)) * time.Second
		}
		if timeout == 0 {
			timeout = DHCPTimeoutDefault
		}
		if timeout >= timeoutInfinity*time.Second {
			timeout = 0
		}
		// The DNS priority that stands in for a profile's 0.
		dnsPrio := int32(in.defInt(name+".dns-priority", math.MinInt32, math.MaxInt32, 0))
		if dnsPrio == 0 {
			dnsPrio = l3cfg.DNSPriorityDefaultNormal
		}
		if f == l3cfg.IPv4 {
			o.RouteMetric4, o.RouteTable4, o.DNSPriority4 = metric, table, dnsPrio
			p.Options4, p.Timeout4 = o, timeout
		} else {
			o.RouteMetric6, o.RouteTable6, o.DNSPriority6 = metric, table, dnsPrio
			p.Options6, p.Timeout6 = o, timeout
		}
	}

	if s4 != nil {
		warns = append(warns, p.fromIPv4(s4, conn, &in, ident)...)
		if p.Method4 == MethodShared {
			p.fromShared(s4, conn, &in)
		}
	}
	if s6 != nil {
		p.fromIPv6(s6, &in)
	}
	return p, warns
}

func (p *Params) fromIPv4(s4 *setting.Setting, conn *setting.Connection, in *Inputs, ident dhcpid.Identity) []error {
	var warns []error
	iaidProp := s4.Str("dhcp-iaid")
	if iaidProp == "" {
		iaidProp, _ = in.def("ipv4.dhcp-iaid")
	}
	iaid4, explicit, err := dhcpid.IAID(iaidProp, ident)
	if err != nil {
		warns = append(warns, fmt.Errorf("ipv4.dhcp-iaid %q: %w", iaidProp, err))
	}
	cid := s4.Str("dhcp-client-id")
	if cid == "" {
		cid, _ = in.def("ipv4.dhcp-client-id")
	}
	if cid == "ipv6-duid" && !explicit {
		// NetworkManager pairs the IPv6 DUID with the IPv6 IAID then.
		iaid4 = p.IAID6
	}
	p.ClientID, err = dhcpid.ClientID(cid, ident, iaid4, p.DUID)
	if err != nil {
		warns = append(warns, fmt.Errorf("ipv4.dhcp-client-id %q: %w", cid, err))
		p.ClientID, _ = dhcpid.ClientIDMAC(in.HWAddr)
	}

	p.LinkLocal4 = linkLocal4(s4.Str("method"), s4.Int32("link-local"), in)

	dad := int64(s4.Int32("dad-timeout"))
	if dad < 0 {
		dad = in.defInt("ipv4.dad-timeout", 0, 30000, 0)
	}
	p.ACDTimeout = time.Duration(dad) * time.Millisecond

	vc, ok := s4.String("dhcp-vendor-class-identifier")
	if !ok || vc == "" {
		vc, _ = in.def("ipv4.dhcp-vendor-class-identifier")
	}
	if vc != "" {
		p.VendorClass = unescapeUTF8Safe(vc)
	}
	for _, rs := range s4.Strv("dhcp-reject-servers") {
		pr, err := parseRejectServer(rs)
		if err != nil {
			warns = append(warns, fmt.Errorf("ipv4.dhcp-reject-servers: %w", err))
			continue
		}
		p.RejectServers = append(p.RejectServers, pr)
	}
	if mud, ok := conn.Setting("connection").String("mud-url"); ok && mud != "none" {
		p.MUDURL = mud
	} else if !ok {
		if v, ok := in.def("connection.mud-url"); ok && v != "none" {
			p.MUDURL = v
		}
	}

	send := s4.Bool("dhcp-send-hostname")
	host, useFQDN := s4.Str("dhcp-fqdn"), true
	if host == "" {
		host, useFQDN = s4.Str("dhcp-hostname"), false
	}
	if send && host == "" && isSpecificHostname(in.StaticHostname) {
		// The system's name, without its domain for DHCPv4.
		host, _, _ = strings.Cut(in.StaticHostname, ".")
	}
	if send && host != "" && validHostname(host, useFQDN) {
		p.Hostname4, p.UseFQDN = host, useFQDN
		if useFQDN {
			p.FQDNFlags = fqdnWire(hostnameFlags(s4, in, "ipv4", hostnameFlagsDefault4))
		}
	}
	return warns
}

// ipv4.link-local values.
const (
	ll4Default  = 0
	ll4Auto     = 1
	ll4Disabled = 2
	ll4Enabled  = 3
)

// linkLocal4 resolves ipv4.link-local as NetworkManager 1.42: the
// profile's value, else the connection default (which ipv4.method disabled
// or link-local overrides where it contradicts them), else auto: enabled
// for ipv4.method link-local only.
func linkLocal4(method string, v int32, in *Inputs) bool {
	if v == ll4Default {
		v = int32(in.defInt("ipv4.link-local", ll4Auto, ll4Enabled, ll4Default))
		switch {
		case v == ll4Default:
			v = ll4Auto
		case v == ll4Enabled && method == "disabled":
			v = ll4Disabled
		case v == ll4Disabled && method == MethodLinkLocal:
			v = ll4Enabled
		}
	}
	if v == ll4Auto {
		return method == MethodLinkLocal
	}
	return v == ll4Enabled
}

func (p *Params) fromIPv6(s6 *setting.Setting, in *Inputs) {
	mode := s6.Int32("addr-gen-mode")
	if mode != setting.AddrGenModeEUI64 && mode != setting.AddrGenModeStablePrivacy {
		if v := in.defInt("ipv6.addr-gen-mode", setting.AddrGenModeEUI64, setting.AddrGenModeDefault, -1); v != -1 {
			mode = int32(v)
		}
		switch mode {
		case setting.AddrGenModeDefault:
			mode = setting.AddrGenModeStablePrivacy
		case setting.AddrGenModeDefaultEUI64:
			mode = setting.AddrGenModeEUI64
		}
	}
	p.AddrGenMode = ndisc.AddrGenEUI64
	if mode == setting.AddrGenModeStablePrivacy {
		p.AddrGenMode = ndisc.AddrGenStablePrivacy
	}

	priv := int64(s6.Int32("ip6-privacy"))
	if priv < 0 || priv > 2 {
		priv = in.defInt("ipv6.ip6-privacy", -1, 2, -1)
	}
	if priv < 0 || priv > 2 {
		priv = int64(in.DefaultUseTempaddr)
		if priv > 2 {
			priv = 2
		}
	}
	p.IP6Privacy = l3cfg.IP6PrivacyFromSetting(int32(priv))

	ra := time.Duration(s6.Int32("ra-timeout")) * time.Second
	if ra == 0 {
		ra = time.Duration(in.defInt("ipv6.ra-timeout", 0, timeoutInfinity, 0)) * time.Second
	}
	if ra == 0 {
		// As NetworkManager: long enough for every solicitation, and at
		// least 30 s.
		n, iv := in.RouterSolicitations, in.RouterSolicitationInterval
		if n <= 0 {
			n = 3
		}
		if iv <= 0 {
			iv = 4
		}
		ra = time.Duration(max(n*iv+1, 30)) * time.Second
	}
	if ra >= timeoutInfinity*time.Second {
		ra = 0
	}
	p.RATimeout = ra

	if s6.Bool("dhcp-send-hostname") {
		if h := s6.Str("dhcp-hostname"); h != "" && validHostname(h, true) {
			p.Hostname6 = h
		} else if h == "" && isSpecificHostname(in.StaticHostname) && validHostname(in.StaticHostname, true) {
			p.Hostname6 = in.StaticHostname
		}
	}
}

func (p *Params) fromShared(s4 *setting.Setting, conn *setting.Connection, in *Inputs) {
	if addrs := s4.Addresses(); len(addrs) > 0 && addrs[0].Addr.Is4() {
		p.SharedAddr = netip.PrefixFrom(addrs[0].Addr, int(addrs[0].Prefix))
	}
	p.Firewall = firewall.Detect(in.FirewallBackend, in.Executable)
	run, conf := in.SystemRunDir, in.ConfDir
	if run == "" {
		run = "/run"
	}
	if conf == "" {
		conf = "/etc/NetworkManager"
	}
	state := in.StateDir
	if state == "" {
		state = "/var/lib/NetworkManager"
	}
	p.DnsmasqLeaseFile = filepath.Join(state, "dnsmasq-"+in.IfName+".leases")
	p.DnsmasqPidFile = filepath.Join(run, "nm-dnsmasq-"+in.IfName+".pid")
	p.DnsmasqConfDir = filepath.Join(conf, "dnsmasq-shared.d")
	switch conn.Setting("connection").Int32("metered") {
	case 1: // yes
		p.AnnounceMetered = true
	case 0: // unknown
		p.AnnounceMetered = in.ManagerMetered
	}
}

// Runs reports whether a Runner with these parameters runs something for
// family f (the device leaves the family's other methods, manual,
// disabled, ignore and IPv6 link-local, to itself), and whether it holds
// a DHCP client there (the device then exports a DHCP4Config or
// DHCP6Config object).
func (p *Params) Runs(f l3cfg.Family) (runs, dhcp bool) {
	if f == l3cfg.IPv4 {
		switch p.Method4 {
		case MethodAuto:
			return true, true
		case MethodShared, MethodLinkLocal:
			return true, false
		}
		return p.LinkLocal4 && p.Method4 != "disabled", false
	}
	switch p.Method6 {
	case MethodAuto, MethodDHCP:
		return true, true
	case MethodShared:
		return true, false
	}
	return false, false
}

// Only returns a copy of p for family f alone (the other family's method
// cleared), for a device that runs one Runner per family.
func (p *Params) Only(f l3cfg.Family) *Params {
	c := *p
	if f == l3cfg.IPv4 {
		c.Method6 = ""
	} else {
		c.Method4, c.LinkLocal4 = "", false
	}
	return &c
}

// LeaseFile returns where the DHCPv4 lease of p lives (NetworkManager's
// internal client's file).
func LeaseFile(in Inputs, uuid string) string {
	if in.StateDir == "" && in.RunDir == "" {
		return ""
	}
	return dhcp4.LeaseFilePath(in.RunDir, in.StateDir, uuid, in.IfName)
}

// NetworkManager's dhcp-hostname-flags bits.
const (
	flagServUpdate        = 0x1
	flagEncoded           = 0x2
	flagNoUpdate          = 0x4
	flagClearFlags        = 0x8
	hostnameFlagsDefault4 = flagEncoded | flagServUpdate
)

func hostnameFlags(s *setting.Setting, in *Inputs, name string, builtin uint32) uint32 {
	if f := s.Uint32("dhcp-hostname-flags"); f != 0 {
		return f
	}
	if f := in.defInt(name+".dhcp-hostname-flags", 0, flagClearFlags, 0); f != 0 {
		return uint32(f)
	}
	return builtin
}

// fqdnWire maps hostname flags to option 81's flag bits.
func fqdnWire(f uint32) uint8 {
	if f&flagClearFlags != 0 {
		return 0
	}
	var w uint8
	if f&flagServUpdate != 0 {
		w |= 0x01
	}
	if f&flagEncoded != 0 {
		w |= 0x04
	}
	if f&flagNoUpdate != 0 {
		w |= 0x08
	}
	return w
}

// isSpecificHostname rejects the placeholder names a host without a name
// reports.
func isSpecificHostname(h string) bool {
	h = strings.TrimSpace(h)
	switch strings.ToLower(h) {
	case "", "(none)", "localhost", "localhost6", "localhost.localdomain", "localhost6.localdomain6":
		return false
	}
	return true
}

// validHostname checks a name before it is sent: DNS labels of at most 63
// characters (letters, digits, '-', '_'), 253 in all.
func validHostname(h string, fqdn bool) bool {
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	if !fqdn && len(h) > 63 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, c := range label {
			if !(c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return false
			}
		}
	}
	return true
}

// parseRejectServer reads one dhcp-reject-servers entry: an address,
// optionally with a prefix length.
func parseRejectServer(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		pr, err := netip.ParsePrefix(s)
		if err != nil || !pr.Addr().Is4() {
			return netip.Prefix{}, fmt.Errorf("bad server %q", s)
		}
		return pr.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return netip.Prefix{}, fmt.Errorf("bad server %q", s)
	}
	return netip.PrefixFrom(a, 32), nil
}

// unescapeUTF8Safe decodes the backslash escapes NetworkManager allows in
// binary-safe strings (\ooo octal, the C escapes, \\ and any other
// character taken as is).
func unescapeUTF8Safe(s string) []byte {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b = append(b, c)
			continue
		}
		i++
		c = s[i]
		if c >= '0' && c <= '7' {
			v := int(c - '0')
			for n := 1; n < 3 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7'; n++ {
				i++
				v = v*8 + int(s[i]-'0')
			}
			b = append(b, byte(v))
			continue
		}
		switch c {
		case 'b':
			c = '\b'
		case 'f':
			c = '\f'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 't':
			c = '\t'
		case 'v':
			c = '\v'
		}
		b = append(b, c)
	}
	return b
}
