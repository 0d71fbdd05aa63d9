package device

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gonm/gonm/internal/config"
	"github.com/gonm/gonm/internal/gkeyfile"
	"github.com/gonm/gonm/internal/platform"
)

// RunState is what NetworkManager remembers about a device across daemon
// restarts, in <run dir>/devices/<ifindex>: whether the user made it
// managed or unmanaged, which profile was active, whether the daemon
// created the link, and the default route metric it reserved.
type RunState struct {
	Ifindex int32
	Managed *bool
	// PermHWAddrFake is the stand-in permanent address of a link that
	// has none (see permaddr.go), upper case.
	PermHWAddrFake string
	ConnectionUUID string
	NMOwned        *bool
	// RouteMetricEffective and RouteMetricAspired: 0 when not set.
	RouteMetricEffective uint32
	RouteMetricAspired   uint32
}

func (r *Devices) runStateDir() string {
	if r.opts.RunDir == "" {
		return ""
	}
	return filepath.Join(r.opts.RunDir, "devices")
}

// readRunStates reads every device state file; broken ones are ignored
// with a warning, as NetworkManager ignores them.
func readRunStates(dir string, log *slog.Logger) map[int32]*RunState {
	out := map[int32]*RunState{}
	if dir == "" {
		return out
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			log.Warn(fmt.Sprintf("device-state: cannot read %s: %v", dir, err))
		}
		return out
	}
	for _, e := range ents {
		idx, err := strconv.ParseInt(e.Name(), 10, 32)
		if err != nil || idx <= 0 || e.IsDir() {
			continue
		}
		st, err := ReadRunState(filepath.Join(dir, e.Name()))
		if err != nil {
			log.Warn(fmt.Sprintf("device-state: %v", err))
			continue
		}
		st.Ifindex = int32(idx)
		out[st.Ifindex] = st
	}
	return out
}

// ReadRunState parses one device state file.
func ReadRunState(path string) (*RunState, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseRunState(data)
}

// ParseRunState parses the text of a device state file. Unknown keys and
// values that do not parse are ignored.
func ParseRunState(data []byte) (*RunState, error) {
	kf, err := gkeyfile.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("parse device state: %w", err)
	}
	st := &RunState{}
	g := kf.Group("device")
	if g == nil {
		return st, nil
	}
	boolKey := func(k string) *bool {
		v, ok, _ := g.String(k)
		if !ok {
			return nil
		}
		b, err := config.ParseBool(v)
		if err != nil {
			return nil
		}
		return &b
	}
	st.Managed = boolKey("managed")
	st.NMOwned = boolKey("nm-owned")
	if v, ok, _ := g.String("perm-hw-addr-fake"); ok {
		if a, err := platform.ParseHWAddr(strings.TrimSpace(v)); err == nil {
			st.PermHWAddrFake = a.String()
		}
	}
	if v, ok, _ := g.String("connection-uuid"); ok {
		st.ConnectionUUID = strings.TrimSpace(v)
	}
	u32 := func(k string) uint32 {
		v, ok, _ := g.String(k)
		if !ok {
			return 0
		}
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 32)
		if err != nil {
			return 0
		}
		return uint32(n)
	}
	st.RouteMetricEffective = u32("route-metric-default-effective")
	st.RouteMetricAspired = u32("route-metric-default-aspired")
	if st.RouteMetricAspired == 0 {
		st.RouteMetricAspired = st.RouteMetricEffective
	}
	return st, nil
}

// Format writes the state in NetworkManager's layout.
func (st *RunState) Format() []byte {
	var b strings.Builder
	b.WriteString("[device]\n")
	if st.Managed != nil {
		fmt.Fprintf(&b, "managed=%t\n", *st.Managed)
	}
	if st.PermHWAddrFake != "" {
		fmt.Fprintf(&b, "perm-hw-addr-fake=%s\n", st.PermHWAddrFake)
	}
	if st.ConnectionUUID != "" {
		fmt.Fprintf(&b, "connection-uuid=%s\n", st.ConnectionUUID)
	}
	if st.NMOwned != nil {
		fmt.Fprintf(&b, "nm-owned=%t\n", *st.NMOwned)
	}
	if st.RouteMetricEffective != 0 {
		fmt.Fprintf(&b, "route-metric-default-effective=%d\n", st.RouteMetricEffective)
		if st.RouteMetricAspired != st.RouteMetricEffective {
			fmt.Fprintf(&b, "route-metric-default-aspired=%d\n", st.RouteMetricAspired)
		}
	}
	return []byte(b.String())
}

// writeRunState records the device's state (when it becomes unmanaged,
// disconnected or activated, and when the daemon stops).
func (d *Device) writeRunState() {
	dir := d.reg.runStateDir()
	if dir == "" || d.ifindex <= 0 {
		return
	}
	if _, ok := d.reg.plat.Link(d.ifindex); !ok {
		return
	}
	st := &RunState{Ifindex: d.ifindex}
	switch {
	case d.managed(false):
		t := true
		st.Managed = &t
		if d.act != nil && d.state <= StateActivated && d.act.Profile != nil {
			st.ConnectionUUID = d.act.Profile.UUID()
		}
	case d.unmanaged&unmanagedUserExplicit != 0:
		f := false
		st.Managed = &f
	}
	if a, fake := d.PermHWAddr(); fake && !a.IsZero() {
		st.PermHWAddrFake = a.String()
	}
	if d.Software() {
		o := d.nmOwned
		st.NMOwned = &o
	}
	if m := d.reg.metrics[d.ifindex]; m != nil {
		st.RouteMetricEffective, st.RouteMetricAspired = m.effective, m.aspired
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		d.log.Warn(fmt.Sprintf("device-state: %v", err))
		return
	}
	path := filepath.Join(dir, strconv.Itoa(int(d.ifindex)))
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, st.Format(), 0o644); err != nil {
		d.log.Warn(fmt.Sprintf("device-state: write #%d (%s) failed: %v", d.ifindex, path, err))
		return
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		d.log.Warn(fmt.Sprintf("device-state: write #%d (%s) failed: %v", d.ifindex, path, err))
		return
	}
	d.log.Debug(fmt.Sprintf("device-state: write #%d (%s); managed=%v connection-uuid=%s", d.ifindex, path, st.Managed != nil && *st.Managed, st.ConnectionUUID))
}

// pruneRunStates removes state files of links that no longer exist.
func (r *Devices) pruneRunStates() {
	dir := r.runStateDir()
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		idx, err := strconv.ParseInt(e.Name(), 10, 32)
		if err != nil {
			continue
		}
		if _, ok := r.plat.Link(int32(idx)); !ok {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
