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
	// The reference runs with its own hostname file (testbed.TestHostname).
	hn := testbed.TestHostname
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
	// The reference runs with its own hostname file (testbed.TestHostname).
	hn := testbed.TestHostname
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

// TestReferenceIdentities reactivates one NetworkManager 1.42 profile with
// each ipv6.dhcp-duid, ipv6.dhcp-iaid and ipv4.dhcp-client-id mode and
// checks that internal/dhcpid derives the same DUID and IAID (shown in
// DHCP6Config) and client identifier (recorded by dnsmasq).
func TestReferenceIdentities(t *testing.T) {
	testbed.RequireReference(t)
	testbed.RequireRadvd(t)
	e := newEnv(t)
	e.peer.MustIP("addr", "add", "192.0.2.1/24", "dev", "peer1")
	testbed.StartRadvd(t, e.peer, refRadvdConf)
	srv := testbed.StartDnsmasq(t, e.peer, "peer1", "--no-ping",
		"--dhcp-range=2001:db8:1::100,2001:db8:1::1ff,64,2m",
		"--dhcp-range=192.0.2.10,192.0.2.200,255.255.255.0,2m")
	e.ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	ref := testbed.StartReference(t, e.ns, testbed.DaemonOptions{Quiet: true})
	e.ns.MustRun("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "t",
		"ipv4.method", "auto", "ipv6.method", "auto", "connection.stable-id", "my-stable-${DEVICE}")
	uuid := strings.TrimSpace(e.ns.MustRun("nmcli", "-g", "connection.uuid", "connection", "show", "t"))
	root := fmt.Sprintf("/proc/%d/root", ref.PID)
	keyPath := filepath.Join(root, "var/lib/NetworkManager/secret_key")
	waitKey := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(keyPath); err == nil {
			break
		}
		if time.Now().After(waitKey) {
			t.Fatal("reference wrote no secret key")
		}
		time.Sleep(100 * time.Millisecond)
	}
	secretKey, _ := os.ReadFile(keyPath)
	st, _ := os.Stat(keyPath)
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
	host.Timestamp = st.ModTime()
	sid := "my-stable-${DEVICE}"
	stableID, stableType := hostid.EffectiveStableID(&sid, hostid.StableIDInputs{UUID: uuid, Device: "eth1"})
	id := dhcpid.Identity{IfName: "eth1", HWAddr: e.hw, StableID: stableID, StableType: stableType, Host: host, MachineID: mid}

	optRE := regexp.MustCompile(`(?m)^DHCP6\.OPTION\[\d+\]:\s+(\S+) = (.*)$`)
	activate := func(settings ...string) map[string]string {
		t.Helper()
		e.ns.MustRun("nmcli", append([]string{"connection", "modify", "t"}, settings...)...)
		e.ns.MustRun("nmcli", "--wait", "30", "connection", "up", "t")
		deadline := time.Now().Add(30 * time.Second)
		for {
			out := e.ns.MustRun("nmcli", "-f", "DHCP4,DHCP6", "device", "show", "eth1")
			if strings.Contains(out, "ip6_address") && strings.Contains(out, "DHCP4.OPTION") {
				opts := map[string]string{}
				for _, m := range optRE.FindAllStringSubmatch(out, -1) {
					opts[m[1]] = strings.TrimSpace(m[2])
				}
				return opts
			}
			if time.Now().After(deadline) {
				t.Fatalf("reference not configured for %v:\n%s", settings, out)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	cases := []struct {
		duid, iaid, clientID string
	}{
		{"", "", "mac"},
		{"ll", "mac", "duid"},
		{"llt", "stable", "ipv6-duid"},
		{"stable-ll", "42", "stable"},
		{"stable-llt", "0x0a0b0c0d", "abc"},
		{"stable-uuid", "ifname", "01:02:03:04:05:06"},
		{"0a:0b:0c:0d:0e:0f", "", ""},
	}
	for _, c := range cases {
		opts := activate("ipv6.dhcp-duid", c.duid, "ipv6.dhcp-iaid", c.iaid, "ipv4.dhcp-client-id", c.clientID)
		duid, _, err := dhcpid.DUID(c.duid, id)
		if err != nil {
			t.Errorf("duid %q: %v", c.duid, err)
			continue
		}
		if got := dhcpid.HexColon(duid); got != opts["dhcp6_client_id"] {
			t.Errorf("ipv6.dhcp-duid %q: ours %s, NetworkManager %s", c.duid, got, opts["dhcp6_client_id"])
		}
		iaid6, _, _ := dhcpid.IAID(c.iaid, id)
		if got := dhcpid.IAIDHex(iaid6); got != opts["iaid"] {
			t.Errorf("ipv6.dhcp-iaid %q: ours %s, NetworkManager %s", c.iaid, got, opts["iaid"])
		}
		// ipv4.dhcp-iaid is unset: the IPv4 IAID is the ifname one, except
		// that "ipv6-duid" falls back to the IPv6 IAID when the IPv4 one is
		// not explicit.
		iaid4, _, _ := dhcpid.IAID("", id)
		if c.clientID == "ipv6-duid" {
			iaid4 = iaid6
		}
		cid, err := dhcpid.ClientID(c.clientID, id, iaid4, duid)
		if err != nil {
			t.Errorf("client-id %q: %v", c.clientID, err)
			continue
		}
		t.Logf("duid %q iaid %q client-id %q: NetworkManager shows DUID %s IAID %s; our client-id %s", c.duid, c.iaid, c.clientID,
			opts["dhcp6_client_id"], opts["iaid"], dhcpid.HexColon(cid))
		leases, _ := os.ReadFile(filepath.Join(srv.Dir, "leases"))
		if !strings.Contains(string(leases), " "+dhcpid.HexColon(cid)+"\n") {
			t.Errorf("ipv4.dhcp-client-id %q: ours %s not among dnsmasq's leases:\n%s", c.clientID, dhcpid.HexColon(cid), leases)
		}
	}
}
