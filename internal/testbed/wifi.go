package testbed

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Simulated Wi-Fi: mac80211_hwsim radios (the kernel VM loads it with two)
// are real nl80211 devices that see each other's frames. A test moves one
// radio into each of two namespaces, runs hostapd on one and wpa_supplicant
// on the other, and IP traffic between the namespaces crosses the
// simulated air.

// Radio is one hwsim radio moved into a test namespace.
type Radio struct {
	Phy   string // phyN
	Iface string // its interface, wlanN
	NS    *Netns
}

// HwsimRadios moves two free hwsim radios into a and b (for an access
// point and a station) and returns them; they go back to the initial
// namespace at cleanup. Tests that use them must not run in parallel with
// each other: there are two radios.
func HwsimRadios(t KernelEnv, a, b *Netns) (Radio, Radio) {
	t.Helper()
	RequireKernel(t, KernelWifi)
	phys, err := freePhys()
	if err != nil {
		t.Fatalf("testbed: %v", err)
	}
	if len(phys) < 2 {
		t.Fatalf("testbed: need two free hwsim radios in the initial namespace, found %v", phys)
	}
	ra := moveRadio(t, phys[0], a)
	rb := moveRadio(t, phys[1], b)
	return ra, rb
}

// freePhys lists the simulated radios in this process's (initial)
// namespace, sorted. Real radios are never taken: on a machine with Wi-Fi
// hardware, that is someone's uplink.
func freePhys() ([]string, error) {
	entries, err := os.ReadDir("/sys/class/ieee80211")
	if err != nil {
		return nil, fmt.Errorf("list radios: %w", err)
	}
	var phys []string
	for _, e := range entries {
		drv, err := os.Readlink(filepath.Join("/sys/class/ieee80211", e.Name(), "device", "driver"))
		if err == nil && filepath.Base(drv) == "mac80211_hwsim" {
			phys = append(phys, e.Name())
		}
	}
	sort.Strings(phys)
	return phys, nil
}

func moveRadio(t KernelEnv, phy string, ns *Netns) Radio {
	t.Helper()
	ifaces, _ := os.ReadDir(filepath.Join("/sys/class/ieee80211", phy, "device", "net"))
	if len(ifaces) == 0 {
		t.Fatalf("testbed: radio %s has no interface", phy)
	}
	iface := ifaces[0].Name()
	if err := checkNotInitial(ns.Path()); err != nil {
		t.Fatalf("testbed: %v", err)
	}
	if out, err := exec.Command("iw", "phy", phy, "set", "netns", "name", ns.Name).CombinedOutput(); err != nil {
		t.Fatalf("testbed: move %s into %s: %v: %s", phy, ns.Name, err, out)
	}
	t.Cleanup(func() {
		// PID 1's namespace is the initial one; in the guest that is where
		// the radios live between tests.
		if out, err := ns.Run("iw", "phy", phy, "set", "netns", "1"); err != nil {
			t.Errorf("testbed: return %s from %s: %v: %s", phy, ns.Name, err, out)
		}
	})
	return Radio{Phy: phy, Iface: iface, NS: ns}
}

// WifiSecurity is the kind of network an access point offers.
type WifiSecurity int

const (
	WifiOpen    WifiSecurity = iota
	WifiWPA2PSK              // WPA2-Personal, CCMP
	WifiWPA3SAE              // WPA3-Personal: SAE with management frame protection
)

func (s WifiSecurity) String() string {
	switch s {
	case WifiOpen:
		return "open"
	case WifiWPA2PSK:
		return "wpa2-psk"
	case WifiWPA3SAE:
		return "wpa3-sae"
	}
	return fmt.Sprintf("WifiSecurity(%d)", int(s))
}

// WifiNetwork describes a network for StartAP and StartStation.
type WifiNetwork struct {
	SSID       string
	Security   WifiSecurity
	Passphrase string // for WPA2-PSK and SAE
	Channel    int    // 2.4 GHz channel, 1 if zero
}

// validate rejects values that would break out of the configuration
// files' syntax.
func (n WifiNetwork) validate() error {
	if n.SSID == "" || len(n.SSID) > 32 {
		return fmt.Errorf("SSID %q: want 1 to 32 bytes", n.SSID)
	}
	for _, v := range []string{n.SSID, n.Passphrase} {
		if strings.ContainsAny(v, "\"\n\r\x00") {
			return fmt.Errorf("%q: quotes, line breaks and NUL are not supported", v)
		}
	}
	if n.Security != WifiOpen && (len(n.Passphrase) < 8 || len(n.Passphrase) > 63) {
		return fmt.Errorf("%s passphrase: want 8 to 63 characters, got %d", n.Security, len(n.Passphrase))
	}
	return nil
}

// hostapdConfig renders hostapd's configuration for the network.
func hostapdConfig(iface, ctrlDir string, n WifiNetwork) string {
	ch := n.Channel
	if ch == 0 {
		ch = 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, "interface=%s\ndriver=nl80211\nctrl_interface=%s\nssid=%s\nhw_mode=g\nchannel=%d\n", iface, ctrlDir, n.SSID, ch)
	switch n.Security {
	case WifiWPA2PSK:
		fmt.Fprintf(&b, "wpa=2\nwpa_key_mgmt=WPA-PSK\nrsn_pairwise=CCMP\nwpa_passphrase=%s\n", n.Passphrase)
	case WifiWPA3SAE:
		fmt.Fprintf(&b, "wpa=2\nwpa_key_mgmt=SAE\nrsn_pairwise=CCMP\nieee80211w=2\nsae_password=%s\n", n.Passphrase)
	}
	return b.String()
}

// supplicantConfig renders wpa_supplicant's configuration for one network.
func supplicantConfig(ctrlDir string, n WifiNetwork) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ctrl_interface=%s\nnetwork={\n\tssid=%q\n\tscan_ssid=1\n", ctrlDir, n.SSID)
	switch n.Security {
	case WifiOpen:
		b.WriteString("\tkey_mgmt=NONE\n")
	case WifiWPA2PSK:
		fmt.Fprintf(&b, "\tkey_mgmt=WPA-PSK\n\tproto=RSN\n\tpairwise=CCMP\n\tpsk=%q\n", n.Passphrase)
	case WifiWPA3SAE:
		fmt.Fprintf(&b, "\tkey_mgmt=SAE\n\tproto=RSN\n\tpairwise=CCMP\n\tieee80211w=2\n\tsae_password=%q\n", n.Passphrase)
	}
	b.WriteString("}\n")
	return b.String()
}

// WifiProc is a running hostapd or wpa_supplicant, stopped at cleanup.
type WifiProc struct {
	Name string
	PID  int
	// CtrlDir is its control interface directory (for hostapd_cli or
	// wpa_cli -p).
	CtrlDir string
	mu      sync.Mutex
	log     strings.Builder
	exited  chan struct{}
}

// StartAP runs hostapd on the radio and waits until the access point is
// enabled.
func StartAP(t KernelEnv, r Radio, n WifiNetwork) *WifiProc {
	t.Helper()
	if err := n.validate(); err != nil {
		t.Fatalf("testbed: Wi-Fi network: %v", err)
	}
	dir := TempDir(t)
	conf := filepath.Join(dir, "hostapd.conf")
	if err := os.WriteFile(conf, []byte(hostapdConfig(r.Iface, filepath.Join(dir, "ctrl"), n)), 0o600); err != nil {
		t.Fatalf("testbed: %v", err)
	}
	p := startWifiProc(t, r.NS, "hostapd", filepath.Join(dir, "ctrl"), "hostapd", conf)
	if err := p.WaitLog("AP-ENABLED", 30*time.Second); err != nil {
		t.Fatalf("testbed: hostapd on %s: %v\n%s", r.Iface, err, p.Log())
	}
	return p
}

// StartStation runs wpa_supplicant on the radio for the network and waits
// until it is associated and, for secured networks, the keys are in place.
func StartStation(t KernelEnv, r Radio, n WifiNetwork) *WifiProc {
	t.Helper()
	if err := n.validate(); err != nil {
		t.Fatalf("testbed: Wi-Fi network: %v", err)
	}
	dir := TempDir(t)
	conf := filepath.Join(dir, "wpa_supplicant.conf")
	if err := os.WriteFile(conf, []byte(supplicantConfig(filepath.Join(dir, "ctrl"), n)), 0o600); err != nil {
		t.Fatalf("testbed: %v", err)
	}
	p := startWifiProc(t, r.NS, "wpa_supplicant", filepath.Join(dir, "ctrl"), "wpa_supplicant", "-i", r.Iface, "-D", "nl80211", "-c", conf)
	if err := p.WaitLog("CTRL-EVENT-CONNECTED", 60*time.Second); err != nil {
		t.Fatalf("testbed: wpa_supplicant on %s: %v\n%s", r.Iface, err, p.Log())
	}
	return p
}

func startWifiProc(t KernelEnv, ns *Netns, name, ctrlDir string, argv ...string) *WifiProc {
	t.Helper()
	cmd := ns.Command(context.Background(), argv[0], argv[1:]...)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("testbed: start %s: %v", name, err)
	}
	p := &WifiProc{Name: name, PID: cmd.Process.Pid, CtrlDir: ctrlDir, exited: make(chan struct{})}
	logDone := make(chan struct{})
	go func() {
		defer close(logDone)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
	}()
	go func() {
		_ = cmd.Wait()
		pw.Close()
		<-logDone
		close(p.exited)
	}()
	t.Cleanup(func() {
		terminate(cmd.Process, p.exited, 10*time.Second)
		if t.Failed() {
			t.Logf("testbed: %s log:\n%s", name, p.Log())
		}
	})
	return p
}

// Log returns what the process printed so far.
func (p *WifiProc) Log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// WaitLog waits until the process's output contains substr.
func (p *WifiProc) WaitLog(substr string, timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		if strings.Contains(p.Log(), substr) {
			return nil
		}
		select {
		case <-p.exited:
			if strings.Contains(p.Log(), substr) {
				return nil
			}
			return fmt.Errorf("%s exited before printing %q", p.Name, substr)
		case <-deadline:
			return fmt.Errorf("%s did not print %q within %v", p.Name, substr, timeout)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
