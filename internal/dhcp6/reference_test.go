package dhcp6

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/dhcpid"
	"github.com/gonm/gonm/internal/hostid"
	"github.com/gonm/gonm/internal/testbed"
)

const refRadvdConf = `interface peer1 {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 4;
	AdvManagedFlag on;
	AdvOtherConfigFlag on;
	prefix 2001:db8:1::/64 {
		AdvOnLink on;
		AdvAutonomous on;
	};
};
`

// TestReferenceIPv6 runs NetworkManager 1.42 with ipv6.method auto and
// addr-gen-mode stable-privacy against radvd (M and O flags, autonomous
// prefix) and dnsmasq (stateful DHCPv6). It checks that NetworkManager's
// SLAAC address is the one hostid derives from its secret key, and that
// this client, with NetworkManager's default DUID and IAID, gets the same
// DHCPv6 address and option map.
func TestReferenceIPv6(t *testing.T) {
	testbed.RequireReference(t)
	testbed.RequireRadvd(t)
	e := newEnv(t)
	testbed.StartRadvd(t, e.peer, refRadvdConf)
	testbed.StartDnsmasq(t, e.peer, "peer1",
		"--dhcp-range=2001:db8:1::100,2001:db8:1::1ff,64,2m",
		"--dhcp-option=option6:dns-server,[2001:db8:1::53]",
		"--dhcp-option=option6:domain-search,example.test")
	e.ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	ref := testbed.StartReference(t, e.ns, testbed.DaemonOptions{Quiet: true})
	e.ns.MustRun("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "t",
		"ipv4.method", "disabled", "ipv6.method", "auto", "ipv6.addr-gen-mode", "stable-privacy")
	uuid := strings.TrimSpace(e.ns.MustRun("nmcli", "-g", "connection.uuid", "connection", "show", "t"))
	var out string
	deadline := time.Now().Add(40 * time.Second)
	for {
		out = e.ns.MustRun("nmcli", "-f", "GENERAL,IP6,DHCP6", "device", "show", "eth1")
		if strings.Contains(out, "ip6_address") && strings.Count(out, "2001:db8:1:") >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("reference not configured:\n%s", out)
		}
		time.Sleep(200 * time.Millisecond)
	}
	refOpts := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^DHCP6\.OPTION\[\d+\]:\s+(\S+) = (.*)$`).FindAllStringSubmatch(out, -1) {
		refOpts[m[1]] = strings.TrimSpace(m[2])
	}
	secretKey, err := os.ReadFile(filepath.Join(fmt.Sprintf("/proc/%d/root", ref.PID), "var/lib/NetworkManager/secret_key"))
	if err != nil {
		t.Fatal(err)
	}
	if err := ref.Stop(); err != nil {
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
	slaac, _ := hostid.StablePrivacyAddr(netip.MustParseAddr("2001:db8:1::"), hostid.StableTypeUUID, "eth1", uuid, 0, host.Key)
	if !strings.Contains(out, slaac.String()+"/64") {
		t.Errorf("stable-privacy address %s not the reference's:\n%s", slaac, out)
	}

	duid, _, _ := dhcpid.DUID("", dhcpid.Identity{MachineID: mid})
	// NetworkManager sends the host name in the Client FQDN option.
	hn, _ := os.Hostname()
	_, ev := e.start(t, Config{DUID: duid, IAID: dhcpid.IAIDFromIfName("eth1"), Hostname: hn})
	x := ev.wait(t, EventBound, 15*time.Second)
	for k, v := range refOpts {
		if x.Lease.Options[k] != v {
			t.Errorf("option %s: ours %q, NetworkManager %q", k, x.Lease.Options[k], v)
		}
	}
	for k, v := range x.Lease.Options {
		if _, ok := refOpts[k]; !ok {
			t.Errorf("option %s=%q not in NetworkManager's map", k, v)
		}
	}
}

// TestReferenceInformationRequest: radvd with only the O flag, so
// NetworkManager asks for information only; our information-only client
// must show the same DHCP6 options.
func TestReferenceInformationRequest(t *testing.T) {
	testbed.RequireReference(t)
	testbed.RequireRadvd(t)
	e := newEnv(t)
	testbed.StartRadvd(t, e.peer, strings.Replace(refRadvdConf, "AdvManagedFlag on;", "AdvManagedFlag off;", 1))
	testbed.StartDnsmasq(t, e.peer, "peer1",
		"--dhcp-range=2001:db8:1::,ra-stateless",
		"--dhcp-option=option6:dns-server,[2001:db8:1::53]",
		"--dhcp-option=option6:domain-search,example.test,other.test",
		"--dhcp-option=option6:ntp-server,[2001:db8:1::123]")
	e.ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	ref := testbed.StartReference(t, e.ns, testbed.DaemonOptions{Quiet: true})
	e.ns.MustRun("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "t",
		"ipv4.method", "disabled", "ipv6.method", "auto")
	var out string
	deadline := time.Now().Add(40 * time.Second)
	for {
		out = e.ns.MustRun("nmcli", "-f", "GENERAL,IP6,DHCP6", "device", "show", "eth1")
		if strings.Contains(out, "dhcp6_name_servers") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("reference got no DHCPv6 information:\n%s", out)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err := ref.Stop(); err != nil {
		t.Fatal(err)
	}
	refOpts := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^DHCP6\.OPTION\[\d+\]:\s+(\S+) = (.*)$`).FindAllStringSubmatch(out, -1) {
		refOpts[m[1]] = strings.TrimSpace(m[2])
	}
	mid, err := hostid.ReadMachineID("")
	if err != nil {
		t.Skipf("no machine id: %v", err)
	}
	duid, _, _ := dhcpid.DUID("", dhcpid.Identity{MachineID: mid})
	hn, _ := os.Hostname()
	_, ev := e.start(t, Config{DUID: duid, IAID: dhcpid.IAIDFromIfName("eth1"), InfoOnly: true, Hostname: hn})
	x := ev.wait(t, EventBound, 15*time.Second)
	for k, v := range refOpts {
		if x.Lease.Options[k] != v {
			t.Errorf("option %s: ours %q, NetworkManager %q", k, x.Lease.Options[k], v)
		}
	}
	for k, v := range x.Lease.Options {
		if _, ok := refOpts[k]; !ok {
			t.Errorf("option %s=%q not in NetworkManager's map", k, v)
		}
	}
	t.Logf("reference DHCP6 options: %v", refOpts)
}
