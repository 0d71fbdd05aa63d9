package autoaddr

import (
	"context"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/firewall"
	"github.com/gonm/gonm/internal/testbed"
)

// findDnsmasq returns the command line of the dnsmasq whose arguments
// contain marker (read from /proc; nothing is signalled).
func findDnsmasq(marker string) []string {
	dirs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, f := range dirs {
		b, err := os.ReadFile(f)
		if err != nil || !strings.Contains(string(b), marker) {
			continue
		}
		argv := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
		if strings.HasSuffix(argv[0], "dnsmasq") {
			return argv
		}
	}
	return nil
}

// TestReferenceShared activates ipv4.method shared with NetworkManager
// 1.42 and compares what it did with what gonm does for the same
// interface: dnsmasq's command line, the nft ruleset, the address.
func TestReferenceShared(t *testing.T) {
	testbed.RequireReference(t)
	testbed.RequireDnsmasq(t)
	if _, err := os.Stat(firewall.NftPath); err != nil {
		t.Skipf("nftables not installed (apt-get install nftables): %v", err)
	}
	ns, peer := testbed.NewNetns(t), testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	peer.MustIP("link", "set", "peer1", "up")
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	ref := testbed.StartReference(t, ns, testbed.DaemonOptions{Quiet: true})
	ns.MustRun("nmcli", "connection", "add", "type", "ethernet", "ifname", "eth1", "con-name", "sh",
		"ipv4.method", "shared", "ipv6.method", "disabled")
	var argv []string
	deadline := time.Now().Add(30 * time.Second)
	for argv == nil {
		argv = findDnsmasq("nm-dnsmasq-eth1.pid")
		if argv != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the reference started no dnsmasq:\n%s", ns.MustRun("nmcli", "device"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	refRules := ns.MustRun("nft", "list", "ruleset")
	refAddr := ns.MustIP("-4", "addr", "show", "dev", "eth1")
	refFwd := strings.TrimSpace(ns.MustRun("sysctl", "-n", "net.ipv4.ip_forward"))
	if err := ref.Stop(); err != nil {
		t.Fatal(err)
	}

	// Debugging options NetworkManager adds at trace level are not part
	// of the comparison.
	got := slices.DeleteFunc(argv[1:], func(a string) bool { return a == "--log-dhcp" || a == "--log-queries" })
	want, err := DnsmasqArgs("eth1", netip.MustParsePrefix("10.42.0.1/24"), false,
		"/var/lib/NetworkManager/dnsmasq-eth1.leases", "/run/nm-dnsmasq-eth1.pid", "/nonexistent")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("dnsmasq arguments:\nNetworkManager %q\ngonm           %q", got, want)
	}
	if !strings.Contains(refAddr, "inet 10.42.0.1/24") || refFwd != "1" {
		t.Errorf("reference address/forwarding: %s %s", refAddr, refFwd)
	}

	// The same rules from gonm's firewall, in a namespace of their own.
	other := testbed.NewNetns(t)
	cmd := func(ctx context.Context, name string, args ...string) *exec.Cmd {
		return other.Command(ctx, name, args...)
	}
	if err := firewall.ApplyShared(firewall.BackendNftables, cmd, true, "eth1", netip.MustParsePrefix("10.42.0.1/24")); err != nil {
		t.Fatal(err)
	}
	if ours := other.MustRun("nft", "list", "ruleset"); ours != refRules {
		t.Errorf("nft ruleset:\nNetworkManager:\n%s\ngonm:\n%s", refRules, ours)
	}
	if err := firewall.ApplyShared(firewall.BackendNftables, cmd, false, "eth1", netip.MustParsePrefix("10.42.0.1/24")); err != nil {
		t.Fatal(err)
	}
	if left := other.MustRun("nft", "list", "ruleset"); strings.TrimSpace(left) != "" {
		t.Errorf("rules left after removal:\n%s", left)
	}
}
