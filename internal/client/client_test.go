package client

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/testbed"
)

func TestAddressErrors(t *testing.T) {
	for addr, want := range map[string]string{
		"":                         "The given address is empty",
		"garbage":                  "Address element \u201cgarbage\u201d does not contain a colon (:)",
		":path=/x":                 "Transport name in address element \u201c:path=/x\u201d must not be empty",
		"foo:path=/x":              "Unknown or unsupported transport \u201cfoo\u201d for address \u201cfoo:path=/x\u201d",
		"unix:path":                "Key/Value pair 0, \u201cpath\u201d, in address element \u201cunix:path\u201d does not contain an equal sign",
		"unix:=x":                  "Key/Value pair 0, \u201c=x\u201d, in address element \u201cunix:=x\u201d must not have an empty key",
		"unix:path=/x%zz":          "Error unescaping key or value in Key/Value pair 0, \u201cpath=/x%zz\u201d, in address element \u201cunix:path=/x%zz\u201d",
		"unix:path=/x,abstract=y":  "Error in address \u201cunix:path=/x,abstract=y\u201d \u2014 the unix transport requires exactly one of the keys \u201cpath\u201d or \u201cabstract\u201d to be set",
		"tcp:":                     "Error in address \u201ctcp:\u201d \u2014 the host attribute is missing or malformed",
		"unix:path=/nonexistent,":  "Key/Value pair 1, \u201c\u201d, in address element \u201cunix:path=/nonexistent,\u201d does not contain an equal sign",
		"unix:path=/gonm-no/such":  "Could not connect: no such file or directory",
		"garbage;unix:path=/gonm-": "Could not connect: no such file or directory",
		"unix:path=/gonm-;garbage": "Address element \u201cgarbage\u201d does not contain a colon (:)",
		"unix:path=":               "Could not connect: connection refused",
	} {
		_, err := dialAddress(addr)
		if errno, ok := connectErrno(err); ok {
			// The dialer's words around the errno are godbus'; nmcli
			// prints strerror (glibConnectError).
			err = errors.New("Could not connect: " + errno.Error())
		}
		if err == nil || err.Error() != want {
			t.Errorf("Dial(%q): %v, want %q", addr, err, want)
		}
		if strings.HasPrefix(want, "Could not connect") == isAddressError(err) {
			t.Errorf("Dial(%q): isAddressError = %v", addr, isAddressError(err))
		}
	}
	if v, ok := unescapeAddress("/run/a%20b%2Cc"); !ok || v != "/run/a b,c" {
		t.Errorf("unescape: %q %v", v, ok)
	}
}

func connectErrno(err error) (syscall.Errno, bool) {
	var errno syscall.Errno
	if err != nil && strings.HasPrefix(err.Error(), "Could not connect: ") && errors.As(err, &errno) {
		return errno, true
	}
	return 0, false
}

func FuzzAddress(f *testing.F) {
	for _, s := range []string{"unix:path=/x", "unix:abstract=a%00b", "tcp:host=h,port=1;unix:path=/y", "a:b=c,d=e", "%", ":"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		for _, text := range strings.Split(addr, ";") {
			e, err := parseAddressEntry(text)
			if err != nil {
				if !isAddressError(err) {
					t.Fatalf("%q: %T %v", text, err, err)
				}
				continue
			}
			if e.transport == "" || e.text != text {
				t.Fatalf("%q: parsed as %+v", text, e)
			}
			_ = e.check()
		}
	})
}

func TestCallErrors(t *testing.T) {
	err := wrapCallError(dbus.Error{Name: "org.freedesktop.NetworkManager.Device.NotActive", Body: []any{"This device is not active"}})
	if !errors.Is(err, ErrDeviceNotActive) || errors.Is(err, ErrUnknownDevice) {
		t.Errorf("errors.Is does not match by name: %v", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Message != "This device is not active" ||
		e.Remote() != "GDBus.Error:org.freedesktop.NetworkManager.Device.NotActive: This device is not active" {
		t.Errorf("got %#v", err)
	}
}

// harness runs a client on its own loop; run executes code on the loop.
type harness struct {
	t      *testing.T
	l      *loop.Loop
	c      *Client
	mu     sync.Mutex
	events []Event
}

func (h *harness) run(fn func()) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.l.Call(ctx, fn); err != nil {
		h.t.Fatalf("loop call: %v", err)
	}
}

// waitFor polls cond on the loop until it holds.
func (h *harness) waitFor(what string, timeout time.Duration, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok := false
		h.run(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (h *harness) sawEvent(match func(Event) bool) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.ContainsFunc(h.events, match)
}

// TestAgainstReference drives the client against NetworkManager 1.42: the
// initial load, a profile added and activated, the cache following the
// daemon's signals, errors by name, and the daemon going away.
func TestAgainstReference(t *testing.T) {
	testbed.RequireRoot(t)
	testbed.RequireReference(t)
	ns := testbed.NewNetns(t)
	peer := testbed.NewNetns(t)
	ns.Bus = testbed.StartBus(t, testbed.BusOptions{Policies: []string{testbed.NetworkManagerPolicy}})
	testbed.Veth(t, ns, "eth1", peer, "p1")
	daemon := testbed.StartReference(t, ns, testbed.DaemonOptions{Quiet: true})

	l := loop.New()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go l.Run(ctx)
	h := &harness{t: t, l: l}
	var err error
	h.run(func() {
		h.c, err = New(context.Background(), l, Options{Address: ns.Bus.Address})
		if err == nil {
			h.c.Subscribe(func(ev Event) { h.mu.Lock(); h.events = append(h.events, ev); h.mu.Unlock() })
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer h.run(h.c.Close)

	h.run(func() {
		if !h.c.Running() || !strings.HasPrefix(h.c.Version(), "1.42") {
			t.Errorf("running %v, version %q", h.c.Running(), h.c.Version())
		}
	})
	h.waitFor("eth1 to be managed", 30*time.Second, func() bool {
		d := h.c.DeviceByIface("eth1")
		return d != nil && d.State() >= DeviceStateDisconnected
	})
	h.run(func() {
		d := h.c.DeviceByIface("eth1")
		if d.TypeName() != "NMDeviceVeth" || d.TypeDescription() != "ethernet" || d.Type() != DeviceTypeVeth || !d.IsEthernet() {
			t.Errorf("eth1: %s %q %v", d.TypeName(), d.TypeDescription(), d.Type())
		}
	})

	// A profile added through the client shows up in its cache.
	profile := Settings{
		"connection": {"id": dbus.MakeVariant("client-test"), "uuid": dbus.MakeVariant("6a1b7c2e-0000-4000-8000-000000000001"),
			"type": dbus.MakeVariant("802-3-ethernet"), "interface-name": dbus.MakeVariant("eth1"), "autoconnect": dbus.MakeVariant(false)},
		"802-3-ethernet": {},
		"ipv4": {"method": dbus.MakeVariant("manual"), "address-data": dbus.MakeVariant([]map[string]dbus.Variant{
			{"address": dbus.MakeVariant("192.0.2.10"), "prefix": dbus.MakeVariant(uint32(24))}})},
		"ipv6": {"method": dbus.MakeVariant("ignore")},
	}
	var path dbus.ObjectPath
	h.run(func() { path, err = h.c.AddConnection(context.Background(), profile, false) })
	if err != nil {
		t.Fatalf("AddConnection: %v", err)
	}
	h.waitFor("the new profile", 10*time.Second, func() bool {
		for _, c := range h.c.Connections() {
			if c.Path() == path && c.Settings().ID() == "client-test" {
				return true
			}
		}
		return false
	})
	// Adding it again fails with the daemon's error, by name.
	h.run(func() { _, err = h.c.AddConnection(context.Background(), profile, false) })
	if !errors.Is(err, ErrSettingsUUIDExists) {
		t.Errorf("second AddConnection: %v, want %v", err, ErrSettingsUUIDExists)
	}

	// Activation: the active connection reaches "activated" and the
	// device's IPv4 configuration holds the address.
	done := make(chan error, 1)
	h.run(func() {
		var conn *Connection
		for _, c := range h.c.Connections() {
			if c.Path() == path {
				conn = c
			}
		}
		h.c.ActivateConnectionAsync(context.Background(), conn, h.c.DeviceByIface("eth1"), "", func(ac *ActiveConnection, err error) { done <- err })
	})
	if err := <-done; err != nil {
		t.Fatalf("activate: %v", err)
	}
	h.waitFor("the activation", 30*time.Second, func() bool {
		d := h.c.DeviceByIface("eth1")
		ac := d.ActiveConnection()
		return d.State() == DeviceStateActivated && ac != nil && ac.State() == ActiveStateActivated
	})
	h.waitFor("the address in IP4Config", 10*time.Second, func() bool {
		cfg := h.c.DeviceByIface("eth1").IP4Config()
		if cfg == nil {
			return false
		}
		for _, a := range cfg.Addresses() {
			if a == (IPAddress{Address: "192.0.2.10", Prefix: 24}) {
				return true
			}
		}
		return false
	})
	if !h.sawEvent(func(e Event) bool { return e.Kind == ActiveAdded }) {
		t.Error("no ActiveAdded event")
	}

	// Disconnect; a second disconnect fails with NotActive.
	h.run(func() {
		h.c.DeviceByIface("eth1").DisconnectAsync(context.Background(), func(err error) { done <- err })
	})
	if err := <-done; err != nil {
		t.Fatalf("disconnect: %v", err)
	}
	h.waitFor("the disconnection", 30*time.Second, func() bool {
		d := h.c.DeviceByIface("eth1")
		mine := slices.ContainsFunc(h.c.ActiveConnections(), func(ac *ActiveConnection) bool { return ac.ID() == "client-test" })
		return d.State() == DeviceStateDisconnected && d.ActiveConnection() == nil && !mine
	})
	h.run(func() {
		h.c.DeviceByIface("eth1").DisconnectAsync(context.Background(), func(err error) { done <- err })
	})
	if err := <-done; !errors.Is(err, ErrDeviceNotActive) {
		t.Errorf("second disconnect: %v, want %v", err, ErrDeviceNotActive)
	}

	// The daemon leaves the bus: the cache empties and says so.
	if err := daemon.Stop(); err != nil {
		t.Logf("daemon stop: %v", err)
	}
	h.waitFor("NetworkManager to leave", 30*time.Second, func() bool {
		return !h.c.Running() && len(h.c.Devices()) == 0 && len(h.c.Connections()) == 0
	})
	if !h.sawEvent(func(e Event) bool { return e.Kind == RunningChanged }) {
		t.Error("no RunningChanged event")
	}
	if !h.sawEvent(func(e Event) bool { return e.Kind == ActiveRemoved }) {
		t.Error("no ActiveRemoved event")
	}
}
