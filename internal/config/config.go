// Package config reads NetworkManager.conf the way NetworkManager does:
// the system directory (/usr/lib/NetworkManager/conf.d), the run directory
// (/run/NetworkManager/conf.d), the main file, then the /etc conf.d
// directory, later files overriding earlier ones key by key, snippets
// switched off by their [.config] enable= rule, "key+=" and "key-=" list
// edits, the internal configuration NetworkManager writes itself, and the
// command line on top. It answers typed questions about the result,
// including the per-device [device*] and per-connection [connection*]
// sections chosen by match specs, prints it as --print-config does, and
// reloads it on request reporting what changed.
//
// It owns only the daemon's configuration, not connection profiles or
// runtime state. It may call internal/gkeyfile.
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
	// ConfigFile is --config. When given it must exist; when empty the
	// default main file is used if it exists.
	ConfigFile      string
	ConfigDir       string // --config-dir
	SystemConfigDir string // --system-config-dir
	RunConfigDir    string // <run dir>/conf.d
	InternConfig    string // --intern-config; "" default, "-" for none
	// NoAutoDefaultFile records devices whose automatic profile was
	// deleted; "" is the default in /var/lib/NetworkManager.
	NoAutoDefaultFile string
}

// Default paths, as NetworkManager is built on Debian.
const (
	DefaultConfigFile      = "/etc/NetworkManager/NetworkManager.conf"
	DefaultConfigFileOld   = "/etc/NetworkManager/nm-system-settings.conf"
	DefaultConfigDir       = "/etc/NetworkManager/conf.d"
	DefaultSystemConfigDir = "/usr/lib/NetworkManager/conf.d"
	DefaultRunConfigDir    = "/run/NetworkManager/conf.d"
	DefaultInternConfig    = "/var/lib/NetworkManager/NetworkManager-intern.conf"
	DefaultNoAutoDefault   = "/var/lib/NetworkManager/no-auto-default.state"
)

// Overrides are the command line options that take precedence over every
// file.
type Overrides struct {
	Plugins string // --plugins, set verbatim
	// ConfigureAndQuit is "no" (the default), "yes" or "initrd".
	ConfigureAndQuit     string
	ConnectivityURI      string
	ConnectivityInterval int // -1: not given
	ConnectivityResponse string
}

func (p Paths) withDefaults() Paths {
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
	}
	def(&p.ConfigDir, DefaultConfigDir)
	def(&p.SystemConfigDir, DefaultSystemConfigDir)
	def(&p.RunConfigDir, DefaultRunConfigDir)
	def(&p.InternConfig, DefaultInternConfig)
	return p
}

// Config is one loaded configuration. It is immutable; Reload makes a new
// one.
type Config struct {
	Paths     Paths
	Overrides Overrides
	// MainFile is the main file in effect (the default path when none
	// existed); Description is NetworkManager's one-line summary of the
	// files read: "MAIN (lib: a.conf) (run: b.conf) (etc: c.conf)".
	MainFile    string
	Description string
	// DirFiles are the conf.d files that were read, in reading order.
	DirFiles []string
	// Warnings are what NetworkManager warns about at startup (unknown
	// keys, invalid values).
	Warnings []string

	user   *gkeyfile.File // the files and the command line
	intern *gkeyfile.File // NetworkManager-intern.conf, or nil
	merged *gkeyfile.File

	devices     []matchSection
	connections []matchSection
}

// Load reads and merges every configuration file. A file that cannot be
// parsed, or a --config file that does not exist, makes the whole load
// fail naming the file, as NetworkManager refuses to start then.
func Load(p Paths) (*Config, error) {
	return LoadWith(p, Overrides{ConnectivityInterval: -1})
}

// LoadWith is Load with command line overrides.
func LoadWith(p Paths, o Overrides) (*Config, error) {
	p = p.withDefaults()
	c := &Config{Paths: p, Overrides: o, user: gkeyfile.New()}

	etcFiles, err := confFiles(p.ConfigDir)
	if err != nil {
		return nil, err
	}
	runDir := p.RunConfigDir
	if runDir == p.SystemConfigDir || runDir == p.ConfigDir {
		runDir = ""
	}
	runFiles, err := confFiles(runDir)
	if err != nil {
		return nil, err
	}
	sysFiles, err := confFiles(p.SystemConfigDir)
	if err != nil {
		return nil, err
	}
	// A file in /usr/lib is masked by one of the same name in /etc or /run;
	// one in /run by one of the same name in /etc.
	var libRead, runRead, etcRead []string
	for _, f := range sysFiles {
		if hasBase(etcFiles, f) || hasBase(runFiles, f) {
			continue
		}
		if err := c.readFile(f, false); err != nil {
			return nil, err
		}
		libRead = append(libRead, f)
	}
	for _, f := range runFiles {
		if hasBase(etcFiles, f) {
			continue
		}
		if err := c.readFile(f, false); err != nil {
			return nil, err
		}
		runRead = append(runRead, f)
	}
	if err := c.readMain(); err != nil {
		return nil, err
	}
	for _, f := range etcFiles {
		if err := c.readFile(f, false); err != nil {
			return nil, err
		}
		etcRead = append(etcRead, f)
	}
	c.DirFiles = slices.Concat(libRead, runRead, etcRead)
	c.applyOverrides()

	var b strings.Builder
	b.WriteString(c.MainFile)
	for _, part := range []struct {
		name  string
		files []string
	}{{"lib", libRead}, {"run", runRead}, {"etc", etcRead}} {
		for i, f := range part.files {
			if i == 0 {
				fmt.Fprintf(&b, " (%s: ", part.name)
			} else {
				b.WriteString(", ")
			}
			b.WriteString(filepath.Base(f))
		}
		if len(part.files) > 0 {
			b.WriteString(")")
		}
	}
	c.Description = b.String()

	if p.InternConfig != "-" {
		c.intern = readIntern(p.InternConfig, c.user)
	}
	c.merged = mergeIntern(c.user, c.intern)
	c.devices = buildMatchSections(c.merged, groupPrefixDevice)
	c.connections = buildMatchSections(c.merged, groupPrefixConnection)
	if _, ok := c.authPolkit(); !ok {
		c.Warnings = append(c.Warnings, `invalid setting for main.auth-polkit (should be one of "true", "false", "root-only")`)
	}
	return c, nil
}

// readMain reads the main file: the one given, else the old
// nm-system-settings.conf, else NetworkManager.conf; with none, the
// default path stands in the description.
func (c *Config) readMain() error {
	if c.Paths.ConfigFile != "" {
		if _, err := os.Stat(c.Paths.ConfigFile); err != nil {
			return fmt.Errorf("file %s not found", c.Paths.ConfigFile)
		}
		c.MainFile = c.Paths.ConfigFile
		return c.readFile(c.Paths.ConfigFile, true)
	}
	for _, f := range []string{DefaultConfigFileOld, DefaultConfigFile} {
		if _, err := os.Stat(f); err != nil {
			continue
		}
		c.MainFile = f
		return c.readFile(f, true)
	}
	c.MainFile = DefaultConfigFile
	return nil
}

// confFiles lists the *.conf files of dir sorted by name; a missing
// directory is empty.
func confFiles(dir string) ([]string, error) {
	if dir == "" {
		return nil, nil
	}
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
		if !strings.HasSuffix(name, ".conf") {
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

// applyOverrides puts the command line on top of the files.
func (c *Config) applyOverrides() {
	o := c.Overrides
	main := c.user.AddGroup(GroupMain)
	if o.Plugins != "" {
		main.SetRaw("plugins", o.Plugins)
	}
	switch o.ConfigureAndQuit {
	case "", "no":
		main.SetString("configure-and-quit", "no")
	default:
		main.SetString("configure-and-quit", o.ConfigureAndQuit)
	}
	if o.ConnectivityURI != "" {
		c.user.AddGroup(GroupConnectivity).SetString("uri", o.ConnectivityURI)
	}
	if o.ConnectivityInterval >= 0 {
		c.user.AddGroup(GroupConnectivity).SetRaw("interval", fmt.Sprint(o.ConnectivityInterval))
	}
	if o.ConnectivityResponse != "" {
		c.user.AddGroup(GroupConnectivity).SetString("response", o.ConnectivityResponse)
	}
}

// File returns the merged configuration as a key file (raw values).
func (c *Config) File() *gkeyfile.File { return c.merged }

// Raw returns group.key exactly as written.
func (c *Config) Raw(group, key string) (string, bool) {
	g := c.merged.Group(group)
	if g == nil {
		return "", false
	}
	return g.Raw(key)
}

// String returns the unescaped value of group.key with surrounding blanks
// removed. A value GLib cannot unescape is returned raw.
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
