package keyfile

import (
	"path/filepath"
	"strings"

	"github.com/gonm/gonm/internal/setting"
)

// Suffixes of the files in a keyfile directory.
const (
	SuffixNMConnection = ".nmconnection"
	SuffixNMMeta       = ".nmmeta"
	// NMMetaNull is where a tombstone .nmmeta symlink points.
	NMMetaNull = "/dev/null"
)

const tempLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// hasMkstempSuffix reports whether the name ends in ".XXXXXX" as the
// temporary files of an atomic write (GLib's and ours) do.
func hasMkstempSuffix(name string) bool {
	i := strings.LastIndexByte(name, '.')
	if i < 0 || len(name)-i-1 != 6 {
		return false
	}
	for _, c := range []byte(name[i+1:]) {
		if strings.IndexByte(tempLetters, c) < 0 {
			return false
		}
	}
	return true
}

func hasSuffixFoldWithMore(s, suffix string) bool {
	return len(s) > len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// IgnoreFilename reports whether a file in a keyfile directory is not a
// profile: hidden files, backups ("~"), temporary files, certificates
// (.pem, .der) and, when requireExtension is set (every directory but
// /etc), anything not ending in ".nmconnection".
func IgnoreFilename(path string, requireExtension bool) bool {
	base := path[strings.LastIndexByte(path, '/')+1:]
	if base == "" || base[0] == '.' {
		return true
	}
	if requireExtension {
		return !(len(base) > len(SuffixNMConnection) && strings.HasSuffix(base, SuffixNMConnection))
	}
	if base[len(base)-1] == '~' || hasMkstempSuffix(base) {
		return true
	}
	return hasSuffixFoldWithMore(base, ".pem") || hasSuffixFoldWithMore(base, ".der")
}

// CreateFilename derives a file name from a profile id: '/' is replaced
// (by '_', or '*' in the old extension-less style) and names IgnoreFilename
// would skip are altered so that the profile is found again.
func CreateFilename(id string, withExtension bool) string {
	esc := byte('*')
	if withExtension {
		esc = '_'
	}
	b := []byte(strings.ReplaceAll(id, "/", string(esc)))
	if len(b) > 0 && b[0] == '.' {
		b[0] = '_'
	}
	if len(b) > 0 && b[len(b)-1] == '~' {
		b[len(b)-1] = '_'
	}
	s := string(b)
	if hasMkstempSuffix(s) || hasSuffixFoldWithMore(s, ".pem") || hasSuffixFoldWithMore(s, ".der") {
		s += "_"
	}
	if withExtension {
		s += SuffixNMConnection
	}
	return s
}

// NMMetaUUID returns the UUID a "<uuid>.nmmeta" file name is about, or "".
func NMMetaUUID(path string) string {
	base := filepath.Base(path)
	u, ok := strings.CutSuffix(base, SuffixNMMeta)
	if !ok || len(u) != 36 || !setting.UUIDNormalized(u) {
		return ""
	}
	return u
}

// NMMetaFilename is the path of the .nmmeta file for a UUID in dir.
func NMMetaFilename(dir, uuid string) string {
	return filepath.Join(dir, uuid+SuffixNMMeta)
}

// idFromFilename is the profile id NetworkManager falls back to for a file
// without connection.id: the file name without ".nmconnection".
func idFromFilename(base string) string {
	if len(base) > len(SuffixNMConnection) && strings.HasSuffix(base, SuffixNMConnection) {
		return strings.TrimSuffix(base, SuffixNMConnection)
	}
	return base
}
