package vmtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// slotsDirEnv names another slot directory: a test that checks slots are
// given back uses its own, so guests of other test processes do not count.
const slotsDirEnv = "GONM_VM_SLOTS_DIR"

// acquireSlot waits until fewer than MaxGuests guests run on this machine.
// Slots are flock(2)ed files in a fixed place, so the limit holds across
// test processes (go test runs packages in parallel) and users, and a
// process that dies gives its slot back with its file descriptors.
func acquireSlot(ctx context.Context) (func(), error) {
	dir := filepath.Join(os.TempDir(), "gonm-vm-slots")
	if d := os.Getenv(slotsDirEnv); d != "" {
		dir = d
	}
	if err := os.MkdirAll(dir, 0o1777); err != nil {
		return nil, fmt.Errorf("guest slots: %w", err)
	}
	var files []*os.File
	defer func() {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
	}()
	for i := 0; i < MaxGuests; i++ {
		f, err := os.OpenFile(filepath.Join(dir, "slot-"+strconv.Itoa(i)), os.O_CREATE|os.O_RDWR, 0o666)
		if err != nil {
			return nil, fmt.Errorf("guest slots: %w", err)
		}
		files = append(files, f)
	}
	for {
		for i, f := range files {
			err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
			if err == nil {
				files[i] = nil
				return func() { f.Close() }, nil
			}
			if !errors.Is(err, unix.EWOULDBLOCK) {
				return nil, fmt.Errorf("guest slot %d: %w", i, err)
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for a free guest slot (at most %d guests run at once): %w", MaxGuests, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}
