// Package l3cfg owns the IP configuration of interfaces, as NetworkManager's
// NML3Cfg does: one L3Cfg per interface index, owned by a Registry (one per
// network namespace, holding the platform). Contributors (the static part of
// a profile, a DHCPv4 or DHCPv6 lease, router advertisements, IPv4 and IPv6
// link-local, a VPN, the configuration found on the interface) each hand it
// an immutable Config under a tag, with a priority and the defaults of their
// profile (route table, route metric, DNS priority, ACD). The L3Cfg merges
// them, most important first, into the wanted addresses, routes (default
// routes included), routing rules and DNS, and commits that to the kernel
// through the platform: it adds what is missing, replaces what differs,
// removes what it added earlier and no longer wants, and leaves everything
// else alone, unless the commit type says otherwise (CommitReapply also
// prunes foreign addresses and main-table routes of the interface). It
// remembers, per object, what it configured itself, so that a later commit
// removes exactly that, an object removed by someone else is not forced back
// (as in NetworkManager), and a restarted daemon can take the interface over
// without churn (Snapshot/Restore).
//
// Platform changes reach an L3Cfg only through idle coalescing: the
// Registry subscribes to the platform once, and each burst of kernel events,
// of any size, gives each affected L3Cfg one re-evaluation and its watchers
// one EventPlatformChange, after the burst. IPv4 addresses with an ACD
// timeout are probed (RFC 5227, internal/acd) before they are configured and
// defended afterwards; IPv6 addresses are followed through duplicate
// address detection (tentative until the kernel clears the flag, an address
// with dadfailed is reported and not counted as ready).
//
// The package calls down only: internal/platform (queries, operations and
// notifications, behind the Platform interface so that tests use a fake),
// internal/acd, internal/loop and internal/logging, and reads profiles
// (internal/setting) to build the static Config. Everything runs on the
// loop; nothing here takes a lock. The D-Bus view of an L3Cfg
// (IP4Config/IP6Config) lives in internal/ipconfig.
package l3cfg
