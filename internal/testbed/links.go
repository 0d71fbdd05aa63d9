package testbed

import "strconv"

// Veth creates a veth pair with one end in a and the other in b (which may
// be the same namespace), both up unless down is requested afterwards.
func Veth(env Env, a *Netns, nameA string, b *Netns, nameB string) {
	env.Helper()
	a.MustIP("link", "add", nameA, "type", "veth", "peer", "name", nameB, "netns", b.Name)
	a.MustIP("link", "set", nameA, "up")
	b.MustIP("link", "set", nameB, "up")
}

// Bridge creates a bridge with the given `ip link` options (for example
// "stp_state", "0"), set up.
func Bridge(env Env, n *Netns, name string, opts ...string) {
	env.Helper()
	n.MustIP(append([]string{"link", "add", name, "type", "bridge"}, opts...)...)
	n.MustIP("link", "set", name, "up")
}

// Attach makes port a port of controller.
func Attach(env Env, n *Netns, port, controller string) {
	env.Helper()
	n.MustIP("link", "set", port, "master", controller)
}

// Macvlan creates a macvlan (mode bridge unless given) on parent.
func Macvlan(env Env, n *Netns, name, parent, mode string) {
	env.Helper()
	if mode == "" {
		mode = "bridge"
	}
	n.MustIP("link", "add", name, "link", parent, "type", "macvlan", "mode", mode)
}

// Vxlan creates a VXLAN with the given VNI and UDP port, without an
// underlay device (this kernel allows that).
func Vxlan(env Env, n *Netns, name string, vni, port int, opts ...string) {
	env.Helper()
	args := []string{"link", "add", name, "type", "vxlan", "id", strconv.Itoa(vni), "dstport", strconv.Itoa(port)}
	n.MustIP(append(args, opts...)...)
}

// Tuntap creates a persistent tun or tap device ("tun" or "tap").
func Tuntap(env Env, n *Netns, name, mode string) {
	env.Helper()
	if mode != "tun" && mode != "tap" {
		env.Fatalf("testbed: tuntap mode %q, want tun or tap", mode)
	}
	n.MustIP("tuntap", "add", "dev", name, "mode", mode)
}

// AddAddr adds an address ("192.0.2.1/24") to a link.
func AddAddr(env Env, n *Netns, link, addr string, opts ...string) {
	env.Helper()
	n.MustIP(append([]string{"addr", "add", addr, "dev", link}, opts...)...)
}

// LinkUp sets a link up or down.
func LinkUp(env Env, n *Netns, link string, up bool) {
	env.Helper()
	state := "down"
	if up {
		state = "up"
	}
	n.MustIP("link", "set", link, state)
}
