package l3cfg

// Device types, NetworkManager's NMDeviceType values (the D-Bus
// Device.DeviceType property), for DeviceRouteMetric.
const (
	DeviceUnknown      = 0
	DeviceEthernet     = 1
	DeviceWifi         = 2
	DeviceBT           = 5
	DeviceOlpcMesh     = 6
	DeviceWimax        = 7
	DeviceModem        = 8
	DeviceInfiniband   = 9
	DeviceBond         = 10
	DeviceVLAN         = 11
	DeviceADSL         = 12
	DeviceBridge       = 13
	DeviceGeneric      = 14
	DeviceTeam         = 15
	DeviceTun          = 16
	DeviceIPTunnel     = 17
	DeviceMacvlan      = 18
	DeviceVxlan        = 19
	DeviceVeth         = 20
	DeviceMacsec       = 21
	DeviceDummy        = 22
	DevicePPP          = 23
	DeviceOvsInterface = 24
	DeviceOvsPort      = 25
	DeviceOvsBridge    = 26
	DeviceWpan         = 27
	Device6LoWPAN      = 28
	DeviceWireGuard    = 29
	DeviceWifiP2P      = 30
	DeviceVRF          = 31
	DeviceLoopback     = 32
)

// deviceRouteMetrics is NetworkManager 1.42's table of default route
// metrics by device type (nm_device_get_route_metric_default): the metric
// of a device's routes, its default route included, when the profile's
// ipvX.route-metric and the [connection] default leave it open. The same
// values serve IPv4 and IPv6.
var deviceRouteMetrics = map[uint32]uint32{
	DeviceLoopback:     30,
	DeviceWireGuard:    VPNRouteMetric,
	DeviceEthernet:     100,
	DeviceVeth:         100,
	DeviceMacsec:       125,
	DeviceInfiniband:   150,
	DeviceADSL:         200,
	DeviceWimax:        250,
	DeviceBond:         300,
	DeviceTeam:         350,
	DeviceVLAN:         400,
	DeviceMacvlan:      410,
	DeviceBridge:       425,
	DeviceTun:          450,
	DevicePPP:          460,
	DeviceVRF:          470,
	DeviceVxlan:        500,
	DeviceDummy:        550,
	DeviceWifi:         600,
	DeviceOlpcMesh:     650,
	DeviceIPTunnel:     675,
	DeviceModem:        700,
	DeviceBT:           750,
	Device6LoWPAN:      775,
	DeviceOvsBridge:    800,
	DeviceOvsInterface: 800,
	DeviceOvsPort:      800,
	DeviceWpan:         850,
	DeviceWifiP2P:      950,
	DeviceGeneric:      950,
	DeviceUnknown:      10000,
}

// DeviceRouteMetric returns the default route metric of a device type
// (NMDeviceType). Types NetworkManager 1.42 does not list get 11000, as
// there.
//
// The manager refines this per interface: a second device of a type whose
// default metric another interface already holds gets the next free value
// (NetworkManager's nm_manager_device_route_metric_reserve); that
// bookkeeping belongs to the manager, not here.
func DeviceRouteMetric(deviceType uint32) uint32 {
	if m, ok := deviceRouteMetrics[deviceType]; ok {
		return m
	}
	return 11000
}

// RouteMetric resolves ipvX.route-metric as NetworkManager does: the
// profile's value when set (>= 0), else the [connection] default when
// that is set, else the device type's default; then normalized for the
// family (an IPv6 metric of 0 means 1024).
func RouteMetric(f Family, profile int64, connDefault int64, deviceType uint32) uint32 {
	var m uint32
	switch {
	case profile >= 0:
		m = uint32(min(profile, 0xffffffff))
	case connDefault >= 0:
		m = uint32(min(connDefault, 0xffffffff))
	default:
		m = DeviceRouteMetric(deviceType)
	}
	if f == IPv6 && m == 0 {
		return DefaultRouteMetric6
	}
	return m
}

// RouteTable resolves ipvX.route-table: the profile's value, else the
// [connection] default, else the main table.
func RouteTable(profile uint32, connDefault uint32) uint32 {
	switch {
	case profile != 0:
		return profile
	case connDefault != 0:
		return connDefault
	}
	return 254
}
