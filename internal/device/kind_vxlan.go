package device

import (
	"net/netip"

	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/setting"
)

// vxlanKind is a VXLAN tunnel endpoint (Device.Vxlan).
type vxlanKind struct{}

var vxlanInfo = &kindInfo{
	name: "vxlan", linkTypes: []platform.LinkType{platform.LinkVXLAN},
	devType: TypeVxlan, typeDesc: "vxlan", iface: IfaceVxlan,
	connType: "vxlan", metric: 500, externalDownRule: true,
}

func (vxlanKind) info() *kindInfo { return vxlanInfo }

func addrText(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

func (vxlanKind) props(d *Device, set func(iface, prop string, v any)) {
	vd, _ := linkData[*platform.VxlanData](d)
	if vd == nil {
		vd = &platform.VxlanData{}
	}
	parent := dbusRoot
	if vd.ParentLink > 0 {
		if p := d.reg.byIndex[int32(vd.ParentLink)]; p != nil {
			parent = p.Path()
		}
	}
	set(IfaceVxlan, "Parent", parent)
	set(IfaceVxlan, "HwAddress", hwAddrString(d.link))
	set(IfaceVxlan, "Id", vd.ID)
	set(IfaceVxlan, "Group", addrText(vd.Group))
	set(IfaceVxlan, "Local", addrText(vd.Local))
	set(IfaceVxlan, "Tos", vd.TOS)
	set(IfaceVxlan, "Ttl", vd.TTL)
	set(IfaceVxlan, "Learning", vd.Learning)
	set(IfaceVxlan, "Ageing", vd.Ageing)
	set(IfaceVxlan, "Limit", vd.Limit)
	set(IfaceVxlan, "DstPort", vd.DstPort)
	set(IfaceVxlan, "SrcPortMin", vd.SrcPortMin)
	set(IfaceVxlan, "SrcPortMax", vd.SrcPortMax)
	set(IfaceVxlan, "Proxy", vd.Proxy)
	set(IfaceVxlan, "Rsc", vd.RSC)
	set(IfaceVxlan, "L2miss", vd.L2Miss)
	set(IfaceVxlan, "L3miss", vd.L3Miss)
}

func (vxlanKind) compatible(d *Device, c *setting.Connection) error {
	v := c.Setting("vxlan")
	if v == nil {
		return errIncompatible("profile is not a vxlan profile")
	}
	if vd, _ := linkData[*platform.VxlanData](d); vd != nil {
		if vd.ID != v.Uint32("id") {
			return errIncompatible("vxlan id mismatches")
		}
		if uint32(vd.DstPort) != v.Uint32("destination-port") {
			return errIncompatible("vxlan destination port mismatches")
		}
	}
	return nil
}

func (vxlanKind) generate(d *Device, c *setting.Connection) {
	v := ensureSetting(c, "vxlan")
	vd, _ := linkData[*platform.VxlanData](d)
	if vd == nil {
		return
	}
	_ = v.Set("id", vd.ID)
	_ = v.Set("remote", addrText(vd.Group))
	_ = v.Set("local", addrText(vd.Local))
	_ = v.Set("destination-port", uint32(vd.DstPort))
	_ = v.Set("source-port-min", uint32(vd.SrcPortMin))
	_ = v.Set("source-port-max", uint32(vd.SrcPortMax))
	_ = v.Set("tos", uint32(vd.TOS))
	_ = v.Set("ttl", uint32(vd.TTL))
	_ = v.Set("learning", vd.Learning)
	_ = v.Set("ageing", vd.Ageing)
	_ = v.Set("limit", vd.Limit)
	_ = v.Set("proxy", vd.Proxy)
	_ = v.Set("rsc", vd.RSC)
	_ = v.Set("l2-miss", vd.L2Miss)
	_ = v.Set("l3-miss", vd.L3Miss)
	if p, ok := d.reg.plat.Link(int32(vd.ParentLink)); ok && vd.ParentLink > 0 {
		_ = v.Set("parent", p.Name)
	}
}

func (vxlanKind) spec(d *Device, c *setting.Connection, parent *Device) (*platform.LinkSpec, error) {
	v := c.Setting("vxlan")
	vd := &platform.VxlanData{
		ID:         v.Uint32("id"),
		TOS:        uint8(v.Uint32("tos")),
		TTL:        uint8(v.Uint32("ttl")),
		Learning:   v.Bool("learning"),
		Ageing:     v.Uint32("ageing"),
		Limit:      v.Uint32("limit"),
		DstPort:    uint16(v.Uint32("destination-port")),
		SrcPortMin: uint16(v.Uint32("source-port-min")),
		SrcPortMax: uint16(v.Uint32("source-port-max")),
		Proxy:      v.Bool("proxy"),
		RSC:        v.Bool("rsc"),
		L2Miss:     v.Bool("l2-miss"),
		L3Miss:     v.Bool("l3-miss"),
	}
	if a, err := netip.ParseAddr(v.Str("remote")); err == nil {
		vd.Group = a
	}
	if a, err := netip.ParseAddr(v.Str("local")); err == nil {
		vd.Local = a
	}
	if parent != nil && parent.ifindex > 0 {
		vd.ParentLink = uint32(parent.ifindex)
	}
	return &platform.LinkSpec{Name: d.iface, Data: vd}, nil
}

func (vxlanKind) parentOf(c *setting.Connection) string {
	if v := c.Setting("vxlan"); v != nil {
		return v.Str("parent")
	}
	return ""
}
