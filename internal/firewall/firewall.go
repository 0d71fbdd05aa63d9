// Package firewall owns the packet-filter rules NetworkManager 1.42 installs
// for ipv4.method shared: masquerading of the shared subnet and the forward
// rules that let its hosts out (and only answers back in), through the
// backend NetworkManager would pick ([main] firewall-backend, else nft if
// installed, else iptables, else nftables): one "nm-shared-IFACE" nft table
// per interface, fed to `nft -f -` in one atomic script, or iptables
// chains and rules with NetworkManager's names and comments. It builds the
// commands and runs them through a runner the caller supplies (so they run
// in the interface's network namespace); it calls nothing else of gonm.
package firewall

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Backend is a firewall backend (NetworkManager's NMFirewallBackend).
type Backend int

const (
	BackendNone Backend = iota + 1
	BackendNftables
	BackendIptables
)

// The programs, where Debian's NetworkManager looks for them.
const (
	NftPath      = "/usr/sbin/nft"
	IptablesPath = "/usr/sbin/iptables"
)

func (b Backend) String() string {
	switch b {
	case BackendNone:
		return "none"
	case BackendNftables:
		return "nftables"
	case BackendIptables:
		return "iptables"
	}
	return fmt.Sprintf("backend(%d)", int(b))
}

// Detect picks the backend: configured is [main] firewall-backend (empty
// when unset; an unknown name counts as unset), executable tells whether a
// program can be run (nil: check the file's mode bits).
func Detect(configured string, executable func(path string) bool) Backend {
	switch strings.ToLower(strings.TrimSpace(configured)) {
	case "none":
		return BackendNone
	case "nftables":
		return BackendNftables
	case "iptables":
		return BackendIptables
	}
	if executable == nil {
		executable = isExecutable
	}
	if executable(NftPath) {
		return BackendNftables
	}
	if executable(IptablesPath) {
		return BackendIptables
	}
	// Neither installed: NetworkManager still chooses nftables (and its
	// calls fail).
	return BackendNftables
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// Name is NetworkManager's name for an interface's table, chain or
// comment: prefix, then "-" and the interface name when it only has
// ordinary characters, else the name in base64 (chain names stay short
// enough for iptables that way).
func Name(prefix, iface string) string {
	if len(iface) > 15 {
		iface = iface[:15]
	}
	for i := 0; i < len(iface); i++ {
		c := iface[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte("._-+", c) >= 0) {
			return prefix + base64.StdEncoding.EncodeToString([]byte(iface))
		}
	}
	return prefix + "-" + iface
}

// subnet is the shared network as the rules name it ("10.42.0.0/24").
func subnet(p netip.Prefix) string {
	return p.Masked().String()
}

// NftShared is the script for `nft -f -` that sets up (up) or removes the
// shared-mode table of iface for the subnet of addr. Adding then flushing
// or deleting the table makes either work whatever is there already.
func NftShared(up bool, iface string, addr netip.Prefix) string {
	var b strings.Builder
	t := Name("nm-shared", iface)
	sn := subnet(addr)
	fmt.Fprintf(&b, "add table ip %s\n", t)
	if !up {
		fmt.Fprintf(&b, "delete table ip %s\n", t)
		return b.String()
	}
	fmt.Fprintf(&b, "flush table ip %s\n", t)
	fmt.Fprintf(&b, "add chain ip %s nat_postrouting { type nat hook postrouting priority 100; policy accept; };\n", t)
	fmt.Fprintf(&b, "add rule ip %s nat_postrouting ip saddr %s ip daddr != %s masquerade;\n", t, sn, sn)
	fmt.Fprintf(&b, "add chain ip %s filter_forward { type filter hook forward priority 0; policy accept; };\n", t)
	fmt.Fprintf(&b, "add rule ip %s filter_forward ip daddr %s oifname \"%s\"  ct state { established, related } accept;\n", t, sn, iface)
	fmt.Fprintf(&b, "add rule ip %s filter_forward ip saddr %s iifname \"%s\" accept;\n", t, sn, iface)
	fmt.Fprintf(&b, "add rule ip %s filter_forward iifname \"%s\" oifname \"%s\" accept;\n", t, iface, iface)
	fmt.Fprintf(&b, "add rule ip %s filter_forward iifname \"%s\" reject;\n", t, iface)
	fmt.Fprintf(&b, "add rule ip %s filter_forward oifname \"%s\" reject;\n", t, iface)
	return b.String()
}

// IptablesShared is the list of iptables invocations (arguments after the
// program) that set up or remove shared mode for iface, in
// NetworkManager's order. Errors of individual calls are expected when
// removing what is not there; NetworkManager ignores them too.
func IptablesShared(up bool, iface string, addr netip.Prefix) [][]string {
	sn := subnet(addr)
	comment := Name("nm-shared", iface)
	in, fw := Name("nm-sh-in", iface), Name("nm-sh-fw", iface)
	call := func(args ...string) []string { return append([]string{"--wait", "2"}, args...) }
	op := "--delete"
	if up {
		op = "--insert"
	}
	var cmds [][]string
	cmds = append(cmds, call("--table", "nat", op, "POSTROUTING", "--source", sn, "!", "--destination", sn,
		"--jump", "MASQUERADE", "-m", "comment", "--comment", comment))
	if up {
		// A chain is made anew: flushed and deleted if it exists.
		for _, ch := range []string{in, fw} {
			cmds = append(cmds, call("--table", "filter", "--new-chain", ch))
			if ch == in {
				for _, pp := range [][2]string{{"tcp", "67"}, {"udp", "67"}, {"tcp", "53"}, {"udp", "53"}} {
					cmds = append(cmds, call("--table", "filter", "--append", in, "--protocol", pp[0],
						"--destination-port", pp[1], "--jump", "ACCEPT"))
				}
			}
		}
		cmds = append(cmds,
			call("--table", "filter", "--append", fw, "--destination", sn, "--out-interface", iface,
				"--match", "state", "--state", "ESTABLISHED,RELATED", "--jump", "ACCEPT"),
			call("--table", "filter", "--append", fw, "--source", sn, "--in-interface", iface, "--jump", "ACCEPT"),
			call("--table", "filter", "--append", fw, "--in-interface", iface, "--out-interface", iface, "--jump", "ACCEPT"),
			call("--table", "filter", "--append", fw, "--out-interface", iface, "--jump", "REJECT"),
			call("--table", "filter", "--append", fw, "--in-interface", iface, "--jump", "REJECT"))
	}
	cmds = append(cmds,
		call("--table", "filter", op, "INPUT", "--in-interface", iface, "--jump", in, "-m", "comment", "--comment", comment),
		call("--table", "filter", op, "FORWARD", "--jump", fw, "-m", "comment", "--comment", comment))
	if !up {
		for _, ch := range []string{in, fw} {
			cmds = append(cmds, call("--table", "filter", "--flush", ch), call("--table", "filter", "--delete-chain", ch))
		}
	}
	return cmds
}

// Command makes the command that runs a program (in the right network
// namespace); nil means exec.CommandContext.
type Command func(ctx context.Context, name string, args ...string) *exec.Cmd

// timeout bounds one program run (NetworkManager waits 1 s for nft).
const timeout = 5 * time.Second

// ApplyShared sets up (or removes) shared mode for iface with backend b.
// With iptables, a failing chain creation is retried after removing the
// chain, and the first other failure is returned after every call ran
// (as NetworkManager goes on after a failed call).
func ApplyShared(b Backend, cmd Command, up bool, iface string, addr netip.Prefix) error {
	if cmd == nil {
		cmd = exec.CommandContext
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	switch b {
	case BackendNone:
		return nil
	case BackendNftables:
		c := cmd(ctx, NftPath, "-f", "-")
		c.Stdin = strings.NewReader(NftShared(up, iface, addr))
		if out, err := c.CombinedOutput(); err != nil {
			return fmt.Errorf("nft: %w: %s", err, bytes.TrimSpace(out))
		}
		return nil
	case BackendIptables:
		var first error
		for _, args := range IptablesShared(up, iface, addr) {
			out, err := cmd(ctx, IptablesPath, args...).CombinedOutput()
			if err != nil && len(args) > 4 && args[3] == "--new-chain" {
				ch := args[4]
				_, _ = cmd(ctx, IptablesPath, "--wait", "2", "--table", "filter", "--flush", ch).CombinedOutput()
				_, _ = cmd(ctx, IptablesPath, "--wait", "2", "--table", "filter", "--delete-chain", ch).CombinedOutput()
				out, err = cmd(ctx, IptablesPath, args...).CombinedOutput()
			}
			if err != nil && first == nil && up {
				first = fmt.Errorf("iptables %s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
			}
		}
		return first
	}
	return fmt.Errorf("unknown firewall backend %v", b)
}
