// Package platform is gonm's mirror of the kernel's network state and the
// only code that talks rtnetlink: it owns a cache of links, IPv4/IPv6
// addresses, IPv4/IPv6 routes and routing rules that equals the kernel's
// once events have settled, tells subscribers what changed, and makes
// every change the daemon needs (links of many kinds, addresses, routes,
// rules, per-interface sysctls, statistics). It calls only the kernel
// (through internal/platform/nl and a few ioctls and /proc/sys files) and
// internal/loop and internal/logging; everything above it works on its
// cache.
//
// Design, in short (docs/ARCHITECTURE.md, "Platform", has the long form):
//
//   - One event socket joined to the link, address, route and rule groups,
//     with a 256 MiB receive buffer (SO_RCVBUFFORCE) and a BPF filter that
//     drops route notifications of protocols NetworkManager never installs
//     (bird, bgp, zebra ...) inside the kernel. A reader goroutine reads it
//     with recvmmsg, decodes into compact values, and hands batches to the
//     loop in kernel order; the cache and all notifications live on the
//     loop.
//   - Dumps run on the reader goroutine between two reads of the event
//     socket, so their place among the events is exact and the cache
//     converges (see reader.go). After ENOBUFS the reader waits 1 s, drops
//     what queued up, dumps everything again and the cache emits exactly
//     the differences. Interrupted dumps (NLM_F_DUMP_INTR) are repeated.
//   - Identity is the kernel's (Route.SameID, Address.SameID, Rule): a
//     change to any other field is an update.
//   - Routes are stored as pointer-free 48/68-byte records (routestore.go),
//     well under 100 bytes per cached route.
//   - The kernel's silent removals (routes of a link going down or away,
//     IPv4 routes whose preferred source address goes, IPv6 preferred
//     sources cleared, replaced routes) are applied by the cache itself;
//     where events cannot tell what happened, a targeted route dump does.
package platform
