package nmclitest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/testbed"
)

// completionScript is the bash completion the repository installs.
func completionScript(t *testing.T) string {
	p, err := filepath.Abs("../../data/nmcli-completion.bash")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// interactiveBash is bash -i on a pseudo-terminal, so that readline does
// the completion exactly as for a user pressing Tab.
type interactiveBash struct {
	t      *testing.T
	master *os.File
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    bytes.Buffer
	marker int
}

func openPTY() (master, slave *os.File, err error) {
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	master = os.NewFile(uintptr(fd), "/dev/ptmx")
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		master.Close()
		return nil, nil, err
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	return master, slave, nil
}

// startBash starts bash in the world's namespace with nmcliDir first in
// PATH and the completion script sourced. The shell function nmcli prints
// its arguments, one "ARG[...]" line each, so that running a completed
// line shows what bash would have passed to nmcli; the completion itself
// runs the real nmcli (it calls "command nmcli").
func startBash(t *testing.T, w *World, nmcliDir string) *interactiveBash {
	master, slave, err := openPTY()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer slave.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := w.NS.Command(ctx, "bash", "--norc", "--noprofile", "-i")
	env := append(baseEnv(w.home()), "DBUS_SYSTEM_BUS_ADDRESS="+w.NS.Bus.Address, "TERM=dumb",
		"PS1=$ ", "INPUTRC=/dev/null", "HISTFILE=/dev/null")
	cmd.Env = mergeEnv(env, []string{"PATH=" + nmcliDir + ":" + os.Getenv("PATH")})
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		cancel()
		master.Close()
		t.Fatalf("start bash: %v", err)
	}
	b := &interactiveBash{t: t, master: master, cmd: cmd}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			b.mu.Lock()
			b.out.Write(buf[:n])
			b.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		b.write("exit\n")
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cancel()
			<-done
		}
		cancel()
		master.Close()
	})
	b.run("source " + completionScript(t) + `; nmcli() { printf 'ARG[%s]\n' "$@"; }`)
	return b
}

func (b *interactiveBash) write(s string) {
	if _, err := b.master.Write([]byte(s)); err != nil {
		b.t.Fatalf("write to bash: %v", err)
	}
}

// run types input (with any Tabs) and Enter, then waits until the
// command has run, and returns what it printed.
func (b *interactiveBash) run(input string) string {
	b.t.Helper()
	b.marker++
	// The marker is typed with an empty quote inside, so only its output
	// (not the echo of the typed line) matches.
	mark := fmt.Sprintf("DONE-%d.", b.marker)
	b.mu.Lock()
	start := b.out.Len()
	b.mu.Unlock()
	b.write(input + "\n")
	b.write(fmt.Sprintf("echo DONE-''%d.\n", b.marker))
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		b.mu.Lock()
		out := b.out.String()[start:]
		b.mu.Unlock()
		if i := strings.Index(out, mark); i >= 0 {
			return out[:i]
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.t.Fatalf("bash did not finish %q; terminal so far:\n%s", input, b.out.String()[start:])
	return ""
}

var argLineRE = regexp.MustCompile(`ARG\[([^\]\r\n]*)\]`)

// argsOf extracts the arguments the nmcli function printed.
func argsOf(out string) []string {
	var args []string
	for _, m := range argLineRE.FindAllStringSubmatch(out, -1) {
		args = append(args, m[1])
	}
	return args
}

// checkBashCompletion types command lines with Tab into bash and checks
// the arguments the completed lines give nmcli.
func checkBashCompletion(t *testing.T, w *World, ours string) {
	dir := testbed.TempDir(t)
	if err := os.Symlink(ours, filepath.Join(dir, "nmcli")); err != nil {
		t.Fatal(err)
	}
	files := testbed.TempDir(t)
	if err := os.WriteFile(filepath.Join(files, "profile-to-load.nmconnection"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	b := startBash(t, w, dir)
	if out := b.run("complete -p nmcli"); !strings.Contains(out, "complete -F _gonm_nmcli nmcli") {
		t.Errorf("complete -p nmcli: %q", out)
	}
	for _, tc := range []struct {
		typed string
		want  []string
	}{
		{"nmcli conn\t", []string{"connection"}},
		{"nmcli g lo\t", []string{"g", "logging"}},
		{"nmcli c up wi\t", []string{"c", "up", "with space"}},
		{"nmcli c up 'with\t", []string{"c", "up", "with space"}},
		{"nmcli c up \"with\t", []string{"c", "up", "with space"}},
		{"nmcli c up many\t", []string{"c", "up", NameMany}},
		{"nmcli c up many:a\t", []string{"c", "up", NameMany}},
		{"nmcli c up Ün\t", []string{"c", "up", NameUnicode}},
		{"nmcli c up dhcp\t", []string{"c", "up", NameDHCP}},
		{"nmcli c down id stat\t", []string{"c", "down", "id", NameStatic}},
		{"nmcli c delete id co\t", []string{"c", "delete", "id", NameVPN}},
		{"nmcli d show br\t", []string{"d", "show", "br0"}},
		{"nmcli d set eth1 man\t", []string{"d", "set", "eth1", "managed"}},
		{"nmcli --mode=ta\t", []string{"--mode=tabular"}},
		{"nmcli --mode mu\t", []string{"--mode", "multiline"}},
		{"nmcli -f NAME,UU\t", []string{"-f", "NAME,UUID"}},
		{"nmcli c load " + files + "/prof\t", []string{"c", "load", filepath.Join(files, "profile-to-load.nmconnection")}},
	} {
		got := argsOf(b.run(tc.typed))
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q completed to %q, want %q", tc.typed, got, tc.want)
		}
	}
}
