package nmcli

import (
	"context"
	"os"
	"strconv"
	"time"

	"github.com/godbus/dbus/v5"
	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/client"
)

const (
	polkitBus       = "org.freedesktop.PolicyKit1"
	polkitAuthority = "/org/freedesktop/PolicyKit1/Authority"
	polkitIface     = "org.freedesktop.PolicyKit1.Authority"
	polkitAgentPath = "/org/freedesktop/PolicyKit1/AuthenticationAgent"
	polkitAgentIfc  = "org.freedesktop.PolicyKit1.AuthenticationAgent"
)

// polkitListener registers nmcli as polkit's authentication agent for
// its process (or the session) whenever polkit is on the bus.
type polkitListener struct {
	a          *App
	conn       *dbus.Conn
	forSession bool
	owner      string
}

type polkitAgent struct{ l *polkitListener }

// BeginAuthentication is declined: running polkit's helper to check the
// user's password is not implemented yet.
func (p polkitAgent) BeginAuthentication(action, message, icon string, details map[string]string,
	cookie string, identities []struct {
		Kind    string
		Details map[string]dbus.Variant
	}) *dbus.Error {
	p.l.a.loop.Post(func() {
		p.l.a.print(message + "\n")
		p.l.a.print("(action_id: " + action + ")\n")
		p.l.a.printErr("Error: polkit agent failed: authentication through polkit's helper is not supported yet\n")
	})
	return dbus.NewError("org.freedesktop.PolicyKit1.Error.Failed", []any{"not supported"})
}

func (p polkitAgent) CancelAuthentication(cookie string) *dbus.Error { return nil }

func newPolkitListener(a *App, forSession bool) (*polkitListener, error) {
	l := &polkitListener{a: a, forSession: forSession}
	h := polkitSignals{l}
	conn, err := client.Dial(a.env.BusAddress, dbus.WithSignalHandler(h))
	if err != nil {
		return nil, err
	}
	l.conn = conn
	if err := conn.Export(polkitAgent{l}, polkitAgentPath, polkitAgentIfc); err != nil {
		conn.Close()
		return nil, err
	}
	// Watch polkit's name and register whenever it (re)appears.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := conn.AddMatchSignalContext(ctx, dbus.WithMatchSender("org.freedesktop.DBus"),
		dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, polkitBus)); err != nil {
		conn.Close()
		return nil, err
	}
	var owner string
	if err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.GetNameOwner", 0, polkitBus).Store(&owner); err == nil {
		l.ownerChanged(owner)
	}
	return l, nil
}

// polkitSignals hands polkit's NameOwnerChanged to the loop.
type polkitSignals struct{ l *polkitListener }

func (h polkitSignals) DeliverSignal(iface, name string, sig *dbus.Signal) {
	if iface != "org.freedesktop.DBus" || name != "NameOwnerChanged" || len(sig.Body) < 3 {
		return
	}
	if n, _ := sig.Body[0].(string); n != polkitBus {
		return
	}
	owner, _ := sig.Body[2].(string)
	h.l.a.loop.Post(func() { h.l.ownerChanged(owner) })
}

func (l *polkitListener) ownerChanged(owner string) {
	if owner == l.owner {
		return
	}
	l.owner = owner
	if owner == "" {
		return
	}
	subject := struct {
		Kind    string
		Details map[string]dbus.Variant
	}{"unix-process", map[string]dbus.Variant{
		"pid":        dbus.MakeVariant(uint32(os.Getpid())),
		"start-time": dbus.MakeVariant(processStartTime()),
		"uid":        dbus.MakeVariant(int32(os.Getuid())),
	}}
	locale := os.Getenv("LANG")
	if locale == "" {
		locale = "en_US.UTF-8"
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
		defer cancel()
		err := l.conn.Object(owner, polkitAuthority).CallWithContext(ctx, polkitIface+".RegisterAuthenticationAgent", 0,
			subject, locale, dbus.ObjectPath(polkitAgentPath)).Err
		l.a.loop.Post(func() {
			if err != nil {
				l.a.printErr("Error: polkit agent failed: " + err.Error() + "\n")
				if l.forSession {
					l.a.quit()
				}
				return
			}
			if l.forSession {
				l.a.print("nmcli successfully registered as a polkit agent.\n")
			}
		})
	}()
}

// processStartTime is this process's start time in clock ticks since
// boot, field 22 of /proc/self/stat, which polkit uses to identify it.
func processStartTime() uint64 {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	s := string(data)
	i := len(s) - 1
	for i >= 0 && s[i] != ')' {
		i--
	}
	fields := splitArgs(s[i+1:], false)
	if len(fields) < 20 {
		return 0
	}
	v, _ := strconv.ParseUint(fields[19], 10, 64)
	return v
}

// disableEcho turns off the terminal's echo for a password prompt and
// returns the function restoring it (nil when f is not a terminal).
func disableEcho(f *os.File) func() {
	fd := int(f.Fd())
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil
	}
	saved := *t
	t.Lflag &^= unix.ECHO
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, t); err != nil {
		return nil
	}
	return func() { unix.IoctlSetTermios(fd, unix.TCSETS, &saved) }
}
