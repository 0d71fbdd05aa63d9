package settings

import (
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/setting"
)

// Default directories, as NetworkManager uses them.
const (
	DefaultEtcDir = "/etc/NetworkManager/system-connections"
	DefaultRunDir = "/run/NetworkManager/system-connections"
	DefaultLibDir = "/usr/lib/NetworkManager/system-connections"
)

// Options locate the keyfile directories.
type Options struct {
	// EtcDir holds persistent profiles; "" means profiles can only be kept
	// in memory (NetworkManager.conf [keyfile] path= empty).
	EtcDir string
	RunDir string // in-memory profiles
	LibDir string // read-only profiles; "" for none
	Log    *slog.Logger
	// InUse tells whether a profile is active; a volatile profile that is
	// not is deleted at once. nil means none is active. The activation
	// layer supplies it, and calls ReleaseVolatile when a volatile profile
	// stops being used.
	InUse func(p *Profile) bool
	// TimestampsFile and SeenBSSIDsFile are NetworkManager's databases in
	// its state directory (/var/lib/NetworkManager/timestamps and
	// seen-bssids); "" keeps them in memory only.
	TimestampsFile string
	SeenBSSIDsFile string
}

// uuidSeedDir is the directory whose path seeds the UUID of a profile
// file without one: the /etc directory, or its default.
func (o Options) uuidSeedDir() string {
	if o.EtcDir != "" {
		return o.EtcDir
	}
	return DefaultEtcDir
}

// Flags are a profile's NM_SETTINGS_CONNECTION_FLAG_* (the Flags property).
type Flags uint32

const (
	FlagUnsaved     Flags = 0x1 // the profile lives in /run only
	FlagNMGenerated Flags = 0x2 // NetworkManager made it (default wired, external)
	FlagVolatile    Flags = 0x4 // deleted when it is deactivated
	FlagExternal    Flags = 0x8 // represents a configuration made outside NetworkManager
)

// Profile is one visible connection profile (a Settings.Connection
// object).
type Profile struct {
	// Number names the D-Bus object: /org/freedesktop/NetworkManager/Settings/<Number>.
	Number  uint64
	uuid    string
	conn    *setting.Connection
	st      *storage
	flags   Flags
	version uint64
	// BlockAutoconnect is set when a client asked for it (the
	// block-autoconnect flags) until the profile is activated by hand.
	BlockAutoconnect bool
}

// UUID is connection.uuid.
func (p *Profile) UUID() string { return p.uuid }

// ID is connection.id.
func (p *Profile) ID() string { return p.conn.ID() }

// Connection returns a copy of the profile, secrets included.
func (p *Profile) Connection() *setting.Connection { return p.conn.Clone() }

// Settings is GetSettings: the profile without secrets.
func (p *Profile) Settings() setting.Dict { return p.conn.ToDBus(setting.NoSecrets) }

// Filename is the file the profile was loaded from or written to.
func (p *Profile) Filename() string { return p.st.path }

// Storage says where the profile lives.
func (p *Profile) Storage() StorageType { return p.st.typ }

// Flags are the profile's NM_SETTINGS_CONNECTION_FLAG_* flags.
func (p *Profile) Flags() Flags { return p.flags }

// Unsaved is the Unsaved property: the profile is in memory only.
func (p *Profile) Unsaved() bool { return p.flags&FlagUnsaved != 0 }

// VersionID increases with every change of the profile.
func (p *Profile) VersionID() uint64 { return p.version }

// EventKind says what happened to a profile.
type EventKind int

const (
	Added EventKind = iota + 1 // NewConnection
	// Updated: the profile was committed again (an update, a reload, a
	// save), whether or not anything changed, as NetworkManager emits its
	// Updated signal for every commit. Event.SettingsChanged tells whether
	// the settings differ; Unsaved, Flags and Filename may have changed too.
	Updated
	Removed // ConnectionRemoved / Removed
)

func (k EventKind) String() string {
	return [...]string{"", "added", "updated", "removed"}[k]
}

// Event tells subscribers about a change.
type Event struct {
	Kind    EventKind
	Profile *Profile
	// SettingsChanged is set for Updated events whose settings (secrets
	// included) differ from before.
	SettingsChanged bool
}

// Store is the set of profiles. It must only be used on the loop.
type Store struct {
	opts     Options
	log      *slog.Logger
	storages map[string]*storage // by path
	byUUID   map[string]map[string]*storage
	profiles map[string]*Profile // visible profiles by UUID
	order    []*Profile          // in creation order
	next     uint64
	version  uint64
	subs     []func(Event)

	timestamps *kfdb
	seenBSSIDs *kfdb
}

// New returns an empty store; call ReloadConnections to load the files.
func New(opts Options) *Store {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.RunDir == "" {
		opts.RunDir = DefaultRunDir
	}
	// A directory given twice counts once, with the higher priority.
	if opts.EtcDir == opts.RunDir {
		opts.EtcDir = ""
	}
	if opts.LibDir == opts.RunDir || opts.LibDir == opts.EtcDir {
		opts.LibDir = ""
	}
	return &Store{opts: opts, log: log, storages: map[string]*storage{}, byUUID: map[string]map[string]*storage{},
		profiles:   map[string]*Profile{},
		timestamps: loadKFDB(opts.TimestampsFile, "timestamps", log),
		seenBSSIDs: loadKFDB(opts.SeenBSSIDsFile, "seen-bssids", log)}
}

// put tracks a storage, replacing whatever was known for its path.
func (s *Store) put(st *storage) {
	s.del(st.path)
	s.storages[st.path] = st
	m := s.byUUID[st.uuid]
	if m == nil {
		m = map[string]*storage{}
		s.byUUID[st.uuid] = m
	}
	m[st.path] = st
}

// del forgets the storage of a path.
func (s *Store) del(path string) {
	st := s.storages[path]
	if st == nil {
		return
	}
	delete(s.storages, path)
	if m := s.byUUID[st.uuid]; m != nil {
		delete(m, path)
		if len(m) == 0 {
			delete(s.byUUID, st.uuid)
		}
	}
}

// Subscribe registers fn for every change; it runs on the loop.
func (s *Store) Subscribe(fn func(Event)) { s.subs = append(s.subs, fn) }

func (s *Store) emit(k EventKind, p *Profile, changed bool) {
	for _, fn := range s.subs {
		fn(Event{Kind: k, Profile: p, SettingsChanged: changed})
	}
}

// Profiles lists the visible profiles in the order they appeared
// (ListConnections).
func (s *Store) Profiles() []*Profile { return slices.Clone(s.order) }

// ByUUID finds a profile (GetConnectionByUuid).
func (s *Store) ByUUID(uuid string) *Profile { return s.profiles[uuid] }

// ByNumber finds a profile by its object number.
func (s *Store) ByNumber(n uint64) *Profile {
	for _, p := range s.order {
		if p.Number == n {
			return p
		}
	}
	return nil
}

// CanModify is the Settings CanModify property: gonm always has a
// writable store.
func (s *Store) CanModify() bool { return true }

// storagesOf lists the storages of a UUID, highest priority first.
func (s *Store) storagesOf(uuid string) []*storage {
	out := make([]*storage, 0, len(s.byUUID[uuid]))
	for _, st := range s.byUUID[uuid] {
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b *storage) int {
		if a.wins(b) {
			return -1
		}
		if b.wins(a) {
			return 1
		}
		return 0
	})
	return out
}

// resolve makes the profile of a UUID reflect its winning storage: adds,
// updates or removes it and tells subscribers.
func (s *Store) resolve(uuid string, secretsFrom *setting.Connection) {
	sts := s.storagesOf(uuid)
	var win *storage
	if len(sts) > 0 && !sts[0].tombstone {
		win = sts[0]
	}
	p := s.profiles[uuid]
	switch {
	case win == nil && p == nil:
		return
	case win == nil:
		delete(s.profiles, uuid)
		s.order = slices.DeleteFunc(s.order, func(x *Profile) bool { return x == p })
		s.forgetDBs(uuid)
		s.emit(Removed, p, false)
		return
	}
	conn := win.conn.Clone()
	if secretsFrom != nil {
		mergeAgentSecrets(conn, secretsFrom)
	}
	flags := Flags(0)
	if win.typ == StorageRun {
		flags |= FlagUnsaved
		if win.meta.NMGenerated {
			flags |= FlagNMGenerated
		}
		if win.meta.Volatile {
			flags |= FlagVolatile
		}
		if win.meta.External {
			flags |= FlagExternal
		}
	}
	if p == nil {
		s.next++
		s.version++
		p = &Profile{Number: s.next, uuid: uuid, conn: conn, st: win, flags: flags, version: s.version}
		s.profiles[uuid] = p
		s.order = append(s.order, p)
		s.emit(Added, p, true)
		return
	}
	changed := !p.conn.Equal(conn)
	p.conn, p.st, p.flags = conn, win, flags
	if changed {
		s.version++
		p.version = s.version
	}
	s.emit(Updated, p, changed)
}

// mergeAgentSecrets keeps the agent-owned secrets of the profile a client
// sent, which the keyfile does not store: whole properties, single VPN
// secrets, WireGuard pre-shared keys.
func mergeAgentSecrets(dst, src *setting.Connection) {
	for name, sd := range src.SecretsDBus(setting.AgentOwned) {
		if dst.Setting(name) == nil {
			continue
		}
		// Only secrets of properties the profile has are merged, which
		// cannot fail.
		_ = dst.UpdateSecrets(name, sd)
	}
}

// ReloadConnections re-reads all directories (the ReloadConnections
// method and startup). Files that vanished unload their profiles.
func (s *Store) ReloadConnections() bool {
	old := s.storages
	s.storages, s.byUUID = map[string]*storage{}, map[string]map[string]*storage{}
	for _, d := range []struct {
		dir string
		t   StorageType
	}{{s.opts.RunDir, StorageRun}, {s.opts.EtcDir, StorageEtc}, {s.opts.LibDir, StorageLib}} {
		for _, st := range s.scanDir(d.dir, d.t) {
			s.put(st)
		}
	}
	uuids := map[string]bool{}
	for _, st := range old {
		uuids[st.uuid] = true
	}
	for _, st := range s.storages {
		uuids[st.uuid] = true
	}
	for _, u := range slices.Sorted(maps.Keys(uuids)) {
		s.resolve(u, nil)
	}
	return true
}

// LoadConnections loads or unloads the given files (LoadConnections). A
// file that no longer exists unloads its profile. Files outside the
// keyfile directories or that fail to load are returned as failures.
func (s *Store) LoadConnections(paths []string) (ok bool, failures []string) {
	touched := map[string]bool{}
	seen := map[string]bool{}
	for _, path := range paths {
		t, base, inDir := s.dirOf(path)
		if !inDir {
			s.log.Warn(fmt.Sprintf("load: no settings plugin could load \"%s\"", path))
			failures = append(failures, path)
			continue
		}
		full := filepath.Join(filepath.Dir(filepath.Clean(path)), base)
		if seen[full] {
			continue
		}
		seen[full] = true
		if ignored(t, base) && (keyfile.NMMetaUUID(base) == "" || t == StorageLib) {
			s.log.Warn(fmt.Sprintf("load: failure to load \"%s\": filename is not valid for a keyfile", path))
			failures = append(failures, path)
			continue
		}
		st, err := s.loadFile(full, t)
		if err != nil {
			if _, serr := os.Lstat(full); os.IsNotExist(serr) {
				if old := s.storages[full]; old != nil {
					s.del(full)
					touched[old.uuid] = true
				}
				continue
			}
			s.log.Warn(fmt.Sprintf("load: failure to load \"%s\": %v", path, err))
			failures = append(failures, path)
			continue
		}
		if old := s.storages[full]; old != nil {
			touched[old.uuid] = true
		}
		s.put(st)
		touched[st.uuid] = true
	}
	// Other files of the same UUIDs are re-read too, so that their
	// timestamps decide the winner correctly.
	for _, st := range slices.Collect(maps.Values(s.storages)) {
		if !touched[st.uuid] || seen[st.path] {
			continue
		}
		n, err := s.loadFile(st.path, st.typ)
		if err != nil || n.uuid != st.uuid {
			s.del(st.path)
			if n != nil && err == nil {
				s.put(n)
				touched[n.uuid] = true
			}
			continue
		}
		s.put(n)
	}
	for _, u := range slices.Sorted(maps.Keys(touched)) {
		s.resolve(u, nil)
	}
	return len(failures) == 0, failures
}
