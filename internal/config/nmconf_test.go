package config

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tree writes a configuration tree and returns its Paths.
func tree(t *testing.T, files map[string]string) Paths {
	t.Helper()
	d := t.TempDir()
	for name, text := range files {
		write(t, filepath.Join(d, name), text)
	}
	main := filepath.Join(d, "NetworkManager.conf")
	if _, ok := files["NetworkManager.conf"]; !ok {
		write(t, main, "")
	}
	return Paths{ConfigFile: main, ConfigDir: filepath.Join(d, "conf.d"), SystemConfigDir: filepath.Join(d, "lib"),
		RunConfigDir: filepath.Join(d, "run"), InternConfig: filepath.Join(d, "intern.conf"),
		NoAutoDefaultFile: filepath.Join(d, "no-auto-default.state")}
}

func mustLoad(t *testing.T, p Paths) *Config {
	t.Helper()
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestListEdits(t *testing.T) {
	c := mustLoad(t, tree(t, map[string]string{
		"NetworkManager.conf": "[main]\nplugins=keyfile,ifupdown\nno-auto-default=eth0,mac:00:11:22:33:44:55\n",
		"conf.d/10.conf": "[main]\nplugins+=foo,keyfile\nplugins-=ifupdown\nno-auto-default-=eth0\nno-auto-default+=a\\,b, c ;d\n" +
			"dns+=x\n[logging]\ndomains+=CORE\n[keyfile]\nunmanaged-devices+=interface-name:eth9\n",
	}))
	if got := c.Plugins(); !slices.Equal(got, []string{"keyfile", "foo"}) {
		t.Errorf("plugins %v", got)
	}
	if got := c.NoAutoDefault(); !slices.Equal(got, []string{"mac:00:11:22:33:44:55", "a,b", "c", "d"}) {
		t.Errorf("no-auto-default %v", got)
	}
	if raw, _ := c.Raw("main", "no-auto-default"); raw != `mac:00:11:22:33:44:55,a\,b,c,d` {
		t.Errorf("joined specs %q", raw)
	}
	if _, ok := c.Raw("main", "dns"); ok {
		t.Error("dns+= applied to a key that is not a list")
	}
	if raw, _ := c.Raw("logging", "domains"); raw != "CORE" {
		t.Errorf("logging.domains %q", raw)
	}
	if got := c.UnmanagedDevices(); !slices.Equal(got, []string{"interface-name:eth9"}) {
		t.Errorf("unmanaged-devices %v", got)
	}
	// plugins-= on an unset list starts from the (empty) default.
	c = mustLoad(t, tree(t, map[string]string{"conf.d/1.conf": "[main]\nplugins-=keyfile\n"}))
	if raw, ok := c.Raw("main", "plugins"); !ok || raw != "" {
		t.Errorf("plugins after -= on default: %q %v", raw, ok)
	}
}

func TestSnippetEnable(t *testing.T) {
	t.Setenv("NM_CONFIG_ENABLE_TAG", "tagged")
	c := mustLoad(t, tree(t, map[string]string{
		"conf.d/a.conf": "[.config]\nenable=false\n[main]\na=1\n",
		"conf.d/b.conf": "[.config]\nenable=yes\n[main]\nb=1\n",
		"conf.d/c.conf": "[.config]\nenable=nm-version-min:1.40\n[main]\nc=1\n",
		"conf.d/d.conf": "[.config]\nenable=nm-version-max:1.40\n[main]\nd=1\n",
		"conf.d/e.conf": "[.config]\nenable=env:tagged\n[main]\ne=1\n",
		"conf.d/f.conf": "[.config]\nenable=nm-version-min:1.40,except:env:tagged\n[main]\nf=1\n",
		"conf.d/g.conf": "[.config]\nenable=nm-version:1.42\n[main]\ng=1\n",
		"conf.d/h.conf": "[.config]\nenable=nm-version:1.42.3\n[main]\nh=1\n",
		// The base file ignores its own [.config].
		"NetworkManager.conf": "[.config]\nenable=false\n[main]\nbase=1\n",
	}))
	for k, want := range map[string]bool{"a": false, "b": true, "c": true, "d": false, "e": true, "f": false, "g": true, "h": false, "base": true} {
		if _, ok := c.Raw("main", k); ok != want {
			t.Errorf("main.%s present %v, want %v", k, ok, want)
		}
	}
	if c.File().Group(".config") != nil {
		t.Error("[.config] kept")
	}
}

func TestMatchSpecs(t *testing.T) {
	if got := SplitSpecs(` a , b\,c ;\sd, e\\f ,,`); !slices.Equal(got, []string{"a", "b,c", " d", `e\f`}) {
		t.Errorf("SplitSpecs %q", got)
	}
	specs := []string{" x", "a,b", `c\d`}
	if got := SplitSpecs(JoinSpecs(specs)); !slices.Equal(got, specs) {
		t.Errorf("round trip %q", got)
	}
	eth0 := Device{Interface: "eth0", Type: "ethernet", Driver: "e1000e", DriverVersion: "3.2.6-k", HwAddr: "00:11:22:33:44:55", S390Subchannel: "0.0.0800,0.0.0801"}
	for spec, want := range map[string]MatchResult{
		"interface-name:eth*": Match, "interface-name:=eth*": NoMatch, "interface-name:~eth?": Match,
		"eth0": Match, "00:11:22:33:44:55": Match, "mac:00-11-22-33-44-55": Match, "MAC:00:11:22:33:44:56": NoMatch,
		"type:ethernet": Match, "type:wifi": NoMatch, "driver:e1000e": Match, "driver:e1000e/3.*": Match,
		"driver:e1000e/4.*": NoMatch, "s390-subchannels:0.0.0800": Match, "*": Match,
		// A bare word after "except:" is not taken as a name or MAC.
		"except:eth0": Match, "except:interface-name:eth0": NegMatch, "except:interface-name:eth1": Match,
		"eth1,except:interface-name:eth0": NegMatch, "eth1": NoMatch,
		"except:type:wifi,interface-name:eth0": Match,
	} {
		if got := MatchDevice(SplitSpecs(spec), eth0); got != want {
			t.Errorf("MatchDevice(%q) = %v, want %v", spec, got, want)
		}
	}
	p := Profile{ID: "home", UUID: "u-1"}
	if MatchConnection([]string{"id:home"}, p) != Match || MatchConnection([]string{"uuid:x"}, p) != NoMatch ||
		MatchConnection([]string{"except:id:home"}, p) != NegMatch {
		t.Error("MatchConnection")
	}
}

func TestDeviceAndConnectionSections(t *testing.T) {
	c := mustLoad(t, tree(t, map[string]string{
		"NetworkManager.conf": "[connection]\nipv4.route-metric=10\nipv6.ip6-privacy=1\n" +
			"[connection-eth]\nmatch-device=interface-name:eth*\nipv4.route-metric=20\n" +
			"[connection-eth0]\nmatch-device=interface-name:eth0\nipv4.route-metric=30\n" +
			"[device]\nmanaged=1\n[device-wlan]\nmatch-device=type:wifi\nmanaged=0\nwifi.backend=iwd\n" +
			"[device-stop]\nmatch-device=interface-name:stop0\nstop-match=yes\n",
		"conf.d/90.conf": "[connection-late]\nmatch-device=interface-name:eth1\nipv4.route-metric=40\n",
	}))
	metric := func(ifname string) string {
		v, _ := c.ConnectionDefault("ipv4.route-metric", &Device{Interface: ifname})
		return v
	}
	// Within a file the earlier section wins; a later file wins over an
	// earlier one; [connection] comes last.
	for ifname, want := range map[string]string{"eth0": "20", "eth1": "40", "eth2": "20", "wlan0": "10"} {
		if got := metric(ifname); got != want {
			t.Errorf("route-metric for %s = %q, want %q", ifname, got, want)
		}
	}
	if v, _ := c.ConnectionDefault("ipv6.ip6-privacy", &Device{Interface: "eth0"}); v != "1" {
		t.Errorf("ip6-privacy %q", v)
	}
	if v, found, matched := c.DeviceValue("managed", Device{Interface: "wlan0", Type: "wifi"}); v != "0" || !found || !matched {
		t.Errorf("wifi managed %q %v %v", v, found, matched)
	}
	if v, _, _ := c.DeviceValue("managed", Device{Interface: "eth0", Type: "ethernet"}); v != "1" {
		t.Errorf("eth managed %q", v)
	}
	if _, found, matched := c.DeviceValue("managed", Device{Interface: "stop0"}); found || !matched {
		t.Errorf("stop-match: found %v matched %v", found, matched)
	}
}

func TestUnknownKeysAndPolkitWarnings(t *testing.T) {
	p := tree(t, map[string]string{
		"NetworkManager.conf": "[main]\nauth-polkit=perhaps\nbogus=1\n[foo]\nbar=1\n[connection]\nipv4.nonsense=1\n[device-x]\nmanaged=1\n",
	})
	c := mustLoad(t, p)
	want := []string{
		"unknown key 'bogus' in section [main] of file '" + p.ConfigFile + "'",
		"unknown key 'bar' in section [foo] of file '" + p.ConfigFile + "'",
		"unknown key 'ipv4.nonsense' in section [connection] of file '" + p.ConfigFile + "'",
		`invalid setting for main.auth-polkit (should be one of "true", "false", "root-only")`,
	}
	if !slices.Equal(c.Warnings, want) {
		t.Errorf("warnings:\n%s", strings.Join(c.Warnings, "\n"))
	}
	if c.AuthPolkit() != "true" {
		t.Errorf("auth-polkit fallback %q", c.AuthPolkit())
	}
}

func TestPrintFormat(t *testing.T) {
	p := tree(t, map[string]string{
		"NetworkManager.conf": "[main]\ndns=dnsmasq\n[logging]\nlevel=INFO\n[zz]\nk=v\n[aa]\nk=v\n[device-a]\nmanaged=0\n[connection-x]\nipv4.route-metric=5\n[connection]\nipv6.ip6-privacy=2\n",
		"lib/00.conf":         "[main]\nauth-polkit=false\n",
	})
	c := mustLoad(t, p)
	var b bytes.Buffer
	c.Print(&b)
	want := "# NetworkManager configuration: " + p.ConfigFile + " (lib: 00.conf)\n" +
		"\n[main]\n# plugins=\n# rc-manager=\n# dhcp=internal\n# iwd-config-path=\nauth-polkit=false\ndns=dnsmasq\nconfigure-and-quit=no\n" +
		"\n[aa]\nk=v\n" +
		"\n[logging]\n# backend=journal\n# audit=true\nlevel=INFO\n" +
		"\n[zz]\nk=v\n" +
		"\n[device]\n# wifi.backend=wpa_supplicant\n" +
		"\n[device-a]\nmanaged=0\n" +
		"\n[connection]\nipv6.ip6-privacy=2\n" +
		"\n[connection-x]\nipv4.route-metric=5\n" +
		"\n# no-auto-default file \"" + p.NoAutoDefaultFile + "\"\n" +
		"\n# WARNING: unknown key 'k' in section [zz] of file '" + p.ConfigFile + "'\n" +
		"# WARNING: unknown key 'k' in section [aa] of file '" + p.ConfigFile + "'\n"
	if b.String() != want {
		t.Errorf("print-config:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestReloadReportsChanges(t *testing.T) {
	p := tree(t, map[string]string{"NetworkManager.conf": "[main]\ndns=default\n"})
	c := mustLoad(t, p)
	same, ch, err := c.Reload(CauseSIGHUP)
	if err != nil || same != c || ch != CauseSIGHUP {
		t.Fatalf("unchanged reload: %v %v %v", same == c, ch, err)
	}
	write(t, p.ConfigFile, "[main]\ndns=none\nrc-manager=file\n[connectivity]\nuri=http://x/\n")
	write(t, filepath.Join(p.ConfigDir, "new.conf"), "[main]\n")
	n, ch, err := c.Reload(CauseSIGHUP)
	if err != nil || n == c {
		t.Fatal(err)
	}
	if got := ch.String(); got != "SIGHUP,config-files,values,values-user,connectivity,dns-mode,rc-manager" {
		t.Errorf("changes %q", got)
	}
	write(t, p.ConfigFile, "[main\n")
	kept, _, err := n.Reload(CauseConf)
	if err == nil || kept != n {
		t.Errorf("broken file: %v", err)
	}
}

func TestInternConfig(t *testing.T) {
	p := tree(t, map[string]string{"NetworkManager.conf": "[main]\ndns=default\n[connectivity]\nenabled=true\n"})
	write(t, p.InternConfig, "[.intern.global-dns]\nsearches=example.com\n[connectivity]\n.set.enabled=false\n.was.enabled=true\n")
	c := mustLoad(t, p)
	if c.Connectivity().Enabled {
		t.Error("intern .set value not applied")
	}
	if v, _ := c.Raw(".intern.global-dns", "searches"); v != "example.com" {
		t.Errorf("intern group: %q", v)
	}
	// Once the user changes the value, the intern override is stale.
	write(t, p.ConfigFile, "[main]\ndns=default\n[connectivity]\nenabled=yes\n")
	c = mustLoad(t, p)
	if !c.Connectivity().Enabled {
		t.Error("stale intern value applied")
	}
}

func TestMissingMainFile(t *testing.T) {
	d := t.TempDir()
	_, err := Load(Paths{ConfigFile: filepath.Join(d, "none.conf"), ConfigDir: d})
	if err == nil || err.Error() != "file "+filepath.Join(d, "none.conf")+" not found" {
		t.Errorf("missing --config: %v", err)
	}
	if _, err := os.Stat(DefaultConfigFile); err == nil {
		t.Skip("the host has a main file; the default case cannot be tested here")
	}
}
