package device

import (
	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/setting"
)

// loopbackKind is lo (Device.Loopback, which has no properties).
type loopbackKind struct{}

var loopbackInfo = &kindInfo{
	name: "loopback", linkTypes: []platform.LinkType{platform.LinkLoopback},
	devType: TypeLoopback, typeDesc: "loopback", iface: IfaceLoopback,
	connType: "loopback", metric: 30, autoconnectOnExternal: true,
}

func (loopbackKind) info() *kindInfo                                { return loopbackInfo }
func (loopbackKind) props(*Device, func(iface, prop string, v any)) {}
func (loopbackKind) compatible(*Device, *setting.Connection) error  { return nil }
func (loopbackKind) generate(_ *Device, c *setting.Connection)      { ensureSetting(c, "loopback") }
