package manager

import (
	"os"
	"path/filepath"
	"strings"
)

// NMRadioFlags bits of the root object's RadioFlags.
const (
	radioWLANAvailable = 0x1
	radioWWANAvailable = 0x2
)

// radios is what the kernel's rfkill switches say about Wi-Fi and mobile
// broadband: whether such a radio exists and whether a hardware switch
// blocks it.
type radios struct {
	flags           uint32
	wlanHardwareOff bool
	wwanHardwareOff bool
}

// readRadios reads the rfkill devices under dir (/sys/class/rfkill).
// Without any, radios are absent and nothing blocks them, which is how
// NetworkManager reports a machine without rfkill.
func readRadios(dir string) radios {
	var r radios
	entries, err := os.ReadDir(dir)
	if err != nil {
		return r
	}
	for _, e := range entries {
		typ := readTrim(filepath.Join(dir, e.Name(), "type"))
		hard := readTrim(filepath.Join(dir, e.Name(), "hard")) == "1"
		switch typ {
		case "wlan":
			r.flags |= radioWLANAvailable
			r.wlanHardwareOff = r.wlanHardwareOff || hard
		case "wwan":
			r.flags |= radioWWANAvailable
			r.wwanHardwareOff = r.wwanHardwareOff || hard
		}
	}
	return r
}

func readTrim(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
