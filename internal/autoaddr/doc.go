// Package autoaddr runs the automatic addressing methods of one interface,
// as NetworkManager's device does for ipv4.method auto (DHCPv4) and
// link-local (IPv4LL), and ipv6.method auto (router advertisements, SLAAC,
// temporary addresses, DHCPv6 started by the M/O flags) and dhcp (DHCPv6
// alone): it resolves the profile's properties with NetworkManager's
// defaults (Params), starts the protocol engines, turns what they report
// into contributions of the interface's L3Cfg (a lease or RA replaces its
// previous contribution, a lost one removes it) and tells its owner, per
// family, whether the method is pending, ready or failed, so that the
// device can apply may-fail and required-timeout. It keeps the lease file
// and, after a daemon restart, holds the previous lease's address and
// routes in place until the server confirms it (no address flap). All its
// state lives on the loop; engine events are posted to it. It calls
// internal/l3cfg, the engines (internal/dhcp4, dhcp6, ndisc, ipv4ll) and
// the identity packages (internal/dhcpid, hostid), and nothing above.
package autoaddr
