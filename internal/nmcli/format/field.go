// Package format owns nmcli's output engine: field descriptions, the
// parsing of -f/-g field selections (with sections, "all" and "common"),
// and the rendering of records as NetworkManager 1.42's nmcli does
// (tabular and multiline, terse and pretty, escaping, colors), plus the
// JSON mode that gonm adds. It knows nothing of D-Bus; commands hand it
// targets and field tables. It may call only the standard library.
package format

// GetType selects how a value is rendered: for people (pretty, also used
// by the normal mode) or for scripts (parsable, used by the terse mode).
type GetType int

const (
	Pretty GetType = iota
	Parsable
)

// Value is one field of one record.
type Value struct {
	// Text is the value; empty with Set false means "no value" (printed
	// as "--" in the normal and pretty modes).
	Text string
	Set  bool
	// Strv holds a multi-valued field (IsStrv): printed one per line in
	// multiline mode, joined with " | " in tabular mode.
	Strv   []string
	IsStrv bool
	Color  Color
	// IsDefault marks a value that --overview hides.
	IsDefault bool
}

// Str is a set string value.
func Str(s string) Value { return Value{Text: s, Set: true} }

// Strv is a multi-valued value.
func Strv(v []string) Value { return Value{Strv: v, IsStrv: true, IsDefault: len(v) == 0} }

// Null is "no value".
func Null() Value { return Value{} }

// StrOrNull is Str(s), or Null when s is empty.
func StrOrNull(s string) Value {
	if s == "" {
		return Value{}
	}
	return Str(s)
}

// Field describes one column: its name as -f accepts it, and either a
// getter or nested fields (a section, such as IP4 in "device show").
type Field struct {
	Name string
	// Header replaces Name in the header row of tabular output ("GROUP"
	// and "NAME" for sections).
	Header string
	Nested []*Field
	// Get renders the field for a target; for sections the value is the
	// section's name.
	Get func(target any, t GetType) Value
}

func (f *Field) headerName() string {
	if f.Header != "" {
		return f.Header
	}
	return f.Name
}

func (f *Field) value(target any, t GetType) Value {
	if f.Get != nil {
		return f.Get(target, t)
	}
	if f.Nested != nil {
		return Str(f.Name)
	}
	return Value{}
}

// Group wraps nested fields as a one-field table, the way nmcli prints a
// single section ("GENERAL", "IP4") of a larger record.
func Group(name string, nested []*Field, header string) []*Field {
	return []*Field{{Name: name, Header: header, Nested: nested}}
}

// Names lists fields as "A,B,C", optionally prefixed ("IP4.ADDRESS").
func Names(fields []*Field, prefix string) string {
	s := ""
	for i, f := range fields {
		if i > 0 {
			s += ","
		}
		if prefix != "" {
			s += prefix + "."
		}
		s += f.Name
	}
	return s
}
