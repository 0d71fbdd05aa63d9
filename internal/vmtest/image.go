package vmtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Image is a built guest: a kernel QEMU boots directly and the initramfs
// that becomes its root file system.
type Image struct {
	Dir           string
	Kernel        string // uncompressed vmlinux
	Initramfs     string // uncompressed newc cpio
	KernelRelease string // uname -r in the guest
	Key           string // hash of every input
	// Built is true when this call built the image, false when it came
	// from the cache.
	Built bool
}

// BuildOptions configure EnsureImage.
type BuildOptions struct {
	// CacheDir holds downloaded packages and built images; CacheDir() if
	// empty.
	CacheDir string
	// RepoRoot is gonm's module root, for building the guest's init;
	// found from the working directory if empty.
	RepoRoot string
	// Log receives progress lines; nil discards them.
	Log io.Writer
}

// GuestModuleList is where the image lists the modules the guest's init
// loads, one "path params..." line each, in order.
const GuestModuleList = "/etc/gonm-vm/modules"

// CacheDir is where images and packages are kept: $GONM_VM_CACHE, else
// /var/cache/gonm-vm for root, else the user's cache directory.
func CacheDir() string {
	if d := os.Getenv("GONM_VM_CACHE"); d != "" {
		return d
	}
	if os.Geteuid() == 0 {
		return "/var/cache/gonm-vm"
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "gonm-vm")
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("gonm-vm-%d", os.Geteuid()))
}

// kernelSpec is the apt spec of the kernel package.
func kernelSpec() string {
	if s := os.Getenv("GONM_VM_KERNEL_PACKAGE"); s != "" {
		return s
	}
	return KernelPackage + "=" + KernelVersion
}

// EnsureImage returns the image for the current recipe, building it if no
// cached image has the same inputs. Concurrent callers (go test runs
// packages in parallel) wait for one build.
func EnsureImage(ctx context.Context, opts BuildOptions) (*Image, error) {
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	cache := opts.CacheDir
	if cache == "" {
		cache = CacheDir()
	}
	root := opts.RepoRoot
	if root == "" {
		var err error
		if root, err = RepoRoot(); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, fmt.Errorf("kernel VM cache: %w", err)
	}

	specs := []string{kernelSpec()}
	for _, p := range guestPackages {
		specs = append(specs, p.Name)
	}
	debs, err := resolveDebs(ctx, specs)
	if err != nil {
		return nil, err
	}
	initBin, err := buildGuestInit(ctx, root, cache)
	if err != nil {
		return nil, err
	}
	key := imageKey(debs, initBin)
	img := &Image{
		Dir:       filepath.Join(cache, "images", key[:24]),
		Key:       key,
		Kernel:    "vmlinux",
		Initramfs: "initramfs.cpio",
	}
	img.Kernel = filepath.Join(img.Dir, img.Kernel)
	img.Initramfs = filepath.Join(img.Dir, img.Initramfs)

	unlock, err := lockFile(ctx, filepath.Join(cache, "build.lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()
	if m, ok := readManifest(img.Dir); ok && m.Key == key && hostFilesUnchanged(m.HostFiles) {
		img.KernelRelease = m.KernelRelease
		// The manifest's time is the image's last use, for pruning.
		now := time.Now()
		_ = os.Chtimes(filepath.Join(img.Dir, "manifest.json"), now, now)
		return img, nil
	}
	fmt.Fprintf(log, "vmtest: building the kernel VM image %s (inputs changed or not cached)\n", key[:12])
	start := time.Now()
	m, err := buildImage(ctx, cache, img.Dir, debs, initBin, log)
	if err != nil {
		return nil, fmt.Errorf("build kernel VM image: %w", err)
	}
	m.Key = key
	m.BuildSeconds = time.Since(start).Seconds()
	if err := writeManifest(img.Dir, m); err != nil {
		return nil, err
	}
	img.KernelRelease = m.KernelRelease
	img.Built = true
	fmt.Fprintf(log, "vmtest: image built in %.1fs: %s\n", m.BuildSeconds, img.Dir)
	pruneImages(filepath.Join(cache, "images"), filepath.Base(img.Dir), time.Now())
	return img, nil
}

func imageKey(debs []debInfo, initBin []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", recipeVersion)
	for _, d := range debs {
		fmt.Fprintf(h, "deb %s %s %s\n", d.Package, d.Version, d.SHA256)
	}
	for _, p := range guestPackages {
		fmt.Fprintf(h, "files %s %q\n", p.Name, p.Files)
	}
	for _, m := range guestModules {
		fmt.Fprintf(h, "module %s %q\n", m.Name, m.Params)
	}
	fmt.Fprintf(h, "applets %q\n", busyboxApplets)
	for _, k := range slices.Sorted(maps.Keys(guestEtc)) {
		fmt.Fprintf(h, "etc %s %q\n", k, guestEtc[k])
	}
	ih := sha256.Sum256(initBin)
	fmt.Fprintf(h, "init %x\n", ih)
	return hex.EncodeToString(h.Sum(nil))
}

// manifest records what an image was built from.
type manifest struct {
	Key           string     `json:"key"`
	KernelRelease string     `json:"kernel_release"`
	Packages      []string   `json:"packages"`
	Modules       []string   `json:"modules"`
	HostFiles     []hostFile `json:"host_files"`
	BuildSeconds  float64    `json:"build_seconds"`
	InitramfsSize int64      `json:"initramfs_bytes"`
}

func readManifest(dir string) (*manifest, bool) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, false
	}
	var m manifest
	if json.Unmarshal(b, &m) != nil {
		return nil, false
	}
	for _, f := range []string{"vmlinux", "initramfs.cpio"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return nil, false
		}
	}
	return &m, true
}

func writeManifest(dir string, m *manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	// Written last, so its presence means the image is complete.
	return os.WriteFile(filepath.Join(dir, "manifest.json"), append(b, '\n'), 0o644)
}

func hostFilesUnchanged(files []hostFile) bool {
	for _, f := range files {
		st, err := os.Stat(f.Path)
		if err != nil || st.Size() != f.Size || st.ModTime().UnixNano() != f.MTime {
			return false
		}
	}
	return true
}

// Several work trees (with different guest inits, so different keys) may
// share the cache: images stay while they are used, and the cache is pruned
// to the keepImages most recently used ones, dropping any unused for
// pruneAfter.
const (
	keepImages = 4
	pruneAfter = 7 * 24 * time.Hour
)

// pruneImages removes old images, never keep (the one just built). It
// runs under the build lock; a guest already started is unaffected, since
// QEMU reads kernel and initramfs when it starts.
func pruneImages(dir, keep string, now time.Time) {
	entries, _ := os.ReadDir(dir)
	type aged struct {
		name string
		used time.Time
	}
	var imgs []aged
	for _, e := range entries {
		if e.Name() == keep {
			continue
		}
		var used time.Time
		if st, err := os.Stat(filepath.Join(dir, e.Name(), "manifest.json")); err == nil {
			used = st.ModTime()
		}
		imgs = append(imgs, aged{e.Name(), used})
	}
	sort.Slice(imgs, func(i, j int) bool { return imgs[i].used.After(imgs[j].used) })
	for i, a := range imgs {
		// Incomplete images (no manifest) have a zero time and go too.
		if i >= keepImages-1 || now.Sub(a.used) > pruneAfter {
			os.RemoveAll(filepath.Join(dir, a.name))
		}
	}
}

// buildGuestInit compiles the guest's PID 1 as a static binary.
func buildGuestInit(ctx context.Context, root, cache string) ([]byte, error) {
	tmp, err := os.MkdirTemp(cache, "init-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "init")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./internal/vmtest/guestinit")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build the guest init: %w\n%s", err, msg)
	}
	return os.ReadFile(out)
}

func buildImage(ctx context.Context, cache, dst string, debs []debInfo, initBin []byte, log io.Writer) (*manifest, error) {
	paths, err := fetchDebs(ctx, filepath.Join(cache, "debs"), debs, log)
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp(cache, "build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	kroot := filepath.Join(work, "kernel")
	staging := filepath.Join(work, "staging")
	out := filepath.Join(work, "out")
	for _, d := range []string{kroot, staging, out} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	m := &manifest{}
	for i, d := range debs {
		m.Packages = append(m.Packages, d.Package+"="+d.Version)
		into := staging
		if i == 0 {
			into = kroot
		}
		if msg, err := exec.CommandContext(ctx, "dpkg-deb", "-x", paths[i], into).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("dpkg-deb -x %s: %w: %s", d.Package, err, msg)
		}
	}

	// The kernel.
	rels, _ := filepath.Glob(filepath.Join(kroot, "lib/modules/*"))
	if len(rels) != 1 {
		return nil, fmt.Errorf("kernel package %s: want one lib/modules/<release>, found %d", debs[0].Package, len(rels))
	}
	release := filepath.Base(rels[0])
	m.KernelRelease = release
	fmt.Fprintf(log, "vmtest: extracting vmlinux %s\n", release)
	if err := extractVmlinux(ctx, filepath.Join(kroot, "boot", "vmlinuz-"+release), filepath.Join(out, "vmlinux")); err != nil {
		return nil, err
	}

	tree := guestTree{}
	// Modules, with the list the guest's init loads.
	mt, err := loadModuleTree(rels[0])
	if err != nil {
		return nil, err
	}
	order, err := mt.loadOrder(guestModules)
	if err != nil {
		return nil, err
	}
	var list strings.Builder
	for _, e := range order {
		ko, err := os.ReadFile(filepath.Join(rels[0], e.Path))
		if err != nil {
			return nil, err
		}
		guest := path.Join("/usr/lib/modules", release, e.Path)
		tree.file(guest, stripModuleSignature(ko), 0o644)
		fmt.Fprintf(&list, "%s %s\n", guest, e.Params)
		m.Modules = append(m.Modules, e.Name)
	}
	tree.file(GuestModuleList, []byte(list.String()), 0o644)

	// Tools and their libraries.
	res := &libResolver{staging: staging, hostRoot: "/", used: map[string]hostFile{}}
	for _, p := range guestPackages {
		for _, f := range p.Files {
			if err := addPackageFile(tree, res, staging, f); err != nil {
				return nil, fmt.Errorf("package %s: %w", p.Name, err)
			}
		}
	}
	tree.symlink("/usr/bin/sh", "dash")
	for _, a := range busyboxApplets {
		if tree["/usr/bin/"+a] == nil && tree["/usr/sbin/"+a] == nil {
			tree.symlink("/usr/bin/"+a, "busybox")
		}
	}
	for p, text := range guestEtc {
		tree.file(p, []byte(text), 0o644)
	}
	for _, d := range []string{"/proc", "/sys", "/dev", "/run", "/root", "/var", "/mnt"} {
		tree.dir(d, 0o755)
	}
	tree.dir("/tmp", fs.ModeSticky|0o777)
	// The kernel opens /dev/console for init before anything is mounted.
	tree.charDev("/dev/console", 0o600, 5, 1)
	for l, target := range map[string]string{"/bin": "usr/bin", "/sbin": "usr/sbin", "/lib": "usr/lib", "/lib64": "usr/lib64", "/var/run": "/run", "/var/tmp": "/tmp"} {
		tree.symlink(l, target)
	}
	tree.file("/init", initBin, 0o755)

	cpioPath := filepath.Join(out, "initramfs.cpio")
	f, err := os.Create(cpioPath)
	if err != nil {
		return nil, err
	}
	err = tree.writeCpio(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("write initramfs: %w", err)
	}
	if st, err := os.Stat(cpioPath); err == nil {
		m.InitramfsSize = st.Size()
	}
	for _, k := range slices.Sorted(maps.Keys(res.used)) {
		m.HostFiles = append(m.HostFiles, res.used[k])
	}
	os.RemoveAll(dst)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return nil, err
	}
	if err := os.Rename(out, dst); err != nil {
		return nil, err
	}
	return m, nil
}

// addPackageFile copies one path of an unpacked package (a file with its
// libraries, a symlink, or a whole directory) into the tree.
func addPackageFile(tree guestTree, res *libResolver, staging, p string) error {
	src := filepath.Join(staging, p)
	st, err := os.Lstat(src)
	if err != nil {
		return fmt.Errorf("%s not in the unpacked package: %w", p, err)
	}
	if !st.IsDir() {
		return res.addWithLibs(tree, src, usrMerged(p))
	}
	return filepath.WalkDir(src, func(s string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(staging, s)
		guest := usrMerged("/" + filepath.ToSlash(rel))
		switch {
		case d.IsDir():
			tree.dir(guest, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(s)
			if err != nil {
				return err
			}
			tree.symlink(guest, target)
		default:
			return res.addWithLibs(tree, s, guest)
		}
		return nil
	})
}

// lockFile takes an exclusive flock on path, waiting until ctx ends.
func lockFile(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for %s: %w", path, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// RepoRoot finds gonm's module root above the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.HasPrefix(b, []byte("module github.com/gonm/gonm\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("gonm's go.mod not found above the working directory")
		}
		dir = parent
	}
}
