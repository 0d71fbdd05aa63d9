package logging

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
)

const defaultDomains = "PLATFORM,RFKILL,ETHER,WIFI,BT,MB,DHCP4,DHCP6,PPP,IP4,IP6,AUTOIP4,DNS,VPN," +
	"SHARING,SUPPLICANT,AGENTS,SETTINGS,SUSPEND,CORE,DEVICE,OLPC,INFINIBAND,FIREWALL,ADSL,BOND," +
	"VLAN,BRIDGE,TEAM,CONCHECK,DCB,DISPATCH,AUDIT,SYSTEMD,PROXY"

// The sequences below were run against NetworkManager 1.42's SetLogging and
// GetLogging; each step's expectation is what it answered.
func TestSetGetMatchesNetworkManager(t *testing.T) {
	type step struct{ level, domains, wantLevel, wantDomains string }
	steps := []step{
		{"", "", "INFO", defaultDomains},
		{"", "PLATFORM:DEBUG", "INFO", "PLATFORM:DEBUG"},
		{"TRACE", "CORE", "TRACE", "CORE"},
		{"INFO", "DEFAULT,CORE:TRACE,DHCP:WARN", "INFO", strings.NewReplacer(
			"DHCP4", "DHCP4:WARN", "DHCP6", "DHCP6:WARN", "CORE", "CORE:TRACE").Replace(defaultDomains)},
		{"", "ALL,WIFI_SCAN:OFF", "INFO", strings.Replace(strings.Replace(defaultDomains,
			"BRIDGE", "BRIDGE,DBUS_PROPS", 1), "SYSTEMD", "SYSTEMD,VPN_PLUGIN", 1)},
		{"", "IP4,WIFI_SCAN,PPP,DHCP", "INFO", "DHCP4,DHCP6,PPP,WIFI_SCAN,IP4"},
		{"debug", "IP:trace,HW", "DEBUG", "PLATFORM,IP4:TRACE,IP6:TRACE"},
		{"err", "CORE:KEEP,PLATFORM:OFF", "ERR", ""},
		{"off", "ALL", "OFF", ""},
		{"info", "PLATFORM:DEBUG,CORE", "INFO", "PLATFORM:DEBUG,CORE"},
		{"warn", "", "WARN", "PLATFORM,CORE"},
		{"", "", "WARN", "PLATFORM,CORE"},
		{"debug", "CORE:ERR,IP4", "DEBUG", "IP4,CORE:ERR"},
		{"", "IP6", "DEBUG", "IP6"},
		{"", "IP6:KEEP,IP4:KEEP", "DEBUG", "IP6"},
		{"KEEP", "DEFAULT", "DEBUG", defaultDomains},
	}
	l := New(NewOutput(&bytes.Buffer{}, false))
	for i, s := range steps {
		if err := l.Set(s.level, s.domains); err != nil {
			t.Fatalf("step %d: Set(%q, %q): %v", i, s.level, s.domains, err)
		}
		lv, ds := l.Get()
		if lv != s.wantLevel || ds != s.wantDomains {
			t.Fatalf("step %d: Set(%q, %q) then Get = %q, %q; want %q, %q",
				i, s.level, s.domains, lv, ds, s.wantLevel, s.wantDomains)
		}
	}
}

func TestSetRejectsUnknownAndChangesNothing(t *testing.T) {
	l := New(NewOutput(&bytes.Buffer{}, false))
	cases := []struct {
		level, domains string
		want           string
	}{
		{"bogus", "", "Unknown log level 'bogus'"},
		{"ERROR", "DEFAULT", "Unknown log level 'ERROR'"},
		{"info", "NONE", "Unknown log domain 'NONE'"},
		{"", "CORE,FOO", "Unknown log domain 'FOO'"},
		{"", "CORE:LOUD", "Unknown log level 'LOUD'"},
	}
	for _, c := range cases {
		err := l.Set(c.level, c.domains)
		if err == nil || err.Error() != c.want {
			t.Errorf("Set(%q, %q) = %v, want %q", c.level, c.domains, err, c.want)
		}
		if lv, ds := l.Get(); lv != "INFO" || ds != defaultDomains {
			t.Fatalf("failed Set(%q, %q) changed the configuration to %s %s", c.level, c.domains, lv, ds)
		}
	}
	var lvErr *UnknownLevelError
	if !errors.As(l.Set("x", ""), &lvErr) {
		t.Error("unknown level is not an *UnknownLevelError")
	}
	var domErr *UnknownDomainError
	if !errors.As(l.Set("", "x"), &domErr) {
		t.Error("unknown domain is not an *UnknownDomainError")
	}
}

func TestHandlerFormatAndFiltering(t *testing.T) {
	var buf bytes.Buffer
	l := New(NewOutput(&buf, true))
	plat := l.For(Platform, "platform")
	core := l.For(Core, "")
	plat.Debug("hidden at INFO")
	Trace(plat, "hidden trace")
	plat.Info("link added", "ifindex", 3, "name", "veth 0")
	core.Warn("careful")
	core.Error("broken")
	if err := l.Set("", "PLATFORM:TRACE"); err != nil {
		t.Fatal(err)
	}
	Trace(plat, "now visible")
	core.Error("core is off now")

	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	want := []string{
		`<info>  [TS] platform: link added ifindex=3 name="veth 0"`,
		`<warn>  [TS] careful`,
		`<error> [TS] broken`,
		`<trace> [TS] platform: now visible`,
	}
	ts := regexp.MustCompile(`\[\d+\.\d{4}\]`)
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i := range want {
		if got := ts.ReplaceAllString(lines[i], "[TS]"); got != want[i] {
			t.Errorf("line %d = %q, want %q", i, got, want[i])
		}
	}
}
