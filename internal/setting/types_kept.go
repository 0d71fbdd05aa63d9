package setting

import (
	"maps"
	"slices"
	"sort"

	"github.com/godbus/dbus/v5"
)

// The structured properties of settings gonm keeps but does not act on
// (sriov.vfs, tc.qdiscs and tc.tfilters, team link watchers) are held in
// their D-Bus form, so that they round-trip without loss.

// SriovVF is one entry of sriov.vfs: "index" plus attributes.
type SriovVF struct {
	Attrs map[string]dbus.Variant
}

func (v SriovVF) clone() SriovVF { v.Attrs = maps.Clone(v.Attrs); return v }

// TCQdisc is one entry of tc.qdiscs.
type TCQdisc struct {
	Attrs map[string]dbus.Variant
}

func (v TCQdisc) clone() TCQdisc { v.Attrs = maps.Clone(v.Attrs); return v }

// TCTfilter is one entry of tc.tfilters.
type TCTfilter struct {
	Attrs map[string]dbus.Variant
}

func (v TCTfilter) clone() TCTfilter { v.Attrs = maps.Clone(v.Attrs); return v }

// TeamLinkWatcher is one entry of team.link-watchers / team-port.link-watchers.
type TeamLinkWatcher struct {
	Attrs map[string]dbus.Variant
}

func (v TeamLinkWatcher) clone() TeamLinkWatcher { v.Attrs = maps.Clone(v.Attrs); return v }

// OvsTrunk is one VLAN range of ovs-port.trunks.
type OvsTrunk struct{ Start, End uint64 }

func passthroughKey[T any](prop string, wrap func(map[string]dbus.Variant) T, unwrap func(T) map[string]dbus.Variant, emitEmpty bool) *dbusKey {
	return &dbusKey{
		to: func(s *Setting, _ *Connection) (dbus.Variant, bool) {
			list, _ := s.Get(prop).([]T)
			if len(list) == 0 && !emitEmpty {
				return dbus.Variant{}, false
			}
			out := make([]map[string]dbus.Variant, 0, len(list))
			for _, e := range list {
				out = append(out, unwrap(e))
			}
			return dbus.MakeVariant(out), true
		},
		from: func(s *Setting, v dbus.Variant, _ map[string]dbus.Variant) *Error {
			var list []T
			for _, d := range v.Value().([]map[string]dbus.Variant) {
				list = append(list, wrap(maps.Clone(d)))
			}
			s.set(s.info.props[prop], list)
			return nil
		},
	}
}

func keptDBusKeys() {
	dbusOverrides["sriov.vfs"] = passthroughKey("vfs",
		func(d map[string]dbus.Variant) SriovVF { return SriovVF{Attrs: d} },
		func(v SriovVF) map[string]dbus.Variant { return v.Attrs }, true)
	dbusOverrides["tc.qdiscs"] = passthroughKey("qdiscs",
		func(d map[string]dbus.Variant) TCQdisc { return TCQdisc{Attrs: d} },
		func(v TCQdisc) map[string]dbus.Variant { return v.Attrs }, true)
	dbusOverrides["tc.tfilters"] = passthroughKey("tfilters",
		func(d map[string]dbus.Variant) TCTfilter { return TCTfilter{Attrs: d} },
		func(v TCTfilter) map[string]dbus.Variant { return v.Attrs }, true)
	for _, name := range []string{"team", "team-port"} {
		dbusOverrides[name+".link-watchers"] = passthroughKey("link-watchers",
			func(d map[string]dbus.Variant) TeamLinkWatcher { return TeamLinkWatcher{Attrs: d} },
			func(v TeamLinkWatcher) map[string]dbus.Variant { return v.Attrs }, false)
	}
	dbusOverrides["ovs-port.trunks"] = &dbusKey{
		to: func(s *Setting, _ *Connection) (dbus.Variant, bool) {
			trunks, _ := s.Get("trunks").([]OvsTrunk)
			out := make([]map[string]dbus.Variant, 0, len(trunks))
			for _, t := range trunks {
				out = append(out, map[string]dbus.Variant{"start": dbus.MakeVariant(t.Start), "end": dbus.MakeVariant(t.End)})
			}
			return dbus.MakeVariant(out), true
		},
		from: func(s *Setting, v dbus.Variant, _ map[string]dbus.Variant) *Error {
			var out []OvsTrunk
			for _, d := range v.Value().([]map[string]dbus.Variant) {
				start, ok1 := d["start"].Value().(uint64)
				end, ok2 := d["end"].Value().(uint64)
				if !ok1 || !ok2 {
					continue
				}
				out = append(out, OvsTrunk{start, end})
			}
			s.set(s.info.props["trunks"], out)
			return nil
		},
	}
}

func normalizeSriovVFOrder(c *Connection) bool {
	s := c.settings["sriov"]
	if s == nil {
		return false
	}
	vfs, _ := s.Get("vfs").([]SriovVF)
	idx := func(v SriovVF) uint32 { i, _ := v.Attrs["index"].Value().(uint32); return i }
	if sort.SliceIsSorted(vfs, func(i, j int) bool { return idx(vfs[i]) < idx(vfs[j]) }) {
		return false
	}
	sorted := cloneValue(vfs).([]SriovVF)
	sort.SliceStable(sorted, func(i, j int) bool { return idx(sorted[i]) < idx(sorted[j]) })
	s.MustSet("vfs", sorted)
	return true
}

func normalizeOvsPortTrunks(c *Connection) bool {
	s := c.settings["ovs-port"]
	if s == nil {
		return false
	}
	cmp := func(a, b OvsTrunk) int {
		if a.Start != b.Start {
			if a.Start < b.Start {
				return -1
			}
			return 1
		}
		if a.End < b.End {
			return -1
		} else if a.End > b.End {
			return 1
		}
		return 0
	}
	return sortListProp(s, "trunks", cmp)
}

// sortListProp puts the entries of a list property in cmp's order (a
// stable sort, so equal entries keep theirs) and reports whether that
// changed anything; the normalizations that order lists share it.
func sortListProp[T any](s *Setting, prop string, cmp func(a, b T) int) bool {
	list, _ := s.Get(prop).([]T)
	if slices.IsSortedFunc(list, cmp) {
		return false
	}
	sorted := slices.Clone(list)
	slices.SortStableFunc(sorted, cmp)
	s.MustSet(prop, sorted)
	return true
}
