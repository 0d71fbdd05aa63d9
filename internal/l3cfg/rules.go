package l3cfg

import (
	"slices"
	"strings"

	"github.com/gonm/gonm/internal/platform"
)

// ruleTracker keeps the routing rules the L3Cfgs of a namespace want. A
// rule belongs to the namespace: it is added once, whoever wants it, and
// removed when the last L3Cfg that wanted it lets it go, if it was added
// here. A rule that was there already is left alone, wanted or not.
type ruleTracker struct {
	owners     map[ruleKey]map[*L3Cfg]bool
	rules      map[ruleKey]platform.Rule
	configured map[ruleKey]bool
}

func (t *ruleTracker) init() {
	t.owners = map[ruleKey]map[*L3Cfg]bool{}
	t.rules = map[ruleKey]platform.Rule{}
	t.configured = map[ruleKey]bool{}
}

func normalizeRule(r platform.Rule) platform.Rule {
	if r.Src.IsValid() {
		r.Src = r.Src.Masked()
	}
	if r.Dst.IsValid() {
		r.Dst = r.Dst.Masked()
	}
	return r
}

func (t *ruleTracker) present(p Platform, r *platform.Rule) bool {
	for _, x := range p.Rules(r.ObjectType()) {
		if x.Equal(r) {
			return true
		}
	}
	return false
}

// sync brings the rules of l's committed merge onto the namespace.
func (t *ruleTracker) sync(reg *Registry, l *L3Cfg, ct CommitType, res *CommitResult) {
	p := reg.p
	want := map[ruleKey]platform.Rule{}
	var order []ruleKey
	if m := l.committed; m != nil {
		for _, f := range Families {
			for _, r := range m.rules[fi(f)] {
				r = normalizeRule(r)
				k := ruleKeyOf(&r)
				if _, dup := want[k]; !dup {
					want[k] = r
					order = append(order, k)
				}
			}
		}
	}
	// Let go of what l no longer wants, in a stable order.
	var gone []ruleKey
	for k, owners := range t.owners {
		if owners[l] {
			if _, ok := want[k]; !ok {
				gone = append(gone, k)
			}
		}
	}
	slices.SortFunc(gone, func(a, b ruleKey) int {
		ra, rb := t.rules[a], t.rules[b]
		return strings.Compare(ra.String(), rb.String())
	})
	for _, k := range gone {
		delete(t.owners[k], l)
		if len(t.owners[k]) > 0 {
			continue
		}
		r := t.rules[k]
		if t.configured[k] && t.present(p, &r) {
			l.op(res, Op{Kind: OpRuleDelete, Rule: &r}, func() error { return p.RuleDelete(&r) })
		}
		delete(t.owners, k)
		delete(t.rules, k)
		delete(t.configured, k)
	}
	for _, k := range order {
		r := want[k]
		if t.owners[k] == nil {
			t.owners[k] = map[*L3Cfg]bool{}
		}
		t.owners[k][l] = true
		t.rules[k] = r
		if t.present(p, &r) {
			continue // ours from before, or someone else's: left as it is
		}
		if l.op(res, Op{Kind: OpRuleAdd, Rule: &r}, func() error { return p.RuleAdd(&r) }) == nil {
			t.configured[k] = true
		}
	}
}

// dropOwner forgets l (released): its rules stay where they are.
func (t *ruleTracker) dropOwner(reg *Registry, l *L3Cfg) {
	for k, owners := range t.owners {
		delete(owners, l)
		if len(owners) == 0 {
			delete(t.owners, k)
			delete(t.rules, k)
			delete(t.configured, k)
		}
	}
}
