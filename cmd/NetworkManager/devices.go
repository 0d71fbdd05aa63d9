package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/config"
	"github.com/gonm/gonm/internal/device"
	"github.com/gonm/gonm/internal/hostid"
	"github.com/gonm/gonm/internal/ipconfig"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/logging"
	"github.com/gonm/gonm/internal/loop"
	"github.com/gonm/gonm/internal/manager"
	"github.com/gonm/gonm/internal/platform"
	"github.com/gonm/gonm/internal/policy"
	"github.com/gonm/gonm/internal/settings"
)

// daemonDevices is the device layer and the policy on top of it.
type daemonDevices struct {
	store  *settings.Store
	devs   *device.Devices
	policy *policy.Policy
	sub    *platform.Subscription
}

// startDevices creates the devices for the kernel's links over the
// settings layer's profile store and starts the policy; it runs on the
// loop after the daemon owns its bus name, so clients see every device
// appear.
func startDevices(l *loop.Loop, plat *platform.Platform, b *daemonBus, configs *configHolder,
	logs *logging.Logging, o *options) *daemonDevices {
	m := b.manager
	store := b.settings.store
	api := b.settings.api
	devLog := logs.For(logging.Device, "device")
	machineID := ""
	var mid *hostid.MachineID
	if id, err := hostid.ReadMachineID("/etc/machine-id"); err == nil {
		mid = &id
		machineID = strings.TrimSpace(readFile("/etc/machine-id"))
	}
	var hostKey []byte
	var hostID hostid.HostID
	if h, err := hostid.LoadHostID(filepath.Join(o.stateDir, "secret_key"), mid); err == nil {
		hostKey, hostID = h.Key, h
	} else {
		devLog.Warn(fmt.Sprintf("secret key: %v", err))
	}
	profilePath := api.Path
	profileByPath := func(path dbus.ObjectPath) *settings.Profile {
		var n uint64
		if _, err := fmt.Sscanf(string(path), "/org/freedesktop/NetworkManager/Settings/%d", &n); err != nil {
			return nil
		}
		if p := store.ByNumber(n); p != nil && api.Path(p) == path {
			return p
		}
		return nil
	}
	// One L3Cfg registry for the namespace (NetworkManager's NMNetns)
	// and the IP4Config/IP6Config objects that show its L3Cfgs.
	l3 := l3cfg.NewRegistry(l, l3cfg.Kernel(plat), l3cfg.Options{Log: logs.For(logging.Core, "l3cfg")})
	ipcfgs := ipconfig.NewManager(b.exp)
	devs := device.New(device.Options{
		Loop:        l,
		Platform:    plat,
		Exporter:    b.exp,
		Auth:        b.auth,
		Store:       store,
		Config:      func() *config.Config { return configs.cfg },
		Log:         devLog,
		RunDir:      o.runDir,
		ProfilePath: profilePath,
		HostKey:     hostKey,
		L3:          l3,
		IPConfigs:   ipcfgs,
		Auto: newAutoMethods(l, b.exp, logs, func() *config.Config { return configs.cfg }, hostID, machineIDOr(mid),
			b.settings.host.Static, o).provide,
	})
	m.AttachDevices(manager.DeviceLayer{
		Devices:       devs,
		Store:         store,
		ProfilePath:   profilePath,
		ProfileByPath: profileByPath,
	})
	b.settings.inUse = devs.ProfileInUse
	pol := policy.New(policy.Options{
		Loop:              l,
		Manager:           m,
		Devices:           devs,
		Store:             store,
		Config:            func() *config.Config { return configs.cfg },
		Log:               logs.For(logging.Device, "policy"),
		Timestamps:        policy.StoreTimestamps{Store: store},
		NoAutoDefaultFile: filepath.Join(o.stateDir, "no-auto-default.state"),
		MachineID:         machineID,
	})
	dd := &daemonDevices{store: store, devs: devs, policy: pol}
	dd.sub = plat.Subscribe(platform.Filter{Types: platform.TypeLink.Bit() | platform.AddressTypes | platform.RouteTypes},
		func(s *platform.Subscription) { devs.PlatformChanged(s.TakeAll()) })
	devs.Start()
	return dd
}

// stop leaves every interface as it is and records what is active, so
// that the next start takes it all over.
func (dd *daemonDevices) stop() {
	dd.sub.Close()
	dd.devs.Stop()
}

func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return string(b)
}

func machineIDOr(m *hostid.MachineID) hostid.MachineID {
	if m == nil {
		return hostid.MachineID{}
	}
	return *m
}
