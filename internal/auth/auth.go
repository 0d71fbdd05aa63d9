// Package auth decides whether a D-Bus caller may do a privileged thing,
// as NetworkManager's auth manager does: it learns the caller's uid and pid
// from the bus (GetConnectionCredentials), always allows root, and
// otherwise follows NetworkManager.conf's auth-polkit: "true" asks polkit
// (org.freedesktop.PolicyKit1.Authority.CheckAuthorization with
// NetworkManager's action ids), "root-only" refuses everyone but root,
// "false" allows everyone. It also tells when polkit's answers may have
// changed, for the root object's CheckPermissions signal.
//
// Answers are delivered on the daemon loop (internal/loop); the bus calls
// run on goroutines of their own, so the loop never waits for polkit. The
// package calls the bus connection, internal/loop and internal/config's
// boolean parsing; method handlers (internal/manager and the layers after
// it) call it.
package auth

import (
	"fmt"
	"strings"

	"github.com/gonm/gonm/internal/config"
)

// Mode is the auth-polkit setting.
type Mode int

const (
	// ModePolkit asks polkit about everyone but root.
	ModePolkit Mode = iota
	// ModeRootOnly allows root only.
	ModeRootOnly
	// ModeAllowAll allows everyone.
	ModeAllowAll
)

func (m Mode) String() string {
	switch m {
	case ModePolkit:
		return "polkit"
	case ModeRootOnly:
		return "root-only"
	case ModeAllowAll:
		return "allow-all"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// DefaultMode is what auth-polkit means when it is not set: Debian builds
// NetworkManager with polkit on by default.
const DefaultMode = ModePolkit

// ParseMode reads auth-polkit: a boolean (true: polkit, false: allow all)
// or "root-only". Like NetworkManager, an invalid value falls back to the
// default; the error says so.
func ParseMode(s string) (Mode, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultMode, nil
	}
	if strings.EqualFold(s, "root-only") {
		return ModeRootOnly, nil
	}
	b, err := config.ParseBool(s)
	if err != nil {
		return DefaultMode, fmt.Errorf("invalid auth-polkit value %q, using the default", s)
	}
	if b {
		return ModePolkit, nil
	}
	return ModeAllowAll, nil
}

// Result is the answer to one authorization question.
type Result int

const (
	// Unknown: the question could not be asked (polkit unreachable).
	Unknown Result = iota
	// No: not allowed.
	No
	// Auth: allowed after the user authenticates (polkit's challenge).
	Auth
	// Yes: allowed.
	Yes
)

// String gives the words GetPermissions answers with.
func (r Result) String() string {
	switch r {
	case Yes:
		return "yes"
	case No:
		return "no"
	case Auth:
		return "auth"
	}
	return "unknown"
}

// NetworkManager's polkit action ids.
const (
	EnableDisableNetwork           = "org.freedesktop.NetworkManager.enable-disable-network"
	EnableDisableWifi              = "org.freedesktop.NetworkManager.enable-disable-wifi"
	EnableDisableWwan              = "org.freedesktop.NetworkManager.enable-disable-wwan"
	EnableDisableWimax             = "org.freedesktop.NetworkManager.enable-disable-wimax"
	SleepWake                      = "org.freedesktop.NetworkManager.sleep-wake"
	NetworkControl                 = "org.freedesktop.NetworkManager.network-control"
	WifiShareProtected             = "org.freedesktop.NetworkManager.wifi.share.protected"
	WifiShareOpen                  = "org.freedesktop.NetworkManager.wifi.share.open"
	SettingsModifySystem           = "org.freedesktop.NetworkManager.settings.modify.system"
	SettingsModifyOwn              = "org.freedesktop.NetworkManager.settings.modify.own"
	SettingsModifyHostname         = "org.freedesktop.NetworkManager.settings.modify.hostname"
	SettingsModifyGlobalDNS        = "org.freedesktop.NetworkManager.settings.modify.global-dns"
	Reload                         = "org.freedesktop.NetworkManager.reload"
	CheckpointRollback             = "org.freedesktop.NetworkManager.checkpoint-rollback"
	EnableDisableStatistics        = "org.freedesktop.NetworkManager.enable-disable-statistics"
	EnableDisableConnectivityCheck = "org.freedesktop.NetworkManager.enable-disable-connectivity-check"
	WifiScan                       = "org.freedesktop.NetworkManager.wifi.scan"
)

// Permissions are all the actions, sorted by name: the order GetPermissions
// reports them in.
var Permissions = []string{
	CheckpointRollback,
	EnableDisableConnectivityCheck,
	EnableDisableNetwork,
	EnableDisableStatistics,
	EnableDisableWifi,
	EnableDisableWimax,
	EnableDisableWwan,
	NetworkControl,
	Reload,
	SettingsModifyGlobalDNS,
	SettingsModifyHostname,
	SettingsModifyOwn,
	SettingsModifySystem,
	SleepWake,
	WifiScan,
	WifiShareOpen,
	WifiShareProtected,
}

// Messages NetworkManager answers with when it cannot tell who called.
const (
	MsgRequestAuthFailed = "Unable to authenticate the request"
	MsgRequestUIDUnknown = "Unable to determine UID of the request"
)
