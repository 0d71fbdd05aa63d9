// Package config reads NetworkManager.conf the way NetworkManager does:
// the system directory (/usr/lib/NetworkManager/conf.d), the run directory
// (/run/NetworkManager/conf.d), the main file, then the /etc conf.d
// directory, later files overriding earlier ones key by key, and answers
// typed questions about the merged result.
//
// It owns only the daemon's configuration, not connection profiles or
// runtime state.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gonm/gonm/internal/gkeyfile"
)

// Paths locates the configuration files. Empty fields take NetworkManager's
// defaults.
type Paths struct {
	ConfigFile      string // --config
	ConfigDir       string // --config-dir
	SystemConfigDir string // --system-config-dir
	RunConfigDir    string // <run dir>/conf.d
	InternConfig    string // --intern-config
}

// Default paths, as NetworkManager is built on Debian.
const (
	DefaultConfigFile      = "/etc/NetworkManager/NetworkManager.conf"
	DefaultConfigDir       = "/etc/NetworkManager/conf.d"
	DefaultSystemConfigDir = "/usr/lib/NetworkManager/conf.d"
	DefaultRunConfigDir    = "/run/NetworkManager/conf.d"
	DefaultInternConfig    = "/var/lib/NetworkManager/NetworkManager-intern.conf"
)

func (p Paths) withDefaults() Paths {
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
	}
	def(&p.ConfigFile, DefaultConfigFile)
	def(&p.ConfigDir, DefaultConfigDir)
	def(&p.SystemConfigDir, DefaultSystemConfigDir)
	def(&p.RunConfigDir, DefaultRunConfigDir)
	def(&p.InternConfig, DefaultInternConfig)
	return p
}

// Config is the merged configuration.
type Config struct {
	Paths Paths
	// MainFile is the main file if it existed, DirFiles the conf.d files
	// that were read, in reading order.
	MainFile string
	DirFiles []string
	merged   *gkeyfile.File
}

// Load reads and merges every configuration file. A file that cannot be
// parsed makes the whole load fail, naming the file, as NetworkManager
// refuses to start with a broken configuration.
func Load(p Paths) (*Config, error) {
	p = p.withDefaults()
	c := &Config{Paths: p, merged: gkeyfile.New()}

	etcFiles, err := confFiles(p.ConfigDir)
	if err != nil {
		return nil, err
	}
	runFiles, err := confFiles(p.RunConfigDir)
	if err != nil {
		return nil, err
	}
	sysFiles, err := confFiles(p.SystemConfigDir)
	if err != nil {
		return nil, err
	}
	// A file in /usr/lib is masked by one of the same name in /etc or /run;
	// one in /run by one of the same name in /etc.
	var ordered []string
	for _, f := range sysFiles {
		if !hasBase(etcFiles, f) && !hasBase(runFiles, f) {
			ordered = append(ordered, f)
		}
	}
	for _, f := range runFiles {
		if !hasBase(etcFiles, f) {
			ordered = append(ordered, f)
		}
	}
	for _, f := range ordered {
		if err := c.merge(f); err != nil {
			return nil, err
		}
		c.DirFiles = append(c.DirFiles, f)
	}
	if _, err := os.Stat(p.ConfigFile); err == nil {
		if err := c.merge(p.ConfigFile); err != nil {
			return nil, err
		}
		c.MainFile = p.ConfigFile
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", p.ConfigFile, err)
	}
	for _, f := range etcFiles {
		if err := c.merge(f); err != nil {
			return nil, err
		}
		c.DirFiles = append(c.DirFiles, f)
	}
	return c, nil
}

// confFiles lists the *.conf files of dir sorted by name; a missing
// directory is empty.
func confFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".conf") || e.IsDir() {
			continue
		}
		files = append(files, filepath.Join(dir, name))
	}
	slices.Sort(files)
	return files, nil
}

func hasBase(files []string, f string) bool {
	b := filepath.Base(f)
	return slices.ContainsFunc(files, func(x string) bool { return filepath.Base(x) == b })
}

func (c *Config) merge(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	kf, err := gkeyfile.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, g := range kf.Groups() {
		dst := c.merged.AddGroup(g.Name)
		for _, k := range g.Keys() {
			v, _ := g.Raw(k)
			dst.SetRaw(k, v)
		}
	}
	return nil
}

// String returns the unescaped value of group.key.
func (c *Config) String(group, key string) (string, bool) {
	g := c.merged.Group(group)
	if g == nil {
		return "", false
	}
	v, ok, err := g.String(key)
	if err != nil {
		raw, _ := g.Raw(key)
		return raw, ok
	}
	return strings.TrimSpace(v), ok
}

// Bool returns group.key as a boolean (yes/true/on/1, no/false/off/0), def
// when unset, and an error for any other value.
func (c *Config) Bool(group, key string, def bool) (bool, error) {
	v, ok := c.String(group, key)
	if !ok {
		return def, nil
	}
	b, err := ParseBool(v)
	if err != nil {
		return def, fmt.Errorf("[%s] %s: %w", group, key, err)
	}
	return b, nil
}

// ParseBool parses NetworkManager's boolean spellings.
func ParseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes", "true", "on", "1":
		return true, nil
	case "no", "false", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("invalid boolean %q", v)
}

// File returns the merged configuration as a key file.
func (c *Config) File() *gkeyfile.File { return c.merged }
