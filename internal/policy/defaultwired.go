package policy

import (
	"fmt"
	"time"

	"github.com/gonm/gonm/internal/config"
	"github.com/gonm/gonm/internal/device"
	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/setting"
	"github.com/gonm/gonm/internal/settings"
)

// The "Wired connection N" default profile: an in-memory profile
// NetworkManager makes for an Ethernet device that has none, unless
// no-auto-default says not to.

// uuidNamespace1 is NetworkManager's namespace of its older name-based
// UUIDs (nm_uuid_ns_1).
var uuidNamespace1 = setting.UUID{0xb4, 0x25, 0xe9, 0xfb, 0x75, 0x98, 0x44, 0xb4, 0x9e, 0x3b, 0x5a, 0x2e, 0x3a, 0xaa, 0x49, 0x05}

// defaultWiredUUID is the stable UUID of a device's default profile: a
// version 3 UUID over "default-wired", the machine ID, the name and the MAC
// address (or the interface name), each with its terminating NUL.
func defaultWiredUUID(machineID, name, addrOrIface string) string {
	s := "default-wired\x00" + machineID + "\x00" + name + "\x00" + addrOrIface + "\x00"
	return setting.UUIDFromString(uuidNamespace1, s, 3).String()
}

// maybeCreateDefault creates the device's default profile, once per
// device, when it is a managed Ethernet device without a profile of its
// own.
func (p *Policy) maybeCreateDefault(d *device.Device) {
	if !d.Real() || p.defaultBlocked[d] || !d.Managed() {
		return
	}
	if t := d.Type(); t != device.TypeEthernet && t != device.TypeVeth {
		return
	}
	p.defaultBlocked[d] = true
	if p.noAutoDefault(d) {
		p.log.Debug(fmt.Sprintf("auto-default: cannot create auto-default connection for device %s: disabled by \"no-auto-default\"", d.Iface()))
		return
	}
	if p.hasProfileFor(d) {
		p.log.Debug(fmt.Sprintf("auto-default: cannot create auto-default connection for device %s: already has a profile", d.Iface()))
		return
	}
	c := p.newDefaultConnection(d)
	pr, err := p.store.Add(c, true, false, keyfile.Meta{NMGenerated: true})
	if err != nil {
		if name, _ := settings.DBusError(err); name != "org.freedesktop.NetworkManager.Settings.UuidExists" {
			p.log.Warn(fmt.Sprintf("(%s) couldn't create default wired connection: %v", d.Iface(), err))
		}
		return
	}
	p.state(pr).defaultFor = d
	p.log.Info(fmt.Sprintf("policy: (%s): created default wired connection '%s'", d.Iface(), pr.ID()))
}

func (p *Policy) noAutoDefault(d *device.Device) bool {
	specs := append(append([]string(nil), p.cfg().NoAutoDefault()...), p.cfg().NoAutoDefaultState()...)
	if len(specs) == 0 {
		return false
	}
	md := config.Device{Interface: d.Iface(), Type: d.TypeDesc()}
	if a, fake := d.PermHWAddr(); !fake {
		// "mac:" specs do not match stand-in permanent addresses.
		md.HwAddr = a.String()
	}
	if l := d.Link(); l != nil {
		md.Driver = l.Driver
	}
	return config.MatchDevice(specs, md) == config.Match
}

// hasProfileFor: a persistent profile (not a default one, not volatile or
// external) could activate on the device.
func (p *Policy) hasProfileFor(d *device.Device) bool {
	for _, pr := range p.store.Profiles() {
		if s := p.states[pr.UUID()]; s != nil && s.defaultFor != nil {
			continue
		}
		if pr.Flags()&(settings.FlagVolatile|settings.FlagExternal) != 0 {
			continue
		}
		if d.Compatible(pr) == nil {
			return true
		}
	}
	return false
}

// newDefaultConnection builds the profile NetworkManager's Ethernet
// devices make (new_default_connection).
func (p *Policy) newDefaultConnection(d *device.Device) *setting.Connection {
	names := map[string]bool{}
	for _, pr := range p.store.Profiles() {
		names[pr.ID()] = true
	}
	name := ""
	for i := 1; ; i++ {
		name = fmt.Sprintf("Wired connection %d", i)
		if !names[name] {
			break
		}
	}
	key := d.Iface()
	if a, _ := d.PermHWAddr(); !a.IsZero() {
		key = a.String()
	}
	c := setting.NewConnection()
	con := c.Ensure("connection")
	con.MustSet("id", name)
	con.MustSet("type", "802-3-ethernet")
	con.MustSet("autoconnect", true)
	con.MustSet("autoconnect-priority", int32(-999))
	con.MustSet("uuid", defaultWiredUUID(p.opts.MachineID, name, key))
	con.MustSet("timestamp", uint64(time.Now().Unix()))
	con.MustSet("interface-name", d.Iface())
	c.Ensure("802-3-ethernet")
	_, _ = c.Normalize()
	return c
}
