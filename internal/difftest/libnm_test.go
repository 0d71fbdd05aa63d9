package difftest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// libnmScript drives NetworkManager's own library (libnm 1.42, through
// Python's GObject bindings) as an oracle for the keyfile format:
//
//	write:       stdin a{sa{sv}} text → normalized profile → keyfile text
//	read BASE:   stdin keyfile text → normalized profile → a{sa{sv}} text
//	compare BASE KEYFILE: stdin a{sa{sv}} text (gonm's reading of KEYFILE);
//	             prints the keys where libnm's reading differs, or nothing.
const libnmScript = `
import sys, gi
gi.require_version("NM", "1.0")
from gi.repository import NM, GLib

def read(text, base):
    kf = GLib.KeyFile.new()
    kf.load_from_data(text, len(text.encode()), GLib.KeyFileFlags.NONE)
    c = NM.keyfile_read(kf, base, NM.KeyfileHandlerFlags.NONE, None, None)
    c.normalize()
    return c.to_dbus(NM.ConnectionSerializationFlags.ALL)

mode = sys.argv[1]
data = sys.stdin.read()
try:
    if mode == "write":
        v = GLib.Variant.parse(GLib.VariantType.new("a{sa{sv}}"), data, None, None)
        c = NM.SimpleConnection.new_from_dbus(v)
        c.normalize()
        kf = NM.keyfile_write(c, NM.KeyfileHandlerFlags.NONE, None, None)
        sys.stdout.write(kf.to_data()[0])
    elif mode == "read":
        sys.stdout.write(read(data, sys.argv[2]).print_(True))
    elif mode == "compare":
        want = read(open(sys.argv[3]).read(), sys.argv[2])
        got = GLib.Variant.parse(GLib.VariantType.new("a{sa{sv}}"), data, None, None)
        w, g = {}, {}
        for (d, v) in ((w, want), (g, got)):
            for i in range(v.n_children()):
                e = v.get_child_value(i)
                sname = e.get_child_value(0).get_string()
                sd = e.get_child_value(1)
                for j in range(sd.n_children()):
                    kv = sd.get_child_value(j)
                    d[sname + "." + kv.get_child_value(0).get_string()] = kv.get_child_value(1).get_variant()
        # Compare type and unpacked value: dictionaries compare without
        # regard to their order.
        def canon(v):
            return None if v is None else (v.get_type_string(), v.unpack())
        # Only the daemon sends the deprecated address, route and dns keys.
        legacy = ("ipv4.addresses", "ipv4.routes", "ipv6.addresses", "ipv6.routes", "ipv4.dns", "ipv6.dns")
        for k in sorted(set(w) | set(g)):
            a, b = w.get(k), g.get(k)
            if a is None and k in legacy:
                continue
            if canon(a) != canon(b):
                sys.stdout.write("%s: libnm %s, gonm %s\n" % (k, None if a is None else a.print_(True), None if b is None else b.print_(True)))
except GLib.Error as e:
    sys.stdout.write("ERROR: %s\n" % e.message)
    sys.exit(2)
`

var (
	libnmOnce sync.Once
	libnmPath string
	libnmErr  string
)

// requireLibnm skips the test when Python's libnm bindings are missing and
// returns the path of the oracle script.
func requireLibnm(t *testing.T) string {
	t.Helper()
	libnmOnce.Do(func() {
		out, err := exec.Command("/usr/bin/python3", "-c", `import gi; gi.require_version("NM","1.0"); from gi.repository import NM`).CombinedOutput()
		if err != nil {
			libnmErr = "libnm for python3 not available: " + strings.TrimSpace(string(out))
			return
		}
		dir, err := os.MkdirTemp("", "gonm-libnm")
		if err != nil {
			libnmErr = err.Error()
			return
		}
		libnmPath = filepath.Join(dir, "oracle.py")
		if err := os.WriteFile(libnmPath, []byte(libnmScript), 0o600); err != nil {
			libnmErr = err.Error()
		}
	})
	if libnmErr != "" {
		t.Skip(libnmErr)
	}
	return libnmPath
}

// libnm runs one oracle command.
func libnm(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	script := requireLibnm(t)
	cmd := exec.Command("/usr/bin/python3", append([]string{script}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	// Keep libnm quiet about the environment it does not need.
	cmd.Env = append(os.Environ(), "G_MESSAGES_DEBUG=")
	err := cmd.Run()
	if err != nil {
		return out.String() + errb.String(), err
	}
	return out.String(), nil
}
