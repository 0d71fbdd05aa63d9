package device

import (
	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/setting"
)

// macvlanKind is a macvlan or macvtap on a parent link (Device.Macvlan).
type macvlanKind struct{}

var macvlanInfo = &kindInfo{
	name: "macvlan", linkTypes: []platform.LinkType{platform.LinkMACVLAN, platform.LinkMACVTAP},
	devType: TypeMacvlan, typeDesc: "macvlan", iface: IfaceMacvlan,
	connType: "macvlan", caps: CapCarrierDetect, metric: 410, externalDownRule: true,
}

func (macvlanKind) info() *kindInfo { return macvlanInfo }

// The profile's macvlan.mode numbers (NMSettingMacvlanMode) and the
// kernel's, with NetworkManager's names.
var macvlanModes = []struct {
	setting uint32
	kernel  uint32
	name    string
}{
	{1, platform.MacvlanVEPA, "vepa"}, {2, platform.MacvlanBridge, "bridge"},
	{3, platform.MacvlanPrivate, "private"}, {4, platform.MacvlanPassthru, "passthru"},
	{5, platform.MacvlanSource, "unknown"},
}

func (macvlanKind) props(d *Device, set func(iface, prop string, v any)) {
	set(IfaceMacvlan, "Parent", parentPath(d))
	mode, noPromisc, tap := "unknown", false, false
	if d.link != nil {
		if md, ok := d.link.Data.(*platform.MacvlanData); ok {
			for _, m := range macvlanModes {
				if m.kernel == md.Mode {
					mode = m.name
				}
			}
			noPromisc = md.Flags&1 != 0 // MACVLAN_FLAG_NOPROMISC
			tap = md.Tap
		}
	}
	set(IfaceMacvlan, "Mode", mode)
	set(IfaceMacvlan, "NoPromisc", noPromisc)
	set(IfaceMacvlan, "Tap", tap)
	// NetworkManager 1.42 exports the same value misspelt as "Tab".
	set(IfaceMacvlan, "Tab", tap)
}

func (macvlanKind) compatible(d *Device, c *setting.Connection) error {
	m := c.Setting("macvlan")
	if m == nil {
		return errIncompatible("profile is not a macvlan profile")
	}
	if d.link != nil {
		if md, ok := d.link.Data.(*platform.MacvlanData); ok {
			if md.Tap != m.Bool("tap") {
				return errIncompatible("macvtap mismatch")
			}
			for _, mm := range macvlanModes {
				if mm.setting == m.Uint32("mode") && mm.kernel != md.Mode {
					return errIncompatible("macvlan mode mismatch")
				}
			}
		}
		if err := d.reg.parentMatches(d, m.Str("parent")); err != nil {
			return err
		}
	}
	return nil
}

func (macvlanKind) generate(d *Device, c *setting.Connection) {
	m := ensureSetting(c, "macvlan")
	if d.link == nil {
		return
	}
	if md, ok := d.link.Data.(*platform.MacvlanData); ok {
		for _, mm := range macvlanModes {
			if mm.kernel == md.Mode {
				_ = m.Set("mode", mm.setting)
			}
		}
		_ = m.Set("promiscuous", md.Flags&1 == 0)
		_ = m.Set("tap", md.Tap)
	}
	if p, ok := d.reg.plat.Link(d.link.Parent); ok && d.link.LinkNetNSID < 0 {
		_ = m.Set("parent", p.Name)
	}
}

func (macvlanKind) spec(d *Device, c *setting.Connection, parent *Device) (*platform.LinkSpec, error) {
	m := c.Setting("macvlan")
	if parent == nil || parent.ifindex <= 0 {
		return nil, errIncompatible("macvlan %s has no parent device", d.iface)
	}
	md := &platform.MacvlanData{Tap: m.Bool("tap")}
	for _, mm := range macvlanModes {
		if mm.setting == m.Uint32("mode") {
			md.Mode = mm.kernel
		}
	}
	if !m.Bool("promiscuous") {
		md.Flags |= 1
	}
	return &platform.LinkSpec{Name: d.iface, Parent: parent.ifindex, Data: md}, nil
}

func (macvlanKind) parentOf(c *setting.Connection) string {
	if m := c.Setting("macvlan"); m != nil {
		return m.Str("parent")
	}
	return ""
}
