package device

import (
	"github.com/gonm/gonm/internal/setting"
)

// genericKind stands for every link no other kind claims (ifb, tunnels,
// kinds gonm does not configure). Such devices are unmanaged by default,
// as in NetworkManager.
type genericKind struct{}

var genericInfo = &kindInfo{
	name: "generic", devType: TypeGeneric, typeDesc: "generic", iface: IfaceGeneric,
	connType: "generic", metric: 950, unmanagedByDefault: true,
}

func (genericKind) info() *kindInfo { return genericInfo }

func (genericKind) props(d *Device, set func(iface, prop string, v any)) {
	set(IfaceGeneric, "HwAddress", hwAddrString(d.link))
	desc := ""
	if d.link != nil {
		// NetworkManager describes the link by its kind, or its link
		// type when the kernel gives no kind.
		desc = d.link.Kind
		if desc == "" {
			desc = d.link.Type.String()
		}
	}
	set(IfaceGeneric, "TypeDescription", desc)
}

func (genericKind) compatible(d *Device, c *setting.Connection) error {
	if c.InterfaceName() == "" {
		return errIncompatible("generic profiles need an interface name")
	}
	return nil
}

func (genericKind) generate(_ *Device, c *setting.Connection) { ensureSetting(c, "generic") }
