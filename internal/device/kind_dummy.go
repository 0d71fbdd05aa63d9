package device

import (
	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/setting"
)

// dummyKind is a dummy link (Device.Dummy).
type dummyKind struct{}

var dummyInfo = &kindInfo{
	name: "dummy", linkTypes: []platform.LinkType{platform.LinkDummy},
	devType: TypeDummy, typeDesc: "dummy", iface: IfaceDummy,
	connType: "dummy", metric: 550, externalDownRule: true,
}

func (dummyKind) info() *kindInfo { return dummyInfo }

func (dummyKind) props(d *Device, set func(iface, prop string, v any)) {
	set(IfaceDummy, "HwAddress", hwAddrString(d.link))
}

func (dummyKind) compatible(*Device, *setting.Connection) error { return nil }

func (dummyKind) generate(_ *Device, c *setting.Connection) { ensureSetting(c, "dummy") }

func (dummyKind) spec(d *Device, _ *setting.Connection, _ *Device) (*platform.LinkSpec, error) {
	return &platform.LinkSpec{Name: d.iface, Data: platform.KindOnly("dummy")}, nil
}

func (dummyKind) parentOf(*setting.Connection) string { return "" }
