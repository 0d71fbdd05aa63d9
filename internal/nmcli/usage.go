package nmcli

// The help texts nmcli prints (to stderr) for "help" at each level of
// the command tree; they are part of its output and match
// NetworkManager 1.42's.

func usageTop(a *App) {
	a.printErr("Usage: nmcli [OPTIONS] OBJECT { COMMAND | help }\n\nOPTIONS\n  -a, --ask                                ask for missing parameters\n  -c, --colors auto|yes|no                 whether to use colors in output\n  -e, --escape yes|no                      escape columns separators in values\n  -f, --fields <field,...>|all|common      specify fields to output\n  -g, --get-values <field,...>|all|common  shortcut for -m tabular -t -f\n  -h, --help                               print this help\n  -m, --mode tabular|multiline             output mode\n  -o, --overview                           overview mode\n  -p, --pretty                             pretty output\n  -s, --show-secrets                       allow displaying passwords\n  -t, --terse                              terse output\n  -v, --version                            show program version\n  -w, --wait <seconds>                     set timeout waiting for finishing operations\n\nOBJECT\n  g[eneral]       NetworkManager's general status and operations\n  n[etworking]    overall networking control\n  r[adio]         NetworkManager radio switches\n  c[onnection]    NetworkManager's connections\n  d[evice]        devices managed by NetworkManager\n  a[gent]         NetworkManager secret agent or polkit agent\n  m[onitor]       monitor NetworkManager changes\n\n")
}

func usageGeneral(a *App) {
	a.printErr("Usage: nmcli general { COMMAND | help }\n\nCOMMAND := { status | hostname | permissions | logging | reload }\n\n  status\n\n  hostname [<hostname>]\n\n  permissions\n\n  logging [level <log level>] [domains <log domains>]\n\n  reload [<flags>]\n\n")
}

func usageGeneralStatus(a *App) {
	a.printErr("Usage: nmcli general status { help }\n\nShow overall status of NetworkManager.\n'status' is the default action, which means 'nmcli gen' calls 'nmcli gen status'\n\n")
}

func usageGeneralHostname(a *App) {
	a.printErr("Usage: nmcli general hostname { ARGUMENTS | help }\n\nARGUMENTS := [<hostname>]\n\nGet or change persistent system hostname.\nWith no arguments, this prints currently configured hostname. When you pass\na hostname, NetworkManager will set it as the new persistent system hostname.\n\n")
}

func usageGeneralPermissions(a *App) {
	a.printErr("Usage: nmcli general permissions { help }\n\nShow caller permissions for authenticated operations.\n\n")
}

func usageGeneralReload(a *App) {
	a.printErr("Usage: nmcli general reload { ARGUMENTS | help }\n\nARGUMENTS := [<flag>[,<flag>...]]\n\nReload NetworkManager's configuration and perform certain updates, like\nflushing caches or rewriting external state to disk. This is similar to\nsending SIGHUP to NetworkManager but it allows for more fine-grained\ncontrol over what to reload through the flags argument. It also allows\nnon-root access via PolicyKit and contrary to signals it is synchronous.\n\nAvailable flags are:\n\n  'conf'        Reload the NetworkManager.conf configuration from\n                disk. Note that this does not include connections, which\n                can be reloaded through 'nmcli connection reload' instead.\n\n  'dns-rc'      Update DNS configuration, which usually involves writing\n                /etc/resolv.conf anew. This is equivalent to sending the\n                SIGUSR1 signal to the NetworkManager process.\n\n  'dns-full'    Restart the DNS plugin. This is for example useful when\n                using dnsmasq plugin, which uses additional configuration\n                in /etc/NetworkManager/dnsmasq.d. If you edit those files,\n                you can restart the DNS plugin. This action shortly\n                interrupts name resolution.\n\nWith no flags, everything that is supported is reloaded, which is\nidentical to sending a SIGHUP.\n")
}

func usageGeneralLogging(a *App) {
	a.printErr("Usage: nmcli general logging { ARGUMENTS | help }\n\nARGUMENTS := [level <log level>] [domains <log domains>]\n\nGet or change NetworkManager logging level and domains.\nWithout any argument current logging level and domains are shown. In order to\nchange logging state, provide level and/or domain. Please refer to the man page\nfor the list of possible logging domains.\n\n")
}

func usageNetworking(a *App) {
	a.printErr("Usage: nmcli networking { COMMAND | help }\n\nCOMMAND := { [ on | off | connectivity ] }\n\n  on\n\n  off\n\n  connectivity [check]\n\n")
}

func usageNetworkingOn(a *App) {
	a.printErr("Usage: nmcli networking on { help }\n\nSwitch networking on.\n\n")
}

func usageNetworkingOff(a *App) {
	a.printErr("Usage: nmcli networking off { help }\n\nSwitch networking off.\n\n")
}

func usageNetworkingConnectivity(a *App) {
	a.printErr("Usage: nmcli networking connectivity { ARGUMENTS | help }\n\nARGUMENTS := [check]\n\nGet network connectivity state.\nThe optional 'check' argument makes NetworkManager re-check the connectivity.\n\n")
}

func usageRadio(a *App) {
	a.printErr("Usage: nmcli radio { COMMAND | help }\n\nCOMMAND := { all | wifi | wwan }\n\n  all | wifi | wwan [ on | off ]\n\n")
}

func usageRadioAll(a *App) {
	a.printErr("Usage: nmcli radio all { ARGUMENTS | help }\n\nARGUMENTS := [on | off]\n\nGet status of all radio switches, or turn them on/off.\n\n")
}

func usageRadioWifi(a *App) {
	a.printErr("Usage: nmcli radio wifi { ARGUMENTS | help }\n\nARGUMENTS := [on | off]\n\nGet status of Wi-Fi radio switch, or turn it on/off.\n\n")
}

func usageRadioWwan(a *App) {
	a.printErr("Usage: nmcli radio wwan { ARGUMENTS | help }\n\nARGUMENTS := [on | off]\n\nGet status of mobile broadband radio switch, or turn it on/off.\n\n")
}

func usageMonitor(a *App) {
	a.printErr("Usage: nmcli monitor\n\nMonitor NetworkManager changes.\nPrints a line whenever a change occurs in NetworkManager\n\n")
}

func usageDevice(a *App) {
	a.printErr("Usage: nmcli device { COMMAND | help }\n\nCOMMAND := { status | show | set | connect | reapply | modify | disconnect | delete | monitor | wifi | lldp }\n\n  status\n\n  show [<ifname>]\n\n  set [ifname] <ifname> [autoconnect yes|no] [managed yes|no]\n\n  connect <ifname>\n\n  reapply <ifname>\n\n  modify <ifname> ([+|-]<setting>.<property> <value>)+\n\n  disconnect <ifname> ...\n\n  delete <ifname> ...\n\n  monitor <ifname> ...\n\n  wifi [list [ifname <ifname>] [bssid <BSSID>] [--rescan yes|no|auto]]\n\n  wifi connect <(B)SSID> [password <password>] [wep-key-type key|phrase] [ifname <ifname>]\n                         [bssid <BSSID>] [name <name>] [private yes|no] [hidden yes|no]\n\n  wifi hotspot [ifname <ifname>] [con-name <name>] [ssid <SSID>] [band a|bg] [channel <channel>] [password <password>]\n\n  wifi rescan [ifname <ifname>] [[ssid <SSID to scan>] ...]\n\n  wifi show-password [ifname <ifname>]\n\n  lldp [list [ifname <ifname>]]\n\n")
}

func usageDeviceStatus(a *App) {
	a.printErr("Usage: nmcli device status { help }\n\nShow status for all devices.\nBy default, the following columns are shown:\n DEVICE     - interface name\n TYPE       - device type\n STATE      - device state\n CONNECTION - connection activated on device (if any)\nDisplayed columns can be changed using '--fields' global option. 'status' is\nthe default command, which means 'nmcli device' calls 'nmcli device status'.\n\n")
}

func usageDeviceShow(a *App) {
	a.printErr("Usage: nmcli device show { ARGUMENTS | help }\n\nARGUMENTS := [<ifname>]\n\nShow details of device(s).\nThe command lists details for all devices, or for a given device.\n\n")
}

func usageDeviceConnect(a *App) {
	a.printErr("Usage: nmcli device connect { ARGUMENTS | help }\n\nARGUMENTS := <ifname>\n\nConnect the device.\nNetworkManager will try to find a suitable connection that will be activated.\nIt will also consider connections that are not set to auto-connect.\n\n")
}

func usageDeviceReapply(a *App) {
	a.printErr("Usage: nmcli device reapply { ARGUMENTS | help }\n\nARGUMENTS := <ifname>\n\nAttempts to update device with changes to the currently active connection\nmade since it was last applied.\n\n")
}

func usageDeviceModify(a *App) {
	a.printErr("Usage: nmcli device modify { ARGUMENTS | help }\n\nARGUMENTS := <ifname> ([+|-]<setting>.<property> <value>)+\n\nModify one or more properties that are currently active on the device without modifying\nthe connection profile. The changes have immediate effect. For multi-valued\nproperties you can use optional '+' or '-' prefix to the property name.\nThe '+' sign allows appending items instead of overwriting the whole value.\nThe '-' sign allows removing selected items instead of the whole value.\n\nExamples:\nnmcli dev mod em1 ipv4.method manual ipv4.addr \"192.168.1.2/24, 10.10.1.5/8\"\nnmcli dev mod em1 +ipv4.dns 8.8.4.4\nnmcli dev mod em1 -ipv4.dns 1\nnmcli dev mod em1 -ipv6.addr \"abbe::cafe/56\"\n")
}

func usageDeviceDisconnect(a *App) {
	a.printErr("Usage: nmcli device disconnect { ARGUMENTS | help }\n\nARGUMENTS := <ifname> ...\n\nDisconnect devices.\nThe command disconnects the device and prevents it from auto-activating\nfurther connections without user/manual intervention.\n\n")
}

func usageDeviceDelete(a *App) {
	a.printErr("Usage: nmcli device delete { ARGUMENTS | help }\n\nARGUMENTS := <ifname> ...\n\nDelete the software devices.\nThe command removes the interfaces. It only works for software devices\n(like bonds, bridges, etc.). Hardware devices cannot be deleted by the\ncommand.\n\n")
}

func usageDeviceSet(a *App) {
	a.printErr("Usage: nmcli device set { ARGUMENTS | help }\n\nARGUMENTS := DEVICE { PROPERTY [ PROPERTY ... ] }\nDEVICE    := [ifname] <ifname> \nPROPERTY  := { autoconnect { yes | no } |\n             { managed { yes | no }\n\nModify device properties.\n\n")
}

func usageDeviceMonitor(a *App) {
	a.printErr("Usage: nmcli device monitor { ARGUMENTS | help }\n\nARGUMENTS := [<ifname>] ...\n\nMonitor device activity.\nThis command prints a line whenever the specified devices change state.\nMonitors all devices in case no interface is specified.\n\n")
}

func usageDeviceWifi(a *App) {
	a.printErr("Usage: nmcli device wifi { ARGUMENTS | help }\n\nPerform operation on Wi-Fi devices.\n\nARGUMENTS := [list [ifname <ifname>] [bssid <BSSID>] [--rescan yes|no|auto]]\n\nList available Wi-Fi access points. The 'ifname' and 'bssid' options can be\nused to list APs for a particular interface, or with a specific BSSID. The\n--rescan flag tells whether a new Wi-Fi scan should be triggered.\n\nARGUMENTS := connect <(B)SSID> [password <password>] [wep-key-type key|phrase] [ifname <ifname>]\n                     [bssid <BSSID>] [name <name>] [private yes|no] [hidden yes|no]\n\nConnect to a Wi-Fi network specified by SSID or BSSID. The command finds a\nmatching connection or creates one and then activates it on a device. This\nis a command-line counterpart of clicking an SSID in a GUI client. If a\nconnection for the network already exists, it is possible to bring up the\nexisting profile as follows: nmcli con up id <name>. Note that only open,\nWEP and WPA-PSK networks are supported if no previous connection exists.\nIt is also assumed that IP configuration is obtained via DHCP.\n\nARGUMENTS := hotspot [ifname <ifname>] [con-name <name>] [ssid <SSID>]\n                     [band a|bg] [channel <channel>] [password <password>]\n\nCreate a Wi-Fi hotspot. Use 'connection down' or 'device disconnect'\nto stop the hotspot.\nParameters of the hotspot can be influenced by the optional parameters:\nifname - Wi-Fi device to use\ncon-name - name of the created hotspot connection profile\nssid - SSID of the hotspot\nband - Wi-Fi band to use\nchannel - Wi-Fi channel to use\npassword - password to use for the hotspot\n\nARGUMENTS := rescan [ifname <ifname>] [[ssid <SSID to scan>] ...]\n\nRequest that NetworkManager immediately re-scan for available access points.\nNetworkManager scans Wi-Fi networks periodically, but in some cases it might\nbe useful to start scanning manually. 'ssid' allows scanning for a specific\nSSID, which is useful for APs with hidden SSIDs. More 'ssid' parameters can be\ngiven. Note that this command does not show the APs,\nuse 'nmcli device wifi list' for that.\n\n")
}

func usageDeviceLldp(a *App) {
	a.printErr("Usage: nmcli device lldp { ARGUMENTS | help }\n\nARGUMENTS := [list [ifname <ifname>]]\n\nList neighboring devices discovered through LLDP. The 'ifname' option can be\nused to list neighbors for a particular interface.\n\n")
}

func usageDeviceCheckpoint(a *App) {
	a.printErr("Usage: nmcli device checkpoint { ARGUMENTS | help }\n\nARGUMENTS := [--timeout <seconds>] -- COMMAND...\n\nRuns the command with a configuration checkpoint taken and asks for a\nconfirmation when finished. When the confirmation is not given, the\ncheckpoint is automatically restored after timeout.\n\n")
}

func usageConnection(a *App) {
	a.printErr("Usage: nmcli connection { COMMAND | help }\n\nCOMMAND := { show | up | down | add | modify | clone | edit | delete | monitor | reload | load | import | export }\n\n  show [--active] [--order <order spec>]\n  show [--active] [id | uuid | path | apath] <ID> ...\n\n  up [[id | uuid | path] <ID>] [ifname <ifname>] [ap <BSSID>] [passwd-file <file with passwords>]\n\n  down [id | uuid | path | apath] <ID> ...\n\n  add COMMON_OPTIONS TYPE_SPECIFIC_OPTIONS SLAVE_OPTIONS IP_OPTIONS [-- ([+|-]<setting>.<property> <value>)+]\n\n  modify [--temporary] [id | uuid | path] <ID> ([+|-]<setting>.<property> <value>)+\n\n  clone [--temporary] [id | uuid | path ] <ID> <new name>\n\n  edit [id | uuid | path] <ID>\n  edit [type <new_con_type>] [con-name <new_con_name>]\n\n  delete [id | uuid | path] <ID>\n\n  monitor [id | uuid | path] <ID> ...\n\n  reload\n\n  load <filename> [ <filename>... ]\n\n  import [--temporary] type <type> file <file to import>\n\n  export [id | uuid | path] <ID> [<output file>]\n\n")
}

func usageConnectionShow(a *App) {
	a.printErr("Usage: nmcli connection show { ARGUMENTS | help }\n\nARGUMENTS := [--active] [--order <order spec>]\n\nList in-memory and on-disk connection profiles, some of which may also be\nactive if a device is using that connection profile. Without a parameter, all\nprofiles are listed. When --active option is specified, only the active\nprofiles are shown. --order allows custom connection ordering (see manual page).\n\nARGUMENTS := [--active] [id | uuid | path | apath] <ID> ...\n\nShow details for specified connections. By default, both static configuration\nand active connection data are displayed. It is possible to filter the output\nusing global '--fields' option. Refer to the manual page for more information.\nWhen --active option is specified, only the active profiles are taken into\naccount. Use global --show-secrets option to reveal associated secrets as well.\n")
}

func usageConnectionUp(a *App) {
	a.printErr("Usage: nmcli connection up { ARGUMENTS | help }\n\nARGUMENTS := [id | uuid | path] <ID> [ifname <ifname>] [ap <BSSID>] [nsp <name>] [passwd-file <file with passwords>]\n\nActivate a connection on a device. The profile to activate is identified by its\nname, UUID or D-Bus path.\n\nARGUMENTS := ifname <ifname> [ap <BSSID>] [nsp <name>] [passwd-file <file with passwords>]\n\nActivate a device with a connection. The connection profile is selected\nautomatically by NetworkManager.\n\nifname      - specifies the device to active the connection on\nap          - specifies AP to connect to (only valid for Wi-Fi)\nnsp         - specifies NSP to connect to (only valid for WiMAX)\npasswd-file - file with password(s) required to activate the connection\n\n")
}

func usageConnectionDown(a *App) {
	a.printErr("Usage: nmcli connection down { ARGUMENTS | help }\n\nARGUMENTS := [id | uuid | path | apath] <ID> ...\n\nDeactivate a connection from a device (without preventing the device from\nfurther auto-activation). The profile to deactivate is identified by its name,\nUUID or D-Bus path.\n\n")
}

func usageConnectionAdd(a *App) {
	a.printErr("Usage: nmcli connection add { ARGUMENTS | help }\n\nARGUMENTS := COMMON_OPTIONS TYPE_SPECIFIC_OPTIONS SLAVE_OPTIONS IP_OPTIONS [-- ([+|-]<setting>.<property> <value>)+]\n\n  COMMON_OPTIONS:\n                  type <type>\n                  [ifname <interface name> | \"*\"]\n                  [con-name <connection name>]\n                  [autoconnect yes|no]\n                  [save yes|no]\n                  [master <master (ifname, or connection UUID or name)>]\n                  [slave-type <master connection type>]\n\n  TYPE_SPECIFIC_OPTIONS:\n    ethernet:     [mac <MAC address>]\n                  [cloned-mac <cloned MAC address>]\n                  [mtu <MTU>]\n\n    wifi:         ssid <SSID>\n                  [mac <MAC address>]\n                  [cloned-mac <cloned MAC address>]\n                  [mtu <MTU>]\n                  [mode infrastructure|ap|adhoc]\n\n    wimax:        [mac <MAC address>]\n                  [nsp <NSP>]\n\n    pppoe:        username <PPPoE username>\n                  [password <PPPoE password>]\n                  [service <PPPoE service name>]\n                  [mtu <MTU>]\n                  [mac <MAC address>]\n\n    gsm:          apn <APN>\n                  [user <username>]\n                  [password <password>]\n\n    cdma:         [user <username>]\n                  [password <password>]\n\n    infiniband:   [mac <MAC address>]\n                  [mtu <MTU>]\n                  [transport-mode datagram | connected]\n                  [parent <ifname>]\n                  [p-key <IPoIB P_Key>]\n\n    bluetooth:    [addr <bluetooth address>]\n                  [bt-type panu|nap|dun-gsm|dun-cdma]\n\n    vlan:         dev <parent device (connection UUID, ifname, or MAC)>\n                  id <VLAN ID>\n                  [flags <VLAN flags>]\n                  [ingress <ingress priority mapping>]\n                  [egress <egress priority mapping>]\n                  [mtu <MTU>]\n\n    bond:         [mode balance-rr (0) | active-backup (1) | balance-xor (2) | broadcast (3) |\n                        802.3ad    (4) | balance-tlb   (5) | balance-alb (6)]\n                  [primary <ifname>]\n                  [miimon <num>]\n                  [downdelay <num>]\n                  [updelay <num>]\n                  [arp-interval <num>]\n                  [arp-ip-target <num>]\n                  [lacp-rate slow (0) | fast (1)]\n\n    bond-slave:   master <master (ifname, or connection UUID or name)>\n                  [queue-id <0-65535>]\n\n    team:         [config <file>|<raw JSON data>]\n\n    team-slave:   master <master (ifname, or connection UUID or name)>\n                  [config <file>|<raw JSON data>]\n\n    bridge:       [stp yes|no]\n                  [priority <num>]\n                  [forward-delay <2-30>]\n                  [hello-time <1-10>]\n                  [max-age <6-40>]\n                  [ageing-time <0-1000000>]\n                  [multicast-snooping yes|no]\n                  [mac <MAC address>]\n\n    bridge-slave: master <master (ifname, or connection UUID or name)>\n                  [priority <0-63>]\n                  [path-cost <1-65535>]\n                  [hairpin yes|no]\n\n    vpn:          vpn-type vpnc|openvpn|pptp|openconnect|openswan|libreswan|ssh|l2tp|iodine|...\n                  [user <username>]\n\n    olpc-mesh:    ssid <SSID>\n                  [channel <1-13>]\n                  [dhcp-anycast <MAC address>]\n\n    adsl:         username <username>\n                  protocol pppoa|pppoe|ipoatm\n                  [password <password>]\n                  [encapsulation vcmux|llc]\n\n    tun:          mode tun|tap\n                  [owner <UID>]\n                  [group <GID>]\n                  [pi yes|no]\n                  [vnet-hdr yes|no]\n                  [multi-queue yes|no]\n\n    ip-tunnel:    mode ipip|gre|sit|isatap|vti|ip6ip6|ipip6|ip6gre|vti6\n                  remote <remote endpoint IP>\n                  [local <local endpoint IP>]\n                  [dev <parent device (ifname or connection UUID)>]\n\n    macsec:       dev <parent device (connection UUID, ifname, or MAC)>\n                  mode <psk|eap>\n                  [cak <key> ckn <key>]\n                  [encrypt yes|no]\n                  [port 1-65534]\n\n\n    macvlan:      dev <parent device (connection UUID, ifname, or MAC)>\n                  mode vepa|bridge|private|passthru|source\n                  [tap yes|no]\n\n    vxlan:        id <VXLAN ID>\n                  [remote <IP of multicast group or remote address>]\n                  [local <source IP>]\n                  [dev <parent device (ifname or connection UUID)>]\n                  [source-port-min <0-65535>]\n                  [source-port-max <0-65535>]\n                  [destination-port <0-65535>]\n\n    wpan:         [short-addr <0x0000-0xffff>]\n                  [pan-id <0x0000-0xffff>]\n                  [page <default|0-31>]\n                  [channel <default|0-26>]\n                  [mac <MAC address>]\n\n    6lowpan:      dev <parent device (connection UUID, ifname, or MAC)>\n    dummy:\n\n  SLAVE_OPTIONS:\n    bridge:       [priority <0-63>]\n                  [path-cost <1-65535>]\n                  [hairpin yes|no]\n\n    team:         [config <file>|<raw JSON data>]\n\n    bond:         [queue-id <0-65535>]\n\n  IP_OPTIONS:\n                  [ip4 <IPv4 address>] [gw4 <IPv4 gateway>]\n                  [ip6 <IPv6 address>] [gw6 <IPv6 gateway>]\n\n")
}

func usageConnectionModify(a *App) {
	a.printErr("Usage: nmcli connection modify { ARGUMENTS | help }\n\nARGUMENTS := [id | uuid | path] <ID> ([+|-]<setting>.<property> <value>)+\n\nModify one or more properties of the connection profile.\nThe profile is identified by its name, UUID or D-Bus path. For multi-valued\nproperties you can use optional '+' or '-' prefix to the property name.\nThe '+' sign allows appending items instead of overwriting the whole value.\nThe '-' sign allows removing selected items instead of the whole value.\n\nARGUMENTS := remove <setting>\n\nRemove a setting from the connection profile.\n\nExamples:\nnmcli con mod home-wifi wifi.ssid rakosnicek\nnmcli con mod em1-1 ipv4.method manual ipv4.addr \"192.168.1.2/24, 10.10.1.5/8\"\nnmcli con mod em1-1 +ipv4.dns 8.8.4.4\nnmcli con mod em1-1 -ipv4.dns 1\nnmcli con mod em1-1 -ipv6.addr \"abbe::cafe/56\"\nnmcli con mod bond0 +bond.options mii=500\nnmcli con mod bond0 -bond.options downdelay\nnmcli con mod em1-1 remove sriov\n\n")
}

func usageConnectionClone(a *App) {
	a.printErr("Usage: nmcli connection clone { ARGUMENTS | help }\n\nARGUMENTS := [--temporary] [id | uuid | path] <ID> <new name>\n\nClone an existing connection profile. The newly created connection will be\nthe exact copy of the <ID>, except the uuid property (will be generated) and\nid (provided as <new name> argument).\n\n")
}

func usageConnectionEdit(a *App) {
	a.printErr("Usage: nmcli connection edit { ARGUMENTS | help }\n\nARGUMENTS := [id | uuid | path] <ID>\n\nEdit an existing connection profile in an interactive editor.\nThe profile is identified by its name, UUID or D-Bus path\n\nARGUMENTS := [type <new connection type>] [con-name <new connection name>]\n\nAdd a new connection profile in an interactive editor.\n\n")
}

func usageConnectionDelete(a *App) {
	a.printErr("Usage: nmcli connection delete { ARGUMENTS | help }\n\nARGUMENTS := [id | uuid | path] <ID>, ...\n\nDelete connection profiles.\nThe profiles are identified by their name, UUID or D-Bus path.\n\n")
}

func usageConnectionMonitor(a *App) {
	a.printErr("Usage: nmcli connection monitor { ARGUMENTS | help }\n\nARGUMENTS := [id | uuid | path] <ID> ...\n\nMonitor connection profile activity.\nThis command prints a line whenever the specified connection changes.\nMonitors all connection profiles in case none is specified.\n\n")
}

func usageConnectionReload(a *App) {
	a.printErr("Usage: nmcli connection reload { help }\n\nReload all connection files from disk.\n\n")
}

func usageConnectionLoad(a *App) {
	a.printErr("Usage: nmcli connection load { ARGUMENTS | help }\n\nARGUMENTS := <filename> [<filename>...]\n\nLoad/reload one or more connection files from disk. Use this after manually\nediting a connection file to ensure that NetworkManager is aware of its latest\nstate.\n\n")
}

func usageConnectionImport(a *App) {
	a.printErr("Usage: nmcli connection import { ARGUMENTS | help }\n\nARGUMENTS := [--temporary] type <type> file <file to import>\n\nImport an external/foreign configuration as a NetworkManager connection profile.\nThe type of the input file is specified by type option.\nOnly VPN configurations are supported at the moment. The configuration\nis imported by NetworkManager VPN plugins.\n\n")
}

func usageConnectionExport(a *App) {
	a.printErr("Usage: nmcli connection export { ARGUMENTS | help }\n\nARGUMENTS := [id | uuid | path] <ID> [<output file>]\n\nExport a connection. Only VPN connections are supported at the moment.\nThe data are directed to standard output or to a file if a name is given.\n\n")
}

func usageConnectionMigrate(a *App) {
	a.printErr("Usage: nmcli connection migrate { ARGUMENTS | help }\n\nARGUMENTS := [--plugin <plugin>] [id | uuid | path] <ID>, ...\n\nMigrate connection profiles to a different settings plugin,\nsuch as \"keyfile\" (default) or \"ifcfg-rh\".\n\n")
}

func usageAgent(a *App) {
	a.printErr("Usage: nmcli agent { COMMAND | help }\n\nCOMMAND := { secret | polkit | all }\n\n")
}

func usageAgentSecret(a *App) {
	a.printErr("Usage: nmcli agent secret { help }\n\nRuns nmcli as NetworkManager secret agent. When NetworkManager requires\na password it asks registered agents for it. This command keeps nmcli running\nand if a password is required asks the user for it.\n\n")
}

func usageAgentPolkit(a *App) {
	a.printErr("Usage: nmcli agent polkit { help }\n\nRegisters nmcli as a polkit action for the user session.\nWhen a polkit daemon requires an authorization, nmcli asks the user and gives\nthe response back to polkit.\n\n")
}

func usageAgentAll(a *App) {
	a.printErr("Usage: nmcli agent all { help }\n\nRuns nmcli as both NetworkManager secret and a polkit agent.\n\n")
}
