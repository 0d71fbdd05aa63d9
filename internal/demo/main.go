// Command demo is what `make demo` and `make sandbox` run: it starts gonm
// for real in a throwaway network namespace on a private bus, with a veth
// pair to a peer namespace, shows what the daemon reports, and tears it all
// down again, also when a step fails. With -shell it leaves the user in a
// shell inside the namespace (the sandbox) and tears down when it exits.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gonm/gonm/internal/testbed"
)

func main() {
	shell := flag.Bool("shell", false, "open a shell inside the namespace instead of showing the demo")
	verbose := flag.Bool("v", false, "print the daemon's log")
	flag.Parse()
	os.Exit(run(*shell, *verbose))
}

func run(shell, verbose bool) int {
	env := &testbed.Standalone{Out: os.Stdout, Verbose: verbose}
	// ^C during the demo must still tear down; the shell gets its own.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)

	var ns, peer *testbed.Netns
	var d *testbed.Daemon
	steps := []struct {
		name string
		fn   func()
	}{
		{"create the network namespaces", func() {
			ns = testbed.NewNetns(env)
			peer = testbed.NewNetns(env)
			fmt.Printf("==> namespaces %s (gonm) and %s (peer)\n", ns.Name, peer.Name)
		}},
		{"start a private system bus", func() {
			ns.Bus = testbed.StartBus(env, testbed.BusOptions{})
			fmt.Printf("==> private bus at %s\n", ns.Bus.Address)
		}},
		{"start the gonm daemon", func() {
			d = testbed.StartDaemon(env, ns, testbed.DaemonOptions{Quiet: !verbose})
			fmt.Printf("==> NetworkManager (gonm) running as pid %d, owns %s\n", d.PID, testbed.BusName)
		}},
		{"create a veth pair", func() {
			testbed.Veth(env, ns, "eth1", peer, "peer1")
			fmt.Println("==> veth eth1 (gonm side) <-> peer1 (peer side)")
		}},
	}
	if shell {
		steps = append(steps, struct {
			name string
			fn   func()
		}{"run the sandbox shell", func() { sandboxShell(env, ns) }})
	} else {
		steps = append(steps, struct {
			name string
			fn   func()
		}{"show what the daemon reports", func() { show(env, ns) }})
	}

	code := 0
	for _, s := range steps {
		errc := make(chan error, 1)
		go func() { errc <- env.Step(s.name, s.fn) }()
		var err error
		select {
		case err = <-errc:
		case sig := <-sigs:
			if shell {
				err = <-errc // the shell handles its own signals
			} else {
				err = fmt.Errorf("step %q interrupted by %v", s.name, sig)
			}
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "demo: %v\n", err)
			if d != nil && !verbose {
				fmt.Fprintf(os.Stderr, "daemon log:\n%s", d.Log())
			}
			code = 1
			break
		}
	}
	fmt.Println("==> tearing down")
	env.Close()
	if env.Failed() {
		code = 1
	}
	if code == 0 {
		fmt.Println("==> done: everything was removed")
	}
	return code
}

// show prints the daemon's view. Our nmcli is used when it has been built;
// until then busctl reads the properties directly.
func show(env *testbed.Standalone, ns *testbed.Netns) {
	fmt.Println("\n$ ip -br link   (inside the namespace)")
	fmt.Print(ns.MustIP("-br", "link"))
	if nmcli := nmcliPath(); nmcli != "" {
		for _, args := range [][]string{{"general"}, {"device"}, {"connection"}} {
			fmt.Printf("\n$ nmcli %s\n", strings.Join(args, " "))
			fmt.Print(ns.MustRun(nmcli, args...))
		}
		return
	}
	for _, p := range []string{"Version", "State", "VersionInfo"} {
		fmt.Printf("\n$ busctl get-property org.freedesktop.NetworkManager /org/freedesktop/NetworkManager org.freedesktop.NetworkManager %s\n", p)
		fmt.Print(ns.MustRun("busctl", "--address="+ns.Bus.Address, "get-property",
			"org.freedesktop.NetworkManager", "/org/freedesktop/NetworkManager", "org.freedesktop.NetworkManager", p))
	}
	fmt.Println()
}

func nmcliPath() string {
	dir := os.Getenv("GONM_BIN_DIR")
	if dir == "" {
		return ""
	}
	p := filepath.Join(dir, "nmcli")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

func sandboxShell(env *testbed.Standalone, ns *testbed.Netns) {
	sh := os.Getenv("SHELL")
	if sh == "" {
		sh = "/bin/bash"
	}
	path := os.Getenv("PATH")
	if dir := os.Getenv("GONM_BIN_DIR"); dir != "" {
		path = dir + ":" + path
	}
	fmt.Printf("\nYou are in network namespace %s; DBUS_SYSTEM_BUS_ADDRESS=%s.\n", ns.Name, ns.Bus.Address)
	fmt.Println("gonm's binaries come first in PATH. Leave the shell (exit or ^D) to tear everything down.")
	cmd := exec.Command("ip", "netns", "exec", ns.Name, sh)
	cmd.Env = append(os.Environ(), "DBUS_SYSTEM_BUS_ADDRESS="+ns.Bus.Address, "PATH="+path,
		"PS1=(gonm-sandbox) \\w \\$ ", "GONM_SANDBOX="+ns.Name)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			env.Fatalf("shell: %v", err)
		}
	}
}
