package manager

import (
	"fmt"
	"log/slog"
	"slices"

	"github.com/gonm/gonm/internal/auth"
	"github.com/gonm/gonm/internal/bus"
)

// Agent is a registered secret agent: a bus client that answers
// org.freedesktop.NetworkManager.SecretAgent at
// /org/freedesktop/NetworkManager/SecretAgent.
type Agent struct {
	Sender       string
	Identifier   string
	UID          uint32
	PID          uint32
	Capabilities uint32
	// Permissions holds the agent's answers for the Wi-Fi sharing actions,
	// which decide whether it may see sharing secrets.
	Permissions map[string]auth.Result

	// registered: the permission check is done; only then is the agent
	// asked for secrets.
	registered bool
	unwatch    func()
}

// AgentManager keeps the registered secret agents
// (org.freedesktop.NetworkManager.AgentManager) and runs the requests to
// them (secrets.go): getting secrets for a profile, handing them agent-owned
// secrets to save, telling them a profile's secrets are gone.
type AgentManager struct {
	m        *Manager
	log      *slog.Logger // AGENTS
	obj      *bus.Object
	agents   []*Agent
	requests []*secretsRequest
	// versionID grows with every agent that registers.
	versionID uint64
}

func newAgentManager(m *Manager) (*AgentManager, error) {
	a := &AgentManager{m: m, log: m.opts.AgentsLog}
	if a.log == nil {
		a.log = m.log
	}
	c := bus.MustClass(&bus.Class{
		Name: "AgentManager",
		Path: bus.PathAgentManager,
		Interfaces: []*bus.Interface{{
			Name: IfaceAgentManager,
			Methods: map[string]bus.Handler{
				"Register":                 func(c *bus.Call) { a.register(c, c.Args[0].(string), 0) },
				"RegisterWithCapabilities": func(c *bus.Call) { a.register(c, c.Args[0].(string), c.Args[1].(uint32)) },
				"Unregister":               a.unregister,
			},
		}},
	})
	a.obj = m.exp.NewObject(c)
	if err := a.obj.Export(); err != nil {
		return nil, fmt.Errorf("export %s: %w", bus.PathAgentManager, err)
	}
	return a, nil
}

// Agents returns the registered agents in registration order.
func (a *AgentManager) Agents() []*Agent { return slices.Clone(a.agents) }

// validIdentifier checks an agent identifier as NetworkManager does: 3 to
// 255 characters of letters, digits, '_', '-' and '.', without a leading
// or trailing '.' and without "..".
func validIdentifier(id string) error {
	if len(id) < 3 || len(id) > 255 {
		return bus.Errorf(bus.AgentManagerInvalidIdentifier, "Identifier length not between 3 and 255 characters (inclusive)")
	}
	if id[0] == '.' || id[len(id)-1] == '.' {
		return bus.Errorf(bus.AgentManagerInvalidIdentifier, "Identifier must not start or end with '.'")
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
		if !ok {
			return bus.Errorf(bus.AgentManagerInvalidIdentifier, "Identifier contains invalid character '%c'", c)
		}
		if c == '.' && i+1 < len(id) && id[i+1] == '.' {
			return bus.Errorf(bus.AgentManagerInvalidIdentifier, "Identifier contains two '.' characters in sequence")
		}
	}
	return nil
}

func (a *AgentManager) register(c *bus.Call, identifier string, caps uint32) {
	a.m.auth.Subject(c.Sender, func(s auth.Subject, err error) {
		if err != nil {
			c.Error(bus.Errorf(bus.AgentManagerPermissionDenied, "%s", auth.MsgRequestUIDUnknown))
			return
		}
		if err := validIdentifier(identifier); err != nil {
			c.Error(err)
			return
		}
		for _, ag := range a.agents {
			if ag.Identifier == identifier && ag.UID == s.UID {
				c.Error(bus.Errorf(bus.AgentManagerPermissionDenied, "An agent with this ID is already registered for this user."))
				return
			}
		}
		ag := &Agent{Sender: c.Sender, Identifier: identifier, UID: s.UID, PID: s.PID, Capabilities: caps}
		a.agents = append(a.agents, ag)
		ag.unwatch = a.m.exp.WatchName(c.Sender, func() {
			if a.remove(ag) {
				a.log.Debug(fmt.Sprintf("agent[%s]: agent disappeared", identifier))
			}
		})
		// The agent is registered once its sharing permissions are known.
		a.m.auth.CheckAll(c.Sender, []string{auth.WifiShareProtected, auth.WifiShareOpen}, false,
			func(_ auth.Subject, r map[string]auth.Result, err error) {
				if !slices.Contains(a.agents, ag) {
					c.Error(bus.Errorf(bus.AgentManagerFailed, "Agent disappeared while registering"))
					return
				}
				ag.Permissions = r
				ag.registered = true
				a.versionID++
				a.log.Info(fmt.Sprintf("agent[%s,uid %d]: agent registered", identifier, s.UID))
				c.Reply()
				// Requests in progress may ask it too.
				for _, req := range slices.Clone(a.requests) {
					req.addAgent(ag)
				}
			})
	})
}

func (a *AgentManager) unregister(c *bus.Call) {
	for _, ag := range a.agents {
		if ag.Sender == c.Sender {
			a.remove(ag)
			c.Reply()
			return
		}
	}
	c.Error(bus.Errorf(bus.AgentManagerNotRegistered, "Caller is not registered as an Agent"))
}

func (a *AgentManager) remove(ag *Agent) bool {
	i := slices.Index(a.agents, ag)
	if i < 0 {
		return false
	}
	a.agents = slices.Delete(a.agents, i, i+1)
	if ag.unwatch != nil {
		ag.unwatch()
	}
	a.log.Debug(fmt.Sprintf("agent[%s]: agent unregistered or disappeared", ag.Identifier))
	for _, req := range slices.Clone(a.requests) {
		req.agentLeft(ag)
	}
	return true
}

// VersionID grows whenever an agent registers, so that a caller can tell
// whether agents arrived since it last asked.
func (a *AgentManager) VersionID() uint64 { return a.versionID }
