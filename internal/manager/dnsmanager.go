package manager

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/bus"
)

// The DnsManager object shows how DNS is configured. gonm does not push
// DNS anywhere yet (that is the DNS layer's job); the object reports the
// mode and resolv.conf handling NetworkManager.conf asks for, resolved as
// NetworkManager resolves them, and an empty Configuration.
func newDnsManager(m *Manager) (*bus.Object, error) {
	c := bus.MustClass(&bus.Class{
		Name:       "DnsManager",
		Path:       bus.PathDnsManager,
		Interfaces: []*bus.Interface{{Name: IfaceDnsManager}},
	})
	m.dns = m.exp.NewObject(c)
	m.applyDNSConfig()
	if err := m.dns.Export(); err != nil {
		return nil, fmt.Errorf("export %s: %w", bus.PathDnsManager, err)
	}
	return m.dns, nil
}

func (m *Manager) applyDNSConfig() {
	dnsMode, _ := m.cfg.String("main", "dns")
	rcManager, _ := m.cfg.String("main", "rc-manager")
	mode, rc, warn := resolveDNSMode(dnsMode, rcManager, resolvedManagesResolvConf("/etc/resolv.conf"), executable("/sbin/resolvconf"))
	if warn != "" {
		m.log.Warn(warn)
	}
	m.dns.Set(IfaceDnsManager, "Mode", mode)
	m.dns.Set(IfaceDnsManager, "RcManager", rc)
	m.dns.Set(IfaceDnsManager, "Configuration", []map[string]dbus.Variant{})
}

// resolveDNSMode turns [main] dns and rc-manager into the values
// DnsManager shows. dns: unset means systemd-resolved when resolv.conf
// points to it, else "default"; unknown modes fall back to "default".
// rc-manager: "none" is a name for "symlink"; unknown values and "auto"
// resolve to unmanaged under systemd-resolved, resolvconf when
// /sbin/resolvconf exists, else symlink; dns=none forces unmanaged.
func resolveDNSMode(dns, rc string, resolvedOwnsResolvConf, hasResolvconf bool) (mode, rcOut, warn string) {
	switch {
	case dns == "systemd-resolved" || dns == "" && resolvedOwnsResolvConf:
		mode = "systemd-resolved"
	case dns == "dnsmasq" || dns == "none" || dns == "default":
		mode = dns
	default:
		mode = "default"
		if dns == "unbound" {
			warn = "init: ns mode 'unbound' was removed. Update your configuration"
		} else if dns != "" {
			warn = fmt.Sprintf("init: unknown dns mode '%s'", dns)
		}
	}
	if dns == "none" {
		return mode, "unmanaged", warn
	}
	switch rc {
	case "symlink", "none":
		return mode, "symlink", warn
	case "file", "resolvconf", "netconfig", "unmanaged":
		return mode, rc, warn
	case "auto", "":
	default:
		if warn == "" {
			warn = fmt.Sprintf("init: unknown resolv.conf manager \"%s\", fallback to \"auto\"", rc)
		}
	}
	switch {
	case mode == "systemd-resolved":
		rc = "unmanaged"
	case hasResolvconf:
		rc = "resolvconf"
	default:
		rc = "symlink"
	}
	return mode, rc, warn
}

// resolvedManagesResolvConf reports whether path is a link to one of
// systemd-resolved's files.
func resolvedManagesResolvConf(path string) bool {
	target, err := os.Readlink(path)
	if err != nil {
		return false
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(path), target)
	}
	switch filepath.Clean(target) {
	case "/run/systemd/resolve/stub-resolv.conf", "/run/systemd/resolve/resolv.conf",
		"/lib/systemd/resolv.conf", "/usr/lib/systemd/resolv.conf":
		return true
	}
	return false
}

func executable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0
}
