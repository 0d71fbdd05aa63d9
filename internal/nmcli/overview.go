package nmcli

import (
	"strings"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/nmcli/format"
)

// Overview limits: like NetworkManager 1.46's nmcli (which gonm follows
// here rather than 1.42's), at most ten addresses and ten routes per family
// are listed, then one "... more" line; an eleventh entry is shown in full
// instead of the line that would replace it.
const (
	overviewMaxAddresses = 10
	overviewMaxRoutes    = 10
)

func (a *App) colorize(c format.Color, s string) string {
	return a.cfg.Palette.Colorize(a.cfg.UseColors, c, s)
}

// cmdOverview is nmcli without an object: devices with their state,
// addresses and routes, then the DNS configuration.
func cmdOverview(a *App, _ *command, argv []string) {
	a.nextArg(&argv)
	a.startPolkitAgentTry()
	if a.cfg.JSON {
		a.overviewJSON()
		return
	}
	a.spawnPager()
	var b strings.Builder
	for _, ac := range a.client.ActiveConnections() {
		if !ac.VPN() {
			continue
		}
		b.WriteString(a.colorize(activeStateColor(ac), ac.ID()+" VPN connection") + "\n")
		a.acOverview(&b, ac)
		b.WriteString("\n")
	}
	for _, d := range sortedDevices(a.client) {
		ac := d.ActiveConnection()
		color := deviceStateColor(d)
		if ac != nil {
			b.WriteString(a.colorize(color, d.Interface()+": "+deviceStateWithExternal(d)+" to "+ac.ID()) + "\n")
		} else {
			b.WriteString(a.colorize(color, d.Interface()+": "+deviceStateWithExternal(d)) + "\n")
		}
		if desc := deviceDescription(d); desc != "" {
			b.WriteString("\t\"" + desc + "\"\n")
		}
		a.deviceOverview(&b, d)
		if ac != nil {
			a.acOverview(&b, ac)
		}
		b.WriteString("\n")
	}
	for i, e := range a.client.DNSConfiguration() {
		if len(e.Nameservers) == 0 {
			continue
		}
		if i == 0 {
			b.WriteString("DNS configuration:\n")
		}
		b.WriteString("\tservers: " + strings.Join(e.Nameservers, " ") + "\n")
		if len(e.Domains) > 0 {
			b.WriteString("\tdomains: " + strings.Join(e.Domains, " ") + "\n")
		}
		if e.Interface != "" {
			b.WriteString("\tinterface: " + e.Interface + "\n")
		}
		if e.VPN {
			b.WriteString("\ttype: vpn\n")
		}
		b.WriteString("\n")
	}
	b.WriteString("Use \"nmcli device show\" to get complete information about known devices and\n" +
		"\"nmcli connection show\" to get an overview on active connection profiles.\n" +
		"\n" +
		"Consult nmcli(1) and nmcli-examples(7) manual pages for complete usage details.\n")
	a.print(b.String())
}

func (a *App) deviceOverview(b *strings.Builder, d *client.Device) {
	var parts []string
	if d.State() == client.DeviceStateDisconnected {
		switch n := len(d.AvailableConnections()); {
		case n == 1:
			b.WriteString("\t1 connection available\n")
		case n > 1:
			b.WriteString("\t" + itoa(n) + " connections available\n")
		}
	}
	head := d.TypeDescription()
	if drv := d.Driver(); drv != "" && drv != d.TypeDescription() {
		head += " (" + drv + ")"
	}
	parts = append(parts, head)
	if hw := d.HwAddress(); hw != "" {
		parts = append(parts, hw)
	}
	if !d.Autoconnect() {
		parts = append(parts, "autoconnect")
	}
	if d.FirmwareMissing() {
		parts = append(parts, a.colorize(format.ColorDeviceFirmwareMissing, "fw missing"))
	}
	if d.NMPluginMissing() {
		parts = append(parts, a.colorize(format.ColorDevicePluginMissing, "plugin missing"))
	}
	switch d.Type() {
	case client.DeviceTypeWifi, client.DeviceTypeOLPCMesh, client.DeviceTypeWifiP2P:
		if !a.client.WirelessEnabled() {
			parts = append(parts, a.colorize(format.ColorDeviceDisabled, "sw disabled"))
		}
		if !a.client.WirelessHardwareEnabled() {
			parts = append(parts, a.colorize(format.ColorDeviceDisabled, "hw disabled"))
		}
	case client.DeviceTypeModem:
		if d.ModemCurrentCapabilities()&(client.ModemCapGSMUMTS|client.ModemCapCDMAEVDO) != 0 {
			if !a.client.WwanEnabled() {
				parts = append(parts, a.colorize(format.ColorDeviceDisabled, "sw disabled"))
			}
			if !a.client.WwanHardwareEnabled() {
				parts = append(parts, a.colorize(format.ColorDeviceDisabled, "hw disabled"))
			}
		}
	}
	caps := d.Capabilities()
	if caps&client.DeviceCapIsSoftware != 0 {
		parts = append(parts, "sw")
	} else {
		parts = append(parts, "hw")
	}
	if caps&client.DeviceCapSRIOV != 0 {
		parts = append(parts, "sriov")
	}
	if ip := d.IPInterface(); ip != "" && ip != d.Interface() {
		parts = append(parts, "iface "+ip)
	}
	if p := d.PhysicalPortID(); p != "" {
		parts = append(parts, "port "+p)
	}
	if mtu := d.MTU(); mtu != 0 {
		parts = append(parts, "mtu "+itoa(int(mtu)))
	}
	b.WriteString("\t" + strings.Join(parts, ", ") + "\n")
}

func (a *App) acOverview(b *strings.Builder, ac *client.ActiveConnection) {
	var parts []string
	if m := ac.Master(); m != nil {
		parts = append(parts, "master "+m.Interface())
	}
	if ac.VPN() {
		parts = append(parts, "VPN")
	}
	if ac.Default() {
		parts = append(parts, "ip4 default")
	}
	if ac.Default6() {
		parts = append(parts, "ip6 default")
	}
	if len(parts) > 0 {
		b.WriteString("\t" + strings.Join(parts, ", ") + "\n")
	}
	for _, ip := range []*client.IPConfig{ac.IP4Config(), ac.IP6Config()} {
		if ip == nil {
			continue
		}
		fam := "4"
		if ip.IsIPv6() {
			fam = "6"
		}
		addrs := ip.Addresses()
		for i, addr := range addrs {
			b.WriteString("\tinet" + fam + " " + addr.Address + "/" + itoa(int(addr.Prefix)) + "\n")
			if i >= overviewMaxAddresses-1 && len(addrs)-i > 2 {
				b.WriteString("\tinet" + fam + " ... more\n")
				break
			}
		}
		routes := ip.Routes()
		for i, r := range routes {
			b.WriteString("\troute" + fam + " " + routeOverviewString(r) + "\n")
			if i >= overviewMaxRoutes-1 && len(routes)-i > 2 {
				b.WriteString("\troute" + fam + " ... more\n")
				break
			}
		}
	}
}

// routeOverviewString is a route as the overview shows it:
// "default via GW metric N" or "DEST/LEN metric N".
func routeOverviewString(r client.IPRoute) string {
	var s string
	if (r.Dest == "0.0.0.0" || r.Dest == "::") && r.Prefix == 0 {
		s = "default"
	} else {
		s = r.Dest + "/" + itoa(int(r.Prefix))
	}
	if r.NextHop != "" {
		s += " via " + r.NextHop
	}
	if r.Metric != -1 {
		s += " metric " + formatInt(r.Metric)
	}
	return s
}
