package nmcli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/godbus/dbus/v5"
	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/nmcli/format"
)

func doDeviceWifi(a *App, _ *command, argv []string) {
	cmds := []command{
		{name: "list", fn: doWifiList, needsClient: true, needsRunning: true},
		{name: "connect", fn: doWifiConnect, needsClient: true, needsRunning: true},
		{name: "hotspot", fn: doWifiHotspot, needsClient: true, needsRunning: true},
		{name: "rescan", fn: doWifiRescan, needsClient: true, needsRunning: true},
		{name: "show-password", fn: doWifiShowPassword, needsClient: true, needsRunning: true},
		{fn: doWifiList, needsClient: true, needsRunning: true},
	}
	a.nextArg(&argv)
	a.doCmd(cmds, argv)
}

func apIsWEP(ap *client.AccessPoint) bool {
	return ap.Flags()&client.APFlagPrivacy != 0 && ap.WpaFlags() == 0 && ap.RsnFlags() == 0
}

// sortAccessPoints orders access points by signal (WEP ones last), then
// frequency, bitrate and path.
func sortAccessPoints(aps []*client.AccessPoint) []*client.AccessPoint {
	out := append([]*client.AccessPoint(nil), aps...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if wa, wb := apIsWEP(a), apIsWEP(b); wa != wb {
			return !wa
		}
		if a.Strength() != b.Strength() {
			return a.Strength() > b.Strength()
		}
		if a.Frequency() != b.Frequency() {
			return a.Frequency() < b.Frequency()
		}
		if a.MaxBitrate() != b.MaxBitrate() {
			return a.MaxBitrate() > b.MaxBitrate()
		}
		return string(a.Path()) < string(b.Path())
	})
	return out
}

func apSecurityFlags(f client.APSecurity) string {
	var parts []string
	for _, x := range []struct {
		flag client.APSecurity
		name string
	}{
		{client.APSecPairWEP40, "pair_wpe40"}, {client.APSecPairWEP104, "pair_wpe104"},
		{client.APSecPairTKIP, "pair_tkip"}, {client.APSecPairCCMP, "pair_ccmp"},
		{client.APSecGroupWEP40, "group_wpe40"}, {client.APSecGroupWEP104, "group_wpe104"},
		{client.APSecGroupTKIP, "group_tkip"}, {client.APSecGroupCCMP, "group_ccmp"},
		{client.APSecKeyMgmtPSK, "psk"}, {client.APSecKeyMgmt8021X, "802.1X"},
		{client.APSecKeyMgmtSAE, "sae"}, {client.APSecKeyMgmtEAPSuiteB1, "wpa-eap-suite-b-192"},
	} {
		if f&x.flag != 0 {
			parts = append(parts, x.name)
		}
	}
	if f&(client.APSecKeyMgmtOWE|client.APSecKeyMgmtOWETM) != 0 {
		parts = append(parts, "owe")
	}
	if len(parts) == 0 {
		return "(none)"
	}
	return strings.Join(parts, " ")
}

// ssidToUTF8 renders an SSID for display: as is when it is valid UTF-8,
// otherwise with the invalid bytes replaced.
func ssidToUTF8(ssid []byte) string {
	if utf8.Valid(ssid) {
		return string(ssid)
	}
	return strings.ToValidUTF8(string(ssid), "?")
}

// wifiChannel is the channel of a frequency in MHz (0 when unknown).
func wifiChannel(freq uint32) uint32 {
	switch {
	case freq == 2484:
		return 14
	case freq >= 2412 && freq < 2484:
		return (freq - 2407) / 5
	case freq >= 5000 && freq < 5900:
		return (freq - 5000) / 5
	case freq >= 5950 && freq <= 7115:
		return (freq - 5950) / 5
	case freq >= 4915 && freq <= 4980:
		return (freq - 4000) / 5
	}
	return 0
}

// strengthBars draws the signal strength, with block characters when the
// terminal can show them.
func (a *App) strengthBars(strength uint8) string {
	graphics := a.out.utf8 && a.getenv("TERM") != "linux"
	var bars [4]string
	if graphics {
		bars = [4]string{"▂", "▄", "▆", "█"}
	} else {
		bars = [4]string{"*", "*", "*", "*"}
	}
	blank := "_"
	if !graphics {
		blank = " "
	}
	n := 0
	switch {
	case strength > 80:
		n = 4
	case strength > 55:
		n = 3
	case strength > 30:
		n = 2
	case strength > 5:
		n = 1
	}
	var b strings.Builder
	for i := 0; i < 4; i++ {
		if i < n {
			b.WriteString(bars[i])
		} else {
			b.WriteString(blank)
		}
	}
	return b.String()
}

func signalColor(strength uint8) format.Color {
	switch {
	case strength > 80:
		return format.ColorWifiSignalExcellent
	case strength > 55:
		return format.ColorWifiSignalGood
	case strength > 30:
		return format.ColorWifiSignalFair
	case strength > 5:
		return format.ColorWifiSignalPoor
	}
	return format.ColorWifiSignalUnknown
}

// fillAccessPoint adds one access point to a wifi list table.
func (a *App) fillAccessPoint(rows *format.Rows, ap, active *client.AccessPoint, device string, index *int, flags format.RowFlags) {
	isActive := active != nil && active.Object == ap.Object
	wpa, rsn := ap.WpaFlags(), ap.RsnFlags()
	strength := ap.Strength()
	if strength > 100 {
		strength = 100
	}
	var ssid, ssidHex format.Value
	if raw := ap.SSID(); raw != nil || ap.HasSSID() {
		ssid = format.Str(ssidToUTF8(raw))
		if len(raw) > 0 {
			ssidHex = format.Str(strings.ToUpper(hex.EncodeToString(raw)))
		}
	}
	var sec []string
	if apIsWEP(ap) {
		sec = append(sec, "WEP")
	} else {
		if wpa != 0 {
			sec = append(sec, "WPA1")
		}
		if rsn&(client.APSecKeyMgmtPSK|client.APSecKeyMgmt8021X) != 0 {
			sec = append(sec, "WPA2")
		}
		if rsn&client.APSecKeyMgmtSAE != 0 {
			sec = append(sec, "WPA3")
		}
		if rsn&client.APSecKeyMgmtOWE != 0 {
			sec = append(sec, "OWE")
		} else if rsn&client.APSecKeyMgmtOWETM != 0 {
			sec = append(sec, "OWE-TM")
		}
		if (wpa|rsn)&client.APSecKeyMgmt8021X != 0 {
			sec = append(sec, "802.1X")
		}
	}
	mode := "N/A"
	switch ap.Mode() {
	case client.WifiModeAdhoc:
		mode = "Ad-Hoc"
	case client.WifiModeInfra:
		mode = "Infra"
	case client.WifiModeMesh:
		mode = "Mesh"
	}
	*index++
	inUse := " "
	if isActive {
		inUse = "*"
	}
	rows.Add(flags,
		format.Str("AP["+itoa(*index)+"]"),
		ssid, ssidHex,
		format.StrOrNull(ap.BSSID()),
		format.Str(mode),
		format.Str(itoa(int(wifiChannel(ap.Frequency())))),
		format.Str(itoa(int(ap.Frequency()))+" MHz"),
		format.Str(itoa(int(ap.MaxBitrate()/1000))+" Mbit/s"),
		format.Str(itoa(int(strength))),
		format.Str(a.strengthBars(strength)),
		format.Str(strings.Join(sec, " ")),
		format.Str(apSecurityFlags(wpa)),
		format.Str(apSecurityFlags(rsn)),
		format.StrOrNull(device),
		format.Str(boolStr(isActive)),
		format.Str(inUse),
		format.Str(string(ap.Path())),
	)
	color := signalColor(strength)
	if apIsWEP(ap) {
		color = format.ColorWifiDeprecated
	}
	rows.SetColor(color)
	if isActive {
		rows.SetValueColor(15, format.ColorConnectionActivated)
	}
}

// bootTimeMillis is CLOCK_BOOTTIME in milliseconds, the clock of the
// device's LastScan.
func bootTimeMillis() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return time.Now().UnixMilli()
	}
	return ts.Sec*1000 + ts.Nsec/1e6
}

func doWifiList(a *App, _ *command, argv []string) {
	devs := sortedDevices(a.client)
	var ifname, bssid, rescan string
	var haveBSSID, haveRescan bool
	orig := argv
	for {
		opt := a.nextArg(&argv, "ifname", "hwaddr", "bssid", "--rescan")
		if opt <= 0 {
			break
		}
		if !a.takeValue(orig, &argv) {
			return
		}
		switch opt {
		case 1:
			ifname = argv[0]
			if len(argv) == 1 && a.complete {
				a.completeDevice(devs, ifname, true)
			}
		case 2, 3:
			bssid, haveBSSID = argv[0], true
			if len(argv) == 1 && a.complete {
				a.completeAPs(devs, "", bssid, "")
			}
		case 4:
			rescan, haveRescan = argv[0], true
			if len(argv) == 1 && a.complete {
				a.completeStrings(rescan, "auto", "no", "yes")
			}
		}
	}
	if a.complete {
		return
	}
	spec := a.fieldsSpec(fieldsWifiListCommon)
	indices, _, err := format.ParseFields(wifiListFields, spec)
	if err != nil {
		a.setError(ExitUserInput, "Error: 'device wifi': "+err.Error())
		return
	}
	if len(argv) > 0 {
		a.setError(ExitUserInput, "Error: invalid extra argument '"+argv[0]+"'.")
		return
	}
	var cutoff int64
	switch {
	case !haveRescan || rescan == "auto":
		cutoff = bootTimeMillis() - 30000
	case rescan == "no":
		cutoff = -1 << 63
	case rescan == "yes":
		cutoff = bootTimeMillis()
	default:
		a.setError(ExitUserInput, "Error: invalid rescan argument: '"+rescan+"' not among [auto, no, yes]")
		return
	}
	handled := ifname == ""
	var candidate *client.Device
	var wifis []*client.Device
	for _, d := range devs {
		if ifname != "" {
			if d.Interface() != ifname {
				continue
			}
			if !d.IsWifi() {
				if d.Type() == client.DeviceTypeGeneric && d.TypeDescription() == "wifi" {
					candidate = d
				} else if candidate == nil {
					candidate = d
				}
				continue
			}
			handled = true
		} else if !d.IsWifi() {
			continue
		}
		wifis = append(wifis, d)
	}
	if !handled {
		switch {
		case candidate == nil:
			a.setError(ExitNotFound, "Error: Device '"+ifname+"' not found.")
		case candidate.Type() == client.DeviceTypeGeneric && candidate.TypeDescription() == "wifi":
			a.setError(ExitNotFound, "Error: Device '"+ifname+"' was not recognized as a Wi-Fi device, check NetworkManager Wi-Fi plugin.")
		default:
			a.setError(ExitNotFound, "Error: Device '"+ifname+"' is not a Wi-Fi device.")
		}
		return
	}
	a.printer.JSONList()
	if len(wifis) == 0 {
		if haveBSSID {
			a.setError(ExitNotFound, "Error: Access point with bssid '"+bssid+"' not found.")
		}
		return
	}
	pending := len(wifis)
	a.shouldWait++
	finish := func() {
		pending--
		if pending > 0 {
			return
		}
		found := false
		empty := false
		for _, d := range wifis {
			a.wifiPrintAPs(d, indices, bssid, haveBSSID, &found, &empty)
		}
		if haveBSSID && !found {
			a.setError(ExitNotFound, "Error: Access point with bssid '"+bssid+"' not found.")
		}
		a.quit()
	}
	for _, d := range wifis {
		a.waitScan(d, cutoff, finish)
	}
}

// waitScan calls done once the device has scan results newer than cutoff
// (requesting a scan if needed), or after 15 seconds.
func (a *App) waitScan(d *client.Device, cutoff int64, done func()) {
	lastScan := func() int64 {
		if t := d.LastScan(); t != -1 {
			return t
		}
		return -1 << 63
	}
	if cutoff <= lastScan() {
		a.loop.Post(done)
		return
	}
	finished := false
	var unsub func()
	var timer interface{ Stop() bool }
	end := func(force bool) {
		if finished || (!force && cutoff > lastScan()) {
			return
		}
		finished = true
		unsub()
		timer.Stop()
		done()
	}
	unsub = a.client.Subscribe(func(ev client.Event) {
		if ev.Object == d.Object && ev.HasChanged("org.freedesktop.NetworkManager.Device.Wireless", "LastScan") {
			end(false)
		}
	})
	timer = a.loop.AfterFunc(15*time.Second, func() { end(true) })
	var request func()
	request = func() {
		d.RequestScanAsync(context.Background(), nil, func(err error) {
			if finished {
				return
			}
			switch {
			case errors.Is(err, client.ErrDeviceNotAllowed):
				if d.State() < client.DeviceStateDisconnected {
					end(true)
					return
				}
				// A scan is running or scans are rate-limited: ask again.
				a.loop.AfterFunc(time.Second, func() {
					if !finished {
						request()
					}
				})
			case err != nil:
				end(true)
			default:
				end(false)
			}
		})
	}
	request()
}

func (a *App) wifiPrintAPs(d *client.Device, indices []int, bssid string, haveBSSID bool, found, emptyLine *bool) {
	if a.wifiListPrinted && !a.printer.JSON() {
		a.print("\n")
	}
	header := "Wi-Fi scan list (" + d.Interface() + ")"
	rows := format.NewRows(wifiListFields)
	n := 0
	if haveBSSID {
		var match *client.AccessPoint
		for _, ap := range d.AccessPoints() {
			if hwaddrMatches(bssid, ap.BSSID()) {
				match = ap
			}
		}
		if match == nil {
			return
		}
		rows.Header(format.MainHeaderAdd)
		a.fillAccessPoint(rows, match, nil, d.Interface(), &n, 0)
		a.printer.PrintRows(indices, header, rows)
		*found = true
		a.wifiListPrinted = true
		return
	}
	var active *client.AccessPoint
	if d.State() == client.DeviceStateActivated {
		active = d.ActiveAccessPoint()
	}
	rows.Header(format.MainHeaderAdd)
	for _, ap := range sortAccessPoints(d.AccessPoints()) {
		a.fillAccessPoint(rows, ap, active, d.Interface(), &n, 0)
	}
	a.printer.PrintRows(indices, header, rows)
	a.wifiListPrinted = true
}

// hwaddrMatches compares two MAC addresses in any common notation.
func hwaddrMatches(a, b string) bool {
	pa, ea := parseHWAddr(a)
	pb, eb := parseHWAddr(b)
	return ea == nil && eb == nil && string(pa) == string(pb)
}

// parseHWAddr reads a 6-byte MAC address ("aa:bb:cc:dd:ee:ff", '-' also
// accepted as separator, one-digit bytes allowed).
func parseHWAddr(s string) ([]byte, error) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ':' || r == '-' })
	if len(parts) != 6 || strings.Count(s, ":")+strings.Count(s, "-") != 5 {
		return nil, errors.New("invalid hardware address")
	}
	out := make([]byte, 6)
	for i, p := range parts {
		if len(p) < 1 || len(p) > 2 {
			return nil, errors.New("invalid hardware address")
		}
		b, err := hex.DecodeString(strings.Repeat("0", 2-len(p)) + p)
		if err != nil {
			return nil, err
		}
		out[i] = b[0]
	}
	return out, nil
}

// findWifiDevice returns the first Wi-Fi device at or after *idx (named
// ifname, when given) and advances *idx past it.
func findWifiDevice(devs []*client.Device, ifname string, idx *int) *client.Device {
	i := 0
	if idx != nil {
		i = *idx
	}
	for ; i < len(devs); i++ {
		if !devs[i].IsWifi() {
			continue
		}
		if ifname == "" || devs[i].Interface() == ifname {
			break
		}
	}
	if idx != nil {
		*idx = i + 1
	}
	if i < len(devs) {
		return devs[i]
	}
	return nil
}

// findAP finds an access point on a Wi-Fi device by BSSID and/or SSID; in
// completion mode it prints matching candidates instead.
func (a *App) findAP(d *client.Device, bssid, ssid string, complete bool) *client.AccessPoint {
	for _, ap := range d.AccessPoints() {
		if bssid != "" {
			cb := ap.BSSID()
			if cb == "" {
				continue
			}
			if complete {
				if strings.HasPrefix(cb, bssid) {
					a.print(cb + "\n")
				}
			} else if bssid != cb {
				continue
			}
		}
		if ssid != "" {
			if !ap.HasSSID() {
				continue
			}
			s := ssidToUTF8(ap.SSID())
			if complete {
				if strings.HasPrefix(s, ssid) {
					a.print(s + "\n")
				}
			} else if ssid != s {
				continue
			}
		}
		if complete {
			continue
		}
		return ap
	}
	return nil
}

func (a *App) completeAPs(devs []*client.Device, ifname, bssid, ssid string) {
	idx := 0
	for {
		d := findWifiDevice(devs, ifname, &idx)
		if d == nil {
			return
		}
		a.findAP(d, bssid, ssid, true)
	}
}

func doWifiConnect(a *App, _ *command, argv []string) {
	if a.timeout == -1 {
		a.timeout = 90
	}
	devs := sortedDevices(a.client)
	a.nextArg(&argv)
	var param string
	var bssid1 []byte
	if len(argv) > 0 {
		param = argv[0]
		bssid1, _ = parseHWAddr(param)
		if len(argv) == 1 && a.complete {
			a.completeAPs(devs, "", param, param)
		}
		a.nextArg(&argv)
	} else {
		if a.ask {
			param = a.readline("SSID or BSSID: ")
			bssid1, _ = parseHWAddr(param)
		}
		if param == "" {
			a.setError(ExitUserInput, "Error: SSID or BSSID are missing.")
			return
		}
	}
	var ifname, bssid, password, conName string
	var bssid2 []byte
	var private, hidden, wepPassphrase bool
	orig := argv
	for len(argv) > 0 {
		if len(argv) == 1 && a.complete {
			a.completeStrings(argv[0], "ifname", "bssid", "password", "wep-key-type", "name", "private", "hidden")
		}
		key := argv[0]
		switch key {
		case "ifname", "bssid", "password", "wep-key-type", "name", "private", "hidden":
			if !a.takeValue(orig, &argv) {
				return
			}
		}
		val := ""
		if len(argv) > 0 {
			val = argv[0]
		}
		switch key {
		case "ifname":
			ifname = val
			if len(argv) == 1 && a.complete {
				a.completeDevice(devs, ifname, true)
			}
		case "bssid":
			bssid = val
			if len(argv) == 1 && a.complete {
				a.completeAPs(devs, "", bssid, "")
			}
			b, err := parseHWAddr(bssid)
			if err != nil {
				a.setError(ExitUserInput, "Error: bssid argument value '"+bssid+"' is not a valid BSSID.")
				return
			}
			bssid2 = b
		case "password":
			password = val
		case "wep-key-type":
			if len(argv) == 1 && a.complete {
				a.completeStrings(val, "key", "phrase")
			}
			switch val {
			case "key":
				wepPassphrase = false
			case "phrase":
				wepPassphrase = true
			default:
				a.setError(ExitUserInput, "Error: wep-key-type argument value '"+val+"' is invalid, use 'key' or 'phrase'.")
				return
			}
		case "name":
			conName = val
		case "private", "hidden":
			if len(argv) == 1 && a.complete {
				a.completeBool(val)
			}
			b, err := parseBool(val)
			if err != nil {
				a.setError(ExitUserInput, "Error: "+key+": "+err.Error()+".")
				return
			}
			if key == "private" {
				private = b
			} else {
				hidden = b
			}
		default:
			if !a.complete {
				a.setError(ExitUserInput, "Error: invalid extra argument '"+key+"'.")
				return
			}
		}
		a.nextArg(&argv)
	}
	if a.complete {
		return
	}
	if bssid1 != nil && bssid2 != nil && string(bssid1) != string(bssid2) {
		a.setError(ExitUserInput, "Error: BSSID to connect to ("+param+") differs from bssid argument ("+bssid+").")
		return
	}
	if bssid1 == nil && len(param) > 32 {
		a.setError(ExitUserInput, "Error: Parameter '"+param+"' is neither SSID nor BSSID.")
		return
	}
	idx := 0
	dev := findWifiDevice(devs, ifname, &idx)
	if dev == nil {
		if ifname != "" {
			a.setError(ExitUnknown, "Error: Device '"+ifname+"' is not a Wi-Fi device.")
		} else {
			a.setError(ExitUnknown, "Error: No Wi-Fi device found.")
		}
		return
	}
	if hidden {
		opts := map[string]dbus.Variant{"ssids": dbus.MakeVariant([][]byte{[]byte(param)})}
		if err := a.client.Call(context.Background(), dev.Path(), "org.freedesktop.NetworkManager.Device.Wireless.RequestScan",
			[]any{opts}); err != nil {
			a.setError(ExitNotFound, "Error: Failed to scan hidden SSID: "+err.Error()+".")
			return
		}
	}
	apBSSID, apSSID := bssid, param
	if bssid1 != nil {
		apBSSID, apSSID = param, ""
	}
	ap := a.findAP(dev, apBSSID, apSSID, false)
	if ap == nil && ifname == "" {
		for {
			d := findWifiDevice(devs, "", &idx)
			if d == nil {
				break
			}
			if ap = a.findAP(d, apBSSID, apSSID, false); ap != nil {
				dev = d
				break
			}
		}
	}
	if ap == nil {
		if bssid1 == nil {
			a.setError(ExitNotFound, "Error: No network with SSID '"+param+"' found.")
		} else {
			a.setError(ExitNotFound, "Error: No access point with BSSID '"+param+"' found.")
		}
		return
	}
	var existing *client.Connection
	nameMatch := false
	for _, c := range dev.AvailableConnections() {
		if conName != "" {
			if c.ID() != conName {
				continue
			}
			nameMatch = true
		}
		if apConnectionValid(ap, c.Settings()) {
			existing = c
			break
		}
	}
	if nameMatch && existing == nil {
		a.setError(ExitNotFound, "Error: Connection '"+conName+"' exists but properties don't match.")
		return
	}
	var settings client.Settings
	if existing != nil {
		settings = existing.Settings()
	}
	newSettings := client.Settings{}
	if existing == nil {
		if conName != "" || private {
			con := map[string]dbus.Variant{}
			if conName != "" {
				con["id"] = dbus.MakeVariant(conName)
			}
			if private {
				con["permissions"] = dbus.MakeVariant([]string{"user:" + currentUser() + ":"})
			}
			newSettings["connection"] = con
		}
		if bssid2 != nil || hidden {
			w := map[string]dbus.Variant{}
			if bssid2 != nil {
				w["bssid"] = dbus.MakeVariant(bssid2)
			}
			if hidden {
				w["ssid"] = dbus.MakeVariant([]byte(param))
				w["hidden"] = dbus.MakeVariant(true)
				if bssid1 != nil {
					a.printErr("Warning: '" + param + "' should be SSID for hidden APs; but it looks like a BSSID.\n")
				}
			}
			newSettings["802-11-wireless"] = w
		}
	}
	flags, wpa, rsn := ap.Flags(), ap.WpaFlags(), ap.RsnFlags()
	owe := client.APSecKeyMgmtOWE | client.APSecKeyMgmtOWETM
	if flags&client.APFlagPrivacy != 0 || (wpa != 0 && wpa&owe == 0) || (rsn != 0 && rsn&owe == 0) {
		conPassword := ""
		if settings != nil && settings.Has("802-11-wireless-security") {
			if wpa == 0 && rsn == 0 {
				conPassword = settings.Str("802-11-wireless-security", "wep-key0")
			} else if (wpa|rsn)&client.APSecKeyMgmtPSK != 0 || rsn&client.APSecKeyMgmtSAE != 0 {
				conPassword = settings.Str("802-11-wireless-security", "psk")
			}
		}
		if password == "" && conPassword == "" && a.ask {
			password = a.readlineEcho(a.showSecrets, "Password: ")
			if a.silentExit {
				return
			}
		}
		if password != "" {
			sec := map[string]dbus.Variant{}
			if wpa == 0 && rsn == 0 {
				sec["wep-key0"] = dbus.MakeVariant(password)
				kt := uint32(1)
				if wepPassphrase {
					kt = 2
				}
				sec["wep-key-type"] = dbus.MakeVariant(kt)
			} else if (wpa|rsn)&client.APSecKeyMgmtPSK != 0 || rsn&client.APSecKeyMgmtSAE != 0 {
				sec["psk"] = dbus.MakeVariant(password)
			}
			if existing != nil {
				settings = mergeSettings(settings, client.Settings{"802-11-wireless-security": sec})
			} else {
				newSettings["802-11-wireless-security"] = sec
			}
		}
	}
	a.nowait = a.timeout == 0
	a.shouldWait++
	a.saveAndActivate(dev, existing, settings, newSettings, false, ap.Path())
}

func currentUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return ""
}

// mergeSettings returns base with the settings of extra added or merged.
func mergeSettings(base, extra client.Settings) client.Settings {
	out := client.Settings{}
	for k, v := range base {
		m := map[string]dbus.Variant{}
		for pk, pv := range v {
			m[pk] = pv
		}
		out[k] = m
	}
	for k, v := range extra {
		m := out[k]
		if m == nil {
			m = map[string]dbus.Variant{}
			out[k] = m
		}
		for pk, pv := range v {
			m[pk] = pv
		}
	}
	return out
}

// apConnectionValid checks that a Wi-Fi profile fits an access point:
// same SSID, same BSSID when it pins one, compatible security.
func apConnectionValid(ap *client.AccessPoint, s client.Settings) bool {
	if s.Type() != "802-11-wireless" {
		return false
	}
	if string(s.Bytes("802-11-wireless", "ssid")) != string(ap.SSID()) {
		return false
	}
	if b := s.Bytes("802-11-wireless", "bssid"); len(b) > 0 {
		apb, err := parseHWAddr(ap.BSSID())
		if err != nil || string(apb) != string(b) {
			return false
		}
	}
	mode := s.Str("802-11-wireless", "mode")
	switch {
	case mode == "adhoc" && ap.Mode() != client.WifiModeAdhoc:
		return false
	case (mode == "" || mode == "infrastructure") && ap.Mode() != client.WifiModeInfra:
		return false
	case mode == "mesh" && ap.Mode() != client.WifiModeMesh:
		return false
	}
	secured := ap.Flags()&client.APFlagPrivacy != 0 || ap.WpaFlags() != 0 || ap.RsnFlags() != 0
	hasSec := s.Has("802-11-wireless-security")
	return secured == hasSec || ap.RsnFlags()&(client.APSecKeyMgmtOWE|client.APSecKeyMgmtOWETM) != 0
}

// saveAndActivate activates an existing profile (updated first with
// settings) or adds and activates a new one.
func (a *App) saveAndActivate(dev *client.Device, existing *client.Connection, settings, newSettings client.Settings, hotspot bool, specific dbus.ObjectPath) {
	act := &activation{a: a, dev: dev}
	if existing != nil {
		_, err := existing.Update2(context.Background(), settings, client.Update2BlockAutoconnect, nil)
		if err != nil {
			a.setError(ExitUnknown, "Error: "+err.Error()+".")
			a.quitWithProgress()
			return
		}
		a.client.ActivateConnectionAsync(context.Background(), existing, dev, specific, act.added(false, hotspot))
		return
	}
	a.client.AddAndActivateConnectionAsync(context.Background(), newSettings, dev, specific, act.added(true, hotspot))
}

func doWifiHotspot(a *App, _ *command, argv []string) {
	if a.timeout == -1 {
		a.timeout = 60
	}
	devs := sortedDevices(a.client)
	var ifname, conName, band, channel, password string
	var ssid []byte
	haveSSID := false
	showPassword := false
	a.nextArg(&argv)
	orig := argv
	for len(argv) > 0 {
		if len(argv) == 1 && a.complete {
			a.completeStrings(argv[0], "ifname", "con-name", "ssid", "band", "channel", "password")
		}
		key := argv[0]
		switch key {
		case "ifname", "con-name", "ssid", "band", "channel", "password":
			if !a.takeValue(orig, &argv) {
				return
			}
		}
		switch key {
		case "ifname":
			ifname = argv[0]
			if len(argv) == 1 && a.complete {
				a.completeDevice(devs, ifname, true)
			}
		case "con-name":
			conName = argv[0]
		case "ssid":
			if len(argv[0]) > 32 {
				a.setError(ExitUserInput, "Error: ssid is too long.")
				return
			}
			ssid, haveSSID = []byte(argv[0]), true
		case "band":
			band = argv[0]
			if len(argv) == 1 && a.complete {
				a.completeStrings(band, "a", "bg")
			}
			if band != "a" && band != "bg" {
				a.setError(ExitUserInput, "Error: band argument value '"+band+"' is invalid; use 'a' or 'bg'.")
				return
			}
		case "channel":
			channel = argv[0]
		case "password":
			password = argv[0]
		default:
			if argIsOption(key, "show-password") {
				showPassword = true
			} else {
				a.setError(ExitUserInput, "Error: invalid extra argument '"+key+"'.")
				return
			}
		}
		a.nextArg(&argv)
	}
	showPassword = showPassword || a.showSecrets
	if a.complete {
		return
	}
	if channel == "" {
		switch band {
		case "bg":
			channel = "1"
		case "a":
			channel = "7"
		}
	}
	channelNum := int64(-1)
	if channel != "" {
		if band == "" {
			a.setError(ExitUserInput, "Error: channel requires band too.")
			return
		}
		v, ok := parseUint(channel, 1, 5825)
		if !ok || !wifiChannelValid(uint32(v), band) {
			a.setError(ExitUserInput, "Error: channel '"+channel+"' not valid for band '"+band+"'.")
			return
		}
		channelNum = int64(v)
	}
	dev := findWifiDevice(devs, ifname, nil)
	if dev == nil {
		if ifname != "" {
			a.setError(ExitUnknown, "Error: Device '"+ifname+"' is not a Wi-Fi device.")
		} else {
			a.setError(ExitUnknown, "Error: No Wi-Fi device found.")
		}
		return
	}
	caps := dev.WifiCapabilities()
	var mode string
	switch {
	case caps&client.WifiCapAP != 0:
		mode = "ap"
	case caps&client.WifiCapAdhoc != 0:
		mode = "adhoc"
	default:
		a.setError(ExitUnknown, "Error: Device '"+dev.Interface()+"' supports neither AP nor Ad-Hoc mode.")
		return
	}
	var existing *client.Connection
	for _, c := range a.client.Connections() {
		s := c.Settings()
		if !s.Has("802-11-wireless") {
			continue
		}
		if channelNum != -1 && s.Int("802-11-wireless", "channel", 0) != channelNum {
			continue
		}
		if s.Str("802-11-wireless", "mode") != mode {
			continue
		}
		if band != "" && s.Str("802-11-wireless", "band") != band {
			continue
		}
		if haveSSID && string(s.Bytes("802-11-wireless", "ssid")) != string(ssid) {
			continue
		}
		existing = c
		break
	}
	var newSettings client.Settings
	if existing == nil {
		if !haveSSID {
			host, _ := os.Hostname()
			s := "Hotspot-" + host
			if len(s) > 32 {
				s = s[:32]
			}
			ssid = []byte(s)
		}
		name := conName
		if name == "" {
			name = uniqueConnectionName(a.client.Connections(), "Hotspot")
		}
		w := map[string]dbus.Variant{"mode": dbus.MakeVariant(mode), "ssid": dbus.MakeVariant(ssid)}
		if channelNum != -1 {
			w["channel"] = dbus.MakeVariant(uint32(channelNum))
			w["band"] = dbus.MakeVariant(band)
		}
		newSettings = client.Settings{
			"connection":               {"id": dbus.MakeVariant(name), "autoconnect": dbus.MakeVariant(false)},
			"802-11-wireless":          w,
			"802-11-wireless-security": {},
			"ipv4":                     {"method": dbus.MakeVariant("shared")},
			"ipv6":                     {"method": dbus.MakeVariant("ignore")},
			"proxy":                    {"method": dbus.MakeVariant(int32(0))},
		}
	}
	settings := newSettings
	if existing != nil {
		settings = existing.Settings()
	}
	if password != "" || existing == nil {
		sec, err := a.hotspotSecurity(mode, caps, password, showPassword)
		if err != nil {
			a.setError(ExitUnknown, "Error: Invalid 'password': "+err.Error()+".")
			return
		}
		settings = mergeSettings(settings, client.Settings{"802-11-wireless-security": sec})
		if existing == nil {
			newSettings = settings
		}
	}
	a.nowait = a.timeout == 0
	a.shouldWait++
	a.saveAndActivate(dev, existing, settings, newSettings, true, "")
}

func (a *App) hotspotSecurity(mode string, caps client.WifiCapabilities, password string, show bool) (map[string]dbus.Variant, error) {
	sec := map[string]dbus.Variant{}
	keyMgmt := "none"
	if mode == "ap" {
		switch {
		case caps&client.WifiCapRSN != 0:
			sec["proto"] = dbus.MakeVariant([]string{"rsn"})
			sec["pairwise"] = dbus.MakeVariant([]string{"ccmp"})
			sec["group"] = dbus.MakeVariant([]string{"ccmp"})
			keyMgmt = "wpa-psk"
		case caps&client.WifiCapWPA != 0:
			sec["proto"] = dbus.MakeVariant([]string{"wpa"})
			sec["pairwise"] = dbus.MakeVariant([]string{"tkip"})
			sec["group"] = dbus.MakeVariant([]string{"tkip"})
			keyMgmt = "wpa-psk"
		}
	}
	var key string
	if keyMgmt == "wpa-psk" {
		if password != "" {
			if !wpaPSKValid(password) {
				return nil, errors.New("'" + password + "' is not valid WPA PSK")
			}
			key = password
		} else {
			key = randomKey(8, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
		}
		sec["key-mgmt"] = dbus.MakeVariant(keyMgmt)
		sec["psk"] = dbus.MakeVariant(key)
	} else {
		if password != "" {
			if !wepKeyValid(password) {
				return nil, errors.New("'" + password + "' is not valid WEP key (it should be 5 or 13 ASCII chars)")
			}
			key = password
		} else {
			key = randomKey(10, "0123456789abcdef")
		}
		sec["key-mgmt"] = dbus.MakeVariant(keyMgmt)
		sec["wep-key0"] = dbus.MakeVariant(key)
		sec["wep-key-type"] = dbus.MakeVariant(uint32(1))
	}
	if show {
		a.print("Hotspot password: " + key + "\n")
	}
	return sec, nil
}

func randomKey(n int, alphabet string) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// wpaPSKValid: 8 to 63 ASCII characters, or 64 hex digits.
func wpaPSKValid(psk string) bool {
	if len(psk) == 64 {
		_, err := hex.DecodeString(psk)
		return err == nil
	}
	if len(psk) < 8 || len(psk) > 63 {
		return false
	}
	for i := 0; i < len(psk); i++ {
		if psk[i] >= 0x80 {
			return false
		}
	}
	return true
}

// wepKeyValid: a WEP key given as key, 10 or 26 hex digits or 5 or 13
// ASCII characters.
func wepKeyValid(key string) bool {
	switch len(key) {
	case 10, 26:
		_, err := hex.DecodeString(key)
		return err == nil
	case 5, 13:
		for i := 0; i < len(key); i++ {
			if key[i] < 0x20 || key[i] >= 0x7f {
				return false
			}
		}
		return true
	}
	return false
}

// wifiChannelValid reports whether a channel exists in a band.
func wifiChannelValid(ch uint32, band string) bool {
	var valid []uint32
	if band == "a" {
		valid = []uint32{7, 8, 9, 11, 12, 16, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 54, 56, 58, 60, 62, 64,
			100, 102, 104, 106, 108, 110, 112, 114, 116, 118, 120, 122, 124, 126, 128, 132, 134, 136, 138,
			140, 142, 144, 149, 151, 153, 155, 157, 159, 161, 165, 183, 184, 185, 187, 188, 189, 192, 196}
	} else {
		valid = []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}
	}
	for _, v := range valid {
		if v == ch {
			return true
		}
	}
	return false
}

// uniqueConnectionName returns name, or name-N with the first N that no
// profile uses.
func uniqueConnectionName(cons []*client.Connection, name string) string {
	try := name
	n := 1
	for i := 0; i < len(cons); {
		if cons[i].ID() == try {
			try = name + "-" + itoa(n)
			n++
			i = 0
			continue
		}
		i++
	}
	return try
}

func doWifiRescan(a *App, _ *command, argv []string) {
	devs := sortedDevices(a.client)
	var ifname string
	var ssids [][]byte
	a.nextArg(&argv)
	orig := argv
	for len(argv) > 0 {
		if len(argv) == 1 && a.complete {
			a.completeStrings(argv[0], "ifname", "ssid")
		}
		switch argv[0] {
		case "ifname":
			if !a.wifiIfnameArg(orig, &argv, &ifname, devs) {
				return
			}
		case "ssid":
			if !a.takeValue(orig, &argv) {
				return
			}
			ssids = append(ssids, []byte(argv[0]))
		default:
			if !a.complete {
				a.setError(ExitUserInput, "Error: invalid extra argument '"+argv[0]+"'.")
				return
			}
		}
		a.nextArg(&argv)
	}
	if a.complete {
		return
	}
	dev := findWifiDevice(devs, ifname, nil)
	if dev == nil {
		if ifname != "" {
			a.setError(ExitUnknown, "Error: Device '"+ifname+"' is not a Wi-Fi device.")
		} else {
			a.setError(ExitUnknown, "Error: No Wi-Fi device found.")
		}
		return
	}
	var opts map[string]dbus.Variant
	if len(ssids) > 0 {
		opts = map[string]dbus.Variant{"ssids": dbus.MakeVariant(ssids)}
	}
	a.shouldWait++
	dev.RequestScanAsync(context.Background(), opts, func(err error) {
		if err != nil {
			a.setError(ExitUnknown, "Error: "+err.Error()+".")
		}
		a.quit()
	})
}

// wifiIfnameArg reads the value of an "ifname" argument (*argv starts at
// the keyword) for the Wi-Fi commands that take it at most once, completing
// Wi-Fi device names. It returns false after an error.
func (a *App) wifiIfnameArg(orig []string, argv *[]string, ifname *string, devs []*client.Device) bool {
	if *ifname != "" {
		a.setError(ExitUserInput, "Error: '"+prevWord(orig, *argv)+"' cannot repeat.")
		return false
	}
	if !a.takeValue(orig, argv) {
		return false
	}
	*ifname = (*argv)[0]
	if len(*argv) == 1 && a.complete {
		a.completeDevice(devs, *ifname, true)
	}
	return true
}

func doWifiShowPassword(a *App, _ *command, argv []string) {
	devs := sortedDevices(a.client)
	var ifname string
	a.nextArg(&argv)
	orig := argv
	for len(argv) > 0 {
		if len(argv) == 1 && a.complete {
			a.completeStrings(argv[0], "ifname")
		}
		if argv[0] == "ifname" {
			if !a.wifiIfnameArg(orig, &argv, &ifname, devs) {
				return
			}
		} else if !a.complete {
			a.setError(ExitUserInput, "Error: invalid extra argument '"+argv[0]+"'.")
			return
		}
		a.nextArg(&argv)
	}
	if a.complete {
		return
	}
	found := false
	for _, d := range devs {
		if ifname != "" && d.Interface() != ifname {
			continue
		}
		if err := a.wifiShowDevice(d); err == nil {
			found = true
		} else if ifname != "" {
			a.setError(ExitUnknown, err.Error())
			return
		}
		if ifname != "" {
			break
		}
	}
	if !found {
		a.setError(ExitUnknown, "Error: No Wi-Fi device found.")
	}
}

func (a *App) wifiShowDevice(d *client.Device) error {
	if !d.IsWifi() {
		return errors.New("Error: Device '" + d.Interface() + "' is not a Wi-Fi device.")
	}
	settings, _, err := d.GetAppliedConnection(context.Background())
	if err != nil {
		return err
	}
	ac := d.ActiveConnection()
	if ac == nil {
		return errors.New("no active connection on device '" + d.Interface() + "'")
	}
	if cn := ac.Connection(); cn != nil {
		if secrets, err := cn.GetSecrets(context.Background(), "802-11-wireless-security"); err == nil {
			settings = mergeSettings(settings, secrets)
		}
	}
	ssidBytes := settings.Bytes("802-11-wireless", "ssid")
	if ssidBytes == nil {
		return errors.New("no SSID")
	}
	ssid := ssidToUTF8(ssidBytes)
	a.print("SSID: " + ssid + "\n")
	keyMgmt := settings.Str("802-11-wireless-security", "key-mgmt")
	psk := settings.Str("802-11-wireless-security", "psk")
	hasSec := settings.Has("802-11-wireless-security")
	typ := ""
	switch {
	case !hasSec || keyMgmt == "":
		typ = "nopass"
		a.print("Security: None\n")
	case keyMgmt == "none" || keyMgmt == "ieee8021x":
		typ = "WEP"
		a.print("Security: WEP\n")
	case keyMgmt == "wpa-none" || keyMgmt == "wpa-psk" || keyMgmt == "sae":
		typ = "WPA"
		a.print("Security: WPA\n")
	case keyMgmt == "owe":
		typ = "nopass"
		a.print("Security: OWE\n")
	}
	if psk != "" {
		a.print("Password: " + psk + "\n")
	}
	// The QR code nmcli draws with colors on needs a QR encoder, which
	// gonm's nmcli does not have yet; the text above is complete without it.
	_ = typ
	a.print("\n")
	return nil
}
