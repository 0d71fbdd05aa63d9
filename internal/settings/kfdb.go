package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"slices"
	"strconv"

	"github.com/gonm/gonm/internal/gkeyfile"
	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/setting"
)

// kfdb is one of NetworkManager's small key-file databases in its state
// directory: one group whose keys are profile UUIDs (the timestamps of
// the last activation, the Wi-Fi BSSIDs a profile was seen with). They
// live outside the profiles so that using a profile never rewrites its
// keyfile. A missing or unreadable file is an empty database; the file is
// rewritten whenever a value changes.
type kfdb struct {
	path  string
	group string
	log   *slog.Logger
	file  *gkeyfile.File
}

func loadKFDB(path, group string, log *slog.Logger) *kfdb {
	d := &kfdb{path: path, group: group, log: log, file: gkeyfile.New()}
	if path == "" {
		return d
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		log.Debug(fmt.Sprintf("settings: cannot read %s: %v", path, err))
	default:
		f, perr := gkeyfile.Parse(data)
		if perr != nil {
			log.Warn(fmt.Sprintf("settings: ignoring malformed %s: %v", path, perr))
		} else {
			d.file = f
		}
	}
	return d
}

func (d *kfdb) raw(uuid string) (string, bool) {
	g := d.file.Group(d.group)
	if g == nil {
		return "", false
	}
	return g.Raw(uuid)
}

func (d *kfdb) setRaw(uuid, raw string) {
	if old, ok := d.raw(uuid); ok && old == raw {
		return
	}
	d.file.AddGroup(d.group).SetRaw(uuid, raw)
	d.write()
}

func (d *kfdb) remove(uuid string) {
	g := d.file.Group(d.group)
	if g == nil || !g.Has(uuid) {
		return
	}
	g.Delete(uuid)
	d.write()
}

func (d *kfdb) write() {
	if d.path == "" {
		return
	}
	if err := keyfile.WriteAtomic(d.path, d.file.Marshal(), 0o644); err != nil {
		d.log.Warn(fmt.Sprintf("settings: failed to write %s: %v", d.path, err))
	}
}

// maxSeenBSSIDs is how many BSSIDs NetworkManager remembers per profile.
const maxSeenBSSIDs = 30

// Timestamp is the time (seconds since the epoch) the profile was last
// activated successfully, 0 if never: the connection.timestamp GetSettings
// reports.
func (s *Store) Timestamp(p *Profile) uint64 {
	t, _ := s.TimestampOK(p)
	return t
}

// TimestampOK is Timestamp with whether the database has a valid entry
// for the profile at all: autoconnect orders profiles that have one
// (even 0, recorded when a profile failed before ever connecting) before
// those that have none.
func (s *Store) TimestampOK(p *Profile) (uint64, bool) {
	raw, ok := s.timestamps.raw(p.uuid)
	if !ok {
		return 0, false
	}
	t, err := strconv.ParseUint(raw, 10, 64)
	if err != nil {
		return 0, false
	}
	return t, true
}

// SetTimestamp records a successful activation of the profile; the
// activation layer calls it.
func (s *Store) SetTimestamp(p *Profile, t uint64) {
	s.timestamps.setRaw(p.uuid, strconv.FormatUint(t, 10))
}

// SeenBSSIDs lists the BSSIDs a Wi-Fi profile was seen with (at most 30,
// valid MAC addresses only, no duplicates), as GetSettings reports them in
// 802-11-wireless.seen-bssids.
func (s *Store) SeenBSSIDs(p *Profile) []string {
	raw, ok := s.seenBSSIDs.raw(p.uuid)
	if !ok {
		return nil
	}
	list, err := gkeyfile.SplitList(raw, ';')
	if err != nil {
		return nil
	}
	var out []string
	for _, b := range list {
		mac, ok := setting.HwaddrAton(b, 6)
		if !ok {
			continue
		}
		norm := setting.HwaddrNtoa(mac)
		if slices.Contains(out, norm) {
			continue
		}
		out = append(out, norm)
		if len(out) == maxSeenBSSIDs {
			break
		}
	}
	return out
}

// forgetDBs drops what the databases know of a deleted profile.
func (s *Store) forgetDBs(uuid string) {
	s.timestamps.remove(uuid)
	s.seenBSSIDs.remove(uuid)
}
