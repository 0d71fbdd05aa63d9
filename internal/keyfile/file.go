package keyfile

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gonm/gonm/internal/gkeyfile"
	"github.com/gonm/gonm/internal/setting"
)

// FileError is why a file was not loaded; its text is what
// NetworkManager logs ("invalid connection: ...", "File permissions (100644)
// are insecure", ...).
type FileError struct {
	Path string
	Msg  string
}

func (e *FileError) Error() string { return e.Msg }

// Owner is the uid a profile file must belong to besides root (the uid
// NetworkManager runs as). Tests that cannot chown set it to their own uid.
var Owner = 0

// CheckPermissions applies NetworkManager's trust rules to a file: a
// profile must be a regular file, an .nmmeta file a symlink or regular
// file; both must belong to root (or Owner) and a regular file must not be
// accessible by group or others.
func CheckPermissions(path string, nmmeta bool) (fs.FileInfo, error) {
	var fi fs.FileInfo
	var err error
	if nmmeta {
		fi, err = os.Lstat(path)
	} else {
		fi, err = os.Stat(path)
	}
	if err != nil {
		var errno syscall.Errno
		msg := err.Error()
		if errors.As(err, &errno) {
			msg = errnoText(errno)
		}
		return nil, &FileError{path, "cannot access file: " + msg}
	}
	mode := fi.Mode()
	switch {
	case !nmmeta && !mode.IsRegular():
		return nil, &FileError{path, "file is not a regular file"}
	case nmmeta && !mode.IsRegular() && mode&fs.ModeSymlink == 0:
		return nil, &FileError{path, "file is neither a symlink nor a regular file"}
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if st.Uid != 0 && int(st.Uid) != Owner {
			return nil, &FileError{path, fmt.Sprintf("File owner (%d) is insecure", st.Uid)}
		}
		if mode.IsRegular() && st.Mode&0o077 != 0 {
			return nil, &FileError{path, fmt.Sprintf("File permissions (%03o) are insecure", st.Mode)}
		}
	}
	return fi, nil
}

func errnoText(e syscall.Errno) string {
	s := e.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Loaded is a profile read from a file, with what [.nmmeta] said about
// its storage.
type Loaded struct {
	Conn *setting.Connection
	Meta Meta
	Info fs.FileInfo
}

// readKeyFile reads and parses one file of the keyfile directories
// (profiles and .nmmeta files alike); failures are FileErrors naming it.
func readKeyFile(path string) (*gkeyfile.File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &FileError{path, err.Error()}
	}
	kf, err := gkeyfile.Parse(data)
	if err != nil {
		return nil, &FileError{path, err.Error()}
	}
	return kf, nil
}

// ReadText parses keyfile text and reads and normalizes the profile in it
// as if from a file in dir (relative paths resolve against dir): the
// read-back of what Write produced, which the store checks before saving.
// No file is involved, so nothing fills in a missing id or uuid.
func ReadText(text []byte, dir string) (*setting.Connection, error) {
	kf, err := gkeyfile.Parse(text)
	if err != nil {
		return nil, err
	}
	c := Read(kf, ReadOptions{BaseDir: dir})
	if _, verr := c.Normalize(); verr != nil {
		return nil, verr
	}
	return c, nil
}

// ReadFile loads and normalizes one profile file. profileDir is the
// directory whose path seeds the UUID of a profile without one (the /etc
// directory); empty means the file's own directory. Warnings about single
// values go to warn; a file that cannot be trusted, parsed or normalized
// is an error.
func ReadFile(path, profileDir string, warn func(Warning)) (*Loaded, error) {
	fi, err := CheckPermissions(path, false)
	if err != nil {
		return nil, err
	}
	kf, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	dir, base := filepath.Split(path)
	dir = filepath.Clean(dir)
	c := Read(kf, ReadOptions{BaseDir: dir, Warn: warn})
	con := c.Ensure("connection")
	if _, ok := con.String("id"); !ok {
		con.MustSet("id", idFromFilename(base))
	}
	if _, ok := con.String("uuid"); !ok {
		seedDir := dir
		if profileDir != "" {
			seedDir = profileDir
		}
		con.MustSet("uuid", setting.UUIDFromStrings("keyfile", filepath.Join(seedDir, base)))
	}
	if _, verr := c.Normalize(); verr != nil {
		return nil, &FileError{path, "invalid connection: " + verr.Message}
	}
	l := &Loaded{Conn: c, Info: fi}
	if g := kf.Group(GroupNMMeta); g != nil {
		b := func(k string) bool {
			raw, ok := g.Raw(k)
			v, good := setting.ParseBoolWord(raw)
			return ok && good && v
		}
		l.Meta.NMGenerated = b(KeyNMGenerated)
		l.Meta.Volatile = b(KeyVolatile)
		l.Meta.External = b(KeyExternal)
		l.Meta.ShadowedOwned = b(KeyShadowedOwned)
		if v, ok, err := g.String(KeyShadowedStorage); ok && err == nil {
			l.Meta.ShadowedStorage = v
		}
	}
	return l, nil
}

// WriteAtomic replaces a file by writing a temporary file in the same
// directory, syncing it and renaming it over the target, so that readers
// see the old or the new content and never a partial one.
func WriteAtomic(path string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	var suffix [6]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		return err
	}
	for i := range suffix {
		suffix[i] = tempLetters[int(suffix[i])%len(tempLetters)]
	}
	tmp := path + "." + string(suffix[:])
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// NMMeta is the content of a "<uuid>.nmmeta" file: which file was loaded
// for the UUID ("/dev/null" for a tombstone that hides the profile) and
// which storage it shadows.
type NMMeta struct {
	UUID            string
	LoadedPath      string
	ShadowedStorage string
}

// ReadNMMeta reads a .nmmeta file: a symlink to the loaded path, or a
// keyfile with an [nmmeta] group. It fails for files that say nothing.
func ReadNMMeta(path string) (*NMMeta, error) {
	u := NMMetaUUID(path)
	if u == "" {
		return nil, &FileError{path, "not an nmmeta file name"}
	}
	fi, err := CheckPermissions(path, true)
	if err != nil {
		return nil, err
	}
	m := &NMMeta{UUID: u}
	if fi.Mode().IsRegular() {
		kf, err := readKeyFile(path)
		if err != nil {
			return nil, err
		}
		g := kf.Group("nmmeta")
		if g == nil {
			return nil, &FileError{path, "no [nmmeta] group"}
		}
		if v, _, _ := g.String("uuid"); v != u {
			return nil, &FileError{path, "uuid does not match the file name"}
		}
		m.LoadedPath, _, _ = g.String("loaded-path")
		m.ShadowedStorage, _, _ = g.String("shadowed-storage")
		if m.LoadedPath == "" && m.ShadowedStorage == "" {
			return nil, &FileError{path, "nmmeta file says nothing"}
		}
		return m, nil
	}
	target, err := os.Readlink(path)
	if err != nil {
		return nil, &FileError{path, err.Error()}
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(path), target)
	}
	m.LoadedPath = target
	return m, nil
}

// WriteNMMeta records loadedPath for a UUID in dir: a symlink, or a small
// keyfile when a shadowed storage must be remembered too. An empty
// loadedPath removes the record.
func WriteNMMeta(dir, uuid, loadedPath, shadowedStorage string) (string, error) {
	path := NMMetaFilename(dir, uuid)
	tmp := path + "~"
	os.Remove(tmp)
	if loadedPath == "" {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return path, err
		}
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return path, err
	}
	if shadowedStorage != "" {
		kf := gkeyfile.New()
		g := kf.AddGroup("nmmeta")
		g.SetString("uuid", uuid)
		g.SetString("loaded-path", loadedPath)
		g.SetString("shadowed-storage", shadowedStorage)
		return path, WriteAtomic(path, kf.Marshal(), 0o600)
	}
	if err := os.Symlink(loadedPath, tmp); err != nil {
		return path, err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return path, err
	}
	return path, nil
}
