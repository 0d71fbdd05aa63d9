package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/setting"
)

// StorageType says where a file lives; lower values win.
type StorageType int

const (
	StorageRun StorageType = iota + 1 // in-memory (/run), survives only until reboot
	StorageEtc                        // persistent (/etc)
	StorageLib                        // read-only (/usr/lib)
)

func (t StorageType) String() string {
	switch t {
	case StorageRun:
		return "run"
	case StorageEtc:
		return "etc"
	case StorageLib:
		return "lib"
	}
	return "?"
}

// storage is one file that holds a profile or a tombstone for a UUID.
type storage struct {
	uuid      string
	path      string
	typ       StorageType
	tombstone bool // an .nmmeta file pointing to /dev/null: hides lower files
	// shadowed is the file an in-memory profile (or tombstone) stands in
	// for; owned means deleting the profile deletes that file too.
	shadowed string
	owned    bool
	meta     keyfile.Meta
	mtime    time.Time
	conn     *setting.Connection // nil for tombstones
}

// wins reports whether a takes precedence over b: /run over /etc over
// /usr/lib, a tombstone over a profile in the same directory, then the
// newer file, then the larger file name.
func (a *storage) wins(b *storage) bool {
	if a.typ != b.typ {
		return a.typ < b.typ
	}
	if a.tombstone != b.tombstone {
		return a.tombstone
	}
	if !a.mtime.Equal(b.mtime) {
		return a.mtime.After(b.mtime)
	}
	return a.path > b.path
}

// dirOf returns the storage type of a path in one of the store's
// directories, and whether it is directly inside one.
func (s *Store) dirOf(path string) (StorageType, string, bool) {
	if !filepath.IsAbs(path) {
		return 0, "", false
	}
	dir, base := filepath.Split(path)
	dir = filepath.Clean(dir)
	if base == "" {
		return 0, "", false
	}
	for _, d := range []struct {
		t   StorageType
		dir string
	}{{StorageRun, s.opts.RunDir}, {StorageEtc, s.opts.EtcDir}, {StorageLib, s.opts.LibDir}} {
		if d.dir != "" && filepath.Clean(d.dir) == dir {
			return d.t, base, true
		}
	}
	return 0, "", false
}

// ignored reports whether a file name is not a profile for its directory
// (/etc accepts names without the .nmconnection extension).
func ignored(t StorageType, base string) bool {
	return keyfile.IgnoreFilename(base, t != StorageEtc)
}

var errSkip = errors.New("skip")

// loadFile reads one file of a keyfile directory: a profile, or an
// .nmmeta tombstone in /etc or /run.
func (s *Store) loadFile(path string, t StorageType) (*storage, error) {
	base := filepath.Base(path)
	if ignored(t, base) {
		if keyfile.NMMetaUUID(base) == "" {
			return nil, errSkip
		}
		if t == StorageLib {
			return nil, fmt.Errorf("skip nmmeta file from read-only directory")
		}
		m, err := keyfile.ReadNMMeta(path)
		if err != nil {
			return nil, fmt.Errorf("skip unreadable nmmeta file: %w", err)
		}
		if m.LoadedPath != keyfile.NMMetaNull {
			return nil, fmt.Errorf("skip nmmeta file not symlinking %s", keyfile.NMMetaNull)
		}
		return &storage{uuid: m.UUID, path: path, typ: t, tombstone: true, shadowed: m.ShadowedStorage}, nil
	}
	l, err := keyfile.ReadFile(path, s.opts.uuidSeedDir(), func(w keyfile.Warning) {
		if w.Severity >= keyfile.SeverityInfoMissingFile {
			s.log.Warn(fmt.Sprintf("keyfile: %s", w))
		} else if w.Severity == keyfile.SeverityInfo {
			s.log.Info(fmt.Sprintf("keyfile: %s", w))
		} else {
			s.log.Debug(fmt.Sprintf("keyfile: %s", w))
		}
	})
	if err != nil {
		return nil, err
	}
	st := &storage{uuid: l.Conn.UUID(), path: path, typ: t, conn: l.Conn, mtime: l.Info.ModTime()}
	if t == StorageRun {
		st.meta = l.Meta
		st.shadowed, st.owned = l.Meta.ShadowedStorage, l.Meta.ShadowedOwned && l.Meta.ShadowedStorage != ""
	}
	return st, nil
}

// scanDir loads every file of a directory.
func (s *Store) scanDir(dir string, t StorageType) []*storage {
	if dir == "" {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn(fmt.Sprintf("keyfile: cannot read directory %s: %v", dir, err))
		}
		return nil
	}
	var out []*storage
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		st, err := s.loadFile(path, t)
		switch {
		case errors.Is(err, errSkip):
		case err != nil:
			if strings.HasPrefix(err.Error(), "skip") {
				s.log.Debug(fmt.Sprintf("keyfile: load: \"%s\": %v", path, err))
			} else {
				s.log.Warn(fmt.Sprintf("keyfile: load: \"%s\": failed to load connection: %v", path, err))
			}
		default:
			out = append(out, st)
		}
	}
	return out
}
