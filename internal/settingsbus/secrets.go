package settingsbus

import (
	"fmt"
	"slices"

	"github.com/gonm/gonm/internal/auth"
	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/manager"
	"github.com/gonm/gonm/internal/setting"
)

// secretsCall is one GetSecrets call waiting for the agent manager.
type secretsCall struct {
	co     *connObject
	c      *bus.Call
	cancel func()
}

// abort answers a call whose profile went away, as NetworkManager does
// when it disposes of the profile.
func (sc *secretsCall) abort() {
	sc.cancel()
	sc.c.Error(bus.Errorf("org.gtk.GDBus.UnmappedGError.Quark._nm_2dutils_2derror_2dquark.Code1",
		"Disposing NMSettingsConnection instance"))
}

func (co *connObject) dropSecretsCall(sc *secretsCall) {
	co.secrets = slices.DeleteFunc(co.secrets, func(x *secretsCall) bool { return x == sc })
}

// getSecrets is GetSecrets: after the modify permission, the secrets of
// the setting come from what the daemon keeps, else from the caller's
// secret agents; the answer holds the secrets of the whole profile.
func (co *connObject) getSecrets(c *bus.Call) {
	name := c.Args[0].(string)
	co.authorize(c, manager.ModifyAction(co.p.Connection()), func(subj auth.Subject) {
		conn := co.p.Connection()
		if conn.Setting(name) == nil {
			c.Error(bus.Errorf(bus.ConnectionSettingNotFound, "Connection didn't have requested setting '%s'.", name))
			return
		}
		const flags = manager.GetSecretsUserRequested | manager.GetSecretsNoErrors
		sc := &secretsCall{co: co, c: c}
		co.secrets = append(co.secrets, sc)
		sc.cancel = co.s.agents.GetSecrets(manager.GetSecretsRequest{
			Path: co.obj.Path(), Conn: conn, Requester: &subj, Setting: name, Flags: flags,
		}, func(res manager.GetSecretsResult) {
			co.dropSecretsCall(sc)
			if res.Err != nil {
				c.Error(res.Err)
				return
			}
			if err := co.takeSecrets(name, flags, res); err != nil {
				c.Error(err)
				return
			}
			d, _, err := co.p.Secrets(name)
			if err != nil {
				c.Error(storeError(err))
				return
			}
			c.Reply(d)
		})
	})
}

// takeSecrets merges the secrets found into the profile as NetworkManager
// does: the setting's agent-owned secrets are replaced; an agent's
// system-owned secrets count only if it may modify the profile (and the
// request allowed interaction), and are then written to disk; without
// interaction, secrets not to be saved or not required are refused.
func (co *connObject) takeSecrets(name string, flags uint32, res manager.GetSecretsResult) *bus.Error {
	s := co.s
	cur := co.p.Connection()
	if cur.Setting(name) == nil {
		return bus.Errorf(bus.ConnectionSettingNotFound, "Connection didn't have requested setting '%s'.", name)
	}
	var required, forbidden uint32
	agentHadSystem := false
	if res.Agent != "" {
		for sname, sd := range res.Secrets {
			// Anything not agent-owned counts as the daemon's here.
			notAgents := func(f uint32) bool { return !setting.AgentOwned(f) }
			if len(cur.FilterSecretsDict(sname, sd, notAgents)) > 0 {
				agentHadSystem = true
				break
			}
		}
		if agentHadSystem && (flags == 0 || !res.AgentHasModify) {
			required |= setting.SecretFlagAgentOwned
		}
	}
	if flags == 0 {
		forbidden |= setting.SecretFlagNotSaved | setting.SecretFlagNotRequired
	}
	next := cur.Clone()
	next.ClearSecretsIf(func(sname string, f uint32) bool { return sname == name && setting.AgentOwned(f) })
	filtered := next.FilterSecretsDict(name, res.Secrets[name], func(f uint32) bool {
		return f&required == required && f&forbidden == 0
	})
	if err := next.UpdateSecrets(name, filtered); err != nil {
		s.log.Debug(fmt.Sprintf("settings: (%s) failed to update with agent secrets: %s", name, err.Message))
	}
	if err := s.store.ApplySecrets(co.p, next, agentHadSystem); err != nil {
		return storeError(err)
	}
	return nil
}
