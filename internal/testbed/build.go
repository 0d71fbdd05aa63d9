package testbed

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Binaries that tests start are built once per test process, with the race
// detector, so a data race inside the daemon fails the test that hit it.
// GONM_BIN_DIR, when set, names a directory of prebuilt binaries to use
// instead (the VM tier and `make demo` set it).
var (
	buildMu    sync.Mutex
	buildDir   string
	builtPaths = map[string]string{}
)

// Binary returns the path of the gonm program cmd/<name>, building it if
// needed. A build failure fails the test.
func Binary(env Env, name string) string {
	env.Helper()
	path, err := binary(name, raceSupported())
	if err != nil {
		env.Fatalf("testbed: %v", err)
	}
	return path
}

// PlainBinary is Binary without the race detector, for suites that run a
// program many times to compare its output and would spend most of their
// time in the detector's start-up and bookkeeping. GONM_BIN_DIR's
// programs serve both.
func PlainBinary(env Env, name string) string {
	env.Helper()
	path, err := binary(name, false)
	if err != nil {
		env.Fatalf("testbed: %v", err)
	}
	return path
}

func binary(name string, race bool) (string, error) {
	if dir := os.Getenv("GONM_BIN_DIR"); dir != "" {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("GONM_BIN_DIR has no %s: %w", name, err)
		}
		return p, nil
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	key := name
	if !race {
		key = name + ".plain"
	}
	if p, ok := builtPaths[key]; ok {
		return p, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	if buildDir == "" {
		removeStaleBuildDirs()
		buildDir, err = os.MkdirTemp("", fmt.Sprintf("gonm-testbin-%d-", os.Getpid()))
		if err != nil {
			return "", err
		}
		// Let non-root test users run the binaries.
		if err := os.Chmod(buildDir, 0o755); err != nil {
			return "", err
		}
	}
	// Both builds keep the program's name (programs print it).
	out := filepath.Join(buildDir, name)
	if !race {
		dir := filepath.Join(buildDir, "plain")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		out = filepath.Join(dir, name)
	}
	args := []string{"build", "-o", out}
	if race {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "./cmd/"+name)...)
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/%s: %v\n%s", name, err, msg)
	}
	builtPaths[key] = out
	return out, nil
}

// raceSupported is false where cgo is unavailable (CGO_ENABLED=0 builds for
// the VM guest); the race detector needs it.
func raceSupported() bool {
	if v := os.Getenv("CGO_ENABLED"); v == "0" {
		return false
	}
	_, err := exec.LookPath("gcc")
	return err == nil
}

// removeStaleBuildDirs deletes build directories of test processes that
// are gone.
func removeStaleBuildDirs() {
	matches, _ := filepath.Glob(filepath.Join(os.TempDir(), "gonm-testbin-*"))
	for _, m := range matches {
		rest := strings.TrimPrefix(filepath.Base(m), "gonm-testbin-")
		pidStr, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidStr)
		if err != nil || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		os.RemoveAll(m)
	}
}
