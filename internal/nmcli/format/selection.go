package format

import (
	"errors"
	"strings"
)

// Selected is one item of a field selection: the field, its index in the
// table, the name as the user wrote it (with the section prefix, if any),
// and the part after the first dot, which selects inside a section.
type Selected struct {
	Field   *Field
	Idx     int
	Self    string
	HasSelf bool
	Sub     string
	HasSub  bool
}

// SelectAll selects every field in table order.
func SelectAll(fields []*Field) []Selected {
	out := make([]Selected, len(fields))
	for i, f := range fields {
		out[i] = Selected{Field: f, Idx: i}
	}
	return out
}

// Spec is a field selection as given to -f: nil means "all fields".
type Spec = *string

// SpecOf returns a Spec for s.
func SpecOf(s string) Spec { return &s }

// ParseSelection parses a comma-separated selection. Names match without
// regard to case; "NAME.SUB" selects inside a section, and with
// validateNested the SUB part is checked against the section's fields.
// "all" and "common" are errors here (the caller resolves them first).
func ParseSelection(fields []*Field, spec Spec, validateNested bool) ([]Selected, error) {
	if spec == nil {
		return SelectAll(fields), nil
	}
	var out []Selected
	for _, part := range strings.Split(*spec, ",") {
		part = strings.TrimRight(strings.TrimLeft(part, asciiSpace), asciiSpace)
		if part == "" {
			continue
		}
		s, err := selectOne(fields, "", false, part, validateNested)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

const asciiSpace = " \t\n\v\f\r"

func selectOne(fields []*Field, prefix string, hasPrefix bool, str string, validateNested bool) (Selected, error) {
	name, right, hasRight := strings.Cut(str, ".")
	var failure *Field
	found := -1
	for i, f := range fields {
		if !strings.EqualFold(name, f.Name) {
			continue
		}
		if !hasRight || !validateNested {
			found = i
			break
		}
		for _, n := range f.Nested {
			if strings.EqualFold(right, n.Name) {
				found = i
				break
			}
		}
		if found < 0 {
			failure = f
		}
		break
	}
	if found < 0 {
		if !hasRight && !hasPrefix && (strings.EqualFold(name, "all") || strings.EqualFold(name, "common")) {
			return Selected{}, errors.New("field '" + name + "' has to be alone")
		}
		var allowed string
		if failure != nil {
			p := failure.Name
			if hasPrefix {
				p = prefix + "." + failure.Name
			}
			allowed = Names(failure.Nested, p)
		} else {
			allowed = Names(fields, "")
		}
		msg := "invalid field '"
		if hasPrefix {
			msg += prefix + "."
		}
		msg += name
		if hasRight {
			msg += "." + right
		}
		msg += "'; "
		if allowed != "" {
			msg += "allowed fields: " + allowed
		} else {
			msg += "no fields"
		}
		return Selected{}, errors.New(msg)
	}
	s := Selected{Field: fields[found], Idx: found, HasSelf: true, Self: name}
	if hasPrefix {
		s.Self = prefix + "." + name
	}
	if hasRight {
		s.Sub, s.HasSub = right, true
	}
	return s, nil
}

// ParseFields parses a selection for the older printing path (device
// sections, access points, LLDP neighbors), which validates section
// members at once. It returns the selected indices and, per index, the
// part after the dot (or "" with ok false).
func ParseFields(fields []*Field, spec Spec) (idx []int, subs []Sub, err error) {
	sel, err := ParseSelection(fields, spec, true)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range sel {
		idx = append(idx, s.Idx)
		subs = append(subs, Sub{s.Sub, s.HasSub})
	}
	return idx, subs, nil
}

// Sub is an optional sub-field selection.
type Sub struct {
	Name string
	OK   bool
}

// Ptr returns the selection as a Spec (nil when absent).
func (s Sub) Ptr() Spec {
	if !s.OK {
		return nil
	}
	return SpecOf(s.Name)
}
