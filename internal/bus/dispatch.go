package bus

import (
	"context"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/introspection"
)

// godbus runs every incoming method call on a goroutine of its own, so
// calls from one client could reach the loop out of order. The exporter
// therefore decides about each call in intercept, which godbus runs on its
// reader goroutine in arrival order before it starts the call's goroutine:
// calls for the loop are posted there and then, reads are left to the
// call's goroutine. The router below, godbus's handler for every path,
// interface and member, then just waits for the decided answer.

// intercept sees every incoming message in arrival order.
func (e *Exporter) intercept(msg *dbus.Message) {
	if msg.Type != dbus.TypeMethodCall {
		return
	}
	if iface, _ := header[string](msg, dbus.FieldInterface); iface == introspection.Peer {
		return // godbus answers Ping and GetMachineId itself
	}
	ordered := e.conn.Load() != nil && !e.exiting.Load()
	rec := e.routeMsg(msg, ordered)
	if ordered && rec.direct == nil && !rec.own {
		// Answered at once (a wrong signature, no such object): the
		// answer still waits for the handlers of the calls before it,
		// and for their answers if they gave them there and then.
		rec.own, rec.noReply = true, msg.Flags&dbus.FlagNoReplyExpected != 0
		msg.Flags |= dbus.FlagNoReplyExpected
		e.loop.Post(func() { e.queueAnswer(msg, rec) })
	}
	e.pending.Store(msg, rec)
}

func header[T any](msg *dbus.Message, f dbus.HeaderField) (T, bool) {
	var zero T
	v, ok := msg.Headers[f]
	if !ok {
		return zero, false
	}
	t, ok := v.Value().(T)
	return t, ok
}

func bodySignature(msg *dbus.Message) string {
	sig, _ := header[dbus.Signature](msg, dbus.FieldSignature)
	return sig.String()
}

// errExiting is the answer once the daemon shuts down.
var errExiting = &Error{Name: DBusFailed, Message: "NetworkManager is exiting"}

// route decides how one call is answered and, for calls handled on the
// loop, posts the handler; godbus sends the answer.
func (e *Exporter) route(msg *dbus.Message) *pendingCall { return e.routeMsg(msg, false) }

// routeMsg is route; with ordered, the answers of calls handled on the
// loop are sent by the loop itself (see loopCall).
func (e *Exporter) routeMsg(msg *dbus.Message, ordered bool) *pendingCall {
	if e.exiting.Load() {
		return answered(errExiting)
	}
	path, _ := header[dbus.ObjectPath](msg, dbus.FieldPath)
	iface, _ := header[string](msg, dbus.FieldInterface)
	member, _ := header[string](msg, dbus.FieldMember)
	sender, _ := header[string](msg, dbus.FieldSender)
	sig := bodySignature(msg)

	switch iface {
	case introspection.Introspectable:
		if member != "Introspect" {
			return answered(errNoMethod(member))
		}
		if sig != "" {
			return answered(errSignature(sig, ""))
		}
		return &pendingCall{direct: func() ([]any, *Error) { return e.introspect(path) }}
	case introspection.Properties:
		return e.routeProperties(msg, path, member, sender, sig, ordered)
	case introspection.ObjectManager:
		if path != ObjectManagerPath {
			if _, ok := e.Lookup(path); !ok {
				return answered(errNoObject(string(path)))
			}
			return answered(errNoInterface(iface, string(path)))
		}
		if member != "GetManagedObjects" {
			return answered(errNoMethod(member))
		}
		if sig != "" {
			return answered(errSignature(sig, ""))
		}
		return &pendingCall{direct: func() ([]any, *Error) { return []any{e.managedObjects()}, nil }}
	}

	o, ok := e.Lookup(path)
	if !ok {
		if path == ObjectManagerPath {
			return answered(errNoInterface(iface, string(path)))
		}
		return answered(errNoObject(string(path)))
	}
	var it *Interface
	if iface == "" {
		// The interface is optional in a call; take the first interface
		// of the object that has the member.
		for _, c := range o.class.Interfaces {
			if _, ok := c.info.Method(member); ok {
				it = c
				break
			}
		}
		if it == nil {
			return answered(errNoMethod(member))
		}
	} else if it, _, ok = o.class.iface(iface); !ok {
		return answered(errNoInterface(iface, string(path)))
	}
	m, ok := it.info.Method(member)
	if !ok {
		return answered(errNoMethod(member))
	}
	if want := m.InSignature(); sig != want {
		return answered(errSignature(sig, want))
	}
	c := &Call{
		Sender: sender, Object: o, Path: path, Interface: it.Name, Member: member, Args: msg.Body,
		e: e, msg: msg, outSig: m.OutSignature(), rec: e.loopCall(msg, ordered),
	}
	h := it.Methods[member]
	e.loop.Post(func() { e.invoke(c, h) })
	return c.rec
}

// loopCall is the record of a call handled on the loop. Handlers finish
// in the loop's order, but godbus would send each answer from the call's
// own goroutine, so that answers to calls finished one after the other
// (a client's burst of Update2 calls, say) could leave in any order;
// NetworkManager answers in the order it finished them. With ordered
// (the connection's reader saw the call first, before godbus started its
// goroutine), the loop sends the answer itself and the message is marked
// as wanting none from godbus.
func (e *Exporter) loopCall(msg *dbus.Message, ordered bool) *pendingCall {
	rec := &pendingCall{done: make(chan struct{}), noReply: msg.Flags&dbus.FlagNoReplyExpected != 0}
	if ordered {
		rec.own = true
		msg.Flags |= dbus.FlagNoReplyExpected
	}
	return rec
}

// invoke runs a handler on the loop, unless the object went away since the
// call arrived.
func (e *Exporter) invoke(c *Call, h Handler) {
	if !c.Object.exported {
		c.Error(errNoObject(string(c.Path)))
		return
	}
	h(c)
}

func (e *Exporter) routeProperties(msg *dbus.Message, path dbus.ObjectPath, member, sender, sig string, ordered bool) *pendingCall {
	var want string
	switch member {
	case "Get":
		want = "ss"
	case "GetAll":
		want = "s"
	case "Set":
		want = "ssv"
	default:
		return answered(errNoMethod(member))
	}
	o, ok := e.Lookup(path)
	if !ok && path != ObjectManagerPath {
		return answered(errNoObject(string(path)))
	}
	if sig != want {
		return answered(errSignature(sig, want))
	}
	iface := msg.Body[0].(string)
	var it *Interface
	if o != nil {
		it, _, _ = o.class.iface(iface)
	}
	switch member {
	case "Get":
		name := msg.Body[1].(string)
		return &pendingCall{direct: func() ([]any, *Error) {
			if it == nil {
				return nil, errNoPropInterface(iface)
			}
			v, ok := (*o.ifaces[o.class.ifaceIdx[iface]].snap.Load())[name]
			if !ok {
				return nil, errNoProperty(name)
			}
			return []any{v}, nil
		}}
	case "GetAll":
		return &pendingCall{direct: func() ([]any, *Error) {
			if it == nil {
				if o != nil && o.class.HasInterface(iface) || path == ObjectManagerPath && iface == introspection.ObjectManager {
					return []any{map[string]dbus.Variant{}}, nil
				}
				return nil, errNoPropInterface(iface)
			}
			return []any{*o.ifaces[o.class.ifaceIdx[iface]].snap.Load()}, nil
		}}
	}
	// Set.
	name := msg.Body[1].(string)
	value := msg.Body[2].(dbus.Variant)
	if it == nil {
		return answered(errNoPropInterface(iface))
	}
	p, ok := it.info.Property(name)
	if !ok {
		return answered(errNoProperty(name))
	}
	if !p.Writable() {
		return answered(errNotWritable(name))
	}
	if got := value.Signature().String(); got != p.Type {
		return answered(errPropType(name, p.Type, got))
	}
	c := &Call{
		Sender: sender, Object: o, Path: path, Interface: iface, Member: "Set", Property: name,
		Args: []any{value.Value()}, e: e, msg: msg, rec: e.loopCall(msg, ordered),
	}
	h := it.Setters[name]
	e.loop.Post(func() { e.invoke(c, h) })
	return c.rec
}

// managedObjects answers GetManagedObjects from the published values.
func (e *Exporter) managedObjects() map[dbus.ObjectPath]map[string]map[string]dbus.Variant {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make(map[dbus.ObjectPath]map[string]map[string]dbus.Variant, len(e.objects))
	for path, o := range e.objects {
		ifs := make(map[string]map[string]dbus.Variant, len(o.ifaces))
		for k := range o.ifaces {
			ifs[o.ifaces[k].def.Name] = *o.ifaces[k].snap.Load()
		}
		out[path] = ifs
	}
	return out
}

// await waits for the answer of a routed call.
func (e *Exporter) await(rec *pendingCall) ([]any, error) {
	if rec.direct != nil {
		vals, err := rec.direct()
		if err != nil {
			return nil, err
		}
		return vals, nil
	}
	select {
	case <-rec.done:
	case <-e.loop.Done():
		select {
		case <-rec.done:
		default:
			return nil, errExiting
		}
	}
	if rec.own {
		// The loop sent the answer (see loopCall).
		return nil, nil
	}
	// What the handler changed goes out before its reply, as
	// NetworkManager emits property changes as they happen: a client that
	// reads a property after a method returns sees the method's effect,
	// and PropertiesChanged precedes the reply.
	if e.unflushed.Load() {
		_ = e.loop.Call(context.Background(), e.flushNow)
	}
	if rec.err != nil {
		return nil, rec.err
	}
	return rec.values, nil
}

// router is godbus's handler for every path, interface and member; the
// decisions are made in intercept and route.
type router struct{ e *Exporter }

func (r router) LookupObject(dbus.ObjectPath) (dbus.ServerObject, bool) { return r, true }
func (r router) LookupInterface(string) (dbus.Interface, bool)          { return r, true }
func (r router) LookupMethod(string) (dbus.Method, bool)                { return routedMethod(r), true }

// routedMethod receives the raw message instead of decoded arguments.
type routedMethod struct{ e *Exporter }

func (m routedMethod) DecodeArguments(_ *dbus.Conn, _ string, msg *dbus.Message, _ []any) ([]any, error) {
	return []any{msg}, nil
}

func (m routedMethod) Call(args ...any) ([]any, error) {
	msg := args[0].(*dbus.Message)
	var rec *pendingCall
	if v, ok := m.e.pending.LoadAndDelete(msg); ok {
		rec = v.(*pendingCall)
	} else {
		// Not seen by intercept (a connection opened without
		// ConnOptions' interceptor): decide now.
		rec = m.e.route(msg)
	}
	return m.e.await(rec)
}

func (routedMethod) NumArguments() int     { return 1 }
func (routedMethod) NumReturns() int       { return 0 }
func (routedMethod) ArgumentValue(int) any { return nil }
func (routedMethod) ReturnValue(int) any   { return nil }
