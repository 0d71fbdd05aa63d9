package vmtest

import (
	"debug/elf"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Shared libraries. The guest's tools are dynamically linked; the image
// carries the libraries they need, found as ldd would find them (the
// dynamic section's NEEDED entries, recursively, plus the program
// interpreter) but without running anything: first among the unpacked
// packages, then on the host, which runs the same Debian release.

// libDirs are searched in order, relative to each root.
var libDirs = []string{
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
	"/lib64", "/usr/lib64", "/lib", "/usr/lib",
}

// hostFile is a file taken from the host, remembered so that a cached
// image is rebuilt when the host's copy changes (a glibc update).
type hostFile struct {
	Path  string `json:"path"`
	Size  int64  `json:"size"`
	MTime int64  `json:"mtime"`
}

// libResolver finds libraries in the unpacked packages (staging) and then
// on the host (hostRoot, "/" outside tests).
type libResolver struct {
	staging  string
	hostRoot string
	used     map[string]hostFile // host path -> identity
}

// resolve returns where soname lives: the path to read it from and the
// path it must have in the guest.
func (r *libResolver) resolve(soname string) (src, guest string, err error) {
	for _, root := range []string{r.staging, r.hostRoot} {
		for _, d := range libDirs {
			p := filepath.Join(root, d, soname)
			st, err := os.Stat(p)
			if err != nil || st.IsDir() {
				continue
			}
			if root == r.hostRoot {
				r.used[p] = hostFile{Path: p, Size: st.Size(), MTime: st.ModTime().UnixNano()}
			}
			return p, usrMerged(path.Join(d, soname)), nil
		}
	}
	return "", "", fmt.Errorf("shared library %s not found in the unpacked packages or on the host (add its package to guestPackages in recipe.go)", soname)
}

// addWithLibs puts the ELF file src into the tree at guest, with every
// library it needs. Files that are not ELF (scripts, data) are copied as
// they are.
func (r *libResolver) addWithLibs(t guestTree, src, guest string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	st, err := os.Stat(src)
	if err != nil {
		return err
	}
	t.file(guest, data, st.Mode().Perm())
	f, err := elf.Open(src)
	if err != nil {
		return nil // not ELF
	}
	defer f.Close()
	var needed []string
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b := make([]byte, p.Filesz)
			if _, err := p.ReadAt(b, 0); err != nil {
				return fmt.Errorf("%s: read interpreter: %w", src, err)
			}
			interp := strings.TrimRight(string(b), "\x00")
			if err := r.addInterp(t, interp); err != nil {
				return fmt.Errorf("%s: %w", src, err)
			}
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	needed = append(needed, libs...)
	for _, so := range needed {
		lsrc, lguest, err := r.resolve(so)
		if err != nil {
			return fmt.Errorf("%s: %w", guest, err)
		}
		if _, done := t[lguest]; done {
			continue
		}
		if err := r.addWithLibs(t, lsrc, lguest); err != nil {
			return err
		}
	}
	return nil
}

// addInterp installs the dynamic loader at the absolute path the programs
// name (/lib64/ld-linux-x86-64.so.2), which the guest's /lib64 symlink
// maps into /usr/lib64.
func (r *libResolver) addInterp(t guestTree, interp string) error {
	guest := usrMerged(interp)
	if _, done := t[guest]; done {
		return nil
	}
	for _, root := range []string{r.staging, r.hostRoot} {
		p := filepath.Join(root, interp)
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			continue
		}
		data, err := os.ReadFile(real)
		if err != nil {
			return err
		}
		if root == r.hostRoot {
			st, _ := os.Stat(real)
			r.used[real] = hostFile{Path: real, Size: st.Size(), MTime: st.ModTime().UnixNano()}
		}
		t.file(guest, data, 0o755)
		return nil
	}
	return fmt.Errorf("program interpreter %s not found", interp)
}

// usrMerged maps a path into the /usr-merged layout the guest uses (as
// Debian 12 does): /bin, /sbin, /lib and /lib64 are symlinks into /usr.
func usrMerged(p string) string {
	for _, d := range []string{"/bin", "/sbin", "/lib", "/lib64"} {
		if p == d || strings.HasPrefix(p, d+"/") {
			return "/usr" + p
		}
	}
	return p
}
