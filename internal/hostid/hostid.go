// Package hostid owns the per-host secrets and identities that
// NetworkManager derives stable addresses and identifiers from: the secret
// key file (/var/lib/NetworkManager/secret_key), the machine ID
// (/etc/machine-id), the "host ID" hashed from both, connection.stable-id
// expansion, and the RFC 7217 stable-privacy IPv6 interface identifier.
// The derivations match NetworkManager 1.42 bit for bit, so that gonm and
// NetworkManager give a host the same addresses and DHCP identities. It
// reads and writes files only; it calls no other gonm package.
package hostid

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Default file locations, as NetworkManager uses them.
const (
	DefaultSecretKeyFile = "/var/lib/NetworkManager/secret_key"
	DefaultMachineIDFile = "/etc/machine-id"
	// dbusMachineIDFile is the fallback location of the machine ID.
	dbusMachineIDFile = "/var/lib/dbus/machine-id"
)

// secretKeyV2Prefix marks a version 2 key, which is hashed together with
// the machine ID. Version 1 keys (16 bytes or more without the prefix) are
// used as they are.
const secretKeyV2Prefix = "nm-v2:"

// secretKeyLen is the amount of randomness in a newly generated key.
const secretKeyLen = 32

// HostID is the per-host key that stable identifiers are hashed with, and
// the time associated with it (the secret key file's modification time),
// which DUID-LLT generation uses.
type HostID struct {
	Key []byte
	// Timestamp is the secret key file's mtime; zero when the key could not
	// be persisted.
	Timestamp time.Time
	// Good is false when the key is not persisted (it changes on restart).
	Good bool
}

// MachineID is /etc/machine-id parsed as 16 bytes.
type MachineID [16]byte

// String is the 32 lower-case hex digits, as NetworkManager hashes it.
func (m MachineID) String() string { return hex.EncodeToString(m[:]) }

// ReadMachineID reads the machine ID from path (or /etc/machine-id, then
// /var/lib/dbus/machine-id, when path is empty). An all-zero or malformed
// ID is an error, as NetworkManager treats it as missing.
func ReadMachineID(path string) (MachineID, error) {
	paths := []string{path}
	if path == "" {
		paths = []string{DefaultMachineIDFile, dbusMachineIDFile}
	}
	var lastErr error
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			lastErr = fmt.Errorf("read machine id: %w", err)
			continue
		}
		return ParseMachineID(string(b))
	}
	return MachineID{}, lastErr
}

// ParseMachineID parses the text of a machine-id file: 32 hex digits,
// optionally surrounded by white space.
func ParseMachineID(s string) (MachineID, error) {
	var m MachineID
	s = strings.TrimSpace(s)
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 16 {
		return m, fmt.Errorf("machine id %q is not 32 hex digits", s)
	}
	copy(m[:], b)
	if m == (MachineID{}) {
		return m, errors.New("machine id is all zeros")
	}
	return m, nil
}

// LoadHostID reads the secret key file and derives the host ID as
// NetworkManager does. A missing or too short key is replaced by a new
// version 2 key, written with mode 0600. machineID may be nil when the host
// has none; then a version 2 key is hashed without it.
func LoadHostID(secretKeyFile string, machineID *MachineID) (HostID, error) {
	content, err := os.ReadFile(secretKeyFile)
	switch {
	case err == nil && len(content) >= len(secretKeyV2Prefix)+secretKeyLen && strings.HasPrefix(string(content), secretKeyV2Prefix):
		return HostID{Key: hashV2(content, machineID), Timestamp: mtime(secretKeyFile), Good: true}, nil
	case err == nil && len(content) >= 16:
		return HostID{Key: content, Timestamp: mtime(secretKeyFile), Good: true}, nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		// Unreadable: generate a new key below, as NetworkManager does.
	}
	var rnd [secretKeyLen]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return HostID{}, fmt.Errorf("generate secret key: %w", err)
	}
	newContent := []byte(secretKeyV2Prefix + base64.StdEncoding.EncodeToString(rnd[:]))
	h := HostID{Key: hashV2(newContent, machineID)}
	if err := os.MkdirAll(filepath.Dir(secretKeyFile), 0o755); err != nil {
		return h, fmt.Errorf("persist secret key: %w", err)
	}
	if err := writeFileAtomic(secretKeyFile, newContent, 0o600); err != nil {
		return h, fmt.Errorf("persist secret key: %w", err)
	}
	h.Good = true
	h.Timestamp = mtime(secretKeyFile)
	return h, nil
}

// hashV2 is SHA-256 over "<length> ", the file content and the machine ID
// in hex.
func hashV2(content []byte, machineID *MachineID) []byte {
	h := sha256.New()
	h.Write([]byte(strconv.Itoa(len(content)) + " "))
	h.Write(content)
	if machineID != nil {
		h.Write([]byte(machineID.String()))
	}
	return h.Sum(nil)
}

func mtime(path string) time.Time {
	st, err := os.Stat(path)
	if err != nil {
		return time.Time{}
	}
	return st.ModTime()
}

func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name)
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, path)
}
