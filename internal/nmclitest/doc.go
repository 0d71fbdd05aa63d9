// Package nmclitest is the differential suite for nmcli: it builds one
// daemon state (veth pairs, a bridge with ports, profiles with static
// addresses and odd names, some activated) inside a namespace, then runs
// the same nmcli command lines with Debian's nmcli and with gonm's, and
// compares stdout, stderr and the exit code byte for byte after
// normalizing UUIDs, timestamps and versions.
//
// The daemon under test is a parameter (NMCLITEST_DAEMON=reference, the
// default, or gonm): the state is created through D-Bus and ip(8) only, so
// the same suite runs against NetworkManager 1.42 and against gonm. It may
// call internal/testbed and internal/client; nothing calls it.
package nmclitest
