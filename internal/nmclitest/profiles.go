package nmclitest

import (
	"bytes"
	"sort"
	"strings"

	"github.com/godbus/dbus/v5"
)

// Profile cases change profiles (add, modify, clone, delete, import,
// the editor's save) but no device. Each runs once per nmcli against the
// same daemon: the case's setup first (reference nmcli command lines),
// then the command line, then a look at every profile the suite did not
// start with (what the command left behind, compared like its output),
// and last those profiles are deleted again.

// profileSnapshot lists the daemon's profiles by object path.
func (w *World) profilePaths() map[dbus.ObjectPath]bool {
	w.env.Helper()
	var paths []dbus.ObjectPath
	if err := w.Conn.Object(nmBus, settPath).Call(settIface+".ListConnections", 0).Store(&paths); err != nil {
		w.env.Fatalf("nmclitest: ListConnections: %v", err)
	}
	out := make(map[dbus.ObjectPath]bool, len(paths))
	for _, p := range paths {
		out[p] = true
	}
	return out
}

type profileID struct {
	path     dbus.ObjectPath
	id, uuid string
}

// extraProfiles are the profiles not in base, ordered by name and UUID
// (the UUIDs of profiles made in a run are random; names are not).
func (w *World) extraProfiles(base map[dbus.ObjectPath]bool) []profileID {
	var out []profileID
	for p := range w.profilePaths() {
		if base[p] {
			continue
		}
		var s settings
		if err := w.Conn.Object(nmBus, p).Call("org.freedesktop.NetworkManager.Settings.Connection.GetSettings", 0).Store(&s); err != nil {
			// Gone meanwhile.
			continue
		}
		id, _ := s["connection"]["id"].Value().(string)
		uuid, _ := s["connection"]["uuid"].Value().(string)
		out = append(out, profileID{p, id, uuid})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].id != out[j].id {
			return out[i].id < out[j].id
		}
		return out[i].uuid < out[j].uuid
	})
	return out
}

// resetProfiles deletes the profiles not in base.
func (w *World) resetProfiles(base map[dbus.ObjectPath]bool) {
	w.env.Helper()
	for p := range w.profilePaths() {
		if base[p] {
			continue
		}
		if err := w.Conn.Object(nmBus, p).Call("org.freedesktop.NetworkManager.Settings.Connection.Delete", 0).Err; err != nil {
			w.env.Errorf("nmclitest: delete %s: %v", p, err)
		}
	}
}

// profileState shows the profiles a run left: the reference nmcli's
// terse "connection show" of each (their settings, nothing of the
// moment).
func (w *World) profileState(base map[dbus.ObjectPath]bool) []byte {
	var b bytes.Buffer
	for _, p := range w.extraProfiles(base) {
		r := w.Run(ReferenceNmcli, []string{"-t", "c", "show", "uuid", p.uuid}, RunOptions{})
		b.WriteString("=== profile " + p.id + "\n")
		for _, line := range strings.SplitAfter(string(r.Stdout), "\n") {
			if strings.HasPrefix(line, "connection.timestamp:") {
				continue
			}
			b.WriteString(line)
		}
		b.Write(r.Stderr)
	}
	return b.Bytes()
}

// runProfileCase runs one profile case with program and returns its
// result, the profiles it left appended to stdout.
func (w *World) runProfileCase(base map[dbus.ObjectPath]bool, program string, cs Case) Result {
	w.env.Helper()
	for _, setup := range cs.Setup {
		if r := w.Run(ReferenceNmcli, setup, RunOptions{}); r.Code != 0 {
			w.env.Errorf("nmclitest: setup %q of %s: %s", strings.Join(setup, " "), cs.Name(), r)
		}
	}
	r := w.Run(program, cs.Args, RunOptions{Env: cs.Env, Stdin: cs.Stdin})
	r.Stdout = append(r.Stdout, w.profileState(base)...)
	r.Stdout, r.Stderr = NormalizeObjectNumbers(r.Stdout), NormalizeObjectNumbers(r.Stderr)
	w.resetProfiles(base)
	return r
}
