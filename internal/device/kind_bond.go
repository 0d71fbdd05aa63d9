package device

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/setting"
)

// bondKind is a Linux bond (Device.Bond), a controller of ports.
type bondKind struct{}

var bondInfo = &kindInfo{
	name: "bond", linkTypes: []platform.LinkType{platform.LinkBond},
	devType: TypeBond, typeDesc: "bond", iface: IfaceBond,
	connType: "bond", caps: CapCarrierDetect, metric: 300,
	externalDownRule: true, controller: true, portType: "bond",
}

func (bondKind) info() *kindInfo { return bondInfo }

func (bondKind) props(d *Device, set func(iface, prop string, v any)) {
	set(IfaceBond, "HwAddress", hwAddrString(d.link))
	set(IfaceBond, "Carrier", d.carrier)
	set(IfaceBond, "Slaves", portPaths(d))
}

func (bondKind) compatible(d *Device, c *setting.Connection) error {
	if c.Setting("bond") == nil {
		return errIncompatible("profile is not a bond profile")
	}
	return nil
}

// bondModes are the kernel's mode names, by number.
var bondModes = []string{"balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb"}

func (bondKind) generate(d *Device, c *setting.Connection) {
	b := ensureSetting(c, "bond")
	if d.link == nil {
		return
	}
	if bd, ok := d.link.Data.(*platform.BondData); ok && int(bd.Mode) < len(bondModes) {
		opts := map[string]string{"mode": bondModes[bd.Mode]}
		if bd.Miimon != 0 {
			opts["miimon"] = strconv.FormatUint(uint64(bd.Miimon), 10)
		}
		_ = b.Set("options", opts)
	}
}

// bondData turns bond.options into the kernel's settings. Options the
// kernel has no netlink attribute for here are left at its defaults.
func bondData(opts map[string]string) (*platform.BondData, error) {
	bd := &platform.BondData{Miimon: 100}
	num := func(k string, dst *uint32) error {
		v, ok := opts[k]
		if !ok {
			return nil
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return fmt.Errorf("invalid bond option %s=%q", k, v)
		}
		*dst = uint32(n)
		return nil
	}
	if m, ok := opts["mode"]; ok {
		found := false
		for i, name := range bondModes {
			if m == name || m == strconv.Itoa(i) {
				bd.Mode, found = uint8(i), true
			}
		}
		if !found {
			return nil, fmt.Errorf("invalid bond mode %q", m)
		}
	}
	for k, dst := range map[string]*uint32{"miimon": &bd.Miimon, "updelay": &bd.UpDelay, "downdelay": &bd.DownDelay,
		"min_links": &bd.MinLinks, "arp_interval": &bd.ARPInterval} {
		if err := num(k, dst); err != nil {
			return nil, err
		}
	}
	if t, ok := opts["arp_ip_target"]; ok {
		for _, s := range strings.Split(t, ",") {
			a, err := netip.ParseAddr(strings.TrimSpace(s))
			if err != nil || !a.Is4() {
				return nil, fmt.Errorf("invalid bond option arp_ip_target=%q", t)
			}
			bd.ARPIPTargets = append(bd.ARPIPTargets, a)
		}
	}
	return bd, nil
}

func (bondKind) spec(d *Device, c *setting.Connection, _ *Device) (*platform.LinkSpec, error) {
	var opts map[string]string
	if b := c.Setting("bond"); b != nil {
		opts = b.StrDict("options")
	}
	bd, err := bondData(opts)
	if err != nil {
		return nil, err
	}
	return &platform.LinkSpec{Name: d.iface, Data: bd}, nil
}

func (bondKind) parentOf(*setting.Connection) string { return "" }
