// Package setting owns the connection-profile model: a Connection is a set
// of Settings ("connection", "ipv4", "802-3-ethernet", ...), each a set of
// typed properties. Every property NetworkManager 1.42 knows is described
// once, in a table per setting (the setting_*.go files): its type, D-Bus
// signature, default, range, secret-ness, and the hints the keyfile plugin
// and nmcli need. From those tables the package derives the a{sa{sv}}
// conversion in both directions (dbus.go), validation and normalization
// with NetworkManager's error codes and messages (verify.go and each
// setting's verify function), and nmcli's face of every property: how
// nmcli 1.42 shows a value and parses what users type, its aliases,
// completion and the editor's descriptions (the nmcli*.go files, with
// the per-property Nmcli annotations of the tables), plus the text forms
// nmcli and the keyfile plugin share (textforms.go).
//
// The package is pure data and logic: it does no I/O and keeps no global
// state besides its tables, so any layer may call it. The keyfile plugin
// (internal/keyfile) and the profile store (internal/settings) build on it.
package setting
