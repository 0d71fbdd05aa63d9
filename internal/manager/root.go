package manager

import (
	"errors"
	"fmt"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/auth"
	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/logging"
)

// authorize runs fn once the caller may perform action (polkit may ask the
// user to authenticate meanwhile); otherwise it answers with denied and
// deniedMsg. A caller that cannot be identified is refused as
// NetworkManager refuses it.
func (m *Manager) authorize(c *bus.Call, action, denied, deniedMsg string, fn func(auth.Subject)) {
	m.auth.Check(c.Sender, action, true, func(s auth.Subject, r auth.Result, err error) {
		switch {
		case err != nil:
			m.log.Debug(fmt.Sprintf("auth: %s: %v", c.Member, err))
			c.Error(bus.Errorf(denied, "%s", auth.MsgRequestAuthFailed))
		case r != auth.Yes:
			c.Error(bus.Errorf(denied, "%s", deniedMsg))
		default:
			fn(s)
		}
	})
}

// authorizeSet is authorize for property writes, which NetworkManager
// refuses with other words.
func (m *Manager) authorizeSet(c *bus.Call, action string, fn func()) {
	m.auth.Check(c.Sender, action, true, func(s auth.Subject, r auth.Result, err error) {
		switch {
		case err != nil:
			c.Error(bus.Errorf(bus.DBusAuthFailed, "%s", auth.MsgRequestUIDUnknown))
		case r != auth.Yes:
			c.Error(bus.Errorf(bus.ManagerPermissionDenied, "Not authorized to perform this operation"))
		case !c.Object.Exported():
			c.Error(bus.Errorf(bus.DBusUnknownObject, "Object was deleted while authenticating"))
		default:
			fn()
		}
	})
}

// requireRoot runs fn if the caller is root. The bus policy already keeps
// others away from these methods; the daemon checks again.
func (m *Manager) requireRoot(c *bus.Call, denied string, fn func()) {
	m.auth.Subject(c.Sender, func(s auth.Subject, err error) {
		switch {
		case err != nil:
			c.Error(bus.Errorf(denied, "Unable to determine request UID."))
		case !s.IsRoot():
			c.Error(bus.Errorf(denied, "Permission denied"))
		default:
			fn()
		}
	})
}

// notYetAuthorized is the handler of a privileged method gonm cannot
// perform yet: callers without the permission are refused as
// NetworkManager would refuse them, the others learn it is not supported.
func (m *Manager) notYetAuthorized(action, deniedMsg, missing string) bus.Handler {
	return func(c *bus.Call) {
		m.authorize(c, action, bus.ManagerPermissionDenied, deniedMsg, func(auth.Subject) {
			c.Error(bus.NotSupportedYet(c.Interface, c.Member, missing))
		})
	}
}

func (m *Manager) handleReload(c *bus.Call) {
	flags := c.Args[0].(uint32)
	m.authorize(c, auth.Reload, bus.ManagerPermissionDenied, "Not authorized to reload configuration", func(auth.Subject) {
		if flags&^reloadAll != 0 {
			c.Error(bus.Errorf(bus.ManagerInvalidArguments, "Invalid flags for reload"))
			return
		}
		m.Reload(flags)
		c.Reply()
	})
}

func (m *Manager) handleGetDevices(c *bus.Call) { c.Reply(m.objectPaths("Devices")) }

func (m *Manager) handleGetAllDevices(c *bus.Call) { c.Reply(m.objectPaths("AllDevices")) }

// Sleep is allowed to root only (NetworkManager leaves the check to the
// bus policy). With no devices to take down or bring up, sleeping changes
// the overall state only.
func (m *Manager) handleSleep(c *bus.Call) {
	sleep := c.Args[0].(bool)
	m.requireRoot(c, bus.ManagerPermissionDenied, func() {
		if m.sleeping == sleep {
			c.Error(bus.Errorf(bus.ManagerAlreadyAsleepOrAwake, "Already %s", map[bool]string{true: "asleep", false: "awake"}[sleep]))
			return
		}
		m.log.Info(fmt.Sprintf("sleep: %s requested (sleeping: %s  enabled: %s)",
			map[bool]string{true: "sleep", false: "wake"}[sleep], yesNo(m.sleeping), yesNo(m.state.NetworkingEnabled)))
		m.sleeping = sleep
		m.applySleep(true)
		m.updateState()
		c.Reply()
	})
}

func (m *Manager) handleEnable(c *bus.Call) {
	enable := c.Args[0].(bool)
	if m.state.NetworkingEnabled == enable {
		c.Error(bus.Errorf(bus.ManagerAlreadyEnabledOrDisabled, "Already %s", map[bool]string{true: "enabled", false: "disabled"}[enable]))
		return
	}
	m.authorize(c, auth.EnableDisableNetwork, bus.ManagerPermissionDenied, "Not authorized to enable/disable networking", func(auth.Subject) {
		if m.state.NetworkingEnabled == enable {
			// Changed by another call while this one was authorized.
			c.Error(bus.Errorf(bus.ManagerAlreadyEnabledOrDisabled, "Already %s", map[bool]string{true: "enabled", false: "disabled"}[enable]))
			return
		}
		m.log.Info(fmt.Sprintf("%s requested (sleeping: %s  enabled: %s)",
			map[bool]string{true: "enable", false: "disable"}[enable], yesNo(m.sleeping), yesNo(m.state.NetworkingEnabled)))
		m.state.NetworkingEnabled = enable
		if err := m.state.write(m.opts.StateFile); err != nil {
			m.log.Warn(err.Error())
		}
		m.root.Set(IfaceManager, "NetworkingEnabled", enable)
		m.applySleep(false)
		m.updateState()
		c.Reply()
	})
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// GetPermissions asks about every permission without user interaction and
// reports each as "yes", "no", "auth" or "unknown".
func (m *Manager) handleGetPermissions(c *bus.Call) {
	m.auth.CheckAll(c.Sender, auth.Permissions, false, func(_ auth.Subject, r map[string]auth.Result, err error) {
		if err != nil {
			c.Error(bus.Errorf(bus.ManagerPermissionDenied, "%s", auth.MsgRequestAuthFailed))
			return
		}
		out := make(map[string]string, len(auth.Permissions))
		for _, p := range auth.Permissions {
			out[p] = r[p].String()
		}
		c.Reply(out)
	})
}

func (m *Manager) handleSetLogging(c *bus.Call) {
	level, domains := c.Args[0].(string), c.Args[1].(string)
	m.requireRoot(c, bus.ManagerPermissionDenied, func() {
		if err := m.logs.Set(level, domains); err != nil {
			var ul *logging.UnknownLevelError
			var ud *logging.UnknownDomainError
			switch {
			case errors.As(err, &ul):
				c.Error(bus.Errorf(bus.ManagerUnknownLogLevel, "%s", err.Error()))
			case errors.As(err, &ud):
				c.Error(bus.Errorf(bus.ManagerUnknownLogDomain, "%s", err.Error()))
			default:
				c.Error(bus.Errorf(bus.ManagerFailed, "%s", err.Error()))
			}
			return
		}
		l, d := m.logs.Get()
		m.log.Info(fmt.Sprintf("logging: level '%s' domains '%s'", l, d))
		c.Reply()
	})
}

func (m *Manager) handleGetLogging(c *bus.Call) {
	l, d := m.logs.Get()
	c.Reply(l, d)
}

// CheckConnectivity: with no devices there is nothing to check; the
// current overall connectivity is the answer, as NetworkManager gives it
// when no device can be checked.
func (m *Manager) handleCheckConnectivity(c *bus.Call) {
	m.authorize(c, auth.NetworkControl, bus.ManagerPermissionDenied, "Not authorized to recheck connectivity", func(auth.Subject) {
		c.Reply(m.root.Get(IfaceManager, "Connectivity").(uint32))
	})
}

func (m *Manager) handleState(c *bus.Call) {
	m.updateState()
	c.Reply(m.root.Get(IfaceManager, "State").(uint32))
}

// NMCheckpointCreateFlags NetworkManager 1.42 accepts.
const checkpointCreateFlags = 0x01 | 0x02 | 0x04 | 0x08 | 0x10

func (m *Manager) handleCheckpointCreate(c *bus.Call) {
	if c.Args[2].(uint32)&^checkpointCreateFlags != 0 {
		c.Error(bus.Errorf(bus.ManagerInvalidArguments, "Invalid flags"))
		return
	}
	m.authorize(c, auth.CheckpointRollback, bus.ManagerPermissionDenied, "Not authorized to checkpoint/rollback", func(auth.Subject) {
		c.Error(bus.NotSupportedYet(c.Interface, c.Member, "the devices layer"))
	})
}

// handleCheckpointLookup serves CheckpointDestroy, CheckpointRollback and
// CheckpointAdjustRollbackTimeout: no checkpoint can exist yet, so any
// path but "/" (all checkpoints, for CheckpointDestroy) is unknown.
func (m *Manager) handleCheckpointLookup(c *bus.Call) {
	path := c.Args[0].(dbus.ObjectPath)
	m.authorize(c, auth.CheckpointRollback, bus.ManagerPermissionDenied, "Not authorized to checkpoint/rollback", func(auth.Subject) {
		if c.Member == "CheckpointDestroy" && path == "/" {
			c.Reply()
			return
		}
		c.Error(bus.Errorf(bus.ManagerInvalidArguments, "checkpoint %s does not exist", path))
	})
}

// setRadioEnabled writes WirelessEnabled or WwanEnabled: the user's choice
// is kept in the state file. While networking is asleep or disabled the
// write is accepted and ignored, as NetworkManager does.
func (m *Manager) setRadioEnabled(action, prop string) bus.Handler {
	return func(c *bus.Call) {
		enabled := c.Args[0].(bool)
		m.authorizeSet(c, action, func() {
			if m.asleep() {
				c.Reply()
				return
			}
			hwOff := m.radios.wlanHardwareOff
			if prop == "WirelessEnabled" {
				m.state.WirelessEnabled = enabled
			} else {
				m.state.WWANEnabled = enabled
				hwOff = m.radios.wwanHardwareOff
			}
			m.log.Debug(fmt.Sprintf("rfkill: (%s): setting radio %s by user", map[string]string{"WirelessEnabled": "wifi", "WwanEnabled": "wwan"}[prop],
				map[bool]string{true: "enabled", false: "disabled"}[enabled]))
			if err := m.state.write(m.opts.StateFile); err != nil {
				m.log.Warn(err.Error())
			}
			m.root.Set(IfaceManager, prop, enabled && !hwOff)
			c.Reply()
		})
	}
}

// setWimaxEnabled: WiMAX is gone; the write is authorized and ignored.
func (m *Manager) setWimaxEnabled(c *bus.Call) {
	m.authorizeSet(c, auth.EnableDisableWimax, func() { c.Reply() })
}

// setNotYet is the setter of a writable property gonm cannot apply yet.
func (m *Manager) setNotYet(action, missing string) bus.Handler {
	return func(c *bus.Call) {
		m.authorizeSet(c, action, func() {
			c.Error(bus.NotSupportedYet(c.Interface, "Setting "+c.Property, missing))
		})
	}
}
