// Command nmclibox builds the differential suite's world (see package
// nmclitest) and keeps it running until interrupted, printing how to reach
// it, so nmcli output can be inspected by hand:
//
//	go run ./internal/nmclitest/nmclibox [-daemon reference|gonm] [-empty]
//	ip netns exec NS env DBUS_SYSTEM_BUS_ADDRESS=ADDR nmcli ...
//
// Everything is torn down on SIGINT/SIGTERM.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gonm/gonm/internal/nmclitest"
	"github.com/gonm/gonm/internal/testbed"
)

func main() {
	daemon := flag.String("daemon", "reference", "daemon to run: reference or gonm")
	empty := flag.Bool("empty", false, "start the daemon without adding profiles")
	flag.Parse()
	env := &testbed.Standalone{Out: os.Stderr}
	code := 0
	err := env.Step("build the world", func() {
		w := nmclitest.NewWorld(env, nmclitest.DaemonKind(*daemon))
		if !*empty {
			w.Populate()
		}
		fmt.Printf("NS=%s\nPEER=%s\nDBUS_SYSTEM_BUS_ADDRESS=%s\nDAEMON_PID=%d\nDAEMON_DIR=%s\n",
			w.NS.Name, w.Peer.Name, w.NS.Bus.Address, w.Daemon.PID, w.Daemon.Dir)
		fmt.Printf("run: ip netns exec %s env DBUS_SYSTEM_BUS_ADDRESS=%s nmcli ...\n", w.NS.Name, w.NS.Bus.Address)
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
		<-sigs
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	env.Close()
	os.Exit(code)
}
