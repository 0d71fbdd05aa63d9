package client

import (
	"context"

	"github.com/godbus/dbus/v5"
)

// Settings is a profile as NetworkManager sends it (a{sa{sv}}): setting
// name, property name, value. This package reads only the few properties
// clients need to list and find profiles; the settings schema interprets
// the rest.
type Settings map[string]map[string]dbus.Variant

// Get returns one property.
func (s Settings) Get(setting, prop string) (dbus.Variant, bool) {
	m, ok := s[setting]
	if !ok {
		return dbus.Variant{}, false
	}
	v, ok := m[prop]
	return v, ok
}

// Has reports whether the profile has the setting.
func (s Settings) Has(setting string) bool {
	_, ok := s[setting]
	return ok
}

// Str returns a string property ("" when absent).
func (s Settings) Str(setting, prop string) string {
	v, _ := s.Get(setting, prop)
	str, _ := v.Value().(string)
	return str
}

// Bool returns a boolean property, or def when absent.
func (s Settings) Bool(setting, prop string, def bool) bool {
	v, ok := s.Get(setting, prop)
	if !ok {
		return def
	}
	b, ok := v.Value().(bool)
	if !ok {
		return def
	}
	return b
}

// Int returns an integer property of any D-Bus integer type, or def.
func (s Settings) Int(setting, prop string, def int64) int64 {
	v, ok := s.Get(setting, prop)
	if !ok {
		return def
	}
	switch x := v.Value().(type) {
	case int32:
		return int64(x)
	case uint32:
		return int64(x)
	case int64:
		return x
	case uint64:
		return int64(x)
	case byte:
		return int64(x)
	case int16:
		return int64(x)
	case uint16:
		return int64(x)
	}
	return def
}

// StrMap returns an a{ss} property (vpn.data).
func (s Settings) StrMap(setting, prop string) map[string]string {
	v, _ := s.Get(setting, prop)
	m, _ := v.Value().(map[string]string)
	return m
}

// Bytes returns an ay property (802-11-wireless.ssid).
func (s Settings) Bytes(setting, prop string) []byte {
	v, _ := s.Get(setting, prop)
	b, _ := v.Value().([]byte)
	return b
}

// The connection setting's common properties.

func (s Settings) ID() string            { return s.Str("connection", "id") }
func (s Settings) UUID() string          { return s.Str("connection", "uuid") }
func (s Settings) Type() string          { return s.Str("connection", "type") }
func (s Settings) InterfaceName() string { return s.Str("connection", "interface-name") }
func (s Settings) Master() string        { return s.Str("connection", "master") }
func (s Settings) SlaveType() string     { return s.Str("connection", "slave-type") }
func (s Settings) Zone() string          { return s.Str("connection", "zone") }

// Timestamp is connection.timestamp (0 when never activated).
func (s Settings) Timestamp() uint64 { return uint64(s.Int("connection", "timestamp", 0)) }

// Autoconnect is connection.autoconnect (default yes).
func (s Settings) Autoconnect() bool { return s.Bool("connection", "autoconnect", true) }

// AutoconnectPriority is connection.autoconnect-priority.
func (s Settings) AutoconnectPriority() int64 {
	return s.Int("connection", "autoconnect-priority", 0)
}

// ReadOnly is connection.read-only.
func (s Settings) ReadOnly() bool { return s.Bool("connection", "read-only", false) }

// Connection is a profile (org.freedesktop.NetworkManager.Settings.Connection).
type Connection struct{ *Object }

func (o *Object) connection() *Connection { return viewOf[Connection](o, kindConnection) }

// AsConnection returns the object's profile view, or nil.
func (o *Object) AsConnection() *Connection { return o.connection() }

// Connections lists the profiles, in NetworkManager's order. Profiles
// whose settings have not been loaded yet are left out, as libnm does.
func (c *Client) Connections() []*Connection {
	return views(c, c.connections, (*Object).connection)
}

// ConnectionByPath returns the profile at path, or nil.
func (c *Client) ConnectionByPath(path dbus.ObjectPath) *Connection {
	return c.Object(path).connection()
}

// Settings returns the profile's settings (without secrets).
func (cn *Connection) Settings() Settings {
	if cn == nil {
		return nil
	}
	return cn.Object.settings
}

// ID is the profile's name.
func (cn *Connection) ID() string { return cn.Settings().ID() }

// UUID is the profile's UUID.
func (cn *Connection) UUID() string { return cn.Settings().UUID() }

// Type is the profile's connection.type.
func (cn *Connection) Type() string { return cn.Settings().Type() }

// Filename is the file the profile is stored in ("" for in-memory ones).
func (cn *Connection) Filename() string { return cn.str(ifaceConnection, "Filename") }

// Unsaved reports whether the profile has changes not written to disk.
func (cn *Connection) Unsaved() bool { return cn.boolean(ifaceConnection, "Unsaved") }

// Flags are the profile's NMSettingsConnectionFlags.
func (cn *Connection) Flags() ConnectionFlags {
	return ConnectionFlags(cn.u32(ifaceConnection, "Flags"))
}

// Visible reports whether the caller may see the profile's settings.
func (cn *Connection) Visible() bool {
	return cn.Settings().Has("connection") && cn.UUID() != ""
}

// Delete removes the profile.
func (cn *Connection) Delete(ctx context.Context) error {
	return cn.c.callVoid(ctx, cn.path, ifaceConnection+".Delete")
}

// DeleteAsync removes the profile and calls done on the loop.
func (cn *Connection) DeleteAsync(ctx context.Context, done func(error)) {
	cn.c.goCall(ctx, cn.path, ifaceConnection+".Delete", nil, func(call *dbus.Call) {
		done(wrapCallError(call.Err))
	})
}

// GetSecrets returns the secrets of one setting.
func (cn *Connection) GetSecrets(ctx context.Context, setting string) (Settings, error) {
	var s map[string]map[string]dbus.Variant
	if err := cn.c.callStore(ctx, cn.path, ifaceConnection+".GetSecrets", []any{setting}, &s); err != nil {
		return nil, err
	}
	return Settings(s), nil
}

// Update2 replaces the profile's settings (nil settings keep them).
func (cn *Connection) Update2(ctx context.Context, settings Settings, flags SettingsUpdate2Flags, args map[string]dbus.Variant) (map[string]dbus.Variant, error) {
	if settings == nil {
		settings = Settings{}
	}
	if args == nil {
		args = map[string]dbus.Variant{}
	}
	var result map[string]dbus.Variant
	err := cn.c.callStore(ctx, cn.path, ifaceConnection+".Update2",
		[]any{map[string]map[string]dbus.Variant(settings), uint32(flags), args}, &result)
	return result, err
}

// Hostname is the persistent hostname NetworkManager knows.
func (c *Client) Hostname() string {
	return c.Object(pathSettings).str(ifaceSettings, "Hostname")
}

// SaveHostname sets the persistent hostname.
func (c *Client) SaveHostname(ctx context.Context, name string) error {
	return c.callVoid(ctx, pathSettings, ifaceSettings+".SaveHostname", name)
}

// AddConnection adds a profile (to disk, or only in memory).
func (c *Client) AddConnection(ctx context.Context, s Settings, persist bool) (dbus.ObjectPath, error) {
	method := ".AddConnection"
	if !persist {
		method = ".AddConnectionUnsaved"
	}
	var path dbus.ObjectPath
	err := c.callStore(ctx, pathSettings, ifaceSettings+method,
		[]any{map[string]map[string]dbus.Variant(s)}, &path)
	return path, err
}

// ReloadConnections re-reads every profile from disk.
func (c *Client) ReloadConnections(ctx context.Context) (bool, error) {
	var ok bool
	err := c.callStore(ctx, pathSettings, ifaceSettings+".ReloadConnections", nil, &ok)
	return ok, err
}

// LoadConnections (re)loads the given profile files; it returns the files
// that failed.
func (c *Client) LoadConnections(ctx context.Context, files []string) (failures []string, err error) {
	var ok bool
	call := c.call(ctx, pathSettings, ifaceSettings+".LoadConnections", files)
	if call.Err != nil {
		return nil, wrapCallError(call.Err)
	}
	if err := call.Store(&ok, &failures); err != nil {
		return nil, wrapCallError(err)
	}
	return failures, nil
}

// SaveHostnameAsync is SaveHostname with the result delivered on the loop.
func (c *Client) SaveHostnameAsync(ctx context.Context, name string, done func(error)) {
	c.goCall(ctx, pathSettings, ifaceSettings+".SaveHostname", []any{name}, func(call *dbus.Call) {
		done(wrapCallError(call.Err))
	})
}

// AddConnectionAsync adds a profile (to disk, or only in memory) and
// calls done on the loop with its path.
func (c *Client) AddConnectionAsync(ctx context.Context, s Settings, persist bool, done func(dbus.ObjectPath, error)) {
	method := ".AddConnection"
	if !persist {
		method = ".AddConnectionUnsaved"
	}
	c.goCall(ctx, pathSettings, ifaceSettings+method, []any{map[string]map[string]dbus.Variant(s)}, func(call *dbus.Call) {
		var path dbus.ObjectPath
		err := call.Err
		if err == nil {
			err = call.Store(&path)
		}
		done(path, wrapCallError(err))
	})
}

// Update2Async replaces the profile's settings and calls done on the
// loop.
func (cn *Connection) Update2Async(ctx context.Context, settings Settings, flags SettingsUpdate2Flags, done func(error)) {
	cn.c.goCall(ctx, cn.path, ifaceConnection+".Update2",
		[]any{map[string]map[string]dbus.Variant(settings), uint32(flags), map[string]dbus.Variant{}}, func(call *dbus.Call) {
			done(wrapCallError(call.Err))
		})
}

// Update2ArgsAsync calls Update2 without settings (they stay) and with
// args only ({"plugin": ...} migrates the profile), calling done on the
// loop.
func (cn *Connection) Update2ArgsAsync(ctx context.Context, args map[string]dbus.Variant, done func(error)) {
	cn.c.goCall(ctx, cn.path, ifaceConnection+".Update2",
		[]any{map[string]map[string]dbus.Variant{}, uint32(0), args}, func(call *dbus.Call) {
			done(wrapCallError(call.Err))
		})
}
