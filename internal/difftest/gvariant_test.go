package difftest

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/godbus/dbus/v5"
)

// gvariantText prints a value in GLib's GVariant text format with a type
// annotation on every variant, so that libnm (through Python) can parse
// exactly what gonm sends over D-Bus.
func gvariantText(v any) string {
	var b strings.Builder
	writeGVariant(&b, reflect.ValueOf(v))
	return b.String()
}

func writeGVariant(b *strings.Builder, rv reflect.Value) {
	if v, ok := rv.Interface().(dbus.Variant); ok {
		b.WriteString("<@" + v.Signature().String() + " ")
		writeGVariant(b, reflect.ValueOf(v.Value()))
		b.WriteString(">")
		return
	}
	switch rv.Kind() {
	case reflect.Bool:
		fmt.Fprint(b, rv.Bool())
	case reflect.Uint8:
		fmt.Fprintf(b, "byte 0x%02x", rv.Uint())
	case reflect.Int16, reflect.Int32, reflect.Int64:
		fmt.Fprint(b, rv.Int())
	case reflect.Uint16, reflect.Uint32, reflect.Uint64:
		fmt.Fprint(b, rv.Uint())
	case reflect.Float64:
		fmt.Fprint(b, rv.Float())
	case reflect.String:
		b.WriteString(gvariantQuote(rv.String()))
	case reflect.Slice, reflect.Array:
		sig := dbus.SignatureOfType(rv.Type()).String()
		b.WriteString("@" + sig + " [")
		for i := 0; i < rv.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			writeGVariant(b, rv.Index(i))
		}
		b.WriteString("]")
	case reflect.Map:
		sig := dbus.SignatureOfType(rv.Type()).String()
		keys := rv.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		b.WriteString("@" + sig + " {")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			writeGVariant(b, k)
			b.WriteString(": ")
			writeGVariant(b, rv.MapIndex(k))
		}
		b.WriteString("}")
	case reflect.Struct:
		b.WriteString("(")
		for i := 0; i < rv.NumField(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			writeGVariant(b, rv.Field(i))
		}
		if rv.NumField() == 1 {
			b.WriteString(",")
		}
		b.WriteString(")")
	case reflect.Interface, reflect.Pointer:
		writeGVariant(b, rv.Elem())
	default:
		panic(fmt.Sprintf("gvariantText: %v", rv.Kind()))
	}
}

func gvariantQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
