package testbed

import (
	"strings"
	"testing"
)

// The rendered configurations are what hostapd and wpa_supplicant 2.10
// read; the kernel VM's TestWifi proves they associate. Here: each
// security kind asks for exactly its key management, and nothing else.
func TestWifiConfigs(t *testing.T) {
	for _, c := range []struct {
		n           WifiNetwork
		ap, sta     []string
		apNot, staN []string
	}{
		{
			n:     WifiNetwork{SSID: "open-net", Security: WifiOpen},
			ap:    []string{"interface=wlan0", "driver=nl80211", "ssid=open-net", "channel=1", "hw_mode=g"},
			apNot: []string{"wpa=", "wpa_passphrase", "sae_password"},
			sta:   []string{`ssid="open-net"`, "key_mgmt=NONE"},
			staN:  []string{"psk=", "sae_password"},
		},
		{
			n:     WifiNetwork{SSID: "psk-net", Security: WifiWPA2PSK, Passphrase: "secret pass", Channel: 6},
			ap:    []string{"wpa=2", "wpa_key_mgmt=WPA-PSK", "rsn_pairwise=CCMP", "wpa_passphrase=secret pass", "channel=6"},
			apNot: []string{"sae_password", "ieee80211w"},
			sta:   []string{"key_mgmt=WPA-PSK", "proto=RSN", "pairwise=CCMP", `psk="secret pass"`},
			staN:  []string{"sae_password", "ieee80211w"},
		},
		{
			n:     WifiNetwork{SSID: "sae-net", Security: WifiWPA3SAE, Passphrase: "password"},
			ap:    []string{"wpa=2", "wpa_key_mgmt=SAE", "ieee80211w=2", "sae_password=password"},
			apNot: []string{"wpa_passphrase", "WPA-PSK"},
			sta:   []string{"key_mgmt=SAE", "ieee80211w=2", `sae_password="password"`},
			staN:  []string{"psk=", "WPA-PSK"},
		},
	} {
		t.Run(c.n.Security.String(), func(t *testing.T) {
			if err := c.n.validate(); err != nil {
				t.Fatalf("valid network rejected: %v", err)
			}
			ap := hostapdConfig("wlan0", "/tmp/ctrl", c.n)
			sta := supplicantConfig("/tmp/ctrl", c.n)
			lines := func(s string) map[string]bool {
				m := map[string]bool{}
				for _, l := range strings.Split(s, "\n") {
					m[strings.TrimSpace(l)] = true
				}
				return m
			}
			apL, staL := lines(ap), lines(sta)
			for _, w := range c.ap {
				if !apL[w] {
					t.Errorf("hostapd config lacks %q:\n%s", w, ap)
				}
			}
			for _, w := range c.sta {
				if !staL[w] {
					t.Errorf("wpa_supplicant config lacks %q:\n%s", w, sta)
				}
			}
			for _, w := range c.apNot {
				if strings.Contains(ap, w) {
					t.Errorf("hostapd config has %q:\n%s", w, ap)
				}
			}
			for _, w := range c.staN {
				if strings.Contains(sta, w) {
					t.Errorf("wpa_supplicant config has %q:\n%s", w, sta)
				}
			}
			if !apL["ctrl_interface=/tmp/ctrl"] || !staL["ctrl_interface=/tmp/ctrl"] {
				t.Error("control interface directory missing")
			}
		})
	}
}

func TestWifiNetworkValidation(t *testing.T) {
	for _, n := range []WifiNetwork{
		{SSID: "", Security: WifiOpen},
		{SSID: strings.Repeat("x", 33), Security: WifiOpen},
		{SSID: "a\nctrl_interface=/etc", Security: WifiOpen},
		{SSID: `a"b`, Security: WifiOpen},
		{SSID: "ok", Security: WifiWPA2PSK, Passphrase: "short"},
		{SSID: "ok", Security: WifiWPA3SAE, Passphrase: "long enough\n}"},
	} {
		if err := n.validate(); err == nil {
			t.Errorf("%+v accepted", n)
		}
	}
}
