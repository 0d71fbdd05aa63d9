package nmcli

import (
	"context"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/nmcli/format"
)

// completeFields completes a -f/-g value: the last comma-separated part is
// completed against every field name nmcli knows.
func (a *App) completeFields(option, prefix string) {
	set := map[string]bool{}
	add := func(fields []*format.Field) {
		for _, f := range fields {
			set[f.Name] = true
		}
	}
	for _, t := range [][]*format.Field{ip4ConfigFields, dhcpConfigFields, ip6ConfigFields, conShowFields,
		activeGeneralFields, activeVPNFields, activeDetailGroups, deviceStatusFields, deviceGeneralFields,
		deviceConnectionsFields, deviceCapabilitiesFields, deviceWiredFields, deviceWifiFields,
		deviceWimaxFields, wifiListFields, wimaxListFields, masterPropFields, teamPropFields,
		vlanPropFields, bluetoothFields, deviceShowSections, lldpListFields} {
		add(t)
	}
	// Setting property names ("ipv4.method") come with the settings
	// schema; without a dot they are not offered anyway.
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	last := prefix
	if i := strings.LastIndexByte(prefix, ','); i >= 0 {
		last = prefix[i+1:]
	}
	head := prefix[:len(prefix)-len(last)]
	for _, name := range names {
		if !((last == "" && !strings.Contains(name, ".")) || matches(last, name)) {
			continue
		}
		s := option + "=" + head + name
		if last == name {
			s += ","
		}
		a.print(s + "\n")
	}
}

// udevProperties reads the udev database entry of a network interface.
func udevProperties(iface string) map[string]string {
	idx, err := os.ReadFile("/sys/class/net/" + iface + "/ifindex")
	if err != nil {
		return nil
	}
	data, err := os.ReadFile("/run/udev/data/n" + strings.TrimSpace(string(idx)))
	if err != nil {
		return nil
	}
	props := map[string]string{}
	for _, l := range strings.Split(string(data), "\n") {
		if kv, ok := strings.CutPrefix(l, "E:"); ok {
			if k, v, ok := strings.Cut(kv, "="); ok {
				props[k] = v
			}
		}
	}
	return props
}

// udevDecode resolves udev's \xNN escapes.
func udevDecode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func udevValue(iface, encKey, dbKey string) string {
	p := udevProperties(iface)
	if p == nil {
		return ""
	}
	if v := p[dbKey]; v != "" {
		return v
	}
	return udevDecode(p[encKey])
}

// deviceVendor and deviceProduct come from udev's hardware database.
func deviceVendor(d *client.Device) string {
	return udevValue(d.Interface(), "ID_VENDOR_ENC", "ID_VENDOR_FROM_DATABASE")
}

func deviceProduct(d *client.Device) string {
	if v := udevValue(d.Interface(), "ID_MODEL_ENC", "ID_MODEL_FROM_DATABASE"); v != "" {
		return v
	}
	return udevValue(d.Interface(), "ID_MODEL_ENC", "ID_PRODUCT_FROM_DATABASE")
}

// deviceDescription is what the overview quotes under each device: vendor
// and product when udev knows them, otherwise the interface name.
func deviceDescription(d *client.Device) string {
	if d.IsBT() && d.BTName() != "" {
		return d.BTName()
	}
	vendor := strings.TrimSpace(deviceVendor(d))
	if vendor == "" {
		return d.Interface()
	}
	product := strings.TrimSpace(deviceProduct(d))
	if product == "" {
		return d.Interface()
	}
	if strings.Contains(strings.ToLower(product), strings.ToLower(vendor)) {
		return product
	}
	return vendor + " " + product
}

func doDeviceLLDP(a *App, _ *command, argv []string) {
	if !a.modeSpecified {
		a.cfg.Multiline = true
	}
	cmds := []command{
		{name: "list", fn: doDeviceLLDPList, needsClient: true, needsRunning: true},
		{fn: doDeviceLLDPList, needsClient: true, needsRunning: true},
	}
	a.nextArg(&argv)
	a.doCmd(cmds, argv)
}

func doDeviceLLDPList(a *App, _ *command, argv []string) {
	var dev *client.Device
	a.nextArg(&argv)
	orig := argv
	for len(argv) > 0 {
		if len(argv) == 1 && a.complete {
			a.completeStrings(argv[0], "ifname")
		}
		if argv[0] != "ifname" {
			a.setError(ExitUserInput, "Error: invalid extra argument '"+argv[0]+"'.")
			return
		}
		if !a.takeValue(orig, &argv) {
			return
		}
		d, code, msg := a.getDevice(&argv)
		if d == nil {
			a.setError(code, "Error: "+msg+".")
			return
		}
		dev = d
		a.nextArg(&argv)
	}
	spec := a.fieldsSpec(fieldsLLDPListCommon)
	indices, _, err := format.ParseFields(lldpListFields, spec)
	if err != nil {
		a.setError(ExitUserInput, "Error: 'device lldp list': "+err.Error())
		return
	}
	if a.complete {
		return
	}
	a.printer.JSONList()
	counter := 0
	if dev != nil {
		a.showLLDP(dev, indices, &counter)
		return
	}
	for _, d := range sortedDevices(a.client) {
		a.showLLDP(d, indices, &counter)
	}
}

func lldpString(n map[string]dbus.Variant, key string) format.Value {
	if s, ok := n[key].Value().(string); ok {
		return format.Str(s)
	}
	return format.Null()
}

func lldpUint(n map[string]dbus.Variant, key string) (uint32, bool) {
	u, ok := n[key].Value().(uint32)
	return u, ok
}

func lldpUintValue(n map[string]dbus.Variant, key string) format.Value {
	if u, ok := lldpUint(n, key); ok {
		return format.Str(itoa(int(u)))
	}
	return format.Null()
}

var lldpCapabilityNames = []string{"other", "repeater", "mac-bridge", "wlan-access-point", "router",
	"telephone", "docsis-cable-device", "station-only", "c-vlan-component", "s-vlan-component", "tpmr"}

// lldpCapabilities names the bits of an LLDP system capabilities value.
func lldpCapabilities(v uint32) string {
	if v == 0 {
		return "none"
	}
	var parts []string
	for i, name := range lldpCapabilityNames {
		if v&(1<<i) != 0 {
			parts = append(parts, name)
			v &^= 1 << i
		}
	}
	if v != 0 {
		parts = append(parts, "reserved")
	}
	return strings.Join(parts, ",")
}

func (a *App) showLLDP(d *client.Device, indices []int, counter *int) {
	neighbors := d.LLDPNeighbors()
	if len(neighbors) == 0 {
		return
	}
	rows := format.NewRows(lldpListFields)
	rows.Header(format.MainHeaderAdd)
	for _, n := range neighbors {
		caps := format.Null()
		if v, ok := lldpUint(n, "system-capabilities"); ok {
			caps = format.Str(itoa(int(v)) + " (" + lldpCapabilities(v) + ")")
		}
		rows.Add(format.SectionPrefix,
			format.Str("NEIGHBOR["+itoa(*counter)+"]"),
			format.Str(d.Interface()),
			lldpString(n, "chassis-id"),
			lldpString(n, "port-id"),
			lldpString(n, "port-description"),
			lldpString(n, "system-name"),
			lldpString(n, "system-description"),
			caps,
			lldpUintValue(n, "ieee-802-1-pvid"),
			lldpUintValue(n, "ieee-802-1-ppvid"),
			lldpUintValue(n, "ieee-802-1-ppvid-flags"),
			lldpUintValue(n, "ieee-802-1-vid"),
			lldpString(n, "ieee-802-1-vlan-name"),
			lldpString(n, "destination"),
			lldpUintValue(n, "chassis-id-type"),
			lldpUintValue(n, "port-id-type"),
		)
		*counter++
	}
	a.printer.PrintRows(indices, "Device LLDP neighbors ("+d.Interface()+")", rows)
}

func doDeviceCheckpoint(a *App, _ *command, argv []string) {
	timeout := uint64(15)
	for {
		opt := a.nextArg(&argv, "--timeout")
		if opt <= 0 {
			break
		}
		argv = argv[1:]
		if len(argv) == 0 {
			a.setError(ExitUserInput, "Error: --timeout argument is missing.")
			return
		}
		t, ok := parseUint(argv[0], 0, 1<<32-1)
		if !ok {
			a.setError(ExitUserInput, "Error: '"+argv[0]+"' is not a valid timeout.")
			return
		}
		timeout = t
	}
	var devs []*client.Device
	if len(argv) > 0 {
		if argv[0] == "--" {
			devs = a.client.Devices()
			argv = argv[1:]
		} else {
			devs = a.getDeviceList(&argv)
			if devs == nil {
				a.setError(ExitUserInput, "Error: not all devices found.")
				return
			}
		}
	}
	if len(argv) == 0 {
		a.setError(ExitUserInput, "Error: Expected a command to run after '--'")
		return
	}
	if a.complete {
		return
	}
	command := append([]string(nil), argv...)
	a.shouldWait++
	a.client.CheckpointCreateAsync(context.Background(), devs, uint32(timeout), 0, func(cp *client.Checkpoint, err error) {
		if err != nil {
			a.setError(ExitUnknown, "Error: Creating a checkpoint failed: "+err.Error())
			a.quit()
			return
		}
		a.runCheckpointed(cp, command)
	})
}

// runCheckpointed runs the command, then asks for confirmation; without
// it the checkpoint rolls back when its timeout expires.
func (a *App) runCheckpointed(cp *client.Checkpoint, command []string) {
	removed := false
	childDone := false
	unsub := a.client.Subscribe(func(ev client.Event) {
		if removed || ev.Kind != client.PropertiesChanged || !ev.HasChanged(ifaceNM, "Checkpoints") {
			return
		}
		for _, c := range a.client.Checkpoints() {
			if c.Object == cp.Object {
				return
			}
		}
		removed = true
		a.setError(ExitTimeout, "Checkpoint was removed.")
		if childDone {
			a.print("No\n")
			a.quit()
		}
	})
	path, err := exec.LookPath(command[0])
	if err != nil {
		a.setError(ExitUnknown, "Error: Failed to execute child process “"+command[0]+"” (No such file or directory)")
		a.quit()
		return
	}
	cmd := exec.Command(path, command[1:]...)
	cmd.Args[0] = command[0]
	cmd.Stdin, cmd.Stdout, cmd.Stderr = a.env.Stdin, a.env.Stdout, a.env.Stderr
	if err := cmd.Start(); err != nil {
		a.setError(ExitUnknown, "Error: "+err.Error())
		a.quit()
		return
	}
	go func() {
		cmd.Wait()
		a.loop.Post(func() {
			childDone = true
			if removed {
				a.quit()
				return
			}
			for !a.done {
				line, ok := a.readlineOK("Type \"Yes\" to commit the changes: ", true)
				if !ok {
					a.setError(ExitUnknown, "")
					a.quit()
					return
				}
				if line == "Yes" {
					unsub()
					a.client.CheckpointDestroyAsync(context.Background(), cp.Path(), func(err error) {
						if err != nil {
							a.setError(ExitUnknown, "Error: Destroying a checkpoint failed: "+err.Error())
						}
						a.quit()
					})
					return
				}
			}
		})
	}()
}

// overviewJSON is the overview in JSON mode: every device's details, as
// "device show" gives them.
func (a *App) overviewJSON() {
	spec := "all"
	if a.requiredFields == nil {
		a.requiredFields = &spec
	}
	for _, d := range sortedDevices(a.client) {
		if !a.showDeviceInfo(d) {
			return
		}
	}
}

var _ = time.Second
