package format

import (
	"strings"
)

// RowFlags say how a row of a Rows table is printed.
type RowFlags int

const (
	// FieldNames prints the field names instead of values (the header).
	FieldNames RowFlags = 1 << iota
	// SectionPrefix uses the first value as a prefix for the names in
	// multiline mode ("AP[1].SSID:") and does not print it on its own.
	SectionPrefix
	// MainHeaderAdd prints the pretty-mode banner before the row.
	MainHeaderAdd
	// MainHeaderOnly prints only the banner.
	MainHeaderOnly
)

// Rows is a table filled value by value, for the outputs nmcli builds
// row by row (access points, LLDP neighbors, device sections such as
// BRIDGE): every row has one value per field.
type Rows struct {
	Fields []*Field
	rows   []*row
}

type row struct {
	flags  RowFlags
	values []Value
	widths []int
}

// NewRows starts a table over fields.
func NewRows(fields []*Field) *Rows { return &Rows{Fields: fields} }

// Header adds a row of field names.
func (r *Rows) Header(flags RowFlags) {
	r.rows = append(r.rows, &row{flags: flags | FieldNames, values: make([]Value, len(r.Fields))})
}

// Add adds a row; values beyond those given are unset.
func (r *Rows) Add(flags RowFlags, values ...Value) {
	v := make([]Value, len(r.Fields))
	copy(v, values)
	r.rows = append(r.rows, &row{flags: flags, values: v})
}

// SetColor colors every value of the last row.
func (r *Rows) SetColor(c Color) {
	last := r.rows[len(r.rows)-1]
	for i := range last.values {
		last.values[i].Color = c
	}
}

// SetValueColor colors one value of the last row.
func (r *Rows) SetValueColor(i int, c Color) {
	r.rows[len(r.rows)-1].values[i].Color = c
}

// text is the value as nmcli prints it in this table: arrays joined,
// missing values replaced by notSet, colored when requested.
func (r *Rows) text(p *Printer, rw *row, i int, notSet string, colors bool) string {
	var s string
	v := rw.values[i]
	switch {
	case rw.flags&FieldNames != 0:
		s = r.Fields[i].Name
	case v.IsStrv:
		s = strings.Join(v.Strv, " | ")
	case v.Text != "":
		s = v.Text
	default:
		s = notSet
	}
	if colors && p != nil {
		s = p.colorize(v.Color, s)
	}
	return s
}

func (r *Rows) prepareWidths() {
	for i := range r.Fields {
		w := 0
		for _, rw := range r.rows {
			w = max(w, ScreenWidth(r.text(nil, rw, i, "--", false)))
		}
		for _, rw := range r.rows {
			if rw.widths == nil {
				rw.widths = make([]int, len(r.Fields))
			}
			rw.widths[i] = w + 1
		}
	}
}

// PrintRows prints the table with the fields at indices (in that order),
// as nmcli's older printing path does.
func (p *Printer) PrintRows(indices []int, header string, r *Rows) {
	if p.json != nil {
		p.jsonRows(indices, r)
		return
	}
	r.prepareWidths()
	for _, rw := range r.rows {
		p.printRow(indices, header, r, rw)
	}
}

// MainHeader prints only the pretty-mode banner that opens a multi-part
// record ("Device details (eth0)").
func (p *Printer) MainHeader(title string) {
	if p.json != nil {
		return
	}
	if p.BeforeOutput != nil {
		p.BeforeOutput()
	}
	if p.Cfg.Output == PrettyOutput {
		p.banner(title)
	}
}

func (p *Printer) printRow(indices []int, header string, r *Rows, rw *row) {
	if p.BeforeOutput != nil {
		p.BeforeOutput()
	}
	tableWidth := 0
	if p.Cfg.Output == PrettyOutput && rw.flags&(MainHeaderAdd|MainHeaderOnly) != 0 {
		tableWidth = p.banner(header)
	}
	if rw.flags&MainHeaderOnly != 0 {
		return
	}
	fieldNames := rw.flags&FieldNames != 0
	if (p.Cfg.Output == Terse || p.Cfg.Multiline) && fieldNames {
		return
	}
	notSet := "--"
	if p.Cfg.Output == Terse {
		notSet = ""
	}
	sectionPrefix := rw.flags&SectionPrefix != 0
	if p.Cfg.Multiline {
		prefix := ""
		if sectionPrefix {
			prefix = rw.values[0].Text + "."
		}
		var b strings.Builder
		for _, idx := range indices {
			if sectionPrefix && idx == 0 {
				continue
			}
			v := rw.values[idx]
			name := r.Fields[idx].Name
			if v.IsStrv {
				for j, s := range v.Strv {
					p.multilineLine(&b, prefix+name+"["+itoa(j+1)+"]:", p.colorize(v.Color, s))
				}
				continue
			}
			s := v.Text
			if s == "" {
				s = notSet
			}
			p.multilineLine(&b, prefix+name+":", p.colorize(v.Color, s))
		}
		p.printf(b.String())
		if p.Cfg.Output == PrettyOutput {
			p.printf(strings.Repeat("-", HeaderWidth) + "\n")
		}
		return
	}
	var b strings.Builder
	for _, idx := range indices {
		s := r.text(p, rw, idx, notSet, true)
		if p.Cfg.Output == Terse {
			if p.Cfg.Escape {
				escapeTerse(&b, s)
			} else {
				b.WriteString(s)
			}
			b.WriteByte(':')
			continue
		}
		w := rw.widths[idx]
		if s == "" {
			s = notSet
		}
		padRight(&b, s, w)
		b.WriteByte(' ')
		tableWidth += w + 1
	}
	if b.Len() == 0 {
		return
	}
	line := b.String()
	p.printf(line[:len(line)-1] + "\n")
	if p.Cfg.Output == PrettyOutput && fieldNames {
		p.printf(strings.Repeat("-", tableWidth) + "\n")
	}
}

func (p *Printer) multilineLine(b *strings.Builder, prefix, value string) {
	if p.Cfg.Output == Terse {
		b.WriteString(prefix)
	} else {
		padRight(b, prefix, ValueIndent)
	}
	b.WriteString(value)
	b.WriteByte('\n')
}
