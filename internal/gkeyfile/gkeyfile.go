// Package gkeyfile reads and writes the GLib "key file" format that
// NetworkManager uses for NetworkManager.conf and for keyfile connection
// profiles: [group] headers, key=value lines, # comments, and GLib's
// escaping of string values (\s \n \t \r \\) and of lists (\; inside a
// ;-separated list).
//
// It follows GLib's parsing rules where they matter for compatibility:
// leading whitespace of lines and values is dropped, whitespace before '='
// is dropped, trailing whitespace of a value is kept, CRLF line ends are
// accepted, a repeated key replaces the earlier value, and a repeated group
// continues the earlier one.
package gkeyfile

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// File is a parsed key file. Groups and keys keep their first-seen order,
// which is the order Marshal writes them in.
type File struct {
	groups []*Group
	index  map[string]*Group
}

// Group is one [section] of a key file.
type Group struct {
	Name  string
	keys  []string
	value map[string]string // raw, still-escaped values
	// Comment holds the comment lines directly above the group header,
	// without their leading '#'.
	Comment []string
}

// New returns an empty key file.
func New() *File { return &File{index: make(map[string]*Group)} }

// ParseError describes a malformed line.
type ParseError struct {
	Line int
	Msg  string
	// GLib is GLib's text for the same error ("Key file contains line
	// “x” which is not a key-value pair, group, or comment").
	GLib string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Parse reads a whole key file. Any malformed line makes the whole file
// invalid, as in GLib.
func Parse(data []byte) (*File, error) {
	f := New()
	var cur *Group
	var comments []string
	lineNo := 0
	for len(data) > 0 {
		lineNo++
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		// GLib handles lines as C strings: a NUL byte ends the line.
		if i := bytes.IndexByte(line, 0); i >= 0 {
			line = line[:i]
		}
		trimmed := bytes.TrimLeft(line, " \t\v\f\r")
		switch {
		case len(trimmed) == 0:
			comments = comments[:0]
		case trimmed[0] == '#':
			comments = append(comments, string(trimmed[1:]))
		case trimmed[0] == '[':
			end := bytes.LastIndexByte(trimmed, ']')
			if end < 0 {
				return nil, notKeyValue(lineNo, line)
			}
			name := string(trimmed[1:end])
			if err := checkGroupName(name); err != nil {
				return nil, &ParseError{lineNo, err.Error(), "Invalid group name: " + name}
			}
			cur = f.AddGroup(name)
			if len(comments) > 0 && cur.Comment == nil {
				cur.Comment = append([]string(nil), comments...)
			}
			comments = comments[:0]
		default:
			eq := bytes.IndexByte(trimmed, '=')
			if eq < 0 {
				return nil, notKeyValue(lineNo, line)
			}
			if cur == nil {
				return nil, &ParseError{lineNo, "key file does not start with a group", "Key file does not start with a group"}
			}
			key := string(bytes.TrimRight(trimmed[:eq], " \t\v\f\r"))
			if err := checkKeyName(key); err != nil {
				return nil, &ParseError{lineNo, err.Error(), "Invalid key name: " + key}
			}
			val := string(bytes.TrimLeft(trimmed[eq+1:], " \t\v\f\r"))
			cur.SetRaw(key, val)
			comments = comments[:0]
		}
	}
	return f, nil
}

func notKeyValue(lineNo int, line []byte) *ParseError {
	return &ParseError{lineNo, fmt.Sprintf("line %q is not a key-value pair, group, or comment", line),
		"Key file contains line “" + string(line) + "” which is not a key-value pair, group, or comment"}
}

func checkGroupName(name string) error {
	if name == "" {
		return fmt.Errorf("empty group name")
	}
	for _, r := range name {
		if r == '[' || r == ']' || r < 0x20 || r == 0x7f {
			return fmt.Errorf("invalid group name %q", name)
		}
	}
	return nil
}

func checkKeyName(key string) error {
	if key == "" || strings.ContainsAny(key, "=\n") {
		return fmt.Errorf("invalid key name %q", key)
	}
	// A locale suffix "key[xx]" must close at the very end.
	if i := strings.IndexByte(key, '['); i >= 0 && (i == 0 || !strings.HasSuffix(key, "]")) {
		return fmt.Errorf("invalid key name %q", key)
	}
	return nil
}

// Groups returns the groups in file order.
func (f *File) Groups() []*Group { return f.groups }

// Group returns the named group, or nil.
func (f *File) Group(name string) *Group { return f.index[name] }

// AddGroup returns the named group, creating it at the end if needed.
func (f *File) AddGroup(name string) *Group {
	if g := f.index[name]; g != nil {
		return g
	}
	g := &Group{Name: name, value: make(map[string]string)}
	f.groups = append(f.groups, g)
	f.index[name] = g
	return g
}

// RemoveGroup deletes a group and its keys.
func (f *File) RemoveGroup(name string) {
	if f.index[name] == nil {
		return
	}
	delete(f.index, name)
	for i, g := range f.groups {
		if g.Name == name {
			f.groups = append(f.groups[:i], f.groups[i+1:]...)
			break
		}
	}
}

// Keys returns the group's keys in file order.
func (g *Group) Keys() []string { return g.keys }

// Has reports whether the key is set.
func (g *Group) Has(key string) bool {
	_, ok := g.value[key]
	return ok
}

// Raw returns the value exactly as written in the file.
func (g *Group) Raw(key string) (string, bool) {
	v, ok := g.value[key]
	return v, ok
}

// SetRaw stores a value that is already escaped.
func (g *Group) SetRaw(key, raw string) {
	if _, ok := g.value[key]; !ok {
		g.keys = append(g.keys, key)
	}
	g.value[key] = raw
}

// Delete removes a key.
func (g *Group) Delete(key string) {
	if _, ok := g.value[key]; !ok {
		return
	}
	delete(g.value, key)
	for i, k := range g.keys {
		if k == key {
			g.keys = append(g.keys[:i], g.keys[i+1:]...)
			break
		}
	}
}

// String returns the key's value with GLib's string escapes undone. As in
// GLib, a value that is not UTF-8 is an error (Raw still returns it).
func (g *Group) String(key string) (string, bool, error) {
	raw, ok := g.value[key]
	if !ok {
		return "", false, nil
	}
	if !utf8.ValidString(raw) {
		return "", true, fmt.Errorf("key %q has a value that is not UTF-8", key)
	}
	s, err := Unescape(raw)
	return s, true, err
}

// SetString stores a string, escaping it as GLib does.
func (g *Group) SetString(key, s string) { g.SetRaw(key, Escape(s)) }

// List returns the key's value split at unescaped ';', each element
// unescaped. A trailing ';' does not give an empty last element.
func (g *Group) List(key string) ([]string, bool, error) {
	raw, ok := g.value[key]
	if !ok {
		return nil, false, nil
	}
	if !utf8.ValidString(raw) {
		return nil, true, fmt.Errorf("key %q has a value that is not UTF-8", key)
	}
	l, err := SplitList(raw, ';')
	return l, true, err
}

// SetList stores a list as GLib writes it: each element escaped, ';' after
// every element.
func (g *Group) SetList(key string, l []string) { g.SetRaw(key, JoinList(l, ';')) }

// Escape escapes a string value: backslash, newline, tab, carriage return,
// and the leading spaces (which the parser would otherwise drop), every
// one of them as GLib does.
func Escape(s string) string {
	var b strings.Builder
	leading := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != ' ' {
			leading = false
		}
		switch c {
		case ' ':
			if leading {
				b.WriteString(`\s`)
			} else {
				b.WriteByte(' ')
			}
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case '\\':
			b.WriteString(`\\`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Unescape undoes Escape. Unknown escapes and a lone trailing backslash are
// errors, as in GLib.
func Unescape(raw string) (string, error) {
	if !strings.Contains(raw, `\`) {
		return raw, nil
	}
	l, err := unescape(raw, 0)
	if err != nil {
		return "", err
	}
	return l[0], nil
}

// SplitList splits a raw list value at unescaped sep and unescapes each
// element ("\;" gives ";").
func SplitList(raw string, sep byte) ([]string, error) {
	if raw == "" {
		return nil, nil
	}
	return unescape(raw, sep)
}

func unescape(raw string, sep byte) ([]string, error) {
	var out []string
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '\\' {
			i++
			if i >= len(raw) {
				return nil, fmt.Errorf("escape character at end of value %q", raw)
			}
			switch e := raw[i]; e {
			case 's':
				b.WriteByte(' ')
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '\\':
				b.WriteByte('\\')
			default:
				if sep != 0 && e == sep {
					b.WriteByte(e)
					continue
				}
				return nil, fmt.Errorf("invalid escape sequence \"\\%c\" in value %q", e, raw)
			}
			continue
		}
		if sep != 0 && c == sep {
			out = append(out, b.String())
			b.Reset()
			continue
		}
		b.WriteByte(c)
	}
	if sep == 0 || b.Len() > 0 {
		out = append(out, b.String())
	}
	return out, nil
}

// JoinList escapes each element (including sep inside it) and terminates
// every element with sep.
func JoinList(l []string, sep byte) string {
	var b strings.Builder
	for _, s := range l {
		e := Escape(s)
		if strings.IndexByte(e, sep) >= 0 {
			e = strings.ReplaceAll(e, string(sep), `\`+string(sep))
		}
		b.WriteString(e)
		b.WriteByte(sep)
	}
	return b.String()
}

// Marshal writes the file: groups separated by an empty line, keys in order.
func (f *File) Marshal() []byte {
	var b bytes.Buffer
	for i, g := range f.groups {
		if i > 0 {
			b.WriteByte('\n')
		}
		for _, c := range g.Comment {
			b.WriteByte('#')
			b.WriteString(c)
			b.WriteByte('\n')
		}
		b.WriteByte('[')
		b.WriteString(g.Name)
		b.WriteString("]\n")
		for _, k := range g.keys {
			b.WriteString(k)
			b.WriteByte('=')
			v := g.value[k]
			// A raw CR before the newline would be taken for a CRLF line
			// end when read back; write it as its escape, which reads the same.
			if strings.HasSuffix(v, "\r") {
				v = v[:len(v)-1] + `\r`
			}
			b.WriteString(v)
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}
