package bus

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/loop"
)

// Object is one object of a class. It is created, changed, exported and
// removed on the loop. Values given to Set must not be modified afterwards:
// the exporter keeps them and readers on other goroutines see them.
type Object struct {
	e     *Exporter
	class *Class
	// path is NoObject until exported; written under e.mu.
	path     dbus.ObjectPath
	exported bool
	inDirty  bool
	ifaces   []objIface
	// Data is free for the layer that owns the object.
	Data any
}

type objIface struct {
	def *Interface
	// vals holds the current value of each property (by index in the
	// interface's XML), dirty which ones changed since the last emission.
	vals   []any
	dirty  []bool
	nDirty int
	// snap is what Get and GetAll answer: the values last emitted.
	snap atomic.Pointer[map[string]dbus.Variant]
	// Rate limit state: no emission of limited properties before until;
	// timer is armed while limited changes wait for it.
	until time.Time
	timer *loop.Timer
	// refresh computes the rate-limited properties on demand; stale says
	// they are out of date (Invalidate).
	refresh func()
	stale   bool
}

// NewObject creates an object of class c with every property at its zero
// value (see ZeroValue). Set its properties, then Export it.
func (e *Exporter) NewObject(c *Class) *Object {
	if c.ifaceIdx == nil {
		e.bug("class %s was not prepared with NewClass", c.Name)
	}
	o := &Object{e: e, class: c, path: NoObject, ifaces: make([]objIface, len(c.Interfaces))}
	for k, it := range c.Interfaces {
		oi := &o.ifaces[k]
		oi.def = it
		oi.vals = make([]any, len(it.info.Properties))
		oi.dirty = make([]bool, len(it.info.Properties))
		for i, p := range it.info.Properties {
			v, err := ZeroValue(p.Type)
			if err != nil {
				e.bug("%s.%s: %v", it.Name, p.Name, err)
			}
			oi.vals[i] = v
		}
	}
	return o
}

// Class returns the object's class.
func (o *Object) Class() *Class { return o.class }

// Path returns the object's path, or "/" (NetworkManager's "no object")
// while it is not exported. Only call it on the loop.
func (o *Object) Path() dbus.ObjectPath { return o.path }

// Exported reports whether the object is on the bus. Only call it on the
// loop.
func (o *Object) Exported() bool { return o.exported }

// PathOf is o.Path(), and "/" for a nil object: convenient for properties
// that reference an optional object.
func PathOf(o *Object) dbus.ObjectPath {
	if o == nil {
		return NoObject
	}
	return o.path
}

func (o *Object) iface(name string) *objIface {
	_, k, ok := o.class.iface(name)
	if !ok {
		return nil
	}
	return &o.ifaces[k]
}

// Set changes a property. A value equal to the current one changes
// nothing; a different one is emitted with the other changes of this loop
// turn (or later, for rate-limited properties). v must have exactly the
// property's D-Bus type (for example []dbus.ObjectPath for "ao").
func (o *Object) Set(iface, prop string, v any) {
	oi := o.iface(iface)
	if oi == nil {
		o.e.bug("%s %s: set %s.%s: no such interface on the class", o.class.Name, o.path, iface, prop)
		return
	}
	i, ok := oi.def.propIdx[prop]
	if !ok {
		o.e.bug("%s %s: set %s.%s: no such property", o.class.Name, o.path, iface, prop)
		return
	}
	want := oi.def.info.Properties[i].Type
	if sig, err := signatureOf(v); err != nil || sig != want {
		o.e.bug("%s %s: set %s.%s: value %T has signature %q, want %q (%v)", o.class.Name, o.path, iface, prop, v, sig, want, err)
		return
	}
	if sameValue(oi.vals[i], v) {
		return
	}
	oi.vals[i] = v
	if !o.exported {
		return
	}
	if !oi.dirty[i] {
		oi.dirty[i] = true
		oi.nDirty++
	}
	o.e.markDirty(o)
}

// SetRefresh registers fn to compute the rate-limited properties of iface
// (calling Set) when they may be emitted, instead of at every change: the
// owner says they are out of date with Invalidate, and the exporter calls
// fn at once after a quiet period, else when the rate limit's interval
// ends. So a property that is costly to compute (a route list read from
// thousands of routes) is computed at most once per interval, and always
// once more after the last change. Interfaces without a RateLimit refresh
// on the next flush.
func (o *Object) SetRefresh(iface string, fn func()) {
	oi := o.iface(iface)
	if oi == nil {
		o.e.bug("%s %s: SetRefresh on %s: no such interface on the class", o.class.Name, o.path, iface)
		return
	}
	oi.refresh = fn
}

// Invalidate says that the properties SetRefresh computes for iface are
// out of date.
func (o *Object) Invalidate(iface string) {
	oi := o.iface(iface)
	if oi == nil || oi.refresh == nil {
		o.e.bug("%s %s: Invalidate %s without a refresh function", o.class.Name, o.path, iface)
		return
	}
	if oi.stale {
		return
	}
	oi.stale = true
	if o.exported {
		o.e.markDirty(o)
	}
}

// Get returns the current value of a property (which may not be emitted
// yet). Only call it on the loop.
func (o *Object) Get(iface, prop string) any {
	oi := o.iface(iface)
	if oi == nil {
		return nil
	}
	i, ok := oi.def.propIdx[prop]
	if !ok {
		return nil
	}
	return oi.vals[i]
}

// Emit sends a signal of the object. Property changes made before it are
// emitted first, so clients see them before the signal, as they would from
// NetworkManager, which emits property changes as they happen.
func (o *Object) Emit(iface, signal string, args ...any) {
	if !o.exported {
		o.e.bug("%s: signal %s.%s on an object that is not exported", o.class.Name, iface, signal)
		return
	}
	oi := o.iface(iface)
	if oi == nil {
		o.e.bug("%s %s: signal %s.%s: no such interface on the class", o.class.Name, o.path, iface, signal)
		return
	}
	s, ok := oi.def.info.Signal(signal)
	if !ok {
		o.e.bug("%s %s: no signal %s.%s", o.class.Name, o.path, iface, signal)
		return
	}
	if got := signatureOfAll(args); got != s.Signature() {
		o.e.bug("%s %s: signal %s.%s with signature %q, want %q", o.class.Name, o.path, iface, signal, got, s.Signature())
		return
	}
	o.e.flushNow()
	o.e.emit(o.path, iface+"."+signal, args...)
}

func signatureOfAll(args []any) string {
	var s string
	for _, a := range args {
		sig, err := signatureOf(a)
		if err != nil {
			return "?"
		}
		s += sig
	}
	return s
}

// Export puts the object on the bus: at its class's static path, or at the
// next number of its family. Clients learn of it through InterfacesAdded
// with all its properties. It fails if a static path is taken.
func (o *Object) Export() error {
	e := o.e
	if o.exported {
		return fmt.Errorf("%s %s is already exported", o.class.Name, o.path)
	}
	path := o.class.Path
	if o.class.Numbered {
		n := e.counters[o.class.Path] + 1
		path = dbus.ObjectPath(fmt.Sprintf("%s/%d", o.class.Path, n))
		if _, taken := e.Lookup(path); taken {
			return fmt.Errorf("export %s: path %s taken", o.class.Name, path)
		}
		e.counters[o.class.Path] = n
	}
	all := make(map[string]map[string]dbus.Variant, len(o.ifaces))
	for k := range o.ifaces {
		oi := &o.ifaces[k]
		if oi.stale {
			oi.stale = false
			oi.refresh()
		}
		m := make(map[string]dbus.Variant, len(oi.vals))
		for i, p := range oi.def.info.Properties {
			m[p.Name] = dbus.MakeVariant(oi.vals[i])
			oi.dirty[i] = false
		}
		oi.nDirty = 0
		oi.until = time.Time{}
		oi.snap.Store(&m)
		all[oi.def.Name] = m
	}
	e.mu.Lock()
	if _, taken := e.objects[path]; taken {
		e.mu.Unlock()
		return fmt.Errorf("export %s: path %s taken", o.class.Name, path)
	}
	e.objects[path] = o
	o.path = path
	e.mu.Unlock()
	o.exported = true
	e.emit(ObjectManagerPath, "org.freedesktop.DBus.ObjectManager.InterfacesAdded", path, all)
	return nil
}

// Unexport removes the object from the bus (InterfacesRemoved). Changes
// of other objects made before are emitted first; the object's own pending
// changes are dropped. It can be exported again later, under a new number.
func (o *Object) Unexport() {
	e := o.e
	if !o.exported {
		return
	}
	o.exported = false
	e.flushNow()
	for k := range o.ifaces {
		oi := &o.ifaces[k]
		if oi.timer != nil {
			oi.timer.Stop()
			oi.timer = nil
		}
		clear(oi.dirty)
		oi.nDirty = 0
		oi.stale = false
	}
	path := o.path
	e.mu.Lock()
	delete(e.objects, path)
	o.path = NoObject
	e.mu.Unlock()
	e.emit(ObjectManagerPath, "org.freedesktop.DBus.ObjectManager.InterfacesRemoved", path, o.class.InterfaceNames())
}
