package client

import (
	"errors"
	"strings"

	"github.com/godbus/dbus/v5"
)

// Error is a D-Bus error returned by NetworkManager (or the bus): the error
// name and the message.
type Error struct {
	Name    string
	Message string
}

// Error returns the message alone, as libnm shows remote errors once it
// has stripped their D-Bus prefix.
func (e *Error) Error() string { return e.Message }

// Remote returns the message with GLib's prefix for remote errors
// ("GDBus.Error:NAME: MESSAGE"), which some NetworkManager clients print
// unstripped.
func (e *Error) Remote() string { return "GDBus.Error:" + e.Name + ": " + e.Message }

// Is makes errors.Is(err, ErrUnknownConnection) and the like work.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Name == e.Name
}

func nameError(name string) *Error { return &Error{Name: name} }

// Error name prefixes: one per NetworkManager error domain.
const (
	managerErrorPrefix     = "org.freedesktop.NetworkManager."
	settingsErrorPrefix    = "org.freedesktop.NetworkManager.Settings."
	connectionErrorPrefix  = "org.freedesktop.NetworkManager.Settings.Connection."
	deviceErrorPrefix      = "org.freedesktop.NetworkManager.Device."
	agentManagerPrefix     = "org.freedesktop.NetworkManager.AgentManager."
	secretAgentErrorPrefix = "org.freedesktop.NetworkManager.SecretAgent."
)

// NetworkManager's errors (NMManagerError and the other domains), for
// errors.Is. Only the name is compared.
var (
	ErrManagerFailed             = nameError(managerErrorPrefix + "Failed")
	ErrPermissionDenied          = nameError(managerErrorPrefix + "PermissionDenied")
	ErrUnknownConnection         = nameError(managerErrorPrefix + "UnknownConnection")
	ErrUnknownDevice             = nameError(managerErrorPrefix + "UnknownDevice")
	ErrConnectionNotAvailable    = nameError(managerErrorPrefix + "ConnectionNotAvailable")
	ErrConnectionNotActive       = nameError(managerErrorPrefix + "ConnectionNotActive")
	ErrConnectionAlreadyActive   = nameError(managerErrorPrefix + "ConnectionAlreadyActive")
	ErrDependencyFailed          = nameError(managerErrorPrefix + "DependencyFailed")
	ErrAlreadyAsleepOrAwake      = nameError(managerErrorPrefix + "AlreadyAsleepOrAwake")
	ErrAlreadyEnabledOrDisabled  = nameError(managerErrorPrefix + "AlreadyEnabledOrDisabled")
	ErrUnknownLogLevel           = nameError(managerErrorPrefix + "UnknownLogLevel")
	ErrUnknownLogDomain          = nameError(managerErrorPrefix + "UnknownLogDomain")
	ErrInvalidArguments          = nameError(managerErrorPrefix + "InvalidArguments")
	ErrMissingPlugin             = nameError(managerErrorPrefix + "MissingPlugin")
	ErrSettingsFailed            = nameError(settingsErrorPrefix + "Failed")
	ErrSettingsPermissionDenied  = nameError(settingsErrorPrefix + "PermissionDenied")
	ErrSettingsNotSupported      = nameError(settingsErrorPrefix + "NotSupported")
	ErrSettingsInvalidConnection = nameError(settingsErrorPrefix + "InvalidConnection")
	ErrSettingsReadOnly          = nameError(settingsErrorPrefix + "ReadOnlyConnection")
	ErrSettingsUUIDExists        = nameError(settingsErrorPrefix + "UuidExists")
	ErrSettingsInvalidHostname   = nameError(settingsErrorPrefix + "InvalidHostname")
	ErrSettingsInvalidArguments  = nameError(settingsErrorPrefix + "InvalidArguments")
	ErrConnectionFailed          = nameError(connectionErrorPrefix + "Failed")
	ErrDeviceFailed              = nameError(deviceErrorPrefix + "Failed")
	ErrDeviceCreationFailed      = nameError(deviceErrorPrefix + "CreationFailed")
	ErrDeviceInvalidConnection   = nameError(deviceErrorPrefix + "InvalidConnection")
	ErrDeviceIncompatible        = nameError(deviceErrorPrefix + "IncompatibleConnection")
	ErrDeviceNotActive           = nameError(deviceErrorPrefix + "NotActive")
	ErrDeviceNotSoftware         = nameError(deviceErrorPrefix + "NotSoftware")
	ErrDeviceNotAllowed          = nameError(deviceErrorPrefix + "NotAllowed")
	ErrDeviceSpecificObject      = nameError(deviceErrorPrefix + "SpecificObjectNotFound")
	ErrDeviceVersionIDMismatch   = nameError(deviceErrorPrefix + "VersionIdMismatch")
	ErrDeviceMissingDependencies = nameError(deviceErrorPrefix + "MissingDependencies")
	ErrDeviceInvalidArgument     = nameError(deviceErrorPrefix + "InvalidArgument")
	ErrAgentManagerNotRegistered = nameError(agentManagerPrefix + "NotRegistered")

	// Errors of the bus itself.
	ErrAccessDenied   = nameError("org.freedesktop.DBus.Error.AccessDenied")
	ErrServiceUnknown = nameError("org.freedesktop.DBus.Error.ServiceUnknown")
	ErrUnknownMethod  = nameError("org.freedesktop.DBus.Error.UnknownMethod")
	ErrNoReply        = nameError("org.freedesktop.DBus.Error.NoReply")
	ErrTimeout        = nameError("org.freedesktop.DBus.Error.Timeout")
)

// ErrNotRunning is returned by calls made while NetworkManager does not
// own its bus name; its text is libnm's.
var ErrNotRunning = errors.New("NetworkManager is not running")

// ErrTimedOut is returned when a call's timeout expires without a reply.
var ErrTimedOut = &Error{Name: "org.freedesktop.DBus.Error.NoReply", Message: "Timeout was reached"}

// wrapCallError turns godbus' error into an *Error when it carries a D-Bus
// error name.
func wrapCallError(err error) error {
	if err == nil {
		return nil
	}
	var de dbus.Error
	if errors.As(err, &de) {
		msg := ""
		if len(de.Body) > 0 {
			if s, ok := de.Body[0].(string); ok {
				msg = s
			}
		}
		return &Error{Name: de.Name, Message: msg}
	}
	var dep *dbus.Error
	if errors.As(err, &dep) {
		msg := ""
		if len(dep.Body) > 0 {
			if s, ok := dep.Body[0].(string); ok {
				msg = s
			}
		}
		return &Error{Name: dep.Name, Message: msg}
	}
	if errors.Is(err, errCallTimeout) {
		return ErrTimedOut
	}
	return err
}

var errCallTimeout = errors.New("call timed out")

// IsManagerError reports whether err belongs to NetworkManager's manager
// error domain (names directly under org.freedesktop.NetworkManager).
func IsManagerError(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	rest, ok := strings.CutPrefix(e.Name, managerErrorPrefix)
	return ok && !strings.Contains(rest, ".")
}
