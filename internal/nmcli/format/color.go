package format

import (
	"fmt"
	"strings"
)

// Color names what a value means for coloring (NetworkManager's
// NMMetaColor); the palette maps it to an ANSI SGR sequence.
type Color int

// The colors, in NetworkManager's order.
const (
	ColorNone Color = iota
	ColorConnectionActivated
	ColorConnectionActivating
	ColorConnectionDisconnecting
	ColorConnectionInvisible
	ColorConnectionExternal
	ColorConnectionUnknown
	ColorConnectionDeprecated
	ColorConnectivityFull
	ColorConnectivityLimited
	ColorConnectivityNone
	ColorConnectivityPortal
	ColorConnectivityUnknown
	ColorDeviceActivated
	ColorDeviceActivating
	ColorDeviceDisconnected
	ColorDeviceFirmwareMissing
	ColorDevicePluginMissing
	ColorDeviceUnavailable
	ColorDeviceDisabled
	ColorDeviceExternal
	ColorDeviceUnknown
	ColorManagerRunning
	ColorManagerStarting
	ColorManagerStopped
	ColorPermissionAuth
	ColorPermissionNo
	ColorPermissionUnknown
	ColorPermissionYes
	ColorPrompt
	ColorStateAsleep
	ColorStateConnectedGlobal
	ColorStateConnectedLocal
	ColorStateConnectedSite
	ColorStateConnecting
	ColorStateDisconnected
	ColorStateDisconnecting
	ColorStateUnknown
	ColorWifiSignalExcellent
	ColorWifiSignalFair
	ColorWifiSignalGood
	ColorWifiSignalPoor
	ColorWifiSignalUnknown
	ColorWifiDeprecated
	ColorDisabled
	ColorEnabled
	numColors
)

// colorNames are the names a terminal-colors.d(5) scheme file uses.
var colorNames = map[string]Color{
	"connection-activated":     ColorConnectionActivated,
	"connection-activating":    ColorConnectionActivating,
	"connection-disconnecting": ColorConnectionDisconnecting,
	"connection-external":      ColorConnectionExternal,
	"connection-invisible":     ColorConnectionInvisible,
	"connection-unknown":       ColorConnectionUnknown,
	"connection-deprecated":    ColorConnectionDeprecated,
	"connectivity-full":        ColorConnectivityFull,
	"connectivity-limited":     ColorConnectivityLimited,
	"connectivity-none":        ColorConnectivityNone,
	"connectivity-portal":      ColorConnectivityPortal,
	"connectivity-unknown":     ColorConnectivityUnknown,
	"device-activated":         ColorDeviceActivated,
	"device-activating":        ColorDeviceActivating,
	"device-disabled":          ColorDeviceDisabled,
	"device-disconnected":      ColorDeviceDisconnected,
	"device-external":          ColorDeviceExternal,
	"device-firmware-missing":  ColorDeviceFirmwareMissing,
	"device-plugin-missing":    ColorDevicePluginMissing,
	"device-unavailable":       ColorDeviceUnavailable,
	"device-unknown":           ColorDeviceUnknown,
	"disabled":                 ColorDisabled,
	"enabled":                  ColorEnabled,
	"manager-running":          ColorManagerRunning,
	"manager-starting":         ColorManagerStarting,
	"manager-stopped":          ColorManagerStopped,
	"permission-auth":          ColorPermissionAuth,
	"permission-no":            ColorPermissionNo,
	"permission-unknown":       ColorPermissionUnknown,
	"permission-yes":           ColorPermissionYes,
	"prompt":                   ColorPrompt,
	"state-asleep":             ColorStateAsleep,
	"state-connected-global":   ColorStateConnectedGlobal,
	"state-connected-local":    ColorStateConnectedLocal,
	"state-connected-site":     ColorStateConnectedSite,
	"state-connecting":         ColorStateConnecting,
	"state-disconnected":       ColorStateDisconnected,
	"state-disconnecting":      ColorStateDisconnecting,
	"state-unknown":            ColorStateUnknown,
	"wifi-signal-excellent":    ColorWifiSignalExcellent,
	"wifi-signal-fair":         ColorWifiSignalFair,
	"wifi-signal-good":         ColorWifiSignalGood,
	"wifi-signal-poor":         ColorWifiSignalPoor,
	"wifi-signal-unknown":      ColorWifiSignalUnknown,
	"wifi-deprecated":          ColorWifiDeprecated,
}

// colorAliases are the color words a scheme file may use instead of raw
// SGR parameters.
var colorAliases = map[string]string{
	"black": "30", "blink": "5", "blue": "34", "bold": "1", "brown": "33",
	"cyan": "36", "darkgray": "90", "gray": "37", "green": "32",
	"halfbright": "2", "lightblue": "94", "lightcyan": "96", "lightgray": "97",
	"lightgreen": "92", "lightmagenta": "95", "lightred": "91", "magenta": "35",
	"red": "31", "reset": "0", "reverse": "7", "underscore": "4",
	"white": "1;37", "yellow": "33",
}

// Palette maps each Color to its SGR parameters; an empty entry means the
// value is printed without color.
type Palette [numColors]string

// DefaultPalette is nmcli's built-in palette.
func DefaultPalette() Palette {
	var p Palette
	for c, seq := range map[Color]string{
		ColorConnectionActivated: "32", ColorConnectionActivating: "33",
		ColorConnectionDisconnecting: "31", ColorConnectionInvisible: "2",
		ColorConnectionExternal: "32;2", ColorConnectionDeprecated: "2",
		ColorConnectivityFull: "32", ColorConnectivityLimited: "33",
		ColorConnectivityNone: "31", ColorConnectivityPortal: "33",
		ColorDeviceActivated: "32", ColorDeviceActivating: "33",
		ColorDeviceDisconnected: "31", ColorDeviceFirmwareMissing: "31",
		ColorDevicePluginMissing: "31", ColorDeviceUnavailable: "2",
		ColorDeviceDisabled: "31", ColorDeviceExternal: "32;2",
		ColorManagerRunning: "32", ColorManagerStarting: "33", ColorManagerStopped: "31",
		ColorPermissionAuth: "33", ColorPermissionNo: "31", ColorPermissionYes: "32",
		ColorStateAsleep: "31", ColorStateConnectedGlobal: "32",
		ColorStateConnectedLocal: "32", ColorStateConnectedSite: "32",
		ColorStateConnecting: "33", ColorStateDisconnected: "31",
		ColorStateDisconnecting: "33", ColorWifiSignalExcellent: "32",
		ColorWifiSignalFair: "35", ColorWifiSignalGood: "33", ColorWifiSignalPoor: "36",
		ColorWifiSignalUnknown: "2", ColorWifiDeprecated: "2",
		ColorEnabled: "32", ColorDisabled: "31",
	} {
		p[c] = seq
	}
	return p
}

// Colorize wraps s in the palette's sequence for c, or returns s as is
// when colors are off or c has no sequence.
func (p *Palette) Colorize(use bool, c Color, s string) string {
	if !use || c <= ColorNone || c >= numColors || p[c] == "" {
		return s
	}
	return "\x1b[" + p[c] + "m" + s + "\x1b[0m"
}

func isSeparator(b byte) bool { return b == ' ' || b == '\t' }

// isGraph is C's isgraph() for ASCII: printable, not space.
func isGraph(b byte) bool { return b > ' ' && b < 0x7f }

// ParseScheme reads a terminal-colors.d(5) scheme: lines of "name
// sequence", comments starting with '#'. Unknown names are ignored; a
// malformed line fails the whole scheme, as in nmcli, which then keeps its
// built-in palette.
func ParseScheme(text string) (Palette, error) {
	p := DefaultPalette()
	i := 0
	n := len(text)
	for {
		for i < n && (isSeparator(text[i]) || text[i] == '\n') {
			i++
		}
		if i >= n {
			return p, nil
		}
		if text[i] == '#' {
			for i < n && text[i] != '\n' {
				i++
			}
			continue
		}
		start := i
		for i < n && isGraph(text[i]) {
			i++
		}
		name := text[start:i]
		if i >= n {
			return p, fmt.Errorf("Unexpected end of file following '%s'\n", name)
		}
		if !isSeparator(text[i]) {
			return p, fmt.Errorf("Expected whitespace following '%s'\n", name)
		}
		for i < n && isSeparator(text[i]) {
			i++
		}
		if i >= n || !isGraph(text[i]) {
			return p, fmt.Errorf("Expected a value for '%s'\n", name)
		}
		start = i
		for i < n && isGraph(text[i]) {
			i++
		}
		seq := text[start:i]
		for i < n && isSeparator(text[i]) {
			i++
		}
		if i < n {
			if text[i] != '\n' {
				return p, fmt.Errorf("Expected a line break following '%s'\n", seq)
			}
			i++
		}
		c, ok := colorNames[name]
		if !ok {
			continue
		}
		if alias, ok := colorAliases[seq]; ok {
			seq = alias
		}
		p[c] = seq
	}
}

// colorEscapeBytes counts the bytes of ANSI color sequences in s (from
// ESC '[' to the next 'm'), which take no room on screen.
func colorEscapeBytes(s string) int {
	n := 0
	inside := false
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			inside = true
		}
		if inside {
			n++
		}
		if s[i] == 'm' {
			inside = false
		}
	}
	return n
}

// StripColors removes ANSI color sequences from s.
func StripColors(s string) string {
	if !strings.Contains(s, "\x1b[") {
		return s
	}
	var b strings.Builder
	copying := true
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			copying = false
		}
		if copying {
			b.WriteByte(s[i])
		}
		if !copying && s[i] == 'm' {
			copying = true
		}
	}
	return b.String()
}
