package bus

import (
	"slices"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/introspection"
)

const introspectHeader = `<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
                      "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
`

// introspect answers Introspect for any path: an object lists its
// interfaces (from the embedded XML) and its children; a path that only
// leads to objects lists its children; /org/freedesktop also has the
// ObjectManager.
func (e *Exporter) introspect(path dbus.ObjectPath) ([]any, *Error) {
	e.mu.RLock()
	o := e.objects[path]
	children := e.childrenLocked(path)
	e.mu.RUnlock()
	if o == nil && len(children) == 0 && path != ObjectManagerPath {
		return nil, errNoObject(string(path))
	}
	var b strings.Builder
	b.WriteString(introspectHeader)
	b.WriteString("<node>\n")
	switch {
	case o != nil:
		b.WriteString(o.class.introspectXML)
	case path == ObjectManagerPath:
		for _, name := range []string{introspection.Properties, introspection.Introspectable, introspection.Peer, introspection.ObjectManager} {
			si, _ := introspection.Standard(name)
			si.WriteXML(&b, "  ")
		}
	}
	for _, c := range children {
		b.WriteString(`  <node name="` + c + `"/>` + "\n")
	}
	b.WriteString("</node>\n")
	return []any{b.String()}, nil
}

// childrenLocked lists the names of the path elements directly below path
// that lead to exported objects (or to the object manager). e.mu is held.
func (e *Exporter) childrenLocked(path dbus.ObjectPath) []string {
	prefix := string(path) + "/"
	if path == "/" {
		prefix = "/"
	}
	seen := map[string]bool{}
	add := func(p string) {
		rest, ok := strings.CutPrefix(p, prefix)
		if !ok || rest == "" {
			return
		}
		name, _, _ := strings.Cut(rest, "/")
		seen[name] = true
	}
	for p := range e.objects {
		add(string(p))
	}
	add(string(ObjectManagerPath))
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
