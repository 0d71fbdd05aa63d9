// Command nmcli is gonm's NetworkManager command-line client, compatible
// with NetworkManager 1.42's nmcli; see internal/nmcli and nmcli(1).
package main

import (
	"os"

	"github.com/gonm/gonm/internal/nmcli"
)

func main() {
	os.Exit(nmcli.Main())
}
