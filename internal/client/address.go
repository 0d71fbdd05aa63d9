package client

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/godbus/dbus/v5"
)

// AddressError is a malformed or unusable bus address, worded as GLib's
// D-Bus address parser words it (libnm, and so nmcli, print these).
type AddressError struct{ Message string }

func (e *AddressError) Error() string { return e.Message }

// defaultSystemBus is the system bus socket when DBUS_SYSTEM_BUS_ADDRESS
// is not set.
const defaultSystemBus = "unix:path=/var/run/dbus/system_bus_socket"

// systemBusAddress is GLib's choice of the system bus: the environment
// variable when it is set, even to "", else the well-known socket.
func systemBusAddress() string {
	if a, ok := os.LookupEnv("DBUS_SYSTEM_BUS_ADDRESS"); ok {
		return a
	}
	return defaultSystemBus
}

// addressEntry is one element of a bus address: "transport:key=value,…".
type addressEntry struct {
	text      string
	transport string
	keys      map[string]string
}

// parseAddressEntry splits and unescapes one address element.
func parseAddressEntry(text string) (*addressEntry, error) {
	transport, rest, ok := strings.Cut(text, ":")
	if !ok {
		return nil, &AddressError{fmt.Sprintf("Address element \u201c%s\u201d does not contain a colon (:)", text)}
	}
	if transport == "" {
		return nil, &AddressError{fmt.Sprintf("Transport name in address element \u201c%s\u201d must not be empty", text)}
	}
	e := &addressEntry{text: text, transport: transport, keys: map[string]string{}}
	if rest == "" {
		return e, nil
	}
	for i, pair := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, &AddressError{fmt.Sprintf("Key/Value pair %d, \u201c%s\u201d, in address element \u201c%s\u201d does not contain an equal sign", i, pair, text)}
		}
		if k == "" {
			return nil, &AddressError{fmt.Sprintf("Key/Value pair %d, \u201c%s\u201d, in address element \u201c%s\u201d must not have an empty key", i, pair, text)}
		}
		uk, okK := unescapeAddress(k)
		uv, okV := unescapeAddress(v)
		if !okK || !okV {
			return nil, &AddressError{fmt.Sprintf("Error unescaping key or value in Key/Value pair %d, \u201c%s\u201d, in address element \u201c%s\u201d", i, pair, text)}
		}
		e.keys[uk] = uv
	}
	return e, nil
}

// unescapeAddress undoes %XX escapes; a lone '%' or a NUL fails.
func unescapeAddress(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) || digitHex(s[i+1]) < 0 || digitHex(s[i+2]) < 0 {
			return "", false
		}
		c := byte(digitHex(s[i+1])<<4 | digitHex(s[i+2]))
		if c == 0 {
			return "", false
		}
		b.WriteByte(c)
		i += 2
	}
	return b.String(), true
}

func digitHex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// check reports what GLib finds wrong with an entry before connecting.
func (e *addressEntry) check() error {
	switch e.transport {
	case "unix":
		_, path := e.keys["path"]
		_, abstract := e.keys["abstract"]
		if path == abstract {
			return &AddressError{fmt.Sprintf("Error in address \u201c%s\u201d \u2014 the unix transport requires exactly one of the keys \u201cpath\u201d or \u201cabstract\u201d to be set", e.text)}
		}
	case "tcp", "nonce-tcp":
		if e.keys["host"] == "" {
			return &AddressError{fmt.Sprintf("Error in address \u201c%s\u201d \u2014 the host attribute is missing or malformed", e.text)}
		}
		if e.transport == "nonce-tcp" && e.keys["noncefile"] == "" {
			return &AddressError{fmt.Sprintf("Error in address \u201c%s\u201d \u2014 the noncefile attribute is missing or malformed", e.text)}
		}
	case "autolaunch":
		if os.Getenv("DISPLAY") == "" {
			return &AddressError{"Error auto-launching: Cannot autolaunch D-Bus without X11 $DISPLAY"}
		}
	default:
		return &AddressError{fmt.Sprintf("Unknown or unsupported transport \u201c%s\u201d for address \u201c%s\u201d", e.transport, e.text)}
	}
	return nil
}

// Dial connects to the bus at addr, or to the system bus when addr is
// "", trying each element of the address as GLib does. Errors are an
// *AddressError for a malformed address, else start "Could not connect: ".
func Dial(addr string, opts ...dbus.ConnOption) (*dbus.Conn, error) {
	if addr == "" {
		addr = systemBusAddress()
	}
	return dialAddress(addr, opts...)
}

// dialAddress connects to the first usable element of a bus address, as
// GLib does, and otherwise fails with the last element's error.
func dialAddress(addr string, opts ...dbus.ConnOption) (*dbus.Conn, error) {
	if addr == "" {
		return nil, &AddressError{"The given address is empty"}
	}
	var last error
	for _, text := range strings.Split(addr, ";") {
		e, err := parseAddressEntry(text)
		if err == nil {
			err = e.check()
		}
		if err == nil {
			err = e.connectError()
		}
		if err == nil {
			var conn *dbus.Conn
			conn, err = dbus.Connect(text, opts...)
			if err == nil {
				return conn, nil
			}
			err = fmt.Errorf("Could not connect: %w", unwrapConnectError(err))
		}
		last = err
	}
	return nil, last
}

// connectError is the kernel's answer to an empty socket name, which GLib
// passes on (a zero-length address is refused).
func (e *addressEntry) connectError() error {
	if e.transport == "unix" && e.keys["path"] == "" && e.keys["abstract"] == "" {
		return fmt.Errorf("Could not connect: %w", syscall.ECONNREFUSED)
	}
	return nil
}

// isAddressError reports whether err came from the address itself rather
// than from connecting.
func isAddressError(err error) bool {
	var ae *AddressError
	return errors.As(err, &ae)
}
