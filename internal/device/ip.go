package device

import (
	"net/netip"
	"time"

	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/setting"
)

// Family is an address family: Family4 (IPv4) or Family6 (IPv6).
type Family int

const (
	Family4 Family = 0
	Family6 Family = 1
	fam4           = Family4
	fam6           = Family6
)

type family = Family

func (f Family) String() string {
	if f == fam4 {
		return "ip4"
	}
	return "ip6"
}

// Setting is the profile setting of the family ("ipv4", "ipv6").
func (f Family) Setting() string { return f.setting() }

func (f Family) setting() string {
	if f == fam4 {
		return "ipv4"
	}
	return "ipv6"
}

// IPState is the progress of one family's configuration, as
// NetworkManager's NMDeviceIPState.
type IPState uint8

const (
	IPNone IPState = iota
	IPPending
	IPReady
	IPFailed
)

func (s IPState) String() string { return [...]string{"none", "pending", "done", "fail"}[s] }

const (
	ipNone    = IPNone
	ipPending = IPPending
	ipReady   = IPReady
	ipFailed  = IPFailed
)

// IPConfig is what a device asks the IP layer to configure for one
// family, taken from the applied profile.
type IPConfig struct {
	// Method is ipvX.method ("manual", "link-local", "auto", ...).
	Method string
	// Addresses are the static addresses, in profile order.
	Addresses []netip.Prefix
	// Gateway is ipvX.gateway (invalid if none); NeverDefault keeps the
	// default route away.
	Gateway      netip.Addr
	NeverDefault bool
	// Routes are the static routes (metric -1: the device's).
	Routes []setting.IPRoute
	// Metric is the route metric of the device (ipvX.route-metric or the
	// kind's default); Table the route table (0: main).
	Metric uint32
	Table  uint32
	// DADTimeout is how long IPv4 address conflict detection runs (0:
	// none).
	DADTimeout time.Duration
	// LinkLocal6 asks for an IPv6 link-local address and how it is made
	// (ipv6.addr-gen-mode: eui64 or stable-privacy).
	LinkLocal6  bool
	AddrGenMode string
	// StableID and MAC are the inputs of stable-privacy addresses.
	StableID string
	MAC      []byte
	Iface    string
}

// L3 is the IP layer of one interface as a device drives it: NetworkManager's
// NML3Cfg seen from NMDevice. Set installs (or replaces, or with nil
// removes) what the device contributes for a family; Ready reports whether
// it is all in the kernel, the addresses found in use elsewhere, and an
// error when the layer cannot do what the method asks (the family fails).
// Release drops the device's contributions: with keep the kernel is left as
// it is (quitting, taking over), without it what the device added is
// removed.
type L3 interface {
	Set(f Family, cfg *IPConfig)
	Ready(f Family) (ready bool, conflicts []netip.Addr, err error)
	Release(keep bool)
}

// L3Provider makes the IP layer of an interface; changed is called (on
// the loop) when readiness may have changed.
type L3Provider func(ifindex int32, changed func()) L3

// ipRun is the per-activation state of IP configuration.
type ipRun struct {
	started   bool
	l3Started bool
	fam       [2]struct {
		state       IPState
		manual      IPState
		method      string
		disabled    bool
		ignore      bool
		waitCarrier bool
		waitPorts   bool
		reqTimer    *loop.Timer
		reqInfinite bool
	}
	combined      IPState
	manualTimer   *loop.Timer
	manualExpired bool
	checkQueued   bool
	enslaved      bool
}
