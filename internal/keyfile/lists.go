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
			var list []T
			for _, tok := range setting.EscapedTokensSplit(v, ",") {
				item, err := parse(tok)
				if err != nil {
					r.warn(p.Name, p.Name, SeverityWarn, "invalid "+what+": %v", err)
					continue
				}
				list = append(list, item)
			}
			if len(list) > 0 {
				s.MustSet(p.Name, list)
			}
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
			var list []T
			for _, k := range g.Keys() {
				parent, ok := strings.CutPrefix(k, kind+".")
				if !ok {
					continue
				}
				v, _, _ := g.String(k)
				item, err := parse(setting.TCValue(parent, v))
				if err != nil {
					r.warn(k, p.Name, SeverityWarn, "invalid "+kind+": %v", err)
					continue
				}
				list = append(list, item)
			}
			if len(list) > 0 {
				s.MustSet(p.Name, list)
			}
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
