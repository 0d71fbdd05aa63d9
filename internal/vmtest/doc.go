// Package vmtest owns the kernel VM test tier: it builds a small bootable
// image from Debian's stock kernel package (which has every link kind and
// mac80211_hwsim as modules, unlike the kernel the tests otherwise run on)
// plus the few user-space tools tests need, caches it outside the
// repository keyed by a hash of its inputs, and boots it under QEMU (TCG,
// one vCPU) to run one command, usually a package's compiled test binary,
// returning that command's output and exit status.
//
// It calls apt-get, apt-cache, dpkg-deb, xz and qemu-system-x86_64 on the
// host, and nothing of gonm's daemon. internal/testbed builds its
// RequireKernel/KernelMain mechanism on top of it; cmd/gonm-vm (under this
// directory) and the Makefile's vm-image and test-vm targets drive it by
// hand. The guest side, the program that runs as PID 1 in the guest, is
// the guestinit directory below.
package vmtest
