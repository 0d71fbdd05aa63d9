package main

import (
	"os"
	"path/filepath"

	"github.com/gonm/gonm/internal/auth"
	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/config"
	"github.com/gonm/gonm/internal/hostname"
	"github.com/gonm/gonm/internal/keyfile"
	"github.com/gonm/gonm/internal/logging"
	"github.com/gonm/gonm/internal/manager"
	"github.com/gonm/gonm/internal/settings"
	"github.com/gonm/gonm/internal/settingsbus"
)

// daemonSettings is the settings layer: the profile store over the
// keyfile directories, the static host name and their D-Bus objects.
type daemonSettings struct {
	store *settings.Store
	host  *hostname.Manager
	api   *settingsbus.Service
	// inUse is the devices layer's answer to whether a profile is
	// active (set once the devices start).
	inUse func(p *settings.Profile) bool
}

// startSettings loads the profiles and exports the Settings API, on the
// loop's goroutine before the loop runs. The keyfile directories are
// NetworkManager's: [keyfile] path= (profiles in memory only when it is
// empty), <run dir>/system-connections, <lib dir>/system-connections.
func startSettings(exp *bus.Exporter, authority *auth.Authority, m *manager.Manager, cfg *config.Config,
	logs *logging.Logging, o *options) (*daemonSettings, error) {
	log := logs.For(logging.Settings, "settings")
	// Profile files must belong to root or to the daemon's own user.
	keyfile.Owner = os.Geteuid()
	etc, _ := cfg.KeyfilePath()
	ds := &daemonSettings{}
	store := settings.New(settings.Options{
		EtcDir:         etc,
		RunDir:         filepath.Join(o.runDir, "system-connections"),
		LibDir:         filepath.Join(o.libDir, "system-connections"),
		TimestampsFile: filepath.Join(o.stateDir, "timestamps"),
		SeenBSSIDsFile: filepath.Join(o.stateDir, "seen-bssids"),
		Log:            log,
		// A volatile profile is deleted as soon as no activation uses
		// it; the devices layer answers (and calls ReleaseVolatile when
		// an activation ends).
		InUse: func(p *settings.Profile) bool { return ds.inUse != nil && ds.inUse(p) },
	})
	ds.store = store
	ds.host = hostname.New(hostname.Options{
		Loop: exp.Loop(),
		Conn: exp.Conn(),
		File: o.hostnameFile,
		Log:  logs.For(logging.Core, "hostname"),
		Changed: func(name string) {
			if ds.api != nil {
				ds.api.HostnameChanged(name)
			}
		},
	})
	api, err := settingsbus.New(settingsbus.Options{
		Exporter: exp,
		Auth:     authority,
		Store:    store,
		Agents:   m.Agents(),
		Hostname: ds.host,
		Log:      log,
	})
	if err != nil {
		ds.host.Close()
		return nil, err
	}
	ds.api = api
	store.ReloadConnections()
	return ds, nil
}

func (ds *daemonSettings) close() { ds.host.Close() }
