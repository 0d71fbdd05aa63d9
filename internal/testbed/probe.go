package testbed

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
)

// Kind probes: this machine's kernel has veth, bridge, macvlan, vxlan and
// tun/tap built in but no dummy, bond, vlan, wireguard, vrf or team, and no
// modules to load. Tests that need a kind call RequireKind and are skipped,
// with the kernel's own answer as the reason, where it is missing.

var (
	probeMu    sync.Mutex
	probeCache = map[string]error{}
)

// probeCommands create one link of each kind in a scratch namespace; a
// parent veth "p0" exists for kinds stacked on another link.
var probeCommands = map[string][][]string{
	"veth":      {{"link", "add", "k0", "type", "veth", "peer", "name", "k1"}},
	"bridge":    {{"link", "add", "k0", "type", "bridge"}},
	"bond":      {{"link", "add", "k0", "type", "bond"}},
	"dummy":     {{"link", "add", "k0", "type", "dummy"}},
	"vlan":      {{"link", "add", "k0", "link", "p0", "type", "vlan", "id", "10"}},
	"macvlan":   {{"link", "add", "k0", "link", "p0", "type", "macvlan"}},
	"macvtap":   {{"link", "add", "k0", "link", "p0", "type", "macvtap"}},
	"ipvlan":    {{"link", "add", "k0", "link", "p0", "type", "ipvlan"}},
	"vxlan":     {{"link", "add", "k0", "type", "vxlan", "id", "42", "dstport", "4789"}},
	"wireguard": {{"link", "add", "k0", "type", "wireguard"}},
	"vrf":       {{"link", "add", "k0", "type", "vrf", "table", "10"}},
	"team":      {{"link", "add", "k0", "type", "team"}},
	"geneve":    {{"link", "add", "k0", "type", "geneve", "id", "1", "remote", "192.0.2.1"}},
	"gre":       {{"link", "add", "k0", "type", "gre", "remote", "192.0.2.1", "local", "192.0.2.2"}},
	"macsec":    {{"link", "add", "k0", "link", "p0", "type", "macsec"}},
	"tun":       {{"tuntap", "add", "dev", "k0", "mode", "tun"}},
	"tap":       {{"tuntap", "add", "dev", "k0", "mode", "tap"}},
}

// KindSupported reports whether the kernel can create links of kind, with
// the reason when it cannot. Results are cached per process.
func KindSupported(kind string) (bool, string) {
	probeMu.Lock()
	defer probeMu.Unlock()
	err, ok := probeCache[kind]
	if !ok {
		err = probeKind(kind)
		probeCache[kind] = err
	}
	if err != nil {
		return false, err.Error()
	}
	return true, ""
}

// RequireKind skips the test unless the kernel can create links of kind.
func RequireKind(env Env, kind string) {
	env.Helper()
	RequireRoot(env)
	if ok, why := KindSupported(kind); !ok {
		env.Skipf("testbed: this kernel cannot create %s links (%s); the kernel VM tier covers it", kind, why)
	}
}

func probeKind(kind string) error {
	cmds, ok := probeCommands[kind]
	if !ok {
		return fmt.Errorf("no probe for link kind %q", kind)
	}
	name := fmt.Sprintf("%s%d-probe-%s", namePrefix, os.Getpid(), kind)
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		return fmt.Errorf("create probe namespace: %v: %s", err, out)
	}
	defer exec.Command("ip", "netns", "delete", name).Run()
	if err := checkNotInitial("/run/netns/" + name); err != nil {
		return err
	}
	if out, err := exec.Command("ip", "-n", name, "link", "add", "p0", "type", "veth", "peer", "name", "p1").CombinedOutput(); err != nil {
		return fmt.Errorf("create parent veth: %v: %s", err, out)
	}
	for _, c := range cmds {
		if out, err := exec.Command("ip", append([]string{"-n", name}, c...)...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %s: %s", strings.Join(c, " "), strings.TrimSpace(string(out)))
		}
	}
	return nil
}
