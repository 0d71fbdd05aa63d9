package setting

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/godbus/dbus/v5"
)

// CanonicalText renders a D-Bus profile dictionary as stable text (keys
// sorted, values with their signatures), for comparing what two daemons
// send and for golden tests.
func CanonicalText(d Dict) string {
	var b strings.Builder
	for _, sname := range slices.Sorted(maps.Keys(d)) {
		fmt.Fprintf(&b, "[%s]\n", sname)
		sd := d[sname]
		for _, k := range slices.Sorted(maps.Keys(sd)) {
			fmt.Fprintf(&b, "%s=%s\n", k, VariantText(sd[k]))
		}
	}
	return b.String()
}

// VariantText renders one variant canonically: "<sig> value".
func VariantText(v dbus.Variant) string {
	return v.Signature().String() + " " + valueText(reflect.ValueOf(v.Value()))
}

func valueText(rv reflect.Value) string {
	if !rv.IsValid() {
		return "nil"
	}
	if v, ok := rv.Interface().(dbus.Variant); ok {
		return "<" + VariantText(v) + ">"
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return fmt.Sprintf("%x", rv.Bytes())
		}
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = valueText(rv.Index(i))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.Map:
		keys := rv.MapKeys()
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, valueText(k)+": "+valueText(rv.MapIndex(k)))
		}
		sort.Strings(parts)
		return "{" + strings.Join(parts, ", ") + "}"
	case reflect.Struct:
		parts := make([]string, rv.NumField())
		for i := range parts {
			parts[i] = valueText(rv.Field(i))
		}
		// Structs print like lists: a decoder without the Go type (as
		// in a generic client) sees a D-Bus struct as a list.
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.String:
		return fmt.Sprintf("%q", rv.String())
	case reflect.Interface, reflect.Pointer:
		return valueText(rv.Elem())
	}
	return fmt.Sprint(rv.Interface())
}

// structList returns a D-Bus array of structs as lists of fields, whether
// it was decoded from the wire ([][]any) or built from Go structs.
func structList(x any) [][]any {
	if l, ok := x.([][]any); ok {
		return l
	}
	rv := reflect.ValueOf(x)
	if rv.Kind() != reflect.Slice || rv.Type().Elem().Kind() != reflect.Struct {
		return nil
	}
	out := make([][]any, rv.Len())
	for i := range out {
		e := rv.Index(i)
		fields := make([]any, e.NumField())
		for j := range fields {
			fields[j] = e.Field(j).Interface()
		}
		out[i] = fields
	}
	return out
}
