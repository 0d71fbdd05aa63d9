package bus

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/godbus/dbus/v5"
)

// Go types godbus encodes as each basic D-Bus type.
var basicGoTypes = map[byte]reflect.Type{
	'y': reflect.TypeFor[uint8](),
	'b': reflect.TypeFor[bool](),
	'n': reflect.TypeFor[int16](),
	'q': reflect.TypeFor[uint16](),
	'i': reflect.TypeFor[int32](),
	'u': reflect.TypeFor[uint32](),
	'x': reflect.TypeFor[int64](),
	't': reflect.TypeFor[uint64](),
	'd': reflect.TypeFor[float64](),
	'h': reflect.TypeFor[dbus.UnixFDIndex](),
	's': reflect.TypeFor[string](),
	'o': reflect.TypeFor[dbus.ObjectPath](),
	'g': reflect.TypeFor[dbus.Signature](),
	'v': reflect.TypeFor[dbus.Variant](),
}

var goTypeCache sync.Map // signature string -> reflect.Type

// goType returns a Go type that godbus encodes with exactly the signature
// sig (a single complete type). Structs become Go structs with fields
// F0, F1, ...
func goType(sig string) (reflect.Type, error) {
	if t, ok := goTypeCache.Load(sig); ok {
		return t.(reflect.Type), nil
	}
	t, n, err := parseGoType(sig, 0)
	if err != nil {
		return nil, err
	}
	if n != len(sig) {
		return nil, fmt.Errorf("signature %q is not a single complete type", sig)
	}
	goTypeCache.Store(sig, t)
	return t, nil
}

func parseGoType(sig string, i int) (reflect.Type, int, error) {
	if i >= len(sig) {
		return nil, 0, fmt.Errorf("signature %q ends early", sig)
	}
	if t, ok := basicGoTypes[sig[i]]; ok {
		return t, i + 1, nil
	}
	switch sig[i] {
	case 'a':
		if i+1 < len(sig) && sig[i+1] == '{' {
			kt, j, err := parseGoType(sig, i+2)
			if err != nil {
				return nil, 0, err
			}
			vt, j, err := parseGoType(sig, j)
			if err != nil {
				return nil, 0, err
			}
			if j >= len(sig) || sig[j] != '}' {
				return nil, 0, fmt.Errorf("signature %q: dictionary not closed", sig)
			}
			return reflect.MapOf(kt, vt), j + 1, nil
		}
		et, j, err := parseGoType(sig, i+1)
		if err != nil {
			return nil, 0, err
		}
		return reflect.SliceOf(et), j, nil
	case '(':
		var fields []reflect.StructField
		j := i + 1
		for j < len(sig) && sig[j] != ')' {
			ft, k, err := parseGoType(sig, j)
			if err != nil {
				return nil, 0, err
			}
			fields = append(fields, reflect.StructField{Name: fmt.Sprintf("F%d", len(fields)), Type: ft})
			j = k
		}
		if j >= len(sig) || len(fields) == 0 {
			return nil, 0, fmt.Errorf("signature %q: bad struct", sig)
		}
		return reflect.StructOf(fields), j + 1, nil
	}
	return nil, 0, fmt.Errorf("signature %q: unexpected %q", sig, sig[i])
}

// ZeroValue returns the initial value of a property of type sig: false, 0,
// "" and empty containers, "/" for an object path (NetworkManager's "no
// object").
func ZeroValue(sig string) (any, error) {
	switch sig {
	case "o":
		return dbus.ObjectPath("/"), nil
	case "g":
		return dbus.Signature{}, nil
	case "v":
		return nil, fmt.Errorf("no zero value for a variant property")
	}
	t, err := goType(sig)
	if err != nil {
		return nil, err
	}
	switch t.Kind() {
	case reflect.Slice:
		return reflect.MakeSlice(t, 0, 0).Interface(), nil
	case reflect.Map:
		return reflect.MakeMap(t).Interface(), nil
	case reflect.Struct:
		v := reflect.New(t).Elem()
		for k := 0; k < t.NumField(); k++ {
			if t.Field(k).Type == reflect.TypeFor[dbus.ObjectPath]() {
				v.Field(k).SetString("/")
			}
		}
		return v.Interface(), nil
	}
	return reflect.Zero(t).Interface(), nil
}

// signatureOf is the D-Bus signature godbus would send v with.
func signatureOf(v any) (sig string, err error) {
	defer func() {
		// godbus panics on Go types it cannot encode.
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot encode %T on D-Bus: %v", v, r)
		}
	}()
	return dbus.SignatureOf(v).String(), nil
}

// sameValue reports whether two property values are equal for the purpose
// of change detection. An empty container equals a nil one of the same
// type: both are sent as an empty array.
func sameValue(a, b any) bool {
	if a == nil || b == nil {
		return a == b
	}
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Type() != vb.Type() {
		return false
	}
	switch va.Kind() {
	case reflect.Slice, reflect.Map:
		if va.Len() == 0 && vb.Len() == 0 {
			return true
		}
	}
	return reflect.DeepEqual(a, b)
}
