package main

import (
	"fmt"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/auth"
	"github.com/gonm/gonm/internal/bus"
	"github.com/gonm/gonm/internal/config"
	"github.com/gonm/gonm/internal/logging"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/manager"
)

// daemonBus is the daemon's side of the system bus: the connection, the
// exporter, the authority and the objects of internal/manager.
type daemonBus struct {
	conn     *dbus.Conn
	exp      *bus.Exporter
	auth     *auth.Authority
	manager  *manager.Manager
	settings *daemonSettings
}

// startBus connects to the system bus (DBUS_SYSTEM_BUS_ADDRESS or the
// default socket) and exports the root object and its companions. It runs
// before the loop does, on the goroutine that will run the loop.
func startBus(l *loop.Loop, logs *logging.Logging, configs *configHolder, o *options) (*daemonBus, error) {
	cfg := configs.cfg
	busLog := logs.For(logging.Core, "bus-manager")
	exp := bus.New(l, bus.Options{Log: busLog})
	conn, err := exp.Connect("")
	if err != nil {
		busLog.Error("cannot connect to D-Bus: " + err.Error())
		return nil, err
	}
	authLog := logs.For(logging.Core, "auth")
	modeText, _ := cfg.String("main", "auth-polkit")
	mode, err := auth.ParseMode(modeText)
	if err != nil {
		authLog.Warn(err.Error())
	}
	authority := auth.New(conn, l, mode, authLog)
	m, err := manager.New(manager.Options{
		Exporter:  exp,
		Auth:      authority,
		Logging:   logs,
		Log:       logs.For(logging.Core, "manager"),
		AgentsLog: logs.For(logging.Agents, "agent-manager"),
		Config:    cfg,
		// The Reload method re-reads through the holder, so every layer
		// subscribed to it sees the change, as with SIGHUP.
		LoadConfig: func() (*config.Config, error) {
			configs.Reload(config.CauseConf)
			return configs.cfg, nil
		},
		StateFile: o.stateFile,
	})
	if err != nil {
		busLog.Error("cannot export objects: " + err.Error())
		conn.Close()
		return nil, err
	}
	configs.Subscribe(func(cfg *config.Config, _ config.Change, _ *config.Config) { m.ApplyConfig(cfg) })
	ds, err := startSettings(exp, authority, m, cfg, logs, o)
	if err != nil {
		busLog.Error("cannot export the settings: " + err.Error())
		m.Close()
		conn.Close()
		return nil, err
	}
	return &daemonBus{conn: conn, exp: exp, auth: authority, manager: m, settings: ds}, nil
}

// acquireName takes NetworkManager's well-known name, without queueing.
func (b *daemonBus) acquireName(logs *logging.Logging) error {
	busLog := logs.For(logging.Core, "bus-manager")
	reply, err := b.conn.RequestName(busName, dbus.NameFlagDoNotQueue)
	if err != nil {
		busLog.Error(fmt.Sprintf("fatal failure to acquire D-Bus service %q: %v", busName, err))
		return err
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		busLog.Error(fmt.Sprintf("fatal failure to acquire D-Bus service %q (%d). Service already taken", busName, reply))
		return fmt.Errorf("name taken")
	}
	busLog.Info(fmt.Sprintf("acquired D-Bus service %q", busName))
	return nil
}

// stop answers further calls with "NetworkManager is exiting", gives the
// name back and closes the connection.
func (b *daemonBus) stop(logs *logging.Logging) {
	b.exp.Shutdown()
	b.settings.close()
	b.manager.Close()
	if _, err := b.conn.ReleaseName(busName); err != nil {
		logs.For(logging.Core, "bus-manager").Warn("releasing D-Bus name: " + err.Error())
	}
	b.conn.Close()
}
