// Package version names the NetworkManager API level gonm implements and
// gonm's own release.
//
// Clients switch features on the daemon's Version and VersionInfo
// properties. gonm implements the D-Bus API of NetworkManager 1.42 (the
// version Debian 12 ships, whose nmcli and libnm are the reference
// clients), so it reports exactly that version; its own release is named
// separately, in `NetworkManager --version` and in the startup log line.
// Debian's nmcli 1.42 never compares versions; nmcli 1.44 and later warn
// ("versions don't match") whenever Version is not exactly their own.
package version

import "fmt"

// API level: the NetworkManager version whose interface gonm implements.
const (
	Major = 1
	Minor = 42
	Micro = 4
)

// Release is gonm's own version.
const Release = "0.1.0"

// NetworkManager is the Version property's value, "1.42.4".
var NetworkManager = fmt.Sprintf("%d.%d.%d", Major, Minor, Micro)

// Encoded is the first element of VersionInfo: major<<16 | minor<<8 | micro.
const Encoded = Major<<16 | Minor<<8 | Micro

// Capability bits of VersionInfo[1:] (NMVersionInfoCapability), which
// NetworkManager 1.42 does not have yet; gonm advertises none until it
// implements them.
const (
	CapSyncRouteWithTable  = 0
	CapIP4Forwarding       = 1
	CapSRIOVPreserveOnDown = 2
)

// Info is the VersionInfo property value.
func Info() []uint32 { return []uint32{Encoded} }
