// Package manager owns NetworkManager's root D-Bus object,
// /org/freedesktop/NetworkManager (org.freedesktop.NetworkManager), and the
// small static objects beside it: AgentManager (the secret agent registry
// and the requests to agents) and DnsManager. The Settings object is the
// settings layer's (internal/settingsbus). It keeps the daemon-wide state those objects show:
// networking and radio enablement (persisted in NetworkManager.state as
// NetworkManager does), sleep, the overall state, logging levels (through
// internal/logging) and permissions (through internal/auth). Devices,
// active connections and checkpoints are empty until their layers exist;
// the methods that need them answer with NetworkManager's errors saying so
// (docs/STATUS.md lists which).
//
// Everything runs on the daemon loop; the package exports its objects
// through internal/bus and calls internal/auth, internal/config and
// internal/logging, and internal/setting for the profiles whose secrets
// agents are asked for.
package manager

import (
	"fmt"
	"log/slog"
	"slices"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/auth"
	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/config"
	"github.com/gonm/gonm/internal/device"
	"github.com/gonm/gonm/internal/logging"
	"github.com/gonm/gonm/internal/version"
)

// Interface names of the objects this package exports.
const (
	IfaceManager      = "org.freedesktop.NetworkManager"
	IfaceAgentManager = "org.freedesktop.NetworkManager.AgentManager"
	IfaceDnsManager   = "org.freedesktop.NetworkManager.DnsManager"
	IfaceSettings     = "org.freedesktop.NetworkManager.Settings"
)

// NMState values of the root object's State.
const (
	StateUnknown         uint32 = 0
	StateAsleep          uint32 = 10
	StateDisconnected    uint32 = 20
	StateDisconnecting   uint32 = 30
	StateConnecting      uint32 = 40
	StateConnectedLocal  uint32 = 50
	StateConnectedSite   uint32 = 60
	StateConnectedGlobal uint32 = 70
)

var stateNames = map[uint32]string{
	StateAsleep: "ASLEEP", StateDisconnected: "DISCONNECTED", StateDisconnecting: "DISCONNECTING",
	StateConnecting: "CONNECTING", StateConnectedLocal: "CONNECTED_LOCAL", StateConnectedSite: "CONNECTED_SITE",
	StateConnectedGlobal: "CONNECTED_GLOBAL",
}

// NMConnectivityState values.
const (
	ConnectivityUnknown uint32 = 0
	ConnectivityNone    uint32 = 1
	ConnectivityPortal  uint32 = 2
	ConnectivityLimited uint32 = 3
	ConnectivityFull    uint32 = 4
)

// NMManagerReloadFlags.
const (
	ReloadConf    uint32 = 0x1
	ReloadDNSRC   uint32 = 0x2
	ReloadDNSFull uint32 = 0x4
	reloadAll            = ReloadConf | ReloadDNSRC | ReloadDNSFull
)

// Options wire a Manager to the rest of the daemon.
type Options struct {
	Exporter *bus.Exporter
	Auth     *auth.Authority
	Logging  *logging.Logging
	// Log is the manager's logger (domain CORE), AgentsLog the agent
	// manager's (AGENTS; Log when nil).
	Log       *slog.Logger
	AgentsLog *slog.Logger
	// Config is the configuration read at start; LoadConfig reads it
	// again (Reload, SIGHUP).
	Config     *config.Config
	LoadConfig func() (*config.Config, error)
	// StateFile is NetworkManager.state.
	StateFile string
	// RfkillDir is /sys/class/rfkill; empty means the default.
	RfkillDir string
}

// Manager is the root object and its companions.
type Manager struct {
	opts  Options
	exp   *bus.Exporter
	auth  *auth.Authority
	logs  *logging.Logging
	log   *slog.Logger
	cfg   *config.Config
	state runState

	root   *bus.Object
	agents *AgentManager
	dns    *bus.Object

	sleeping bool
	radios   radios
	stopAuth func()

	// The device layer (AttachDevices): active connections exported, the
	// policy's choices, and who else hears device events.
	devs            DeviceLayer
	acs             map[*device.Activation]*activeConn
	acOrder         []*device.Activation
	deviceSubs      []func(device.Event)
	userActivations []func(*device.Activation)
	primary         *device.Activation
	activating      *device.Activation
	connectivity    uint32
	// Timestamps gives a profile's last successful activation, for
	// choosing among profiles.
	Timestamps func(uuid string) (uint64, bool)
}

// New creates and exports the objects. Call it on the loop.
func New(o Options) (*Manager, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.RfkillDir == "" {
		o.RfkillDir = "/sys/class/rfkill"
	}
	m := &Manager{opts: o, exp: o.Exporter, auth: o.Auth, logs: o.Logging, log: o.Log, cfg: o.Config}
	st, err := readRunState(o.StateFile)
	if err != nil {
		m.log.Warn(err.Error())
	}
	m.state = st
	m.radios = readRadios(o.RfkillDir)

	m.root = m.exp.NewObject(m.rootClass())
	m.initRootProperties()
	if err := m.root.Export(); err != nil {
		return nil, fmt.Errorf("export %s: %w", bus.PathManager, err)
	}
	if m.agents, err = newAgentManager(m); err != nil {
		return nil, err
	}
	if m.dns, err = newDnsManager(m); err != nil {
		return nil, err
	}
	if stop, err := m.auth.Watch(func() { m.root.Emit(IfaceManager, "CheckPermissions") }); err != nil {
		m.log.Warn(err.Error())
	} else {
		m.stopAuth = stop
	}
	// Without a device layer there is nothing to wait for: start-up is
	// complete once the objects are out.
	m.exp.Loop().Idle(m, func() {
		if m.devs.Devices == nil {
			m.StartupComplete()
		}
	})
	return m, nil
}

// StartupComplete ends the start-up phase (the Startup property), once the
// devices found at start have settled.
func (m *Manager) StartupComplete() {
	if m.root.Get(IfaceManager, "Startup") == false {
		return
	}
	m.root.Set(IfaceManager, "Startup", false)
	m.log.Info("startup complete")
}

// Close stops watching polkit.
func (m *Manager) Close() {
	if m.stopAuth != nil {
		m.stopAuth()
	}
}

// Root returns the root object, for the layers that add devices and
// active connections to it.
func (m *Manager) Root() *bus.Object { return m.root }

// Agents returns the secret agent registry.
func (m *Manager) Agents() *AgentManager { return m.agents }

func (m *Manager) initRootProperties() {
	r := m.root
	set := func(p string, v any) { r.Set(IfaceManager, p, v) }
	set("NetworkingEnabled", m.state.NetworkingEnabled)
	set("WirelessEnabled", m.state.WirelessEnabled && !m.radios.wlanHardwareOff)
	set("WirelessHardwareEnabled", !m.radios.wlanHardwareOff)
	set("WwanEnabled", m.state.WWANEnabled && !m.radios.wwanHardwareOff)
	set("WwanHardwareEnabled", !m.radios.wwanHardwareOff)
	set("RadioFlags", m.radios.flags)
	set("Startup", true)
	set("Version", version.NetworkManager)
	set("VersionInfo", version.Info())
	// NMCapability: TEAM (1) and OVS (2) need their plugins, which gonm
	// does not have.
	set("Capabilities", []uint32{})
	set("Connectivity", ConnectivityUnknown)
	m.applyConnectivityConfig()
	m.updateState()
}

// applyConnectivityConfig shows [connectivity] of NetworkManager.conf:
// checking is available with a URI, and enabled when also not switched
// off and with a non-zero interval.
func (m *Manager) applyConnectivityConfig() {
	uri, _ := m.cfg.String("connectivity", "uri")
	enabled, err := m.cfg.Bool("connectivity", "enabled", true)
	if err != nil {
		m.log.Warn(err.Error())
	}
	interval, _ := m.cfg.String("connectivity", "interval")
	m.root.Set(IfaceManager, "ConnectivityCheckUri", uri)
	m.root.Set(IfaceManager, "ConnectivityCheckAvailable", uri != "")
	m.root.Set(IfaceManager, "ConnectivityCheckEnabled", uri != "" && enabled && interval != "0")
}

// asleep is NetworkManager's "sleeping or networking disabled".
func (m *Manager) asleep() bool { return m.sleeping || !m.state.NetworkingEnabled }

// Asleep reports whether networking is asleep or disabled.
func (m *Manager) Asleep() bool { return m.asleep() }

// updateState recomputes State: asleep, or the best state of the active
// connections (NetworkManager's find_best_device_state), raised to
// CONNECTED_GLOBAL with full connectivity.
func (m *Manager) updateState() {
	next := StateDisconnected
	if m.asleep() {
		next = StateAsleep
	} else {
		next = m.bestActiveState()
		if next >= StateConnectedLocal && m.connectivity == ConnectivityFull {
			next = StateConnectedGlobal
		}
	}
	cur, _ := m.root.Get(IfaceManager, "State").(uint32)
	if cur == next && m.root.Exported() {
		return
	}
	m.root.Set(IfaceManager, "State", next)
	if m.root.Exported() {
		m.log.Info("NetworkManager state is now " + stateNames[next])
		m.root.Emit(IfaceManager, "StateChanged", next)
	}
}

// Reload re-reads what flags ask for, as the Reload method and SIGHUP do:
// 0 means everything.
func (m *Manager) Reload(flags uint32) {
	if flags == 0 || flags&ReloadConf != 0 {
		m.reloadConfig()
	}
	if flags == 0 || flags&(ReloadDNSRC|ReloadDNSFull) != 0 {
		// gonm does not write resolv.conf or run a DNS plugin yet, so
		// there is nothing to rewrite or restart.
		m.log.Debug("reload: no DNS configuration to rewrite yet")
	}
}

func (m *Manager) reloadConfig() {
	if m.opts.LoadConfig == nil {
		return
	}
	cfg, err := m.opts.LoadConfig()
	if err != nil {
		m.log.Error("Failed to reload the configuration: " + err.Error())
		return
	}
	m.ApplyConfig(cfg)
}

// ApplyConfig takes a newly loaded configuration into use (on the loop).
// Applying the configuration already in use does nothing.
func (m *Manager) ApplyConfig(cfg *config.Config) {
	if cfg == m.cfg {
		return
	}
	m.cfg = cfg
	m.applyConnectivityConfig()
	m.applyDNSConfig()
}

// rootClass describes org.freedesktop.NetworkManager with this manager's
// handlers.
func (m *Manager) rootClass() *bus.Class {
	return bus.MustClass(&bus.Class{
		Name: "Manager",
		Path: bus.PathManager,
		Interfaces: []*bus.Interface{{
			Name: IfaceManager,
			Methods: map[string]bus.Handler{
				"Reload":                          m.handleReload,
				"GetDevices":                      m.handleGetDevices,
				"GetAllDevices":                   m.handleGetAllDevices,
				"GetDeviceByIpIface":              m.handleGetDeviceByIPIfaceDevices,
				"ActivateConnection":              m.handleActivateConnection,
				"AddAndActivateConnection":        m.handleAddAndActivate,
				"AddAndActivateConnection2":       m.handleAddAndActivate,
				"DeactivateConnection":            m.handleDeactivateConnectionDevices,
				"Sleep":                           m.handleSleep,
				"Enable":                          m.handleEnable,
				"GetPermissions":                  m.handleGetPermissions,
				"SetLogging":                      m.handleSetLogging,
				"GetLogging":                      m.handleGetLogging,
				"CheckConnectivity":               m.handleCheckConnectivity,
				"state":                           m.handleState,
				"CheckpointCreate":                m.handleCheckpointCreate,
				"CheckpointDestroy":               m.handleCheckpointLookup,
				"CheckpointRollback":              m.handleCheckpointLookup,
				"CheckpointAdjustRollbackTimeout": m.handleCheckpointLookup,
			},
			Setters: map[string]bus.Handler{
				"WirelessEnabled":          m.setRadioEnabled(auth.EnableDisableWifi, "WirelessEnabled"),
				"WwanEnabled":              m.setRadioEnabled(auth.EnableDisableWwan, "WwanEnabled"),
				"WimaxEnabled":             m.setWimaxEnabled,
				"ConnectivityCheckEnabled": m.setNotYet(auth.EnableDisableConnectivityCheck, "writing NetworkManager-intern.conf"),
				"GlobalDnsConfiguration":   m.setNotYet(auth.SettingsModifyGlobalDNS, "the DNS layer"),
			},
		}},
	})
}

// objectPaths copies an "ao" property of the root object.
func (m *Manager) objectPaths(prop string) []dbus.ObjectPath {
	v, _ := m.root.Get(IfaceManager, prop).([]dbus.ObjectPath)
	return slices.Clone(v)
}
