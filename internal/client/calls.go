package client

import (
	"context"
	"errors"

	"github.com/godbus/dbus/v5"
)

// call makes a blocking method call to NetworkManager (at its unique
// name, as libnm does) within the client's call timeout unless ctx has a
// deadline.
func (c *Client) call(ctx context.Context, path dbus.ObjectPath, method string, args ...any) *dbus.Call {
	if c.owner == "" {
		return &dbus.Call{Err: ErrNotRunning}
	}
	cctx, cancel := c.ctxTimeout(ctx)
	defer cancel()
	call := c.conn.Object(c.owner, path).CallWithContext(cctx, method, 0, args...)
	if call.Err != nil && errors.Is(call.Err, context.DeadlineExceeded) {
		call.Err = errCallTimeout
	}
	return call
}

func (c *Client) callVoid(ctx context.Context, path dbus.ObjectPath, method string, args ...any) error {
	return wrapCallError(c.call(ctx, path, method, args...).Err)
}

func (c *Client) callStore(ctx context.Context, path dbus.ObjectPath, method string, args []any, out ...any) error {
	call := c.call(ctx, path, method, args...)
	if call.Err != nil {
		return wrapCallError(call.Err)
	}
	return wrapCallError(call.Store(out...))
}

// goCall makes a method call in the background and runs done on the loop
// with the finished call. Signals the daemon sent before its reply have
// been applied by then.
func (c *Client) goCall(ctx context.Context, path dbus.ObjectPath, method string, args []any, done func(*dbus.Call)) {
	if c.owner == "" {
		call := &dbus.Call{Err: ErrNotRunning}
		c.loop.Post(func() { done(call) })
		return
	}
	cctx, cancel := c.ctxTimeout(ctx)
	c.sendOrdered(cctx, c.owner, path, method, args, func(call *dbus.Call) {
		cancel()
		if call.Err != nil && errors.Is(call.Err, context.DeadlineExceeded) {
			call.Err = errCallTimeout
		}
		if c.closed {
			return
		}
		done(call)
	})
}

// sendOrdered sends a method call now, from the calling goroutine, so
// that calls reach the bus in the order they are made (as GDBus sends
// them); the reply is handed to done on the loop.
func (c *Client) sendOrdered(ctx context.Context, dest string, path dbus.ObjectPath, method string, args []any, done func(*dbus.Call)) {
	call := c.conn.Object(dest, path).GoWithContext(ctx, method, 0, make(chan *dbus.Call, 1), args...)
	go func() {
		<-call.Done
		c.loop.Post(func() { done(call) })
	}()
}

// CallAsync is goCall for callers outside the package: a method call to
// NetworkManager whose result arrives on the loop.
func (c *Client) CallAsync(ctx context.Context, path dbus.ObjectPath, method string, args []any, done func(*dbus.Call, error)) {
	c.goCall(ctx, path, method, args, func(call *dbus.Call) { done(call, wrapCallError(call.Err)) })
}

// Call is a blocking method call to NetworkManager; the reply is stored
// in out.
func (c *Client) Call(ctx context.Context, path dbus.ObjectPath, method string, args []any, out ...any) error {
	return c.callStore(ctx, path, method, args, out...)
}

// SetProperty sets a writable property through org.freedesktop.DBus.Properties.
func (c *Client) SetProperty(ctx context.Context, path dbus.ObjectPath, iface, name string, value any) error {
	return c.callVoid(ctx, path, ifaceProperties+".Set", iface, name, dbus.MakeVariant(value))
}

// SetPropertyAsync is SetProperty with the result delivered on the loop.
func (c *Client) SetPropertyAsync(ctx context.Context, path dbus.ObjectPath, iface, name string, value any, done func(error)) {
	c.goCall(ctx, path, ifaceProperties+".Set", []any{iface, name, dbus.MakeVariant(value)}, func(call *dbus.Call) {
		done(wrapCallError(call.Err))
	})
}

// CallDetached calls a NetworkManager method over a connection of its own,
// without loading any objects (what nmcli does for reloads). addr is the
// bus address ("" for the system bus). A bus that cannot be reached gives
// an error starting "Could not connect: ".
func CallDetached(ctx context.Context, addr string, path dbus.ObjectPath, method string, args []any, out ...any) error {
	conn, err := Dial(addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	call := conn.Object(BusName, path).CallWithContext(ctx, method, 0, args...)
	if call.Err != nil {
		if errors.Is(call.Err, context.DeadlineExceeded) {
			return ErrTimedOut
		}
		return wrapCallError(call.Err)
	}
	return wrapCallError(call.Store(out...))
}
