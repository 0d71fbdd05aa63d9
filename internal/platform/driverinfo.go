package platform

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// DriverInfo is what ethtool tells about a link's driver (Device.Driver,
// DriverVersion, FirmwareVersion) and its link speed in Mb/s
// (Device.Wired.Speed; 0 when unknown).
type DriverInfo struct {
	Driver, Version, FirmwareVersion string
	Speed                            uint32
}

// LinkDriverInfo asks ethtool (ETHTOOL_GDRVINFO, ETHTOOL_GSET) about a
// link. Links without ethtool support give an error.
func (p *Platform) LinkDriverInfo(index int32) (DriverInfo, error) {
	l, ok := p.Link(index)
	if !ok {
		return DriverInfo{}, fmt.Errorf("driver info of link %d: %w", index, ErrNotFound)
	}
	if p.ioctlFD < 0 {
		return DriverInfo{}, errors.New("driver info: no ioctl socket")
	}
	var info DriverInfo
	buf := new([196]byte)
	ne.PutUint32(buf[0:4], unix.ETHTOOL_GDRVINFO)
	if err := ethtoolIoctl(p.ioctlFD, l.Name, unsafe.Pointer(buf)); err != nil {
		return info, fmt.Errorf("driver info of %s: %w", l.Name, err)
	}
	runtime.KeepAlive(buf)
	info.Driver = cString(buf[4:36])
	info.Version = cString(buf[36:68])
	info.FirmwareVersion = cString(buf[68:100])
	// struct ethtool_cmd: cmd u32, supported u32, advertising u32,
	// speed u16, duplex, port, phy_address, transceiver, autoneg,
	// mdio_support u8, maxtxpkt, maxrxpkt u32, speed_hi u16, ...
	cmd := new([44]byte)
	ne.PutUint32(cmd[0:4], unix.ETHTOOL_GSET)
	if ethtoolIoctl(p.ioctlFD, l.Name, unsafe.Pointer(cmd)) == nil {
		speed := uint32(ne.Uint16(cmd[12:14])) | uint32(ne.Uint16(cmd[28:30]))<<16
		if speed != 0 && speed != 0xffff && speed != 0xffffffff {
			info.Speed = speed
		}
	}
	runtime.KeepAlive(cmd)
	return info, nil
}

func ethtoolIoctl(fd int, name string, data unsafe.Pointer) error {
	if name == "" || len(name) >= unix.IFNAMSIZ {
		return unix.EINVAL
	}
	ifr := new([unix.IFNAMSIZ + 24]byte)
	copy(ifr[:], name)
	*(*unsafe.Pointer)(unsafe.Pointer(&ifr[unix.IFNAMSIZ])) = data
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCETHTOOL, uintptr(unsafe.Pointer(ifr)))
	runtime.KeepAlive(ifr)
	if errno != 0 {
		return errno
	}
	return nil
}

func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}
