package setting

import (
	"slices"
	"testing"

	"github.com/godbus/dbus/v5"
)

func mustParse(t *testing.T, d Dict) *Connection {
	t.Helper()
	c, err := FromDBus(d, ParseStrict|ParseNormalize)
	if err != nil {
		t.Fatalf("FromDBus: %v", err)
	}
	return c
}

func wifiPSK(psk string, flags uint32) Dict {
	sec := map[string]dbus.Variant{"key-mgmt": v("wpa-psk"), "psk-flags": v(flags)}
	if psk != "" {
		sec["psk"] = v(psk)
	}
	return Dict{
		"connection":               {"id": v("w"), "uuid": v(testUUID), "type": v("802-11-wireless")},
		"802-11-wireless":          {"ssid": v([]byte("net"))},
		"802-11-wireless-security": sec,
	}
}

func vpnDict() Dict {
	return Dict{
		"connection": {"id": v("v"), "uuid": v(testUUID), "type": v("vpn")},
		"vpn": {
			"service-type": v("org.freedesktop.NetworkManager.openvpn"),
			"data":         v(map[string]string{"password-flags": "1", "cert-pass-flags": "0"}),
			"secrets":      v(map[string]string{"password": "agent", "cert-pass": "system", "other": "system too"}),
		},
	}
}

func TestSecretsByOwner(t *testing.T) {
	c := mustParse(t, vpnDict())
	sys := c.SecretsDBus(SystemOwned)
	got, _ := sys["vpn"]["secrets"].Value().(map[string]string)
	if len(got) != 2 || got["cert-pass"] != "system" || got["other"] != "system too" {
		t.Errorf("system-owned VPN secrets: %v", got)
	}
	agent := c.SecretsDBus(AgentOwned)
	got, _ = agent["vpn"]["secrets"].Value().(map[string]string)
	if len(got) != 1 || got["password"] != "agent" {
		t.Errorf("agent-owned VPN secrets: %v", got)
	}
	if !c.AnySystemSecretFlags() {
		t.Error("a VPN profile with system-owned secrets reports none")
	}

	w := mustParse(t, wifiPSK("12345678", SecretFlagAgentOwned))
	if d := w.SecretsDBus(SystemOwned); len(d) != 0 {
		t.Errorf("agent-owned psk reported as system-owned: %v", d)
	}
	if !w.HasSecrets() {
		t.Error("HasSecrets false with a psk")
	}
	w.ClearSecretsIf(func(_ string, f uint32) bool { return AgentOwned(f) })
	if w.HasSecrets() {
		t.Error("agent-owned psk survived ClearSecretsIf")
	}
	// The LEAP password has flags 0 even though unset, which counts.
	if !w.AnySystemSecretFlags() {
		t.Error("wifi-security without system flags reported")
	}
	e := mustParse(t, eth(nil))
	if e.AnySystemSecretFlags() || e.HasSecrets() {
		t.Error("ethernet profile has no secrets at all")
	}
}

func TestUpdateSecrets(t *testing.T) {
	w := mustParse(t, wifiPSK("", 0))
	err := w.UpdateSecrets("802-11-wireless-security", map[string]dbus.Variant{
		"psk":      v("new password"),
		"key-mgmt": v("none"), // not a secret: ignored
	})
	if err != nil {
		t.Fatal(err)
	}
	s := w.Setting("802-11-wireless-security")
	if s.Str("psk") != "new password" || s.Str("key-mgmt") != "wpa-psk" {
		t.Errorf("after update: psk %q key-mgmt %q", s.Str("psk"), s.Str("key-mgmt"))
	}
	err = w.UpdateSecrets("802-11-wireless-security", map[string]dbus.Variant{"bogus": v("x")})
	if err == nil || err.Code != ErrPropertyNotFound || err.Message != "802-11-wireless-security.bogus: secret not found" {
		t.Errorf("unknown key: %v", err)
	}
	err = w.UpdateSecrets("802-1x", map[string]dbus.Variant{"password": v("x")})
	if err == nil || err.Code != ErrSettingNotFound {
		t.Errorf("missing setting: %v", err)
	}

	c := mustParse(t, vpnDict())
	if err := c.UpdateSecrets("vpn", map[string]dbus.Variant{"secrets": v(map[string]string{"password": "fresh", "otp": "1"})}); err != nil {
		t.Fatal(err)
	}
	got := c.Setting("vpn").StrDict("secrets")
	if got["password"] != "fresh" || got["otp"] != "1" || got["cert-pass"] != "system" {
		t.Errorf("VPN secrets merged: %v", got)
	}
	kept := c.FilterSecretsDict("vpn", map[string]dbus.Variant{"secrets": v(map[string]string{"password": "a", "cert-pass": "b"})}, AgentOwned)
	if m, _ := kept["secrets"].Value().(map[string]string); len(m) != 1 || m["password"] != "a" {
		t.Errorf("filtered VPN secrets: %v", kept)
	}
}

func TestNeedSecrets(t *testing.T) {
	cases := []struct {
		name      string
		d         Dict
		rerequest bool
		setting   string
		hints     []string
	}{
		{"psk missing", wifiPSK("", 0), false, "802-11-wireless-security", []string{"psk"}},
		{"psk present", wifiPSK("12345678", 0), false, "", nil},
		{"psk rerequest", wifiPSK("12345678", 0), true, "802-11-wireless-security", []string{"psk"}},
		{"ethernet", eth(nil), false, "", nil},
		{"vpn always", vpnDict(), false, "vpn", nil},
		{"peap mschapv2", Dict{
			"connection":               {"id": v("e"), "uuid": v(testUUID), "type": v("802-11-wireless")},
			"802-11-wireless":          {"ssid": v([]byte("corp"))},
			"802-11-wireless-security": {"key-mgmt": v("wpa-eap")},
			"802-1x":                   {"eap": v([]string{"peap"}), "identity": v("a"), "phase2-auth": v("mschapv2")},
		}, false, "802-1x", []string{"password", "password-raw"}},
	}
	for _, tc := range cases {
		c := mustParse(t, tc.d)
		s, h := c.NeedSecrets(tc.rerequest)
		if s != tc.setting || !slices.Equal(h, tc.hints) {
			t.Errorf("%s: NeedSecrets = %q %v, want %q %v", tc.name, s, h, tc.setting, tc.hints)
		}
	}
}
