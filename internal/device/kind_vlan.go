package device

import (
	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/setting"
)

// vlanKind is an 802.1Q VLAN on a parent link (Device.Vlan).
type vlanKind struct{}

var vlanInfo = &kindInfo{
	name: "vlan", linkTypes: []platform.LinkType{platform.LinkVLAN},
	devType: TypeVLAN, typeDesc: "vlan", iface: IfaceVlan,
	connType: "vlan", caps: CapCarrierDetect, metric: 400, externalDownRule: true,
}

func (vlanKind) info() *kindInfo { return vlanInfo }

func (vlanKind) props(d *Device, set func(iface, prop string, v any)) {
	set(IfaceVlan, "HwAddress", hwAddrString(d.link))
	set(IfaceVlan, "Carrier", d.carrier)
	set(IfaceVlan, "Parent", parentPath(d))
	var id uint32
	if d.link != nil {
		if vd, ok := d.link.Data.(*platform.VlanData); ok {
			id = uint32(vd.ID)
		}
	}
	set(IfaceVlan, "VlanId", id)
}

func (vlanKind) compatible(d *Device, c *setting.Connection) error {
	v := c.Setting("vlan")
	if v == nil {
		return errIncompatible("profile is not a vlan profile")
	}
	if d.link != nil {
		if vd, ok := d.link.Data.(*platform.VlanData); ok && uint32(vd.ID) != v.Uint32("id") {
			return errIncompatible("vlan id setting mismatches")
		}
		if err := d.reg.parentMatches(d, v.Str("parent")); err != nil {
			return err
		}
	}
	return nil
}

func (vlanKind) generate(d *Device, c *setting.Connection) {
	v := ensureSetting(c, "vlan")
	if d.link == nil {
		return
	}
	if vd, ok := d.link.Data.(*platform.VlanData); ok {
		_ = v.Set("id", uint32(vd.ID))
		_ = v.Set("flags", vd.Flags&0xf)
	}
	if p, ok := d.reg.plat.Link(d.link.Parent); ok && d.link.LinkNetNSID < 0 {
		_ = v.Set("parent", p.Name)
	}
}

func (vlanKind) spec(d *Device, c *setting.Connection, parent *Device) (*platform.LinkSpec, error) {
	v := c.Setting("vlan")
	if parent == nil || parent.ifindex <= 0 {
		return nil, errIncompatible("vlan %s has no parent device", d.iface)
	}
	return &platform.LinkSpec{Name: d.iface, Parent: parent.ifindex,
		Data: &platform.VlanData{ID: uint16(v.Uint32("id")), Flags: v.Uint32("flags")}}, nil
}

func (vlanKind) parentOf(c *setting.Connection) string {
	if v := c.Setting("vlan"); v != nil {
		return v.Str("parent")
	}
	return ""
}
