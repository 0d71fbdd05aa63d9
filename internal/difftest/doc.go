// Package difftest holds differential tests: each scenario runs against
// Debian's NetworkManager 1.42 (the reference) and against gonm, side by
// side in twin namespaces on their own private buses, and compares what
// clients see. Tests skip when the reference is not installed.
package difftest
