package device

import (
	"github.com/gonm/gonm/internal/loop"
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
		// auto is the family's automatic method (auto.go), autoState
		// what it reported.
		auto      AutoMethod
		autoState IPState
	}
	combined      IPState
	manualTimer   *loop.Timer
	manualExpired bool
	checkQueued   bool
	enslaved      bool
}
