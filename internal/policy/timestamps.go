package policy

import "github.com/gonm/gonm/internal/settings"

// StoreTimestamps keeps the timestamps in the profile store's database
// (NetworkManager's /var/lib/NetworkManager/timestamps), where GetSettings
// finds them as connection.timestamp.
type StoreTimestamps struct{ Store *settings.Store }

// Get returns a profile's timestamp and whether it has one.
func (t StoreTimestamps) Get(uuid string) (uint64, bool) {
	p := t.Store.ByUUID(uuid)
	if p == nil {
		return 0, false
	}
	return t.Store.TimestampOK(p)
}

// Set records a profile's timestamp.
func (t StoreTimestamps) Set(uuid string, ts uint64) {
	if p := t.Store.ByUUID(uuid); p != nil {
		t.Store.SetTimestamp(p, ts)
	}
}

// memTimestamps is Timestamps without a file (tests).
type memTimestamps map[string]uint64

func newMemTimestamps() memTimestamps { return memTimestamps{} }

func (m memTimestamps) Get(uuid string) (uint64, bool) { v, ok := m[uuid]; return v, ok }
func (m memTimestamps) Set(uuid string, v uint64)      { m[uuid] = v }
