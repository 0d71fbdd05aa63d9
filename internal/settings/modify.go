package settings

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/setting"
)

// AddFlags are NMSettingsAddConnection2Flags.
type AddFlags uint32

const (
	AddToDisk           AddFlags = 0x1
	AddInMemory         AddFlags = 0x2
	AddBlockAutoconnect AddFlags = 0x20
)

// UpdateFlags are NMSettingsUpdate2Flags.
type UpdateFlags uint32

const (
	UpdateToDisk           UpdateFlags = 0x1
	UpdateInMemory         UpdateFlags = 0x2
	UpdateInMemoryDetached UpdateFlags = 0x4
	UpdateInMemoryOnly     UpdateFlags = 0x8
	UpdateVolatile         UpdateFlags = 0x10
	UpdateBlockAutoconnect UpdateFlags = 0x20
	UpdateNoReapply        UpdateFlags = 0x40

	updatePersistModes = UpdateToDisk | UpdateInMemory | UpdateInMemoryDetached | UpdateInMemoryOnly
)

// CheckArgs checks the a{sv} arguments of AddConnection2 and Update2
// before anything else: only "plugin" (a string) is known. It returns the
// plugin asked for, "" for any.
func CheckArgs(args map[string]dbus.Variant) (plugin string, err error) {
	seen := false
	for _, name := range slices.Sorted(maps.Keys(args)) {
		v := args[name]
		if p, ok := v.Value().(string); ok && name == "plugin" && !seen {
			plugin, seen = p, true
			continue
		}
		return "", errorf(ErrInvalidArguments, "Unsupported argument '%s'", name)
	}
	return plugin, nil
}

// checkPlugin refuses a plugin gonm does not have: it has only keyfile.
func checkPlugin(plugin string) *Error {
	if plugin != "" && plugin != "keyfile" {
		return errorf(ErrFailed, "failure adding connection: a plugin by the name of '%s' is not available", plugin)
	}
	return nil
}

// CheckAddFlags checks AddConnection2's flags: known ones only, and
// exactly one of to-disk and in-memory.
func CheckAddFlags(flags AddFlags) error {
	if flags&^(AddToDisk|AddInMemory|AddBlockAutoconnect) != 0 {
		return errorf(ErrInvalidArguments, "Unknown flags")
	}
	if flags&(AddToDisk|AddInMemory) == 0 {
		return errorf(ErrInvalidArguments, "Requires either to-disk (0x1) or in-memory (0x2) flags")
	}
	if flags&AddToDisk != 0 && flags&AddInMemory != 0 {
		return errorf(ErrInvalidArguments, "Cannot set to-disk (0x1) and in-memory (0x2) flags together")
	}
	return nil
}

// ParseProfile parses what a client sent: strictly, normalized, secrets
// checked. Errors are NetworkManager's connection errors.
func ParseProfile(d setting.Dict) (*setting.Connection, error) {
	c, err := setting.FromDBus(d, setting.ParseStrict|setting.ParseNormalize)
	if err != nil {
		return nil, err
	}
	if verr := c.VerifySecrets(); verr != nil {
		return nil, verr
	}
	return c, nil
}

// AddConnection adds a profile (AddConnection, AddConnectionUnsaved,
// AddConnection2). Nothing changes on disk or in memory when it fails.
//
// The D-Bus layer runs the same steps one by one (CheckAddFlags,
// CheckArgs, ParseProfile, then its authorization, then AddProfile), as
// NetworkManager checks the caller between parsing and adding.
func (s *Store) AddConnection(d setting.Dict, flags AddFlags, args map[string]dbus.Variant) (*Profile, error) {
	if err := CheckAddFlags(flags); err != nil {
		return nil, err
	}
	plugin, err := CheckArgs(args)
	if err != nil {
		return nil, err
	}
	c, err := ParseProfile(d)
	if err != nil {
		return nil, err
	}
	return s.AddProfile(c, flags, plugin)
}

// AddProfile adds a parsed profile with AddConnection2's flags, in the
// plugin asked for ("" for the first).
func (s *Store) AddProfile(c *setting.Connection, flags AddFlags, plugin string) (*Profile, error) {
	if err := checkPlugin(plugin); err != nil {
		return nil, err
	}
	return s.Add(c, flags&AddInMemory != 0, flags&AddBlockAutoconnect != 0, keyfile.Meta{})
}

// Add stores a profile built inside the daemon (or parsed by
// AddConnection): in /etc, or in /run when inMemory (or when there is no
// /etc directory). meta marks NetworkManager's own profiles.
func (s *Store) Add(c *setting.Connection, inMemory, blockAutoconnect bool, meta keyfile.Meta) (*Profile, error) {
	if res, verr := c.Verify(); res != setting.Success {
		return nil, errorf(ErrInvalidConnection, "The connection was invalid: %s", verr.Message)
	}
	uuid := c.UUID()
	if s.profiles[uuid] != nil {
		return nil, errorf(ErrUUIDExists, "a connection with this UUID already exists")
	}
	t := StorageEtc
	if inMemory || s.opts.EtcDir == "" || meta.NMGenerated || meta.Volatile || meta.External {
		t = StorageRun
	}
	// A tombstone in the target directory that remembers a shadowed file
	// is taken over by the new profile.
	var shadowed string
	var owned bool
	for _, st := range s.storagesOf(uuid) {
		if st.tombstone && st.shadowed != "" && t == StorageRun {
			if _, ok := s.storages[st.shadowed]; ok {
				shadowed, owned = st.shadowed, true
			}
		}
	}
	meta.ShadowedStorage, meta.ShadowedOwned = shadowed, owned
	st, err := s.write(c, t, "", meta)
	if err != nil {
		return nil, err
	}
	st.shadowed, st.owned = shadowed, owned
	s.dropTombstones(uuid, t)
	s.put(st)
	s.resolve(uuid, c)
	p := s.profiles[uuid]
	if p != nil && blockAutoconnect {
		p.BlockAutoconnect = true
	}
	return p, nil
}

// dirFor returns the directory of a storage type.
func (s *Store) dirFor(t StorageType) string {
	if t == StorageRun {
		return s.opts.RunDir
	}
	return s.opts.EtcDir
}

// write stores a profile as a keyfile in the directory of t, at path
// (updating it in place) or at a new name derived from the id, and
// returns the storage made from reading the written text back, as
// NetworkManager keeps what it re-reads.
func (s *Store) write(c *setting.Connection, t StorageType, path string, meta keyfile.Meta) (*storage, error) {
	dir := s.dirFor(t)
	if t != StorageRun {
		meta = keyfile.Meta{}
	}
	w := keyfile.Write(c, keyfile.WriteOptions{KeyfileDir: dir, Meta: meta})
	text := w.File.Marshal()
	back, err := keyfile.ReadText(text, dir)
	if err != nil {
		return nil, errorf(ErrFailed, "keyfile writer produces an invalid connection: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, errorf(ErrFailed, "error writing to file '%s': %v", dir, err)
	}
	if path == "" {
		if path, err = s.newFilename(dir, c); err != nil {
			return nil, err
		}
	}
	var created []string
	for p, blob := range w.Blobs {
		_, statErr := os.Lstat(p)
		if err := keyfile.WriteAtomic(p, blob, 0o600); err != nil {
			s.log.Warn(fmt.Sprintf("keyfile: failed to write certificate to file %s: %v", p, err))
		} else if statErr != nil {
			created = append(created, p)
		}
	}
	if err := keyfile.WriteAtomic(path, text, 0o600); err != nil {
		// Leave the directory as it was.
		for _, p := range created {
			os.Remove(p)
		}
		return nil, errorf(ErrFailed, "error writing to file '%s': %v", path, err)
	}
	st := &storage{uuid: c.UUID(), path: path, typ: t, conn: back, meta: meta}
	if fi, err := os.Stat(path); err == nil {
		st.mtime = fi.ModTime()
	}
	s.log.Debug(fmt.Sprintf("keyfile: commit: \"%s\": profile %s (%s) written", path, c.UUID(), c.ID()))
	return st, nil
}

// newFilename finds an unused name: "<id>.nmconnection", then
// "<id>-<uuid>.nmconnection", "<id>-<uuid>-1.nmconnection", ...
func (s *Store) newFilename(dir string, c *setting.Connection) (string, error) {
	id, uuid := c.ID(), c.UUID()
	free := func(p string) bool {
		if _, used := s.storages[p]; used {
			return false
		}
		// As g_file_test(EXISTS): a name the file system refuses counts
		// as free, and writing it fails later with the real reason.
		_, err := os.Lstat(p)
		return err != nil
	}
	cand := filepath.Join(dir, keyfile.CreateFilename(id, true))
	if free(cand) {
		return cand, nil
	}
	for i := 0; i < 10000; i++ {
		name := id + "-" + uuid
		if i > 0 {
			name = fmt.Sprintf("%s-%s-%d", id, uuid, i)
		}
		cand = filepath.Join(dir, keyfile.CreateFilename(name, true))
		if free(cand) {
			return cand, nil
		}
	}
	return "", errorf(ErrFailed, "could not find suitable keyfile file name (%s already used)",
		filepath.Join(dir, keyfile.CreateFilename(id, true)))
}

// remove deletes a storage's file (and forgets it).
func (s *Store) remove(st *storage) error {
	if st.typ == StorageLib {
		return errorf(ErrFailed, "profile in read-only storage cannot be deleted")
	}
	if err := os.Remove(st.path); err != nil && !os.IsNotExist(err) {
		return errorf(ErrFailed, "failure to delete \"%s\": %v", st.path, err)
	}
	s.del(st.path)
	return nil
}

// dropTombstones removes the tombstones of a UUID at or below t, which a
// new profile there supersedes.
func (s *Store) dropTombstones(uuid string, t StorageType) {
	for _, st := range s.storagesOf(uuid) {
		if st.tombstone && st.typ >= t {
			if _, err := keyfile.WriteNMMeta(filepath.Dir(st.path), uuid, "", ""); err == nil {
				s.del(st.path)
			}
		}
	}
}

// tombstone hides lower files of a UUID with an .nmmeta symlink to
// /dev/null in /etc (or /run when inMemory).
func (s *Store) tombstone(uuid string, inMemory bool, shadowed string) {
	t := StorageEtc
	if inMemory || s.opts.EtcDir == "" {
		t = StorageRun
	}
	dir := s.dirFor(t)
	path, err := keyfile.WriteNMMeta(dir, uuid, keyfile.NMMetaNull, shadowed)
	if err != nil {
		s.log.Warn(fmt.Sprintf("keyfile: nmmeta: writing \"%s\" failed: %v", path, err))
		return
	}
	s.put(&storage{uuid: uuid, path: path, typ: t, tombstone: true, shadowed: shadowed})
}

// Delete removes a profile (Delete): its file in /etc or /run, the file
// it shadows when it owns it, and lower files are hidden by a tombstone.
func (s *Store) Delete(p *Profile) error {
	if s.profiles[p.uuid] != p {
		return errorf(ErrFailed, "connection is no longer known")
	}
	cur := p.st
	uuid := p.uuid
	tombDisk, tombMem := false, false
	var tombShadow string
	var drop []*storage
	if cur.typ == StorageLib {
		tombDisk = true
	} else {
		drop = append(drop, cur)
	}
	var unowned *storage
	if cur.shadowed != "" {
		if sh := s.storages[cur.shadowed]; sh != nil && sh.uuid == uuid {
			if cur.owned {
				drop = append(drop, sh)
			} else {
				unowned = sh
			}
		}
	}
	for _, st := range drop {
		if err := s.remove(st); err != nil {
			s.log.Debug(fmt.Sprintf("delete-connection: failed to delete storage %s: %v", st.path, err))
			if cur.typ == StorageRun {
				tombMem = true
			} else {
				tombDisk = true
			}
		}
	}
	for _, st := range s.storagesOf(uuid) {
		if st.tombstone || st.conn == nil {
			continue
		}
		switch {
		case st == unowned:
			tombMem, tombShadow = true, st.path
		case st.typ == StorageRun:
			tombMem = true
		default:
			tombDisk = true
		}
	}
	if tombDisk {
		s.tombstone(uuid, false, "")
	}
	if tombMem {
		s.tombstone(uuid, true, tombShadow)
	}
	s.resolve(uuid, nil)
	return nil
}
