package setting

import (
	"fmt"
	"maps"
	"slices"

	"github.com/godbus/dbus/v5"
)

// Connection is a profile: a set of settings, at most one of each kind.
// A Connection is a value owned by one goroutine (the loop); Clone before
// handing it to another.
type Connection struct {
	settings map[string]*Setting
}

// NewConnection returns an empty profile.
func NewConnection() *Connection {
	return &Connection{settings: make(map[string]*Setting)}
}

// Setting returns the named setting, or nil when the profile lacks it.
func (c *Connection) Setting(name string) *Setting { return c.settings[name] }

// Has reports whether the profile has the named setting.
func (c *Connection) Has(name string) bool { return c.settings[name] != nil }

// Add puts a setting into the profile, replacing one of the same name.
func (c *Connection) Add(s *Setting) { c.settings[s.info.Name] = s }

// Ensure returns the named setting, adding an empty one when missing. It
// panics for a name that is not a setting.
func (c *Connection) Ensure(name string) *Setting {
	if s := c.settings[name]; s != nil {
		return s
	}
	s := MustNewSetting(name)
	c.Add(s)
	return s
}

// Remove deletes the named setting; it reports whether it was there.
func (c *Connection) Remove(name string) bool {
	if c.settings[name] == nil {
		return false
	}
	delete(c.settings, name)
	return true
}

// Settings returns the settings in NetworkManager's priority order.
func (c *Connection) Settings() []*Setting {
	out := make([]*Setting, 0, len(c.settings))
	for _, s := range c.settings {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *Setting) int { return a.info.order - b.info.order })
	return out
}

// Clone returns a deep copy.
func (c *Connection) Clone() *Connection {
	n := NewConnection()
	for name, s := range c.settings {
		n.settings[name] = s.Clone()
	}
	return n
}

// Equal reports whether two profiles have the same settings with the same
// values, secrets included.
func (c *Connection) Equal(o *Connection) bool {
	if len(c.settings) != len(o.settings) {
		return false
	}
	for name, s := range c.settings {
		os := o.settings[name]
		if os == nil || !s.Equal(os) {
			return false
		}
	}
	return true
}

// connection-setting shortcuts

func (c *Connection) conString(prop string) string {
	if s := c.settings["connection"]; s != nil {
		v, _ := s.String(prop)
		return v
	}
	return ""
}

// ID is connection.id.
func (c *Connection) ID() string { return c.conString("id") }

// UUID is connection.uuid.
func (c *Connection) UUID() string { return c.conString("uuid") }

// Type is connection.type.
func (c *Connection) Type() string { return c.conString("type") }

// InterfaceName is connection.interface-name.
func (c *Connection) InterfaceName() string { return c.conString("interface-name") }

// Controller is connection.master.
func (c *Connection) Controller() string { return c.conString("master") }

// PortType is connection.slave-type.
func (c *Connection) PortType() string { return c.conString("slave-type") }

// Setting is one setting of a profile: values for the properties that are
// set; the others have their defaults.
type Setting struct {
	info   *Info
	values map[string]any
	// badOptions holds the keys a gendata setting received that are not
	// options or have the wrong type; Verify rejects them.
	badOptions map[string]dbus.Variant
}

// NewSetting returns an empty setting of the given name.
func NewSetting(name string) (*Setting, error) {
	info := Lookup(name)
	if info == nil {
		return nil, fmt.Errorf("unknown setting %q", name)
	}
	return &Setting{info: info, values: make(map[string]any)}, nil
}

// MustNewSetting is NewSetting for names known to be valid.
func MustNewSetting(name string) *Setting {
	s, err := NewSetting(name)
	if err != nil {
		panic(err)
	}
	return s
}

// Info describes the setting.
func (s *Setting) Info() *Info { return s.info }

// Name is the setting's name ("ipv4", "802-3-ethernet", ...).
func (s *Setting) Name() string { return s.info.Name }

// Clone returns a deep copy.
func (s *Setting) Clone() *Setting {
	n := &Setting{info: s.info, values: make(map[string]any, len(s.values)), badOptions: maps.Clone(s.badOptions)}
	for k, v := range s.values {
		n.values[k] = cloneValue(v)
	}
	return n
}

// Equal compares two settings value by value.
func (s *Setting) Equal(o *Setting) bool {
	if s.info != o.info {
		return false
	}
	for _, p := range s.info.Props {
		if !equalValues(s.Get(p.Name), o.Get(p.Name)) {
			return false
		}
	}
	return true
}

// Get returns the property's value, or its default when unset. Lists and
// maps are shared with the setting: do not modify them.
func (s *Setting) Get(prop string) any {
	if v, ok := s.values[prop]; ok {
		return v
	}
	p := s.info.props[prop]
	if p == nil {
		return nil
	}
	return p.Default
}

// IsSet reports whether the property has a value other than its default.
func (s *Setting) IsSet(prop string) bool {
	_, ok := s.values[prop]
	return ok
}

// Set stores a value, which must have the Go type of the property's kind.
// A value equal to the default unsets the property, and an empty list
// unsets properties that do not tell empty from unset.
func (s *Setting) Set(prop string, v any) error {
	p := s.info.props[prop]
	if p == nil {
		return fmt.Errorf("%s: unknown property %q", s.info.Name, prop)
	}
	if v == nil {
		s.Unset(prop)
		return nil
	}
	if !p.Kind.accepts(v) {
		return fmt.Errorf("%s.%s: value of type %T does not fit %v", s.info.Name, prop, v, p.Kind)
	}
	s.set(p, v)
	return nil
}

// MustSet is Set for values known to fit.
func (s *Setting) MustSet(prop string, v any) {
	if err := s.Set(prop, v); err != nil {
		panic(err)
	}
}

func (s *Setting) set(p *Property, v any) {
	if v == nil {
		// A value that did not convert (best-effort parsing) leaves the
		// property unset.
		delete(s.values, p.Name)
		return
	}
	if p.Normalize != nil {
		v = p.Normalize(v)
	}
	if p.Kind.isList() && isEmptyList(v) && !p.KeepEmpty {
		// Folded: either to the (empty) default, or to unset.
		delete(s.values, p.Name)
		return
	}
	if !p.Option && equalValues(v, p.Default) {
		delete(s.values, p.Name)
		return
	}
	s.values[p.Name] = v
}

// Unset returns the property to its default.
func (s *Setting) Unset(prop string) { delete(s.values, prop) }

// String returns a string property and whether it is set (non-NULL).
func (s *Setting) String(prop string) (string, bool) {
	v, ok := s.Get(prop).(string)
	return v, ok
}

// Str returns a string property, "" when unset.
func (s *Setting) Str(prop string) string {
	v, _ := s.Get(prop).(string)
	return v
}

// Bool returns a boolean property.
func (s *Setting) Bool(prop string) bool {
	v, _ := s.Get(prop).(bool)
	return v
}

// Int32 returns an int32 property.
func (s *Setting) Int32(prop string) int32 {
	v, _ := s.Get(prop).(int32)
	return v
}

// Uint32 returns a uint32 property.
func (s *Setting) Uint32(prop string) uint32 {
	v, _ := s.Get(prop).(uint32)
	return v
}

// Int64 returns an int64 property.
func (s *Setting) Int64(prop string) int64 {
	v, _ := s.Get(prop).(int64)
	return v
}

// Uint64 returns a uint64 property.
func (s *Setting) Uint64(prop string) uint64 {
	v, _ := s.Get(prop).(uint64)
	return v
}

// Strv returns a string-list property (shared; do not modify).
func (s *Setting) Strv(prop string) []string {
	v, _ := s.Get(prop).([]string)
	return v
}

// Bytes returns a byte-array property (shared; do not modify).
func (s *Setting) Bytes(prop string) []byte {
	v, _ := s.Get(prop).([]byte)
	return v
}

// StrDict returns a string-map property (shared; do not modify).
func (s *Setting) StrDict(prop string) map[string]string {
	v, _ := s.Get(prop).(map[string]string)
	return v
}

// Addresses returns ipv4/ipv6 addresses.
func (s *Setting) Addresses() []IPAddress {
	v, _ := s.Get("addresses").([]IPAddress)
	return v
}

// Routes returns ipv4/ipv6 routes.
func (s *Setting) Routes() []IPRoute {
	v, _ := s.Get("routes").([]IPRoute)
	return v
}

// RoutingRules returns ipv4/ipv6 routing rules.
func (s *Setting) RoutingRules() []RoutingRule {
	v, _ := s.Get("routing-rules").([]RoutingRule)
	return v
}

// SetValues reports the names of the properties that have a value other
// than their default, in NetworkManager's order.
func (s *Setting) SetValues() []string {
	var out []string
	for _, p := range s.info.Props {
		if _, ok := s.values[p.Name]; ok {
			out = append(out, p.Name)
		}
	}
	return out
}
