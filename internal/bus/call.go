package bus

import (
	"sync/atomic"

	"github.com/godbus/dbus/v5"
)

// Call is one method call (or property write) being handled on the loop.
type Call struct {
	// Sender is the caller's unique bus name; internal/auth turns it into
	// credentials.
	Sender string
	// Object is the called object, at Path.
	Object *Object
	Path   dbus.ObjectPath
	// Interface and Member name the method; for a property write they are
	// the property's interface and "Set", and Property names it.
	Interface string
	Member    string
	Property  string
	// Args are the arguments, decoded by godbus according to the method's
	// signature (a{sv} as map[string]dbus.Variant, ao as
	// []dbus.ObjectPath, ...). For a property write, Args[0] is the value.
	Args []any

	e      *Exporter
	msg    *dbus.Message
	outSig string
	rec    *pendingCall
	done   atomic.Bool
}

// pendingCall is the answer to one incoming call, waited for by the
// goroutine godbus runs it on.
type pendingCall struct {
	// direct, when set, computes the answer on the caller's goroutine
	// without involving the loop (reads of published state).
	direct func() ([]any, *Error)
	done   chan struct{}
	values []any
	err    *Error
}

func answered(err *Error) *pendingCall {
	rec := &pendingCall{done: make(chan struct{}), err: err}
	close(rec.done)
	return rec
}

// Message returns the raw message of the call.
func (c *Call) Message() *dbus.Message { return c.msg }

// NoReplyExpected reports whether the caller asked for no reply.
func (c *Call) NoReplyExpected() bool {
	return c.msg != nil && c.msg.Flags&dbus.FlagNoReplyExpected != 0
}

// Reply answers the call with the method's output values, which must match
// its output signature exactly. It may be called from any goroutine, once.
func (c *Call) Reply(values ...any) {
	if !c.done.CompareAndSwap(false, true) {
		c.e.bug("%s.%s answered twice", c.Interface, c.Member)
		return
	}
	if got := signatureOfAll(values); got != c.outSig {
		c.e.bug("%s.%s replied with signature %q, want %q", c.Interface, c.Member, got, c.outSig)
		c.rec.err = Errorf(domainFailed(c.Interface), "internal error: %s.%s produced a malformed reply", c.Interface, c.Member)
	} else {
		c.rec.values = values
	}
	c.finish()
}

// finish sends the answer after the property changes made so far are
// emitted, so that a client reading a property after the reply sees the
// value the call set (NetworkManager reads properties live).
func (c *Call) finish() {
	c.e.loop.Post(func() {
		c.e.flushNow()
		close(c.rec.done)
	})
}

// Error answers the call with an error. A *bus.Error is sent as it is; any
// other error becomes the Failed error of the interface's domain with the
// error's text (never org.freedesktop.DBus.Error.Failed). It may be called
// from any goroutine, once.
func (c *Call) Error(err error) {
	if !c.done.CompareAndSwap(false, true) {
		c.e.bug("%s.%s answered twice", c.Interface, c.Member)
		return
	}
	if err == nil {
		c.e.bug("%s.%s answered with a nil error", c.Interface, c.Member)
		err = Errorf(domainFailed(c.Interface), "internal error")
	}
	c.rec.err = asError(c.Interface, err)
	c.finish()
}
