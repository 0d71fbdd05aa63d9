package vmtest

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// The initramfs is an uncompressed cpio archive in the "newc" format, the
// one the kernel unpacks into its root file system at boot. Uncompressed,
// because decompressing in emulation costs seconds per boot and the page
// cache makes reading a larger file from the host almost free.

// fsEntry is one node of the guest's root file system.
type fsEntry struct {
	Mode   fs.FileMode // fs.ModeDir, fs.ModeSymlink or regular, with permissions
	Data   []byte      // file contents
	Target string      // symlink target
	Major  uint32      // device numbers of a character device
	Minor  uint32
}

// guestTree is the whole root file system, keyed by absolute path.
type guestTree map[string]*fsEntry

func (t guestTree) addDirs(p string) {
	for d := path.Dir(p); d != "/" && d != "."; d = path.Dir(d) {
		if _, ok := t[d]; !ok {
			t[d] = &fsEntry{Mode: fs.ModeDir | 0o755}
		}
	}
}

func (t guestTree) file(p string, data []byte, perm fs.FileMode) {
	t.addDirs(p)
	t[p] = &fsEntry{Mode: perm, Data: data}
}

func (t guestTree) symlink(p, target string) {
	t.addDirs(p)
	t[p] = &fsEntry{Mode: fs.ModeSymlink | 0o777, Target: target}
}

func (t guestTree) charDev(p string, perm fs.FileMode, major, minor uint32) {
	t.addDirs(p)
	t[p] = &fsEntry{Mode: fs.ModeDevice | fs.ModeCharDevice | perm, Major: major, Minor: minor}
}

func (t guestTree) dir(p string, perm fs.FileMode) {
	t.addDirs(p)
	t[p] = &fsEntry{Mode: fs.ModeDir | perm}
}

// writeCpio writes the tree as a newc archive, parents before children.
func (t guestTree) writeCpio(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	paths := make([]string, 0, len(t))
	for p := range t {
		paths = append(paths, p)
	}
	// Sorting by path puts every directory before its contents.
	sort.Strings(paths)
	ino := uint32(1)
	for _, p := range paths {
		e := t[p]
		var data []byte
		mode := uint32(e.Mode.Perm())
		if e.Mode&fs.ModeSticky != 0 {
			mode |= 0o1000
		}
		switch {
		case e.Mode.IsDir():
			mode |= 0o040000
		case e.Mode&fs.ModeSymlink != 0:
			mode |= 0o120000
			data = []byte(e.Target)
		case e.Mode&fs.ModeCharDevice != 0:
			mode |= 0o020000
		default:
			mode |= 0o100000
			data = e.Data
		}
		nlink := uint32(1)
		if e.Mode.IsDir() {
			nlink = 2
		}
		if err := writeCpioEntry(bw, strings.TrimPrefix(p, "/"), ino, mode, nlink, e.Major, e.Minor, data); err != nil {
			return err
		}
		ino++
	}
	if err := writeCpioEntry(bw, "TRAILER!!!", 0, 0, 1, 0, 0, nil); err != nil {
		return err
	}
	return bw.Flush()
}

func writeCpioEntry(w io.Writer, name string, ino, mode, nlink, rmajor, rminor uint32, data []byte) error {
	if uint64(len(data)) > 0xffffffff {
		return fmt.Errorf("cpio: %s is too large", name)
	}
	// magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
	// devminor, rdevmajor, rdevminor, namesize (with NUL), check.
	hdr := fmt.Sprintf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rmajor, rminor, len(name)+1, 0)
	if _, err := io.WriteString(w, hdr); err != nil {
		return err
	}
	if _, err := io.WriteString(w, name+"\x00"); err != nil {
		return err
	}
	// Name and data are each padded so the next part starts on 4 bytes.
	if err := pad4(w, len(hdr)+len(name)+1); err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	return pad4(w, len(data))
}

func pad4(w io.Writer, n int) error {
	if r := n % 4; r != 0 {
		_, err := w.Write(make([]byte, 4-r))
		return err
	}
	return nil
}
