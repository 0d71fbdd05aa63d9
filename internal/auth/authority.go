package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/gonm/gonm/internal/logging"
	"github.com/gonm/gonm/internal/loop"
)

const (
	polkitName      = "org.freedesktop.PolicyKit1"
	polkitPath      = dbus.ObjectPath("/org/freedesktop/PolicyKit1/Authority")
	polkitInterface = "org.freedesktop.PolicyKit1.Authority"
	// polkit's CheckAuthorizationFlags: the user may be asked to
	// authenticate while the call waits.
	allowUserInteraction = uint32(1)
)

// Subject is who called: the connection's uid and pid, and the process's
// start time, which polkit uses to tell a pid from a reused one.
type Subject struct {
	Sender    string
	UID       uint32
	PID       uint32
	StartTime uint64
}

// IsRoot reports whether the caller runs as root.
func (s Subject) IsRoot() bool { return s.UID == 0 }

// Authority answers authorization questions for one bus connection.
type Authority struct {
	conn *dbus.Conn
	loop *loop.Loop
	mode Mode
	log  *slog.Logger
	// timeout bounds each bus call; polkit itself may wait much longer for
	// an interactive authentication, so its calls have none.
	timeout time.Duration

	// Callers are identified concurrently, but the answers reach the loop
	// in the order the questions were asked, so that calls a client makes
	// one after the other (two Deletes) complete in that order, as they
	// do in NetworkManager, which knows its callers' credentials at once.
	orderMu   sync.Mutex
	nextSeq   uint64
	deliverAt uint64
	ready     map[uint64]func()

	// Credentials of recent callers: a unique bus name is never reused
	// while the bus runs, so what it resolved to stays true; entries
	// expire so that the map stays small.
	credMu sync.Mutex
	creds  map[string]cachedSubject
}

type cachedSubject struct {
	s       Subject
	expires time.Time
}

// credTTL bounds how long a caller's credentials are remembered.
const credTTL = 10 * time.Second

// New returns an authority asking over conn, answering on l.
func New(conn *dbus.Conn, l *loop.Loop, mode Mode, log *slog.Logger) *Authority {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a := &Authority{conn: conn, loop: l, mode: mode, log: log, timeout: 25 * time.Second, ready: map[uint64]func(){}, creds: map[string]cachedSubject{}}
	switch mode {
	case ModeRootOnly:
		log.Debug("create auth-manager: polkit disabled, root-only")
	case ModeAllowAll:
		log.Debug("create auth-manager: polkit disabled, allow-all")
	default:
		log.Debug("create auth-manager: polkit enabled")
	}
	return a
}

// Mode returns the authorization mode.
func (a *Authority) Mode() Mode { return a.mode }

// Subject learns who the caller with the given unique bus name is; cb
// runs on the loop. An error means the caller cannot be identified (it
// left the bus, for example), which NetworkManager treats as a refusal.
func (a *Authority) Subject(sender string, cb func(Subject, error)) {
	seq := a.ticket()
	if s, ok := a.cached(sender); ok {
		a.deliver(seq, func() { cb(s, nil) })
		return
	}
	go func() {
		s, err := a.subject(sender)
		a.deliver(seq, func() { cb(s, err) })
	}()
}

// ticket numbers a question; questions are asked on the loop, in the
// order calls arrive.
func (a *Authority) ticket() uint64 {
	a.orderMu.Lock()
	defer a.orderMu.Unlock()
	seq := a.nextSeq
	a.nextSeq++
	return seq
}

// deliver posts fn to the loop once every question asked before seq has
// been answered.
func (a *Authority) deliver(seq uint64, fn func()) {
	a.orderMu.Lock()
	defer a.orderMu.Unlock()
	a.ready[seq] = fn
	for {
		f, ok := a.ready[a.deliverAt]
		if !ok {
			return
		}
		delete(a.ready, a.deliverAt)
		a.deliverAt++
		a.loop.Post(f)
	}
}

func (a *Authority) cached(sender string) (Subject, bool) {
	a.credMu.Lock()
	defer a.credMu.Unlock()
	c, ok := a.creds[sender]
	if !ok || time.Now().After(c.expires) {
		return Subject{}, false
	}
	return c.s, true
}

func (a *Authority) remember(s Subject) {
	a.credMu.Lock()
	defer a.credMu.Unlock()
	now := time.Now()
	if len(a.creds) >= 256 {
		for k, c := range a.creds {
			if now.After(c.expires) {
				delete(a.creds, k)
			}
		}
	}
	a.creds[s.Sender] = cachedSubject{s: s, expires: now.Add(credTTL)}
}

func (a *Authority) subject(sender string) (s Subject, err error) {
	if sender == "" {
		return Subject{}, errors.New("call without a sender")
	}
	if c, ok := a.cached(sender); ok {
		return c, nil
	}
	defer func() {
		if err == nil {
			a.remember(s)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), a.timeout)
	defer cancel()
	var creds map[string]dbus.Variant
	err = a.conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.GetConnectionCredentials", 0, sender).Store(&creds)
	if err != nil {
		return Subject{}, fmt.Errorf("credentials of %s: %w", sender, err)
	}
	s = Subject{Sender: sender}
	uid, ok := creds["UnixUserID"].Value().(uint32)
	if !ok {
		return Subject{}, fmt.Errorf("credentials of %s: no uid", sender)
	}
	s.UID = uid
	if pid, ok := creds["ProcessID"].Value().(uint32); ok {
		s.PID = pid
		s.StartTime = processStartTime(pid)
	}
	return s, nil
}

// processStartTime reads the start time of a process (clock ticks since
// boot, field 22 of /proc/PID/stat), 0 if it is gone.
func processStartTime(pid uint32) uint64 {
	data, err := os.ReadFile("/proc/" + strconv.FormatUint(uint64(pid), 10) + "/stat")
	if err != nil {
		return 0
	}
	return parseStartTime(string(data))
}

// parseStartTime extracts field 22 of a /proc/PID/stat line, 0 if the
// line is malformed.
func parseStartTime(s string) uint64 {
	// The command name is in parentheses and may contain spaces and
	// parentheses itself; fields count from after the last ")".
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state), so field 22 is f[19].
	if len(f) < 20 {
		return 0
	}
	v, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return 0
	}
	return v
}

// Check asks whether the caller may perform action; interactive lets
// polkit ask the user to authenticate while the call waits (method calls
// do, GetPermissions does not). cb runs on the loop with the subject and
// the answer; err is set only when the caller could not be identified.
func (a *Authority) Check(sender, action string, interactive bool, cb func(Subject, Result, error)) {
	a.CheckAll(sender, []string{action}, interactive, func(s Subject, r map[string]Result, err error) {
		cb(s, r[action], err)
	})
}

// CheckAll asks about several actions at once, as GetPermissions does.
//
// Answers that need no polkit (root, auth-polkit false or root-only) come
// in the order of the questions; polkit's may overtake each other.
func (a *Authority) CheckAll(sender string, actions []string, interactive bool, cb func(Subject, map[string]Result, error)) {
	a.Subject(sender, func(s Subject, err error) {
		if err != nil {
			cb(s, nil, err)
			return
		}
		if s.IsRoot() || a.mode != ModePolkit {
			cb(s, a.decide(s, actions, interactive), nil)
			return
		}
		go func() {
			results := a.decide(s, actions, interactive)
			a.loop.Post(func() { cb(s, results, nil) })
		}()
	})
}

func (a *Authority) decide(s Subject, actions []string, interactive bool) map[string]Result {
	results := make(map[string]Result, len(actions))
	switch {
	case s.IsRoot():
		for _, act := range actions {
			results[act] = Yes
		}
		logging.Trace(a.log, fmt.Sprintf("auth: %s (uid 0): granted for root", s.Sender))
		return results
	case a.mode == ModeAllowAll:
		for _, act := range actions {
			results[act] = Yes
		}
		logging.Trace(a.log, fmt.Sprintf("auth: uid %d: polkit disabled, granted to everyone", s.UID))
		return results
	case a.mode == ModeRootOnly:
		for _, act := range actions {
			results[act] = No
		}
		logging.Trace(a.log, fmt.Sprintf("auth: uid %d: polkit disabled, denied to non-root", s.UID))
		return results
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, act := range actions {
		wg.Go(func() {
			r := a.polkit(s, act, interactive)
			mu.Lock()
			results[act] = r
			mu.Unlock()
		})
	}
	wg.Wait()
	return results
}

// polkit asks polkit about one action for a unix-process subject.
func (a *Authority) polkit(s Subject, action string, interactive bool) Result {
	subject := struct {
		Kind    string
		Details map[string]dbus.Variant
	}{"unix-process", map[string]dbus.Variant{
		"pid":        dbus.MakeVariant(s.PID),
		"start-time": dbus.MakeVariant(s.StartTime),
		"uid":        dbus.MakeVariant(int32(s.UID)),
	}}
	var flags uint32
	if interactive {
		flags = allowUserInteraction
	}
	var reply struct {
		Authorized bool
		Challenge  bool
		Details    map[string]string
	}
	err := a.conn.Object(polkitName, polkitPath).Call(polkitInterface+".CheckAuthorization", 0,
		subject, action, map[string]string{}, flags, "").Store(&reply)
	var r Result
	switch {
	case err != nil:
		r = Unknown
		a.log.Debug(fmt.Sprintf("auth: CheckAuthorization(%s) for uid %d failed: %v", action, s.UID, err))
	case reply.Authorized:
		r = Yes
	case reply.Challenge:
		r = Auth
	default:
		r = No
	}
	logging.Trace(a.log, fmt.Sprintf("auth: CheckAuthorization(%s) for uid %d pid %d: %s", action, s.UID, s.PID, r))
	return r
}

// Watch calls changed on the loop whenever polkit's answers may have
// changed: polkit announces a change of its rules or actions, or polkit
// (re)starts. It returns a function that stops watching. Without polkit
// mode there is nothing to watch.
func (a *Authority) Watch(changed func()) (stop func(), err error) {
	if a.mode != ModePolkit {
		return func() {}, nil
	}
	opts := [][]dbus.MatchOption{
		{dbus.WithMatchInterface(polkitInterface), dbus.WithMatchMember("Changed"), dbus.WithMatchObjectPath(polkitPath)},
		{dbus.WithMatchSender("org.freedesktop.DBus"), dbus.WithMatchInterface("org.freedesktop.DBus"),
			dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, polkitName)},
	}
	for _, o := range opts {
		if err := a.conn.AddMatchSignal(o...); err != nil {
			return nil, fmt.Errorf("watch polkit: %w", err)
		}
	}
	ch := make(chan *dbus.Signal, 64)
	a.conn.Signal(ch)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case s, ok := <-ch:
				if !ok {
					return
				}
				switch {
				case s.Name == polkitInterface+".Changed" && s.Path == polkitPath:
					a.log.Debug("auth: polkit reports changed authorizations")
					a.loop.Post(changed)
				case s.Name == "org.freedesktop.DBus.NameOwnerChanged" && len(s.Body) == 3 && s.Body[0] == polkitName:
					if owner, _ := s.Body[2].(string); owner != "" {
						a.log.Debug("auth: polkit started (now " + owner + ")")
						a.loop.Post(changed)
					}
				}
			}
		}
	}()
	return func() {
		close(done)
		a.conn.RemoveSignal(ch)
		for _, o := range opts {
			_ = a.conn.RemoveMatchSignal(o...)
		}
	}, nil
}
