package nmcli

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"github.com/gonm/gonm/internal/nmcli/format"
)

func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// localeWriter writes nmcli's UTF-8 text in the locale's character set, as
// GLib's g_print() does: unchanged in a UTF-8 locale, otherwise each
// character the charset (ASCII, for the C locale) cannot hold becomes '?'.
type localeWriter struct {
	w    io.Writer
	utf8 bool
}

func (l *localeWriter) Write(p []byte) (int, error) {
	if l.utf8 || !hasNonASCII(p) {
		return l.w.Write(p)
	}
	var b bytes.Buffer
	for len(p) > 0 {
		r, n := utf8.DecodeRune(p)
		if r < utf8.RuneSelf && n == 1 {
			b.WriteByte(p[0])
		} else {
			b.WriteByte('?')
		}
		p = p[n:]
	}
	_, err := l.w.Write(b.Bytes())
	return len(p), err
}

func hasNonASCII(p []byte) bool {
	for _, c := range p {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// localeIsUTF8 decides whether setlocale(LC_ALL, "") would select a UTF-8
// character set: the first of LC_ALL, LC_CTYPE, LANG that is set names the
// locale, and a locale that is not installed falls back to "C" (ASCII).
func localeIsUTF8(getenv func(string) string) bool {
	name := ""
	for _, k := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := getenv(k); v != "" {
			name = v
			break
		}
	}
	lang, codeset, ok := strings.Cut(name, ".")
	if !ok {
		return false
	}
	codeset, _, _ = strings.Cut(codeset, "@")
	norm := strings.ToLower(strings.ReplaceAll(codeset, "-", ""))
	if norm != "utf8" {
		return false
	}
	if lang == "C" {
		// glibc has C.UTF-8 built in.
		return true
	}
	for _, n := range []string{lang + ".utf8", lang + ".UTF-8", name} {
		if st, err := os.Stat(filepath.Join("/usr/lib/locale", n)); err == nil && st.IsDir() {
			return true
		}
	}
	archive, err := os.ReadFile("/usr/lib/locale/locale-archive")
	if err != nil {
		return false
	}
	return bytes.Contains(archive, []byte(lang+".utf8\x00")) || bytes.Contains(archive, []byte(name+"\x00"))
}

// pager is the pager nmcli starts when it prints colored output: stdout and
// stderr both go to it.
type pager struct {
	cmd  *exec.Cmd
	w    *os.File
	done chan struct{}
}

// spawnPager starts a pager the way nmcli does: only with colors on,
// outside terse mode, and unless $PAGER is set and empty. $PAGER is run
// directly or through sh -c; otherwise pager, less and more are tried;
// with none of them, output is copied through unchanged.
func (a *App) spawnPager() {
	if a.pager != nil || a.env.NoPager || a.cfg.JSON {
		return
	}
	pagerEnv, pagerSet := a.env.LookupEnv("PAGER")
	if a.cfg.Output == format.Terse || !a.cfg.UseColors || (pagerSet && pagerEnv == "") {
		return
	}
	r, w, err := os.Pipe()
	if err != nil {
		a.printErrf("Failed to create pager pipe: %s\n", strerror(err))
		return
	}
	env := append(os.Environ(), "LESS=FRSXMK", "LESSCHARSET=utf-8")
	var candidates [][]string
	if pagerSet {
		candidates = append(candidates, []string{pagerEnv}, []string{"/bin/sh", "-c", pagerEnv})
	}
	candidates = append(candidates, []string{"pager"}, []string{"less"}, []string{"more"})
	p := &pager{w: w, done: make(chan struct{})}
	for _, argv := range candidates {
		path, err := exec.LookPath(argv[0])
		if err != nil {
			continue
		}
		cmd := exec.Command(path, argv[1:]...)
		cmd.Args[0] = argv[0]
		cmd.Env = env
		cmd.Stdin = r
		cmd.Stdout = a.env.Stdout
		cmd.Stderr = a.env.Stderr
		if err := cmd.Start(); err != nil {
			continue
		}
		p.cmd = cmd
		break
	}
	if p.cmd == nil {
		go func() {
			io.Copy(a.env.Stdout, r)
			close(p.done)
		}()
	} else {
		go func() {
			p.cmd.Wait()
			close(p.done)
		}()
	}
	r.Close()
	a.pager = p
	a.out.w = w
	a.errOut.w = w
}

func (p *pager) finish() {
	p.w.Close()
	<-p.done
}

// strerror renders an errno as C's strerror() does (capitalized).
func strerror(err error) string {
	s := err.Error()
	if errno, ok := err.(unix.Errno); ok {
		s = errno.Error()
	}
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
