package platform

import "encoding/binary"

// Netlink carries host-order integers.
var ne = binary.NativeEndian
