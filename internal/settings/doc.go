// Package settings is the profile store beneath NetworkManager's Settings
// D-Bus API: it loads connection profiles from the keyfile directories
// (/etc persistent, /run in-memory, /usr/lib read-only, with .nmmeta
// tombstones and shadowing), decides which file of a UUID is in effect,
// adds, updates, saves and deletes profiles with the persistence semantics
// of AddConnection2 and Update2 (to-disk, in-memory, in-memory-detached,
// in-memory-only, volatile, block-autoconnect), reloads files only when
// asked (ReloadConnections, LoadConnections), and tells subscribers what
// changed. It answers with NetworkManager's error names and leaves disk
// and memory untouched when a request is refused.
//
// All of it runs on the daemon's loop: the Store has no locks and must
// only be called from the loop goroutine. It may call internal/setting,
// internal/keyfile and internal/logging; the D-Bus export of Settings and
// Settings.Connection objects sits on top of it.
package settings
