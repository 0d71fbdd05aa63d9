package bus

import (
	"fmt"
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
	// noReply: the caller asked for no answer.
	noReply bool
	// own: the loop sends the answer (see Exporter.loopCall).
	own bool
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
	if c.rec != nil {
		return c.rec.noReply
	}
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
	if c.rec.own {
		c.e.queueAnswer(c.msg, c.rec)
		return
	}
	c.e.loop.Post(func() {
		c.e.flushNow()
		close(c.rec.done)
	})
}

// queuedAnswer is an answer the loop sends (see Exporter.loopCall).
type queuedAnswer struct {
	call *dbus.Message
	rec  *pendingCall
}

// queueAnswer queues a call's answer behind those of the calls finished
// before it; the loop sends them in that order.
func (e *Exporter) queueAnswer(call *dbus.Message, rec *pendingCall) {
	e.answerMu.Lock()
	e.answers = append(e.answers, queuedAnswer{call, rec})
	e.answerMu.Unlock()
	e.loop.Post(e.sendAnswers)
}

// sendAnswers sends the queued answers, after the changes made so far
// went out (a client reading a property after the reply sees the call's
// effect, as NetworkManager's property reads are live).
func (e *Exporter) sendAnswers() {
	e.answerMu.Lock()
	q := e.answers
	e.answers = nil
	e.answerMu.Unlock()
	if len(q) == 0 {
		return
	}
	e.flushNow()
	for _, a := range q {
		if !a.rec.noReply {
			e.sendAnswer(a.call, a.rec)
		}
		select {
		case <-a.rec.done: // answered at routing
		default:
			close(a.rec.done)
		}
	}
}

// sendAnswer sends a call's reply or error; it runs on the loop, after
// the signals the call caused.
func (e *Exporter) sendAnswer(call *dbus.Message, rec *pendingCall) {
	conn := e.conn.Load()
	if conn == nil {
		return
	}
	m := &dbus.Message{Type: dbus.TypeMethodReply, Headers: map[dbus.HeaderField]dbus.Variant{
		dbus.FieldReplySerial: dbus.MakeVariant(call.Serial()),
	}, Body: rec.values}
	if sender, ok := call.Headers[dbus.FieldSender]; ok {
		m.Headers[dbus.FieldDestination] = sender
	}
	if rec.err != nil {
		m.Type = dbus.TypeError
		m.Headers[dbus.FieldErrorName] = dbus.MakeVariant(rec.err.Name)
		m.Body = []any{rec.err.Message}
	}
	if len(m.Body) > 0 {
		m.Headers[dbus.FieldSignature] = dbus.MakeVariant(dbus.SignatureOf(m.Body...))
	}
	if c := conn.Send(m, nil); c.Err != nil {
		e.log.Debug(fmt.Sprintf("answer to %v: %v", call.Headers[dbus.FieldMember], c.Err))
	}
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
