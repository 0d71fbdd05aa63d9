package nmclitest

import (
	"path/filepath"
	"strings"
)

// words splits a command line the way a POSIX shell would for the
// suite's needs: blanks separate words, double and single quotes group,
// a backslash outside single quotes takes the next character.
func words(line string) []string {
	var out []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case ch == '\'':
			inWord = true
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				panic("nmclitest: unbalanced ' in " + line)
			}
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 1
		case ch == '"':
			inWord = true
			for i++; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && strings.IndexByte("\"\\$`", line[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(line[i])
			}
		case ch == '\\' && i+1 < len(line):
			inWord = true
			i++
			cur.WriteByte(line[i])
		case ch == ' ' || ch == '\t':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			inWord = true
			cur.WriteByte(ch)
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}

func sh(line string) Case { return Case{Args: words(line)} }

// testdataPath is the absolute path of a file under testdata/ (nmcli
// prints the path it was given).
func testdataPath(name string) string {
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		panic(err)
	}
	return p
}

// tmpProfile is the setup of the cases that change an existing profile:
// a fresh profile named "t-mod" on an interface no test has.
var tmpProfile = words("c add type ethernet con-name t-mod ifname tst9 autoconnect no " +
	"ipv4.method manual ipv4.addresses 10.9.0.1/24,10.9.0.2/24 ipv4.dns 10.9.0.53 ipv4.dns-search a.test,b.test " +
	"ipv4.routes '10.10.0.0/16 10.9.0.254 100, 10.11.0.0/16' ipv6.method disabled " +
	"802-3-ethernet.mtu 1400 connection.permissions user:root 802-1x.eap peap 802-1x.identity bob 802-1x.password secret 802-1x.phase2-auth mschapv2")

func withSetup(setup []string, cs ...Case) []Case {
	out := make([]Case, len(cs))
	for i, x := range cs {
		x.Setup = append(x.Setup, setup)
		out[i] = x
	}
	return out
}

// addLines are "connection add" command lines: every type nmcli 1.42
// knows, many options, aliases and the error paths. Online they name
// interfaces no test has and turn autoconnect off where the daemon
// could activate; offline (--offline) they run as they are.
var addLines = []string{
	`c add type ethernet ifname tst0 ipv4.method manual ipv4.addresses 10.0.0.1/24,10.0.0.2/24 ipv4.dns "8.8.8.8 1.1.1.1" ipv4.dns-search example.org ipv6.method ignore`,
	`c add type ethernet ifname tst0 mac 00:11:22:33:44:55 cloned-mac random mtu 1400`,
	`c add type ethernet ifname tst0 802-3-ethernet.wake-on-lan magic 802-3-ethernet.speed 100 802-3-ethernet.duplex full 802-3-ethernet.auto-negotiate no`,
	`c add type ethernet ifname tst0 ipv4.routes "10.1.0.0/16 10.0.0.254 100 mtu=1400, 10.2.0.0/16" ipv4.method auto`,
	`c add type ethernet ifname tst0 ipv4.routes "10.1.0.0/16 10.0.0.254 table=100 lock-mtu=true mtu=1400 onlink=true src=10.0.0.9"`,
	`c add type ethernet ifname tst0 ipv4.routing-rules "priority 100 from 10.0.0.0/8 table 100, priority 5 not to 1.2.3.0/24 iif eth0 fwmark 0x10/0xff table 7"`,
	`c add type ethernet ifname tst0 ipv6.addresses 2001:db8::1/64 ipv6.gateway 2001:db8::ff ipv6.method manual`,
	`c add type ethernet ifname tst0 ip6 2001:db8::1/64 gw6 2001:db8::ff`,
	`c add type ethernet ifname tst0 ip4 10.0.0.1 ip4 10.0.0.2/8 gw4 10.0.0.254`,
	`c add type ethernet ifname tst0 connection.autoconnect no connection.autoconnect-priority 10 connection.zone home connection.metered yes`,
	`c add type ethernet ifname "*" autoconnect no`,
	`c add type ethernet ifname tst0 con-name "my con:name\\x"`,
	`c add type ethernet ifname tst0 con-name "Ünïcødé 名前"`,
	`c add type ethernet ifname tst0 con-name "  spaced  "`,
	`c add type ethernet ifname tst0 connection.permissions "alice bob"`,
	`c add type ethernet ifname tst0 ethtool.feature-tso off ethtool.ring-rx 512 ethtool.pause-autoneg yes ethtool.coalesce-rx-usecs 3`,
	`c add type ethernet ifname tst0 802-1x.eap peap 802-1x.identity bob 802-1x.phase2-auth mschapv2 802-1x.password secret`,
	`c add type ethernet ifname tst0 ipv4.dhcp-client-id mac ipv4.dhcp-timeout infinity ipv4.dhcp-hostname h ipv4.dhcp-hostname-flags fqdn-encoded`,
	`c add type ethernet ifname tst0 ipv6.addr-gen-mode eui64 ipv6.ip6-privacy 2 ipv6.token ::1`,
	`c add type ethernet ifname tst0 match.interface-name "eth* !eth1" match.kernel-command-line foo=bar`,
	`c add type ethernet ifname tst0 ipv4.dns-options "rotate ndots:2"`,
	`c add type ethernet ifname tst0 connection.lldp enable connection.mdns yes connection.llmnr no connection.dns-over-tls opportunistic`,
	`c add type ethernet ifname tst0 connection.mptcp-flags signal,subflow`,
	`c add type ethernet ifname tst0 proxy.method auto proxy.pac-url http://x/y.pac`,
	`c add type ethernet ifname tst0 tc.qdiscs "root pfifo_fast, handle 1234: parent 1: fq_codel" tc.tfilters "parent 1234: matchall action simple sdata Hello"`,
	`c add type ethernet ifname tst0 sriov.total-vfs 2 sriov.vfs "0 mac=00:11:22:33:44:55 trust=true, 1 vlans=100.1.q"`,
	`c add type ethernet ifname tst0 hostname.priority 50 hostname.from-dhcp no`,
	`c add type ethernet ifname tst0 save no`,
	`c add type ethernet ifname tst0 save maybe`,
	`c add type ethernet ifname tst0 save`,
	`c add type ethernet ifname tst0 -- ipv4.method disabled ipv6.method disabled`,
	`c add type ethernet ifname tst0 -- +ipv4.dns 1.1.1.1 +ipv4.dns 2.2.2.2 -ipv4.dns 1.1.1.1`,
	`c add type ethernet ifname tst0 foo bar`,
	`c add type ethernet ifname tst0 ipv4.foo bar`,
	`c add type ethernet ifname tst0 ipx.method auto`,
	`c add type ethernet ifname tst0 ipv4.method`,
	`c add type ethernet ifname tst0 ipv4.method bogus`,
	`c add type ethernet ifname tst0 ipv4.addresses 300.1.1.1/24`,
	`c add type ethernet ifname tst0 ipv4.addresses 1.2.3.4/33`,
	`c add type ethernet ifname tst0 ipv4.route-metric abc`,
	`c add type ethernet ifname tst0 802-3-ethernet.mtu -5`,
	`c add type ethernet ifname tst0 connection.autoconnect-priority 1000`,
	`c add type ethernet ifname tst0 bond.mode 1`,
	`c add type ethernet ifname tst0 mode 1`,
	`c add type ethernet`,
	`c add ifname tst0`,
	`c add`,
	`c add type bogus`,
	`c add type eth`,
	`c add type e`,
	`c add type bond ifname tbond0 mode active-backup primary tst1`,
	`c add type bond ifname tbond0 mode 4 lacp-rate fast miimon 100`,
	`c add type bond ifname tbond0 bond.options "mode=balance-rr,miimon=100,updelay=200"`,
	`c add type bond ifname tbond0 mode 9`,
	`c add type bond ifname tbond0 bond.options "mode=802.3ad,arp_interval=100"`,
	`c add type bond-slave ifname tst1 master tbond0 bond-port.queue-id 2`,
	`c add type bridge ifname tbr0 stp yes priority 100 forward-delay 4 hello-time 1 max-age 10 ageing-time 100 multicast-snooping no`,
	`c add type bridge ifname tbr0 bridge.vlans "1 pvid untagged, 10-20" bridge.vlan-filtering yes`,
	`c add type bridge-slave ifname tst1 master tbr0 priority 10 path-cost 100 hairpin yes`,
	`c add type ethernet ifname tst1 master tbr0 slave-type bridge`,
	`c add type ethernet ifname tst1 master tbr0`,
	`c add type team ifname tteam0`,
	`c add type team-slave ifname tst1 master tteam0`,
	`c add type vlan ifname tvlan10 dev tst0 id 10 flags 3 ingress "1:2,3:4" egress "5:6"`,
	`c add type vlan dev tst0 id 5000`,
	`c add type vxlan ifname tvx0 id 100 remote 1.2.3.4 local 1.2.3.5 dev tst0 destination-port 4789`,
	`c add type vxlan ifname tvx0 id 100`,
	`c add type macvlan ifname tmv0 dev tst0 mode bridge tap yes`,
	`c add type macvlan ifname tmv0 dev tst0 mode foo`,
	`c add type tun ifname ttun0 mode tap owner 0 group 0 pi yes vnet-hdr yes multi-queue yes`,
	`c add type tun ifname ttun0`,
	`c add type veth ifname tveth0 peer tveth1`,
	`c add type veth ifname tveth0`,
	`c add type dummy ifname tdummy0`,
	`c add type ip-tunnel ifname tt0 mode gre remote 1.2.3.4 local 1.2.3.5 dev tst0`,
	`c add type ip-tunnel ifname tt0 mode foo remote 1.2.3.4`,
	`c add type macsec ifname tms0 dev tst0 mode psk cak 0123456789abcdef0123456789abcdef ckn 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef encrypt yes port 1`,
	`c add type macsec ifname tms0 dev tst0 mode eap`,
	`c add type vrf ifname tvrf0 table 100`,
	`c add type vrf ifname tvrf0`,
	`c add type wireguard ifname twg0 wireguard.listen-port 51820 wireguard.private-key "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=" wireguard.fwmark 0x10`,
	`c add type wifi ifname twlan0 ssid "my ssid" mode ap wifi.band a wifi.channel 36`,
	`c add type wifi ifname twlan0 ssid foo wifi-sec.key-mgmt none wifi-sec.wep-key0 abcde`,
	`c add type wifi ifname twlan0 ssid foo wifi-sec.key-mgmt wpa-psk wifi-sec.psk 12345678 wifi-sec.proto rsn wifi-sec.pairwise ccmp`,
	`c add type wifi ifname twlan0 ssid foo wifi.channel 15`,
	`c add type wifi ifname twlan0 ssid 012345678901234567890123456789012`,
	`c add type wifi-p2p peer 00:11:22:33:44:55`,
	`c add type wpan ifname twpan0 pan-id 0x1234 short-addr 0x0001 channel 11 page 0`,
	`c add type 6lowpan ifname tlp0 dev twpan0`,
	`c add type infiniband ifname tib0 transport-mode connected mtu 2044 p-key 0x8001`,
	`c add type infiniband ifname tib0.8001 parent tib0 p-key 0x8001`,
	`c add type bluetooth addr 00:11:22:33:44:55 bt-type panu`,
	`c add type bluetooth addr 00:11:22:33:44:55 bt-type dun`,
	`c add type bluetooth addr 00:11:22:33:44:55 bt-type xyz`,
	`c add type gsm ifname ttyTST0 apn internet user u password p`,
	`c add type cdma ifname ttyTST0 user u`,
	`c add type pppoe ifname tppp0 username u password p parent tst0 service s`,
	`c add type pppoe ifname tppp0`,
	`c add type adsl ifname tadsl0 username u protocol pppoa encapsulation vcmux`,
	`c add type adsl ifname tadsl0 username u protocol xyz`,
	`c add type olpc-mesh ssid foo channel 6`,
	`c add type vpn vpn-type openvpn`,
	`c add type vpn vpn-type openvpn vpn.data "remote=vpn.example.com, connection-type=password" vpn.user-name bob`,
	`c add type vpn`,
	`c add type loopback ifname lo autoconnect no`,
	`c add type generic ifname tg0`,
	`c add type ovs-bridge ifname tovsbr0`,
	`c add type ovs-port ifname tovsport0 master tovsbr0`,
	`c add type ovs-interface ifname tovsif0 master tovsport0 ovs-interface.type internal`,
	`c add type wimax nsp foo`,
	`c add type dcb`,
	`c add type ethernet ifname tst0 dcb.app-fcoe-flags 7 dcb.priority-group-bandwidth 10,10,10,10,10,10,20,20`,
	`c add con-name x type ethernet ifname tst0 connection.type wifi`,
	`c add type ethernet ifname tst0 connection.uuid 5f8f0b1e-0000-4000-8000-00000000abcd`,
	`c add type ethernet ifname tst0 connection.uuid bogus`,
	`c add type ethernet ifname tst0 remove ipv6`,
	`c add type ethernet ifname tst0 +ipv4.addresses 10.0.0.1/8 ipv4.method manual`,
	`c add type ethernet ifname tst0 ipv4.method manual`,
	`c add type ethernet ifname tst0 ipv4.gateway 1.2.3.4 ipv4.never-default yes`,
	`c add type ethernet ifname tst0 ipv4.never-default yes ipv4.gateway 1.2.3.4 ipv4.addresses 1.2.3.5/24 ipv4.method manual`,
	`c add type ethernet ifname tst0 ipv4.addr 10.0.0.1/8 ipv4.method manual`,
	`c add type ethernet ifname tst0 ipv4.a 10.0.0.1/8`,
	`c add type ethernet ifname tst0 eth.mtu 9000`,
	`c add type ethernet ifname tst0 ethernet.mtu auto`,
	`c add type ethernet ifname tst0 802-3.mtu 1500`,
	`c add type bridge-slave ifname tst1`,
	`c add type ethernet ifname tst0 connection.secondaries ""`,
	`c add type ethernet ifname tst0 serial.baud 9600`,
	`c add type ethernet ifname tst0 ipv4.dhcp-reject-servers "1.2.3.4,5.6.7.0/24"`,
	`c add type ethernet ifname tst0 connection.auth-retries 5 connection.autoconnect-retries 0 connection.multi-connect multiple`,
	`c add type ethernet ifname tst0 connection.autoconnect-slaves yes connection.wait-device-timeout 5000`,
	`c add type ethernet ifname tst0 802-3-ethernet.s390-subchannels "0.0.0a 0.0.0b" 802-3-ethernet.s390-nettype qeth 802-3-ethernet.s390-options "portno=1"`,
	`c add type ethernet ifname tst0 ipv4.link-local enabled ipv4.dad-timeout off ipv4.required-timeout 1000`,
	`c add type ethernet ifname tst0 ipv4.dns "1.2.3.4,,5.6.7.8" ipv4.dns-search "a\\,b,c"`,
	`c add type ethernet ifname tst0 con-name 'back\\slash' connection.stable-id "a b\\c"`,
	`c add type ethernet ifname tst0 802-3-ethernet.mac-address-blacklist "00:11:22:33:44:55,66:77:88:99:aa:bb"`,
	`c add type ethernet ifname tst0 802-3-ethernet.mac-address 00:11:22:33:44`,
}

// ProfileCases change profiles; see runProfileCase.
func ProfileCases() []Case {
	var cs []Case
	for _, l := range addLines {
		// Autoconnect off first: a profile without an interface name
		// could otherwise take one of the world's devices.
		cs = append(cs, sh(strings.Replace(l, "c add", "c add autoconnect no", 1)))
	}
	// Autoconnect left as it is, on interfaces that do not exist.
	cs = append(cs, sh("c add type ethernet ifname tst0 con-name t-auto"), sh("c add type ethernet con-name t-any ifname tst7"))
	cs = append(cs, withSetup(tmpProfile,
		sh("c modify t-mod ipv4.addresses 10.9.9.9/8"), sh("c modify t-mod +ipv4.addresses 10.9.9.9/8"),
		sh("c modify t-mod -ipv4.addresses 10.9.0.1/24"), sh("c modify t-mod -ipv4.addresses 1"),
		sh("c modify t-mod -ipv4.addresses 7"), sh("c modify t-mod ipv4.addresses ''"),
		sh("c modify t-mod +ipv4.dns 1.1.1.1,2.2.2.2 -ipv4.dns-search a.test"),
		sh("c modify t-mod -ipv4.routes '10.11.0.0/16'"), sh("c modify t-mod +ipv4.routes '10.12.0.0/16 10.9.0.253 5 table=3'"),
		sh("c modify t-mod ipv4.method auto"), sh("c modify t-mod ipv4.method link-local"),
		sh("c modify t-mod ipv4.gateway 10.9.0.254"), sh("c modify t-mod ipv4.gateway 10.99.0.254"),
		sh("c modify t-mod connection.id 'new:name\\with\\\\back slashes'"), sh("c modify t-mod con-name Ünïcødé"),
		sh("c modify t-mod connection.interface-name ''"), sh("c modify t-mod connection.interface-name 'bad name'"),
		sh("c modify t-mod 802-3-ethernet.mtu auto"), sh("c modify t-mod eth.mtu 9000 eth.mac 00:11:22:33:44:55"),
		sh("c modify t-mod -connection.permissions user:root"), sh("c modify t-mod +connection.permissions alice"),
		sh("c modify t-mod remove 802-1x"), sh("c modify t-mod remove ipv4"), sh("c modify t-mod remove connection"),
		sh("c modify t-mod remove bogus"), sh("c modify t-mod 802-1x.password newsecret"),
		sh("c modify t-mod +bond.options mode=1"), sh("c modify t-mod ipv4.bogus 1"), sh("c modify t-mod bogus.x 1"),
		sh("c modify t-mod ipv4.dns-priority -5 ipv4.route-metric 20 ipv4.route-table 100"),
		sh("c modify t-mod ipv4.dns-options 'ndots:3 rotate' +ipv4.dns-options attempts:2"),
		sh("c modify t-mod ipv6.method manual ipv6.addresses 'fd00::1/64, fd00::2' ipv6.addr-gen-mode stable-privacy"),
		sh("c modify t-mod connection.autoconnect-priority 1000"), sh("c modify t-mod connection.zone 'zone with space'"),
		sh("c modify t-mod ethtool.feature-rx on ethtool.feature-tx off"), sh("c modify t-mod -ethtool.feature-rx ''"),
		sh("c modify t-mod match.interface-name 'a,b\\,c' +match.driver e1000"),
		sh("c modify t-mod connection.type wifi"), sh("c modify t-mod connection.uuid 5f8f0b1e-0000-4000-8000-00000000abcd"),
		sh("c modify --temporary t-mod ipv4.dns 9.9.9.9"), sh("c modify t-mod"), sh("c modify t-mod ipv4.dns"),
		sh("c modify nosuch ipv4.dns 1.1.1.1"), sh("c modify"), sh("c modify id t-mod ipv4.method disabled"),
		sh("-t c modify t-mod ipv4.method disabled"), sh("-p c modify t-mod ipv4.method disabled"),
		sh("c clone t-mod t-clone"), sh("c clone --temporary t-mod t-clone"), sh("c clone t-mod"),
		sh("c clone id t-mod t-clone extra"), sh("c clone nosuch t-clone"),
		sh("c delete t-mod"), sh("c delete id t-mod"), sh("c delete t-mod t-mod"),
		sh("c show t-mod"), sh("-s c show t-mod"), sh("-t c show t-mod"), sh("-p c show t-mod"),
		sh("-m tabular c show t-mod"), sh("-m tabular -t c show t-mod"), sh("-f ipv4 c show t-mod"),
		sh("-f ipv4.addresses,802-3-ethernet.mtu,connection c show t-mod"), sh("-g ipv4.dns,ipv4.routes c show t-mod"),
		sh("-f 802-1x.password c show t-mod"), sh("-s -f 802-1x.password c show t-mod"), sh("-f ipv4.bogus c show t-mod"),
		sh("-f all c show t-mod"), sh("-o c show t-mod"), sh("--color yes c show t-mod"), sh("-e no -t c show t-mod"),
	)...)
	cs = append(cs,
		sh("c import type wireguard file "+testdataPath("wgtst0.conf")),
		sh("c import --temporary type wireguard file "+testdataPath("wgtst0.conf")),
		sh("c import type wireguard file "+testdataPath("wgbad0.conf")),
		sh("c import type wireguard file "+testdataPath("wgnokey0.conf")),
		sh("c import type wireguard file /nonexistent/wg0.conf"),
		sh("c import type wireguard file "+testdataPath("wgtst0.conf")+" extra"),
		sh("c import type openvpn file "+testdataPath("wgtst0.conf")),
		sh("c import type bogus file /x"), sh("c import type wireguard"), sh("c import file /x"), sh("c import"),
		sh("c export spare"), sh("c export 'corp vpn'"), sh("c export nosuch"), sh("c export"),
	)
	cs = append(cs, withSetup(words("c import type wireguard file "+testdataPath("wgtst0.conf")),
		sh("c show wgtst0"), sh("-s c show wgtst0"), sh("-f wireguard,ipv4,ipv6 -s -t c show wgtst0"),
		sh("c modify wgtst0 wireguard.peers ''"), sh("c modify wgtst0 wireguard.mtu 1280 wireguard.ip4-auto-default-route yes"),
		sh("c export wgtst0"),
	)...)
	cs = append(cs, EditorCases()...)
	return cs
}

// ed is an editor case: nmcli reads the lines from stdin (readline shows
// each; the end of input at a prompt ends nmcli with status 1).
func ed(stdin string, args string) Case {
	cs := sh(args)
	cs.Stdin = stdin
	cs.Race = true
	cs.OwnDescriptions = true
	return cs
}

// EditorCases drive "connection edit" through its menus.
func EditorCases() []Case {
	cs := []Case{
		ed("help\nhelp set\nhelp goto\nhelp foo\n?\nfoo bar\nnmcli\nnmcli status-line yes\nprint ipv4.method\nnmcli status-line no\n"+
			"nmcli bogus x\nnmcli save-confirmation maybe\nverify\nverify all\nverify bla\ngoto connection\nverify\nprint id\nprint\nback\n"+
			"remove ipv6\nremove connection\nremove bogus\nremove ipv4.dns\nprint all\nquit\nyes\n", "c edit spare"),
		ed("print connection.id\nset connection.id Foo\nprint connection.id\ngoto ipv4\nset addresses 1.2.3.4/24\nprint\nback\nquit\n", "c edit type ethernet con-name t-ed"),
		ed("ethernet\nprint\nquit\nyes\n", "c edit"),
		ed("bogus\nbond-slave\nprint\nquit\ny\n", "c edit"),
		ed("wifi\nquit\n", "c edit type bogus"),
		ed("vlan\nprint vlan\nquit\nyes\n", "c edit"),
		ed("print connection.interface-name\nprint bond\nquit\nyes\n", "c edit type bond"),
		ed("", "c edit nosuch"), ed("", "c edit id x uuid y"), ed("", "c edit type ethernet con-name"),
		ed("", "c edit type ethernet foo bar"), ed("quit\n", "c edit type ethernet type wifi"),
		ed("quit\n", "c edit uuid "+UUIDSpare+" con-name X type wifi"),
		ed("goto ipv4\ndescribe\nmethod\nset\ndns\n1.1.1.1 8.8.8.8\nprint dns\nadd dns 9.9.9.9\nprint dns\nremove dns\nprint dns\ngoto dns\n"+
			"print\nadd 4.4.4.4\nprint\nremove 4.4.4.4\nprint\nset 5.5.5.5\nchange\nhelp\nhelp set\nhelp x\nx\nprint setting\nprint connection\n"+
			"print bogus\nchange\n\nprint\nback\nback\nquit\n", "c edit spare"),
		ed("describe\ndescribe bogus.x\ndescribe ipv4.bogus\ngoto ipv4\ndescribe bogus\nprint bogus\nprint connection.bogus\n"+
			"print connection\nprint 802-3-ethernet.mtu\nprint eth.mtu\nprint wifi\nprint wifi.ssid\nremove\ndns\nremove bogus\nremove proxy\n"+
			"print all\nremove ipv6\nprint\nset\nbogus\nset\nmtu\nset ipv4.bogus 1\nset bogus.x 1\nset route-metric abc\nset route-metric 5\n"+
			"print route-metric\nset wifi.ssid foo\ngoto\nipv6\ngoto ipv6.method\nprint\nquit\nno\nback\nquit\nyes\n", "c edit spare"),
		ed("nmcli status-line yes\nset connection.interface-name tst9\nsave\nno\nsave\n\nset ipv4.dns 1.2.3.4\nsave temporary\nprint ipv4.dns\nsave bogus\n"+
			"set ipv4.addresses 10.0.0.1/8\nverify\nsave\nset connection.interface-name tst7\nsave\nquit\n", "c edit type ethernet con-name t-ed"),
		ed("set wifi.ssid foo\nset wifi.band a\nset wifi.channel 36\nset wifi.mode ap\nset wifi.channel 40\nset wifi-sec.key-mgmt wpa-psk\n"+
			"set wifi-sec.psk secret123\nprint wifi-sec\nprint wifi-sec.psk\nnmcli show-secrets yes\nprint wifi-sec\nverify\nset wifi-sec.psk x\n"+
			"verify\nverify fix\ngoto wifi\nverify\nback\nremove wifi-sec\nprint all\nquit\nyes\n", "c edit type wifi con-name t-w"),
		ed("set connection.autoconnect no\nset connection.interface-name tst8\nsave\nactivate\nactivate tst8\nactivate nosuch\nactivate /ap\nquit\n",
			"c edit type ethernet con-name t-act"),
		ed("print\nquit\n", "-s c edit t-mod"),
	}
	for _, in := range []string{
		"set ipv4.addresses 10.1.1.1/24\n\nprint ipv4\nquit\n", "set ipv4.method disabled\nprint ipv4\n",
		"set ipv6.addresses 2001:db8::1/64\nprint ipv6\n", "set connection.master br0\nprint all\n",
		"remove ipv4.addresses\nprint ipv4\n", "set proxy.method auto\nset proxy.pac-url http://x/y\nset proxy.method none\nprint proxy\nquit\nyes\n",
		"goto ipv4\nset addresses 1.2.3.4/8\nprint\n", "set ipv4.method auto\nyes\nprint ipv4.addresses\nset ipv4.method manual\nprint ipv4\n",
	} {
		cs = append(cs, withSetup(tmpProfile, ed(in, "c edit t-mod"))...)
	}
	return cs
}

// OfflineCases run without a daemon: --offline add writes a keyfile,
// --offline modify reads one from stdin.
func OfflineCases() []Case {
	var cs []Case
	for _, l := range addLines {
		cs = append(cs, sh("--offline "+l))
	}
	kf := "[connection]\nid=off1\nuuid=5f8f0b1e-0000-4000-8000-0000000000f1\ntype=ethernet\ninterface-name=eth0\n\n" +
		"[ipv4]\naddress1=10.0.0.1/24,10.0.0.254\ndns=10.0.0.53;\nmethod=manual\n\n[ipv6]\naddr-gen-mode=stable-privacy\nmethod=auto\n\n[proxy]\n"
	mod := func(args string) Case {
		x := sh("--offline c modify " + args)
		x.Stdin = kf
		return x
	}
	cs = append(cs,
		mod("ipv4.addresses 10.1.1.1/8"), mod("+ipv4.addresses 10.1.1.1/8"), mod("-ipv4.addresses 10.0.0.1/24"),
		mod("ipv4.method auto ipv4.addresses ''"), mod("connection.id 'x:y\\z'"), mod("remove ipv6"),
		mod("ipv4.bogus 1"), mod("802-3-ethernet.mtu 9000"), mod("+ipv4.dns 1.1.1.1"), mod(""),
		mod("connection.type wifi"), mod("--temporary ipv4.dns 9.9.9.9"), mod("id off1 ipv4.dns 9.9.9.9"),
		Case{Args: words("--offline c modify ipv4.dns 1.1.1.1"), Stdin: "garbage\n"},
		Case{Args: words("--offline c modify ipv4.dns 1.1.1.1"), Stdin: ""},
		Case{Args: words("--offline c modify ipv4.dns 1.1.1.1"), Stdin: "[connection]\nid=x\ntype=bogus\n"},
		sh("--offline c show"), sh("--offline c up spare"), sh("--offline c clone a b"), sh("--offline c edit"),
	)
	return cs
}
