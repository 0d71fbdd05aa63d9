// Package hostname owns the machine's static host name as NetworkManager's
// hostname manager keeps it: from systemd-hostnamed
// (org.freedesktop.hostname1, StaticHostname and SetStaticHostname) when
// that service answers on the system bus, otherwise from the hostname file
// (/etc/hostname), which is watched for changes and rewritten when a
// client saves a new name (Settings.SaveHostname). The value is what the
// Settings object's Hostname property shows; the policy layer will read it
// too.
//
// Changes are reported on the daemon loop (internal/loop); the package
// calls the bus connection (godbus), inotify (golang.org/x/sys/unix) and
// internal/logging's levels.
package hostname

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/godbus/dbus/v5"
	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/loop"
)

// DefaultFile is where Debian keeps the static host name.
const DefaultFile = "/etc/hostname"

// MaxLength is NetworkManager's limit on a host name (HOST_NAME_MAX).
const MaxLength = 64

const (
	hostnamedName  = "org.freedesktop.hostname1"
	hostnamedPath  = dbus.ObjectPath("/org/freedesktop/hostname1")
	hostnamedIface = "org.freedesktop.hostname1"
)

// Options configure a Manager.
type Options struct {
	Loop *loop.Loop
	// Conn is the system bus, to find systemd-hostnamed; nil uses the file
	// only.
	Conn *dbus.Conn
	// File is the hostname file; DefaultFile when empty.
	File string
	Log  *slog.Logger
	// Changed runs on the loop when the static host name changes.
	Changed func(name string)
}

// Manager tracks the static host name. Its methods run on the loop.
type Manager struct {
	opts      Options
	log       *slog.Logger
	static    string
	hostnamed bool

	stop     chan struct{}
	stopOnce sync.Once
	sigCh    chan *dbus.Signal
}

// New finds out where the host name lives and reads it. It runs on the
// loop's goroutine (or before the loop runs); watching starts at once.
func New(opts Options) *Manager {
	if opts.File == "" {
		opts.File = DefaultFile
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	m := &Manager{opts: opts, log: opts.Log, stop: make(chan struct{})}
	if name, ok := m.hostnamedStatic(); ok {
		m.log.Info("using hostnamed")
		m.hostnamed = true
		m.set(name)
		m.watchHostnamed()
		return m
	}
	m.set(readFile(m.opts.File))
	m.watchFile()
	return m
}

// Static returns the static host name, "" when there is none.
func (m *Manager) Static() string { return m.static }

// Close stops watching.
func (m *Manager) Close() {
	m.stopOnce.Do(func() {
		close(m.stop)
		if m.sigCh != nil {
			m.opts.Conn.RemoveSignal(m.sigCh)
		}
	})
}

// set takes a newly read name: made printable as NetworkManager makes it
// (backslashes doubled, invalid UTF-8 and control characters as octal
// escapes), reported when it differs.
func (m *Manager) set(name string) {
	name = escape(name)
	if name == m.static {
		return
	}
	m.log.Info(fmt.Sprintf("static hostname changed from %s to %s", quoteOrNone(m.static), quoteOrNone(name)))
	m.static = name
	if m.opts.Changed != nil {
		m.opts.Changed(name)
	}
}

func quoteOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return `"` + s + `"`
}

// Valid reports whether name is acceptable to SaveHostname: labels of
// ASCII letters, digits, '-' and '_' separated by single dots, no leading
// or trailing dot, at most MaxLength characters.
func Valid(name string) bool {
	if name == "" || len(name) > MaxLength {
		return false
	}
	dot := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '.' {
			if dot {
				return false
			}
			dot = true
			continue
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
		dot = false
	}
	return !dot
}

// SetStatic saves a new static host name ("" clears it) through hostnamed
// or by writing the file; done runs on the loop with the outcome. The
// Changed callback follows when the new value is read back.
func (m *Manager) SetStatic(name string, done func(error)) {
	l := m.opts.Loop
	if m.hostnamed {
		conn := m.opts.Conn
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			err := conn.Object(hostnamedName, hostnamedPath).CallWithContext(ctx, hostnamedIface+".SetStaticHostname", 0, name, false).Err
			l.Post(func() { done(err) })
		}()
		return
	}
	// As NetworkManager, this happens on idle and follows a symlink so
	// that the link stays.
	l.Post(func() {
		path := m.opts.File
		if target, err := resolveLink(path); err == nil {
			path = target
		}
		var data []byte
		if name != "" {
			data = []byte(name + "\n")
		}
		if err := writeFile(path, data); err != nil {
			done(fmt.Errorf("could not save hostname to %s: %w", path, err))
			return
		}
		// The watch reports the change as well; reading now keeps the
		// property current for a client that reads it right after the
		// call returns.
		m.set(readFile(m.opts.File))
		done(nil)
	})
}

// readFile reads a hostname file the way NetworkManager does on Debian:
// the whole content up to the first NUL, trailing white space removed.
func readFile(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		data = data[:i]
	}
	return strings.TrimRight(string(data), " \t\n\v\f\r")
}

// writeFile replaces the file's content atomically, keeping its mode.
func writeFile(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// resolveLink returns the absolute target of a symlink at path.
func resolveLink(path string) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return "", err
	}
	if fi.Mode()&os.ModeSymlink == 0 {
		return "", errors.New("not a symlink")
	}
	target, err := os.Readlink(path)
	if err != nil {
		return "", err
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(path), target)
	}
	return target, nil
}

// escape makes a name printable: backslashes doubled, bytes of invalid
// UTF-8 and ASCII control characters as "\ooo".
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\\':
				b.WriteString(`\\`)
			case c < 0x20 || c == 0x7f:
				fmt.Fprintf(&b, "\\%03o", c)
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			fmt.Fprintf(&b, "\\%03o", c)
			i++
			continue
		}
		b.WriteString(s[i : i+n])
		i += n
	}
	return b.String()
}

// hostnamedStatic asks systemd-hostnamed for the static host name; ok is
// false when it does not answer.
func (m *Manager) hostnamedStatic() (string, bool) {
	if m.opts.Conn == nil {
		return "", false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var all map[string]dbus.Variant
	err := m.opts.Conn.Object(hostnamedName, hostnamedPath).CallWithContext(ctx,
		"org.freedesktop.DBus.Properties.GetAll", 0, hostnamedIface).Store(&all)
	if err != nil {
		m.log.Info("hostnamed not used: " + err.Error())
		return "", false
	}
	name, ok := all["StaticHostname"].Value().(string)
	if !ok {
		m.log.Info("couldn't get property from hostnamed")
		return "", false
	}
	return name, true
}

// watchHostnamed follows hostnamed's StaticHostname.
func (m *Manager) watchHostnamed() {
	conn := m.opts.Conn
	match := []dbus.MatchOption{dbus.WithMatchObjectPath(hostnamedPath),
		dbus.WithMatchInterface("org.freedesktop.DBus.Properties"), dbus.WithMatchMember("PropertiesChanged")}
	if err := conn.AddMatchSignal(match...); err != nil {
		m.log.Warn("cannot watch hostnamed: " + err.Error())
		return
	}
	m.sigCh = make(chan *dbus.Signal, 16)
	conn.Signal(m.sigCh)
	go func() {
		for {
			select {
			case <-m.stop:
				return
			case s, ok := <-m.sigCh:
				if !ok {
					return
				}
				if s.Path != hostnamedPath || s.Name != "org.freedesktop.DBus.Properties.PropertiesChanged" || len(s.Body) < 2 {
					continue
				}
				if iface, _ := s.Body[0].(string); iface != hostnamedIface {
					continue
				}
				changed, _ := s.Body[1].(map[string]dbus.Variant)
				if v, ok := changed["StaticHostname"].Value().(string); ok {
					m.opts.Loop.Post(func() { m.set(v) })
				}
			}
		}
	}()
}

// watchFile re-reads the hostname file whenever something happens to it:
// the directory is watched, so that a file created or replaced by rename
// is seen too. A symlink is followed one level, as NetworkManager does.
func (m *Manager) watchFile() {
	path := m.opts.File
	if target, err := resolveLink(path); err == nil {
		path = target
	}
	dir, base := filepath.Split(path)
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC)
	if err != nil {
		m.log.Warn("cannot watch " + path + ": " + err.Error())
		return
	}
	const mask = unix.IN_CLOSE_WRITE | unix.IN_MOVED_TO | unix.IN_MOVED_FROM | unix.IN_CREATE | unix.IN_DELETE | unix.IN_ATTRIB
	if _, err := unix.InotifyAddWatch(fd, filepath.Clean(dir), mask); err != nil {
		unix.Close(fd)
		m.log.Debug("cannot watch " + dir + ": " + err.Error())
		return
	}
	// A pipe wakes the reader when the manager closes.
	var pipe [2]int
	if err := unix.Pipe2(pipe[:], unix.O_CLOEXEC); err != nil {
		unix.Close(fd)
		return
	}
	go func() {
		<-m.stop
		unix.Write(pipe[1], []byte{0})
	}()
	go func() {
		defer unix.Close(fd)
		defer unix.Close(pipe[0])
		defer unix.Close(pipe[1])
		buf := make([]byte, 4096)
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}, {Fd: int32(pipe[0]), Events: unix.POLLIN}}
		for {
			if _, err := unix.Poll(fds, -1); err != nil {
				if errors.Is(err, unix.EINTR) {
					continue
				}
				return
			}
			if fds[1].Revents != 0 {
				return
			}
			n, err := unix.Read(fd, buf)
			if err != nil {
				if errors.Is(err, unix.EINTR) || errors.Is(err, unix.EAGAIN) {
					continue
				}
				return
			}
			relevant := false
			for off := 0; off+unix.SizeofInotifyEvent <= n; {
				// struct inotify_event: wd, mask, cookie, len, name[len].
				nameLen := int(binary.NativeEndian.Uint32(buf[off+12:]))
				name := ""
				if nameLen > 0 && off+unix.SizeofInotifyEvent+nameLen <= n {
					name = strings.TrimRight(string(buf[off+unix.SizeofInotifyEvent:off+unix.SizeofInotifyEvent+nameLen]), "\x00")
				}
				if name == base {
					relevant = true
				}
				off += unix.SizeofInotifyEvent + nameLen
			}
			if relevant {
				file := m.opts.File
				m.opts.Loop.Post(func() { m.set(readFile(file)) })
			}
		}
	}()
}
