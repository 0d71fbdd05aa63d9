// Package settingsbus puts the profile store on D-Bus as NetworkManager's
// Settings API: the org.freedesktop.NetworkManager.Settings object (list,
// look up, add and load profiles, the static host name) and one
// org.freedesktop.NetworkManager.Settings.Connection object per profile at
// /org/freedesktop/NetworkManager/Settings/N (read, update, save, delete,
// secrets). It owns the D-Bus face only: every request is parsed and
// checked here in NetworkManager's order (arguments, profile, caller,
// connection.permissions, polkit), then carried out by the store, whose
// events keep the objects, properties and signals in step. Secrets the
// daemon does not keep come from secret agents through the agent manager.
//
// Everything runs on the daemon loop. The package calls internal/settings
// (the store), internal/setting (the profile model), internal/bus,
// internal/auth, internal/hostname and the agent manager of
// internal/manager.
package settingsbus

import (
	"fmt"
	"log/slog"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/auth"
	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/hostname"
	"github.com/gonm/gonm/internal/manager"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/settings"
)

// Interface names.
const (
	IfaceSettings   = "org.freedesktop.NetworkManager.Settings"
	IfaceConnection = "org.freedesktop.NetworkManager.Settings.Connection"
)

// Options wire the Settings API to the daemon.
type Options struct {
	Exporter *bus.Exporter
	Auth     *auth.Authority
	Store    *settings.Store
	// Agents is the secret agent registry, asked for the secrets the
	// daemon does not keep.
	Agents *manager.AgentManager
	// Hostname keeps the static host name (Hostname, SaveHostname).
	Hostname *hostname.Manager
	// Log is the SETTINGS domain's logger.
	Log *slog.Logger
}

// Service is the Settings object and the profiles' objects.
type Service struct {
	exp    *bus.Exporter
	auth   *auth.Authority
	store  *settings.Store
	agents *manager.AgentManager
	host   *hostname.Manager
	log    *slog.Logger

	obj       *bus.Object
	connClass *bus.Class
	conns     map[*settings.Profile]*connObject
}

// New exports the Settings object at /org/freedesktop/NetworkManager/Settings
// (the manager's placeholder must be gone) and an object for every profile
// the store has, then follows the store's events. Call it on the loop.
func New(o Options) (*Service, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	s := &Service{exp: o.Exporter, auth: o.Auth, store: o.Store, agents: o.Agents, host: o.Hostname, log: o.Log,
		conns: map[*settings.Profile]*connObject{}}
	s.connClass = connectionClass(s)
	s.obj = s.exp.NewObject(s.settingsClass())
	s.obj.Set(IfaceSettings, "CanModify", s.store.CanModify())
	if s.host != nil {
		s.obj.Set(IfaceSettings, "Hostname", s.host.Static())
	}
	if err := s.obj.Export(); err != nil {
		return nil, fmt.Errorf("export %s: %w", bus.PathSettings, err)
	}
	for _, p := range s.store.Profiles() {
		s.added(p)
	}
	s.updateConnections()
	s.store.Subscribe(s.storeEvent)
	return s, nil
}

// HostnameChanged shows a new static host name (the hostname manager's
// Changed callback).
func (s *Service) HostnameChanged(name string) {
	if s.obj != nil {
		s.obj.Set(IfaceSettings, "Hostname", name)
	}
}

// Path returns the object path of a profile, "/" if it has none.
func (s *Service) Path(p *settings.Profile) dbus.ObjectPath {
	if co := s.conns[p]; co != nil {
		return co.obj.Path()
	}
	return bus.NoObject
}

func (s *Service) settingsClass() *bus.Class {
	return bus.MustClass(&bus.Class{
		Name: "Settings",
		Path: bus.PathSettings,
		Interfaces: []*bus.Interface{{
			Name: IfaceSettings,
			Methods: map[string]bus.Handler{
				"ListConnections":      s.listConnections,
				"GetConnectionByUuid":  s.getConnectionByUUID,
				"AddConnection":        func(c *bus.Call) { s.addConnection(c, false, settings.AddToDisk, "") },
				"AddConnectionUnsaved": func(c *bus.Call) { s.addConnection(c, false, settings.AddInMemory, "") },
				"AddConnection2":       s.addConnection2,
				"LoadConnections":      s.loadConnections,
				"ReloadConnections":    s.reloadConnections,
				"SaveHostname":         s.saveHostname,
			},
		}},
	})
}

// paths lists the profiles' objects in the store's order.
func (s *Service) paths() []dbus.ObjectPath {
	out := []dbus.ObjectPath{}
	for _, p := range s.store.Profiles() {
		if co := s.conns[p]; co != nil {
			out = append(out, co.obj.Path())
		}
	}
	return out
}

func (s *Service) updateConnections() { s.obj.Set(IfaceSettings, "Connections", s.paths()) }

// connectionsLater updates Connections once the current burst of new
// profiles is over (a reload may bring thousands), unless a handler does
// it before its reply.
func (s *Service) connectionsLater() { s.exp.Loop().Idle(&s.conns, s.updateConnections) }

// storeEvent keeps the objects in step with the store, with
// NetworkManager's order of signals: a new profile's object appears
// (InterfacesAdded), NewConnection follows, then the Connections
// property; a removed profile's Connections change comes first, then
// Removed, ConnectionRemoved and InterfacesRemoved. New profiles change
// Connections once per burst (NetworkManager emits it for each).
func (s *Service) storeEvent(ev settings.Event) {
	switch ev.Kind {
	case settings.Added:
		co := s.added(ev.Profile)
		if co != nil {
			s.obj.Emit(IfaceSettings, "NewConnection", co.obj.Path())
		}
		s.connectionsLater()
	case settings.Updated:
		co := s.conns[ev.Profile]
		if co == nil {
			return
		}
		co.setProperties()
		co.obj.Emit(IfaceConnection, "Updated")
	case settings.Removed:
		co := s.conns[ev.Profile]
		if co == nil {
			return
		}
		delete(s.conns, ev.Profile)
		s.updateConnections()
		co.cancelSecrets()
		// Agents forget the profile's secrets. NetworkManager names the
		// Settings object, not the profile, in this request.
		forAgents := ev.Profile.Connection()
		forAgents.ClearSecretsIf(nil)
		s.agents.DeleteSecrets(bus.PathSettings, forAgents)
		co.obj.Emit(IfaceConnection, "Removed")
		path := co.obj.Path()
		s.obj.Emit(IfaceSettings, "ConnectionRemoved", path)
		co.obj.Unexport()
	}
}

// added exports the object of a new profile.
func (s *Service) added(p *settings.Profile) *connObject {
	co := &connObject{s: s, p: p}
	co.obj = s.exp.NewObject(s.connClass)
	co.obj.Data = co
	co.setProperties()
	if err := co.obj.Export(); err != nil {
		s.log.Error(fmt.Sprintf("settings: cannot export profile %s: %v", p.UUID(), err))
		return nil
	}
	if want := fmt.Sprintf("%s/%d", bus.FamilySettingsConn, p.Number); string(co.obj.Path()) != want {
		s.log.Warn(fmt.Sprintf("settings: profile %s exported at %s, expected %s", p.UUID(), co.obj.Path(), want))
	}
	s.conns[p] = co
	return co
}

func (s *Service) listConnections(c *bus.Call) { c.Reply(s.paths()) }

func (s *Service) getConnectionByUUID(c *bus.Call) {
	uuid := c.Args[0].(string)
	p := s.store.ByUUID(uuid)
	if p == nil || s.conns[p] == nil {
		c.Error(bus.Errorf(bus.SettingsInvalidConnection, "No connection with the UUID was found."))
		return
	}
	s.withSubject(c, func(subj auth.Subject) {
		co := s.conns[p]
		if co == nil {
			c.Error(bus.Errorf(bus.SettingsInvalidConnection, "No connection with the UUID was found."))
			return
		}
		if err := auth.InACL(p.Connection().PermissionUsers(), subj.UID); err != nil {
			c.Error(bus.Errorf(bus.SettingsPermissionDenied, "%s", err.Error()))
			return
		}
		c.Reply(co.obj.Path())
	})
}

// withSubject learns who called; a caller that cannot be identified is
// refused as NetworkManager refuses it.
func (s *Service) withSubject(c *bus.Call, fn func(auth.Subject)) {
	s.auth.Subject(c.Sender, func(subj auth.Subject, err error) {
		if err != nil {
			s.log.Debug(fmt.Sprintf("settings: %s: %v", c.Member, err))
			c.Error(bus.Errorf(bus.SettingsPermissionDenied, "%s", auth.MsgRequestUIDUnknown))
			return
		}
		fn(subj)
	})
}

// polkit asks for action and runs fn when granted.
func (s *Service) polkit(c *bus.Call, action string, fn func()) {
	s.auth.Check(c.Sender, action, true, func(_ auth.Subject, r auth.Result, err error) {
		if err != nil || r != auth.Yes {
			c.Error(bus.Errorf(bus.SettingsPermissionDenied, "Insufficient privileges"))
			return
		}
		fn()
	})
}

func (s *Service) addConnection2(c *bus.Call) {
	flags := settings.AddFlags(c.Args[1].(uint32))
	if err := settings.CheckAddFlags(flags); err != nil {
		c.Error(storeError(err))
		return
	}
	plugin, err := settings.CheckArgs(c.Args[2].(map[string]dbus.Variant))
	if err != nil {
		c.Error(storeError(err))
		return
	}
	s.addConnection(c, true, flags, plugin)
}

// addConnection is AddConnection, AddConnectionUnsaved and
// AddConnection2: parse, identify the caller, verify, check
// connection.permissions and polkit (settings.modify.own for a profile of
// one user, else settings.modify.system), add, answer, then give the
// caller's agents the agent-owned secrets.
func (s *Service) addConnection(c *bus.Call, add2 bool, flags settings.AddFlags, plugin string) {
	conn, err := settings.ParseProfile(c.Args[0].(setting.Dict))
	if err != nil {
		c.Error(storeError(err))
		return
	}
	s.withSubject(c, func(subj auth.Subject) {
		if res, verr := conn.Verify(); res != setting.Success {
			c.Error(bus.Errorf(bus.SettingsInvalidConnection, "The connection was invalid: %s", verr.Message))
			return
		}
		if err := auth.InACL(conn.PermissionUsers(), subj.UID); err != nil {
			c.Error(bus.Errorf(bus.SettingsPermissionDenied, "%s", err.Error()))
			return
		}
		s.polkit(c, manager.ModifyAction(conn), func() {
			p, err := s.store.AddProfile(conn, flags, plugin)
			if err != nil {
				c.Error(storeError(err))
				return
			}
			s.updateConnections()
			co := s.conns[p]
			if co == nil {
				c.Error(bus.Errorf(bus.SettingsFailed, "the connection was removed while being added"))
				return
			}
			if add2 {
				c.Reply(co.obj.Path(), map[string]dbus.Variant{})
			} else {
				c.Reply(co.obj.Path())
			}
			s.saveAgentSecrets(co, &subj)
		})
	})
}

// saveAgentSecrets hands the agent-owned secrets of a profile to the
// caller's agents, after an add or update.
func (s *Service) saveAgentSecrets(co *connObject, subj *auth.Subject) {
	if s.conns[co.p] != co {
		return
	}
	forAgents := co.p.Connection()
	forAgents.ClearSecretsIf(func(_ string, f uint32) bool { return !setting.AgentOwned(f) })
	s.agents.SaveSecrets(co.obj.Path(), forAgents, subj)
}

// ensureCaller is NetworkManager's check for LoadConnections and
// ReloadConnections: the caller must be identifiable; which users may call
// them at all is up to the bus policy (root only in NetworkManager's).
func (s *Service) ensureCaller(c *bus.Call, fn func()) {
	s.auth.Subject(c.Sender, func(_ auth.Subject, err error) {
		if err != nil {
			c.Error(bus.Errorf(bus.SettingsPermissionDenied, "Unable to determine request UID."))
			return
		}
		fn()
	})
}

func (s *Service) loadConnections(c *bus.Call) {
	files := c.Args[0].([]string)
	s.ensureCaller(c, func() {
		ok, failures := true, []string{}
		if len(files) > 0 {
			var f []string
			ok, f = s.store.LoadConnections(files)
			failures = append(failures, f...)
		}
		s.updateConnections()
		c.Reply(ok, failures)
	})
}

func (s *Service) reloadConnections(c *bus.Call) {
	s.ensureCaller(c, func() {
		s.store.ReloadConnections()
		s.updateConnections()
		// NetworkManager always answers true: older clients depend on it.
		c.Reply(true)
	})
}

func (s *Service) saveHostname(c *bus.Call) {
	name := c.Args[0].(string)
	if name != "" && !hostname.Valid(name) {
		c.Error(bus.Errorf(bus.SettingsInvalidHostname, "The hostname was too long or contained invalid characters"))
		return
	}
	s.auth.Check(c.Sender, auth.SettingsModifyHostname, true, func(_ auth.Subject, r auth.Result, err error) {
		switch {
		case err != nil:
			c.Error(bus.Errorf(bus.SettingsPermissionDenied, "%s", auth.MsgRequestAuthFailed))
		case r != auth.Yes:
			c.Error(bus.Errorf(bus.SettingsPermissionDenied, "Insufficient privileges"))
		case s.host == nil:
			c.Error(bus.Errorf(bus.SettingsFailed, "Saving the hostname failed: no hostname manager"))
		default:
			s.host.SetStatic(name, func(err error) {
				if err != nil {
					c.Error(bus.Errorf(bus.SettingsFailed, "Saving the hostname failed: %s", err))
					return
				}
				c.Reply()
			})
		}
	})
}

// storeError turns an error of the store (or of the profile model) into
// NetworkManager's D-Bus error.
func storeError(err error) *bus.Error {
	name, msg := settings.DBusError(err)
	return &bus.Error{Name: name, Message: msg}
}
