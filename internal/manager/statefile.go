package manager

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gonm/gonm/internal/config"
	"github.com/gonm/gonm/internal/gkeyfile"
)

// runState is what NetworkManager keeps across restarts in its state file
// (/var/lib/NetworkManager/NetworkManager.state): whether networking,
// Wi-Fi and mobile broadband are enabled by the user. Each defaults to
// true.
type runState struct {
	NetworkingEnabled bool
	WirelessEnabled   bool
	WWANEnabled       bool
}

func defaultRunState() runState {
	return runState{NetworkingEnabled: true, WirelessEnabled: true, WWANEnabled: true}
}

// readRunState reads the state file. A missing file gives the defaults
// silently; a broken one gives the defaults and an error to log. Keys that
// are absent or not booleans keep their defaults.
func readRunState(path string) (runState, error) {
	st := defaultRunState()
	if path == "" {
		return st, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("state: error reading state file %q: %w", path, err)
	}
	kf, err := gkeyfile.Parse(data)
	if err != nil {
		return st, fmt.Errorf("state: error reading state file %q: %w", path, err)
	}
	g := kf.Group("main")
	if g == nil {
		return st, nil
	}
	for key, p := range map[string]*bool{
		"NetworkingEnabled": &st.NetworkingEnabled,
		"WirelessEnabled":   &st.WirelessEnabled,
		"WWANEnabled":       &st.WWANEnabled,
	} {
		if v, ok, _ := g.String(key); ok {
			if b, err := config.ParseBool(v); err == nil {
				*p = b
			}
		}
	}
	return st, nil
}

// write stores the state in NetworkManager's layout, replacing the file
// atomically.
func (st runState) write(path string) error {
	if path == "" {
		return nil
	}
	data := fmt.Appendf(nil, "[main]\nNetworkingEnabled=%t\nWirelessEnabled=%t\nWWANEnabled=%t\n",
		st.NetworkingEnabled, st.WirelessEnabled, st.WWANEnabled)
	tmp, err := os.CreateTemp(filepath.Dir(path), ".NetworkManager.state.")
	if err != nil {
		return fmt.Errorf("state: error writing state file %q: %w", path, err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("state: error writing state file %q: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("state: error writing state file %q: %w", path, err)
	}
	return nil
}
