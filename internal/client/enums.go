package client

// NetworkManager's enumerations as they travel on D-Bus
// (nm-dbus-interface.h of NetworkManager 1.42).

// State is the manager's overall state (NMState).
type State uint32

const (
	StateUnknown         State = 0
	StateAsleep          State = 10
	StateDisconnected    State = 20
	StateDisconnecting   State = 30
	StateConnecting      State = 40
	StateConnectedLocal  State = 50
	StateConnectedSite   State = 60
	StateConnectedGlobal State = 70
)

// Connectivity is NMConnectivityState.
type Connectivity uint32

const (
	ConnectivityUnknown Connectivity = 0
	ConnectivityNone    Connectivity = 1
	ConnectivityPortal  Connectivity = 2
	ConnectivityLimited Connectivity = 3
	ConnectivityFull    Connectivity = 4
)

// DeviceType is NMDeviceType.
type DeviceType uint32

const (
	DeviceTypeUnknown      DeviceType = 0
	DeviceTypeEthernet     DeviceType = 1
	DeviceTypeWifi         DeviceType = 2
	DeviceTypeUnused1      DeviceType = 3
	DeviceTypeUnused2      DeviceType = 4
	DeviceTypeBT           DeviceType = 5
	DeviceTypeOLPCMesh     DeviceType = 6
	DeviceTypeWimax        DeviceType = 7
	DeviceTypeModem        DeviceType = 8
	DeviceTypeInfiniband   DeviceType = 9
	DeviceTypeBond         DeviceType = 10
	DeviceTypeVLAN         DeviceType = 11
	DeviceTypeADSL         DeviceType = 12
	DeviceTypeBridge       DeviceType = 13
	DeviceTypeGeneric      DeviceType = 14
	DeviceTypeTeam         DeviceType = 15
	DeviceTypeTun          DeviceType = 16
	DeviceTypeIPTunnel     DeviceType = 17
	DeviceTypeMacvlan      DeviceType = 18
	DeviceTypeVxlan        DeviceType = 19
	DeviceTypeVeth         DeviceType = 20
	DeviceTypeMacsec       DeviceType = 21
	DeviceTypeDummy        DeviceType = 22
	DeviceTypePPP          DeviceType = 23
	DeviceTypeOVSInterface DeviceType = 24
	DeviceTypeOVSPort      DeviceType = 25
	DeviceTypeOVSBridge    DeviceType = 26
	DeviceTypeWPAN         DeviceType = 27
	DeviceType6LoWPAN      DeviceType = 28
	DeviceTypeWireGuard    DeviceType = 29
	DeviceTypeWifiP2P      DeviceType = 30
	DeviceTypeVRF          DeviceType = 31
	DeviceTypeLoopback     DeviceType = 32
)

// DeviceState is NMDeviceState.
type DeviceState uint32

const (
	DeviceStateUnknown      DeviceState = 0
	DeviceStateUnmanaged    DeviceState = 10
	DeviceStateUnavailable  DeviceState = 20
	DeviceStateDisconnected DeviceState = 30
	DeviceStatePrepare      DeviceState = 40
	DeviceStateConfig       DeviceState = 50
	DeviceStateNeedAuth     DeviceState = 60
	DeviceStateIPConfig     DeviceState = 70
	DeviceStateIPCheck      DeviceState = 80
	DeviceStateSecondaries  DeviceState = 90
	DeviceStateActivated    DeviceState = 100
	DeviceStateDeactivating DeviceState = 110
	DeviceStateFailed       DeviceState = 120
)

// DeviceStateReason is NMDeviceStateReason; the values run from 0
// (NONE) to 67 (PEER_NOT_FOUND) in NetworkManager 1.42.
type DeviceStateReason uint32

// A few reasons clients test for.
const (
	ReasonNone             DeviceStateReason = 0
	ReasonUnknown          DeviceStateReason = 1
	ReasonUserRequested    DeviceStateReason = 39
	ReasonDependencyFailed DeviceStateReason = 50
)

// ActiveState is NMActiveConnectionState.
type ActiveState uint32

const (
	ActiveStateUnknown      ActiveState = 0
	ActiveStateActivating   ActiveState = 1
	ActiveStateActivated    ActiveState = 2
	ActiveStateDeactivating ActiveState = 3
	ActiveStateDeactivated  ActiveState = 4
)

// ActiveStateReason is NMActiveConnectionStateReason.
type ActiveStateReason uint32

const (
	ActiveReasonUnknown             ActiveStateReason = 0
	ActiveReasonNone                ActiveStateReason = 1
	ActiveReasonUserDisconnected    ActiveStateReason = 2
	ActiveReasonDeviceDisconnected  ActiveStateReason = 3
	ActiveReasonServiceStopped      ActiveStateReason = 4
	ActiveReasonIPConfigInvalid     ActiveStateReason = 5
	ActiveReasonConnectTimeout      ActiveStateReason = 6
	ActiveReasonServiceStartTimeout ActiveStateReason = 7
	ActiveReasonServiceStartFailed  ActiveStateReason = 8
	ActiveReasonNoSecrets           ActiveStateReason = 9
	ActiveReasonLoginFailed         ActiveStateReason = 10
	ActiveReasonConnectionRemoved   ActiveStateReason = 11
	ActiveReasonDependencyFailed    ActiveStateReason = 12
	ActiveReasonDeviceRealizeFailed ActiveStateReason = 13
	ActiveReasonDeviceRemoved       ActiveStateReason = 14
)

// ActivationStateFlags is NMActivationStateFlags.
type ActivationStateFlags uint32

const (
	ActivationIsMaster           ActivationStateFlags = 0x1
	ActivationIsSlave            ActivationStateFlags = 0x2
	ActivationLayer2Ready        ActivationStateFlags = 0x4
	ActivationIP4Ready           ActivationStateFlags = 0x8
	ActivationIP6Ready           ActivationStateFlags = 0x10
	ActivationMasterHasSlaves    ActivationStateFlags = 0x20
	ActivationLifetimeBoundToVis ActivationStateFlags = 0x40
	ActivationExternal           ActivationStateFlags = 0x80
)

// VPNState is NMVpnConnectionState.
type VPNState uint32

const (
	VPNStateUnknown VPNState = iota
	VPNStatePrepare
	VPNStateNeedAuth
	VPNStateConnect
	VPNStateIPConfigGet
	VPNStateActivated
	VPNStateFailed
	VPNStateDisconnected
)

// Metered is NMMetered.
type Metered uint32

const (
	MeteredUnknown  Metered = 0
	MeteredYes      Metered = 1
	MeteredNo       Metered = 2
	MeteredGuessYes Metered = 3
	MeteredGuessNo  Metered = 4
)

// DeviceCapabilities is NMDeviceCapabilities.
type DeviceCapabilities uint32

const (
	DeviceCapNMSupported   DeviceCapabilities = 0x1
	DeviceCapCarrierDetect DeviceCapabilities = 0x2
	DeviceCapIsSoftware    DeviceCapabilities = 0x4
	DeviceCapSRIOV         DeviceCapabilities = 0x8
)

// InterfaceFlags is NMDeviceInterfaceFlags.
type InterfaceFlags uint32

const (
	InterfaceUp          InterfaceFlags = 0x1
	InterfaceLowerUp     InterfaceFlags = 0x2
	InterfacePromisc     InterfaceFlags = 0x4
	InterfaceCarrier     InterfaceFlags = 0x10000
	InterfaceLLDPEnabled InterfaceFlags = 0x20000
)

// RadioFlags is NMRadioFlags.
type RadioFlags uint32

const (
	RadioWLANAvailable RadioFlags = 0x1
	RadioWWANAvailable RadioFlags = 0x2
)

// WifiCapabilities is NMDeviceWifiCapabilities.
type WifiCapabilities uint32

const (
	WifiCapCipherWEP40  WifiCapabilities = 0x1
	WifiCapCipherWEP104 WifiCapabilities = 0x2
	WifiCapCipherTKIP   WifiCapabilities = 0x4
	WifiCapCipherCCMP   WifiCapabilities = 0x8
	WifiCapWPA          WifiCapabilities = 0x10
	WifiCapRSN          WifiCapabilities = 0x20
	WifiCapAP           WifiCapabilities = 0x40
	WifiCapAdhoc        WifiCapabilities = 0x80
	WifiCapFreqValid    WifiCapabilities = 0x100
	WifiCapFreq2GHz     WifiCapabilities = 0x200
	WifiCapFreq5GHz     WifiCapabilities = 0x400
	WifiCapMesh         WifiCapabilities = 0x1000
	WifiCapIBSSRSN      WifiCapabilities = 0x2000
)

// APFlags is NM80211ApFlags.
type APFlags uint32

const APFlagPrivacy APFlags = 0x1

// APSecurity is NM80211ApSecurityFlags.
type APSecurity uint32

const (
	APSecPairWEP40         APSecurity = 0x1
	APSecPairWEP104        APSecurity = 0x2
	APSecPairTKIP          APSecurity = 0x4
	APSecPairCCMP          APSecurity = 0x8
	APSecGroupWEP40        APSecurity = 0x10
	APSecGroupWEP104       APSecurity = 0x20
	APSecGroupTKIP         APSecurity = 0x40
	APSecGroupCCMP         APSecurity = 0x80
	APSecKeyMgmtPSK        APSecurity = 0x100
	APSecKeyMgmt8021X      APSecurity = 0x200
	APSecKeyMgmtSAE        APSecurity = 0x400
	APSecKeyMgmtOWE        APSecurity = 0x800
	APSecKeyMgmtOWETM      APSecurity = 0x1000
	APSecKeyMgmtEAPSuiteB1 APSecurity = 0x2000
)

// WifiMode is NM80211Mode.
type WifiMode uint32

const (
	WifiModeUnknown WifiMode = 0
	WifiModeAdhoc   WifiMode = 1
	WifiModeInfra   WifiMode = 2
	WifiModeAP      WifiMode = 3
	WifiModeMesh    WifiMode = 4
)

// BTCapabilities is NMBluetoothCapabilities.
type BTCapabilities uint32

const (
	BTCapDUN BTCapabilities = 0x1
	BTCapNAP BTCapabilities = 0x2
)

// ModemCapabilities is NMDeviceModemCapabilities.
type ModemCapabilities uint32

const (
	ModemCapPOTS     ModemCapabilities = 0x1
	ModemCapCDMAEVDO ModemCapabilities = 0x2
	ModemCapGSMUMTS  ModemCapabilities = 0x4
	ModemCapLTE      ModemCapabilities = 0x8
	ModemCap5GNR     ModemCapabilities = 0x40
)

// SettingsUpdate2Flags is NMSettingsUpdate2Flags.
type SettingsUpdate2Flags uint32

const (
	Update2ToDisk           SettingsUpdate2Flags = 0x1
	Update2InMemory         SettingsUpdate2Flags = 0x2
	Update2BlockAutoconnect SettingsUpdate2Flags = 0x20
)

// SettingsAddConnection2Flags is NMSettingsAddConnection2Flags.
type SettingsAddConnection2Flags uint32

const (
	AddConnection2ToDisk           SettingsAddConnection2Flags = 0x1
	AddConnection2InMemory         SettingsAddConnection2Flags = 0x2
	AddConnection2BlockAutoconnect SettingsAddConnection2Flags = 0x20
)

// ConnectionFlags is NMSettingsConnectionFlags.
type ConnectionFlags uint32

const (
	ConnectionUnsaved     ConnectionFlags = 0x1
	ConnectionNMGenerated ConnectionFlags = 0x2
	ConnectionVolatile    ConnectionFlags = 0x4
	ConnectionExternal    ConnectionFlags = 0x8
)

// CheckpointCreateFlags is NMCheckpointCreateFlags.
type CheckpointCreateFlags uint32

const (
	CheckpointDestroyAll             CheckpointCreateFlags = 0x1
	CheckpointDeleteNewConnections   CheckpointCreateFlags = 0x2
	CheckpointDisconnectNewDevices   CheckpointCreateFlags = 0x4
	CheckpointAllowOverlapping       CheckpointCreateFlags = 0x8
	CheckpointNoPreserveExternalPort CheckpointCreateFlags = 0x10
)

// ReloadFlags is NMManagerReloadFlags.
type ReloadFlags uint32

const (
	ReloadConf    ReloadFlags = 0x1
	ReloadDNSRC   ReloadFlags = 0x2
	ReloadDNSFull ReloadFlags = 0x4
)

// SecretAgentCapabilities is NMSecretAgentCapabilities.
type SecretAgentCapabilities uint32

const SecretAgentCapVPNHints SecretAgentCapabilities = 0x1

// SecretsFlags is NMSecretAgentGetSecretsFlags.
type SecretsFlags uint32

const (
	SecretsAllowInteraction SecretsFlags = 0x1
	SecretsRequestNew       SecretsFlags = 0x2
	SecretsUserRequested    SecretsFlags = 0x4
	SecretsWPSPBCActive     SecretsFlags = 0x8
	SecretsOnlySystem       SecretsFlags = 0x80000000
	SecretsNoErrors         SecretsFlags = 0x40000000
)

// Permissions NetworkManager reports through GetPermissions, by name,
// sorted.
var Permissions = []string{
	"org.freedesktop.NetworkManager.checkpoint-rollback",
	"org.freedesktop.NetworkManager.enable-disable-connectivity-check",
	"org.freedesktop.NetworkManager.enable-disable-network",
	"org.freedesktop.NetworkManager.enable-disable-statistics",
	"org.freedesktop.NetworkManager.enable-disable-wifi",
	"org.freedesktop.NetworkManager.enable-disable-wimax",
	"org.freedesktop.NetworkManager.enable-disable-wwan",
	"org.freedesktop.NetworkManager.network-control",
	"org.freedesktop.NetworkManager.reload",
	"org.freedesktop.NetworkManager.settings.modify.global-dns",
	"org.freedesktop.NetworkManager.settings.modify.hostname",
	"org.freedesktop.NetworkManager.settings.modify.own",
	"org.freedesktop.NetworkManager.settings.modify.system",
	"org.freedesktop.NetworkManager.sleep-wake",
	"org.freedesktop.NetworkManager.wifi.scan",
	"org.freedesktop.NetworkManager.wifi.share.open",
	"org.freedesktop.NetworkManager.wifi.share.protected",
}
