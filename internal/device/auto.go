package device

import (
	"fmt"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/l3cfg"
)

// AutoMethod is an automatic addressing method of one family running for
// one activation (DHCPv4, IPv4 link-local, shared; router discovery with
// SLAAC and DHCPv6): what NetworkManager's device runs besides the static
// configuration in its IP stage. The devices layer knows nothing of the
// protocols; it starts the method when the family's IP stage begins (after
// carrier and ports, as the method needs) and stops it when the activation
// ends.
type AutoMethod interface {
	// Start begins the method. It runs on the loop; the method adds its
	// contributions to ctx.L3 under tags of its own (with the merge flags
	// and options its profile asks for), commits with ScheduleCommit, and
	// tells its progress through ctx.Report.
	Start(ctx AutoContext)
	// Stop ends the method. With deconfigure it removes its contributions
	// (the device commits right after); without, it leaves them as they
	// are (gonm quits, or the interface is handed to someone else).
	Stop(deconfigure bool)
}

// AutoContext is what an automatic method gets from its device.
type AutoContext struct {
	Device *Device
	Family Family
	// Method is ipvX.method ("auto", "dhcp", "shared", "link-local").
	Method string
	// L3 is the device's L3Cfg.
	L3 *l3cfg.L3Cfg
	// Report sets the method's state: IPPending while it works, IPReady
	// once its configuration is in place (a lease, an address), IPFailed
	// when it gave up. The device combines it with the static part and
	// the other family (may-fail, required-timeout) as NetworkManager does.
	Report func(IPState)
}

// AutoProvider makes the automatic method for a family and method of a
// device's activation; nil when gonm has none for it.
type AutoProvider func(d *Device, f Family, method string) AutoMethod

// isAutoMethod reports the methods an automatic engine serves.
func isAutoMethod(f Family, method string) bool {
	switch method {
	case "auto", "shared", "link-local":
		return f == fam4 || method != "link-local"
	case "dhcp":
		return f == fam6
	}
	return false
}

// startAuto starts the automatic method of a family once its IP stage
// may begin (stage3Family), if an engine serves it.
func (d *Device) startAuto(f Family, method string) {
	fs := &d.ip.fam[f]
	if fs.auto != nil || !isAutoMethod(f, method) || d.reg.opts.Auto == nil || d.l3 == nil {
		return
	}
	m := d.reg.opts.Auto(d, f, method)
	if m == nil {
		return
	}
	fs.auto, fs.autoState = m, ipPending
	a := d.act
	defer d.publish() // its DHCP config object, if it has one
	m.Start(AutoContext{Device: d, Family: f, Method: method, L3: d.l3.cfg, Report: func(s IPState) {
		if d.act != a || d.ip.fam[f].auto != m {
			return
		}
		if d.ip.fam[f].autoState != s {
			d.log.Debug(fmt.Sprintf("%s: %s: set state %s (was %s)", f, method, s, d.ip.fam[f].autoState))
			d.ip.fam[f].autoState = s
			d.checkIPStateAsync()
		}
	}})
}

// stopAuto stops the automatic methods of the activation.
func (d *Device) stopAuto(deconfigure bool) {
	stopped := false
	for f := range d.ip.fam {
		if m := d.ip.fam[f].auto; m != nil {
			d.ip.fam[f].auto = nil
			m.Stop(deconfigure)
			stopped = true
		}
	}
	if stopped && d.obj != nil {
		d.publish()
	}
}

// DHCPConfigPath is the DHCP4Config (f 4) or DHCP6Config (f 6) object of
// the family's automatic method, "/" without one.
func (d *Device) DHCPConfigPath(f int) dbus.ObjectPath {
	i := fam4
	if f == 6 {
		i = fam6
	}
	if m, ok := d.ip.fam[i].auto.(interface{ DHCPConfig() dbus.ObjectPath }); ok {
		if p := m.DHCPConfig(); p != "" {
			return p
		}
	}
	return dbusRoot
}
