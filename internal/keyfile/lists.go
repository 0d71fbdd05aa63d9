package keyfile

import (
	"fmt"
	"strings"

	"github.com/gonm/gonm/internal/setting"
)

// The list properties whose items have a text form of their own are read
// and written by the two shapes below, one per way of laying the items out
// in a group.

// tokenListProp is a list stored under the property's own key as escaped,
// comma-separated tokens (bridge VLANs, OVS trunk ranges). The reader
// parses each token and warns about, and drops, the bad ones (what names
// an item in the warning); the writer joins the items' text forms.
func tokenListProp[T fmt.Stringer](parse func(string) (T, error), what string) specialProp {
	return specialProp{
		noCheckKey: true,
		read: func(r *reader, s *setting.Setting, p *setting.Property) {
			v, ok := r.str(s.Name(), p.Name)
			if !ok || v == "" {
				return
			}
			var raw []rawItem
			for _, tok := range setting.EscapedTokensSplit(v, ",") {
				raw = append(raw, rawItem{key: p.Name, text: tok})
			}
			setItems(r, s, p, raw, parse, what)
		},
		write: func(w *writer, s *setting.Setting, p *setting.Property) {
			list, _ := s.Get(p.Name).([]T)
			if len(list) == 0 {
				return
			}
			parts := make([]string, len(list))
			for i, item := range list {
				parts[i] = setting.EscapeTokens(item.String(), ",")
			}
			w.group(s.Name()).SetString(p.Name, strings.Join(parts, ","))
		},
	}
}

// tcListProp is tc.qdiscs or tc.tfilters: one key per item, named for its
// kind and parent ("qdisc.root", "tfilter.1:"), holding the rest of the
// item in tc's syntax. Bad items are warned about (as "invalid KIND") and
// dropped.
func tcListProp[T any](kind string, parse func(string) (T, error), attrs func(T) map[string]dbusVariant, rest func(T) string) specialProp {
	return specialProp{
		noCheckKey: true,
		read: func(r *reader, s *setting.Setting, p *setting.Property) {
			g := r.lookup(s.Name())
			if g == nil {
				return
			}
			var raw []rawItem
			for _, k := range g.Keys() {
				if parent, ok := strings.CutPrefix(k, kind+"."); ok {
					v, _, _ := g.String(k)
					raw = append(raw, rawItem{key: k, text: setting.TCValue(parent, v)})
				}
			}
			setItems(r, s, p, raw, parse, kind)
		},
		write: func(w *writer, s *setting.Setting, p *setting.Property) {
			list, _ := s.Get(p.Name).([]T)
			g := w.group(s.Name())
			for _, item := range list {
				g.SetString(kind+"."+setting.TCParentKey(setting.TCU32Attr(attrs(item), "parent")), rest(item))
			}
		},
	}
}

// rawItem is one item of a list as the file has it, and the key it was
// found under (for warnings).
type rawItem struct{ key, text string }

// setItems parses the items of a list property, warns about (as "invalid
// WHAT") and drops the bad ones, and sets the property to the good ones,
// if any.
func setItems[T any](r *reader, s *setting.Setting, p *setting.Property, raw []rawItem, parse func(string) (T, error), what string) {
	var list []T
	for _, it := range raw {
		item, err := parse(it.text)
		if err != nil {
			r.warn(it.key, p.Name, SeverityWarn, "invalid "+what+": %v", err)
			continue
		}
		list = append(list, item)
	}
	if len(list) > 0 {
		s.MustSet(p.Name, list)
	}
}
