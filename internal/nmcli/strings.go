package nmcli

import (
	"strconv"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/nmcli/format"
)

// The words nmcli uses for NetworkManager's states and reasons.

// deviceReasons are the texts for NMDeviceStateReason 0..67.
var deviceReasons = [...]string{
	"No reason given",
	"Unknown error",
	"Device is now managed",
	"Device is now unmanaged",
	"The device could not be readied for configuration",
	"IP configuration could not be reserved (no available address, timeout, etc.)",
	"The IP configuration is no longer valid",
	"Secrets were required, but not provided",
	"802.1X supplicant disconnected",
	"802.1X supplicant configuration failed",
	"802.1X supplicant failed",
	"802.1X supplicant took too long to authenticate",
	"PPP service failed to start",
	"PPP service disconnected",
	"PPP failed",
	"DHCP client failed to start",
	"DHCP client error",
	"DHCP client failed",
	"Shared connection service failed to start",
	"Shared connection service failed",
	"AutoIP service failed to start",
	"AutoIP service error",
	"AutoIP service failed",
	"The line is busy",
	"No dial tone",
	"No carrier could be established",
	"The dialing request timed out",
	"The dialing attempt failed",
	"Modem initialization failed",
	"Failed to select the specified APN",
	"Not searching for networks",
	"Network registration denied",
	"Network registration timed out",
	"Failed to register with the requested network",
	"PIN check failed",
	"Necessary firmware for the device may be missing",
	"The device was removed",
	"NetworkManager went to sleep",
	"The device's active connection disappeared",
	"Device disconnected by user or client",
	"Carrier/link changed",
	"The device's existing connection was assumed",
	"The supplicant is now available",
	"The modem could not be found",
	"The Bluetooth connection failed or timed out",
	"GSM Modem's SIM card not inserted",
	"GSM Modem's SIM PIN required",
	"GSM Modem's SIM PUK required",
	"GSM Modem's SIM wrong",
	"InfiniBand device does not support connected mode",
	"A dependency of the connection failed",
	"A problem with the RFC 2684 Ethernet over ADSL bridge",
	"ModemManager is unavailable",
	"The Wi-Fi network could not be found",
	"A secondary connection of the base connection failed",
	"DCB or FCoE setup failed",
	"teamd control failed",
	"Modem failed or no longer available",
	"Modem now ready and available",
	"SIM PIN was incorrect",
	"New connection activation was enqueued",
	"The device's parent changed",
	"The device parent's management changed",
	"Open vSwitch database connection failed",
	"A duplicate IP address was detected",
	"The selected IP method is not supported",
	"Failed to configure SR-IOV parameters",
	"The Wi-Fi P2P peer could not be found",
}

func deviceReasonString(r client.DeviceStateReason) string {
	if int(r) < len(deviceReasons) {
		return deviceReasons[r]
	}
	return "Unknown"
}

var deviceStates = map[client.DeviceState]string{
	client.DeviceStateUnknown:      "unknown",
	client.DeviceStateUnmanaged:    "unmanaged",
	client.DeviceStateUnavailable:  "unavailable",
	client.DeviceStateDisconnected: "disconnected",
	client.DeviceStatePrepare:      "connecting (prepare)",
	client.DeviceStateConfig:       "connecting (configuring)",
	client.DeviceStateNeedAuth:     "connecting (need authentication)",
	client.DeviceStateIPConfig:     "connecting (getting IP configuration)",
	client.DeviceStateIPCheck:      "connecting (checking IP connectivity)",
	client.DeviceStateSecondaries:  "connecting (starting secondary connections)",
	client.DeviceStateActivated:    "connected",
	client.DeviceStateDeactivating: "deactivating",
	client.DeviceStateFailed:       "connection failed",
}

func deviceStateString(s client.DeviceState) string {
	if t, ok := deviceStates[s]; ok {
		return t
	}
	return "unknown"
}

// externalStates word a device state when the active connection was not
// made by NetworkManager but found on the system.
var externalStates = map[client.DeviceState]string{
	client.DeviceStatePrepare:      "connecting (externally)",
	client.DeviceStateConfig:       "connecting (externally)",
	client.DeviceStateNeedAuth:     "connecting (externally)",
	client.DeviceStateIPConfig:     "connecting (externally)",
	client.DeviceStateIPCheck:      "connecting (externally)",
	client.DeviceStateSecondaries:  "connecting (externally)",
	client.DeviceStateActivated:    "connected (externally)",
	client.DeviceStateDeactivating: "deactivating (externally)",
	client.DeviceStateFailed:       "deactivating (externally)",
}

// deviceStateWithExternal is the state as nmcli shows it for a device.
func deviceStateWithExternal(d *client.Device) string {
	s := d.State()
	if ac := d.ActiveConnection(); ac != nil && ac.StateFlags()&client.ActivationExternal != 0 {
		if t, ok := externalStates[s]; ok {
			return t
		}
	}
	return deviceStateString(s)
}

func deviceStateColor(d *client.Device) format.Color {
	if d == nil {
		return format.ColorDeviceUnknown
	}
	if ac := d.ActiveConnection(); ac != nil && ac.StateFlags()&client.ActivationExternal != 0 {
		return format.ColorConnectionExternal
	}
	s := d.State()
	switch {
	case s <= client.DeviceStateUnavailable:
		return format.ColorDeviceUnavailable
	case s == client.DeviceStateDisconnected:
		return format.ColorDeviceDisconnected
	case s >= client.DeviceStatePrepare && s <= client.DeviceStateSecondaries:
		return format.ColorDeviceActivating
	case s == client.DeviceStateActivated:
		return format.ColorDeviceActivated
	}
	return format.ColorDeviceUnknown
}

var meteredStrings = map[client.Metered]string{
	client.MeteredYes:      "yes",
	client.MeteredNo:       "no",
	client.MeteredGuessYes: "yes (guessed)",
	client.MeteredGuessNo:  "no (guessed)",
	client.MeteredUnknown:  "unknown",
}

func meteredString(m client.Metered) string {
	if t, ok := meteredStrings[m]; ok {
		return t
	}
	return "unknown"
}

func connectivityString(c client.Connectivity) string {
	switch c {
	case client.ConnectivityNone:
		return "none"
	case client.ConnectivityPortal:
		return "portal"
	case client.ConnectivityLimited:
		return "limited"
	case client.ConnectivityFull:
		return "full"
	}
	return "unknown"
}

func connectivityColor(c client.Connectivity) format.Color {
	switch c {
	case client.ConnectivityNone:
		return format.ColorConnectivityNone
	case client.ConnectivityPortal:
		return format.ColorConnectivityPortal
	case client.ConnectivityLimited:
		return format.ColorConnectivityLimited
	case client.ConnectivityFull:
		return format.ColorConnectivityFull
	}
	return format.ColorConnectivityUnknown
}

func stateString(s client.State) string {
	switch s {
	case client.StateAsleep:
		return "asleep"
	case client.StateConnecting:
		return "connecting"
	case client.StateConnectedLocal:
		return "connected (local only)"
	case client.StateConnectedSite:
		return "connected (site only)"
	case client.StateConnectedGlobal:
		return "connected"
	case client.StateDisconnecting:
		return "disconnecting"
	case client.StateDisconnected:
		return "disconnected"
	}
	return "unknown"
}

func stateColor(s client.State) format.Color {
	switch s {
	case client.StateConnecting:
		return format.ColorStateConnecting
	case client.StateConnectedLocal:
		return format.ColorStateConnectedLocal
	case client.StateConnectedSite:
		return format.ColorStateConnectedSite
	case client.StateConnectedGlobal:
		return format.ColorStateConnectedGlobal
	case client.StateDisconnecting:
		return format.ColorStateDisconnecting
	case client.StateAsleep:
		return format.ColorStateAsleep
	case client.StateDisconnected:
		return format.ColorStateDisconnected
	}
	return format.ColorStateUnknown
}

func activeStateString(s client.ActiveState) string {
	switch s {
	case client.ActiveStateActivating:
		return "activating"
	case client.ActiveStateActivated:
		return "activated"
	case client.ActiveStateDeactivating:
		return "deactivating"
	case client.ActiveStateDeactivated:
		return "deactivated"
	}
	return "unknown"
}

var activeReasons = [...]string{
	"Unknown reason",
	"The connection was disconnected",
	"Disconnected by user",
	"The base network connection was interrupted",
	"The VPN service stopped unexpectedly",
	"The VPN service returned invalid configuration",
	"The connection attempt timed out",
	"The VPN service did not start in time",
	"The VPN service failed to start",
	"No valid secrets",
	"Invalid secrets",
	"The connection was removed",
	"Master connection failed",
	"Could not create a software link",
	"The device disappeared",
}

func activeReasonString(r client.ActiveStateReason) string {
	if int(r) < len(activeReasons) {
		return activeReasons[r]
	}
	return "Unknown"
}

func vpnStateString(s client.VPNState) string {
	switch s {
	case client.VPNStatePrepare:
		return "VPN connecting (prepare)"
	case client.VPNStateNeedAuth:
		return "VPN connecting (need authentication)"
	case client.VPNStateConnect:
		return "VPN connecting"
	case client.VPNStateIPConfigGet:
		return "VPN connecting (getting IP configuration)"
	case client.VPNStateActivated:
		return "VPN connected"
	case client.VPNStateFailed:
		return "VPN connection failed"
	case client.VPNStateDisconnected:
		return "VPN disconnected"
	}
	return "unknown"
}

// activeStateColor colors an active connection by its state.
func activeStateColor(ac *client.ActiveConnection) format.Color {
	if ac.StateFlags()&client.ActivationExternal != 0 {
		return format.ColorConnectionExternal
	}
	switch s := ac.State(); {
	case s == client.ActiveStateActivating:
		return format.ColorConnectionActivating
	case s == client.ActiveStateActivated:
		return format.ColorConnectionActivated
	case s > client.ActiveStateActivated:
		return format.ColorConnectionDisconnecting
	}
	return format.ColorConnectionUnknown
}

// boolStr is nmcli's yes/no.
func boolStr(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// onOff is nmcli's on/off.
func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// enumDetail renders "NUM (TEXT)", as nmcli does for states and reasons in
// every mode.
func enumDetail(n uint32, text string) string {
	return itoa(int(n)) + " (" + text + ")"
}

func itoa(n int) string { return strconv.Itoa(n) }

func formatInt(n int64) string { return strconv.FormatInt(n, 10) }
