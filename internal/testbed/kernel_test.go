package testbed

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gonm/gonm/internal/vmtest"
)

// outcomeEnv records how RequireKernel ended: returned, fatal or skip.
type outcomeEnv struct {
	*testing.T
	name  string
	fatal string
	skip  string
}

type outcomeStop struct{}

func (e *outcomeEnv) Name() string { return e.name }
func (e *outcomeEnv) Fatalf(format string, args ...any) {
	e.fatal = fmt.Sprintf(format, args...)
	panic(outcomeStop{})
}
func (e *outcomeEnv) Skipf(format string, args ...any) {
	e.skip = fmt.Sprintf(format, args...)
	panic(outcomeStop{})
}

func (e *outcomeEnv) run(kinds ...string) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(outcomeStop); !ok {
				panic(r)
			}
		}
	}()
	RequireKernel(e, kinds...)
}

func TestRequireKernelDecisions(t *testing.T) {
	RequireRoot(t)
	if InGuest() {
		t.Skip("checks the host's decisions")
	}
	if ok, _ := KindSupported("dummy"); ok {
		t.Skip("this kernel has dummy links; the deferral paths need a kind it lacks")
	}
	kernelTier.mu.Lock()
	savedActive, savedDeferred := kernelTier.active, kernelTier.deferred
	kernelTier.active, kernelTier.deferred = false, nil
	kernelTier.mu.Unlock()
	t.Cleanup(func() {
		kernelTier.mu.Lock()
		kernelTier.active, kernelTier.deferred = savedActive, savedDeferred
		kernelTier.mu.Unlock()
	})

	// A kind this kernel has: the test just runs.
	e := &outcomeEnv{T: t, name: "TestX"}
	e.run("veth")
	if e.fatal != "" || e.skip != "" {
		t.Errorf("veth: fatal %q, skip %q; want to run natively", e.fatal, e.skip)
	}

	// A missing kind without KernelMain is a mistake in the package.
	e = &outcomeEnv{T: t, name: "TestX"}
	e.run("veth", "dummy")
	if !strings.Contains(e.fatal, "testbed.KernelMain") {
		t.Errorf("without KernelMain: fatal %q, want a pointer to KernelMain", e.fatal)
	}

	kernelTier.mu.Lock()
	kernelTier.active = true
	kernelTier.mu.Unlock()

	// The VM switched off: skipped, with both reasons, nothing deferred.
	t.Setenv("GONM_VM", "off")
	e = &outcomeEnv{T: t, name: "TestX/sub"}
	e.run("dummy")
	if !strings.Contains(e.skip, "GONM_VM=off") || !strings.Contains(e.skip, "dummy") {
		t.Errorf("VM off: skip %q, want the kind and the reason", e.skip)
	}
	if len(kernelTier.deferred) != 0 {
		t.Errorf("deferred %v with the VM off", kernelTier.deferred)
	}

	// The VM available: skipped here and queued for the guest under the
	// top-level test's name.
	t.Setenv("GONM_VM", "")
	if ok, why := vmtest.Available(); !ok {
		t.Logf("kernel VM unavailable (%s); not checking the deferral", why)
		return
	}
	e = &outcomeEnv{T: t, name: "TestX/sub"}
	e.run("dummy", "bond")
	if !strings.Contains(e.skip, "runs in the kernel VM") {
		t.Errorf("VM available: skip %q, want the deferral note", e.skip)
	}
	if got := kernelTier.deferred["TestX"]; strings.Join(got, ",") != "dummy,bond" {
		t.Errorf("deferred = %v, want TestX: dummy, bond", kernelTier.deferred)
	}
}
