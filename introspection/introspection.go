// Package introspection owns the description of every D-Bus interface of
// NetworkManager's API that gonm knows, one XML file per interface next to
// this file: member names, signatures, access and annotations as
// NetworkManager 1.42 defines them (plus the few members its daemon exports
// beyond its own XML), with gonm's own documentation text. The files are
// embedded into the binary; this package parses them into a model that the
// D-Bus exporter (internal/bus) uses to validate objects and calls and to
// answer Introspect. It calls nothing else of gonm.
package introspection

import (
	"embed"
	"encoding/xml"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
)

//go:embed *.xml
var files embed.FS

// Annotation is a name/value annotation of an interface or member.
type Annotation struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// Arg is one argument of a method or signal. Direction is "in" or "out" for
// method arguments and empty for signal arguments.
type Arg struct {
	Name      string `xml:"name,attr"`
	Type      string `xml:"type,attr"`
	Direction string `xml:"direction,attr,omitempty"`
}

// Method is a D-Bus method.
type Method struct {
	Name        string       `xml:"name,attr"`
	Args        []Arg        `xml:"arg"`
	Annotations []Annotation `xml:"annotation"`
}

// InSignature is the concatenated signature of the input arguments.
func (m *Method) InSignature() string { return m.signature("in") }

// OutSignature is the concatenated signature of the output arguments.
func (m *Method) OutSignature() string { return m.signature("out") }

func (m *Method) signature(dir string) string {
	var b strings.Builder
	for _, a := range m.Args {
		d := a.Direction
		if d == "" {
			d = "in"
		}
		if d == dir {
			b.WriteString(a.Type)
		}
	}
	return b.String()
}

// Signal is a D-Bus signal.
type Signal struct {
	Name        string       `xml:"name,attr"`
	Args        []Arg        `xml:"arg"`
	Annotations []Annotation `xml:"annotation"`
}

// Signature is the concatenated signature of the signal's arguments.
func (s *Signal) Signature() string {
	var b strings.Builder
	for _, a := range s.Args {
		b.WriteString(a.Type)
	}
	return b.String()
}

// Property is a D-Bus property. Access is "read", "write" or "readwrite".
type Property struct {
	Name        string       `xml:"name,attr"`
	Type        string       `xml:"type,attr"`
	Access      string       `xml:"access,attr"`
	Annotations []Annotation `xml:"annotation"`
}

// Readable reports whether the property can be read.
func (p *Property) Readable() bool { return p.Access == "read" || p.Access == "readwrite" }

// Writable reports whether the property can be written.
func (p *Property) Writable() bool { return p.Access == "write" || p.Access == "readwrite" }

// Interface is one D-Bus interface with its members in file order.
type Interface struct {
	Name        string       `xml:"name,attr"`
	Methods     []Method     `xml:"method"`
	Signals     []Signal     `xml:"signal"`
	Properties  []Property   `xml:"property"`
	Annotations []Annotation `xml:"annotation"`
	// File is the name of the XML file the interface came from.
	File string `xml:"-"`
}

// Method returns the named method.
func (i *Interface) Method(name string) (*Method, bool) {
	for k := range i.Methods {
		if i.Methods[k].Name == name {
			return &i.Methods[k], true
		}
	}
	return nil, false
}

// Signal returns the named signal.
func (i *Interface) Signal(name string) (*Signal, bool) {
	for k := range i.Signals {
		if i.Signals[k].Name == name {
			return &i.Signals[k], true
		}
	}
	return nil, false
}

// Property returns the named property.
func (i *Interface) Property(name string) (*Property, bool) {
	for k := range i.Properties {
		if i.Properties[k].Name == name {
			return &i.Properties[k], true
		}
	}
	return nil, false
}

// Members lists the interface's methods, signals and properties as sorted
// one-line descriptions (kind, name, argument directions and types,
// property type and access), so that two descriptions of an interface,
// such as gonm's file and a daemon's Introspect answer, compare member by
// member. Argument names and annotations are left out: they are not part
// of what a client sees on the bus.
func (i *Interface) Members() []string {
	var out []string
	for _, m := range i.Methods {
		var args []string
		for _, a := range m.Args {
			d := a.Direction
			if d == "" {
				d = "in"
			}
			args = append(args, d+":"+a.Type)
		}
		out = append(out, "method "+m.Name+"("+strings.Join(args, ",")+")")
	}
	for _, s := range i.Signals {
		var args []string
		for _, a := range s.Args {
			args = append(args, a.Type)
		}
		out = append(out, "signal "+s.Name+"("+strings.Join(args, ",")+")")
	}
	for _, p := range i.Properties {
		out = append(out, "property "+p.Name+" "+p.Type+" "+p.Access)
	}
	slices.Sort(out)
	return out
}

type node struct {
	Interfaces []Interface `xml:"interface"`
}

var (
	loadOnce sync.Once
	loaded   map[string]*Interface
	loadErr  error
)

func load() {
	loaded = map[string]*Interface{}
	names, err := fs.Glob(files, "*.xml")
	if err != nil {
		loadErr = err
		return
	}
	for _, name := range names {
		ifaces, err := parseFile(name)
		if err != nil {
			loadErr = err
			return
		}
		for _, it := range ifaces {
			if _, dup := loaded[it.Name]; dup {
				loadErr = fmt.Errorf("introspection: interface %s defined twice (%s)", it.Name, name)
				return
			}
			loaded[it.Name] = it
		}
	}
}

func parseFile(name string) ([]*Interface, error) {
	data, err := files.ReadFile(name)
	if err != nil {
		return nil, err
	}
	ifaces, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("introspection: %s: %w", name, err)
	}
	for _, it := range ifaces {
		it.File = name
	}
	return ifaces, nil
}

// Parse reads the interfaces of one introspection XML document and checks
// that every name and signature is well formed.
func Parse(data []byte) ([]*Interface, error) {
	var n node
	if err := xml.Unmarshal(data, &n); err != nil {
		return nil, err
	}
	var out []*Interface
	for i := range n.Interfaces {
		it := &n.Interfaces[i]
		if err := it.validate(); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

func (i *Interface) validate() error {
	if i.Name == "" || strings.Count(i.Name, ".") < 1 {
		return fmt.Errorf("interface name %q is not valid", i.Name)
	}
	seen := map[string]string{}
	check := func(kind, name string) error {
		if name == "" {
			return fmt.Errorf("%s: %s without a name", i.Name, kind)
		}
		if prev, ok := seen[name]; ok {
			return fmt.Errorf("%s: %s %s clashes with %s of the same name", i.Name, kind, name, prev)
		}
		seen[name] = kind
		return nil
	}
	for _, m := range i.Methods {
		if err := check("method", m.Name); err != nil {
			return err
		}
		for _, a := range m.Args {
			if a.Direction != "" && a.Direction != "in" && a.Direction != "out" {
				return fmt.Errorf("%s.%s: argument %s has direction %q", i.Name, m.Name, a.Name, a.Direction)
			}
			if err := checkSignature(a.Type, true); err != nil {
				return fmt.Errorf("%s.%s: argument %s: %w", i.Name, m.Name, a.Name, err)
			}
		}
	}
	for _, s := range i.Signals {
		if err := check("signal", s.Name); err != nil {
			return err
		}
		for _, a := range s.Args {
			if err := checkSignature(a.Type, true); err != nil {
				return fmt.Errorf("%s.%s: argument %s: %w", i.Name, s.Name, a.Name, err)
			}
		}
	}
	for _, p := range i.Properties {
		if err := check("property", p.Name); err != nil {
			return err
		}
		if p.Access != "read" && p.Access != "write" && p.Access != "readwrite" {
			return fmt.Errorf("%s.%s: access %q", i.Name, p.Name, p.Access)
		}
		if err := checkSignature(p.Type, true); err != nil {
			return fmt.Errorf("%s.%s: %w", i.Name, p.Name, err)
		}
	}
	return nil
}

// Lookup returns the interface with the given full name.
func Lookup(name string) (*Interface, bool) {
	loadOnce.Do(load)
	it, ok := loaded[name]
	return it, ok
}

// All returns every interface, sorted by name. It fails only if an embedded
// file is broken, which the package's tests rule out.
func All() ([]*Interface, error) {
	loadOnce.Do(load)
	if loadErr != nil {
		return nil, loadErr
	}
	out := make([]*Interface, 0, len(loaded))
	for _, it := range loaded {
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b *Interface) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Err reports a problem with the embedded files, if any.
func Err() error {
	loadOnce.Do(load)
	return loadErr
}
