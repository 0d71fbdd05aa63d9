package ndisc

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/hostid"
	"github.com/gonm/gonm/internal/testbed"
)

// TestReferenceLinkLocalAndPrivacy runs NetworkManager 1.42 on a profile
// with ipv6.method auto, stable-privacy and ip6-privacy=2 against radvd.
// It checks that NetworkManager's link-local address is the stable-privacy
// one hostid derives for fe80::/64 from its secret key, that its SLAAC
// address is ours, and the fact l3cfg must reproduce for temporary
// addresses: the SLAAC address carries mngtmpaddr and the kernel adds a
// temporary address beside it.
func TestReferenceLinkLocalAndPrivacy(t *testing.T) {
	testbed.RequireReference(t)
	e := newEnv(t)
	testbed.StartRadvd(t, e.peer, radvdConf)
	e.ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	ref := testbed.StartReference(t, e.ns, testbed.DaemonOptions{Quiet: true})
	e.ns.MustRun("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "t",
		"ipv4.method", "disabled", "ipv6.method", "auto", "ipv6.addr-gen-mode", "stable-privacy", "ipv6.ip6-privacy", "2")
	uuid := strings.TrimSpace(e.ns.MustRun("nmcli", "-g", "connection.uuid", "connection", "show", "t"))
	var out string
	deadline := time.Now().Add(40 * time.Second)
	for {
		out = e.ns.MustIP("-6", "addr", "show", "dev", "eth1")
		if strings.Contains(out, "temporary") && strings.Contains(out, "mngtmpaddr") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("reference not configured:\n%s", out)
		}
		time.Sleep(200 * time.Millisecond)
	}
	secretKey, err := os.ReadFile(filepath.Join(fmt.Sprintf("/proc/%d/root", ref.PID), "var/lib/NetworkManager/secret_key"))
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "secret_key")
	os.WriteFile(keyFile, secretKey, 0o600)
	mid, err := hostid.ReadMachineID("")
	if err != nil {
		t.Skipf("no machine id: %v", err)
	}
	host, err := hostid.LoadHostID(keyFile, &mid)
	if err != nil {
		t.Fatal(err)
	}
	ll, _ := hostid.StablePrivacyAddr(netip.MustParseAddr("fe80::"), hostid.StableTypeUUID, "eth1", uuid, 0, host.Key)
	global, _ := hostid.StablePrivacyAddr(netip.MustParseAddr("2001:db8:1::"), hostid.StableTypeUUID, "eth1", uuid, 0, host.Key)
	if !strings.Contains(out, ll.String()+"/64") {
		t.Errorf("link-local %s is not NetworkManager's:\n%s", ll, out)
	}
	t.Logf("reference addresses:\n%s", out)
	var slaacLine string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, global.String()+"/64") {
			slaacLine = line
		}
	}
	if !strings.Contains(slaacLine, "mngtmpaddr") {
		t.Errorf("SLAAC address %s without mngtmpaddr:\n%s", global, out)
	}
}
