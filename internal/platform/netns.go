package platform

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// netnsHandle runs code inside the network namespace the platform
// mirrors. Sockets opened there stay bound to it; /proc/sys/net files
// opened there show its settings. An empty path means the process's own
// namespace, where no switching is needed (the daemon's case).
type netnsHandle struct {
	path string
	fd   int // open namespace, -1 for the own one
}

func openNetns(path string) (*netnsHandle, error) {
	h := &netnsHandle{path: path, fd: -1}
	if path == "" {
		return h, nil
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open network namespace %s: %w", path, err)
	}
	h.fd = fd
	return h, nil
}

func (h *netnsHandle) close() {
	if h.fd >= 0 {
		unix.Close(h.fd)
		h.fd = -1
	}
}

// own reports whether the namespace is the process's own.
func (h *netnsHandle) own() bool { return h.fd < 0 }

// do runs fn inside the namespace. For a foreign namespace it runs on a
// fresh goroutine whose thread switches namespace and is never switched
// back: the goroutine ends locked to it, so the runtime retires the
// thread and no other code ever runs in the wrong namespace.
func (h *netnsHandle) do(fn func() error) error {
	if h.fd < 0 {
		return fn()
	}
	errc := make(chan error, 1)
	go h.switchAndRun(fn, errc)
	return <-errc
}

func (h *netnsHandle) switchAndRun(fn func() error, errc chan<- error) {
	runtime.LockOSThread()
	if unix.Gettid() == unix.Getpid() {
		// This is the main thread, which the runtime never retires (it
		// would stay in the namespace, and with it /proc/self). Keep it
		// busy so the work lands on another thread.
		done := make(chan struct{})
		go func() {
			h.switchAndRun(fn, errc)
			close(done)
		}()
		<-done
		runtime.UnlockOSThread()
		return
	}
	if err := unix.Setns(h.fd, unix.CLONE_NEWNET); err != nil {
		errc <- fmt.Errorf("enter network namespace %s: %w", h.path, err)
		return
	}
	errc <- fn()
}
