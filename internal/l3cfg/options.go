package l3cfg

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/gonm/gonm/internal/platform"
)

// Priorities of contributions, NetworkManager's (its device code passes the
// kind of config as the priority; higher is more important and wins when
// two contributions configure the same object differently).
const (
	PriorityIPv4LL       = 0
	PriorityIPv6LL       = 1
	PriorityAutoconf6    = 2 // SLAAC and router advertisements
	PriorityPD6          = 3 // prefix delegation
	PriorityDHCP4        = 4
	PriorityDHCP6        = 5
	PriorityShared4      = 6
	PriorityDevice       = 7 // config a device kind adds for both families
	PriorityDevice4      = 8
	PriorityDevice6      = 9
	PriorityVPN          = 9
	PriorityManual       = 10 // the static part of the profile
	PriorityExternalOnly = -1 // below everything: what was found on the interface
)

// Default route metrics when the contributor gives none.
const (
	// DefaultRouteMetric6 is the kernel's default metric for IPv6 routes
	// (an IPv6 route cannot have metric 0).
	DefaultRouteMetric6 = 1024
	// VPNRouteMetric is the default route metric of VPNs and WireGuard.
	VPNRouteMetric = 50
)

// DNS priorities NetworkManager uses when a profile's dns-priority is 0.
const (
	DNSPriorityDefaultNormal = 100
	DNSPriorityDefaultVPN    = 50
)

// MergeFlags leave parts of a contribution out of the merge
// (NetworkManager's NML3ConfigMergeFlags).
type MergeFlags uint8

const (
	// MergeNoRoutes: ignore the contribution's routes (ipvX.ignore-auto-routes).
	MergeNoRoutes MergeFlags = 1 << iota
	// MergeNoDefaultRoutes: ignore its default routes (ipvX.never-default).
	MergeNoDefaultRoutes
	// MergeNoDNS: ignore its DNS (ipvX.ignore-auto-dns).
	MergeNoDNS
)

// ConfigFlags change how a contribution is committed (NetworkManager's
// NML3CfgConfigFlags).
type ConfigFlags uint8

const (
	// OnlyForACD: probe the contribution's IPv4 addresses but configure
	// nothing of it (DHCP checks an offered address this way before it
	// accepts the lease).
	OnlyForACD ConfigFlags = 1 << iota
	// ForceOnce: the next commit configures the contribution's objects even
	// if someone removed them from the interface since they were
	// configured; the flag is cleared by that commit. NetworkManager's
	// devices add every new DHCP lease and router advertisement with it,
	// so that a renewal restores what was removed.
	ForceOnce
)

// ACDDefend is what to do when another host claims a configured address
// (NetworkManager's NML3AcdDefendType, n-acd's defend modes).
type ACDDefend uint8

const (
	ACDDefendDefault ACDDefend = iota // as another contribution says, else Once
	ACDDefendNever                    // give the address up at once
	ACDDefendOnce                     // defend once; a second claim within 10 s wins
	ACDDefendAlways                   // always defend
)

// Limits of ipv4.dad-timeout, NetworkManager's.
const (
	ACDTimeoutRFC5227 = 9 * time.Second
	ACDTimeoutMax     = 30 * time.Second
)

// ConfigOptions are what a contributor says along with its Config: how
// important it is and the defaults of its profile. They are the parameters
// of NetworkManager's nm_l3cfg_add_config().
type ConfigOptions struct {
	// Priority orders contributions (Priority* constants); higher wins.
	Priority int
	// RouteTable4/6 are the tables of TableAny routes (ipvX.route-table;
	// 0 means main).
	RouteTable4, RouteTable6 uint32
	// RouteMetric4/6 are the base metrics of MetricAny routes
	// (ipvX.route-metric, or the device type's default, see
	// DeviceRouteMetric). An IPv6 value of 0 means DefaultRouteMetric6.
	RouteMetric4, RouteMetric6 uint32
	// DefaultRoutePenalty4/6 are added to the metric of default routes
	// (NetworkManager adds 20000 while connectivity is not full).
	DefaultRoutePenalty4, DefaultRoutePenalty6 uint32
	// DNSPriority4/6 replace a dns-priority of 0 (DNSPriorityDefault*).
	DNSPriority4, DNSPriority6 int32
	// ACDTimeout is ipv4.dad-timeout for this contribution's IPv4
	// addresses: 0 configures them without probing; otherwise they are
	// probed this long first (capped at ACDTimeoutMax).
	ACDTimeout time.Duration
	ACDDefend  ACDDefend
	Flags      ConfigFlags
	Merge      MergeFlags
}

func (o *ConfigOptions) routeTable(f Family) uint32 {
	t := o.RouteTable4
	if f == IPv6 {
		t = o.RouteTable6
	}
	if t == 0 {
		return platform.TableMain
	}
	return t
}

func (o *ConfigOptions) routeMetric(f Family) uint32 {
	if f == IPv4 {
		return o.RouteMetric4
	}
	if o.RouteMetric6 == 0 {
		return DefaultRouteMetric6
	}
	return o.RouteMetric6
}

func (o *ConfigOptions) penalty(f Family) uint32 {
	if f == IPv4 {
		return o.DefaultRoutePenalty4
	}
	return o.DefaultRoutePenalty6
}

func (o *ConfigOptions) dnsPriority(f Family) int32 {
	p := o.DNSPriority4
	if f == IPv6 {
		p = o.DNSPriority6
	}
	if p == 0 {
		return DNSPriorityDefaultNormal
	}
	return p
}

// CommitType says how far a commit goes (NetworkManager 1.42's
// NML3CfgCommitType; the numeric order matters: a commit runs at the
// highest level anyone asked for).
type CommitType uint8

const (
	// CommitAuto: the highest level registered with RegisterCommitType.
	CommitAuto CommitType = iota
	// CommitNone: do not touch the interface.
	CommitNone
	// CommitUpdate: add what is missing, replace what differs, remove what
	// this L3Cfg added earlier and no longer wants. Objects someone else
	// removed are not added back, and objects someone else added stay.
	CommitUpdate
	// CommitReapply: a full sync: also add back what was removed, and
	// remove every other address of the interface and its routes of the
	// synced tables (the main table by default).
	CommitReapply
)

func (t CommitType) String() string {
	switch t {
	case CommitAuto:
		return "auto"
	case CommitNone:
		return "none"
	case CommitUpdate:
		return "update"
	case CommitReapply:
		return "reapply"
	}
	return fmt.Sprintf("CommitType(%d)", uint8(t))
}

// ACDState is the conflict-detection state of an IPv4 address
// (NetworkManager's NML3AcdAddrState).
type ACDState uint8

const (
	ACDInit            ACDState = iota // not probed yet
	ACDProbing                         // probing; not configured yet
	ACDUsed                            // another host uses it; not configured
	ACDReady                           // free (or probing disabled); configured
	ACDDefending                       // configured and announced; defending it
	ACDConflict                        // lost it to another host after configuring; removed
	ACDExternalRemoved                 // removed from the interface by someone else
)

var acdStateNames = [...]string{"init", "probing", "used", "ready", "defending", "conflict", "external-removed"}

func (s ACDState) String() string {
	if int(s) < len(acdStateNames) {
		return acdStateNames[s]
	}
	return fmt.Sprintf("ACDState(%d)", uint8(s))
}

// ReadyFlags select what CheckReady waits for.
type ReadyFlags uint8

const (
	// ReadyIP4ACD: every IPv4 address of the config passed ACD.
	ReadyIP4ACD ReadyFlags = 1 << iota
	// ReadyIP6DAD: no IPv6 address of the config is still tentative.
	ReadyIP6DAD
)

// EventType says what an Event reports.
type EventType uint8

const (
	// EventPlatformChange: kernel objects of the interface changed; sent
	// once per burst, on idle. Types says which kinds changed.
	EventPlatformChange EventType = iota + 1
	// EventConfigChanged: the merged config changed (Committed: the one
	// last committed changed). Old and New are the configs.
	EventConfigChanged
	// EventPreCommit: a commit is about to change the interface.
	EventPreCommit
	// EventPostCommit: a commit finished; Result says what it did.
	EventPostCommit
	// EventACD: an IPv4 address changed ACD state (Addr, ACD, Conflict).
	EventACD
	// EventDAD: IPv6 duplicate address detection of a configured address
	// ended (Addr; DADFailed when another node has it).
	EventDAD
)

var eventNames = [...]string{"", "platform-change", "config-changed", "pre-commit", "post-commit", "acd", "dad"}

func (t EventType) String() string {
	if int(t) < len(eventNames) && t != 0 {
		return eventNames[t]
	}
	return fmt.Sprintf("EventType(%d)", uint8(t))
}

// Event is what an L3Cfg tells its watchers, on the loop.
type Event struct {
	Type EventType
	// Types: EventPlatformChange.
	Types platform.Types
	// Committed, Old, New: EventConfigChanged.
	Committed bool
	Old, New  *Config
	// Result: EventPostCommit.
	Result *CommitResult
	// Addr: EventACD, EventDAD.
	Addr netip.Addr
	// ACD is the new state; Conflict the MAC address of the other host
	// (EventACD).
	ACD      ACDState
	Conflict string
	// DADFailed: EventDAD.
	DADFailed bool
}

func (e Event) String() string {
	switch e.Type {
	case EventPlatformChange:
		return fmt.Sprintf("%s [%s]", e.Type, e.Types)
	case EventConfigChanged:
		return fmt.Sprintf("%s committed=%v", e.Type, e.Committed)
	case EventPostCommit:
		if e.Result != nil {
			return fmt.Sprintf("%s %s", e.Type, e.Result.Summary())
		}
	case EventACD:
		s := fmt.Sprintf("%s %s %s", e.Type, e.Addr, e.ACD)
		if e.Conflict != "" {
			s += " by " + e.Conflict
		}
		return s
	case EventDAD:
		if e.DADFailed {
			return fmt.Sprintf("%s %s failed", e.Type, e.Addr)
		}
		return fmt.Sprintf("%s %s ok", e.Type, e.Addr)
	}
	return e.Type.String()
}
