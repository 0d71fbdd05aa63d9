package platform

import (
	"fmt"
	"os"
	"strings"
)

// Sysctls live under /proc/sys/net and belong to the network namespace of
// whoever opens them, so they are read and written from inside the
// platform's namespace. Only net/ paths are accepted.

func sysctlPath(path string) (string, error) {
	if !strings.HasPrefix(path, "net/") || strings.Contains(path, "..") || strings.Contains(path, "//") {
		return "", fmt.Errorf("sysctl %q: only net/... settings may be changed", path)
	}
	return "/proc/sys/" + path, nil
}

// SysctlGet reads a setting under /proc/sys (path like
// "net/ipv6/conf/eth0/accept_ra").
func (p *Platform) SysctlGet(path string) (string, error) {
	full, err := sysctlPath(path)
	if err != nil {
		return "", err
	}
	var out string
	err = p.ns.do(func() error {
		b, err := os.ReadFile(full)
		out = strings.TrimSpace(string(b))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("read sysctl %s: %w", path, err)
	}
	return out, nil
}

// SysctlSet writes a setting under /proc/sys.
func (p *Platform) SysctlSet(path, value string) error {
	full, err := sysctlPath(path)
	if err != nil {
		return err
	}
	err = p.ns.do(func() error {
		f, err := os.OpenFile(full, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return err
		}
		_, werr := f.WriteString(value)
		cerr := f.Close()
		if werr != nil {
			return werr
		}
		return cerr
	})
	if err != nil {
		return fmt.Errorf("set sysctl %s to %q: %w", path, value, err)
	}
	return nil
}

// Per-interface IPv4 and IPv6 settings NetworkManager manages.
const (
	IP6DisableIPv6   = "disable_ipv6"
	IP6AcceptRA      = "accept_ra"
	IP6AddrGenMode   = "addr_gen_mode"
	IP6Forwarding    = "forwarding"
	IP6UseTempAddr   = "use_tempaddr"
	IP6HopLimit      = "hop_limit"
	IP6MTU           = "mtu"
	IP6AcceptDAD     = "accept_dad"
	IP6DADTransmits  = "dad_transmits"
	IP4Forwarding    = "forwarding"
	IP4RPFilter      = "rp_filter"
	IP4ARPIgnore     = "arp_ignore"
	IP4ARPAnnounce   = "arp_announce"
	IP4PromoteSecond = "promote_secondaries"
)

func (p *Platform) ifSysctl(family string, index int32, key string) (string, error) {
	l := p.c.links[index]
	if l == nil {
		return "", fmt.Errorf("link %d: %w", index, ErrNotFound)
	}
	if strings.ContainsAny(key, "/.") || key == "" {
		return "", fmt.Errorf("invalid sysctl name %q", key)
	}
	return "net/" + family + "/conf/" + l.Name + "/" + key, nil
}

// SetIP6Sysctl writes an IPv6 setting of a link (net/ipv6/conf/IF/key).
func (p *Platform) SetIP6Sysctl(index int32, key, value string) error {
	path, err := p.ifSysctl("ipv6", index, key)
	if err != nil {
		return err
	}
	return p.SysctlSet(path, value)
}

// IP6Sysctl reads an IPv6 setting of a link.
func (p *Platform) IP6Sysctl(index int32, key string) (string, error) {
	path, err := p.ifSysctl("ipv6", index, key)
	if err != nil {
		return "", err
	}
	return p.SysctlGet(path)
}

// SetIP4Sysctl writes an IPv4 setting of a link (net/ipv4/conf/IF/key).
func (p *Platform) SetIP4Sysctl(index int32, key, value string) error {
	path, err := p.ifSysctl("ipv4", index, key)
	if err != nil {
		return err
	}
	return p.SysctlSet(path, value)
}

// IP4Sysctl reads an IPv4 setting of a link.
func (p *Platform) IP4Sysctl(index int32, key string) (string, error) {
	path, err := p.ifSysctl("ipv4", index, key)
	if err != nil {
		return "", err
	}
	return p.SysctlGet(path)
}
