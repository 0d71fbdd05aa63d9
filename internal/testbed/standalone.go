package testbed

import (
	"fmt"
	"io"
	"os"
	"sync"
)

// Standalone is an Env for programs that are not tests (`make demo`,
// `make sandbox`, benchmarks driven from a command): it runs cleanups in
// reverse order on Close, prints log lines to Out, and turns Fatalf and
// Skipf into a panic that Run recovers from.
type Standalone struct {
	Out      io.Writer
	mu       sync.Mutex
	cleanups []func()
	failed   bool
	// Verbose prints Logf lines; otherwise they are dropped.
	Verbose bool
}

// StandaloneAbort is the panic value of Fatalf and Skipf.
type StandaloneAbort struct{ Msg string }

func (s *Standalone) Helper() {}

func (s *Standalone) Cleanup(f func()) {
	s.mu.Lock()
	s.cleanups = append(s.cleanups, f)
	s.mu.Unlock()
}

func (s *Standalone) Logf(format string, args ...any) {
	if s.Verbose {
		fmt.Fprintf(s.Out, format+"\n", args...)
	}
}

func (s *Standalone) Errorf(format string, args ...any) {
	s.mu.Lock()
	s.failed = true
	s.mu.Unlock()
	fmt.Fprintf(s.Out, "error: "+format+"\n", args...)
}

func (s *Standalone) Fatalf(format string, args ...any) {
	s.mu.Lock()
	s.failed = true
	s.mu.Unlock()
	panic(StandaloneAbort{Msg: fmt.Sprintf(format, args...)})
}

func (s *Standalone) Skipf(format string, args ...any) { s.Fatalf(format, args...) }

func (s *Standalone) TempDir() string {
	d, err := os.MkdirTemp("", "gonm-")
	if err != nil {
		s.Fatalf("temp dir: %v", err)
	}
	s.Cleanup(func() { os.RemoveAll(d) })
	return d
}

func (s *Standalone) Failed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failed
}

// Close runs the cleanups, newest first. It is safe to call more than once.
func (s *Standalone) Close() {
	for {
		s.mu.Lock()
		n := len(s.cleanups)
		if n == 0 {
			s.mu.Unlock()
			return
		}
		f := s.cleanups[n-1]
		s.cleanups = s.cleanups[:n-1]
		s.mu.Unlock()
		f()
	}
}

// Step runs one named step of a standalone program and returns an error
// naming the step if it called Fatalf or panicked.
func (s *Standalone) Step(name string, fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if a, ok := r.(StandaloneAbort); ok {
				err = fmt.Errorf("step %q failed: %s", name, a.Msg)
				return
			}
			err = fmt.Errorf("step %q panicked: %v", name, r)
		}
	}()
	fn()
	return nil
}
