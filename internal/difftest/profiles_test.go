package difftest

import (
	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/setting"
)

// The profiles the settings differential tests send to NetworkManager 1.42
// and to gonm. They cover every setting gonm models fully, plus the odd
// corners (IPv6-only, many routes with attributes, routing rules, escaped
// ids, Wi-Fi security, 802.1X, WireGuard peers) and a few settings gonm
// only keeps.

type sdict = map[string]dbus.Variant

type profile struct {
	name string
	dict setting.Dict
}

func v(x any) dbus.Variant { return dbus.MakeVariant(x) }

func addr(a string, p uint32) map[string]dbus.Variant {
	return sdict{"address": v(a), "prefix": v(p)}
}

func route(dest string, p uint32, extra sdict) map[string]dbus.Variant {
	r := sdict{"dest": v(dest), "prefix": v(p)}
	for k, x := range extra {
		r[k] = x
	}
	return r
}

func con(id, uuid, typ string, extra sdict) sdict {
	c := sdict{"id": v(id), "uuid": v(uuid), "type": v(typ)}
	for k, x := range extra {
		c[k] = x
	}
	return c
}

// fixed UUIDs keep the comparison independent of generated ones
const (
	uBridge = "2c9d1a4e-3f10-4b6e-9a77-0d0c1b2a3c01"
	uBond   = "2c9d1a4e-3f10-4b6e-9a77-0d0c1b2a3c02"
	uVrf    = "2c9d1a4e-3f10-4b6e-9a77-0d0c1b2a3c03"
	uTeam   = "2c9d1a4e-3f10-4b6e-9a77-0d0c1b2a3c04"
)

func u(n int) string {
	const hex = "0123456789abcdef"
	return "7f3e5a10-1b2c-4d5e-8f90-00000000" + string(hex[n/16%16]) + string(hex[n%16]) + "00"
}

const (
	wgKey1 = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
	wgKey2 = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
	wgKey3 = "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw="
	wgPSK  = "Yk3dZ0PMMNPpPqOmRi7PJQaq+Alm8rTp0svA8rKkAl0="
)

func profiles() []profile {
	return []profile{
		{"eth-dhcp", setting.Dict{
			"connection": con("Wired DHCP", u(1), "802-3-ethernet", sdict{"interface-name": v("eth1")}),
		}},
		{"eth-static4", setting.Dict{
			"connection": con("static4", u(2), "802-3-ethernet", nil),
			"ipv4": sdict{
				"method":       v("manual"),
				"address-data": v([]map[string]dbus.Variant{addr("192.168.10.5", 24), addr("10.1.2.3", 8)}),
				"gateway":      v("192.168.10.1"),
				"dns":          v([]uint32{0x08080808, 0x04040808}),
				"dns-search":   v([]string{"example.com", "corp.example"}),
				"dns-options":  v([]string{"rotate", "ndots:2", "timeout:3"}),
				"route-metric": v(int64(50)),
				"dns-priority": v(int32(-10)),
			},
		}},
		{"ipv6-only", setting.Dict{
			"connection": con("ipv6 only", u(3), "802-3-ethernet", sdict{"interface-name": v("eth2")}),
			"ipv4":       sdict{"method": v("disabled")},
			"ipv6": sdict{
				"method":       v("manual"),
				"address-data": v([]map[string]dbus.Variant{addr("2001:db8::5", 64), addr("fd00:1::1", 48)}),
				"gateway":      v("2001:db8::1"),
				"dns":          v([][]byte{{0x20, 0x01, 0x48, 0x60, 0x48, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x88}}),
				"dns-search":   v([]string{"v6.example"}),
			},
		}},
		{"routes4-attrs", setting.Dict{
			"connection": con("routes4", u(4), "802-3-ethernet", nil),
			"ipv4": sdict{
				"method":       v("manual"),
				"address-data": v([]map[string]dbus.Variant{addr("172.16.0.2", 16)}),
				"route-data": v([]map[string]dbus.Variant{
					route("10.0.0.0", 8, sdict{"next-hop": v("172.16.0.1"), "metric": v(uint32(100))}),
					route("10.10.0.0", 16, sdict{"mtu": v(uint32(1400)), "table": v(uint32(200)), "lock-mtu": v(true)}),
					route("192.0.2.0", 24, sdict{"next-hop": v("172.16.0.1"), "src": v("172.16.0.2"), "onlink": v(true), "window": v(uint32(1000))}),
					route("198.51.100.0", 24, sdict{"type": v("blackhole")}),
					route("203.0.113.0", 24, sdict{"type": v("unreachable"), "metric": v(uint32(5))}),
					route("100.64.0.0", 10, sdict{"cwnd": v(uint32(10)), "initcwnd": v(uint32(20)), "initrwnd": v(uint32(30)), "tos": v(byte(0x10)), "scope": v(byte(253))}),
					route("0.0.0.0", 0, sdict{"next-hop": v("172.16.0.254"), "table": v(uint32(300))}),
					route("100.100.0.0", 16, sdict{"weight": v(uint32(5)), "next-hop": v("172.16.0.3"), "advmss": v(uint32(1300)), "rto_min": v(uint32(200)), "quickack": v(true)}),
				}),
				"route-table": v(uint32(100)),
			},
		}},
		{"routes6-attrs", setting.Dict{
			"connection": con("routes6", u(5), "802-3-ethernet", nil),
			"ipv6": sdict{
				"method":       v("manual"),
				"address-data": v([]map[string]dbus.Variant{addr("2001:db8:1::2", 64)}),
				"route-data": v([]map[string]dbus.Variant{
					route("2001:db8:2::", 48, sdict{"next-hop": v("2001:db8:1::1"), "metric": v(uint32(10))}),
					route("2001:db8:3::", 64, sdict{"from": v("2001:db8:1::/64"), "mtu": v(uint32(1280))}),
					route("2001:db8:4::", 64, sdict{"src": v("2001:db8:1::2"), "table": v(uint32(10))}),
					route("::", 0, sdict{"next-hop": v("fe80::1")}),
				}),
			},
		}},
		{"rules4", setting.Dict{
			"connection": con("rules4", u(6), "802-3-ethernet", nil),
			"ipv4": sdict{
				"method": v("auto"),
				"routing-rules": v([]map[string]dbus.Variant{
					{"family": v(int32(2)), "priority": v(uint32(100)), "from": v("192.168.1.0"), "from-len": v(byte(24)), "table": v(uint32(100))},
					{"family": v(int32(2)), "priority": v(uint32(101)), "to": v("10.0.0.0"), "to-len": v(byte(8)), "table": v(uint32(200)), "invert": v(true)},
					{"family": v(int32(2)), "priority": v(uint32(102)), "fwmark": v(uint32(0x10)), "fwmask": v(uint32(0xff)), "table": v(uint32(201))},
					{"family": v(int32(2)), "priority": v(uint32(103)), "iifname": v("eth0"), "action": v(byte(6))},
					{"family": v(int32(2)), "priority": v(uint32(104)), "ipproto": v(byte(6)), "dport-start": v(uint16(80)), "dport-end": v(uint16(90)), "sport-start": v(uint16(1024)), "table": v(uint32(50))},
					{"family": v(int32(2)), "priority": v(uint32(105)), "tos": v(byte(0x08)), "oifname": v("eth1"), "suppress-prefixlength": v(int32(0)), "table": v(uint32(254))},
					{"family": v(int32(2)), "priority": v(uint32(106)), "uid-range-start": v(uint32(1000)), "uid-range-end": v(uint32(2000)), "table": v(uint32(60))},
				}),
			},
		}},
		{"rules6", setting.Dict{
			"connection": con("rules6", u(7), "802-3-ethernet", nil),
			"ipv6": sdict{
				"method": v("auto"),
				"routing-rules": v([]map[string]dbus.Variant{
					{"family": v(int32(10)), "priority": v(uint32(200)), "from": v("2001:db8::"), "from-len": v(byte(32)), "table": v(uint32(1000))},
					{"family": v(int32(10)), "priority": v(uint32(201)), "to": v("fd00::1"), "to-len": v(byte(128)), "action": v(byte(8))},
				}),
			},
		}},
		{"eth-mac", setting.Dict{
			"connection": con("eth mac", u(8), "802-3-ethernet", nil),
			"802-3-ethernet": sdict{
				"mac-address":               v([]byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}),
				"assigned-mac-address":      v("random"),
				"mtu":                       v(uint32(9000)),
				"wake-on-lan":               v(uint32(0x40)),
				"wake-on-lan-password":      v("00:11:22:33:44:55"),
				"mac-address-blacklist":     v([]string{"00:11:22:33:44:66", "aa:bb:cc:dd:ee:ff"}),
				"accept-all-mac-addresses":  v(int32(1)),
				"generate-mac-address-mask": v("FE:FF:FF:00:00:00 68:F7:28:00:00:00"),
			},
		}},
		{"eth-speed", setting.Dict{
			"connection":     con("eth speed", u(9), "802-3-ethernet", nil),
			"802-3-ethernet": sdict{"speed": v(uint32(1000)), "duplex": v("full"), "auto-negotiate": v(false), "port": v("tp")},
		}},
		{"escaped-utf8-id", setting.Dict{
			"connection": con("Büro Netz (Stock 2) ✓", u(10), "802-3-ethernet", nil),
		}},
		{"escaped-special-id", setting.Dict{
			"connection": con(" lead/slash\\back;semi=eq#hash  ", u(11), "802-3-ethernet", nil),
		}},
		{"bridge", setting.Dict{
			"connection": con("br0", uBridge, "bridge", sdict{"interface-name": v("br0")}),
			"bridge": sdict{
				"stp": v(true), "priority": v(uint32(4096)), "forward-delay": v(uint32(4)),
				"hello-time": v(uint32(3)), "max-age": v(uint32(10)), "ageing-time": v(uint32(100)),
				"multicast-snooping": v(false), "vlan-filtering": v(true), "vlan-default-pvid": v(uint32(10)),
				"multicast-router": v("enabled"), "group-forward-mask": v(uint32(8)),
				"multicast-hash-max": v(uint32(1024)), "multicast-querier": v(true),
				"vlans": v([]map[string]dbus.Variant{
					{"vid-start": v(uint16(20)), "vid-end": v(uint16(30)), "pvid": v(false), "untagged": v(true)},
					{"vid-start": v(uint16(10)), "vid-end": v(uint16(10)), "pvid": v(true), "untagged": v(true)},
				}),
			},
			"ipv4": sdict{"method": v("manual"), "address-data": v([]map[string]dbus.Variant{addr("10.20.0.1", 24)})},
		}},
		{"bridge-port1", setting.Dict{
			"connection":  con("br0 port1", u(13), "802-3-ethernet", sdict{"interface-name": v("eth3"), "master": v(uBridge), "slave-type": v("bridge")}),
			"bridge-port": sdict{"priority": v(uint32(10)), "path-cost": v(uint32(200)), "hairpin-mode": v(true), "vlans": v([]map[string]dbus.Variant{{"vid-start": v(uint16(10)), "vid-end": v(uint16(10)), "pvid": v(true), "untagged": v(false)}})},
		}},
		{"bridge-port2", setting.Dict{
			"connection": con("br0 port2", u(14), "802-3-ethernet", sdict{"interface-name": v("eth4"), "master": v("br0"), "slave-type": v("bridge")}),
		}},
		{"bond-8023ad", setting.Dict{
			"connection": con("bond0", uBond, "bond", sdict{"interface-name": v("bond0")}),
			"bond":       sdict{"options": v(map[string]string{"mode": "802.3ad", "miimon": "100", "lacp_rate": "fast", "xmit_hash_policy": "layer3+4", "ad_actor_sys_prio": "100", "updelay": "200"})},
		}},
		{"bond-ab", setting.Dict{
			"connection": con("bond1", u(16), "bond", sdict{"interface-name": v("bond1")}),
			"bond":       sdict{"options": v(map[string]string{"mode": "1", "primary": "eth5", "miimon": "50", "fail_over_mac": "active", "num_grat_arp": "3"})},
		}},
		{"bond-port", setting.Dict{
			"connection": con("bond0 port", u(17), "802-3-ethernet", sdict{"interface-name": v("eth5"), "master": v(uBond), "slave-type": v("bond")}),
			"bond-port":  sdict{"queue-id": v(uint32(3))},
		}},
		{"vlan", setting.Dict{
			"connection": con("vlan10", u(18), "vlan", sdict{"interface-name": v("eth1.10")}),
			"vlan": sdict{
				"parent": v("eth1"), "id": v(uint32(10)), "flags": v(uint32(0x3)),
				"ingress-priority-map": v([]string{"1:2", "3:4"}), "egress-priority-map": v([]string{"5:6"}),
				"protocol": v("802.1ad"),
			},
		}},
		{"vlan-flags0", setting.Dict{
			"connection": con("vlan11", u(19), "vlan", sdict{"interface-name": v("vlan11")}),
			"vlan":       sdict{"parent": v("eth2"), "id": v(uint32(11)), "flags": v(uint32(0))},
		}},
		{"veth", setting.Dict{
			"connection": con("veth0", u(20), "veth", sdict{"interface-name": v("veth0")}),
			"veth":       sdict{"peer": v("veth1")},
		}},
		{"macvlan", setting.Dict{
			"connection": con("macvlan0", u(21), "macvlan", sdict{"interface-name": v("mv0")}),
			"macvlan":    sdict{"parent": v("eth1"), "mode": v(uint32(2)), "tap": v(true)},
		}},
		{"vxlan", setting.Dict{
			"connection": con("vxlan0", u(22), "vxlan", sdict{"interface-name": v("vx0")}),
			"vxlan": sdict{"id": v(uint32(42)), "remote": v("192.0.2.10"), "local": v("192.0.2.1"),
				"destination-port": v(uint32(4789)), "source-port-min": v(uint32(1000)), "source-port-max": v(uint32(2000)),
				"learning": v(false), "ttl": v(uint32(10)), "proxy": v(true), "l2-miss": v(true)},
		}},
		{"tun", setting.Dict{
			"connection": con("tap0", u(23), "tun", sdict{"interface-name": v("tap0")}),
			"tun":        sdict{"mode": v(uint32(2)), "owner": v("1000"), "group": v("1000"), "pi": v(true), "vnet-hdr": v(true), "multi-queue": v(true)},
		}},
		{"loopback", setting.Dict{
			"connection": con("lo", u(24), "loopback", sdict{"interface-name": v("lo")}),
			"loopback":   sdict{"mtu": v(uint32(16384))},
			"ipv4":       sdict{"method": v("manual"), "address-data": v([]map[string]dbus.Variant{addr("127.0.0.2", 8)})},
		}},
		{"generic", setting.Dict{
			"connection": con("generic0", u(25), "generic", sdict{"interface-name": v("gen0")}),
		}},
		{"match", setting.Dict{
			"connection": con("matched", u(26), "802-3-ethernet", nil),
			"match": sdict{"interface-name": v([]string{"eth*", "!eth9", "|en*"}), "driver": v([]string{"virtio_net"}),
				"path": v([]string{"pci-0000:00:03.0"}), "kernel-command-line": v([]string{"foo=bar"})},
		}},
		{"ethtool", setting.Dict{
			"connection": con("ethtool", u(27), "802-3-ethernet", nil),
			"ethtool": sdict{"feature-rx": v(true), "feature-tso": v(false), "ring-rx": v(uint32(512)),
				"coalesce-rx-usecs": v(uint32(10)), "coalesce-adaptive-rx": v(uint32(1)), "pause-rx": v(true)},
		}},
		{"proxy", setting.Dict{
			"connection": con("proxied", u(28), "802-3-ethernet", nil),
			"proxy":      sdict{"method": v(int32(1)), "browser-only": v(true), "pac-url": v("http://wpad.example/wpad.dat")},
		}},
		{"hostname", setting.Dict{
			"connection": con("hostname", u(29), "802-3-ethernet", nil),
			"hostname":   sdict{"priority": v(int32(50)), "from-dhcp": v(int32(0)), "from-dns-lookup": v(int32(1)), "only-from-default": v(int32(0))},
		}},
		{"user", setting.Dict{
			"connection": con("user data", u(30), "802-3-ethernet", nil),
			"user":       sdict{"data": v(map[string]string{"my.app.key": "value 1", "org.example/x": "ü"})},
		}},
		{"wifi-psk", setting.Dict{
			"connection":               con("Home WiFi", u(31), "802-11-wireless", nil),
			"802-11-wireless":          sdict{"ssid": v([]byte("HomeNet")), "mode": v("infrastructure")},
			"802-11-wireless-security": sdict{"key-mgmt": v("wpa-psk"), "psk": v("correct horse battery")},
		}},
		{"wifi-open-hidden", setting.Dict{
			"connection":      con("open;net", u(32), "802-11-wireless", nil),
			"802-11-wireless": sdict{"ssid": v([]byte("café;net")), "hidden": v(true), "band": v("bg"), "channel": v(uint32(6)), "bssid": v([]byte{0, 0x11, 0x22, 0x33, 0x44, 0x55}), "powersave": v(uint32(2))},
		}},
		{"wifi-binary-ssid", setting.Dict{
			"connection":      con("binssid", u(33), "802-11-wireless", nil),
			"802-11-wireless": sdict{"ssid": v([]byte{0x00, 0xff, 0x10, 'a'}), "mode": v("ap")},
			"ipv4":            sdict{"method": v("shared")},
		}},
		{"wifi-wep", setting.Dict{
			"connection":               con("wep", u(34), "802-11-wireless", nil),
			"802-11-wireless":          sdict{"ssid": v([]byte("oldap"))},
			"802-11-wireless-security": sdict{"key-mgmt": v("none"), "wep-key0": v("0123456789"), "wep-key-type": v(uint32(1)), "wep-tx-keyidx": v(uint32(0)), "auth-alg": v("shared")},
		}},
		{"wifi-eap", setting.Dict{
			"connection":               con("corp wifi", u(35), "802-11-wireless", nil),
			"802-11-wireless":          sdict{"ssid": v([]byte("corp"))},
			"802-11-wireless-security": sdict{"key-mgmt": v("wpa-eap"), "proto": v([]string{"rsn"}), "pairwise": v([]string{"ccmp"}), "group": v([]string{"ccmp"})},
			"802-1x": sdict{"eap": v([]string{"peap"}), "identity": v("alice"), "password": v("s3cret"), "phase2-auth": v("mschapv2"),
				"ca-cert": v(append([]byte("file:///etc/ssl/ca.pem"), 0)), "anonymous-identity": v("anon"), "domain-suffix-match": v("example.com")},
		}},
		{"wifi-sae", setting.Dict{
			"connection":               con("sae", u(36), "802-11-wireless", nil),
			"802-11-wireless":          sdict{"ssid": v([]byte("wpa3"))},
			"802-11-wireless-security": sdict{"key-mgmt": v("sae"), "psk": v("a sae password"), "pmf": v(int32(3))},
		}},
		{"eth-8021x-tls", setting.Dict{
			"connection": con("wired tls", u(37), "802-3-ethernet", nil),
			"802-1x": sdict{"eap": v([]string{"tls"}), "identity": v("host/pc1"),
				"client-cert": v(append([]byte("file:///etc/pki/client.pem"), 0)), "private-key": v(append([]byte("file:///etc/pki/client.key"), 0)),
				"private-key-password": v("keypass"), "ca-cert": v([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")),
				"phase1-auth-flags": v(uint32(0x4)), "optional": v(true), "auth-timeout": v(int32(30))},
		}},
		{"wireguard", setting.Dict{
			"connection": con("wg0", u(38), "wireguard", sdict{"interface-name": v("wg0")}),
			"wireguard": sdict{"private-key": v(wgKey1), "listen-port": v(uint32(51820)), "fwmark": v(uint32(0x42)), "peer-routes": v(false), "mtu": v(uint32(1420)),
				"peers": v([]map[string]dbus.Variant{
					{"public-key": v(wgKey2), "endpoint": v("192.0.2.1:51820"), "allowed-ips": v([]string{"10.0.0.0/8", "fd00::/64"}), "persistent-keepalive": v(uint32(25))},
					{"public-key": v(wgKey3), "endpoint": v("[2001:db8::1]:4500"), "allowed-ips": v([]string{"192.168.77.1/32"}), "preshared-key": v(wgPSK), "preshared-key-flags": v(uint32(0))},
				})},
			"ipv4": sdict{"method": v("manual"), "address-data": v([]map[string]dbus.Variant{addr("10.99.0.1", 24)})},
		}},
		{"connection-options", setting.Dict{
			"connection": con("conn opts", u(39), "802-3-ethernet", sdict{
				"autoconnect": v(false), "autoconnect-priority": v(int32(10)), "autoconnect-retries": v(int32(3)),
				"multi-connect": v(int32(3)), "permissions": v([]string{"user:alice", "user:bob:"}), "zone": v("trusted"),
				"metered": v(int32(1)), "lldp": v(int32(1)), "mdns": v(int32(2)), "llmnr": v(int32(0)), "dns-over-tls": v(int32(1)),
				"secondaries": v([]string{u(40)}), "stable-id": v("${CONNECTION}/${BOOT}"), "auth-retries": v(int32(2)),
				"mptcp-flags": v(uint32(0x12)), "mud-url": v("https://example.com/mud"), "wait-device-timeout": v(int32(5000)),
				"gateway-ping-timeout": v(uint32(30)), "autoconnect-slaves": v(int32(1)), "wait-activation-delay": v(int32(100)),
			}),
		}},
		{"ipv4-dhcp-options", setting.Dict{
			"connection": con("dhcp opts", u(40), "802-3-ethernet", nil),
			"ipv4": sdict{"method": v("auto"), "dhcp-client-id": v("mac"), "dhcp-iaid": v("ifname"), "dhcp-hostname": v("myhost"),
				"dhcp-send-hostname": v(true), "dhcp-timeout": v(int32(60)), "dhcp-vendor-class-identifier": v("gonm"),
				"dhcp-reject-servers": v([]string{"192.0.2.66", "198.51.100.0/24"}), "ignore-auto-dns": v(true), "ignore-auto-routes": v(true),
				"never-default": v(true), "may-fail": v(false), "required-timeout": v(int32(5000)), "dad-timeout": v(int32(200)),
				"link-local": v(int32(2)), "route-table": v(uint32(500)), "dns-priority": v(int32(50)), "dhcp-hostname-flags": v(uint32(0)),
				"auto-route-ext-gw": v(int32(0)), "replace-local-rule": v(int32(1))},
		}},
		{"ipv4-fqdn", setting.Dict{
			"connection": con("fqdn", u(41), "802-3-ethernet", nil),
			"ipv4":       sdict{"method": v("auto"), "dhcp-fqdn": v("host.example.com"), "dhcp-hostname-flags": v(uint32(0x3))},
		}},
		{"ipv6-options", setting.Dict{
			"connection": con("v6 opts", u(42), "802-3-ethernet", nil),
			"ipv6": sdict{"method": v("auto"), "addr-gen-mode": v(int32(0)), "token": v("::0:0:0:1"), "ip6-privacy": v(int32(2)),
				"ra-timeout": v(int32(30)), "mtu": v(uint32(1400)), "dhcp-duid": v("ll"), "dhcp-iaid": v("0x1234"),
				"route-table": v(uint32(20)), "required-timeout": v(int32(3000)), "dhcp-hostname": v("v6host"), "dhcp-timeout": v(int32(40))},
		}},
		{"ipv4-shared", setting.Dict{
			"connection": con("shared", u(43), "802-3-ethernet", nil),
			"ipv4":       sdict{"method": v("shared"), "address-data": v([]map[string]dbus.Variant{addr("10.42.0.1", 24)})},
			"ipv6":       sdict{"method": v("shared")},
		}},
		{"ipv6-ignore", setting.Dict{
			"connection": con("no v6", u(44), "802-3-ethernet", nil),
			"ipv6":       sdict{"method": v("ignore")},
		}},
		{"legacy-addresses", setting.Dict{
			"connection": con("legacy", u(45), "802-3-ethernet", nil),
			"ipv4": sdict{"method": v("manual"), "addresses": v([][]uint32{{0x0101a8c0, 24, 0xfe01a8c0}}),
				"address-labels": v([]string{"eth0:1"}), "routes": v([][]uint32{{0x0000000a, 8, 0x0101a8c0, 20}})},
		}},
		{"dummy", setting.Dict{
			"connection": con("dummy0", u(46), "dummy", sdict{"interface-name": v("dummy0")}),
		}},
		{"vrf", setting.Dict{
			"connection": con("vrf0", uVrf, "vrf", sdict{"interface-name": v("vrf0")}),
			"vrf":        sdict{"table": v(uint32(1001))},
		}},
		{"team", setting.Dict{
			"connection": con("team0", uTeam, "team", sdict{"interface-name": v("team0")}),
			"team":       sdict{"config": v(`{"runner": {"name": "activebackup"}}`)},
		}},
		{"infiniband", setting.Dict{
			"connection": con("ib0", u(49), "infiniband", nil),
			"infiniband": sdict{"transport-mode": v("datagram"), "mtu": v(uint32(2044)), "p-key": v(int32(0x8001)), "parent": v("ib0")},
		}},
		{"vpn", setting.Dict{
			"connection": con("vpn", u(50), "vpn", nil),
			"vpn":        sdict{"service-type": v("org.freedesktop.NetworkManager.openvpn"), "data": v(map[string]string{"remote": "vpn.example.com", "connection-type": "tls"})},
		}},
		{"tc-sriov", setting.Dict{
			"connection": con("tc", u(51), "802-3-ethernet", nil),
			"sriov":      sdict{"total-vfs": v(uint32(4)), "autoprobe-drivers": v(int32(0))},
		}},
		{"gsm", setting.Dict{
			"connection": con("mobile", u(52), "gsm", nil),
			"gsm":        sdict{"apn": v("internet"), "number": v("*99#"), "home-only": v(true)},
		}},
	}
}
