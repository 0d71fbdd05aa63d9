package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/autoaddr"
	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/config"
	"github.com/gonm/gonm/internal/device"
	"github.com/gonm/gonm/internal/dhcpconfig"
	"github.com/gonm/gonm/internal/hostid"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/logging"
	"github.com/gonm/gonm/internal/loop"
)

// autoMethods makes the automatic addressing methods of the devices
// (internal/autoaddr), one Runner per device, family and activation, with
// the DHCP4Config/DHCP6Config objects of its DHCP clients.
type autoMethods struct {
	loop     *loop.Loop
	exp      *bus.Exporter
	logs     *logging.Logging
	cfg      func() *config.Config
	host     hostid.HostID
	machine  hostid.MachineID
	bootID   string
	hostname func() string
	runDir   string
	stateDir string
	shared   *autoaddr.SharedIPs
}

func newAutoMethods(l *loop.Loop, exp *bus.Exporter, logs *logging.Logging, cfg func() *config.Config,
	host hostid.HostID, machine hostid.MachineID, hostname func() string, o *options) *autoMethods {
	boot, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	return &autoMethods{loop: l, exp: exp, logs: logs, cfg: cfg, host: host, machine: machine,
		bootID: strings.TrimSpace(string(boot)), hostname: hostname, runDir: o.runDir, stateDir: o.stateDir,
		shared: autoaddr.NewSharedIPs()}
}

// provide is the devices layer's AutoProvider.
func (a *autoMethods) provide(d *device.Device, f device.Family, method string) device.AutoMethod {
	return &autoMethod{a: a, d: d, f: f}
}

type autoMethod struct {
	a    *autoMethods
	d    *device.Device
	f    device.Family
	r    *autoaddr.Runner
	dcfg *dhcpconfig.Config
	act  *device.Activation
}

func (m *autoMethod) family() l3cfg.Family {
	if m.f == device.Family4 {
		return l3cfg.IPv4
	}
	return l3cfg.IPv6
}

func (m *autoMethod) Start(ctx device.AutoContext) {
	a, d := m.a, m.d
	m.act = d.Activation()
	if m.act == nil || m.act.Applied == nil {
		ctx.Report(device.IPFailed)
		return
	}
	lk := d.Link()
	in := autoaddr.Inputs{IfIndex: d.Ifindex(), IfName: d.Iface(), DeviceType: uint32(d.Type()),
		Host: a.host, MachineID: a.machine, BootID: a.bootID, StaticHostname: a.hostname(),
		RunDir: a.runDir, StateDir: a.stateDir, DefaultUseTempaddr: -1}
	if lk != nil {
		in.HWAddr = lk.Addr.Bytes()
	}
	if perm, fake := d.PermHWAddr(); !fake && !perm.IsZero() {
		in.PermHWAddr = perm.Bytes()
	}
	cd := config.Device{Interface: d.Iface(), Type: d.TypeDesc()}
	in.Default = func(prop string) (string, bool) { return a.cfg().ConnectionDefault(prop, &cd) }
	if v, err := ctx.L3.Platform().SysctlGet("net/ipv6/conf/default/use_tempaddr"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			in.DefaultUseTempaddr = n
		}
	}
	b, _ := a.cfg().String("main", "firewall-backend")
	in.FirewallBackend = b
	p, warns := autoaddr.FromProfile(m.act.Applied, in)
	for _, w := range warns {
		a.logs.For(logging.Device, "device").Warn(fmt.Sprintf("%s: %v", d.Iface(), w))
	}
	p.LeaseFile = autoaddr.LeaseFile(in, m.act.Applied.UUID())
	// The device's metric (NetworkManager reserves one per device of a
	// type: 100, 101, ...).
	p.Options4.RouteMetric4, p.Options6.RouteMetric6 = d.RouteMetric(4), d.RouteMetric(6)
	p = p.Only(m.family())
	runs, dhcp := p.Runs(m.family())
	if !runs {
		ctx.Report(device.IPFailed)
		return
	}
	if dhcp {
		m.dcfg = dhcpconfig.New(a.exp, m.f == device.Family6)
	}
	r, err := autoaddr.New(autoaddr.Options{Loop: a.loop, L3: ctx.L3, Params: p,
		Takeover:  d.SysIfaceState() == device.SysIfaceAssume,
		SharedIPs: a.shared,
		Command: func(ctx context.Context, name string, args ...string) *exec.Cmd {
			return exec.CommandContext(ctx, name, args...)
		},
		Log4: a.logs.For(logging.DHCP4, "dhcp4"), Log6: a.logs.For(logging.IP6, "ndisc"),
		LogLL: a.logs.For(logging.AutoIP4, "ipv4ll"), LogShared: a.logs.For(logging.Sharing, "sharing"),
		Changed: func() { m.changed(ctx) }})
	if err != nil {
		ctx.Report(device.IPFailed)
		return
	}
	m.r = r
	if err := r.Start(); err != nil {
		a.logs.For(logging.Device, "device").Warn(fmt.Sprintf("%s: %v", d.Iface(), err))
	}
	m.changed(ctx)
}

func (m *autoMethod) changed(ctx device.AutoContext) {
	if m.r == nil {
		return
	}
	s, _ := m.r.State(m.family())
	switch s {
	case autoaddr.StateReady:
		ctx.Report(device.IPReady)
	case autoaddr.StateFailed:
		ctx.Report(device.IPFailed)
	default:
		ctx.Report(device.IPPending)
	}
	if m.dcfg != nil {
		var opts map[string]string
		if m.f == device.Family4 {
			if l := m.r.Lease4(); l != nil {
				opts = l.Options
			}
		} else if l := m.r.Lease6(); l != nil {
			opts = l.Options
		}
		m.dcfg.SetOptions(opts)
	}
}

// DHCPConfig is the method's DHCP4Config/DHCP6Config object (the devices
// layer shows it on the device and its active connection).
func (m *autoMethod) DHCPConfig() dbus.ObjectPath {
	if m.dcfg == nil {
		return ""
	}
	return m.dcfg.Path()
}

func (m *autoMethod) Stop(deconfigure bool) {
	if m.r != nil {
		m.r.Stop(false, !deconfigure)
		m.r = nil
	}
	if m.dcfg != nil {
		m.dcfg.Remove()
		m.dcfg = nil
	}
}
