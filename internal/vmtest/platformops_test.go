package vmtest_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/testbed"
)

// platformOps creates, attaches and deletes links through internal/platform,
// the daemon's own kernel code, one platform per namespace. WireGuard keys
// and peers are generic-netlink configuration, not links, so the `wg` tool
// sets them after the platform created the link.
type platformOps struct {
	byNS map[string]*nsPlatform
}

type nsPlatform struct {
	l *loop.Loop
	p *platform.Platform
}

func (o *platformOps) platform(t *testing.T, ns *testbed.Netns) *nsPlatform {
	t.Helper()
	if x, ok := o.byNS[ns.Name]; ok {
		return x
	}
	l := loop.New()
	ctx, cancel := context.WithCancel(context.Background())
	go l.Run(ctx)
	x := &nsPlatform{l: l, p: platform.New(l, platform.Options{Netns: ns.Path()})}
	var err error
	x.call(t, func() { err = x.p.Start() })
	if err != nil {
		cancel()
		t.Fatalf("start platform in %s: %v", ns.Name, err)
	}
	t.Cleanup(func() {
		cancel()
		<-l.Done()
		x.p.Close()
		delete(o.byNS, ns.Name)
	})
	if o.byNS == nil {
		o.byNS = map[string]*nsPlatform{}
	}
	o.byNS[ns.Name] = x
	return x
}

func (x *nsPlatform) call(t *testing.T, fn func()) {
	t.Helper()
	if err := x.l.Call(context.Background(), fn); err != nil {
		t.Fatalf("platform loop: %v", err)
	}
}

func (x *nsPlatform) index(t *testing.T, name string) int32 {
	t.Helper()
	var idx int32
	x.call(t, func() {
		if l, ok := x.p.LinkByName(name); ok {
			idx = l.Index
		}
	})
	if idx == 0 {
		t.Fatalf("platform does not know link %s", name)
	}
	return idx
}

func (o *platformOps) add(t *testing.T, ns *testbed.Netns, l link) {
	t.Helper()
	x := o.platform(t, ns)
	spec := &platform.LinkSpec{Name: l.name}
	switch l.kind {
	case "bond":
		mode, ok := map[string]uint8{"active-backup": platform.BondActiveBackup}[l.bondMode]
		if !ok {
			t.Fatalf("bond mode %q not in the test's table", l.bondMode)
		}
		spec.Data = &platform.BondData{Mode: mode}
	case "vlan":
		spec.Parent = x.index(t, l.parent)
		spec.Data = &platform.VlanData{ID: uint16(atoi(t, l.vlanID))}
	case "vrf":
		spec.Data = &platform.VrfData{Table: uint32(atoi(t, l.vrfTable))}
	default:
		spec.Data = platform.KindOnly(l.kind)
	}
	var err error
	x.call(t, func() { _, err = x.p.LinkAdd(spec) })
	if err != nil {
		t.Fatalf("platform LinkAdd %s (%s): %v", l.name, l.kind, err)
	}
	if l.wg != nil {
		configureWireGuard(t, ns, l)
	}
}

func (o *platformOps) setMaster(t *testing.T, ns *testbed.Netns, port, master string) {
	t.Helper()
	x := o.platform(t, ns)
	p, m := x.index(t, port), x.index(t, master)
	var err error
	x.call(t, func() { err = x.p.LinkAttach(p, m) })
	if err != nil {
		t.Fatalf("platform LinkAttach %s to %s: %v", port, master, err)
	}
}

func (o *platformOps) del(t *testing.T, ns *testbed.Netns, name string) {
	t.Helper()
	x := o.platform(t, ns)
	idx := x.index(t, name)
	var err error
	x.call(t, func() { err = x.p.LinkDelete(idx) })
	if err != nil {
		t.Fatalf("platform LinkDelete %s: %v", name, err)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("bad number %q in a link case: %v", s, err)
	}
	return n
}
