package dhcp4

import "strconv"

// optionDesc names a DHCPv4 option as NetworkManager's DHCP4Config does.
// request marks the options NetworkManager asks for (parameter request
// list, in this order; they also appear as requested_<name>=1 in the map).
type optionDesc struct {
	code    uint8
	name    string
	request bool
}

// optionTable lists the options in NetworkManager's order: the requested
// ones first (121 must precede 3 and 33, RFC 3442), then the rest.
var optionTable = []optionDesc{
	{1, "subnet_mask", true},
	{2, "time_offset", true},
	{6, "domain_name_servers", true},
	{12, "host_name", true},
	{15, "domain_name", true},
	{26, "interface_mtu", true},
	{28, "broadcast_address", true},
	{121, "rfc3442_classless_static_routes", true},
	{3, "routers", true},
	{33, "static_routes", true},
	{40, "nis_domain", true},
	{41, "nis_servers", true},
	{42, "ntp_servers", true},
	{54, "dhcp_server_identifier", false},
	{119, "domain_search", true},
	{249, "ms_classless_static_routes", true},
	{252, "wpad", true},
	{17, "root_path", true},

	{4, "time_servers", false},
	{5, "ien116_name_servers", false},
	{7, "log_servers", false},
	{8, "cookie_servers", false},
	{9, "lpr_servers", false},
	{10, "impress_servers", false},
	{11, "resource_location_servers", false},
	{13, "boot_size", false},
	{14, "merit_dump", false},
	{16, "swap_server", false},
	{18, "extensions_path", false},
	{19, "ip_forwarding", false},
	{20, "non_local_source_routing", false},
	{21, "policy_filter", false},
	{22, "max_dgram_reassembly", false},
	{23, "default_ip_ttl", false},
	{24, "path_mtu_aging_timeout", false},
	{25, "path_mtu_plateau_table", false},
	{27, "all_subnets_local", false},
	{29, "perform_mask_discovery", false},
	{30, "mask_supplier", false},
	{31, "router_discovery", false},
	{32, "router_solicitation_address", false},
	{34, "trailer_encapsulation", false},
	{35, "arp_cache_timeout", false},
	{36, "ieee802_3_encapsulation", false},
	{37, "default_tcp_ttl", false},
	{38, "tcp_keepalive_internal", false},
	{39, "tcp_keepalive_garbage", false},
	{43, "vendor_encapsulated_options", false},
	{44, "netbios_name_servers", false},
	{45, "netbios_dd_server", false},
	{48, "font_servers", false},
	{49, "x_display_manager", false},
	{51, "dhcp_lease_time", false},
	{58, "dhcp_renewal_time", false},
	{59, "dhcp_rebinding_time", false},
	{61, "dhcp_client_identifier", false},
	{101, "tcode", false},
	{62, "nwip_domain", false},
	{63, "nwip_suboptions", false},
	{64, "nisplus_domain", false},
	{65, "nisplus_servers", false},
	{66, "tftp_server_name", false},
	{67, "bootfile_name", false},
	{68, "mobile_ip_home_agent", false},
	{69, "smtp_server", false},
	{70, "pop_server", false},
	{71, "nntp_server", false},
	{72, "www_server", false},
	{73, "finger_server", false},
	{74, "irc_server", false},
	{75, "streettalk_server", false},
	{76, "streettalk_directory_assistance_server", false},
	{78, "slp_directory_agent", false},
	{79, "slp_service_scope", false},
	{81, "fqdn", false},
	{82, "relay_agent_information", false},
	{85, "nds_servers", false},
	{86, "nds_tree_name", false},
	{87, "nds_context", false},
	{88, "bcms_controller_names", false},
	{89, "bcms_controller_address", false},
	{91, "client_last_transaction_time", false},
	{92, "associated_ip", false},
	{93, "pxe_system_type", false},
	{94, "pxe_interface_id", false},
	{97, "pxe_client_id", false},
	{98, "uap_servers", false},
	{99, "geoconf_civic", false},
	{112, "netinfo_server_address", false},
	{113, "netinfo_server_tag", false},
	{114, "default_url", false},
	{116, "auto_config", false},
	{117, "name_service_search", false},
	{118, "subnet_selection", false},
	{124, "vivco", false},
	{125, "vivso", false},
	{136, "pana_agent", false},
	{137, "v4_lost", false},
	{141, "sip_ua_cs_domains", false},
	{142, "ipv4_address_andsf", false},
	{146, "rndss_selection", false},
	{150, "tftp_server_address", false},
	{159, "v4_portparams", false},
	{160, "v4_captive_portal", false},
	{161, "mud_url", false},
	{209, "loader_configfile", false},
	{210, "loader_pathprefix", false},
	{211, "loader_reboottime", false},
	{212, "option_6rd", false},
	{213, "v4_access_domain", false},
}

var optionNames = func() map[uint8]string {
	m := make(map[uint8]string, len(optionTable)+31)
	for _, d := range optionTable {
		m[d.code] = d.name
	}
	for c := 224; c <= 254; c++ {
		if c != 249 && c != 252 {
			m[uint8(c)] = "private_" + strconv.Itoa(c)
		}
	}
	return m
}()

// optionName is NetworkManager's name of an option ("option_N" for codes
// it has no name for; those never reach the map).
func optionName(code uint8) string {
	if n, ok := optionNames[code]; ok {
		return n
	}
	return "option_" + strconv.Itoa(int(code))
}

// requestList is the parameter request list (option 55) NetworkManager
// sends.
func requestList() []byte {
	var l []byte
	for _, d := range optionTable {
		if d.request {
			l = append(l, d.code)
		}
	}
	return l
}
