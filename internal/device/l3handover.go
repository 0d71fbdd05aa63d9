package device

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gonm/gonm/internal/l3cfg"
)

// The hand-over between runs: at exit each L3Cfg's Snapshot (what it
// configured and still finds on its interface) is written under the run
// directory; the next run's assumed activation Restores it before its
// first commit, so that commit leaves matching objects alone and removes
// exactly what the profile no longer wants.

// l3StateDir is where the L3 hand-over of each interface is kept between
// runs (gonm's own: NetworkManager finds it out from the kernel).
func (r *Devices) l3StateDir() string {
	if r.opts.RunDir == "" {
		return ""
	}
	return filepath.Join(r.opts.RunDir, "l3cfg")
}

// loadL3States reads what the previous run configured per interface and
// removes the files (the next stop writes them afresh).
func (r *Devices) loadL3States() {
	r.l3States = map[int32]l3cfg.State{}
	dir := r.l3StateDir()
	if dir == "" {
		return
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		path := filepath.Join(dir, e.Name())
		idx, err := strconv.ParseInt(e.Name(), 10, 32)
		if err == nil && idx > 0 && !e.IsDir() {
			if b, err := os.ReadFile(path); err == nil {
				var st l3cfg.State
				if err := st.UnmarshalText(b); err != nil {
					r.log.Warn(fmt.Sprintf("l3cfg state %s: %v", path, err))
				} else {
					r.l3States[int32(idx)] = st
				}
			}
		}
		_ = os.Remove(path)
	}
}

// saveL3State writes what the device's L3Cfg configured, for the next
// run to take over.
func (d *Device) saveL3State() {
	dir := d.reg.l3StateDir()
	if d.l3 == nil || dir == "" {
		return
	}
	st := d.l3.cfg.Snapshot()
	if len(st.Addresses) == 0 && len(st.Routes) == 0 {
		return
	}
	b, err := st.MarshalText()
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, strconv.Itoa(int(d.ifindex))), b, 0o644)
	}
	if err != nil {
		d.log.Warn(fmt.Sprintf("l3cfg state: %v", err))
	}
}
