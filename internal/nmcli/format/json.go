package format

import (
	"bytes"
	"encoding/json"
	"strings"
)

// JSON mode (gonm's addition to nmcli): every table a command would print
// becomes part of one JSON document, written when the command finishes.
// A command that prints no table (help, actions like "connection up",
// monitors, errors) writes no document and prints its usual text.
// Records are objects keyed by the field names that -f accepts ("DEVICE",
// "IP4-CONNECTIVITY"); a section is a nested object ("IP4": {"ADDRESS":
// [...]}); multi-valued fields are arrays; a field without a value is
// null. Values are the terse-mode (parsable) texts. A command that prints
// several tables per object (device show, connection show ID) opens a
// record per object, so each object is one element of the top-level
// array.

// omap is a JSON object that keeps its keys in insertion order, so that
// the output follows the field order the user asked for.
type omap struct {
	keys []string
	vals map[string]any
}

func newOmap() *omap { return &omap{vals: map[string]any{}} }

func (o *omap) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

// setSection adds a section object under k; when the record has that
// section already (nmcli prints "GENERAL.DEVICE,GENERAL.TYPE" as two
// one-field tables), the fields join it.
func (o *omap) setSection(k string, sub *omap) {
	if old, ok := o.vals[k].(*omap); ok {
		for _, kk := range sub.keys {
			old.set(kk, sub.vals[kk])
		}
		return
	}
	o.set(k, sub)
}

func (o *omap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(o.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

type jsonDoc struct {
	top []any
	rec *omap
	// used is set once a table was printed (even an empty one).
	used bool
}

// StartJSON switches the printer to JSON mode.
func (p *Printer) StartJSON() { p.json = &jsonDoc{top: []any{}} }

// JSON reports whether the printer collects JSON.
func (p *Printer) JSON() bool { return p.json != nil }

// BeginRecord opens a record that the following tables add their
// sections to, until EndRecord.
func (p *Printer) BeginRecord() {
	if p.json == nil {
		return
	}
	p.json.used = true
	p.json.rec = newOmap()
}

// JSONList marks the document as a list that is printed even when no
// table follows (no neighbors, no access points): "[]".
func (p *Printer) JSONList() {
	if p.json != nil {
		p.json.used = true
	}
}

// AddJSONRecord adds one record of plain fields, for a command that
// prints a bare value as text ("general hostname"); values are strings or
// nil.
func (p *Printer) AddJSONRecord(keys []string, values []any) {
	if p.json == nil {
		return
	}
	p.json.used = true
	o := newOmap()
	for i, k := range keys {
		o.set(k, values[i])
	}
	p.json.top = append(p.json.top, o)
}

// EndRecord closes the record opened by BeginRecord.
func (p *Printer) EndRecord() {
	if p.json == nil || p.json.rec == nil {
		return
	}
	p.json.top = append(p.json.top, p.json.rec)
	p.json.rec = nil
}

// FinishJSON writes the collected document.
func (p *Printer) FinishJSON() error {
	if p.json == nil {
		return nil
	}
	p.EndRecord()
	if !p.json.used {
		p.json = nil
		return nil
	}
	out, err := json.MarshalIndent(p.json.top, "", "  ")
	if err != nil {
		return err
	}
	p.json = nil
	_, err = p.W.Write(append(out, '\n'))
	return err
}

func jsonValue(v Value) any {
	switch {
	case v.IsStrv:
		if v.Strv == nil {
			return []string{}
		}
		return v.Strv
	case v.Set || v.Text != "":
		return v.Text
	default:
		return nil
	}
}

func (p *Printer) jsonTable(targets []any, cols []*column) {
	p.json.used = true
	fill := func(o *omap, t any) {
		for i, c := range cols {
			if c.parent >= 0 {
				continue
			}
			if c.sel.Field.Nested == nil {
				o.set(c.sel.Field.Name, jsonValue(c.sel.Field.value(t, Parsable)))
				continue
			}
			sub := newOmap()
			for _, cc := range cols {
				if cc.parent == i {
					sub.set(cc.sel.Field.Name, jsonValue(cc.sel.Field.value(t, Parsable)))
				}
			}
			o.setSection(c.sel.Field.Name, sub)
		}
	}
	if p.json.rec != nil && len(targets) == 1 {
		fill(p.json.rec, targets[0])
		return
	}
	for _, t := range targets {
		o := newOmap()
		fill(o, t)
		p.json.top = append(p.json.top, o)
	}
}

func (p *Printer) jsonRows(indices []int, r *Rows) {
	p.json.used = true
	for _, rw := range r.rows {
		if rw.flags&(FieldNames|MainHeaderOnly) != 0 {
			continue
		}
		// Inside a record, a prefixed row is one of the record's sections
		// and its first field is the section's name, not a value.
		section := p.json.rec != nil && rw.flags&SectionPrefix != 0
		o := newOmap()
		for _, idx := range indices {
			if section && idx == 0 {
				continue
			}
			o.set(r.Fields[idx].Name, jsonValue(rw.values[idx]))
		}
		if !section {
			p.json.top = append(p.json.top, o)
			continue
		}
		// "BRIDGE" becomes an object, "AP[3]" an element of a list "AP".
		name := rw.values[0].Text
		if base, _, ok := strings.Cut(name, "["); ok {
			list, _ := p.json.rec.vals[base].([]any)
			p.json.rec.set(base, append(list, o))
		} else {
			p.json.rec.setSection(name, o)
		}
	}
}
