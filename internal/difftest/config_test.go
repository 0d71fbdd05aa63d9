package difftest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/gonm/gonm/internal/config"
	"github.com/gonm/gonm/internal/testbed"
)

// printConfigCases are NetworkManager.conf trees: file name → content.
var printConfigCases = []struct {
	name  string
	files map[string]string
}{
	{"empty", map[string]string{"etc/NetworkManager.conf": ""}},
	{"debian-default", map[string]string{"etc/NetworkManager.conf": "[main]\nplugins=ifupdown,keyfile\n\n[ifupdown]\nmanaged=false\n"}},
	{"layers", map[string]string{
		"etc/NetworkManager.conf": "[main]\nplugins=keyfile,ifupdown\ndns=dnsmasq\nno-auto-default=eth0,mac:00:11:22:33:44:55\n\n" +
			"[logging]\nlevel=INFO\n\n[device-a]\nmatch-device=interface-name:eth*\nmanaged=0\n\n" +
			"[connection-x]\nipv4.route-metric=50\n[connection]\nipv6.ip6-privacy=2\n\n[ifupdown]\nmanaged=false\n[foo]\nbar=baz\n",
		"etc/conf.d/10-x.conf": "[main]\nplugins+=foo\nno-auto-default-=eth0\nunknownkey=1\n[.config]\nenable=true\n" +
			"[connection-y]\nmatch-device=interface-name:eth1\nipv4.dad-timeout=0\n",
		"etc/conf.d/20-disabled.conf": "[.config]\nenable=false\n[main]\ndns=none\n",
		"lib/conf.d/00-lib.conf":      "[main]\nauth-polkit=false\n[device]\nwifi.scan-rand-mac-address=no\n",
		"lib/conf.d/10-masked.conf":   "[main]\nmasked=1\n",
		"etc/conf.d/10-masked.conf":   "[main]\nunmasked=1\n",
	}},
	{"lists-and-specs", map[string]string{
		"etc/NetworkManager.conf": "",
		"etc/conf.d/x.conf": "[main]\nplugins-=keyfile\nplugins+=foo\nno-auto-default+=a\\,b, c ;d\ndebug=x\n" +
			"[.config]\nenable=nm-version-min:1.40,except:env:foo\n[connection]\nipv4.route-metric=1\n" +
			"[keyfile]\nunmanaged-devices=interface-name:eth0\nunmanaged-devices+=mac:00:11:22:33:44:55\n",
		"etc/conf.d/y.conf": "[.config]\nenable=nm-version:1.41\n[main]\ndns=systemd-resolved\n",
	}},
	{"escapes-and-warnings", map[string]string{
		"etc/NetworkManager.conf": "[main]\nauth-polkit=sometimes\nhostname-mode=none\n" +
			"[connectivity]\nuri=http://example.com/check\ninterval=60\nresponse=  spaced out \n" +
			"[global-dns]\nsearches=a.example,b.example\n[global-dns-domain-*]\nservers=8.8.8.8\n" +
			"[device-wifi]\nmatch-device=type:wifi\nwifi.backend=iwd\nbogus=1\n",
		"etc/conf.d/z.conf": "[logging]\nlevel=TRACE\ndomains=ALL,-WIFI_SCAN\n[keyfile]\npath=/var/lib/profiles\n",
	}},
}

// TestPrintConfigMatchesReference compares `--print-config` of gonm's
// config package with NetworkManager 1.42's on several trees.
func TestPrintConfigMatchesReference(t *testing.T) {
	testbed.RequireReference(t)
	ns := testbed.NewNetns(t)
	for _, tc := range printConfigCases {
		t.Run(tc.name, func(t *testing.T) {
			d := t.TempDir()
			for name, text := range tc.files {
				p := filepath.Join(d, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			paths := config.Paths{
				ConfigFile:      filepath.Join(d, "etc/NetworkManager.conf"),
				ConfigDir:       filepath.Join(d, "etc/conf.d"),
				SystemConfigDir: filepath.Join(d, "lib/conf.d"),
				InternConfig:    filepath.Join(d, "intern.conf"),
			}
			// The reference reads /run/NetworkManager/conf.d and the state
			// files of /var/lib/NetworkManager; give it empty ones.
			script := "mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/lib/NetworkManager && exec " +
				testbed.ReferenceBinary + " --print-config --config=" + paths.ConfigFile + " --config-dir=" + paths.ConfigDir +
				" --system-config-dir=" + paths.SystemConfigDir + " --intern-config=" + paths.InternConfig
			want, err := ns.Run("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
			if err != nil {
				t.Fatalf("reference: %v", err)
			}
			paths.RunConfigDir = filepath.Join(d, "run/conf.d")
			cfg, err := config.Load(paths)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			cfg.Print(&got)
			if want != got.String() {
				t.Errorf("print-config differs\n--- reference\n%s\n--- gonm\n%s", want, got.String())
			}
		})
	}
}
