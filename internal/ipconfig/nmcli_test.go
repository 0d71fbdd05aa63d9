package ipconfig

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/testbed"
)

// Debian's nmcli reads the IP config objects of gonm's daemon as it reads
// NetworkManager 1.42's, for the same static profiles: `nmcli device
// show eth1` (its IP4/IP6 sections) and `nmcli -g` of the address and
// route lists.
func TestNmcliMatchesReference(t *testing.T) {
	testbed.RequireReference(t)
	for _, tc := range []struct{ name, profile string }{
		{"dual-stack", theProfile}, {"ipv4-only", ipv4Only}, {"ipv6-only", ipv6Only},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gonm := nmcliSide(t, tc.profile, false)
			ref := nmcliSide(t, tc.profile, true)
			for _, args := range [][]string{
				{"device", "show", "eth1"},
				{"-g", "IP4.ADDRESS,IP4.ROUTE,IP4.GATEWAY,IP4.DNS", "device", "show", "eth1"},
				{"-g", "IP6.ADDRESS,IP6.ROUTE,IP6.GATEWAY,IP6.DNS", "device", "show", "eth1"},
			} {
				got, want := ipLines(gonm.MustRun("nmcli", args...)), ipLines(ref.MustRun("nmcli", args...))
				if got != want {
					t.Errorf("nmcli %s:\n--- gonm\n%s--- NetworkManager 1.42\n%s", strings.Join(args, " "), got, want)
				}
			}
		})
	}
}

// nmcliSide starts a daemon with eth1 activated with the profile and
// returns its namespace.
func nmcliSide(t *testing.T, profile string, reference bool) *testbed.Netns {
	ns, peer := testbed.NewNetns(t), testbed.NewNetns(t)
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	peer.MustIP("link", "set", "peer1", "up")
	var d *testbed.Daemon
	if reference {
		ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
		d = testbed.StartReference(t, ns, testbed.DaemonOptions{Quiet: true})
	} else {
		ns.Bus = testbed.StartBus(t, testbed.BusOptions{})
		d = testbed.StartDaemon(t, ns, testbed.DaemonOptions{Quiet: true})
	}
	if err := os.WriteFile(d.ConnectionsDir+"/s1.nmconnection", []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _ = ns.Run("nmcli", "connection", "reload")
	_, _ = ns.Run("nmcli", "connection", "up", "s1")
	// Active, with its addresses past DAD.
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		out, err := ns.Run("nmcli", "-g", "GENERAL.STATE", "device", "show", "eth1")
		if err == nil && strings.HasPrefix(out, "100") {
			time.Sleep(time.Second)
			return ns
		}
	}
	t.Fatalf("%s did not activate eth1", map[bool]string{true: "the reference", false: "gonm"}[reference])
	return nil
}

var linkLocal = regexp.MustCompile(`fe80(\\?:[0-9a-f]*)+`)

// ipLines keeps nmcli's IP4/IP6 lines (or all of -g's), with the
// link-local address, which each daemon derives from its own secret key,
// replaced by a placeholder.
func ipLines(out string) string {
	var keep []string
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if strings.Contains(l, ":  ") && !strings.HasPrefix(l, "IP4.") && !strings.HasPrefix(l, "IP6.") {
			continue // another section of device show
		}
		keep = append(keep, linkLocal.ReplaceAllString(l, "fe80::LL"))
	}
	return strings.Join(keep, "\n") + "\n"
}
