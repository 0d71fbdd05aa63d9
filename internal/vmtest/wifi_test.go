package vmtest_test

import (
	"testing"

	"github.com/gonm/gonm/internal/testbed"
)

// TestWifi associates wpa_supplicant with hostapd over simulated radios in
// two namespaces, for each kind of network the helpers offer, and pings
// across the simulated air.
func TestWifi(t *testing.T) {
	testbed.RequireKernel(t, testbed.KernelWifi)
	for _, n := range []testbed.WifiNetwork{
		{SSID: "gonm-wpa2", Security: testbed.WifiWPA2PSK, Passphrase: "correct horse battery"},
		{SSID: "gonm-open", Security: testbed.WifiOpen},
		{SSID: "gonm-sae", Security: testbed.WifiWPA3SAE, Passphrase: "staple battery horse"},
	} {
		t.Run(n.Security.String(), func(t *testing.T) {
			apNS, staNS := testbed.NewNetns(t), testbed.NewNetns(t)
			ap, sta := testbed.HwsimRadios(t, apNS, staNS)
			testbed.StartAP(t, ap, n)
			s := testbed.StartStation(t, sta, n)
			testbed.AddAddr(t, apNS, ap.Iface, "192.0.2.1/24")
			testbed.AddAddr(t, staNS, sta.Iface, "192.0.2.2/24")
			if out, err := staNS.Run("ping", "-c", "3", "-i", "0.2", "-W", "5", "192.0.2.1"); err != nil {
				t.Fatalf("ping across the simulated radio link: %v\n%s\n%s", err, out, s.Log())
			}
			// The station's view of the link: associated to the AP's SSID
			// with the expected key management.
			status := staNS.MustRun("wpa_cli", "-p", s.CtrlDir, "-i", sta.Iface, "status")
			for _, want := range []string{"wpa_state=COMPLETED", "ssid=" + n.SSID, "key_mgmt=" + map[testbed.WifiSecurity]string{
				testbed.WifiOpen: "NONE", testbed.WifiWPA2PSK: "WPA2-PSK", testbed.WifiWPA3SAE: "SAE",
			}[n.Security]} {
				if !containsLine(status, want) {
					t.Errorf("wpa_cli status lacks %q:\n%s", want, status)
				}
			}
		})
	}
}

func containsLine(text, line string) bool {
	for _, l := range splitLines(text) {
		if l == line {
			return true
		}
	}
	return false
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
