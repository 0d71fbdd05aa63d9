package difftest

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/testbed"
)

// testAgent is a secret agent (org.freedesktop.NetworkManager.SecretAgent)
// that records what the daemon asks and answers GetSecrets as told.
type testAgent struct {
	conn  *dbus.Conn
	mu    sync.Mutex
	calls []string
	seen  chan struct{}
	// answer decides the reply to GetSecrets.
	answer func(setting string) (setting.Dict, *dbus.Error)
}

// agentCall renders one call: the method, the object path (normalized),
// the setting and flags where there are, and the profile it got.
func (a *testAgent) record(method string, conn setting.Dict, path dbus.ObjectPath, extra string) {
	p := string(path)
	if strings.HasPrefix(p, nmSettingsPath+"/") {
		p = nmSettingsPath + "/N"
	}
	line := method + " " + p + extra
	if conn != nil {
		line += "\n" + setting.CanonicalText(conn)
	}
	a.mu.Lock()
	a.calls = append(a.calls, line)
	a.mu.Unlock()
	select {
	case a.seen <- struct{}{}:
	default:
	}
}

func (a *testAgent) GetSecrets(conn map[string]map[string]dbus.Variant, path dbus.ObjectPath, name string, hints []string, flags uint32) (map[string]map[string]dbus.Variant, *dbus.Error) {
	a.record("GetSecrets", conn, path, fmt.Sprintf(" %s hints=%v flags=0x%x", name, hints, flags))
	a.mu.Lock()
	answer := a.answer
	a.mu.Unlock()
	d, err := answer(name)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (a *testAgent) CancelGetSecrets(path dbus.ObjectPath, name string) *dbus.Error {
	a.record("CancelGetSecrets", nil, path, " "+name)
	return nil
}

func (a *testAgent) SaveSecrets(conn map[string]map[string]dbus.Variant, path dbus.ObjectPath) *dbus.Error {
	a.record("SaveSecrets", conn, path, "")
	return nil
}

func (a *testAgent) DeleteSecrets(conn map[string]map[string]dbus.Variant, path dbus.ObjectPath) *dbus.Error {
	a.record("DeleteSecrets", conn, path, "")
	return nil
}

// take returns the calls recorded so far, waiting up to a few seconds for
// at least n of them.
func (a *testAgent) take(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		a.mu.Lock()
		if len(a.calls) >= n {
			out := a.calls
			a.calls = nil
			a.mu.Unlock()
			// Anything that follows at once belongs to this step too.
			time.Sleep(200 * time.Millisecond)
			a.mu.Lock()
			out = append(out, a.calls...)
			a.calls = nil
			a.mu.Unlock()
			return out
		}
		a.mu.Unlock()
		select {
		case <-a.seen:
		case <-deadline:
			t.Fatalf("agent saw %d calls, want %d", len(a.calls), n)
		}
	}
}

// startAgent registers a secret agent on the side's bus.
func startAgent(t *testing.T, s *side) *testAgent {
	t.Helper()
	a := &testAgent{conn: s.ns.Bus.Conn(t), seen: make(chan struct{}, 1)}
	if err := a.conn.Export(a, "/org/freedesktop/NetworkManager/SecretAgent", "org.freedesktop.NetworkManager.SecretAgent"); err != nil {
		t.Fatal(err)
	}
	err := a.conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager/AgentManager").
		Call("org.freedesktop.NetworkManager.AgentManager.RegisterWithCapabilities", 0, "org.gonm.test-agent", uint32(1)).Err
	if err != nil {
		t.Fatalf("%s: register agent: %v", s.name, err)
	}
	return a
}

// Secret agents get the same requests from gonm as from NetworkManager
// 1.42, in the same order and with the same profiles: agent-owned secrets
// to save after an add or update, requests for what the daemon does not
// keep, deletion after ClearSecrets and Delete; and the callers of
// GetSecrets get the same answers (secrets, NoSecrets, UserCanceled).
func TestSecretAgentsMatchReference(t *testing.T) {
	keyfile.Owner = os.Getuid()
	ref, gonm := twinSides(t, testbed.DaemonOptions{}, testbed.BusOptions{})
	agents := map[*side]*testAgent{}
	for _, s := range []*side{ref, gonm} {
		agents[s] = startAgent(t, s)
	}
	wifi := setting.Dict{
		"connection":               sdict{"id": v("agent wifi"), "uuid": v(u(60)), "type": v("802-11-wireless")},
		"802-11-wireless":          sdict{"ssid": v([]byte("agentnet"))},
		"802-11-wireless-security": sdict{"key-mgmt": v("wpa-psk"), "psk": v("agentpsk1"), "psk-flags": v(uint32(1))},
	}
	system := setting.Dict{
		"connection":               sdict{"id": v("system wifi"), "uuid": v(u(61)), "type": v("802-11-wireless")},
		"802-11-wireless":          sdict{"ssid": v([]byte("sysnet"))},
		"802-11-wireless-security": sdict{"key-mgmt": v("wpa-psk"), "psk": v("systempsk")},
	}
	vpn := setting.Dict{
		"connection": sdict{"id": v("agent vpn"), "uuid": v(u(62)), "type": v("vpn")},
		"vpn": sdict{"service-type": v("org.freedesktop.NetworkManager.openvpn"),
			"data":    v(map[string]string{"remote": "vpn.example", "password-flags": "1", "cert-pass-flags": "0"}),
			"secrets": v(map[string]string{"cert-pass": "kept by the daemon", "password": "agent's"})},
	}
	paths := map[*side]map[string]dbus.ObjectPath{ref: {}, gonm: {}}
	// step runs fn on both sides and compares what the agent saw (at
	// least want calls) and what fn returned.
	step := func(name string, want int, fn func(s *side) string) {
		t.Run(name, func(t *testing.T) {
			res := map[*side]string{}
			for _, s := range []*side{ref, gonm} {
				res[s] = fn(s)
				res[s] += "\nagent:\n" + strings.Join(agents[s].take(t, want), "\n")
			}
			if res[ref] != res[gonm] {
				t.Errorf("differs\n%s\n--- reference:\n%s\n--- gonm:\n%s", lineDiff(res[ref], res[gonm]), res[ref], res[gonm])
			}
		})
	}
	getSecrets := func(s *side, id, name string) string {
		call := s.conn.Object(testbed.BusName, paths[s][id]).Call(nmConnIface+".GetSecrets", 0, name)
		if call.Err != nil {
			return answer(call.Err)
		}
		return setting.CanonicalText(call.Body[0].(map[string]map[string]dbus.Variant))
	}
	// answerWith sets what the agents answer next; each call gets its own
	// copy of the dictionary.
	answerWith := func(d setting.Dict, err *dbus.Error) {
		for _, a := range agents {
			a.mu.Lock()
			a.answer = func(string) (setting.Dict, *dbus.Error) {
				if d == nil {
					return nil, err
				}
				out := setting.Dict{}
				for k, sd := range d {
					out[k] = map[string]dbus.Variant{}
					for kk, vv := range sd {
						out[k][kk] = vv
					}
				}
				return out, err
			}
			a.mu.Unlock()
		}
	}
	for _, p := range []struct {
		id string
		d  setting.Dict
	}{{"agent wifi", wifi}, {"system wifi", system}, {"agent vpn", vpn}} {
		step("add "+p.id, 1, func(s *side) string {
			path, err := addConnection(s.conn, p.d)
			paths[s][p.id] = path
			return answer(err)
		})
	}
	answerWith(setting.Dict{"802-11-wireless-security": sdict{"psk": v("from the agent")}}, nil)
	step("get agent-owned", 1, func(s *side) string { return getSecrets(s, "agent wifi", "802-11-wireless-security") })
	step("get system-owned", 0, func(s *side) string { return getSecrets(s, "system wifi", "802-11-wireless-security") })
	answerWith(setting.Dict{"vpn": sdict{"secrets": v(map[string]string{"password": "typed", "cert-pass": "agent tries"})}}, nil)
	step("get vpn", 1, func(s *side) string { return getSecrets(s, "agent vpn", "vpn") })
	answerWith(setting.Dict{}, nil)
	step("agent has none", 1, func(s *side) string { return getSecrets(s, "agent wifi", "802-11-wireless-security") })
	answerWith(nil, &dbus.Error{Name: "org.freedesktop.NetworkManager.SecretAgent.UserCanceled", Body: []any{"no"}})
	step("user cancels", 1, func(s *side) string { return getSecrets(s, "agent wifi", "802-11-wireless-security") })
	answerWith(nil, &dbus.Error{Name: "org.freedesktop.NetworkManager.SecretAgent.Failed", Body: []any{"broken"}})
	step("agent fails", 1, func(s *side) string { return getSecrets(s, "agent wifi", "802-11-wireless-security") })
	step("get a setting without secrets", 1, func(s *side) string { return getSecrets(s, "agent wifi", "connection") })
	step("update", 1, func(s *side) string {
		d := setting.Dict{}
		for k, sd := range wifi {
			d[k] = sd
		}
		d["802-11-wireless"] = sdict{"ssid": v([]byte("agentnet2"))}
		return answer(s.conn.Object(testbed.BusName, paths[s]["agent wifi"]).Call(nmConnIface+".Update", 0, d).Err)
	})
	step("clear secrets", 1, func(s *side) string {
		return answer(s.conn.Object(testbed.BusName, paths[s]["system wifi"]).Call(nmConnIface+".ClearSecrets", 0).Err)
	})
	step("delete", 1, func(s *side) string {
		return answer(s.conn.Object(testbed.BusName, paths[s]["agent vpn"]).Call(nmConnIface+".Delete", 0).Err)
	})
	// Once the agent is gone nobody is asked.
	for _, s := range []*side{ref, gonm} {
		if err := agents[s].conn.Object(testbed.BusName, "/org/freedesktop/NetworkManager/AgentManager").
			Call("org.freedesktop.NetworkManager.AgentManager.Unregister", 0).Err; err != nil {
			t.Fatalf("%s: unregister: %v", s.name, err)
		}
	}
	step("no agent", 0, func(s *side) string { return getSecrets(s, "agent wifi", "802-11-wireless-security") })
}
