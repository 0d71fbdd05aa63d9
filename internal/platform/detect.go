package platform

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Link classification beyond the kernel's kind string, as NetworkManager
// does it: the ethtool driver, then sysfs (the DEVTYPE of the device's
// uevent, wireless and OLPC markers), then the hardware type.

// ethtoolDriver asks the driver's name with the ETHTOOL_GDRVINFO ioctl on
// a socket of the platform's namespace. Empty when the link has none.
func ethtoolDriver(fd int, name string) string {
	if fd < 0 || name == "" || len(name) >= unix.IFNAMSIZ {
		return ""
	}
	// struct ethtool_drvinfo: cmd u32, driver[32], version[32],
	// fw_version[32], bus_info[32], erom_version[32], reserved2[12],
	// n_priv_flags, n_stats, testinfo_len, eedump_len, regdump_len (u32).
	// Both live on the heap (they escape), so the address stored in ifr
	// stays valid during the call.
	info := new([196]byte)
	ne.PutUint32(info[0:4], unix.ETHTOOL_GDRVINFO)
	ifr := new([unix.IFNAMSIZ + 24]byte)
	copy(ifr[:], name)
	*(*unsafe.Pointer)(unsafe.Pointer(&ifr[unix.IFNAMSIZ])) = unsafe.Pointer(info)
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCETHTOOL, uintptr(unsafe.Pointer(ifr)))
	runtime.KeepAlive(info)
	if errno != 0 {
		return ""
	}
	drv := info[4:36]
	if i := bytes.IndexByte(drv, 0); i >= 0 {
		drv = drv[:i]
	}
	return string(drv)
}

// sysfsDevtype returns the DEVTYPE from the link's uevent and whether the
// directory exists and belongs to this link (same ifindex: /sys must show
// the platform's namespace).
func sysfsLink(name string, index int32) (devtype string, dir string, ok bool) {
	if name == "" || strings.ContainsAny(name, "/") || name == "." || name == ".." {
		return "", "", false
	}
	dir = "/sys/class/net/" + name
	idx, err := os.ReadFile(dir + "/ifindex")
	if err != nil {
		return "", "", false
	}
	if n, err := strconv.Atoi(strings.TrimSpace(string(idx))); err != nil || int32(n) != index {
		return "", "", false
	}
	if ue, err := os.ReadFile(dir + "/uevent"); err == nil {
		for _, line := range strings.Split(string(ue), "\n") {
			if v, ok := strings.CutPrefix(line, "DEVTYPE="); ok {
				devtype = v
			}
		}
	}
	return devtype, dir, true
}

var devtypeLinkTypes = map[string]LinkType{
	"wlan": LinkWiFi, "wwan": LinkWWANNet, "wimax": LinkWiMAX, "bluetooth": LinkBNEP,
	"vlan": LinkVLAN, "vrf": LinkVRF, "vxlan": LinkVXLAN, "wireguard": LinkWireGuard,
	"bridge": LinkBridge, "bond": LinkBond,
}

// classify finishes the type of a link the kind and ARP type did not
// settle. useSysfs is false when /sys shows another namespace.
func classify(l *Link, useSysfs bool) LinkType {
	if l.Type != LinkNone {
		return l.Type
	}
	if l.Driver == "openvswitch" {
		return LinkOpenVSwitch
	}
	devtype := ""
	if useSysfs {
		dt, dir, ok := sysfsLink(l.Name, l.Index)
		if ok {
			devtype = dt
			if _, err := os.Stat(dir + "/anycast_mask"); err == nil {
				return LinkOLPCMesh
			}
			if t, ok := devtypeLinkTypes[devtype]; ok {
				if t != LinkBNEP || l.ARPType == unix.ARPHRD_ETHER {
					return t
				}
			}
			for _, wifi := range []string{"/phy80211", "/wireless"} {
				if _, err := os.Stat(dir + wifi); err == nil {
					return LinkWiFi
				}
			}
		}
	}
	if l.ARPType == unix.ARPHRD_ETHER || l.ARPType == 519 || l.ARPType == 530 {
		for _, p := range []string{"rmnet", "rev_rmnet", "ccmni"} {
			if strings.HasPrefix(l.Name, p) {
				return LinkWWANNet
			}
		}
	}
	if l.ARPType == unix.ARPHRD_ETHER {
		if devtype == "gadget" || devtype == "dsa" {
			return LinkEthernet
		}
		if l.Kind == "" && devtype == "" {
			return LinkEthernet
		}
	}
	return LinkUnknown
}
