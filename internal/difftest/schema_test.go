package difftest

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"testing"

	"github.com/gonm/gonm/internal/setting"
)

// schemaScript lists every setting libnm 1.42 knows with its GObject
// properties: name, fundamental type, range and default.
const schemaScript = `
import gi, json, sys
gi.require_version("NM", "1.0")
from gi.repository import NM, GObject
out = {}
for attr in dir(NM):
    cls = getattr(NM, attr)
    if not isinstance(cls, type) or not issubclass(cls, NM.Setting) or cls is NM.Setting:
        continue
    if cls.__name__ in ("SettingIPConfig",):
        continue
    try:
        inst = cls()
    except Exception:
        continue
    name = inst.get_name()
    props = {}
    for p in GObject.list_properties(inst):
        if p.name == "name":
            continue
        d = {"type": GObject.type_name(GObject.type_fundamental(p.value_type))}
        if d["type"] in ("gboolean", "gint", "guint", "gint64", "gchar", "guchar", "GEnum", "GFlags"):
            d["default"] = int(p.default_value)
        if d["type"] != "guint64":
            for a in ("minimum", "maximum"):
                if hasattr(p, a):
                    d[a] = int(getattr(p, a))
        props[p.name] = d
    out[name] = props
json.dump(out, sys.stdout)
`

type libnmProp struct {
	Type    string `json:"type"`
	Default *int64 `json:"default"`
	Minimum *int64 `json:"minimum"`
	Maximum *int64 `json:"maximum"`
}

// kindFits tells which GObject types a model kind stands for.
func kindFits(k setting.Kind, gtype string) bool {
	switch k {
	case setting.KindBool:
		return gtype == "gboolean"
	case setting.KindInt32:
		return gtype == "gint" || gtype == "GEnum" || gtype == "gchar"
	case setting.KindUint32:
		return gtype == "guint" || gtype == "GFlags" || gtype == "GEnum"
	case setting.KindInt64:
		return gtype == "gint64"
	case setting.KindUint64:
		return gtype == "guint64"
	case setting.KindString, setting.KindMAC:
		return gtype == "gchararray"
	}
	// Lists, dictionaries and structures are boxed in GObject.
	return gtype == "GBoxed" || gtype == "GPointer" || gtype == "GObject"
}

// TestSchemaMatchesLibnm checks the schema against libnm 1.42 itself: the
// same settings, the same properties, compatible types, and for scalars
// the same defaults and ranges.
func TestSchemaMatchesLibnm(t *testing.T) {
	requireLibnm(t)
	out, err := exec.Command("/usr/bin/python3", "-c", schemaScript).Output()
	if err != nil {
		t.Fatalf("libnm: %v", err)
	}
	var ref map[string]map[string]libnmProp
	if err := json.Unmarshal(out, &ref); err != nil {
		t.Fatal(err)
	}
	var mine []string
	for _, info := range setting.All() {
		mine = append(mine, info.Name)
	}
	var theirs []string
	for name := range ref {
		theirs = append(theirs, name)
	}
	slices.Sort(mine)
	slices.Sort(theirs)
	if !slices.Equal(mine, theirs) {
		t.Fatalf("settings differ:\ngonm  %v\nlibnm %v", mine, theirs)
	}
	checked := 0
	for _, info := range setting.All() {
		props := ref[info.Name]
		for _, p := range info.Props {
			rp, ok := props[p.Name]
			if !ok {
				// Gendata options, wireguard.peers and routing-rules are
				// properties without a GObject property in libnm.
				if !p.Option && p.Kind != setting.KindWireGuardPeers && p.Kind != setting.KindRoutingRules {
					t.Errorf("%s.%s: not a libnm property", info.Name, p.Name)
				}
				continue
			}
			checked++
			if !kindFits(p.Kind, rp.Type) {
				t.Errorf("%s.%s: kind %v, libnm type %s", info.Name, p.Name, p.Kind, rp.Type)
				continue
			}
			if rp.Default != nil {
				var def int64
				switch x := p.Default.(type) {
				case bool:
					if x {
						def = 1
					}
				case int32:
					def = int64(x)
				case uint32:
					def = int64(x)
				case int64:
					def = x
				case uint64:
					def = int64(x)
				}
				if def != *rp.Default {
					t.Errorf("%s.%s: default %v, libnm %d", info.Name, p.Name, p.Default, *rp.Default)
				}
			}
			if p.Range != nil && rp.Minimum != nil && rp.Maximum != nil && rp.Type != "guint64" {
				if p.Range.Min != *rp.Minimum || p.Range.Max != *rp.Maximum {
					t.Errorf("%s.%s: range [%d, %d], libnm [%d, %d]", info.Name, p.Name, p.Range.Min, p.Range.Max, *rp.Minimum, *rp.Maximum)
				}
			}
		}
		for name := range props {
			if info.Prop(name) == nil {
				t.Errorf("%s.%s: libnm property missing from the schema", info.Name, name)
			}
		}
	}
	t.Log(fmt.Sprintf("%d properties compared", checked))
}
