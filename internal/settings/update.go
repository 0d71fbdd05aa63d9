package settings

import (
	"fmt"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/setting"
)

// persistMode is where an update puts the profile.
type persistMode int

const (
	persistKeep persistMode = iota
	persistToDisk
	persistInMemory
	persistInMemoryDetached
	persistInMemoryOnly
)

// Update2 changes a profile (Update, UpdateUnsaved, Save, Update2). d nil
// or empty keeps the settings (Save). Nothing changes when it fails.
//
// The D-Bus layer runs the same steps one by one (CheckUpdateFlags,
// CheckArgs, ParseProfile, its authorization, UpdateProfile).
func (s *Store) Update2(p *Profile, d setting.Dict, flags UpdateFlags, args map[string]dbus.Variant) error {
	if err := CheckUpdateFlags(flags); err != nil {
		return err
	}
	plugin, err := CheckArgs(args)
	if err != nil {
		return err
	}
	var c *setting.Connection
	if len(d) > 0 {
		if c, err = ParseProfile(d); err != nil {
			return err
		}
	}
	return s.UpdateProfile(p, c, flags, plugin)
}

// CheckUpdateFlags checks Update2's flags: known ones only, at most one
// persist mode, volatile only with an in-memory mode.
func CheckUpdateFlags(flags UpdateFlags) error {
	if flags&^(updatePersistModes|UpdateVolatile|UpdateBlockAutoconnect|UpdateNoReapply) != 0 {
		return errorf(ErrInvalidArguments, "Unknown flags")
	}
	modes := flags & updatePersistModes
	if modes&(modes-1) != 0 || flags&UpdateVolatile != 0 && flags&(UpdateInMemory|UpdateInMemoryDetached|UpdateInMemoryOnly) == 0 {
		return errorf(ErrInvalidArguments, "Conflicting flags")
	}
	return nil
}

// UpdateProfile applies a parsed profile (nil keeps the settings: Save)
// with Update2's flags, in the plugin asked for ("" for the current one).
func (s *Store) UpdateProfile(p *Profile, c *setting.Connection, flags UpdateFlags, plugin string) error {
	if plugin != "" && plugin != "keyfile" {
		// Moving the profile to another plugin fails: there is none.
		return errorf(ErrInvalidConnection, "failed to write connection: a plugin by the name of '%s' is not available", plugin)
	}
	mode := persistKeep
	switch {
	case flags&UpdateToDisk != 0:
		mode = persistToDisk
	case flags&UpdateInMemory != 0:
		mode = persistInMemory
	case flags&UpdateInMemoryDetached != 0:
		mode = persistInMemoryDetached
	case flags&UpdateInMemoryOnly != 0:
		mode = persistInMemoryOnly
	}
	return s.update(p, c, mode, flags&UpdateVolatile != 0, flags&UpdateBlockAutoconnect != 0, true)
}

// Save writes an in-memory profile to disk (the Save method).
func (s *Store) Save(p *Profile) error { return s.Update2(p, nil, UpdateToDisk, nil) }

func hasSecrets(c *setting.Connection) bool {
	for _, st := range c.Settings() {
		for _, p := range st.Info().Props {
			if p.Secret && st.IsSet(p.Name) {
				return true
			}
		}
		if st.Name() == "wireguard" {
			peers, _ := st.Get("peers").([]setting.WireGuardPeer)
			for _, peer := range peers {
				if peer.HasPresharedKey {
					return true
				}
			}
		}
	}
	return false
}

// keepSecrets copies the current secrets into a new profile that brings
// none, as an update without secrets keeps the old ones.
func keepSecrets(dst, src *setting.Connection) {
	d := src.ToDBus(setting.OnlySecrets)
	for name, sd := range d {
		ds := dst.Setting(name)
		if ds == nil {
			continue
		}
		ss := src.Setting(name)
		for _, p := range ss.Info().Props {
			if p.Secret && ss.IsSet(p.Name) && !ds.IsSet(p.Name) {
				ds.MustSet(p.Name, ss.Get(p.Name))
			}
		}
		_ = sd
		if name == "wireguard" {
			old, _ := ss.Get("peers").([]setting.WireGuardPeer)
			peers, _ := ds.Get("peers").([]setting.WireGuardPeer)
			for i := range peers {
				for _, o := range old {
					if o.PublicKey == peers[i].PublicKey && o.HasPresharedKey && !peers[i].HasPresharedKey {
						peers[i].PresharedKey, peers[i].HasPresharedKey = o.PresharedKey, true
					}
				}
			}
			if peers != nil {
				ds.MustSet("peers", peers)
			}
		}
	}
}

// update commits a profile's new settings in the persist mode asked for.
// byUser (Update, Update2, Save) makes a generated profile an ordinary
// one: NetworkManager clears the nm-generated and external flags on every
// update a client asks for, so that the activation of an external
// configuration becomes a managed one.
func (s *Store) update(p *Profile, c *setting.Connection, mode persistMode, volatile, blockAutoconnect, byUser bool) error {
	if s.profiles[p.uuid] != p {
		return errorf(ErrFailed, "connection is no longer known")
	}
	if c == nil {
		c = p.conn.Clone()
	} else {
		if !hasSecrets(c) {
			keepSecrets(c, p.conn)
		}
		c.Setting("connection").MustSet("uuid", p.uuid)
		if _, verr := c.Normalize(); verr != nil {
			return errorf(ErrInvalidConnection, "connection is invalid: %s", verr.Message)
		}
	}
	cur := p.st
	curInMemory := cur.typ == StorageRun
	if mode == persistKeep {
		mode = persistToDisk
		if curInMemory {
			mode = persistInMemory
		}
	}
	newInMemory := mode != persistToDisk
	if !newInMemory && s.opts.EtcDir == "" {
		// Without a persistent directory profiles stay in memory.
		newInMemory, mode = true, persistInMemory
	}
	meta := keyfile.Meta{Volatile: volatile && newInMemory}
	if newInMemory && curInMemory && !volatile && !byUser {
		meta.NMGenerated, meta.External = cur.meta.NMGenerated, cur.meta.External
	}

	var shadowedSt *storage
	if cur.shadowed != "" {
		if sh := s.storages[cur.shadowed]; sh != nil && sh.uuid == p.uuid && sh != cur {
			shadowedSt = sh
		}
	}
	var drop, target *storage
	switch {
	case newInMemory && mode == persistInMemoryOnly:
		if curInMemory {
			drop, target = shadowedSt, cur
		} else {
			drop = cur
		}
	case !newInMemory && curInMemory && shadowedSt != nil:
		drop, target = cur, shadowedSt
	case newInMemory != curInMemory:
		if !newInMemory {
			drop = cur
		}
	case cur.typ == StorageLib:
		// /usr/lib cannot be written: the profile moves to /etc.
	default:
		target = cur
	}
	if target != nil && target.typ == StorageLib {
		target = nil
	}
	shadowed, owned := "", false
	if newInMemory {
		switch {
		case mode == persistInMemoryOnly:
		case !curInMemory:
			if cur.typ != StorageLib || true {
				shadowed = cur.path
			}
			owned = mode != persistInMemoryDetached
		default:
			if shadowedSt != nil {
				shadowed = shadowedSt.path
				owned = mode == persistInMemory || cur.owned && mode != persistInMemoryDetached
			}
		}
	}
	meta.ShadowedStorage, meta.ShadowedOwned = shadowed, owned && shadowed != ""

	t := StorageEtc
	if newInMemory {
		t = StorageRun
	}
	path := ""
	if target != nil && target.typ == t {
		path = target.path
	}
	st, err := s.write(c, t, path, meta)
	if err != nil {
		what := "write"
		if path != "" {
			what = "update"
		}
		return errorf(ErrInvalidConnection, "failed to %s connection: %s", what, err.Error())
	}
	st.shadowed, st.owned = meta.ShadowedStorage, meta.ShadowedOwned
	s.put(st)
	if drop != nil && drop != st && drop.path != st.path {
		if err := s.remove(drop); err != nil {
			s.log.Debug("update: failed to delete moved storage " + drop.path + ": " + err.Error())
			s.tombstone(p.uuid, drop.typ == StorageRun, "")
		}
	}
	s.dropTombstones(p.uuid, t)
	s.resolve(p.uuid, c)
	np := s.profiles[p.uuid]
	if np != nil && blockAutoconnect {
		np.BlockAutoconnect = true
	}
	if np != nil {
		s.ReleaseVolatile(np)
	}
	return nil
}

// ReleaseVolatile deletes a volatile profile that is not in use; the
// activation layer calls it when a volatile profile goes down.
func (s *Store) ReleaseVolatile(p *Profile) {
	if p.flags&FlagVolatile == 0 || s.profiles[p.uuid] != p {
		return
	}
	if s.opts.InUse != nil && s.opts.InUse(p) {
		return
	}
	if err := s.Delete(p); err != nil {
		s.log.Warn(fmt.Sprintf("settings: failed to delete volatile profile %s: %v", p.uuid, err))
	}
}

// Secrets is GetSecrets as far as the store can answer: every setting of
// the profile with the secrets NetworkManager keeps itself (settings
// without secrets as empty dictionaries). hasSystem says whether the
// requested setting has any; when it has none, NetworkManager asks the
// secret agents instead (the agent manager's business).
func (p *Profile) Secrets(name string) (d setting.Dict, hasSystem bool, err error) {
	if p.conn.Setting(name) == nil {
		return nil, false, &setting.Error{Code: setting.ErrSettingNotFound, Setting: name,
			Message: "Connection didn't have requested setting '" + name + "'."}
	}
	d = p.conn.ToDBus(setting.OnlySecrets)
	for _, st := range p.conn.Settings() {
		if d[st.Name()] == nil {
			d[st.Name()] = map[string]dbus.Variant{}
		}
	}
	return d, len(d[name]) > 0, nil
}

// ClearSecrets removes all secrets of a profile and rewrites its file
// (ClearSecrets).
func (s *Store) ClearSecrets(p *Profile) error {
	c := p.conn.Clone()
	for _, st := range c.Settings() {
		for _, prop := range st.Info().Props {
			if prop.Secret {
				st.Unset(prop.Name)
			}
		}
		if st.Name() == "wireguard" {
			peers, _ := st.Get("peers").([]setting.WireGuardPeer)
			for i := range peers {
				peers[i].PresharedKey, peers[i].HasPresharedKey = "", false
			}
			if peers != nil {
				st.MustSet("peers", peers)
			}
		}
	}
	if p.st.typ == StorageLib {
		// Read-only files keep their secrets; only memory forgets them.
		changed := !p.conn.Equal(c)
		p.conn = c
		if changed {
			s.version++
			p.version = s.version
		}
		s.emit(Updated, p, changed)
		return nil
	}
	st, err := s.write(c, p.st.typ, p.st.path, p.st.meta)
	if err != nil {
		return err
	}
	st.shadowed, st.owned = p.st.shadowed, p.st.owned
	s.put(st)
	s.resolve(p.uuid, nil)
	return nil
}

// ApplySecrets gives a profile the secrets of conn, the same profile with
// secrets merged in (from GetSecrets: the daemon's own or a secret
// agent's). With persist (an agent supplied secrets the daemon keeps) the
// profile is written where it lives; otherwise only the profile in memory
// changes, until the next reload. Subscribers see Updated either way.
func (s *Store) ApplySecrets(p *Profile, conn *setting.Connection, persist bool) error {
	if s.profiles[p.uuid] != p {
		return errorf(ErrFailed, "connection is no longer known")
	}
	if persist && p.st.typ != StorageLib {
		return s.update(p, conn, persistKeep, p.flags&FlagVolatile != 0, false, false)
	}
	changed := !p.conn.Equal(conn)
	p.conn = conn.Clone()
	if changed {
		s.version++
		p.version = s.version
	}
	s.emit(Updated, p, changed)
	return nil
}
