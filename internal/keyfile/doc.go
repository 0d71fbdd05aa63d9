// Package keyfile converts connection profiles (internal/setting) to and
// from NetworkManager's keyfile format, and reads and writes keyfile
// files on disk: group aliases ([ethernet], [wifi], [wifi-security]),
// address1=/route1=/routeN_options= lists, routing rules, gendata groups,
// [vpn-secrets], [wireguard-peer.KEY], the [.nmmeta] group, secrets
// written only when their flags say NetworkManager keeps them, defaults
// omitted, unknown groups and keys dropped with a warning, file names,
// .nmmeta tombstones, atomic 0600 writes and the owner/permission checks
// NetworkManager applies before trusting a file.
//
// It owns the format only; which directory a profile lives in and when
// files are (re)loaded is internal/settings' business. It may call
// internal/setting and internal/gkeyfile.
package keyfile
