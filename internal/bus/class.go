package bus

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/introspection"
)

// Handler answers one method call (or one property write) on the loop. It
// must eventually call c.Reply or c.Error exactly once, at once or later
// (for example after an authorization check completes).
type Handler func(c *Call)

// Interface is the daemon side of one D-Bus interface of a class: the
// handlers of its methods and of its writable properties, and how its
// property changes are emitted. Methods and Setters must name exactly the
// methods and writable properties of the interface's XML
// (introspection/<name>.xml); NewClass checks that.
type Interface struct {
	Name    string
	Methods map[string]Handler
	// Setters handle org.freedesktop.DBus.Properties.Set of the writable
	// properties; the new value is c.Args[0], already checked against the
	// property's signature.
	Setters map[string]Handler
	// RateLimit, when set, holds back changes of some properties so that
	// they are emitted at most once per interval.
	RateLimit *RateLimit

	info    *introspection.Interface
	propIdx map[string]int
	limited []bool // by property index: under RateLimit
}

// RateLimit is NetworkManager's emission policy for properties that can
// change very often (IP4Config/IP6Config addresses and routes): the first
// change after a quiet period goes out at once; further changes within
// Interval of the last emission are merged and go out when the interval
// ends, with the state of that moment. The settled state is always
// published; states in between may be skipped. Get and GetAll show the
// last emitted value, so readers and the signal stream agree.
type RateLimit struct {
	Properties []string
	Interval   time.Duration
}

// RateLimitIPConfig is NetworkManager's limit for IP4Config and IP6Config
// addresses and routes: 333 ms, about three updates a second.
const RateLimitIPConfig = 333 * time.Millisecond

// Class is a kind of exported object: where its objects live and the
// interfaces each of them implements. As in NetworkManager, the set of
// interfaces is fixed by the class.
type Class struct {
	// Name is for logs and errors ("Device", "ActiveConnection").
	Name string
	// Path is the object path of the single object of a static class, or
	// the base of a numbered family ("/org/freedesktop/NetworkManager/
	// Devices"): objects get Path/1, Path/2, ... in export order, never
	// reused within a run. Classes that share a base share its counter.
	Path     dbus.ObjectPath
	Numbered bool
	// Interfaces in the order Introspect lists them.
	Interfaces []*Interface

	// introspectXML is the static part of Introspect for objects of the
	// class: the standard interfaces and Interfaces.
	introspectXML string
	ifaceIdx      map[string]int
}

// NewClass checks a class against the introspection files and prepares it:
// every interface must be known, every method and writable property of its
// XML must have a handler and every handler must name such a member.
func NewClass(c *Class) (*Class, error) {
	if !c.Path.IsValid() || c.Path == "/" {
		return nil, fmt.Errorf("class %s: invalid path %q", c.Name, c.Path)
	}
	if len(c.Interfaces) == 0 {
		return nil, fmt.Errorf("class %s: no interfaces", c.Name)
	}
	c.ifaceIdx = map[string]int{}
	for i, it := range c.Interfaces {
		if _, dup := c.ifaceIdx[it.Name]; dup {
			return nil, fmt.Errorf("class %s: interface %s listed twice", c.Name, it.Name)
		}
		c.ifaceIdx[it.Name] = i
		if err := it.prepare(); err != nil {
			return nil, fmt.Errorf("class %s: %w", c.Name, err)
		}
	}
	var b strings.Builder
	for _, std := range []string{introspection.Properties, introspection.Introspectable, introspection.Peer} {
		si, _ := introspection.Standard(std)
		si.WriteXML(&b, "  ")
	}
	for _, it := range c.Interfaces {
		it.info.WriteXML(&b, "  ")
	}
	c.introspectXML = b.String()
	return c, nil
}

// MustClass is NewClass for classes defined in code, where a mismatch with
// the XML is a programming error found by the first test that runs.
func MustClass(c *Class) *Class {
	c, err := NewClass(c)
	if err != nil {
		panic("bus: " + err.Error())
	}
	return c
}

func (it *Interface) prepare() error {
	info, ok := introspection.Lookup(it.Name)
	if !ok {
		return fmt.Errorf("interface %s has no introspection file", it.Name)
	}
	it.info = info
	for _, m := range info.Methods {
		if it.Methods[m.Name] == nil {
			return fmt.Errorf("%s: method %s has no handler", it.Name, m.Name)
		}
	}
	for name := range it.Methods {
		if _, ok := info.Method(name); !ok {
			return fmt.Errorf("%s: handler for %s, which the interface does not have", it.Name, name)
		}
	}
	it.propIdx = map[string]int{}
	for i, p := range info.Properties {
		it.propIdx[p.Name] = i
		if p.Writable() && it.Setters[p.Name] == nil {
			return fmt.Errorf("%s: writable property %s has no setter", it.Name, p.Name)
		}
	}
	for name := range it.Setters {
		p, ok := info.Property(name)
		if !ok || !p.Writable() {
			return fmt.Errorf("%s: setter for %s, which is not a writable property", it.Name, name)
		}
	}
	it.limited = make([]bool, len(info.Properties))
	if it.RateLimit != nil {
		if it.RateLimit.Interval <= 0 {
			return fmt.Errorf("%s: rate limit without an interval", it.Name)
		}
		for _, name := range it.RateLimit.Properties {
			i, ok := it.propIdx[name]
			if !ok {
				return fmt.Errorf("%s: rate limit on unknown property %s", it.Name, name)
			}
			it.limited[i] = true
		}
	}
	return nil
}

// Info returns the interface's introspection data.
func (it *Interface) Info() *introspection.Interface { return it.info }

func (c *Class) iface(name string) (*Interface, int, bool) {
	i, ok := c.ifaceIdx[name]
	if !ok {
		return nil, -1, false
	}
	return c.Interfaces[i], i, true
}

// InterfaceNames lists the class's interfaces in order.
func (c *Class) InterfaceNames() []string {
	names := make([]string, len(c.Interfaces))
	for i, it := range c.Interfaces {
		names[i] = it.Name
	}
	return names
}

// HasInterface reports whether objects of the class implement iface.
func (c *Class) HasInterface(iface string) bool {
	_, ok := c.ifaceIdx[iface]
	return ok || slices.Contains([]string{introspection.Properties, introspection.Introspectable, introspection.Peer}, iface)
}
