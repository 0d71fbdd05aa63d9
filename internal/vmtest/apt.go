package vmtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// debInfo is what apt knows about one version of a package: enough to
// name it, fetch it and check what was fetched.
type debInfo struct {
	Package  string
	Version  string
	Filename string
	SHA256   string
}

// parseAptStanzas reads the control-file format apt-cache show prints:
// stanzas of "Field: value" lines separated by blank lines, a line starting
// with white space continuing the previous field. Only the fields debInfo
// needs are kept; a stanza lacking any of them is an error, since a package
// that cannot be checked must not be used.
func parseAptStanzas(data []byte) ([]debInfo, error) {
	var out []debInfo
	cur := map[string]string{}
	last := ""
	flush := func(line int) error {
		if len(cur) == 0 {
			return nil
		}
		d := debInfo{Package: cur["Package"], Version: cur["Version"], Filename: cur["Filename"], SHA256: strings.ToLower(cur["SHA256"])}
		cur, last = map[string]string{}, ""
		switch {
		case d.Package == "":
			return fmt.Errorf("apt-cache output: stanza ending at line %d has no Package field", line)
		case d.Version == "" || d.Filename == "":
			return fmt.Errorf("apt-cache output: package %s has no Version or Filename", d.Package)
		case !isSHA256Hex(d.SHA256):
			return fmt.Errorf("apt-cache output: package %s has no valid SHA256 (%q)", d.Package, d.SHA256)
		}
		out = append(out, d)
		return nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			if err := flush(n); err != nil {
				return nil, err
			}
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if last == "" {
				return nil, fmt.Errorf("apt-cache output line %d: continuation without a field", n)
			}
			continue // multi-line values (Description) are not needed
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, fmt.Errorf("apt-cache output line %d: not a field: %q", n, line)
		}
		last = k
		cur[k] = strings.TrimSpace(v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("apt-cache output: %w", err)
	}
	if err := flush(n); err != nil {
		return nil, err
	}
	return out, nil
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// resolveDebs asks apt which version of each package it would fetch (specs
// are "name" for the candidate or "name=version" for a pin), answering in
// the order asked.
func resolveDebs(ctx context.Context, specs []string) ([]debInfo, error) {
	if _, err := exec.LookPath("apt-cache"); err != nil {
		return nil, errors.New("apt-cache not found: the kernel VM image is built from Debian packages and needs apt")
	}
	args := append([]string{"show", "--no-all-versions"}, specs...)
	cmd := exec.CommandContext(ctx, "apt-cache", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("apt-cache show %s: %w: %s (run apt-get update; if the pinned kernel %s=%s is no longer served, move the pin in internal/vmtest/recipe.go)",
			strings.Join(specs, " "), err, strings.TrimSpace(stderr.String()), KernelPackage, KernelVersion)
	}
	infos, err := parseAptStanzas(out)
	if err != nil {
		return nil, err
	}
	byName := map[string]debInfo{}
	for _, d := range infos {
		if _, dup := byName[d.Package]; !dup {
			byName[d.Package] = d
		}
	}
	res := make([]debInfo, 0, len(specs))
	for _, s := range specs {
		name, ver, pinned := strings.Cut(s, "=")
		d, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("apt-cache show gave nothing for %s", s)
		}
		if pinned && d.Version != ver {
			return nil, fmt.Errorf("apt-cache show %s answered version %s", s, d.Version)
		}
		res = append(res, d)
	}
	return res, nil
}

// fetchDebs makes sure each package file is in dir, named by its SHA-256
// and checked against it, downloading the missing ones with apt-get in one
// go. It returns the paths in the order given.
func fetchDebs(ctx context.Context, dir string, debs []debInfo, log io.Writer) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	paths := make([]string, len(debs))
	var missing []debInfo
	for i, d := range debs {
		paths[i] = filepath.Join(dir, d.SHA256+".deb")
		if ok, _ := fileHasSHA256(paths[i], d.SHA256); !ok {
			missing = append(missing, d)
		}
	}
	if len(missing) == 0 {
		return paths, nil
	}
	tmp, err := os.MkdirTemp(dir, "download-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	args := []string{"download", "-q", "-o", "APT::Sandbox::User=root"}
	for _, d := range missing {
		args = append(args, d.Package+"="+d.Version)
	}
	fmt.Fprintf(log, "vmtest: downloading %d Debian packages\n", len(missing))
	cmd := exec.CommandContext(ctx, "apt-get", args...)
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("apt-get %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	// apt-get names files after package and version (escaping an epoch's
	// colon), not after the archive's file name: match them by content.
	got := map[string]string{}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		p := filepath.Join(tmp, e.Name())
		if sum, err := fileSHA256(p); err == nil {
			got[sum] = p
		}
	}
	for _, d := range missing {
		p, ok := got[d.SHA256]
		if !ok {
			return nil, fmt.Errorf("apt-get download gave no file matching %s %s's SHA-256 %s", d.Package, d.Version, d.SHA256)
		}
		if err := os.Rename(p, filepath.Join(dir, d.SHA256+".deb")); err != nil {
			return nil, err
		}
	}
	return paths, nil
}

func fileHasSHA256(path, want string) (bool, error) {
	sum, err := fileSHA256(path)
	return sum == want, err
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
