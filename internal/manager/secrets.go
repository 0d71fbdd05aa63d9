package manager

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/auth"
	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/setting"
)

// Secret agents answer org.freedesktop.NetworkManager.SecretAgent at this
// path on their own bus connection.
const (
	secretAgentPath  = dbus.ObjectPath("/org/freedesktop/NetworkManager/SecretAgent")
	secretAgentIface = "org.freedesktop.NetworkManager.SecretAgent"
)

// NMSecretAgentGetSecretsFlags.
const (
	GetSecretsAllowInteraction uint32 = 0x1
	GetSecretsRequestNew       uint32 = 0x2
	GetSecretsUserRequested    uint32 = 0x4
	GetSecretsWPSPBCActive     uint32 = 0x8
	// The daemon's own flags, never sent to agents.
	GetSecretsNoErrors   uint32 = 0x40000000
	GetSecretsOnlySystem uint32 = 0x80000000
)

// How long agents get, as NetworkManager gives them.
const (
	agentGetTimeout    = 120 * time.Second
	agentSaveTimeout   = 60 * time.Second
	agentCancelTimeout = 1500 * time.Millisecond
)

// ModifyAction is the permission needed to change a profile:
// settings.modify.own when connection.permissions names exactly one user,
// settings.modify.system otherwise.
func ModifyAction(c *setting.Connection) string {
	if s := c.Setting("connection"); s != nil && len(s.Strv("permissions")) == 1 {
		return auth.SettingsModifyOwn
	}
	return auth.SettingsModifySystem
}

// GetSecretsRequest asks for the secrets of one setting of a profile:
// first from what the daemon keeps (system-owned secrets), then from the
// requester's secret agents in turn.
type GetSecretsRequest struct {
	// Path is the profile's object path, which agents receive.
	Path dbus.ObjectPath
	// Conn is the profile as the daemon has it, secrets included.
	Conn *setting.Connection
	// Requester is the D-Bus caller the request is for; only its agents
	// are asked. nil means the daemon itself (activation), whose request
	// any agent may answer.
	Requester *auth.Subject
	Setting   string
	Flags     uint32
	Hints     []string
}

// GetSecretsResult is the outcome of a GetSecretsRequest.
type GetSecretsResult struct {
	// Secrets are the secrets found, as a connection dictionary.
	Secrets setting.Dict
	// Agent is the unique bus name of the agent that answered, "" when
	// the daemon's own secrets sufficed; AgentHasModify says whether it
	// may modify the profile (and so may supply system-owned secrets).
	Agent          string
	AgentUID       uint32
	AgentHasModify bool
	Err            *bus.Error
}

type requestKind int

const (
	requestGet requestKind = iota
	requestSave
	requestDelete
)

func (k requestKind) String() string {
	return [...]string{"getting", "saving", "deleting"}[k]
}

// secretsRequest is one request going through the agents in order.
type secretsRequest struct {
	a         *AgentManager
	kind      requestKind
	path      dbus.ObjectPath
	conn      *setting.Connection
	requester *auth.Subject
	// get requests
	get      GetSecretsRequest
	existing setting.Dict
	done     func(GetSecretsResult)

	pending    []*Agent
	current    *Agent
	hasModify  bool
	callCancel context.CancelFunc // the running agent call
	generation int                // invalidates answers of abandoned calls
	finished   bool
}

// requestsFor the manager: in-progress requests, for agents that arrive
// or leave meanwhile.
func (a *AgentManager) addRequest(r *secretsRequest) { a.requests = append(a.requests, r) }

func (a *AgentManager) dropRequest(r *secretsRequest) {
	a.requests = slices.DeleteFunc(a.requests, func(x *secretsRequest) bool { return x == r })
}

// GetSecrets looks for secrets as NetworkManager's agent manager does and
// calls done on the loop exactly once, unless cancel is called first.
// Calling cancel tells the agent being asked (CancelGetSecrets).
func (a *AgentManager) GetSecrets(req GetSecretsRequest, done func(GetSecretsResult)) (cancel func()) {
	r := &secretsRequest{a: a, kind: requestGet, path: req.Path, conn: req.Conn.Clone(), requester: req.Requester,
		get: req, done: done}
	// What the daemon keeps itself; NetworkManager always has this
	// dictionary, if only with empty settings.
	r.existing = req.Conn.SecretsDBus(setting.SystemOwned)
	a.log.Debug(fmt.Sprintf("Secrets requested for connection %s (%s/%s)", req.Path, req.Conn.ID(), req.Setting))
	a.addRequest(r)
	if req.Flags&GetSecretsOnlySystem == 0 {
		for _, ag := range a.agents {
			if ag.registered {
				r.addAgent(ag)
			}
		}
	}
	// As NetworkManager, the request starts on idle.
	a.m.exp.Loop().Post(func() {
		if r.finished {
			return
		}
		if r.completeEarly() {
			return
		}
		r.next()
	})
	return func() { r.cancel() }
}

// SaveSecrets hands the agent-owned secrets of a profile (conn must hold
// only those) to the requester's agents until one takes them.
func (a *AgentManager) SaveSecrets(path dbus.ObjectPath, conn *setting.Connection, requester *auth.Subject) {
	a.startPlain(requestSave, path, conn, requester)
}

// DeleteSecrets tells every agent that a profile's secrets are gone.
func (a *AgentManager) DeleteSecrets(path dbus.ObjectPath, conn *setting.Connection) {
	a.startPlain(requestDelete, path, conn, nil)
}

func (a *AgentManager) startPlain(kind requestKind, path dbus.ObjectPath, conn *setting.Connection, requester *auth.Subject) {
	verb := map[requestKind]string{requestSave: "Saving", requestDelete: "Deleting"}[kind]
	a.log.Debug(fmt.Sprintf("%s secrets for connection %s (%s)", verb, path, conn.ID()))
	r := &secretsRequest{a: a, kind: kind, path: path, conn: conn.Clone(), requester: requester}
	a.addRequest(r)
	for _, ag := range a.agents {
		if ag.registered {
			r.addAgent(ag)
		}
	}
	a.m.exp.Loop().Post(func() {
		if !r.finished {
			r.next()
		}
	})
}

// addAgent considers an agent for the request: for getting secrets its
// user must be allowed to see the profile, and a request on behalf of a
// client goes to that client's user's agents only. The pending agents
// are ordered: the requesting process first, then agents of users with an
// active session, then the most recently started.
func (r *secretsRequest) addAgent(ag *Agent) {
	log := r.a.log
	if r.kind == requestGet && auth.InACL(r.conn.PermissionUsers(), ag.UID) != nil {
		log.Debug(fmt.Sprintf("agent[%s]: agent ignored for secrets request %s (not in ACL)", ag.Identifier, r.path))
		return
	}
	if r.requester != nil && ag.UID != r.requester.UID {
		log.Debug(fmt.Sprintf("agent[%s]: agent ignored for secrets request %s (uid %d not required %d)",
			ag.Identifier, r.path, ag.UID, r.requester.UID))
		return
	}
	log.Debug(fmt.Sprintf("agent[%s]: agent allowed for secrets request %s", ag.Identifier, r.path))
	i := 0
	for i < len(r.pending) && r.compare(ag, r.pending[i]) > 0 {
		i++
	}
	r.pending = slices.Insert(r.pending, i, ag)
}

func (r *secretsRequest) compare(a, b *Agent) int {
	if r.requester != nil && a.PID != b.PID {
		switch r.requester.PID {
		case a.PID:
			return -1
		case b.PID:
			return 1
		}
	}
	aa, ba := userHasActiveSession(a.UID), userHasActiveSession(b.UID)
	if aa != ba {
		if aa {
			return -1
		}
		return 1
	}
	as, bs := auth.ProcessStartTime(a.PID), auth.ProcessStartTime(b.PID)
	switch {
	case as > bs:
		return -1
	case as < bs:
		return 1
	}
	return 0
}

// userHasActiveSession asks logind's state files whether the user has an
// active session; without logind nobody has one.
func userHasActiveSession(uid uint32) bool {
	data, err := os.ReadFile("/run/systemd/users/" + strconv.FormatUint(uint64(uid), 10))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "ACTIVE_SESSIONS="); ok {
			return strings.TrimSpace(v) != ""
		}
	}
	return false
}

// completeEarly answers from the daemon's own secrets when they are
// enough (or when the caller asked only for them, or for no errors and
// there is nobody to ask).
func (r *secretsRequest) completeEarly() bool {
	g := r.get
	sd := r.existing[g.Setting]
	if len(sd) == 0 {
		return false
	}
	tmp := r.conn.Clone()
	if err := tmp.UpdateSecrets(g.Setting, sd); err != nil {
		r.finish(GetSecretsResult{Err: bus.Errorf(err.DBusName(), "%s", err.Message)})
		return true
	}
	need, _ := tmp.NeedSecrets(g.Flags&GetSecretsRequestNew != 0)
	if g.Flags&GetSecretsOnlySystem != 0 || need == "" {
		r.a.log.Debug(fmt.Sprintf("(%s) system settings secrets sufficient", r.path))
		r.finish(GetSecretsResult{Secrets: r.existing})
		return true
	}
	r.a.log.Debug(fmt.Sprintf("(%s) system settings secrets insufficient, asking agents", r.path))
	if g.Flags&GetSecretsNoErrors != 0 && len(r.pending) == 0 {
		r.finish(GetSecretsResult{Secrets: r.existing})
		return true
	}
	return false
}

// next hands the request to the next agent, or ends it.
func (r *secretsRequest) next() {
	r.stopCall()
	r.current = nil
	if len(r.pending) == 0 {
		switch r.kind {
		case requestGet:
			r.finish(GetSecretsResult{Err: bus.Errorf(bus.AgentManagerNoSecrets, "No agents were available for this request.")})
		default:
			r.finish(GetSecretsResult{})
		}
		return
	}
	r.current = r.pending[0]
	r.pending = r.pending[1:]
	r.a.log.Debug(fmt.Sprintf("agent[%s]: agent %s secrets for request %s", r.current.Identifier, r.kind, r.path))
	switch r.kind {
	case requestGet:
		r.startGet()
	case requestSave:
		r.call("SaveSecrets", agentSaveTimeout, r.conn.ToDBus(setting.WithSecrets), r.path)
	case requestDelete:
		r.call("DeleteSecrets", agentSaveTimeout, r.conn.ToDBus(setting.NoSecrets), r.path)
	}
}

// startGet decides what the agent may see: system-owned secrets only when
// it may modify the profile (asked of polkit when they exist).
func (r *secretsRequest) startGet() {
	r.hasModify = false
	g := r.get
	ag := r.current
	// NetworkManager's condition also accepts a profile with system-owned
	// secret flags, but its dictionary of existing secrets always exists,
	// so any request that allows interaction checks.
	if g.Flags != 0 {
		gen := r.generation
		r.a.m.auth.Check(ag.Sender, ModifyAction(r.conn), true, func(_ auth.Subject, res auth.Result, err error) {
			if r.finished || r.current != ag || gen != r.generation {
				return
			}
			r.hasModify = err == nil && res == auth.Yes
			r.a.log.Debug(fmt.Sprintf("agent[%s]: agent %s MODIFY check result %s", ag.Identifier, r.path,
				map[bool]string{true: "YES", false: "NO"}[r.hasModify]))
			r.sendGet()
		})
		return
	}
	r.sendGet()
}

func (r *secretsRequest) sendGet() {
	g := r.get
	tmp := r.conn.Clone()
	tmp.ClearSecretsIf(nil)
	{
		if r.hasModify {
			_ = tmp.UpdateSecrets(g.Setting, r.existing[g.Setting])
		} else {
			// Tell the agent that what it will not see is not needed.
			for name, sd := range r.existing {
				s := tmp.Setting(name)
				if s == nil {
					continue
				}
				for key := range sd {
					s.SetSecretFlags(key, setting.SecretFlagNotRequired)
				}
			}
		}
	}
	hints := g.Hints
	if hints == nil {
		hints = []string{}
	}
	flags := g.Flags &^ (GetSecretsOnlySystem | GetSecretsNoErrors)
	r.call("GetSecrets", agentGetTimeout, tmp.ToDBus(setting.WithSecrets), r.path, g.Setting, hints, flags)
}

// call runs one agent method on a goroutine and takes the answer on the
// loop.
func (r *secretsRequest) call(method string, timeout time.Duration, args ...any) {
	ag := r.current
	r.generation++
	gen := r.generation
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	r.callCancel = cancel
	conn := r.a.m.exp.Conn()
	l := r.a.m.exp.Loop()
	go func() {
		defer cancel()
		call := conn.Object(ag.Sender, secretAgentPath).CallWithContext(ctx, secretAgentIface+"."+method,
			dbus.FlagNoAutoStart, args...)
		l.Post(func() {
			if r.finished || gen != r.generation {
				return
			}
			r.callCancel = nil
			r.answered(ag, call)
		})
	}()
}

func (r *secretsRequest) stopCall() {
	r.generation++
	if r.callCancel != nil {
		r.callCancel()
		r.callCancel = nil
	}
}

// answered handles an agent's reply.
func (r *secretsRequest) answered(ag *Agent, call *dbus.Call) {
	log := r.a.log
	err := call.Err
	switch r.kind {
	case requestGet:
		if err != nil {
			log.Debug(fmt.Sprintf("agent[%s]: agent failed secrets request %s: %v", ag.Identifier, r.path, err))
			if dbusErrorName(err) == bus.SecretAgentUserCanceled {
				r.finish(GetSecretsResult{Err: bus.Errorf(bus.AgentManagerUserCanceled, "User canceled the secrets request.")})
				return
			}
			r.next()
			r.a.removeIfGone(ag, err)
			return
		}
		var d setting.Dict
		if len(call.Body) == 1 {
			d, _ = call.Body[0].(map[string]map[string]dbus.Variant)
		}
		if len(d[r.get.Setting]) == 0 {
			log.Debug(fmt.Sprintf("agent[%s]: agent returned no secrets for request %s", ag.Identifier, r.path))
			r.next()
			return
		}
		log.Debug(fmt.Sprintf("agent[%s]: agent returned secrets for request %s", ag.Identifier, r.path))
		r.finish(GetSecretsResult{Secrets: d, Agent: ag.Sender, AgentUID: ag.UID, AgentHasModify: r.hasModify})
	case requestSave:
		if err != nil {
			log.Debug(fmt.Sprintf("agent[%s]: agent failed save secrets request %s: %v", ag.Identifier, r.path, err))
			r.next()
			r.a.removeIfGone(ag, err)
			return
		}
		log.Debug(fmt.Sprintf("agent[%s]: agent saved secrets for request %s", ag.Identifier, r.path))
		r.finish(GetSecretsResult{})
	case requestDelete:
		if err != nil {
			log.Debug(fmt.Sprintf("agent[%s]: agent failed delete secrets request %s: %v", ag.Identifier, r.path, err))
		} else {
			log.Debug(fmt.Sprintf("agent[%s]: agent deleted secrets for request %s", ag.Identifier, r.path))
		}
		r.next()
		if err != nil {
			r.a.removeIfGone(ag, err)
		}
	}
}

func dbusErrorName(err error) string {
	var de dbus.Error
	if errors.As(err, &de) {
		return de.Name
	}
	var dp *dbus.Error
	if errors.As(err, &dp) {
		return dp.Name
	}
	return ""
}

// removeIfGone forgets an agent whose call failed because it left the
// bus.
func (a *AgentManager) removeIfGone(ag *Agent, err error) {
	switch dbusErrorName(err) {
	case "org.freedesktop.DBus.Error.NameHasNoOwner", "org.freedesktop.DBus.Error.Disconnected":
		a.remove(ag)
	}
}

func (r *secretsRequest) finish(res GetSecretsResult) {
	if r.finished {
		return
	}
	r.finished = true
	r.stopCall()
	r.a.dropRequest(r)
	if r.done != nil {
		r.done(res)
	}
}

// cancel abandons a get request; the agent being asked is told.
func (r *secretsRequest) cancel() {
	if r.finished {
		return
	}
	r.finished = true
	ag := r.current
	r.stopCall()
	r.a.dropRequest(r)
	if ag != nil && r.kind == requestGet {
		conn := r.a.m.exp.Conn()
		path, name := r.path, r.get.Setting
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), agentCancelTimeout)
			defer cancel()
			_ = conn.Object(ag.Sender, secretAgentPath).CallWithContext(ctx, secretAgentIface+".CancelGetSecrets",
				dbus.FlagNoAutoStart, path, name).Err
		}()
	}
}

// agentLeft takes an agent out of a request; the request moves on if it
// was the one being asked.
func (r *secretsRequest) agentLeft(ag *Agent) {
	if r.current == ag {
		r.a.log.Debug(fmt.Sprintf("agent[%s]: current agent removed from secrets request %s", ag.Identifier, r.path))
		r.next()
		return
	}
	if i := slices.Index(r.pending, ag); i >= 0 {
		r.pending = slices.Delete(r.pending, i, i+1)
		r.a.log.Debug(fmt.Sprintf("agent[%s]: agent removed from secrets request %s", ag.Identifier, r.path))
	}
}
