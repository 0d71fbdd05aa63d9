// Package nmclitest is the differential suite for nmcli: it builds one
// daemon state (veth pairs, a bridge with ports, profiles with static
// addresses and odd names, some activated) inside a namespace, then runs
// the same nmcli command lines with Debian's nmcli and with gonm's, and
// compares stdout, stderr and the exit code byte for byte after
// normalizing UUIDs, timestamps and versions.
//
// The suite runs against each daemon, side by side: Debian's
// NetworkManager 1.42 and gonm's own (NMCLITEST_DAEMON=reference or gonm
// picks one). The state is created through D-Bus and ip(8) only, so the
// same lines run against both; lines that need what gonm's daemon cannot
// do yet (a DHCP lease) are skipped there with the reason.
// TestDaemonsAlike (by hand) runs Debian's nmcli against both daemons
// instead, to find where gonm's daemon differs. It may call
// internal/testbed and internal/client; nothing calls it.
package nmclitest
