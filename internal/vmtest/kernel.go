package vmtest

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Extracting the kernel. QEMU boots an uncompressed ELF vmlinux through its
// PVH entry point much faster under TCG than a bzImage, which first has to
// decompress itself in emulation; so the image carries the vmlinux that is
// inside Debian's bzImage.

// bzImagePayload returns the compressed kernel inside a bzImage, using the
// x86 boot protocol header (version 2.08 or later has the payload fields).
func bzImagePayload(img []byte) ([]byte, error) {
	if len(img) < 0x250 {
		return nil, errors.New("bzImage: too short for a boot header")
	}
	if string(img[0x202:0x206]) != "HdrS" {
		return nil, errors.New("bzImage: no HdrS boot header")
	}
	if v := binary.LittleEndian.Uint16(img[0x206:]); v < 0x208 {
		return nil, fmt.Errorf("bzImage: boot protocol %#x has no payload fields", v)
	}
	setupSects := int(img[0x1f1])
	if setupSects == 0 {
		setupSects = 4
	}
	start := uint64(setupSects+1) * 512
	off := uint64(binary.LittleEndian.Uint32(img[0x248:]))
	n := uint64(binary.LittleEndian.Uint32(img[0x24c:]))
	if n == 0 || start+off+n > uint64(len(img)) {
		return nil, fmt.Errorf("bzImage: payload %d+%d+%d outside the %d-byte file", start, off, n, len(img))
	}
	return img[start+off : start+off+n], nil
}

// decompressors, by payload magic: Debian's amd64 kernels use xz.
var decompressors = []struct {
	magic []byte
	argv  []string
}{
	{[]byte{0xfd, '7', 'z', 'X', 'Z', 0}, []string{"xz", "-dc", "--single-stream"}},
	{[]byte{0x28, 0xb5, 0x2f, 0xfd}, []string{"zstd", "-dc"}},
	{[]byte{0x1f, 0x8b}, []string{"gzip", "-dc"}},
}

// extractVmlinux writes the uncompressed kernel of the bzImage at src to
// dst and checks that QEMU can start it directly (an ELF with a PVH note).
func extractVmlinux(ctx context.Context, src, dst string) error {
	img, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	payload, err := bzImagePayload(img)
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	var argv []string
	for _, d := range decompressors {
		if bytes.HasPrefix(payload, d.magic) {
			argv = d.argv
		}
	}
	if argv == nil {
		return fmt.Errorf("%s: unknown kernel compression (magic % x)", src, payload[:min(6, len(payload))])
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdin = bytes.NewReader(payload)
	cmd.Stdout = out
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("decompress kernel with %s: %w: %s", argv[0], err, strings.TrimSpace(stderr.String()))
	}
	return checkPVH(dst)
}

// checkPVH verifies the ELF note that tells QEMU where the 32-bit PVH entry
// point is (Xen's PHYS32_ENTRY note, type 18).
func checkPVH(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("vmlinux %s: %w", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type != elf.PT_NOTE {
			continue
		}
		data := make([]byte, p.Filesz)
		if _, err := p.ReadAt(data, 0); err != nil {
			continue
		}
		for len(data) >= 12 {
			nameSz := binary.LittleEndian.Uint32(data[0:])
			descSz := binary.LittleEndian.Uint32(data[4:])
			typ := binary.LittleEndian.Uint32(data[8:])
			nameEnd := 12 + align4(uint64(nameSz))
			end := nameEnd + align4(uint64(descSz))
			if end > uint64(len(data)) {
				break
			}
			if typ == 18 && strings.TrimRight(string(data[12:12+nameSz]), "\x00") == "Xen" {
				return nil
			}
			data = data[end:]
		}
	}
	return fmt.Errorf("vmlinux %s has no PVH entry note; QEMU cannot boot it directly", path)
}

func align4(n uint64) uint64 { return (n + 3) &^ 3 }

// Kernel modules. The guest loads modules itself, in an order computed here
// from each module's own metadata (the "depends=" and "softdep=" entries of
// its .modinfo section), so neither depmod nor modprobe is needed on the
// host or in the guest.

// moduleTree indexes the modules of one extracted kernel.
type moduleTree struct {
	dir     string            // lib/modules/<release>
	paths   map[string]string // module name -> path under dir
	builtin map[string]bool
	// info reads a module's metadata (readModinfo; tests substitute it).
	info func(path string) (modinfo, error)
}

// moduleName normalizes a module file or dependency name as the kernel
// does: dashes and underscores are the same.
func moduleName(s string) string {
	s = filepath.Base(s)
	s = strings.TrimSuffix(s, ".ko")
	return strings.ReplaceAll(s, "-", "_")
}

func loadModuleTree(dir string) (*moduleTree, error) {
	t := &moduleTree{dir: dir, paths: map[string]string{}, builtin: map[string]bool{}, info: readModinfo}
	err := filepath.WalkDir(filepath.Join(dir, "kernel"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".ko") {
			rel, _ := filepath.Rel(dir, p)
			t.paths[moduleName(p)] = rel
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("index modules in %s: %w", dir, err)
	}
	if len(t.paths) == 0 {
		return nil, fmt.Errorf("no modules under %s (compressed modules are not handled)", dir)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "modules.builtin")); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" {
				t.builtin[moduleName(l)] = true
			}
		}
	}
	return t, nil
}

// modinfo holds the .modinfo entries that matter for load order.
type modinfo struct {
	Depends []string
	SoftPre []string
}

// parseModinfo reads a module's .modinfo section: NUL-separated key=value
// strings.
func parseModinfo(sec []byte) modinfo {
	var mi modinfo
	for _, kv := range bytes.Split(sec, []byte{0}) {
		k, v, ok := strings.Cut(string(kv), "=")
		if !ok {
			continue
		}
		switch k {
		case "depends":
			for _, d := range strings.Split(v, ",") {
				if d = strings.TrimSpace(d); d != "" {
					mi.Depends = append(mi.Depends, moduleName(d))
				}
			}
		case "softdep":
			// "pre: a b post: c": only pre matters for loading before.
			pre := false
			for _, f := range strings.Fields(v) {
				switch f {
				case "pre:":
					pre = true
				case "post:":
					pre = false
				default:
					if pre {
						mi.SoftPre = append(mi.SoftPre, moduleName(f))
					}
				}
			}
		}
	}
	return mi
}

func readModinfo(path string) (modinfo, error) {
	f, err := elf.Open(path)
	if err != nil {
		return modinfo{}, fmt.Errorf("module %s: %w", path, err)
	}
	defer f.Close()
	s := f.Section(".modinfo")
	if s == nil {
		return modinfo{}, fmt.Errorf("module %s has no .modinfo section", path)
	}
	data, err := s.Data()
	if err != nil {
		return modinfo{}, fmt.Errorf("module %s: %w", path, err)
	}
	return parseModinfo(data), nil
}

// loadEntry is one module to load: its path relative to the module tree
// and its parameters.
type loadEntry struct {
	Name, Path, Params string
}

// loadOrder returns the modules to load, every dependency before the
// modules that need it, each once. Modules built into the kernel are left
// out; a wanted module or hard dependency that exists in neither form is an
// error, a missing soft dependency is not.
func (t *moduleTree) loadOrder(want []guestModule) ([]loadEntry, error) {
	var order []loadEntry
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(name, params string, soft bool, chain []string) error
	visit = func(name, params string, soft bool, chain []string) error {
		switch state[name] {
		case 1:
			return fmt.Errorf("module dependency cycle: %s", strings.Join(append(chain, name), " -> "))
		case 2:
			return nil
		}
		if t.builtin[name] {
			state[name] = 2
			return nil
		}
		rel, ok := t.paths[name]
		if !ok {
			if soft {
				state[name] = 2
				return nil
			}
			return fmt.Errorf("kernel module %s not found (needed by %s)", name, strings.Join(append(chain, "the recipe"), " <- "))
		}
		state[name] = 1
		mi, err := t.info(filepath.Join(t.dir, rel))
		if err != nil {
			return err
		}
		for _, d := range mi.SoftPre {
			if err := visit(d, "", true, append(chain, name)); err != nil {
				return err
			}
		}
		for _, d := range mi.Depends {
			if err := visit(d, "", false, append(chain, name)); err != nil {
				return err
			}
		}
		state[name] = 2
		order = append(order, loadEntry{Name: name, Path: rel, Params: params})
		return nil
	}
	for _, m := range want {
		if err := visit(moduleName(m.Name), m.Params, false, nil); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// moduleSigMagic ends a signed module; before it sit the signature and a
// 12-byte trailer whose last four bytes are the signature's length (big
// endian), and whose bytes 3 and 4 are the lengths of the signer name and
// key id (zero for PKCS#7).
const moduleSigMagic = "~Module signature appended~\n"

// stripModuleSignature removes an appended signature: the kernel loads
// unsigned modules (only marking itself tainted), and checking an RSA
// signature per module costs noticeable boot time under emulation.
func stripModuleSignature(ko []byte) []byte {
	if !bytes.HasSuffix(ko, []byte(moduleSigMagic)) {
		return ko
	}
	end := len(ko) - len(moduleSigMagic)
	if end < 12 {
		return ko
	}
	trailer := ko[end-12 : end]
	sigLen := int(binary.BigEndian.Uint32(trailer[8:]))
	total := 12 + sigLen + int(trailer[3]) + int(trailer[4])
	if sigLen <= 0 || total > end {
		return ko
	}
	return ko[:end-total]
}
