package dhcp4

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/dhcpid"
	"github.com/gonm/gonm/internal/hostid"
	"github.com/gonm/gonm/internal/testbed"
)

var dnsmasqArgs = []string{
	"--dhcp-range=192.0.2.10,192.0.2.20,255.255.255.0,2m",
	"--dhcp-option=option:router,192.0.2.1",
	"--dhcp-option=option:dns-server,192.0.2.53,192.0.2.54",
	"--dhcp-option=option:domain-name,example.test",
	"--dhcp-option=option:domain-search,a.example.test,b.example.test",
	"--dhcp-option=option:mtu,1400",
	"--dhcp-option=option:ntp-server,192.0.2.123",
	"--dhcp-option=option:classless-static-route,10.0.0.0/8,192.0.2.1,0.0.0.0/0,192.0.2.1",
	"--dhcp-option=option:static-route,172.16.0.0,192.0.2.9",
	"--dhcp-option=252,http://wpad.example.test/wpad.dat",
	"--dhcp-option=option:root-path,/srv/root\\path",
	"--dhcp-option=option:nis-domain,nis.test",
	"--dhcp-option=option:nis-server,192.0.2.41",
	"--dhcp-option-force=option:netbios-ns,192.0.2.44",
	"--dhcp-option-force=224,01:02:0a",
	"--dhcp-option=option:T1,50",
	"--dhcp-option=option:T2,90",
	"--dhcp-boot=pxe.bin,bootsrv,192.0.2.2",
}

// refOptions reads "DHCP4.OPTION[n]: key = value" lines of nmcli device
// show.
func refOptions(out string) map[string]string {
	m := map[string]string{}
	re := regexp.MustCompile(`(?m)^DHCP4\.OPTION\[\d+\]:\s+(\S+) = (.*)$`)
	for _, s := range re.FindAllStringSubmatch(out, -1) {
		m[s[1]] = strings.TrimSpace(s[2])
	}
	return m
}

// TestReferenceDHCP4 runs NetworkManager 1.42 and this client against the
// same dnsmasq and compares the DHCP4 option maps, the lease files and
// the client identifier for ipv4.dhcp-client-id=stable.
func TestReferenceDHCP4(t *testing.T) {
	testbed.RequireReference(t)
	l := newLink(t)
	srv := testbed.StartDnsmasq(t, l.peerNS, "peer1", dnsmasqArgs...)
	l.ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	ref := testbed.StartReference(t, l.ns, testbed.DaemonOptions{Quiet: true})
	l.ns.MustRun("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "t",
		"ipv4.method", "auto", "ipv6.method", "disabled", "ipv4.dhcp-client-id", "stable")
	uuid := strings.TrimSpace(l.ns.MustRun("nmcli", "-g", "connection.uuid", "connection", "show", "t"))
	var out string
	deadline := time.Now().Add(30 * time.Second)
	for {
		out = l.ns.MustRun("nmcli", "-f", "GENERAL,IP4,DHCP4", "device", "show", "eth1")
		if strings.Contains(out, "DHCP4.OPTION") && strings.Contains(out, "ip_address") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("reference got no lease:\n%s", out)
		}
		time.Sleep(200 * time.Millisecond)
	}
	refOpts := refOptions(out)
	for _, k := range []string{"ip_address", "routers", "rfc3442_classless_static_routes", "static_routes", "wpad", "root_path",
		"nis_domain", "nis_servers", "netbios_name_servers", "private_224", "filename", "next_server", "domain_search", "dhcp_client_identifier"} {
		if _, ok := refOpts[k]; !ok {
			t.Errorf("scenario broken: NetworkManager shows no %s option", k)
		}
	}
	root := fmt.Sprintf("/proc/%d/root", ref.PID)
	refLease, err := os.ReadFile(filepath.Join(root, "var/lib/NetworkManager", "internal-"+uuid+"-eth1.lease"))
	if err != nil {
		t.Fatalf("reference lease file: %v", err)
	}
	secretKey, err := os.ReadFile(filepath.Join(root, "var/lib/NetworkManager/secret_key"))
	if err != nil {
		t.Fatalf("reference secret key: %v", err)
	}
	leases, _ := os.ReadFile(filepath.Join(srv.Dir, "leases"))
	if err := ref.Stop(); err != nil {
		t.Fatal(err)
	}
	l.ns.MustIP("addr", "flush", "dev", "eth1")

	// The same identity as NetworkManager's, from its secret key.
	keyFile := filepath.Join(t.TempDir(), "secret_key")
	os.WriteFile(keyFile, secretKey, 0o600)
	mid, err := hostid.ReadMachineID("")
	var midp *hostid.MachineID
	if err == nil {
		midp = &mid
	}
	host, err := hostid.LoadHostID(keyFile, midp)
	if err != nil {
		t.Fatal(err)
	}
	cid, err := dhcpid.ClientID("stable", dhcpid.Identity{IfName: "eth1", HWAddr: l.hw, StableID: uuid, StableType: hostid.StableTypeUUID, Host: host}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(leases, []byte(dhcpid.HexColon(cid))) {
		t.Errorf("stable client-id %s not what NetworkManager sent; dnsmasq leases:\n%s", dhcpid.HexColon(cid), leases)
	}
	leaseFile := filepath.Join(t.TempDir(), "internal-"+uuid+"-eth1.lease")
	// NetworkManager sends the host name (dhcp-send-hostname defaults to
	// yes); the owner passes it in.
	// The reference runs with its own hostname file (testbed.TestHostname).
	hn := testbed.TestHostname
	_, ev := startClient(t, l, Config{ClientID: cid, LeaseFile: leaseFile, Hostname: hn})
	e := ev.wait(t, EventBound, 20*time.Second)
	ours := e.Lease.Options
	if e.Lease.Address.Addr().String() != refOpts["ip_address"] {
		t.Errorf("address %v, reference %s (same client-id, same server)", e.Lease.Address, refOpts["ip_address"])
	}
	var keys []string
	for k := range refOpts {
		keys = append(keys, k)
	}
	for k := range ours {
		if _, ok := refOpts[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "expiry" {
			// Wall-clock time of each run.
			if _, ok := ours[k]; !ok {
				t.Errorf("option expiry missing")
			}
			continue
		}
		if ours[k] != refOpts[k] {
			t.Errorf("option %s: ours %q, NetworkManager %q", k, ours[k], refOpts[k])
		}
	}
	ourLease, _ := os.ReadFile(leaseFile)
	if string(ourLease) != string(refLease) {
		t.Errorf("lease file: ours %q, NetworkManager %q", ourLease, refLease)
	}
}
