package vmtest_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gonm/gonm/internal/testbed"
)

// linkOps creates, attaches and deletes links: ipOps with iproute2,
// platformOps with internal/platform (the daemon's own code). The `ip -d
// link` checks stay the judge of what the kernel really has.
type linkOps interface {
	add(t *testing.T, ns *testbed.Netns, l link)
	setMaster(t *testing.T, ns *testbed.Netns, port, master string)
	del(t *testing.T, ns *testbed.Netns, name string)
}

// link is a link to create: the options a kind needs, and nothing the
// kernel would not show back.
type link struct {
	name, kind string
	parent     string // vlan
	vlanID     string
	bondMode   string
	vrfTable   string
	wg         *wgConfig
}

type wgConfig struct {
	privateKey, listenPort, peerKey, allowedIPs, endpoint string
}

type ipOps struct{}

func (ipOps) add(t *testing.T, ns *testbed.Netns, l link) {
	t.Helper()
	args := []string{"link", "add", l.name}
	if l.parent != "" {
		args = append(args, "link", l.parent)
	}
	args = append(args, "type", l.kind)
	switch l.kind {
	case "vlan":
		args = append(args, "id", l.vlanID)
	case "bond":
		args = append(args, "mode", l.bondMode)
	case "vrf":
		args = append(args, "table", l.vrfTable)
	}
	ns.MustIP(args...)
	if l.wg != nil {
		configureWireGuard(t, ns, l)
	}
}

// configureWireGuard gives a WireGuard link its key, port and peer with the
// `wg` tool (generic netlink, not a link operation).
func configureWireGuard(t *testing.T, ns *testbed.Netns, l link) {
	t.Helper()
	{
		key := testbed.TempDir(t) + "/key"
		if out, err := ns.Run("sh", "-c", "umask 077; printf '%s\\n' \"$1\" > \"$2\"", "sh", l.wg.privateKey, key); err != nil {
			t.Fatalf("write key: %v: %s", err, out)
		}
		ns.MustRun("wg", "set", l.name, "private-key", key, "listen-port", l.wg.listenPort,
			"peer", l.wg.peerKey, "allowed-ips", l.wg.allowedIPs, "endpoint", l.wg.endpoint)
	}
}

func (ipOps) setMaster(t *testing.T, ns *testbed.Netns, port, master string) {
	t.Helper()
	ns.MustIP("link", "set", port, "master", master)
}

func (ipOps) del(t *testing.T, ns *testbed.Netns, name string) {
	t.Helper()
	ns.MustIP("link", "del", name)
}

// WireGuard keys of the kind `wg genkey`/`wg pubkey` make (fixed, so the
// expected output is fixed).
const (
	wgPrivate = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
	wgPublic  = "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw="
	wgPeer    = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
)

// linkCases: for each kind, what to create, which ports to attach, and
// what `ip -d link show` must then say about the link and each port.
var linkCases = []struct {
	kind      string
	link      link
	ports     []string
	want      []string // regexps on `ip -d link show NAME`
	wantPort  []string // regexps on each port's `ip -d link show`
	wantOther func(t *testing.T, ns *testbed.Netns)
}{
	{
		kind: "dummy",
		link: link{name: "dummy7", kind: "dummy"},
		want: []string{`^\d+: dummy7: <BROADCAST,NOARP>`, `\n\s+dummy `},
	},
	{
		kind:     "bond",
		link:     link{name: "bond7", kind: "bond", bondMode: "active-backup"},
		ports:    []string{"port1", "port2"},
		want:     []string{`^\d+: bond7: <[^>]*MASTER[^>]*>`, `\n\s+bond mode active-backup `},
		wantPort: []string{`SLAVE`, ` master bond7 `, `\n\s+bond_slave state (ACTIVE|BACKUP) `},
	},
	{
		kind: "vlan",
		link: link{name: "vlan10", kind: "vlan", parent: "base0", vlanID: "10"},
		want: []string{`^\d+: vlan10@base0: `, `\n\s+vlan protocol 802\.1Q id 10 <REORDER_HDR>`},
	},
	{
		kind: "wireguard",
		link: link{name: "wg7", kind: "wireguard", wg: &wgConfig{
			privateKey: wgPrivate, listenPort: "51820", peerKey: wgPeer,
			allowedIPs: "10.7.0.0/24", endpoint: "192.0.2.7:51820",
		}},
		want: []string{`^\d+: wg7: <POINTOPOINT,NOARP>`, `\n\s+wireguard `},
		wantOther: func(t *testing.T, ns *testbed.Netns) {
			out := ns.MustRun("wg", "show", "wg7", "dump")
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 2 {
				t.Fatalf("wg show dump: want interface and one peer, got:\n%s", out)
			}
			iface := strings.Split(lines[0], "\t")
			if len(iface) < 3 || iface[0] != wgPrivate || iface[1] != wgPublic || iface[2] != "51820" {
				t.Errorf("wg interface line %q, want private %s public %s port 51820", lines[0], wgPrivate, wgPublic)
			}
			peer := strings.Split(lines[1], "\t")
			if len(peer) < 4 || peer[0] != wgPeer || peer[2] != "192.0.2.7:51820" || peer[3] != "10.7.0.0/24" {
				t.Errorf("wg peer line %q, want key %s endpoint 192.0.2.7:51820 allowed 10.7.0.0/24", lines[1], wgPeer)
			}
		},
	},
	{
		kind:     "vrf",
		link:     link{name: "vrf7", kind: "vrf", vrfTable: "107"},
		ports:    []string{"port1"},
		want:     []string{`^\d+: vrf7: <[^>]*MASTER[^>]*>`, `\n\s+vrf table 107 `},
		wantPort: []string{` master vrf7 `, `\n\s+vrf_slave table 107 `},
	},
	{
		kind:     "team",
		link:     link{name: "team7", kind: "team"},
		ports:    []string{"port1"},
		want:     []string{`^\d+: team7: `, `\n\s+team `},
		wantPort: []string{` master team7 `, `\n\s+team_slave `},
	},
}

// TestLinkKinds creates and removes every kind this machine's kernel lacks,
// with ports, keys and peers where the kind has them, and checks each
// against `ip -d link`.
func TestLinkKinds(t *testing.T) {
	kinds := make([]string, len(linkCases))
	for i, c := range linkCases {
		kinds[i] = c.kind
	}
	testbed.RequireKernel(t, kinds...)
	for _, impl := range []struct {
		name string
		ops  linkOps
	}{{"ip", ipOps{}}, {"platform", &platformOps{}}} {
		t.Run(impl.name, func(t *testing.T) { testLinkKinds(t, impl.ops) })
	}
}

func testLinkKinds(t *testing.T, ops linkOps) {
	for _, c := range linkCases {
		t.Run(c.kind, func(t *testing.T) {
			ns := testbed.NewNetns(t)
			peer := testbed.NewNetns(t)
			if c.link.parent != "" {
				ns.MustIP("link", "add", c.link.parent, "type", "veth", "peer", "name", c.link.parent+"p")
			}
			// Ports are veths whose other end is in another namespace;
			// bonding and team refuse ports that are up.
			for _, p := range c.ports {
				ns.MustIP("link", "add", p, "type", "veth", "peer", "name", p, "netns", peer.Name)
			}
			ops.add(t, ns, c.link)
			for _, p := range c.ports {
				ops.setMaster(t, ns, p, c.link.name)
			}
			out := ns.MustIP("-d", "link", "show", c.link.name)
			matchAll(t, c.link.name, out, c.want)
			for _, p := range c.ports {
				matchAll(t, p, ns.MustIP("-d", "link", "show", p), c.wantPort)
			}
			if c.wantOther != nil {
				c.wantOther(t, ns)
			}

			ops.del(t, ns, c.link.name)
			if out, err := ns.IP("link", "show", c.link.name); err == nil || !strings.Contains(out, "does not exist") {
				t.Errorf("%s still there after delete (err %v):\n%s", c.link.name, err, out)
			}
			for _, p := range c.ports {
				if out := ns.MustIP("-d", "link", "show", p); strings.Contains(out, " master ") {
					t.Errorf("port %s still has a master after %s was deleted:\n%s", p, c.link.name, out)
				}
			}
		})
	}
}

func matchAll(t *testing.T, name, out string, res []string) {
	t.Helper()
	for _, re := range res {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("`ip -d link show %s` does not match %q:\n%s", name, re, out)
		}
	}
}
