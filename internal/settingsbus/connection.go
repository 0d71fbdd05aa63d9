package settingsbus

import (
	"fmt"
	"slices"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/auth"
	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/manager"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/settings"
)

// connObject is the Settings.Connection object of one profile.
type connObject struct {
	s   *Service
	p   *settings.Profile
	obj *bus.Object
	// secrets are the GetSecrets requests in progress, cancelled when the
	// profile goes away.
	secrets []*secretsCall
}

// connectionClass is the class of profile objects, with handlers that
// find their profile through the object.
func connectionClass(s *Service) *bus.Class {
	on := func(fn func(co *connObject, c *bus.Call)) bus.Handler {
		return func(c *bus.Call) {
			co, _ := c.Object.Data.(*connObject)
			if co == nil || s.conns[co.p] != co {
				c.Error(bus.Errorf(bus.DBusUnknownMethod, "Object does not exist at path “%s”", c.Path))
				return
			}
			fn(co, c)
		}
	}
	return bus.MustClass(&bus.Class{
		Name:     "Settings.Connection",
		Path:     bus.FamilySettingsConn,
		Numbered: true,
		Interfaces: []*bus.Interface{{
			Name: IfaceConnection,
			Methods: map[string]bus.Handler{
				"GetSettings":   on((*connObject).getSettings),
				"GetSecrets":    on((*connObject).getSecrets),
				"ClearSecrets":  on((*connObject).clearSecrets),
				"Delete":        on((*connObject).delete),
				"Update":        on(func(co *connObject, c *bus.Call) { co.update(c, false, settings.UpdateToDisk, "", true) }),
				"UpdateUnsaved": on(func(co *connObject, c *bus.Call) { co.update(c, false, settings.UpdateInMemory, "", true) }),
				"Save":          on(func(co *connObject, c *bus.Call) { co.update(c, false, settings.UpdateToDisk, "", false) }),
				"Update2":       on((*connObject).update2),
			},
		}},
	})
}

// setProperties shows the profile's Unsaved, Flags and Filename.
func (co *connObject) setProperties() {
	co.obj.Set(IfaceConnection, "Unsaved", co.p.Unsaved())
	co.obj.Set(IfaceConnection, "Flags", uint32(co.p.Flags()))
	co.obj.Set(IfaceConnection, "Filename", co.p.Filename())
}

func (co *connObject) alive() bool { return co.s.conns[co.p] == co }

// authorize is NetworkManager's check before acting on a profile: the
// caller must be identifiable and allowed by connection.permissions, and
// polkit must grant action ("" for none).
func (co *connObject) authorize(c *bus.Call, action string, fn func(auth.Subject)) {
	s := co.s
	s.withSubject(c, func(subj auth.Subject) {
		if !co.alive() {
			c.Error(bus.Errorf(bus.DBusUnknownMethod, "Object does not exist at path “%s”", c.Path))
			return
		}
		if err := auth.InACL(co.p.Connection().PermissionUsers(), subj.UID); err != nil {
			c.Error(bus.Errorf(bus.SettingsPermissionDenied, "%s", err.Error()))
			return
		}
		if action == "" {
			fn(subj)
			return
		}
		s.auth.Check(c.Sender, action, true, func(_ auth.Subject, r auth.Result, err error) {
			switch {
			case !co.alive():
				c.Error(bus.Errorf(bus.SettingsFailed, "Error checking authorization: connection was deleted"))
			case err != nil || r != auth.Yes:
				c.Error(bus.Errorf(bus.SettingsPermissionDenied, "Insufficient privileges"))
			default:
				fn(subj)
			}
		})
	})
}

// getSettings answers the profile without secrets, with the last
// activation time and the BSSIDs seen from the daemon's databases, which
// never go into the keyfile.
func (co *connObject) getSettings(c *bus.Call) {
	co.authorize(c, "", func(auth.Subject) {
		c.Reply(co.s.settingsDict(co.p))
	})
}

func (s *Service) settingsDict(p *settings.Profile) setting.Dict {
	d := p.Settings()
	if cs := d["connection"]; cs != nil {
		if ts := s.store.Timestamp(p); ts != 0 {
			cs["timestamp"] = dbus.MakeVariant(ts)
		} else {
			delete(cs, "timestamp")
		}
	}
	if ws := d["802-11-wireless"]; ws != nil {
		if b := s.store.SeenBSSIDs(p); len(b) > 0 {
			ws["seen-bssids"] = dbus.MakeVariant(b)
		}
	}
	return d
}

func (co *connObject) update2(c *bus.Call) {
	flags := settings.UpdateFlags(c.Args[1].(uint32))
	if err := settings.CheckUpdateFlags(flags); err != nil {
		c.Error(storeError(err))
		return
	}
	plugin, err := settings.CheckArgs(c.Args[2].(map[string]dbus.Variant))
	if err != nil {
		c.Error(storeError(err))
		return
	}
	co.update(c, true, flags, plugin, true)
}

// update is Update, UpdateUnsaved, Save and Update2: parse the new
// settings (none for Save or an empty dictionary), identify the caller,
// who must be able to see the profile afterwards too, ask polkit
// (settings.modify.own when the old and the new profile each belong to
// one user, else settings.modify.system), commit, then give the caller's
// agents the agent-owned secrets.
func (co *connObject) update(c *bus.Call, update2 bool, flags settings.UpdateFlags, plugin string, hasArg bool) {
	s := co.s
	var next *setting.Connection
	if hasArg {
		if d := c.Args[0].(setting.Dict); len(d) > 0 {
			var err error
			if next, err = settings.ParseProfile(d); err != nil {
				c.Error(storeError(err))
				return
			}
		}
	}
	s.withSubject(c, func(subj auth.Subject) {
		if !co.alive() {
			c.Error(bus.Errorf(bus.DBusUnknownMethod, "Object does not exist at path “%s”", c.Path))
			return
		}
		cur := co.p.Connection()
		target := cur
		if next != nil {
			target = next
		}
		if err := auth.InACL(target.PermissionUsers(), subj.UID); err != nil {
			c.Error(bus.Errorf(bus.SettingsPermissionDenied, "%s", err.Error()))
			return
		}
		action := auth.SettingsModifySystem
		if manager.ModifyAction(cur) == auth.SettingsModifyOwn && manager.ModifyAction(target) == auth.SettingsModifyOwn {
			action = auth.SettingsModifyOwn
		}
		co.authorize(c, action, func(subj auth.Subject) {
			if err := s.store.UpdateProfile(co.p, next, flags, plugin); err != nil {
				c.Error(storeError(err))
				return
			}
			s.saveAgentSecrets(co, &subj)
			if update2 {
				c.Reply(map[string]dbus.Variant{})
			} else {
				c.Reply()
			}
		})
	})
}

func (co *connObject) delete(c *bus.Call) {
	co.authorize(c, manager.ModifyAction(co.p.Connection()), func(auth.Subject) {
		if err := co.s.store.Delete(co.p); err != nil {
			c.Error(storeError(err))
			return
		}
		c.Reply()
	})
}

// clearSecrets forgets every secret of the profile, rewrites its file and
// tells the agents.
func (co *connObject) clearSecrets(c *bus.Call) {
	s := co.s
	co.authorize(c, manager.ModifyAction(co.p.Connection()), func(auth.Subject) {
		if err := s.store.ClearSecrets(co.p); err != nil {
			// NetworkManager ignores a failure to persist here.
			s.log.Warn(fmt.Sprintf("settings: clear secrets of %s: %v", co.p.UUID(), err))
		}
		if co.alive() {
			forAgents := co.p.Connection()
			s.agents.DeleteSecrets(co.obj.Path(), forAgents)
		}
		c.Reply()
	})
}

// cancelSecrets ends the GetSecrets calls of a profile that went away.
func (co *connObject) cancelSecrets() {
	for _, sc := range slices.Clone(co.secrets) {
		sc.abort()
	}
	co.secrets = nil
}
