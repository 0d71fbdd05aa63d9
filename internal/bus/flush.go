package bus

import (
	"maps"
	"time"

	"github.com/godbus/dbus/v5"
)

// markDirty queues o for the next flush, which runs when the loop is idle,
// after the current burst of work: all changes of one turn on one object
// go out as one PropertiesChanged per interface.
func (e *Exporter) markDirty(o *Object) {
	if !o.inDirty {
		o.inDirty = true
		e.dirty = append(e.dirty, o)
		e.unflushed.Store(true)
	}
	if !e.flushQueued {
		e.flushQueued = true
		e.loop.Idle(&e.flushQueued, e.flushIdle)
	}
}

func (e *Exporter) flushIdle() {
	e.flushQueued = false
	e.flushNow()
}

// flushNow emits the pending changes of every object, in the order the
// objects first changed.
func (e *Exporter) flushNow() {
	if len(e.dirty) == 0 {
		return
	}
	objs := e.dirty
	e.dirty = nil
	e.unflushed.Store(false)
	now := time.Now()
	for _, o := range objs {
		o.inDirty = false
		if o.exported {
			o.flush(now)
		}
	}
}

// flush emits the object's pending changes, interface by interface.
func (o *Object) flush(now time.Time) {
	for k := range o.ifaces {
		oi := &o.ifaces[k]
		if oi.nDirty == 0 {
			continue
		}
		release := oi.releaseLimited(o, now)
		var changed map[string]dbus.Variant
		old := *oi.snap.Load()
		for i, p := range oi.def.info.Properties {
			if !oi.dirty[i] || (oi.def.limited[i] && !release) {
				continue
			}
			oi.dirty[i] = false
			oi.nDirty--
			// A value changed and changed back within the turn is no
			// change at all.
			if prev, ok := old[p.Name]; ok && sameValue(prev.Value(), oi.vals[i]) {
				continue
			}
			if changed == nil {
				changed = map[string]dbus.Variant{}
			}
			changed[p.Name] = dbus.MakeVariant(oi.vals[i])
		}
		if len(changed) == 0 {
			continue
		}
		next := maps.Clone(old)
		maps.Copy(next, changed)
		oi.snap.Store(&next)
		o.e.emit(o.path, propertiesChangedSignal, oi.def.Name, changed, []string{})
	}
}

// releaseLimited decides whether the interface's rate-limited changes may
// go out now. If not, it makes sure a timer brings them out when the
// interval ends.
func (oi *objIface) releaseLimited(o *Object, now time.Time) bool {
	if oi.def.RateLimit == nil {
		return false
	}
	pending := false
	for i := range oi.dirty {
		if oi.dirty[i] && oi.def.limited[i] {
			pending = true
			break
		}
	}
	if !pending {
		return false
	}
	if oi.timer != nil {
		return false // the interval is running; its end releases them
	}
	if now.Before(oi.until) {
		oi.timer = o.e.loop.AfterFunc(oi.until.Sub(now), func() {
			oi.timer = nil
			if o.exported {
				o.e.markDirty(o)
			}
		})
		return false
	}
	oi.until = now.Add(oi.def.RateLimit.Interval)
	return true
}
