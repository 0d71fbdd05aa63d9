package keyfile

import (
	"strings"
	"testing"
)

// The list properties with item syntaxes of their own (bridge VLANs, OVS
// trunk ranges, tc qdiscs and filters) read item by item, warn about and
// drop bad items, and write back the good ones in the same layout.
func TestItemListsRoundTrip(t *testing.T) {
	c, ws := readText(t, `[connection]
id=x
type=ethernet

[bridge-port]
vlans=10 pvid,20-30 untagged,nonsense

[ovs-port]
trunks=10-20,40,x-y

[tc]
qdisc.root=handle 1234: fq_codel
qdisc.ffff:fff1=ingress
tfilter.1234:=matchall action simple sdata Hello
tfilter.ffff:=what is this
`)
	for _, want := range []string{"invalid bridge VLAN", "invalid range", "invalid tfilter"} {
		if !hasWarning(ws, want) {
			t.Errorf("no warning %q in %v", want, ws)
		}
	}
	if hasWarning(ws, "invalid qdisc") {
		t.Errorf("unexpected qdisc warning in %v", ws)
	}
	text := string(Write(c, WriteOptions{}).File.Marshal())
	for _, want := range []string{
		"\n[bridge-port]\nvlans=10 pvid,20-30 untagged\n",
		"\n[ovs-port]\ntrunks=10-20,40\n",
		"qdisc.root=handle 1234: fq_codel\n",
		"qdisc.ffff:fff1=ingress\n",
		"tfilter.1234:=matchall action simple sdata Hello\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("written keyfile lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "tfilter.ffff:") {
		t.Errorf("the bad filter was written back:\n%s", text)
	}
}
