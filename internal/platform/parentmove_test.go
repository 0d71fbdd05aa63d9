package platform

import (
	"testing"
	"time"

	"github.com/gonm/gonm/internal/testbed"
)

// When a link moves to another namespace, links stacked on it (a macvlan)
// stay but now point into that namespace; the kernel does not report
// their change. The platform reads them back.
func TestParentMovedToOtherNamespace(t *testing.T) {
	ns := testbed.NewNetns(t)
	other := testbed.NewNetns(t)
	testbed.Veth(t, ns, "v0", ns, "v1")
	testbed.Macvlan(t, ns, "mv0", "v1", "bridge")
	x := startTP(t, ns, tpOptions{})
	x.converge(10 * time.Second)
	ns.MustIP("link", "set", "v1", "netns", other.Name)
	x.converge(10 * time.Second)
	x.call(func() {
		mv, ok := x.p.LinkByName("mv0")
		if !ok || mv.LinkNetNSID < 0 {
			t.Errorf("mv0 does not show its parent in another namespace: %v", mv)
		}
	})
}
