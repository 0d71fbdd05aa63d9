// Package autoaddr runs the automatic addressing methods of one interface,
// as NetworkManager's device does: ipv4.method auto (DHCPv4), link-local
// (IPv4LL, also beside other methods with ipv4.link-local) and shared
// (dnsmasq and NAT), ipv6.method auto (router advertisements, SLAAC,
// temporary addresses, DHCPv6 started by the M/O flags), dhcp (DHCPv6
// alone, with prefix delegation when asked) and shared (router
// advertisements of a delegated /64). It resolves the profile's properties
// with NetworkManager's defaults (Params), starts the protocol engines,
// turns what they report into contributions of the interface's L3Cfg (a
// lease or RA replaces its previous contribution, a lost one removes it)
// and tells its owner, per family, whether the method is pending, ready or
// failed, so that the device can apply may-fail and required-timeout. It
// keeps the DHCPv4 lease file and, after a daemon restart, holds the
// previous run's addresses and routes until the servers confirm them (no
// address flap). All its state lives on the loop; engine events are posted
// to it. It calls internal/l3cfg, the engines (internal/dhcp4, dhcp6,
// ndisc, ipv4ll), the identity packages (internal/dhcpid, hostid) and
// internal/firewall, and runs dnsmasq for shared mode; nothing above.
package autoaddr
