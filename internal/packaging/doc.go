// Package packaging tests what `make install` puts on a system: the
// programs, the systemd unit, the D-Bus policy and activation file. It has
// no code of its own.
package packaging
