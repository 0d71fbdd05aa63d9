package client

import (
	"context"

	"github.com/godbus/dbus/v5"
)

func (c *Client) mgr() *Object { return c.objects[pathManager] }

// Version is the daemon's version ("1.42.4"), "" when unknown.
func (c *Client) Version() string { return c.mgr().str(ifaceManager, "Version") }

// State is the overall networking state.
func (c *Client) State() State { return State(c.mgr().u32(ifaceManager, "State")) }

// Startup reports whether the daemon is still starting up.
func (c *Client) Startup() bool { return c.mgr().boolean(ifaceManager, "Startup") }

// Connectivity is the last known connectivity state.
func (c *Client) Connectivity() Connectivity {
	return Connectivity(c.mgr().u32(ifaceManager, "Connectivity"))
}

// NetworkingEnabled reports whether networking is on.
func (c *Client) NetworkingEnabled() bool { return c.mgr().boolean(ifaceManager, "NetworkingEnabled") }

// WirelessEnabled reports the Wi-Fi software switch.
func (c *Client) WirelessEnabled() bool { return c.mgr().boolean(ifaceManager, "WirelessEnabled") }

// WirelessHardwareEnabled reports the Wi-Fi hardware switch.
func (c *Client) WirelessHardwareEnabled() bool {
	return c.mgr().boolean(ifaceManager, "WirelessHardwareEnabled")
}

// WwanEnabled reports the mobile broadband software switch.
func (c *Client) WwanEnabled() bool { return c.mgr().boolean(ifaceManager, "WwanEnabled") }

// WwanHardwareEnabled reports the mobile broadband hardware switch.
func (c *Client) WwanHardwareEnabled() bool {
	return c.mgr().boolean(ifaceManager, "WwanHardwareEnabled")
}

// RadioFlags says which radio kinds exist.
func (c *Client) RadioFlags() RadioFlags { return RadioFlags(c.mgr().u32(ifaceManager, "RadioFlags")) }

// PrimaryConnection is the active connection with the default route.
func (c *Client) PrimaryConnection() *ActiveConnection {
	return c.Object(c.mgr().objPath(ifaceManager, "PrimaryConnection")).active()
}

// ActivatingConnection is the connection about to become primary.
func (c *Client) ActivatingConnection() *ActiveConnection {
	return c.Object(c.mgr().objPath(ifaceManager, "ActivatingConnection")).active()
}

// Devices lists the realized devices, in the daemon's order.
func (c *Client) Devices() []*Device {
	return views(c, c.devices, (*Object).device)
}

// AllDevices lists devices including the ones not realized yet.
func (c *Client) AllDevices() []*Device {
	return views(c, c.mgr().objPaths(ifaceManager, "AllDevices"), (*Object).device)
}

// DeviceByIface finds a realized device by interface name.
func (c *Client) DeviceByIface(iface string) *Device {
	for _, d := range c.Devices() {
		if d.Interface() == iface {
			return d
		}
	}
	return nil
}

// ActiveConnections lists the active connections, in the daemon's order.
func (c *Client) ActiveConnections() []*ActiveConnection {
	return views(c, c.activeConns, (*Object).active)
}

// Checkpoints lists the checkpoints.
func (c *Client) Checkpoints() []*Checkpoint {
	return views(c, c.mgr().objPaths(ifaceManager, "Checkpoints"), (*Object).checkpoint)
}

// Enable turns networking on or off.
func (c *Client) Enable(ctx context.Context, on bool) error {
	return c.callVoid(ctx, pathManager, ifaceManager+".Enable", on)
}

// EnableAsync is Enable with the result delivered on the loop.
func (c *Client) EnableAsync(ctx context.Context, on bool, done func(error)) {
	c.goCall(ctx, pathManager, ifaceManager+".Enable", []any{on}, func(call *dbus.Call) {
		done(wrapCallError(call.Err))
	})
}

// CheckConnectivity asks the daemon to re-check connectivity now.
func (c *Client) CheckConnectivity(ctx context.Context) (Connectivity, error) {
	var u uint32
	err := c.callStore(ctx, pathManager, ifaceManager+".CheckConnectivity", nil, &u)
	return Connectivity(u), err
}

// GetLogging returns the logging level and domains.
func (c *Client) GetLogging(ctx context.Context) (level, domains string, err error) {
	err = c.callStore(ctx, pathManager, ifaceManager+".GetLogging", nil, &level, &domains)
	return level, domains, err
}

// SetLoggingAsync changes the logging level and domains.
func (c *Client) SetLoggingAsync(ctx context.Context, level, domains string, done func(error)) {
	c.goCall(ctx, pathManager, ifaceManager+".SetLogging", []any{level, domains}, func(call *dbus.Call) {
		done(wrapCallError(call.Err))
	})
}

// Reload reloads configuration parts selected by flags (0 = everything).
func (c *Client) ReloadAsync(ctx context.Context, flags ReloadFlags, done func(error)) {
	c.goCall(ctx, pathManager, ifaceManager+".Reload", []any{uint32(flags)}, func(call *dbus.Call) {
		done(wrapCallError(call.Err))
	})
}

// Sleep puts networking to sleep or wakes it.
func (c *Client) Sleep(ctx context.Context, sleep bool) error {
	return c.callVoid(ctx, pathManager, ifaceManager+".Sleep", sleep)
}

// objPathOrRoot is the "no object" encoding D-Bus methods expect.
func objPathOrRoot(o interface{ Path() dbus.ObjectPath }) dbus.ObjectPath {
	if o == nil {
		return "/"
	}
	p := o.Path()
	if p == "" {
		return "/"
	}
	return p
}

// ActivateConnectionAsync activates a profile (nil: let the daemon pick
// one for the device) on a device (nil: the daemon picks one), and
// delivers the new active connection once the cache has it.
func (c *Client) ActivateConnectionAsync(ctx context.Context, conn *Connection, dev *Device, specific dbus.ObjectPath, done func(*ActiveConnection, error)) {
	if specific == "" {
		specific = "/"
	}
	var cp, dp dbus.ObjectPath = "/", "/"
	if conn != nil {
		cp = conn.path
	}
	if dev != nil {
		dp = dev.path
	}
	c.goCall(ctx, pathManager, ifaceManager+".ActivateConnection", []any{cp, dp, specific}, func(call *dbus.Call) {
		if call.Err != nil {
			done(nil, wrapCallError(call.Err))
			return
		}
		var ac dbus.ObjectPath
		if err := call.Store(&ac); err != nil {
			done(nil, wrapCallError(err))
			return
		}
		c.waitActive(ac, done)
	})
}

// AddAndActivateConnectionAsync adds a (partial) profile, completed by the
// daemon, and activates it.
func (c *Client) AddAndActivateConnectionAsync(ctx context.Context, s Settings, dev *Device, specific dbus.ObjectPath, done func(*ActiveConnection, error)) {
	if specific == "" {
		specific = "/"
	}
	if s == nil {
		s = Settings{}
	}
	var dp dbus.ObjectPath = "/"
	if dev != nil {
		dp = dev.path
	}
	c.goCall(ctx, pathManager, ifaceManager+".AddAndActivateConnection",
		[]any{map[string]map[string]dbus.Variant(s), dp, specific}, func(call *dbus.Call) {
			if call.Err != nil {
				done(nil, wrapCallError(call.Err))
				return
			}
			var path, ac dbus.ObjectPath
			if err := call.Store(&path, &ac); err != nil {
				done(nil, wrapCallError(err))
				return
			}
			c.waitActive(ac, done)
		})
}

// waitActive delivers the active connection at path.
func (c *Client) waitActive(path dbus.ObjectPath, done func(*ActiveConnection, error)) {
	whenCached(c, path, (*Object).active, done)
}

// whenCached delivers the view of the object at path a call has just
// created. The daemon exports an object before replying, so it is
// normally cached already; if its signals are still in flight, it waits
// for the object to appear.
func whenCached[T any](c *Client, path dbus.ObjectPath, view func(*Object) *T, done func(*T, error)) {
	if v := view(c.Object(path)); v != nil {
		done(v, nil)
		return
	}
	var unsub func()
	unsub = c.Subscribe(func(ev Event) {
		if ev.Kind == ObjectAdded && ev.Object.path == path {
			unsub()
			done(view(ev.Object), nil)
		}
	})
}

// DeactivateConnection deactivates an active connection.
func (c *Client) DeactivateConnection(ctx context.Context, ac *ActiveConnection) error {
	return c.callVoid(ctx, pathManager, ifaceManager+".DeactivateConnection", ac.path)
}

// GetPermissions asks which privileged operations the caller may do.
func (c *Client) GetPermissions(ctx context.Context) (map[string]string, error) {
	var m map[string]string
	err := c.callStore(ctx, pathManager, ifaceManager+".GetPermissions", nil, &m)
	return m, err
}

func (c *Client) fetchPermissionsSync(ctx context.Context) {
	m, err := c.GetPermissions(ctx)
	if err != nil {
		m = nil
	}
	c.perms, c.permsReady = m, true
}

func (c *Client) fetchPermissions() {
	gen := c.gen
	c.goCall(context.Background(), pathManager, ifaceManager+".GetPermissions", nil, func(call *dbus.Call) {
		if c.gen != gen {
			return
		}
		var m map[string]string
		if call.Err == nil {
			_ = call.Store(&m)
		}
		c.perms, c.permsReady = m, true
		c.emit(Event{Kind: PermissionsChanged})
	})
}

// Permission returns the caller's result for a permission ("yes", "no",
// "auth"), or "" when unknown.
func (c *Client) Permission(name string) string { return c.perms[name] }

// PermissionsReady reports whether permissions were fetched.
func (c *Client) PermissionsReady() bool { return c.permsReady }

// LoadPermissions fetches the permissions now and keeps them current.
func (c *Client) LoadPermissions(ctx context.Context) {
	c.opts.FetchPermissions = true
	if c.owner != "" {
		c.fetchPermissionsSync(ctx)
	}
}

// CheckpointCreateAsync takes a checkpoint of the devices (all when
// empty), rolled back after timeout seconds unless destroyed.
func (c *Client) CheckpointCreateAsync(ctx context.Context, devs []*Device, timeout uint32, flags CheckpointCreateFlags, done func(*Checkpoint, error)) {
	paths := make([]dbus.ObjectPath, 0, len(devs))
	for _, d := range devs {
		paths = append(paths, d.path)
	}
	c.goCall(ctx, pathManager, ifaceManager+".CheckpointCreate", []any{paths, timeout, uint32(flags)}, func(call *dbus.Call) {
		if call.Err != nil {
			done(nil, wrapCallError(call.Err))
			return
		}
		var p dbus.ObjectPath
		if err := call.Store(&p); err != nil {
			done(nil, wrapCallError(err))
			return
		}
		whenCached(c, p, (*Object).checkpoint, done)
	})
}

// CheckpointDestroyAsync destroys a checkpoint (commits the changes).
func (c *Client) CheckpointDestroyAsync(ctx context.Context, path dbus.ObjectPath, done func(error)) {
	c.goCall(ctx, pathManager, ifaceManager+".CheckpointDestroy", []any{path}, func(call *dbus.Call) {
		done(wrapCallError(call.Err))
	})
}

// DNSEntry is one element of the DNS manager's Configuration.
type DNSEntry struct {
	Nameservers []string
	Domains     []string
	Interface   string
	VPN         bool
	Priority    int32
}

// DNSConfiguration is the DNS configuration NetworkManager applies.
func (c *Client) DNSConfiguration() []DNSEntry {
	o := c.objects[pathDNSManager]
	var out []DNSEntry
	for _, m := range o.dicts(ifaceDNSManager, "Configuration") {
		var e DNSEntry
		if v, ok := m["nameservers"]; ok {
			e.Nameservers, _ = v.Value().([]string)
		}
		if v, ok := m["domains"]; ok {
			e.Domains, _ = v.Value().([]string)
		}
		if v, ok := m["interface"]; ok {
			e.Interface, _ = v.Value().(string)
		}
		if v, ok := m["vpn"]; ok {
			e.VPN, _ = v.Value().(bool)
		}
		if v, ok := m["priority"]; ok {
			e.Priority, _ = v.Value().(int32)
		}
		out = append(out, e)
	}
	return out
}
