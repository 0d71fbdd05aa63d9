package testbed

import (
	"os"
	"path/filepath"
	"strings"
)

// ReferenceBinary is Debian's NetworkManager 1.42, the behaviour to match.
const ReferenceBinary = "/usr/sbin/NetworkManager"

// RequireReference skips the test when the reference daemon is missing.
func RequireReference(env Env) {
	env.Helper()
	if _, err := os.Stat(ReferenceBinary); err != nil {
		env.Skipf("testbed: reference NetworkManager not installed (apt-get install network-manager): %v", err)
	}
}

// StartReference starts Debian's NetworkManager in ns, on ns.Bus, with all
// of its paths in a temporary folder, and waits until it owns its name.
//
// NetworkManager has no options for most of its paths, so it runs in a
// private mount namespace with tmpfs over /run and /etc/NetworkManager, and
// the daemon's RunDir and StateDir bound over /run/NetworkManager and
// /var/lib/NetworkManager. /sys is remounted read-only there: with a
// writable /sys and no udev running, NetworkManager waits for udev forever
// and leaves every device unmanaged; read-only, it assumes a container and
// manages devices at once. Polkit is off in DefaultConfig.
//
// /etc is overlaid with a directory of the test, so that what the
// reference writes there (the static host name) never reaches the
// machine; its /etc/hostname is d.HostnameFile, inside that directory.
func StartReference(env Env, ns *Netns, opts DaemonOptions) *Daemon {
	env.Helper()
	RequireReference(env)
	d, err := newDaemonFiles(env, opts)
	if err != nil {
		env.Fatalf("testbed: reference files: %v", err)
	}
	etcUpper, etcWork := filepath.Join(d.Dir, "etc-upper"), filepath.Join(d.Dir, "etc-work")
	for _, dir := range []string{etcUpper, etcWork} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			env.Fatalf("testbed: reference files: %v", err)
		}
	}
	if err := os.Rename(d.HostnameFile, filepath.Join(etcUpper, "hostname")); err != nil {
		env.Fatalf("testbed: reference files: %v", err)
	}
	d.HostnameFile = filepath.Join(etcUpper, "hostname")
	// Keyfiles live in the tmpfs'd /etc/NetworkManager/system-connections
	// unless the config says otherwise; newDaemonFiles points [keyfile]
	// path at d.ConnectionsDir, which also keeps them visible to the test.
	nmArgs := []string{ReferenceBinary, "--no-daemon", "--debug",
		"--config=" + d.ConfigFile,
		"--config-dir=" + d.ConfigDir,
		"--state-file=" + d.StateFile,
		"--system-config-dir=" + filepath.Join(d.LibDir, "conf.d"),
		"--pid-file=" + filepath.Join(d.RunDir, "NetworkManager.pid"),
	}
	nmArgs = append(nmArgs, opts.Args...)
	// /run/NetworkManager and /var/lib/NetworkManager are the daemon's
	// RunDir and StateDir, so a restart with the same Dir finds the run
	// state (devices/<ifindex>) and timestamps it left, as on a host.
	script := "set -e; mount --make-rprivate /; mount -o remount,ro /sys; " +
		// Where overlayfs cannot stack (an overlay /tmp), at least the
		// hostname file is covered.
		"{ mount -t overlay overlay -o " + shellQuote([]string{"lowerdir=/etc,upperdir=" + etcUpper + ",workdir=" + etcWork}) + " /etc || " +
		"mount --bind " + shellQuote([]string{d.HostnameFile}) + " /etc/hostname; }; " +
		"mount -t tmpfs tmpfs /run; mount -t tmpfs tmpfs /etc/NetworkManager; " +
		"mkdir /run/NetworkManager; mount --bind " + shellQuote([]string{d.RunDir}) + " /run/NetworkManager; " +
		"mount --bind " + shellQuote([]string{d.StateDir}) + " /var/lib/NetworkManager; exec " + shellQuote(nmArgs)
	argv := []string{"unshare", "--mount", "--propagation", "private", "sh", "-c", script}
	d.start(env, ns, "nm-1.42", argv, opts)
	return d
}

func shellQuote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}
