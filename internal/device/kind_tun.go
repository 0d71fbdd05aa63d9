package device

import (
	"strconv"

	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/setting"
)

// tunKind is a tun or tap device (Device.Tun).
type tunKind struct{}

var tunInfo = &kindInfo{
	name: "tun", linkTypes: []platform.LinkType{platform.LinkTUN},
	devType: TypeTun, typeDesc: "tun", iface: IfaceTun,
	connType: "tun", metric: 450, externalDownRule: true,
}

func (tunKind) info() *kindInfo { return tunInfo }

// Profile tun.mode values (NMSettingTunMode).
const (
	tunModeTun = 1
	tunModeTap = 2
)

func (tunKind) props(d *Device, set func(iface, prop string, v any)) {
	td, _ := linkData[*platform.TunData](d)
	if td == nil {
		td = &platform.TunData{Owner: -1, Group: -1}
	}
	set(IfaceTun, "Owner", td.Owner)
	set(IfaceTun, "Group", td.Group)
	mode := ""
	if d.link != nil {
		mode = td.Mode()
	}
	set(IfaceTun, "Mode", mode)
	set(IfaceTun, "NoPi", !td.PI)
	set(IfaceTun, "VnetHdr", td.VnetHdr)
	set(IfaceTun, "MultiQueue", td.MultiQueue)
	set(IfaceTun, "HwAddress", hwAddrString(d.link))
}

func (tunKind) compatible(d *Device, c *setting.Connection) error {
	t := c.Setting("tun")
	if t == nil {
		return errIncompatible("A 'tun' setting is required.")
	}
	td, _ := linkData[*platform.TunData](d)
	if td == nil {
		return nil
	}
	if (t.Uint32("mode") == tunModeTap) != td.Tap {
		return errIncompatible("tun mode setting mismatches")
	}
	if o := t.Str("owner"); o != "" && o != strconv.FormatInt(td.Owner, 10) {
		return errIncompatible("tun owner setting mismatches")
	}
	if g := t.Str("group"); g != "" && g != strconv.FormatInt(td.Group, 10) {
		return errIncompatible("tun group setting mismatches")
	}
	if t.Bool("pi") != td.PI || t.Bool("vnet-hdr") != td.VnetHdr || t.Bool("multi-queue") != td.MultiQueue {
		return errIncompatible("tun flags mismatch")
	}
	return nil
}

func (tunKind) generate(d *Device, c *setting.Connection) {
	t := ensureSetting(c, "tun")
	td, _ := linkData[*platform.TunData](d)
	if td == nil {
		return
	}
	mode := uint32(tunModeTun)
	if td.Tap {
		mode = tunModeTap
	}
	_ = t.Set("mode", mode)
	if td.Owner >= 0 {
		_ = t.Set("owner", strconv.FormatInt(td.Owner, 10))
	}
	if td.Group >= 0 {
		_ = t.Set("group", strconv.FormatInt(td.Group, 10))
	}
	_ = t.Set("pi", td.PI)
	_ = t.Set("vnet-hdr", td.VnetHdr)
	_ = t.Set("multi-queue", td.MultiQueue)
}

func (tunKind) spec(d *Device, c *setting.Connection, _ *Device) (*platform.LinkSpec, error) {
	t := c.Setting("tun")
	td := &platform.TunData{Tap: t.Uint32("mode") == tunModeTap, Owner: -1, Group: -1,
		PI: t.Bool("pi"), VnetHdr: t.Bool("vnet-hdr"), MultiQueue: t.Bool("multi-queue"), Persist: true}
	if o, err := strconv.ParseInt(t.Str("owner"), 10, 64); err == nil {
		td.Owner = o
	}
	if g, err := strconv.ParseInt(t.Str("group"), 10, 64); err == nil {
		td.Group = g
	}
	return &platform.LinkSpec{Name: d.iface, Data: td}, nil
}

func (tunKind) parentOf(*setting.Connection) string { return "" }
