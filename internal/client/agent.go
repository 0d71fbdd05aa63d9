package client

import (
	"context"

	"github.com/godbus/dbus/v5"
)

// A secret agent answers NetworkManager's requests for passwords
// (org.freedesktop.NetworkManager.SecretAgent), registered with the
// AgentManager under an identifier.

const (
	ifaceSecretAgent = "org.freedesktop.NetworkManager.SecretAgent"
	pathSecretAgent  = "/org/freedesktop/NetworkManager/SecretAgent"
)

// SecretRequest is one GetSecrets call; the handler must call Respond or
// Fail exactly once (on the loop, or from any goroutine).
type SecretRequest struct {
	Connection     Settings
	ConnectionPath dbus.ObjectPath
	SettingName    string
	Hints          []string
	Flags          SecretsFlags
	reply          chan secretReply
}

type secretReply struct {
	s   Settings
	err *dbus.Error
}

// Respond returns secrets for the request.
func (r *SecretRequest) Respond(s Settings) {
	select {
	case r.reply <- secretReply{s: s}:
	default:
	}
}

// Fail answers the request with a SecretAgent error ("NoSecrets",
// "UserCanceled", "Failed"...).
func (r *SecretRequest) Fail(name, message string) {
	select {
	case r.reply <- secretReply{err: dbus.NewError(ifaceSecretAgent+"."+name, []any{message})}:
	default:
	}
}

// SecretAgent is a registered agent.
type SecretAgent struct {
	c       *Client
	handler func(*SecretRequest)
	cancel  func(path dbus.ObjectPath, setting string)
}

type agentExport struct{ a *SecretAgent }

func (e agentExport) GetSecrets(conn map[string]map[string]dbus.Variant, path dbus.ObjectPath, setting string, hints []string, flags uint32) (map[string]map[string]dbus.Variant, *dbus.Error) {
	req := &SecretRequest{Connection: Settings(conn), ConnectionPath: path, SettingName: setting,
		Hints: hints, Flags: SecretsFlags(flags), reply: make(chan secretReply, 1)}
	e.a.c.loop.Post(func() { e.a.handler(req) })
	rep := <-req.reply
	if rep.err != nil {
		return nil, rep.err
	}
	if rep.s == nil {
		rep.s = Settings{}
	}
	return map[string]map[string]dbus.Variant(rep.s), nil
}

func (e agentExport) CancelGetSecrets(path dbus.ObjectPath, setting string) *dbus.Error {
	if e.a.cancel != nil {
		e.a.c.loop.Post(func() { e.a.cancel(path, setting) })
	}
	return nil
}

func (e agentExport) SaveSecrets(conn map[string]map[string]dbus.Variant, path dbus.ObjectPath) *dbus.Error {
	return nil
}

func (e agentExport) DeleteSecrets(conn map[string]map[string]dbus.Variant, path dbus.ObjectPath) *dbus.Error {
	return nil
}

// RegisterSecretAgentAsync exports a secret agent on the client's
// connection and registers it; done gets the registration result on the
// loop. Requests go to handler, on the loop.
func (c *Client) RegisterSecretAgentAsync(ctx context.Context, identifier string, caps SecretAgentCapabilities,
	handler func(*SecretRequest), cancel func(dbus.ObjectPath, string), done func(*SecretAgent, error)) {
	a := &SecretAgent{c: c, handler: handler, cancel: cancel}
	if err := c.conn.Export(agentExport{a}, pathSecretAgent, ifaceSecretAgent); err != nil {
		c.loop.Post(func() { done(nil, err) })
		return
	}
	c.goCall(ctx, pathAgentManager, ifaceAgentManager+".RegisterWithCapabilities",
		[]any{identifier, uint32(caps)}, func(call *dbus.Call) {
			if call.Err != nil {
				c.conn.Export(nil, pathSecretAgent, ifaceSecretAgent)
				done(nil, wrapCallError(call.Err))
				return
			}
			done(a, nil)
		})
}

// Unregister removes the agent.
func (a *SecretAgent) Unregister() {
	ctx, cancel := context.WithTimeout(context.Background(), a.c.opts.CallTimeout)
	defer cancel()
	a.c.callVoid(ctx, pathAgentManager, ifaceAgentManager+".Unregister")
	a.c.conn.Export(nil, pathSecretAgent, ifaceSecretAgent)
}
