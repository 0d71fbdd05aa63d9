package main

import (
	"log/slog"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/introspect"
	"github.com/godbus/dbus/v5/prop"

	"github.com/gonm/gonm/internal/logging"
	"github.com/gonm/gonm/internal/version"
)

// rootObject is the first, minimal form of /org/freedesktop/NetworkManager:
// Version, VersionInfo and State, enough to show the daemon is alive. The
// D-Bus exporter (internal/bus) replaces it with the full interface.
type rootObject struct {
	conn *dbus.Conn
	log  *slog.Logger
}

const (
	rootPath  = dbus.ObjectPath("/org/freedesktop/NetworkManager")
	rootIface = "org.freedesktop.NetworkManager"
	// nmStateDisconnected is NMState DISCONNECTED: no device is managed yet.
	nmStateDisconnected = uint32(20)
)

func newRootObject(conn *dbus.Conn, logs *logging.Logging) *rootObject {
	return &rootObject{conn: conn, log: logs.For(logging.Core, "manager")}
}

func (r *rootObject) export() error {
	props, err := prop.Export(r.conn, rootPath, prop.Map{
		rootIface: {
			"Version":     {Value: version.NetworkManager, Emit: prop.EmitTrue},
			"VersionInfo": {Value: version.Info(), Emit: prop.EmitTrue},
			"State":       {Value: nmStateDisconnected, Emit: prop.EmitTrue},
		},
	})
	if err != nil {
		return err
	}
	node := &introspect.Node{
		Name: string(rootPath),
		Interfaces: []introspect.Interface{
			introspect.IntrospectData,
			prop.IntrospectData,
			{Name: rootIface, Properties: props.Introspection(rootIface),
				Methods: []introspect.Method{{Name: "state", Args: []introspect.Arg{{Name: "state", Type: "u", Direction: "out"}}}}},
		},
	}
	if err := r.conn.ExportWithMap(r, map[string]string{"State": "state"}, rootPath, rootIface); err != nil {
		return err
	}
	return r.conn.Export(introspect.NewIntrospectable(node), rootPath, "org.freedesktop.DBus.Introspectable")
}

// State is the root object's state() method.
func (r *rootObject) State() (uint32, *dbus.Error) { return nmStateDisconnected, nil }
