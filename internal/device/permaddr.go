package device

import (
	"fmt"

	"github.com/gonm/gonm/internal/platform"
)

// The permanent hardware address: the one the kernel reports
// (IFLA_PERM_ADDRESS), or, for links without one (veth, bridges, lo), a
// stand-in that is the current address when the device is first seen.
// The stand-in ("fake") is remembered in the run state so that it
// survives a restart of the daemon even if the current address changed;
// it serves profile matching and default profiles, but is neither shown
// on D-Bus (PermHwAddress is empty) nor matched by "mac:" device specs.

// updatePermAddr decides the permanent address once per realization.
func (d *Device) updatePermAddr(st *RunState) {
	if d.permSet || d.link == nil || d.link.Addr.IsZero() {
		return
	}
	cur := d.link.Addr
	if p := d.link.PermAddr; !p.IsZero() && p.Len() == cur.Len() {
		d.permAddr, d.permFake, d.permSet = p, false, true
		d.log.Debug(fmt.Sprintf("hw-addr: read permanent MAC address '%s'", p))
		return
	}
	d.permFake, d.permSet = true, true
	if st != nil && st.PermHWAddrFake != "" {
		if a, err := platform.ParseHWAddr(st.PermHWAddrFake); err == nil && a.Len() == cur.Len() && a != cur {
			d.log.Debug(fmt.Sprintf("hw-addr: unable to read permanent MAC address (use from statefile: %s, current: %s)", a, cur))
			d.permAddr = a
			return
		}
	}
	d.log.Debug(fmt.Sprintf("hw-addr: unable to read permanent MAC address (use current: %s)", cur))
	d.permAddr = cur
}

// PermHWAddr is the permanent hardware address and whether it is a
// stand-in; empty before the device has a link with an address.
func (d *Device) PermHWAddr() (addr platform.HWAddr, fake bool) {
	if !d.permSet {
		d.updatePermAddr(nil)
	}
	return d.permAddr, d.permFake
}

// realPermHWAddr is the permanent address the kernel reported, empty for
// a stand-in.
func (d *Device) realPermHWAddr() platform.HWAddr {
	a, fake := d.PermHWAddr()
	if fake {
		return platform.HWAddr{}
	}
	return a
}
