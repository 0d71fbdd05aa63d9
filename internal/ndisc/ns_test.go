package ndisc

import (
	"net"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonm/gonm/internal/hostid"
	"github.com/gonm/gonm/internal/testbed"
)

const radvdConf = `interface peer1 {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 4;
	AdvOtherConfigFlag on;
	AdvDefaultPreference high;
	AdvDefaultLifetime 1800;
	AdvLinkMTU 1400;
	AdvCurHopLimit 63;
	prefix 2001:db8:1::/64 {
		AdvOnLink on;
		AdvAutonomous on;
		AdvValidLifetime 600;
		AdvPreferredLifetime 300;
	};
	route 2001:db8:99::/48 {
		AdvRoutePreference low;
		AdvRouteLifetime 300;
	};
	RDNSS 2001:db8:1::53 {
		AdvRDNSSLifetime 300;
	};
	DNSSL example.test {
		AdvDNSSLLifetime 300;
	};
};
`

type env struct {
	ns, peer *testbed.Netns
	index    int
	hw       net.HardwareAddr
}

func newEnv(t *testing.T) *env {
	t.Helper()
	testbed.RequireRoot(t)
	testbed.RequireRadvd(t)
	ns := testbed.NewNetns(t)
	peer := testbed.NewNetns(t)
	// As NetworkManager does on managed interfaces: the kernel does not
	// act on RAs, the daemon does.
	ns.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_ra=0")
	testbed.Veth(t, ns, "eth1", peer, "peer1")
	e := &env{ns: ns, peer: peer}
	if err := ns.Do(func() error {
		ifi, err := net.InterfaceByName("eth1")
		if err != nil {
			return err
		}
		e.index, e.hw = ifi.Index, ifi.HardwareAddr
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return e
}

type events chan Event

func (ev events) waitFor(t *testing.T, timeout time.Duration, cond func(Data) bool) Data {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case e := <-ev:
			if e.Type == EventFailed {
				t.Fatalf("ndisc failed: %v", e.Err)
			}
			if e.Type == EventConfigChanged && cond(e.Data) {
				return e.Data
			}
		case <-deadline:
			t.Fatalf("condition not met within %v", timeout)
		}
	}
}

func (e *env) start(t *testing.T, cfg Config) (*NDisc, events) {
	t.Helper()
	cfg.IfIndex, cfg.IfName, cfg.HWAddr = e.index, "eth1", e.hw
	ev := make(events, 64)
	n, err := New(cfg, func(x Event) { ev <- x })
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ns.Do(n.Start); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Stop)
	return n, ev
}

func TestRadvdSLAACEUI64(t *testing.T) {
	e := newEnv(t)
	radvd := testbed.StartRadvd(t, e.peer, radvdConf)
	_, ev := e.start(t, Config{Mode: AddrGenEUI64})
	d := ev.waitFor(t, 15*time.Second, func(d Data) bool {
		return len(d.Addresses) == 1 && len(d.Gateways) == 1 && len(d.DNSDomains) == 1
	})
	wantAddr, _ := hostid.EUI64Addr(netip.MustParseAddr("2001:db8:1::"), e.hw)
	if d.Addresses[0].Addr != wantAddr {
		t.Errorf("SLAAC address %v, want %v", d.Addresses[0].Addr, wantAddr)
	}
	now := time.Now()
	if lt := Lifetime(d.Addresses[0].Expiry, now); lt < 590 || lt > 601 {
		t.Errorf("valid lifetime %d", lt)
	}
	if lt := Lifetime(d.Addresses[0].PreferredExpiry, now); lt < 290 || lt > 301 {
		t.Errorf("preferred lifetime %d", lt)
	}
	g := d.Gateways[0]
	if !g.Addr.IsLinkLocalUnicast() || g.Preference != PrefHigh || Lifetime(g.Expiry, now) > 1801 {
		t.Errorf("gateway %+v", g)
	}
	if d.DHCPLevel != DHCPLevelOtherConf || d.MTU != 1400 || d.HopLimit != 63 {
		t.Errorf("level %v mtu %d hop limit %d", d.DHCPLevel, d.MTU, d.HopLimit)
	}
	var onLink, viaRouter bool
	for _, r := range d.Routes {
		if r.Prefix == netip.MustParsePrefix("2001:db8:1::/64") && r.OnLink && !r.Gateway.IsValid() {
			onLink = true
		}
		if r.Prefix == netip.MustParsePrefix("2001:db8:99::/48") && r.Gateway == g.Addr && r.Preference == PrefLow {
			viaRouter = true
		}
	}
	if !onLink || !viaRouter {
		t.Errorf("routes %+v", d.Routes)
	}
	if len(d.DNSServers) != 1 || d.DNSServers[0].Addr != netip.MustParseAddr("2001:db8:1::53") || d.DNSDomains[0].Domain != "example.test" {
		t.Errorf("dns %+v %+v", d.DNSServers, d.DNSDomains)
	}

	// ip6-privacy: NetworkManager hands the address to the kernel with
	// IFA_F_MANAGETEMPADDR and lets it make the temporary addresses.
	e.ns.MustRun("sysctl", "-q", "-w", "net.ipv6.conf.eth1.use_tempaddr=2")
	e.ns.MustIP("addr", "add", wantAddr.String()+"/64", "dev", "eth1", "valid_lft", "600", "preferred_lft", "300", "mngtmpaddr", "noprefixroute")
	deadline := time.Now().Add(5 * time.Second)
	for {
		out := e.ns.MustIP("-6", "addr", "show", "dev", "eth1")
		if strings.Contains(out, "temporary") && strings.Contains(out, "2001:db8:1:") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("kernel made no temporary address:\n%s", out)
		}
		time.Sleep(50 * time.Millisecond)
	}

	// radvd announces router lifetime 0 when it stops: the default router
	// goes away, the prefix stays.
	radvd.Stop()
	d = ev.waitFor(t, 10*time.Second, func(d Data) bool { return len(d.Gateways) == 0 })
	if len(d.Addresses) != 1 {
		t.Errorf("addresses after router lifetime 0: %+v", d.Addresses)
	}
}

func TestRadvdStablePrivacyStable(t *testing.T) {
	e := newEnv(t)
	testbed.StartRadvd(t, e.peer, radvdConf)
	mid, err := hostid.ReadMachineID("")
	var midp *hostid.MachineID
	if err == nil {
		midp = &mid
	}
	keyFile := filepath.Join(t.TempDir(), "secret_key")
	host, err := hostid.LoadHostID(keyFile, midp)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Mode: AddrGenStablePrivacy, StableType: hostid.StableTypeUUID, NetworkID: "7b8f1e0a-5d7e-4c55-9d0e-2b1b0c1f7a11", HostKey: host.Key}
	n1, ev1 := e.start(t, cfg)
	d1 := ev1.waitFor(t, 15*time.Second, func(d Data) bool { return len(d.Addresses) == 1 })
	n1.Stop()
	want, _ := hostid.StablePrivacyAddr(netip.MustParseAddr("2001:db8:1::"), hostid.StableTypeUUID, "eth1", cfg.NetworkID, 0, host.Key)
	if d1.Addresses[0].Addr != want {
		t.Errorf("address %v, want %v", d1.Addresses[0].Addr, want)
	}
	// A restart with the same secret key file gives the same address.
	host2, _ := hostid.LoadHostID(keyFile, midp)
	cfg.HostKey = host2.Key
	_, ev2 := e.start(t, cfg)
	d2 := ev2.waitFor(t, 15*time.Second, func(d Data) bool { return len(d.Addresses) == 1 })
	if d2.Addresses[0].Addr != d1.Addresses[0].Addr {
		t.Errorf("address changed across restarts: %v then %v", d1.Addresses[0].Addr, d2.Addresses[0].Addr)
	}
}
