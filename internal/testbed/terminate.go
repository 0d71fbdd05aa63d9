package testbed

import (
	"os"
	"syscall"
	"time"
)

// terminate ends a process the test bed started: SIGTERM, and SIGKILL
// when it has not exited within grace. exited is closed when its Wait
// returned; terminate returns after that, reporting whether it had to
// kill. Every process of the test bed (daemons, buses, peers, polkitd,
// Wi-Fi programs) is stopped this way, by its own PID.
func terminate(p *os.Process, exited <-chan struct{}, grace time.Duration) (killed bool) {
	_ = p.Signal(syscall.SIGTERM)
	select {
	case <-exited:
		return false
	case <-time.After(grace):
		_ = p.Kill()
		<-exited
		return true
	}
}
