package vmtest_test

import (
	"testing"

	"github.com/gonm/gonm/internal/testbed"
)

// Tests that need link kinds or radios this kernel lacks run in the kernel
// VM guest, booted once for the whole package.
func TestMain(m *testing.M) { testbed.KernelMain(m) }
