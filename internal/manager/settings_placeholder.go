package manager

import (
	"fmt"
	"os"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/auth"
	"github.com/gonm/gonm/internal/bus"
)

// SettingsPlaceholder stands at /org/freedesktop/NetworkManager/Settings
// until the settings layer (profiles, keyfile plugin) exists and exports
// the real object there. Clients find the interface they expect: no
// profiles, the static hostname, CanModify false because profiles cannot be
// added yet. Its methods answer what is true without profiles (an unknown
// UUID is unknown) and NotSupported where they would need profiles; callers
// without the permission are refused first, as NetworkManager refuses them.
//
// The settings layer replaces this file; Manager.RemoveSettingsPlaceholder
// takes it off the bus so that the real object can be exported in its
// place.
type SettingsPlaceholder struct {
	m   *Manager
	obj *bus.Object
}

func newSettingsPlaceholder(m *Manager) (*SettingsPlaceholder, error) {
	s := &SettingsPlaceholder{m: m}
	const missing = "the settings layer"
	modify := func(action string) bus.Handler {
		return func(c *bus.Call) {
			s.authorize(c, action, func() { c.Error(bus.NotSupportedYet(c.Interface, c.Member, missing)) })
		}
	}
	rootOnly := func(c *bus.Call) {
		m.requireRoot(c, bus.SettingsPermissionDenied, func() { c.Error(bus.NotSupportedYet(c.Interface, c.Member, missing)) })
	}
	c := bus.MustClass(&bus.Class{
		Name: "Settings",
		Path: bus.PathSettings,
		Interfaces: []*bus.Interface{{
			Name: IfaceSettings,
			Methods: map[string]bus.Handler{
				"ListConnections": func(c *bus.Call) { c.Reply([]dbus.ObjectPath{}) },
				"GetConnectionByUuid": func(c *bus.Call) {
					c.Error(bus.Errorf(bus.SettingsInvalidConnection, "No connection with the UUID was found."))
				},
				"AddConnection":        modify(auth.SettingsModifySystem),
				"AddConnectionUnsaved": modify(auth.SettingsModifySystem),
				"AddConnection2":       modify(auth.SettingsModifySystem),
				"LoadConnections":      rootOnly,
				"ReloadConnections":    rootOnly,
				"SaveHostname":         modify(auth.SettingsModifyHostname),
			},
		}},
	})
	s.obj = m.exp.NewObject(c)
	s.obj.Set(IfaceSettings, "Hostname", readStaticHostname(m.opts.HostnameFile))
	s.obj.Set(IfaceSettings, "CanModify", false)
	if err := s.obj.Export(); err != nil {
		return nil, fmt.Errorf("export %s: %w", bus.PathSettings, err)
	}
	return s, nil
}

func (s *SettingsPlaceholder) authorize(c *bus.Call, action string, fn func()) {
	s.m.auth.Check(c.Sender, action, true, func(_ auth.Subject, r auth.Result, err error) {
		switch {
		case err != nil:
			c.Error(bus.Errorf(bus.SettingsPermissionDenied, "%s", auth.MsgRequestUIDUnknown))
		case r != auth.Yes:
			c.Error(bus.Errorf(bus.SettingsPermissionDenied, "Insufficient privileges"))
		default:
			fn()
		}
	})
}

// RemoveSettingsPlaceholder takes the placeholder off the bus, for the
// settings layer to export the real Settings object at its path.
func (m *Manager) RemoveSettingsPlaceholder() {
	if m.settings != nil {
		m.settings.obj.Unexport()
		m.settings = nil
	}
}

// readStaticHostname reads the first line of the hostname file (comments
// and blanks skipped), empty if there is none.
func readStaticHostname(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			return line
		}
	}
	return ""
}
