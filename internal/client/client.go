// Package client is gonm's D-Bus client for NetworkManager, what libnm is
// to C programs: it loads every object with one GetManagedObjects call on
// /org/freedesktop, keeps that cache current from InterfacesAdded,
// InterfacesRemoved and PropertiesChanged, follows NetworkManager's bus
// name as it comes and goes, and offers typed views (Device and its kinds,
// ActiveConnection, IPConfig, DHCPConfig, Connection, AccessPoint,
// Checkpoint) and the daemon's methods, with timeouts and NetworkManager's
// error names mapped to Go errors. nmcli, nm-online and tests use it.
//
// Like libnm, a Client belongs to one event loop (internal/loop): signals
// are applied on the loop, events are delivered there, and all methods
// must be called from the loop's goroutine (or, before the loop runs, from
// the goroutine that will run it). Blocking calls are fine on the loop;
// signals that arrive meanwhile are applied afterwards, in order. It may
// call internal/loop and godbus.
package client

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/loop"
)

// DefaultCallTimeout is D-Bus' customary reply timeout, which libnm uses
// for calls without an explicit timeout.
const DefaultCallTimeout = 25 * time.Second

// Options configure New.
type Options struct {
	// Address is the bus address. Empty means the system bus
	// (DBUS_SYSTEM_BUS_ADDRESS, or the default socket).
	Address string
	// Conn is an already connected bus connection to use instead; the
	// client does not close it. It must have been created with
	// WithSignalHandler(client.SignalHandler(...)); see NewConn.
	Conn *dbus.Conn
	// CallTimeout bounds each call without its own deadline; zero means
	// DefaultCallTimeout.
	CallTimeout time.Duration
	// FetchPermissions loads the caller's permissions (GetPermissions)
	// and keeps them current.
	FetchPermissions bool
}

// Client is the cache of NetworkManager's objects and the entry point to
// its API.
type Client struct {
	loop  *loop.Loop
	conn  *dbus.Conn
	owned bool
	opts  Options

	// owner is NetworkManager's unique bus name, "" when it is not
	// running. gen counts owner changes so that replies meant for a
	// previous instance are dropped.
	owner string
	gen   int
	// loading is true while the objects of a (re)appeared daemon are
	// being fetched; signals meanwhile wait in pending.
	loading  bool
	pending  []*dbus.Signal
	snapSeq  dbus.Sequence
	ownerSeq dbus.Sequence

	objects map[dbus.ObjectPath]*Object
	// The lists libnm keeps in the order NetworkManager reports them.
	devices, activeConns, connections []dbus.ObjectPath

	perms      map[string]string
	permsReady bool

	listeners []*listener
	nextID    int
	// lastRemoved holds the object being removed while its removal is
	// reported, so list events can still show it.
	lastRemoved map[dbus.ObjectPath]*Object
	closed      bool
	handler     *signalHandler
}

type listener struct {
	id int
	fn func(Event)
}

// signalHandler hands every signal to the client's loop as it is read, so
// signals and method replies reach the loop in the order the bus sent
// them.
type signalHandler struct {
	// post is set once a client owns the connection; the bus's reader
	// goroutine may deliver signals (NameAcquired) before that.
	post atomic.Pointer[func(*dbus.Signal)]
}

func (h *signalHandler) DeliverSignal(iface, name string, sig *dbus.Signal) {
	if post := h.post.Load(); post != nil {
		(*post)(sig)
	}
}

// NewConn connects to the bus at addr (the system bus when empty) with the
// signal handling a Client needs; pass it in Options.Conn to share it.
func NewConn(addr string) (*dbus.Conn, error) {
	h := &signalHandler{}
	conn, err := Dial(addr, dbus.WithSignalHandler(h))
	if err != nil {
		return nil, err
	}
	handlers[conn] = h
	return conn, nil
}

// handlers remembers the signal handler of connections made by NewConn;
// only the goroutine creating clients touches it.
var handlers = map[*dbus.Conn]*signalHandler{}

// SystemBusAddress is the address New connects to when Options.Address is
// empty: DBUS_SYSTEM_BUS_ADDRESS when set (even to ""), else the
// well-known socket.
func SystemBusAddress() string { return systemBusAddress() }

// New connects to the bus and loads NetworkManager's objects. It succeeds
// when NetworkManager is not running (Running reports false) and fails
// only when the bus cannot be reached.
func New(ctx context.Context, l *loop.Loop, opts Options) (*Client, error) {
	c := &Client{loop: l, opts: opts, objects: map[dbus.ObjectPath]*Object{}}
	if c.opts.CallTimeout == 0 {
		c.opts.CallTimeout = DefaultCallTimeout
	}
	if opts.Conn != nil {
		c.conn = opts.Conn
		c.handler = handlers[opts.Conn]
		if c.handler == nil {
			return nil, errors.New("client: connection was not made by client.NewConn")
		}
	} else {
		conn, err := NewConn(opts.Address)
		if err != nil {
			return nil, err
		}
		c.conn, c.owned = conn, true
		c.handler = handlers[conn]
	}
	post := func(sig *dbus.Signal) { l.Post(func() { c.handleSignal(sig) }) }
	c.handler.post.Store(&post)

	matches := [][]dbus.MatchOption{
		{dbus.WithMatchSender("org.freedesktop.DBus"), dbus.WithMatchInterface("org.freedesktop.DBus"),
			dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, BusName)},
		{dbus.WithMatchSender(BusName)},
	}
	for _, m := range matches {
		if err := c.conn.AddMatchSignalContext(ctx, m...); err != nil {
			c.Close()
			return nil, fmt.Errorf("subscribe to NetworkManager's signals: %w", wrapCallError(err))
		}
	}

	var owner string
	call := c.conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.GetNameOwner", 0, BusName)
	c.ownerSeq = call.ResponseSequence
	if err := call.Store(&owner); err != nil {
		var de dbus.Error
		if !errors.As(err, &de) || de.Name != "org.freedesktop.DBus.Error.NameHasNoOwner" {
			c.Close()
			return nil, fmt.Errorf("look up NetworkManager's bus name: %w", wrapCallError(err))
		}
		owner = ""
	}
	if owner != "" {
		c.owner = owner
		if err := c.loadSync(ctx); err != nil {
			// Like libnm, a daemon whose objects cannot be listed is
			// running without objects.
			c.dropAll(false)
		}
	}
	return c, nil
}

func unwrapConnectError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Close ends the client; a connection it made is closed.
func (c *Client) Close() {
	if c.closed {
		return
	}
	c.closed = true
	if c.handler != nil {
		c.handler.post.Store(nil)
	}
	if c.owned && c.conn != nil {
		delete(handlers, c.conn)
		c.conn.Close()
	}
}

// Conn is the client's bus connection.
func (c *Client) Conn() *dbus.Conn { return c.conn }

// Loop is the loop the client runs on.
func (c *Client) Loop() *loop.Loop { return c.loop }

// Running reports whether NetworkManager owns its bus name.
func (c *Client) Running() bool { return c.owner != "" }

// NameOwner is NetworkManager's unique bus name ("" when not running).
func (c *Client) NameOwner() string { return c.owner }

func (c *Client) ctxTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, c.opts.CallTimeout)
}

// managedObjects is the reply type of GetManagedObjects.
type managedObjects = map[dbus.ObjectPath]map[string]map[string]dbus.Variant

// loadSync fetches all objects and the profiles' settings, blocking.
func (c *Client) loadSync(ctx context.Context) error {
	cctx, cancel := c.ctxTimeout(ctx)
	defer cancel()
	var objs managedObjects
	call := c.conn.Object(c.owner, pathObjectManager).CallWithContext(cctx, ifaceObjManager+".GetManagedObjects", 0)
	if err := call.Store(&objs); err != nil {
		return wrapCallError(err)
	}
	c.snapSeq = call.ResponseSequence
	c.installSnapshot(objs, false)
	// Profiles' settings are not properties: fetch them all at once,
	// pipelined, as libnm does before it calls the client ready.
	type pendingCall struct {
		o    *Object
		call *dbus.Call
	}
	var calls []pendingCall
	for _, o := range c.objects {
		if o.kind != kindConnection {
			continue
		}
		calls = append(calls, pendingCall{o, c.conn.Object(c.owner, o.path).GoWithContext(cctx, ifaceConnection+".GetSettings", 0, nil)})
	}
	for _, pc := range calls {
		<-pc.call.Done
		var s map[string]map[string]dbus.Variant
		if pc.call.Err == nil {
			_ = pc.call.Store(&s)
		}
		pc.o.settings = Settings(s)
		pc.o.settingsReady = true
	}
	c.refreshLists(false)
	if c.opts.FetchPermissions {
		c.fetchPermissionsSync(cctx)
	}
	return nil
}

// installSnapshot replaces the cache with a GetManagedObjects reply. With
// notify, listeners learn about every object and list entry that appears.
func (c *Client) installSnapshot(objs managedObjects, notify bool) {
	for path, ifaces := range objs {
		o := c.newObject(path, ifaces)
		c.objects[path] = o
	}
	c.refreshLists(notify)
}

func (c *Client) newObject(path dbus.ObjectPath, ifaces map[string]map[string]dbus.Variant) *Object {
	o := &Object{c: c, path: path, props: map[string]map[string]dbus.Variant{}}
	for iface, props := range ifaces {
		o.props[iface] = props
	}
	o.kind, o.typeName = classify(path, ifaces)
	return o
}

// dropAll forgets every object, as when NetworkManager leaves the bus.
func (c *Client) dropAll(notify bool) {
	old := c.objects
	c.objects = map[dbus.ObjectPath]*Object{}
	if notify {
		c.refreshLists(true)
	} else {
		c.devices, c.activeConns, c.connections = nil, nil, nil
	}
	for _, o := range old {
		o.removed = true
		if notify {
			c.emit(Event{Kind: ObjectRemoved, Object: o})
		}
	}
	c.perms, c.permsReady = nil, false
}

// Object returns the cached object at path, or nil.
func (c *Client) Object(path dbus.ObjectPath) *Object {
	if path == "" || path == "/" {
		return nil
	}
	return c.objects[path]
}

// Objects returns every cached object, in no particular order.
func (c *Client) Objects() []*Object {
	out := make([]*Object, 0, len(c.objects))
	for _, o := range c.objects {
		out = append(out, o)
	}
	return out
}

// refreshLists recomputes the device, active connection and profile lists
// from the manager and settings objects and reports what changed.
func (c *Client) refreshLists(notify bool) {
	mgr := c.objects[pathManager]
	set := c.objects[pathSettings]
	var devs, acs, cons []dbus.ObjectPath
	if mgr != nil {
		devs = c.knownPaths(mgr.objPaths(ifaceManager, "Devices"), kindDevice)
		acs = c.knownPaths(mgr.objPaths(ifaceManager, "ActiveConnections"), kindActive, kindVPN)
	}
	if set != nil {
		cons = c.knownPaths(set.objPaths(ifaceSettings, "Connections"), kindConnection)
		cons = slices.DeleteFunc(cons, func(p dbus.ObjectPath) bool { return !c.objects[p].settingsReady })
	}
	oldDevs, oldACs, oldCons := c.devices, c.activeConns, c.connections
	c.devices, c.activeConns, c.connections = devs, acs, cons
	if !notify {
		return
	}
	c.diffList(oldDevs, devs, DeviceAdded, DeviceRemoved)
	c.diffList(oldACs, acs, ActiveAdded, ActiveRemoved)
	c.diffList(oldCons, cons, ConnectionAdded, ConnectionRemoved)
}

func (c *Client) knownPaths(paths []dbus.ObjectPath, kinds ...kind) []dbus.ObjectPath {
	out := make([]dbus.ObjectPath, 0, len(paths))
	for _, p := range paths {
		if o := c.objects[p]; o != nil && slices.Contains(kinds, o.kind) {
			out = append(out, p)
		}
	}
	return out
}

// diffList reports entries that left or joined one of the lists.
func (c *Client) diffList(old, cur []dbus.ObjectPath, added, removed EventKind) {
	if slices.Equal(old, cur) {
		return
	}
	in := make(map[dbus.ObjectPath]bool, len(cur))
	for _, p := range cur {
		in[p] = true
	}
	was := make(map[dbus.ObjectPath]bool, len(old))
	for _, p := range old {
		was[p] = true
		if !in[p] {
			o := c.objects[p]
			if o == nil {
				o = c.lastRemoved[p]
			}
			if o != nil {
				c.emit(Event{Kind: removed, Object: o})
			}
		}
	}
	for _, p := range cur {
		if !was[p] {
			c.emit(Event{Kind: added, Object: c.objects[p]})
		}
	}
}

// Subscribe registers fn for every event; the returned function removes
// it. Listeners run on the loop, in registration order.
func (c *Client) Subscribe(fn func(Event)) (unsubscribe func()) {
	c.nextID++
	id := c.nextID
	c.listeners = append(c.listeners, &listener{id: id, fn: fn})
	return func() {
		c.listeners = slices.DeleteFunc(c.listeners, func(l *listener) bool { return l.id == id })
	}
}

func (c *Client) emit(ev Event) {
	for _, l := range slices.Clone(c.listeners) {
		if !slices.ContainsFunc(c.listeners, func(x *listener) bool { return x == l }) {
			continue
		}
		l.fn(ev)
	}
}
