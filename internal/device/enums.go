package device

import "fmt"

// State is NetworkManager's NMDeviceState, the value of Device.State.
type State uint32

// NMDeviceState values.
const (
	StateUnknown      State = 0
	StateUnmanaged    State = 10
	StateUnavailable  State = 20
	StateDisconnected State = 30
	StatePrepare      State = 40
	StateConfig       State = 50
	StateNeedAuth     State = 60
	StateIPConfig     State = 70
	StateIPCheck      State = 80
	StateSecondaries  State = 90
	StateActivated    State = 100
	StateDeactivating State = 110
	StateFailed       State = 120
)

var stateNames = map[State]string{
	StateUnknown: "unknown", StateUnmanaged: "unmanaged", StateUnavailable: "unavailable",
	StateDisconnected: "disconnected", StatePrepare: "prepare", StateConfig: "config",
	StateNeedAuth: "need-auth", StateIPConfig: "ip-config", StateIPCheck: "ip-check",
	StateSecondaries: "secondaries", StateActivated: "activated", StateDeactivating: "deactivating",
	StateFailed: "failed",
}

// String is the state's name as NetworkManager logs it.
func (s State) String() string {
	if n, ok := stateNames[s]; ok {
		return n
	}
	return fmt.Sprintf("State(%d)", uint32(s))
}

// Activating reports the states between the start of an activation and
// its success (PREPARE to SECONDARIES).
func (s State) Activating() bool { return s >= StatePrepare && s <= StateSecondaries }

// Reason is NetworkManager 1.42's NMDeviceStateReason.
type Reason uint32

// NMDeviceStateReason values (1.42 defines 0 to 67).
const (
	ReasonNone                      Reason = 0
	ReasonUnknown                   Reason = 1
	ReasonNowManaged                Reason = 2
	ReasonNowUnmanaged              Reason = 3
	ReasonConfigFailed              Reason = 4
	ReasonIPConfigUnavailable       Reason = 5
	ReasonIPConfigExpired           Reason = 6
	ReasonNoSecrets                 Reason = 7
	ReasonSupplicantDisconnect      Reason = 8
	ReasonSupplicantConfigFailed    Reason = 9
	ReasonSupplicantFailed          Reason = 10
	ReasonSupplicantTimeout         Reason = 11
	ReasonPPPStartFailed            Reason = 12
	ReasonPPPDisconnect             Reason = 13
	ReasonPPPFailed                 Reason = 14
	ReasonDHCPStartFailed           Reason = 15
	ReasonDHCPError                 Reason = 16
	ReasonDHCPFailed                Reason = 17
	ReasonSharedStartFailed         Reason = 18
	ReasonSharedFailed              Reason = 19
	ReasonAutoIPStartFailed         Reason = 20
	ReasonAutoIPError               Reason = 21
	ReasonAutoIPFailed              Reason = 22
	ReasonFirmwareMissing           Reason = 35
	ReasonRemoved                   Reason = 36
	ReasonSleeping                  Reason = 37
	ReasonConnectionRemoved         Reason = 38
	ReasonUserRequested             Reason = 39
	ReasonCarrier                   Reason = 40
	ReasonConnectionAssumed         Reason = 41
	ReasonSupplicantAvailable       Reason = 42
	ReasonDependencyFailed          Reason = 50
	ReasonSecondaryConnectionFailed Reason = 54
	ReasonNewActivation             Reason = 60
	ReasonParentChanged             Reason = 61
	ReasonParentManagedChanged      Reason = 62
	ReasonIPAddressDuplicate        Reason = 64
	ReasonIPMethodUnsupported       Reason = 65
	ReasonSRIOVConfigurationFailed  Reason = 66
	ReasonPeerNotFound              Reason = 67
	maxReason                              = 67
)

// reasonNames are the names NetworkManager logs, indexed by value.
var reasonNames = [maxReason + 1]string{
	"none", "unknown", "managed", "unmanaged", "config-failed", "ip-config-unavailable",
	"ip-config-expired", "no-secrets", "supplicant-disconnect", "supplicant-config-failed",
	"supplicant-failed", "supplicant-timeout", "ppp-start-failed", "ppp-disconnect", "ppp-failed",
	"dhcp-start-failed", "dhcp-error", "dhcp-failed", "sharing-start-failed", "sharing-failed",
	"autoip-start-failed", "autoip-error", "autoip-failed", "modem-busy", "modem-no-dialtone",
	"modem-no-carrier", "modem-dial-timeout", "modem-dial-failed", "modem-init-failed",
	"gsm-apn-failed", "gsm-registration-idle", "gsm-registration-denied",
	"gsm-registration-timeout", "gsm-registration-failed", "gsm-pin-check-failed",
	"firmware-missing", "removed", "sleeping", "connection-removed", "user-requested",
	"carrier-changed", "connection-assumed", "supplicant-available", "modem-not-found",
	"bluetooth-failed", "gsm-sim-not-inserted", "gsm-sim-pin-required", "gsm-sim-puk-required",
	"gsm-sim-wrong", "infiniband-mode", "dependency-failed", "br2684-bridge-failed",
	"modem-manager-unavailable", "ssid-not-found", "secondary-connection-failed",
	"dcb-fcoe-failed", "teamd-control-failed", "modem-failed", "modem-available",
	"sim-pin-incorrect", "new-activation", "parent-changed", "parent-managed-changed",
	"ovsdb-failed", "ip-address-duplicate", "ip-method-unsupported",
	"sriov-configuration-failed", "peer-not-found",
}

// String is the reason's name as NetworkManager logs it.
func (r Reason) String() string {
	if r <= maxReason {
		return reasonNames[r]
	}
	return fmt.Sprintf("Reason(%d)", uint32(r))
}

// Type is NetworkManager's NMDeviceType, the value of Device.DeviceType.
type Type uint32

// NMDeviceType values of the kinds gonm knows.
const (
	TypeUnknown    Type = 0
	TypeEthernet   Type = 1
	TypeWifi       Type = 2
	TypeInfiniband Type = 9
	TypeBond       Type = 10
	TypeVLAN       Type = 11
	TypeBridge     Type = 13
	TypeGeneric    Type = 14
	TypeTeam       Type = 15
	TypeTun        Type = 16
	TypeIPTunnel   Type = 17
	TypeMacvlan    Type = 18
	TypeVxlan      Type = 19
	TypeVeth       Type = 20
	TypeMacsec     Type = 21
	TypeDummy      Type = 22
	TypePPP        Type = 23
	TypeWireGuard  Type = 29
	TypeVRF        Type = 31
	TypeLoopback   Type = 32
)

// Capabilities are NMDeviceCapabilities (Device.Capabilities).
type Capabilities uint32

const (
	CapNMSupported   Capabilities = 0x1
	CapCarrierDetect Capabilities = 0x2
	CapIsSoftware    Capabilities = 0x4
	CapSRIOV         Capabilities = 0x8
)

// InterfaceFlags are NMDeviceInterfaceFlags (Device.InterfaceFlags).
type InterfaceFlags uint32

const (
	IfaceFlagUp                InterfaceFlags = 0x1
	IfaceFlagLowerUp           InterfaceFlags = 0x2
	IfaceFlagPromisc           InterfaceFlags = 0x4
	IfaceFlagCarrier           InterfaceFlags = 0x10000
	IfaceFlagLLDPClientEnabled InterfaceFlags = 0x20000
)

// Metered is NMMetered (Device.Metered).
type Metered uint32

const (
	MeteredUnknown  Metered = 0
	MeteredYes      Metered = 1
	MeteredNo       Metered = 2
	MeteredGuessYes Metered = 3
	MeteredGuessNo  Metered = 4
)

// Connectivity is NMConnectivityState (Device.Ip4Connectivity ...).
type Connectivity uint32

const (
	ConnectivityUnknown Connectivity = 0
	ConnectivityNone    Connectivity = 1
	ConnectivityPortal  Connectivity = 2
	ConnectivityLimited Connectivity = 3
	ConnectivityFull    Connectivity = 4
)

// SysIfaceState says how much of the interface the device owns, as
// NetworkManager's NMDeviceSysIfaceState: "external" devices are only
// watched, "assume" devices keep what they found while activating a
// profile, "managed" ones are configured from scratch, "removed" ones are
// gone.
type SysIfaceState uint8

const (
	SysIfaceExternal SysIfaceState = iota
	SysIfaceAssume
	SysIfaceManaged
	SysIfaceRemoved
)

func (s SysIfaceState) String() string {
	return [...]string{"external", "assume", "managed", "removed"}[s]
}
