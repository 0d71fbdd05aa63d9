package bus

import (
	"errors"
	"fmt"
	"strings"
)

// Error is a D-Bus error reply: one of NetworkManager's error names and a
// message for people. Handlers return it (through Call.Error) for every
// failure, so clients see the names libnm maps to its GError codes.
type Error struct {
	Name    string
	Message string
}

// Errorf returns an Error with the given name and formatted message.
func Errorf(name, format string, args ...any) *Error {
	return &Error{Name: name, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return e.Name + ": " + e.Message }

// DBusError lets godbus send the error with its name.
func (e *Error) DBusError() (string, []any) { return e.Name, []any{e.Message} }

// NetworkManager's error names: the interface of the error domain, a dot,
// and the nick of the error code (src/libnm-core-public/nm-errors.h).
const (
	// NMManagerError, on org.freedesktop.NetworkManager.
	ManagerFailed                   = "org.freedesktop.NetworkManager.Failed"
	ManagerPermissionDenied         = "org.freedesktop.NetworkManager.PermissionDenied"
	ManagerUnknownConnection        = "org.freedesktop.NetworkManager.UnknownConnection"
	ManagerUnknownDevice            = "org.freedesktop.NetworkManager.UnknownDevice"
	ManagerConnectionNotAvailable   = "org.freedesktop.NetworkManager.ConnectionNotAvailable"
	ManagerConnectionNotActive      = "org.freedesktop.NetworkManager.ConnectionNotActive"
	ManagerConnectionAlreadyActive  = "org.freedesktop.NetworkManager.ConnectionAlreadyActive"
	ManagerDependencyFailed         = "org.freedesktop.NetworkManager.DependencyFailed"
	ManagerAlreadyAsleepOrAwake     = "org.freedesktop.NetworkManager.AlreadyAsleepOrAwake"
	ManagerAlreadyEnabledOrDisabled = "org.freedesktop.NetworkManager.AlreadyEnabledOrDisabled"
	ManagerUnknownLogLevel          = "org.freedesktop.NetworkManager.UnknownLogLevel"
	ManagerUnknownLogDomain         = "org.freedesktop.NetworkManager.UnknownLogDomain"
	ManagerInvalidArguments         = "org.freedesktop.NetworkManager.InvalidArguments"
	ManagerMissingPlugin            = "org.freedesktop.NetworkManager.MissingPlugin"

	// NMSettingsError, on org.freedesktop.NetworkManager.Settings.
	SettingsFailed             = "org.freedesktop.NetworkManager.Settings.Failed"
	SettingsPermissionDenied   = "org.freedesktop.NetworkManager.Settings.PermissionDenied"
	SettingsNotSupported       = "org.freedesktop.NetworkManager.Settings.NotSupported"
	SettingsInvalidConnection  = "org.freedesktop.NetworkManager.Settings.InvalidConnection"
	SettingsReadOnlyConnection = "org.freedesktop.NetworkManager.Settings.ReadOnlyConnection"
	SettingsUUIDExists         = "org.freedesktop.NetworkManager.Settings.UuidExists"
	SettingsInvalidHostname    = "org.freedesktop.NetworkManager.Settings.InvalidHostname"
	SettingsInvalidArguments   = "org.freedesktop.NetworkManager.Settings.InvalidArguments"

	// NMConnectionError, on org.freedesktop.NetworkManager.Settings.Connection.
	ConnectionFailed            = "org.freedesktop.NetworkManager.Settings.Connection.Failed"
	ConnectionSettingNotFound   = "org.freedesktop.NetworkManager.Settings.Connection.SettingNotFound"
	ConnectionPropertyNotFound  = "org.freedesktop.NetworkManager.Settings.Connection.PropertyNotFound"
	ConnectionPropertyNotSecret = "org.freedesktop.NetworkManager.Settings.Connection.PropertyNotSecret"
	ConnectionMissingSetting    = "org.freedesktop.NetworkManager.Settings.Connection.MissingSetting"
	ConnectionInvalidSetting    = "org.freedesktop.NetworkManager.Settings.Connection.InvalidSetting"
	ConnectionMissingProperty   = "org.freedesktop.NetworkManager.Settings.Connection.MissingProperty"
	ConnectionInvalidProperty   = "org.freedesktop.NetworkManager.Settings.Connection.InvalidProperty"

	// NMDeviceError, on org.freedesktop.NetworkManager.Device.
	DeviceFailed                 = "org.freedesktop.NetworkManager.Device.Failed"
	DeviceCreationFailed         = "org.freedesktop.NetworkManager.Device.CreationFailed"
	DeviceInvalidConnection      = "org.freedesktop.NetworkManager.Device.InvalidConnection"
	DeviceIncompatibleConnection = "org.freedesktop.NetworkManager.Device.IncompatibleConnection"
	DeviceNotActive              = "org.freedesktop.NetworkManager.Device.NotActive"
	DeviceNotSoftware            = "org.freedesktop.NetworkManager.Device.NotSoftware"
	DeviceNotAllowed             = "org.freedesktop.NetworkManager.Device.NotAllowed"
	DeviceSpecificObjectNotFound = "org.freedesktop.NetworkManager.Device.SpecificObjectNotFound"
	DeviceVersionIDMismatch      = "org.freedesktop.NetworkManager.Device.VersionIdMismatch"
	DeviceMissingDependencies    = "org.freedesktop.NetworkManager.Device.MissingDependencies"
	DeviceInvalidArgument        = "org.freedesktop.NetworkManager.Device.InvalidArgument"

	// NMAgentManagerError, on org.freedesktop.NetworkManager.AgentManager.
	AgentManagerFailed            = "org.freedesktop.NetworkManager.AgentManager.Failed"
	AgentManagerPermissionDenied  = "org.freedesktop.NetworkManager.AgentManager.PermissionDenied"
	AgentManagerInvalidIdentifier = "org.freedesktop.NetworkManager.AgentManager.InvalidIdentifier"
	AgentManagerNotRegistered     = "org.freedesktop.NetworkManager.AgentManager.NotRegistered"
	AgentManagerNoSecrets         = "org.freedesktop.NetworkManager.AgentManager.NoSecrets"
	AgentManagerUserCanceled      = "org.freedesktop.NetworkManager.AgentManager.UserCanceled"

	// NMSecretAgentError, on org.freedesktop.NetworkManager.SecretAgent.
	SecretAgentFailed            = "org.freedesktop.NetworkManager.SecretAgent.Failed"
	SecretAgentPermissionDenied  = "org.freedesktop.NetworkManager.SecretAgent.PermissionDenied"
	SecretAgentInvalidConnection = "org.freedesktop.NetworkManager.SecretAgent.InvalidConnection"
	SecretAgentUserCanceled      = "org.freedesktop.NetworkManager.SecretAgent.UserCanceled"
	SecretAgentAgentCanceled     = "org.freedesktop.NetworkManager.SecretAgent.AgentCanceled"
	SecretAgentNoSecrets         = "org.freedesktop.NetworkManager.SecretAgent.NoSecrets"

	// NMVpnPluginError, under org.freedesktop.NetworkManager.VPN.Error.
	VPNPluginFailed                  = "org.freedesktop.NetworkManager.VPN.Error.Failed"
	VPNPluginStartingInProgress      = "org.freedesktop.NetworkManager.VPN.Error.StartingInProgress"
	VPNPluginAlreadyStarted          = "org.freedesktop.NetworkManager.VPN.Error.AlreadyStarted"
	VPNPluginStoppingInProgress      = "org.freedesktop.NetworkManager.VPN.Error.StoppingInProgress"
	VPNPluginAlreadyStopped          = "org.freedesktop.NetworkManager.VPN.Error.AlreadyStopped"
	VPNPluginWrongState              = "org.freedesktop.NetworkManager.VPN.Error.WrongState"
	VPNPluginBadArguments            = "org.freedesktop.NetworkManager.VPN.Error.BadArguments"
	VPNPluginLaunchFailed            = "org.freedesktop.NetworkManager.VPN.Error.LaunchFailed"
	VPNPluginInvalidConnection       = "org.freedesktop.NetworkManager.VPN.Error.InvalidConnection"
	VPNPluginInteractiveNotSupported = "org.freedesktop.NetworkManager.VPN.Error.InteractiveNotSupported"

	// Errors of the D-Bus specification, used as GDBus (and so
	// NetworkManager) uses them for malformed calls.
	DBusFailed        = "org.freedesktop.DBus.Error.Failed"
	DBusUnknownMethod = "org.freedesktop.DBus.Error.UnknownMethod"
	DBusUnknownObject = "org.freedesktop.DBus.Error.UnknownObject"
	DBusInvalidArgs   = "org.freedesktop.DBus.Error.InvalidArgs"
	DBusAuthFailed    = "org.freedesktop.DBus.Error.AuthFailed"
)

// domainFailed maps an interface to the generic failure of its error
// domain. Interfaces without a domain of their own report through the
// manager's.
func domainFailed(iface string) string {
	switch {
	case iface == "org.freedesktop.NetworkManager.Settings":
		return SettingsFailed
	case iface == "org.freedesktop.NetworkManager.Settings.Connection":
		return ConnectionFailed
	case iface == "org.freedesktop.NetworkManager.Device" ||
		strings.HasPrefix(iface, "org.freedesktop.NetworkManager.Device."):
		return DeviceFailed
	case iface == "org.freedesktop.NetworkManager.AgentManager":
		return AgentManagerFailed
	}
	return ManagerFailed
}

// NotSupportedYet is the answer of a method whose layer gonm does not have
// yet: the error domain's NotSupported where it has one (Settings), else
// its Failed, with a message naming the method and what it waits for.
func NotSupportedYet(iface, member, missing string) *Error {
	name := domainFailed(iface)
	if name == SettingsFailed {
		name = SettingsNotSupported
	}
	return Errorf(name, "%s is not supported yet by gonm (it needs %s)", member, missing)
}

// asError turns any error a handler reports into a NetworkManager error:
// an *Error passes through; anything else becomes the Failed error of the
// interface's domain with the error's text, so that no Go error leaks out
// as org.freedesktop.DBus.Error.Failed.
func asError(iface string, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Name: domainFailed(iface), Message: err.Error()}
}

// The texts GDBus answers malformed calls with; clients and tests see
// these from NetworkManager, so gonm answers alike.
func errNoObject(path string) *Error {
	return Errorf(DBusUnknownMethod, "Object does not exist at path “%s”", path)
}

func errNoInterface(iface, path string) *Error {
	return Errorf(DBusUnknownMethod, "No such interface “%s” on object at path %s", iface, path)
}

func errNoMethod(member string) *Error {
	return Errorf(DBusUnknownMethod, "No such method “%s”", member)
}

func errSignature(got, want string) *Error {
	return Errorf(DBusInvalidArgs, "Type of message, “(%s)”, does not match expected type “(%s)”", got, want)
}

func errNoPropInterface(iface string) *Error {
	return Errorf(DBusInvalidArgs, "No such interface “%s”", iface)
}

func errNoProperty(name string) *Error {
	return Errorf(DBusInvalidArgs, "No such property “%s”", name)
}

func errNotWritable(name string) *Error {
	return Errorf(DBusInvalidArgs, "Property “%s” is not writable", name)
}

func errPropType(name, want, got string) *Error {
	return Errorf(DBusInvalidArgs, "Error setting property “%s”: Expected type “%s” but got “%s”", name, want, got)
}
