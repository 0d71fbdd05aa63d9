package setting

import "fmt"

// ErrorCode is NetworkManager's NMConnectionError: the reason a profile or
// one of its settings is rejected.
type ErrorCode int

const (
	ErrFailed            ErrorCode = 0
	ErrSettingNotFound   ErrorCode = 1
	ErrPropertyNotFound  ErrorCode = 2
	ErrPropertyNotSecret ErrorCode = 3
	ErrMissingSetting    ErrorCode = 4
	ErrInvalidSetting    ErrorCode = 5
	ErrMissingProperty   ErrorCode = 6
	ErrInvalidProperty   ErrorCode = 7
)

var errorNicks = [...]string{
	"Failed", "SettingNotFound", "PropertyNotFound", "PropertyNotSecret",
	"MissingSetting", "InvalidSetting", "MissingProperty", "InvalidProperty",
}

// ConnectionErrorPrefix is the D-Bus error name prefix of NMConnectionError.
const ConnectionErrorPrefix = "org.freedesktop.NetworkManager.Settings.Connection."

// DBusName is the D-Bus error name NetworkManager sends for the code, e.g.
// "org.freedesktop.NetworkManager.Settings.Connection.InvalidProperty".
func (c ErrorCode) DBusName() string {
	if c >= 0 && int(c) < len(errorNicks) {
		return ConnectionErrorPrefix + errorNicks[c]
	}
	return ConnectionErrorPrefix + "Failed"
}

func (c ErrorCode) String() string {
	if c >= 0 && int(c) < len(errorNicks) {
		return errorNicks[c]
	}
	return fmt.Sprintf("ErrorCode(%d)", int(c))
}

// Error is a rejected profile: NetworkManager's error code and its message,
// which starts with "setting.property: " or "setting: ".
type Error struct {
	Code     ErrorCode
	Setting  string // the setting at fault, if any
	Property string // the property at fault, if any
	Message  string // the complete text, prefixes included
}

func (e *Error) Error() string { return e.Message }

// DBusName is the D-Bus error name to reply with.
func (e *Error) DBusName() string { return e.Code.DBusName() }

// newError builds an error with the "setting.property: " prefix (or
// "setting: " without a property).
func newError(code ErrorCode, setting, property, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: code, Setting: setting, Property: property, Message: prefix(setting, property) + msg}
}

func prefix(setting, property string) string {
	switch {
	case setting != "" && property != "":
		return setting + "." + property + ": "
	case setting != "":
		return setting + ": "
	}
	return ""
}

// withPrefix adds one more "setting.property: " in front of an error's
// message, as g_prefix_error does when an error travels up.
func (e *Error) withPrefix(setting, property string) *Error {
	c := *e
	c.Message = prefix(setting, property) + e.Message
	return &c
}

func invalidProp(setting, property, format string, args ...any) *Error {
	return newError(ErrInvalidProperty, setting, property, format, args...)
}

func missingProp(setting, property, format string, args ...any) *Error {
	return newError(ErrMissingProperty, setting, property, format, args...)
}

// Result is the outcome of verifying a setting or a connection, as
// NetworkManager grades it.
type Result int

const (
	// Success: the profile is valid as it is.
	Success Result = iota
	// Invalid: the profile is rejected.
	Invalid
	// Normalizable: valid, but normalization will change it (a missing
	// uuid, a missing ipv6 setting, ...); clients may send it like this.
	Normalizable
	// NormalizableError: invalid as it is, but normalization repairs it.
	NormalizableError
)

func (r Result) String() string {
	switch r {
	case Success:
		return "success"
	case Invalid:
		return "invalid"
	case Normalizable:
		return "normalizable"
	case NormalizableError:
		return "normalizable-error"
	}
	return fmt.Sprintf("Result(%d)", int(r))
}
