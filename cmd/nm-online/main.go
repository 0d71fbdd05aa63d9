// Command nm-online waits until NetworkManager is online (or, with -s,
// done starting), compatible with NetworkManager 1.42's nm-online; see
// nm-online(1).
package main

import (
	"os"

	"github.com/gonm/gonm/internal/nmcli"
)

func main() {
	os.Exit(nmcli.OnlineMain())
}
