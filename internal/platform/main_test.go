package platform

import (
	"testing"

	"github.com/gonm/gonm/internal/testbed"
)

// Tests of link kinds this machine's kernel lacks run in the kernel VM
// tier (testbed.RequireKernel).
func TestMain(m *testing.M) { testbed.KernelMain(m) }
