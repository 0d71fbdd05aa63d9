// Package bus is gonm's D-Bus exporter: it puts the daemon's objects on the
// system bus the way NetworkManager does. It owns the object registry (with
// NetworkManager's path conventions), a property store per object with
// change detection, the merging of one loop turn's changes into one
// PropertiesChanged per object and interface, per-property emission
// policies (rate limits), org.freedesktop.DBus.ObjectManager at
// /org/freedesktop, Introspect from the embedded introspection files, the
// validation of every incoming call against those files, NetworkManager's
// error names, and the hand-over of method calls to the daemon loop in
// arrival order.
//
// Everything that changes state runs on the loop (internal/loop): objects
// are created, exported, changed and removed there, and method handlers run
// there. Property reads (Get, GetAll, GetManagedObjects, Introspect) are
// answered on godbus's goroutines from values the loop publishes, so they
// never wait for a busy loop. The package calls internal/loop,
// internal/logging and the introspection package; the layers above use it
// to export their objects. Authorization is not done here but by method
// handlers, through internal/auth.
package bus

import (
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/loop"
)

// Well-known paths of NetworkManager's objects.
const (
	// ObjectManagerPath is where NetworkManager serves
	// org.freedesktop.DBus.ObjectManager for all of its objects; libnm and
	// nmcli call GetManagedObjects there.
	ObjectManagerPath dbus.ObjectPath = "/org/freedesktop"

	PathManager      dbus.ObjectPath = "/org/freedesktop/NetworkManager"
	PathSettings     dbus.ObjectPath = "/org/freedesktop/NetworkManager/Settings"
	PathAgentManager dbus.ObjectPath = "/org/freedesktop/NetworkManager/AgentManager"
	PathDnsManager   dbus.ObjectPath = "/org/freedesktop/NetworkManager/DnsManager"

	// Bases of the numbered families; all classes of one family (every
	// device kind, for example) share its counter.
	FamilyDevices           dbus.ObjectPath = "/org/freedesktop/NetworkManager/Devices"
	FamilyActiveConnection  dbus.ObjectPath = "/org/freedesktop/NetworkManager/ActiveConnection"
	FamilyIP4Config         dbus.ObjectPath = "/org/freedesktop/NetworkManager/IP4Config"
	FamilyIP6Config         dbus.ObjectPath = "/org/freedesktop/NetworkManager/IP6Config"
	FamilyDHCP4Config       dbus.ObjectPath = "/org/freedesktop/NetworkManager/DHCP4Config"
	FamilyDHCP6Config       dbus.ObjectPath = "/org/freedesktop/NetworkManager/DHCP6Config"
	FamilySettingsConn      dbus.ObjectPath = "/org/freedesktop/NetworkManager/Settings"
	FamilyAccessPoint       dbus.ObjectPath = "/org/freedesktop/NetworkManager/AccessPoint"
	FamilyWifiP2PPeer       dbus.ObjectPath = "/org/freedesktop/NetworkManager/WifiP2PPeer"
	FamilyCheckpoint        dbus.ObjectPath = "/org/freedesktop/NetworkManager/Checkpoint"
	FamilyPPP               dbus.ObjectPath = "/org/freedesktop/NetworkManager/PPP"
	NoObject                dbus.ObjectPath = "/"
	propertiesChangedSignal                 = "org.freedesktop.DBus.Properties.PropertiesChanged"
)

// Options configure an Exporter.
type Options struct {
	// Log receives the exporter's messages (domain CORE); nil discards.
	Log *slog.Logger
	// Strict makes programming errors (a property set with the wrong
	// type, a reply that does not match the method's signature) panic
	// instead of being logged. Tests set it.
	Strict bool
	// Sink, when set, receives every signal instead of the connection, on
	// the loop (tests of the layers above the exporter use it to see what
	// clients would see, under testing/synctest).
	Sink func(path dbus.ObjectPath, name string, args ...any)
}

// Exporter puts objects on one bus connection.
type Exporter struct {
	loop   *loop.Loop
	log    *slog.Logger
	strict bool

	conn atomic.Pointer[dbus.Conn]
	// sink replaces the connection for signals in tests.
	sink func(path dbus.ObjectPath, name string, args ...any)

	// mu guards objects, which the loop changes and godbus's goroutines
	// read. Values inside objects are published separately (atomically).
	mu      sync.RWMutex
	objects map[dbus.ObjectPath]*Object

	// Loop-only state.
	counters    map[dbus.ObjectPath]uint64
	dirty       []*Object
	flushQueued bool
	// unflushed is set while changes wait for the idle flush; a call's
	// reply waits for them to go out first (see await).
	unflushed atomic.Bool

	// pending holds the routing decision for each incoming method call,
	// made in arrival order by the connection's reader (intercept) and
	// picked up by the goroutine godbus runs the call on.
	pending sync.Map // *dbus.Message -> *pendingCall
	// answers wait for the loop to send them, in the order the calls
	// finished (see loopCall).
	answerMu sync.Mutex
	answers  []queuedAnswer
	exiting  atomic.Bool

	names nameWatch
}

// New returns an exporter whose objects live on l.
func New(l *loop.Loop, opts Options) *Exporter {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Exporter{
		loop:     l,
		log:      log,
		strict:   opts.Strict,
		sink:     opts.Sink,
		objects:  map[dbus.ObjectPath]*Object{},
		counters: map[dbus.ObjectPath]uint64{},
	}
}

// ConnOptions are the godbus options the connection must be opened with:
// the exporter's own method router and the interceptor that sees incoming
// calls in arrival order.
func (e *Exporter) ConnOptions() []dbus.ConnOption {
	return []dbus.ConnOption{
		dbus.WithHandler(router{e}),
		dbus.WithIncomingInterceptor(e.intercept),
	}
}

// Connect opens a connection to the bus at address (the system bus when
// empty, honouring DBUS_SYSTEM_BUS_ADDRESS) set up for this exporter.
func (e *Exporter) Connect(address string) (*dbus.Conn, error) {
	var conn *dbus.Conn
	var err error
	if address == "" {
		conn, err = dbus.ConnectSystemBus(e.ConnOptions()...)
	} else {
		conn, err = dbus.Connect(address, e.ConnOptions()...)
	}
	if err != nil {
		return nil, err
	}
	e.conn.Store(conn)
	return conn, nil
}

// Attach uses conn, opened with ConnOptions, for signals.
func (e *Exporter) Attach(conn *dbus.Conn) { e.conn.Store(conn) }

// Conn returns the connection, for calls the daemon makes itself.
func (e *Exporter) Conn() *dbus.Conn { return e.conn.Load() }

// Loop returns the loop the exporter's objects live on.
func (e *Exporter) Loop() *loop.Loop { return e.loop }

// Shutdown makes every later call fail with "NetworkManager is exiting",
// as NetworkManager answers while it shuts down.
func (e *Exporter) Shutdown() { e.exiting.Store(true) }

// Lookup returns the exported object at path.
func (e *Exporter) Lookup(path dbus.ObjectPath) (*Object, bool) {
	e.mu.RLock()
	o, ok := e.objects[path]
	e.mu.RUnlock()
	return o, ok
}

// emit sends a signal. It runs on the loop, so signals leave in the order
// the daemon produced them.
func (e *Exporter) emit(path dbus.ObjectPath, name string, args ...any) {
	if e.sink != nil {
		e.sink(path, name, args...)
		return
	}
	conn := e.conn.Load()
	if conn == nil {
		return
	}
	if err := conn.Emit(path, name, args...); err != nil {
		e.log.Debug(fmt.Sprintf("emit %s on %s: %v", name, path, err))
	}
}

// bug reports a programming error of a layer using the exporter.
func (e *Exporter) bug(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if e.strict {
		panic("bus: " + msg)
	}
	e.log.Error("D-Bus export bug: " + msg)
}
