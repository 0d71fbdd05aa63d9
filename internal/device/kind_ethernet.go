package device

import (
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/setting"
)

// ethernetKind is plain Ethernet hardware (Device.Wired).
type ethernetKind struct{}

var ethernetInfo = &kindInfo{
	name: "ethernet", linkTypes: []platform.LinkType{platform.LinkEthernet},
	devType: TypeEthernet, typeDesc: "ethernet", iface: IfaceWired,
	connType: "802-3-ethernet", caps: CapCarrierDetect, metric: 100,
}

func (ethernetKind) info() *kindInfo { return ethernetInfo }

func (ethernetKind) props(d *Device, set func(iface, prop string, v any)) {
	wiredProps(d, set)
}

func wiredProps(d *Device, set func(iface, prop string, v any)) {
	set(IfaceWired, "HwAddress", hwAddrString(d.link))
	set(IfaceWired, "PermHwAddress", d.realPermHWAddr().String())
	set(IfaceWired, "Speed", d.speed)
	set(IfaceWired, "S390Subchannels", []string{})
	set(IfaceWired, "Carrier", d.carrier)
}

func (ethernetKind) compatible(d *Device, c *setting.Connection) error {
	return wiredCompatible(d, c, c.Type() == "802-3-ethernet")
}

// wiredCompatible checks 802-3-ethernet.mac-address and its blacklist
// against the permanent address, as NetworkManager's Ethernet devices do.
func wiredCompatible(d *Device, c *setting.Connection, required bool) error {
	w := c.Setting("802-3-ethernet")
	if w == nil {
		if required {
			return errIncompatible("profile has no ethernet setting")
		}
		return nil
	}
	// Without a permanent address (veth, virtual NICs) the stand-in
	// serves, as NetworkManager's fake permanent address does.
	p, _ := d.PermHWAddr()
	perm := p.String()
	mac := w.Str("mac-address")
	if perm == "" {
		if mac != "" {
			return errIncompatible("device has no permanent MAC address to match")
		}
		return nil
	}
	if mac != "" && !strings.EqualFold(mac, perm) {
		return errIncompatible("permanent MAC address doesn't match")
	}
	for _, b := range w.Strv("mac-address-blacklist") {
		if strings.EqualFold(b, perm) {
			return errIncompatible("permanent MAC address of device blacklisted")
		}
	}
	return nil
}

func (ethernetKind) generate(d *Device, c *setting.Connection) {
	generateWired(d, c)
}

func generateWired(d *Device, c *setting.Connection) {
	w := ensureSetting(c, "802-3-ethernet")
	if d.link != nil && !d.link.PermAddr.IsZero() && d.link.PermAddr != d.link.Addr {
		_ = w.Set("cloned-mac-address", d.link.Addr.String())
	}
}

// vethKind is one end of a veth pair: an Ethernet device (Device.Wired)
// that also shows its peer (Device.Veth).
type vethKind struct{}

var vethInfo = &kindInfo{
	name: "veth", linkTypes: []platform.LinkType{platform.LinkVeth},
	devType: TypeVeth, typeDesc: "ethernet", iface: IfaceWired, extra: []string{IfaceVeth},
	connType: "802-3-ethernet", alsoType: "veth", caps: CapCarrierDetect, metric: 100,
}

func (vethKind) info() *kindInfo { return vethInfo }

func (vethKind) props(d *Device, set func(iface, prop string, v any)) {
	wiredProps(d, set)
	peer := dbus.ObjectPath("/")
	if d.link != nil && d.link.Parent > 0 && d.link.LinkNetNSID < 0 {
		if p := d.reg.byIndex[d.link.Parent]; p != nil && p.info.devType == TypeVeth {
			peer = p.Path()
		}
	}
	set(IfaceVeth, "Peer", peer)
}

func (vethKind) compatible(d *Device, c *setting.Connection) error {
	if c.Type() == "veth" {
		if v := c.Setting("veth"); v != nil && d.link != nil {
			if peer, ok := d.reg.plat.Link(d.link.Parent); ok && d.link.LinkNetNSID < 0 && peer.Name != v.Str("peer") {
				return errIncompatible("veth peer mismatch")
			}
		}
		return wiredCompatible(d, c, false)
	}
	return wiredCompatible(d, c, true)
}

func (vethKind) generate(d *Device, c *setting.Connection) { generateWired(d, c) }

func (vethKind) spec(d *Device, c *setting.Connection, _ *Device) (*platform.LinkSpec, error) {
	v := c.Setting("veth")
	if v == nil || v.Str("peer") == "" {
		return nil, errIncompatible("Profile %s (%s) is not a suitable veth profile", c.ID(), c.UUID())
	}
	return &platform.LinkSpec{Name: d.iface, Data: &platform.VethData{Peer: v.Str("peer")}}, nil
}

func (vethKind) parentOf(*setting.Connection) string { return "" }
