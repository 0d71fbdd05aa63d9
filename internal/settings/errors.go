package settings

import (
	"errors"
	"fmt"

	"github.com/gonm/gonm/internal/setting"
)

// ErrorCode is NetworkManager's NMSettingsError.
type ErrorCode int

const (
	ErrFailed ErrorCode = iota
	ErrPermissionDenied
	ErrNotSupported
	ErrInvalidConnection
	ErrReadOnlyConnection
	ErrUUIDExists
	ErrInvalidHostname
	ErrInvalidArguments
)

var errorNicks = [...]string{"Failed", "PermissionDenied", "NotSupported", "InvalidConnection",
	"ReadOnlyConnection", "UuidExists", "InvalidHostname", "InvalidArguments"}

// ErrorPrefix is the D-Bus error name prefix of NMSettingsError.
const ErrorPrefix = "org.freedesktop.NetworkManager.Settings."

// Error is a refused request: a D-Bus error name and message. Errors
// about the profile itself come from internal/setting and carry
// org.freedesktop.NetworkManager.Settings.Connection.* names.
type Error struct {
	Code ErrorCode
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// DBusName is the D-Bus error name, e.g.
// "org.freedesktop.NetworkManager.Settings.UuidExists".
func (e *Error) DBusName() string { return ErrorPrefix + errorNicks[e.Code] }

func errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// DBusError returns the D-Bus error name and message for any error the
// store returns.
func DBusError(err error) (name, msg string) {
	var se *Error
	if errors.As(err, &se) {
		return se.DBusName(), se.Msg
	}
	var ce *setting.Error
	if errors.As(err, &ce) {
		return ce.DBusName(), ce.Message
	}
	return ErrorPrefix + "Failed", err.Error()
}
