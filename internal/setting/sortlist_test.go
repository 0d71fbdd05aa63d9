package setting

import (
	"slices"
	"testing"
)

// The normalizations that order list properties sort stably, and change
// (and report) nothing for a list already in order.
func TestListOrderNormalizations(t *testing.T) {
	c := NewConnection()
	br := c.Ensure("bridge")
	br.MustSet("vlans", []BridgeVlan{{Start: 20, End: 20}, {Start: 10, End: 12, PVID: true}, {Start: 10, End: 11}})
	if !normalizeBridgeVlanOrder(c) {
		t.Fatal("unsorted bridge.vlans: no change reported")
	}
	want := []BridgeVlan{{Start: 10, End: 11}, {Start: 10, End: 12, PVID: true}, {Start: 20, End: 20}}
	if got, _ := br.Get("vlans").([]BridgeVlan); !slices.Equal(got, want) {
		t.Errorf("bridge.vlans = %v, want %v", got, want)
	}
	if normalizeBridgeVlanOrder(c) {
		t.Error("sorted bridge.vlans: change reported")
	}
	if normalizeBridgePortVlanOrder(c) {
		t.Error("no bridge-port setting: change reported")
	}

	ovs := c.Ensure("ovs-port")
	ovs.MustSet("trunks", []OvsTrunk{{Start: 5, End: 9}, {Start: 1, End: 4}, {Start: 5, End: 6}})
	if !normalizeOvsPortTrunks(c) {
		t.Fatal("unsorted ovs-port.trunks: no change reported")
	}
	wantT := []OvsTrunk{{Start: 1, End: 4}, {Start: 5, End: 6}, {Start: 5, End: 9}}
	if got, _ := ovs.Get("trunks").([]OvsTrunk); !slices.Equal(got, wantT) {
		t.Errorf("ovs-port.trunks = %v, want %v", got, wantT)
	}
	if normalizeOvsPortTrunks(c) {
		t.Error("sorted ovs-port.trunks: change reported")
	}
}
