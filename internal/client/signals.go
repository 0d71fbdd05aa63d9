package client

import (
	"context"
	"slices"

	"github.com/godbus/dbus/v5"
)

// EventKind says what an Event reports.
type EventKind int

const (
	// ObjectAdded: a new object appeared.
	ObjectAdded EventKind = iota
	// ObjectRemoved: an object disappeared; Object is its last state.
	ObjectRemoved
	// PropertiesChanged: properties of Object on Interface changed;
	// Changed lists their names.
	PropertiesChanged
	// RunningChanged: NetworkManager appeared on or left the bus.
	RunningChanged
	// DeviceAdded/Removed, ActiveAdded/Removed, ConnectionAdded/Removed:
	// the manager's device list, active connection list or the profile
	// list changed.
	DeviceAdded
	DeviceRemoved
	ActiveAdded
	ActiveRemoved
	ConnectionAdded
	ConnectionRemoved
	// ConnectionUpdated: a profile's settings were reloaded after it
	// changed.
	ConnectionUpdated
	// ActiveStateChanged: an active connection's StateChanged signal
	// (state and reason).
	ActiveStateChanged
	// PermissionsChanged: the caller's permissions were (re)loaded.
	PermissionsChanged
	// Signal: any other signal of NetworkManager.
	Signal
)

// Event is one change of the cache, delivered on the loop.
type Event struct {
	Kind      EventKind
	Object    *Object
	Interface string
	Changed   []string
	Raw       *dbus.Signal
}

// HasChanged reports whether the event changed property name on iface
// (any interface when iface is empty).
func (e Event) HasChanged(iface, name string) bool {
	if e.Kind != PropertiesChanged || (iface != "" && e.Interface != iface) {
		return false
	}
	return slices.Contains(e.Changed, name)
}

func (c *Client) handleSignal(sig *dbus.Signal) {
	if c.closed {
		return
	}
	if sig.Name == "org.freedesktop.DBus.NameOwnerChanged" {
		if sig.Sequence < c.ownerSeq || len(sig.Body) < 3 {
			return
		}
		name, _ := sig.Body[0].(string)
		newOwner, _ := sig.Body[2].(string)
		if name == BusName {
			c.ownerChanged(newOwner)
		}
		return
	}
	if c.owner == "" || sig.Sender != c.owner {
		return
	}
	if c.loading {
		c.pending = append(c.pending, sig)
		return
	}
	if sig.Sequence < c.snapSeq {
		// Already reflected in the snapshot we loaded.
		return
	}
	c.apply(sig)
}

func (c *Client) ownerChanged(newOwner string) {
	if newOwner == c.owner {
		return
	}
	wasRunning := c.owner != ""
	c.gen++
	if wasRunning {
		c.dropAll(true)
	}
	c.owner = newOwner
	c.loading = false
	c.pending = nil
	if wasRunning {
		c.emit(Event{Kind: RunningChanged})
	}
	if newOwner == "" {
		return
	}
	c.loading = true
	gen := c.gen
	owner := newOwner
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.CallTimeout)
	c.sendOrdered(ctx, owner, pathObjectManager, ifaceObjManager+".GetManagedObjects", nil, func(call *dbus.Call) {
		cancel()
		var objs managedObjects
		err := call.Store(&objs)
		func() {
			if c.closed || c.gen != gen {
				return
			}
			c.loading = false
			pending := c.pending
			c.pending = nil
			if err != nil {
				// Like libnm, take a daemon whose objects cannot be listed
				// as running without objects.
				objs = nil
			} else {
				c.snapSeq = call.ResponseSequence
			}
			c.installSnapshot(objs, false)
			for _, o := range c.objects {
				c.emit(Event{Kind: ObjectAdded, Object: o})
			}
			for _, p := range c.devices {
				c.emit(Event{Kind: DeviceAdded, Object: c.objects[p]})
			}
			for _, p := range c.activeConns {
				c.emit(Event{Kind: ActiveAdded, Object: c.objects[p]})
			}
			for _, o := range c.objects {
				if o.kind == kindConnection {
					c.fetchSettings(o, false)
				}
			}
			c.emit(Event{Kind: RunningChanged})
			if c.opts.FetchPermissions {
				c.fetchPermissions()
			}
			for _, sig := range pending {
				if sig.Sequence > c.snapSeq {
					c.apply(sig)
				}
			}
		}()
	})
}

func (c *Client) apply(sig *dbus.Signal) {
	switch sig.Name {
	case ifaceObjManager + ".InterfacesAdded":
		c.interfacesAdded(sig)
	case ifaceObjManager + ".InterfacesRemoved":
		c.interfacesRemoved(sig)
	case ifaceProperties + ".PropertiesChanged":
		c.propertiesChanged(sig)
	case ifaceConnection + ".Updated":
		if o := c.objects[sig.Path]; o != nil && o.kind == kindConnection {
			c.fetchSettings(o, true)
		}
	case ifaceActive + ".StateChanged":
		if o := c.objects[sig.Path]; o != nil && len(sig.Body) == 2 {
			// libnm takes the state from this signal as well as from the
			// property, whichever comes first.
			if st, ok := sig.Body[0].(uint32); ok {
				if o.props[ifaceActive] == nil {
					o.props[ifaceActive] = map[string]dbus.Variant{}
				}
				o.props[ifaceActive]["State"] = dbus.MakeVariant(st)
			}
			if r, ok := sig.Body[1].(uint32); ok {
				o.acReason = ActiveStateReason(r)
			}
			c.emit(Event{Kind: ActiveStateChanged, Object: o, Raw: sig})
		}
	case ifaceManager + ".CheckPermissions":
		if c.opts.FetchPermissions {
			c.fetchPermissions()
		}
		c.emit(Event{Kind: Signal, Raw: sig, Object: c.objects[sig.Path]})
	default:
		c.emit(Event{Kind: Signal, Raw: sig, Object: c.objects[sig.Path]})
	}
}

func (c *Client) interfacesAdded(sig *dbus.Signal) {
	if len(sig.Body) < 2 {
		return
	}
	path, _ := sig.Body[0].(dbus.ObjectPath)
	ifaces, _ := sig.Body[1].(map[string]map[string]dbus.Variant)
	if path == "" {
		return
	}
	o := c.objects[path]
	if o == nil {
		o = c.newObject(path, ifaces)
		c.objects[path] = o
		if o.kind == kindConnection {
			c.fetchSettings(o, false)
		}
		c.emit(Event{Kind: ObjectAdded, Object: o})
		c.refreshLists(true)
		return
	}
	for iface, props := range ifaces {
		o.props[iface] = props
	}
	if o.kind == kindUnknown {
		o.kind, o.typeName = classify(path, o.props)
	}
	c.refreshLists(true)
}

func (c *Client) interfacesRemoved(sig *dbus.Signal) {
	if len(sig.Body) < 2 {
		return
	}
	path, _ := sig.Body[0].(dbus.ObjectPath)
	ifaces, _ := sig.Body[1].([]string)
	o := c.objects[path]
	if o == nil {
		return
	}
	remaining := 0
	for iface := range o.props {
		if !slices.Contains(ifaces, iface) {
			remaining++
		}
	}
	if remaining > 0 {
		for _, iface := range ifaces {
			delete(o.props, iface)
		}
		return
	}
	// A removed object keeps its last properties, as libnm's objects do,
	// for whoever still holds it (nmcli naming a deleted device).
	delete(c.objects, path)
	o.removed = true
	c.lastRemoved = map[dbus.ObjectPath]*Object{path: o}
	c.refreshLists(true)
	c.lastRemoved = nil
	c.emit(Event{Kind: ObjectRemoved, Object: o})
}

func (c *Client) propertiesChanged(sig *dbus.Signal) {
	if len(sig.Body) < 2 {
		return
	}
	iface, _ := sig.Body[0].(string)
	changed, _ := sig.Body[1].(map[string]dbus.Variant)
	o := c.objects[sig.Path]
	if o == nil || len(changed) == 0 {
		return
	}
	props := o.props[iface]
	if props == nil {
		props = map[string]dbus.Variant{}
		o.props[iface] = props
	}
	names := make([]string, 0, len(changed))
	for k, v := range changed {
		props[k] = v
		names = append(names, k)
	}
	slices.Sort(names)
	if (o.kind == kindManager && iface == ifaceManager) || (o.kind == kindSettings && iface == ifaceSettings) {
		c.refreshLists(true)
	}
	c.emit(Event{Kind: PropertiesChanged, Object: o, Interface: iface, Changed: names})
}

// fetchSettings (re)loads a profile's settings; updated says whether the
// listeners get a ConnectionUpdated event.
func (c *Client) fetchSettings(o *Object, updated bool) {
	o.settingsGen++
	want := o.settingsGen
	gen := c.gen
	owner := c.owner
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.CallTimeout)
	c.sendOrdered(ctx, owner, o.path, ifaceConnection+".GetSettings", nil, func(call *dbus.Call) {
		cancel()
		var s map[string]map[string]dbus.Variant
		err := call.Store(&s)
		func() {
			if c.closed || c.gen != gen || o.settingsGen != want || o.removed {
				return
			}
			if err != nil {
				s = nil
			}
			o.settings = Settings(s)
			first := !o.settingsReady
			o.settingsReady = true
			if first {
				c.refreshLists(true)
			}
			if updated {
				c.emit(Event{Kind: ConnectionUpdated, Object: o})
			}
		}()
	})
}
