package device

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// UdevSource is what gonm knows from udev about links. Where udev runs, a
// link is handled once udev has initialized it, and its NM_UNMANAGED
// property is honoured; where it does not (containers, a read-only /sys),
// links are handled at once, as NetworkManager does.
type UdevSource interface {
	// Running reports whether udev manages devices here.
	Running() bool
	// Properties returns udev's properties of a network interface, and
	// false while udev has not initialized it.
	Properties(ifindex int32) (map[string]string, bool)
}

// UdevDB reads udev's database (/run/udev/data/n<ifindex>) without
// libudev.
type UdevDB struct {
	// Dir is the database directory, /run/udev/data.
	Dir string
	// Active reports whether udev runs: its control socket exists and
	// /sys is writable.
	Active bool
}

// DetectUdev looks for a running udev.
func DetectUdev() *UdevDB {
	db := &UdevDB{Dir: "/run/udev/data"}
	if _, err := os.Stat("/run/udev/control"); err == nil && unix.Access("/sys", unix.W_OK) == nil {
		var st unix.Statfs_t
		if unix.Statfs("/sys", &st) == nil && st.Flags&unix.ST_RDONLY == 0 {
			db.Active = true
		}
	}
	return db
}

// Running implements UdevSource.
func (u *UdevDB) Running() bool { return u.Active }

// Properties implements UdevSource: the E: lines of the link's record.
func (u *UdevDB) Properties(ifindex int32) (map[string]string, bool) {
	data, err := os.ReadFile(filepath.Join(u.Dir, fmt.Sprintf("n%d", ifindex)))
	if err != nil {
		return nil, false
	}
	return ParseUdevRecord(data), true
}

// ParseUdevRecord reads the properties (E:KEY=VALUE lines) of a udev
// database record.
func ParseUdevRecord(data []byte) map[string]string {
	props := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, "E:")
		if !ok {
			continue
		}
		k, v, ok := strings.Cut(rest, "=")
		if !ok || k == "" {
			continue
		}
		props[k] = v
	}
	return props
}

// udevInitialized: without udev every link counts as initialized.
func (r *Devices) udevInitialized(d *Device) bool {
	if r.udev == nil || !r.udev.Running() {
		return true
	}
	_, ok := r.udev.Properties(d.ifindex)
	return ok
}

// udevUnmanaged is udev's opinion of the link: NM_UNMANAGED when set, or
// else NetworkManager's own rule (85-nm-unmanaged.rules: veths not named
// eth* are unmanaged), which applies only where udev runs.
func (r *Devices) udevUnmanaged(d *Device) (unmanaged, known bool) {
	if r.udev == nil || !r.udev.Running() {
		return false, false
	}
	props, ok := r.udev.Properties(d.ifindex)
	if !ok {
		return false, false
	}
	if v, ok := props["NM_UNMANAGED"]; ok {
		return parseBoolDefault(v, false), true
	}
	if nmUdevRuleUnmanaged(d) {
		return true, true
	}
	return false, false
}

// nmUdevRuleUnmanaged applies the rules NetworkManager installs for udev
// (85-nm-unmanaged.rules): VirtualBox, VMware and Parallels host
// interfaces, and veths not named eth<digit>..., are unmanaged.
func nmUdevRuleUnmanaged(d *Device) bool {
	name := d.iface
	mac := ""
	if d.link != nil {
		mac = strings.ToLower(d.link.Addr.String())
	}
	digitAfter := func(prefix string) bool {
		return strings.HasPrefix(name, prefix) && len(name) > len(prefix) && name[len(prefix)] >= '0' && name[len(prefix)] <= '9'
	}
	switch {
	case digitAfter("vboxnet"):
		return true
	case strings.HasPrefix(mac, "00:50:56:") && digitAfter("vmnet"):
		return true
	case strings.HasPrefix(mac, "00:1c:42:") && digitAfter("vnic"):
		return true
	case d.info.devType == TypeVeth && !digitAfter("eth"):
		return true
	}
	return false
}
