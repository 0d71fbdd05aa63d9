package nmclitest

import (
	"fmt"
	"os"
	"testing"
	"time"
)

// Scratch probe (not committed): a populated world kept alive for manual runs.
func TestZZProbe(t *testing.T) {
	dir := os.Getenv("NMCLI_PROBE")
	if dir == "" {
		t.Skip("probe only")
	}
	kind := DaemonFromEnv()
	w := NewWorld(t, kind)
	w.Populate()
	os.WriteFile(dir+"/env", []byte(fmt.Sprintf("NS=%s\nBUS=%s\nHOME=%s\n", w.NS.Name, w.NS.Bus.Address, w.home())), 0o644)
	for i := 0; i < 6*3600; i++ {
		if _, err := os.Stat(dir + "/stop"); err == nil {
			os.Remove(dir + "/stop")
			return
		}
		time.Sleep(time.Second)
	}
}
