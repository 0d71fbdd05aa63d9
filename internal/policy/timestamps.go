package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/gonm/gonm/internal/gkeyfile"
)

// FileTimestamps keeps profile timestamps in NetworkManager's timestamps
// database: a key file with one [timestamps] group, UUID=seconds.
type FileTimestamps struct {
	path string
	log  *slog.Logger
	m    map[string]uint64
}

// LoadTimestamps reads the database; a missing or broken file starts empty
// (a broken one is logged and rewritten on the next change).
func LoadTimestamps(path string, log *slog.Logger) *FileTimestamps {
	t := &FileTimestamps{path: path, log: log, m: map[string]uint64{}}
	data, err := os.ReadFile(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			log.Warn(fmt.Sprintf("timestamps: cannot read %s: %v", path, err))
		}
		return t
	}
	kf, err := gkeyfile.Parse(data)
	if err != nil {
		log.Warn(fmt.Sprintf("timestamps: cannot parse %s: %v", path, err))
		return t
	}
	g := kf.Group("timestamps")
	if g == nil {
		return t
	}
	for _, k := range g.Keys() {
		v, _, _ := g.String(k)
		if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); err == nil {
			t.m[k] = n
		}
	}
	return t
}

// Get implements Timestamps.
func (t *FileTimestamps) Get(uuid string) (uint64, bool) {
	v, ok := t.m[uuid]
	return v, ok
}

// Set implements Timestamps; the file is rewritten.
func (t *FileTimestamps) Set(uuid string, v uint64) {
	if old, ok := t.m[uuid]; ok && old == v {
		return
	}
	t.m[uuid] = v
	t.save()
}

func (t *FileTimestamps) save() {
	if t.path == "" {
		return
	}
	keys := make([]string, 0, len(t.m))
	for k := range t.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("[timestamps]\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%d\n", k, t.m[k])
	}
	if err := os.MkdirAll(filepath.Dir(t.path), 0o755); err != nil {
		t.log.Warn(fmt.Sprintf("timestamps: %v", err))
		return
	}
	tmp := t.path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err == nil {
		err = os.Rename(tmp, t.path)
		if err != nil {
			t.log.Warn(fmt.Sprintf("timestamps: %v", err))
		}
	} else {
		t.log.Warn(fmt.Sprintf("timestamps: %v", err))
	}
}

// memTimestamps is Timestamps without a file (tests).
type memTimestamps map[string]uint64

func newMemTimestamps() memTimestamps { return memTimestamps{} }

func (m memTimestamps) Get(uuid string) (uint64, bool) { v, ok := m[uuid]; return v, ok }
func (m memTimestamps) Set(uuid string, v uint64)      { m[uuid] = v }
