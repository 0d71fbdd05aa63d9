package device

import (
	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/setting"
)

// bridgeKind is a Linux bridge (Device.Bridge), a controller of ports.
type bridgeKind struct{}

var bridgeInfo = &kindInfo{
	name: "bridge", linkTypes: []platform.LinkType{platform.LinkBridge},
	devType: TypeBridge, typeDesc: "bridge", iface: IfaceBridge,
	connType: "bridge", caps: CapCarrierDetect, metric: 425,
	externalDownRule: true, controller: true, portType: "bridge",
}

func (bridgeKind) info() *kindInfo { return bridgeInfo }

func (bridgeKind) props(d *Device, set func(iface, prop string, v any)) {
	set(IfaceBridge, "HwAddress", hwAddrString(d.link))
	set(IfaceBridge, "Carrier", d.carrier)
	set(IfaceBridge, "Slaves", portPaths(d))
}

func (bridgeKind) compatible(d *Device, c *setting.Connection) error {
	b := c.Setting("bridge")
	if b == nil {
		return errIncompatible("profile is not a bridge profile")
	}
	if mac := b.Str("mac-address"); mac != "" && d.link != nil && !macEqual(mac, d.link.Addr) {
		return errIncompatible("bridge MAC address mismatch")
	}
	return nil
}

func (bridgeKind) generate(d *Device, c *setting.Connection) {
	b := ensureSetting(c, "bridge")
	if d.link == nil {
		return
	}
	if bd, ok := d.link.Data.(*platform.BridgeData); ok {
		// The kernel keeps times in hundredths of a second, profiles in
		// seconds.
		_ = b.Set("stp", bd.STPState != 0)
		_ = b.Set("priority", uint32(bd.Priority))
		_ = b.Set("forward-delay", bd.ForwardDelay/100)
		_ = b.Set("hello-time", bd.HelloTime/100)
		_ = b.Set("max-age", bd.MaxAge/100)
		_ = b.Set("ageing-time", bd.AgeingTime/100)
		_ = b.Set("multicast-snooping", bd.MulticastSnooping)
		_ = b.Set("vlan-filtering", bd.VlanFiltering)
		_ = b.Set("vlan-default-pvid", uint32(bd.VlanDefaultPVID))
	}
}

func (bridgeKind) spec(d *Device, c *setting.Connection, _ *Device) (*platform.LinkSpec, error) {
	b := c.Setting("bridge")
	if b == nil {
		b = setting.MustNewSetting("bridge")
	}
	bd := &platform.BridgeData{
		STPState:          boolU32(b.Bool("stp")),
		Priority:          uint16(b.Uint32("priority")),
		ForwardDelay:      b.Uint32("forward-delay") * 100,
		HelloTime:         b.Uint32("hello-time") * 100,
		MaxAge:            b.Uint32("max-age") * 100,
		AgeingTime:        b.Uint32("ageing-time") * 100,
		MulticastSnooping: b.Bool("multicast-snooping"),
		VlanFiltering:     b.Bool("vlan-filtering"),
		VlanDefaultPVID:   uint16(b.Uint32("vlan-default-pvid")),
		MulticastHashMax:  b.Uint32("multicast-hash-max"),
		Set: []uint16{unix.IFLA_BR_STP_STATE, unix.IFLA_BR_PRIORITY, unix.IFLA_BR_FORWARD_DELAY,
			unix.IFLA_BR_HELLO_TIME, unix.IFLA_BR_MAX_AGE, unix.IFLA_BR_AGEING_TIME,
			unix.IFLA_BR_MCAST_SNOOPING, unix.IFLA_BR_MCAST_HASH_MAX},
	}
	// VLAN filtering is sent only when asked for: kernels built without it
	// refuse the attribute even to switch it off.
	if bd.VlanFiltering {
		bd.Set = append(bd.Set, unix.IFLA_BR_VLAN_FILTERING)
	}
	if bd.VlanDefaultPVID != 1 {
		bd.Set = append(bd.Set, unix.IFLA_BR_VLAN_DEFAULT_PVID)
	}
	spec := &platform.LinkSpec{Name: d.iface, Data: bd}
	if mac := b.Str("mac-address"); mac != "" {
		if a, err := platform.ParseHWAddr(mac); err == nil {
			spec.Addr = a
		}
	}
	return spec, nil
}

func (bridgeKind) parentOf(*setting.Connection) string { return "" }

func boolU32(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

func macEqual(s string, a platform.HWAddr) bool {
	b, err := platform.ParseHWAddr(s)
	return err == nil && b == a
}
