// Package device owns NetworkManager's devices: one Device per kernel link,
// and one per software device a profile describes before its link exists
// (unrealized). It keeps each device's NMDeviceState machine with
// NetworkManager's state reasons and rules (managed/unmanaged flags,
// carrier, controllers and ports, parents), runs activations of profiles
// on devices through the stages PREPARE, CONFIG, IP_CONFIG, IP_CHECK,
// SECONDARIES, ACTIVATED (Activation, which also carries the active
// connection's state), creates software links when their profile
// activates and deletes them afterwards, takes over interfaces configured
// before it started ("assume" and "external") without touching them, and
// keeps the per-device run state in <run dir>/devices/<ifindex>. It
// exports each device as org.freedesktop.NetworkManager.Device with its
// kind's interfaces (one small kind type per kind, all listed in
// kinds.go).
//
// Everything runs on the daemon's loop. The package calls internal/platform
// (through the Platform interface), internal/settings and internal/setting
// for profiles, internal/config, internal/bus and internal/logging, and
// drives each interface's IP configuration through internal/l3cfg (its
// L3Cfg, l3.go) and internal/ipconfig (the IP4Config/IP6Config objects it
// points to); automatic addressing methods plug in through AutoMethod
// (auto.go). It tells the layers above (manager, policy) what happens
// through events (Subscribe).
package device
