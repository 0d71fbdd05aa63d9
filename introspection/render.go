package introspection

import (
	"encoding/xml"
	"strings"
)

// WriteXML appends the interface as an introspection <interface> element,
// without documentation, indented by indent. This is what Introspect
// returns for it.
func (i *Interface) WriteXML(b *strings.Builder, indent string) {
	in := indent + "  "
	b.WriteString(indent + `<interface name="` + esc(i.Name) + `">` + "\n")
	writeAnnotations(b, in, i.Annotations)
	for _, m := range i.Methods {
		if len(m.Args) == 0 && len(m.Annotations) == 0 {
			b.WriteString(in + `<method name="` + esc(m.Name) + `"/>` + "\n")
			continue
		}
		b.WriteString(in + `<method name="` + esc(m.Name) + `">` + "\n")
		writeAnnotations(b, in+"  ", m.Annotations)
		for _, a := range m.Args {
			dir := a.Direction
			if dir == "" {
				dir = "in"
			}
			b.WriteString(in + `  <arg type="` + esc(a.Type) + `" name="` + esc(a.Name) + `" direction="` + dir + `"/>` + "\n")
		}
		b.WriteString(in + "</method>\n")
	}
	for _, s := range i.Signals {
		if len(s.Args) == 0 && len(s.Annotations) == 0 {
			b.WriteString(in + `<signal name="` + esc(s.Name) + `"/>` + "\n")
			continue
		}
		b.WriteString(in + `<signal name="` + esc(s.Name) + `">` + "\n")
		writeAnnotations(b, in+"  ", s.Annotations)
		for _, a := range s.Args {
			b.WriteString(in + `  <arg type="` + esc(a.Type) + `" name="` + esc(a.Name) + `"/>` + "\n")
		}
		b.WriteString(in + "</signal>\n")
	}
	for _, p := range i.Properties {
		if len(p.Annotations) == 0 {
			b.WriteString(in + `<property type="` + esc(p.Type) + `" name="` + esc(p.Name) + `" access="` + p.Access + `"/>` + "\n")
			continue
		}
		b.WriteString(in + `<property type="` + esc(p.Type) + `" name="` + esc(p.Name) + `" access="` + p.Access + `">` + "\n")
		writeAnnotations(b, in+"  ", p.Annotations)
		b.WriteString(in + "</property>\n")
	}
	b.WriteString(indent + "</interface>\n")
}

func writeAnnotations(b *strings.Builder, indent string, as []Annotation) {
	for _, a := range as {
		b.WriteString(indent + `<annotation name="` + esc(a.Name) + `" value="` + esc(a.Value) + `"/>` + "\n")
	}
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
