package format

import (
	"io"
	"strconv"
	"strings"
)

// Output is the -t/-p choice.
type Output int

const (
	Terse Output = iota
	Normal
	PrettyOutput
)

// Widths of nmcli's multiline layout: banners and separators are 79
// columns, values start at column 40.
const (
	HeaderWidth = 79
	ValueIndent = 40
)

// Config is the part of nmcli's options that shapes output.
type Config struct {
	Output    Output
	Multiline bool
	Escape    bool
	UseColors bool
	Palette   Palette
	// Overview hides values that are at their default (--overview).
	Overview bool
	// JSON replaces all record output by one JSON document (gonm's
	// addition, -m json).
	JSON bool
}

// GetType is the rendering the output mode asks for.
func (c *Config) GetType() GetType {
	if c.Output == Terse {
		return Parsable
	}
	return Pretty
}

// Printer renders records to W.
type Printer struct {
	Cfg *Config
	W   io.Writer
	// BeforeOutput runs before nmcli would start a pager; it is the hook
	// for doing so.
	BeforeOutput func()
	json         *jsonDoc
}

func (p *Printer) printf(s string) {
	io.WriteString(p.W, s)
}

func (p *Printer) colorize(c Color, s string) string {
	return p.Cfg.Palette.Colorize(p.Cfg.UseColors, c, s)
}

// banner prints the pretty-mode title between two lines of '=', centered
// in the table, and returns the width the table starts with: the banner's
// own in tabular mode, at least 79 columns in multiline mode.
func (p *Printer) banner(title string) int {
	headerWidth := ScreenWidth(title) + 4
	tableWidth := headerWidth
	lineWidth := headerWidth
	if p.Cfg.Multiline {
		tableWidth = max(headerWidth, HeaderWidth)
		lineWidth = HeaderWidth
	}
	line := strings.Repeat("=", lineWidth)
	w := ScreenWidth(title)
	pad := (tableWidth+w)/2 - w
	p.printf(line + "\n" + strings.Repeat(" ", max(pad, 0)) + title + "\n" + line + "\n")
	return tableWidth
}

func escapeTerse(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
}

type column struct {
	sel    Selected
	parent int
}

type headerCell struct {
	col     *column
	title   string
	toPrint bool
	width   int
}

type cell struct {
	hdr   *headerCell
	plain string
	strv  []string
	isStr bool
	color Color
	val   Value
}

// PrintTable prints one row per target with the selected fields, the way
// nmcli prints most of its tables. header is the pretty-mode banner title
// ("" for none).
func (p *Printer) PrintTable(targets []any, header string, fields []*Field, spec Spec) error {
	cols, err := buildColumns(fields, spec)
	if err != nil {
		return err
	}
	if p.json != nil {
		p.jsonTable(targets, cols)
		return nil
	}
	hdrs, cells := p.fill(targets, cols)
	p.render(header, hdrs, cells)
	return nil
}

func buildColumns(fields []*Field, spec Spec) ([]*column, error) {
	sel, err := ParseSelection(fields, spec, false)
	if err != nil {
		return nil, err
	}
	if len(sel) == 0 {
		return nil, errString("failure to select field")
	}
	var cols []*column
	for _, s := range sel {
		if cols, err = appendColumn(cols, -1, s); err != nil {
			return nil, err
		}
	}
	return cols, nil
}

type errString string

func (e errString) Error() string { return string(e) }

func appendColumn(cols []*column, parent int, s Selected) ([]*column, error) {
	idx := len(cols)
	cols = append(cols, &column{sel: s, parent: parent})
	nested := s.Field.Nested
	var sub []Selected
	switch {
	case s.HasSub:
		if nested == nil {
			self := ""
			if s.HasSelf {
				self = s.Self + "."
			}
			var allowed string
			if parent >= 0 {
				ps := cols[parent].sel
				prefix := ps.Field.Name
				if ps.HasSelf {
					prefix = ps.Self
				}
				allowed = Names(ps.Field.Nested, prefix)
			}
			if allowed == "" {
				return nil, errString("invalid field '" + self + s.Sub + "'; no such field")
			}
			return nil, errString("invalid field '" + self + s.Sub + "'; allowed fields: [" + allowed + "]")
		}
		one, err := selectOne(nested, s.Self, s.HasSelf, s.Sub, false)
		if err != nil {
			return nil, err
		}
		sub = []Selected{one}
	case nested != nil:
		sub = SelectAll(nested)
	}
	var err error
	for _, n := range sub {
		if cols, err = appendColumn(cols, idx, n); err != nil {
			return nil, err
		}
	}
	return cols, nil
}

func (p *Printer) fill(targets []any, cols []*column) ([]*headerCell, [][]cell) {
	var hdrs []*headerCell
	for _, c := range cols {
		h := &headerCell{col: c, title: c.sel.Field.headerName()}
		if p.Cfg.Multiline && c.parent >= 0 {
			h.title = cols[c.parent].sel.Field.Name + "." + h.title
		}
		hdrs = append(hdrs, h)
	}
	gt := p.Cfg.GetType()
	rows := make([][]cell, len(targets))
	for r, t := range targets {
		row := make([]cell, len(hdrs))
		for i, h := range hdrs {
			v := h.col.sel.Field.value(t, gt)
			c := cell{hdr: h, color: v.Color, val: v}
			if !(v.IsDefault && p.Cfg.Overview) && !v.Hide {
				h.toPrint = true
			}
			if v.IsStrv && p.Cfg.Multiline {
				c.strv = v.Strv
			} else {
				c.isStr = true
				if !v.IsStrv {
					c.plain = v.Text
				} else if len(v.Strv) > 0 {
					c.plain = strings.Join(v.Strv, " | ")
				}
				if p.Cfg.Output != Terse && c.plain == "" {
					c.plain = "--"
				}
			}
			row[i] = c
		}
		rows[r] = row
	}
	for i, h := range hdrs {
		h.width = ScreenWidth(h.title)
		for _, row := range rows {
			c := &row[i]
			if c.isStr {
				h.width = max(h.width, ScreenWidth(c.plain))
			} else {
				for _, s := range c.strv {
					h.width = max(h.width, ScreenWidth(s))
				}
			}
		}
		h.width++
	}
	return hdrs, rows
}

func (p *Printer) skipColumn(h *headerCell) bool {
	if !h.toPrint {
		return true
	}
	s := h.col.sel
	if p.Cfg.Multiline {
		return s.Field.Nested != nil
	}
	// In tabular form a section's own column is dropped when one of its
	// members is selected ("IP4.ADDRESS"), kept for a whole section.
	return s.HasSub
}

func (p *Printer) render(header string, hdrs []*headerCell, rows [][]cell) {
	if p.BeforeOutput != nil {
		p.BeforeOutput()
	}
	tableWidth := 0
	if p.Cfg.Output == PrettyOutput && header != "" {
		tableWidth = p.banner(header)
	}
	var b strings.Builder
	if p.Cfg.Output != Terse && !p.Cfg.Multiline {
		for _, h := range hdrs {
			if p.skipColumn(h) {
				continue
			}
			padRight(&b, h.title, h.width)
			b.WriteByte(' ')
			tableWidth += h.width + 1
		}
		line := strings.TrimSuffix(b.String(), " ")
		b.Reset()
		p.printf(line + "\n")
		if p.Cfg.Output == PrettyOutput {
			p.printf(strings.Repeat("-", tableWidth) + "\n")
		}
	}
	for _, row := range rows {
		for i := range row {
			c := &row[i]
			h := hdrs[i]
			if p.skipColumn(h) {
				continue
			}
			lines := c.strv
			if c.isStr {
				lines = []string{c.plain}
			}
			for li, l := range lines {
				text := p.colorize(c.color, l)
				switch {
				case p.Cfg.Multiline:
					prefix := h.title + ":"
					if !c.isStr {
						prefix = h.title + "[" + itoa(li+1) + "]:"
					}
					var lb strings.Builder
					if p.Cfg.Output == Terse {
						lb.WriteString(prefix)
					} else {
						padRight(&lb, prefix, ValueIndent)
					}
					lb.WriteString(text)
					lb.WriteByte('\n')
					p.printf(lb.String())
				case p.Cfg.Output == Terse:
					if p.Cfg.Escape {
						escapeTerse(&b, text)
					} else {
						b.WriteString(text)
					}
					b.WriteByte(':')
				default:
					padRight(&b, text, h.width)
					b.WriteByte(' ')
				}
			}
		}
		if !p.Cfg.Multiline {
			line := b.String()
			if len(line) > 0 {
				line = line[:len(line)-1]
			}
			b.Reset()
			p.printf(line + "\n")
		}
		if p.Cfg.Output == PrettyOutput && p.Cfg.Multiline {
			p.printf(strings.Repeat("-", HeaderWidth) + "\n")
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
