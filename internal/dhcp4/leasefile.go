package dhcp4

import (
	"bufio"
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
)

// LeaseFilePath is where NetworkManager keeps the lease of a profile on an
// interface: "internal-<uuid>-<iface>.lease" in the run directory if a file
// exists there (initrd hand-over), else in the state directory.
func LeaseFilePath(runDir, stateDir, uuid, iface string) string {
	name := "internal-" + uuid + "-" + iface + ".lease"
	if runDir != "" {
		p := filepath.Join(runDir, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return filepath.Join(stateDir, name)
}

// leaseFileHeader starts every lease file NetworkManager's internal client
// writes.
const leaseFileHeader = "# This is private data. Do not parse.\n"

// WriteLeaseFile stores the address in NetworkManager's format, replacing
// the file atomically.
func WriteLeaseFile(path string, addr netip.Addr) error {
	content := leaseFileHeader + "ADDRESS=" + addr.String() + "\n"
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".")
	if err != nil {
		return fmt.Errorf("write lease file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write lease file: %w", err)
	}
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return fmt.Errorf("write lease file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write lease file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write lease file: %w", err)
	}
	return nil
}

// ReadLeaseFile returns the ADDRESS of a lease file (shell-style
// KEY=VALUE lines, optionally quoted, as NetworkManager parses it).
func ReadLeaseFile(path string) (netip.Addr, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("read lease file: %w", err)
	}
	if len(b) > 64*1024 {
		return netip.Addr{}, fmt.Errorf("read lease file %s: too large", path)
	}
	return ParseLeaseFile(b)
}

// ParseLeaseFile parses the content of a lease file.
func ParseLeaseFile(b []byte) (netip.Addr, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) != "ADDRESS" {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		a, err := netip.ParseAddr(v)
		if err != nil || !a.Is4() {
			return netip.Addr{}, fmt.Errorf("lease file: ADDRESS %q is not an IPv4 address", v)
		}
		return a, nil
	}
	return netip.Addr{}, fmt.Errorf("lease file: no ADDRESS")
}
