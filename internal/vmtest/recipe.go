package vmtest

// The recipe: everything that goes into the guest image, in one place. A
// change here changes the image's cache key, so the next run rebuilds it.

// The kernel is pinned by exact package name and version: linux-image-amd64
// moves with every Debian point release and security update, and a test
// tier whose kernel changes under it is not reproducible. When Debian's
// archive stops serving this version, apt-get reports it and the pin must
// be moved (GONM_VM_KERNEL_PACKAGE=name=version overrides it for a try).
const (
	KernelPackage = "linux-image-6.1.0-50-amd64"
	KernelVersion = "6.1.176-1"
)

// recipeVersion changes when the way the image is put together changes
// (layout, init protocol), to invalidate cached images.
const recipeVersion = "gonm-vm-image-1"

// guestPackage is a Debian package whose files the guest needs. Files are
// the package's paths to copy (with the shared libraries they link, found
// as ldd would); a package with no Files only provides libraries.
type guestPackage struct {
	Name  string
	Files []string
}

// guestPackages are fetched with `apt-get download` (the candidate version
// of the host's apt sources) and unpacked, never installed on the host.
// Library packages are listed where a fresh host may lack them; the rest of
// the libraries (glibc, libssl, ...) come from the host, which runs the
// same Debian release.
var guestPackages = []guestPackage{
	{Name: "busybox-static", Files: []string{"/bin/busybox"}},
	// dash is /bin/sh: busybox's shell runs its own applets before the
	// real tools, so a script saying `ip` would get busybox's weak ip.
	{Name: "dash", Files: []string{"/bin/dash"}},
	{Name: "iproute2", Files: []string{"/bin/ip", "/sbin/bridge", "/etc/iproute2"}},
	{Name: "hostapd", Files: []string{"/usr/sbin/hostapd", "/usr/sbin/hostapd_cli"}},
	{Name: "wpasupplicant", Files: []string{"/sbin/wpa_supplicant", "/sbin/wpa_cli"}},
	{Name: "iw", Files: []string{"/sbin/iw"}},
	{Name: "wireguard-tools", Files: []string{"/usr/bin/wg"}},
	{Name: "iputils-ping", Files: []string{"/bin/ping"}},
	{Name: "dbus-daemon", Files: []string{"/usr/bin/dbus-daemon"}},
	{Name: "libnl-3-200"},
	{Name: "libnl-genl-3-200"},
	{Name: "libnl-route-3-200"},
	{Name: "libpcsclite1"},
}

// guestModule is a kernel module loaded at boot, after its dependencies
// (which the image builder finds in the modules' own metadata).
type guestModule struct {
	Name   string
	Params string
}

// guestModules are loaded in this order by the guest's init. The guest has
// no modprobe, so the kernel cannot load modules on demand: every module a
// test may need is loaded up front, including those the kernel would ask
// for by alias (team modes, the AEAD and MAC algorithms mac80211 uses).
var guestModules = []guestModule{
	// File sharing with the host.
	{Name: "virtio_pci"},
	{Name: "9pnet_virtio"},
	{Name: "9p"},
	// Link kinds. dummy and bonding would otherwise create dummy0 and
	// bond0 on load, which tests do not expect.
	{Name: "veth"},
	{Name: "bridge"},
	{Name: "macvlan"},
	{Name: "macvtap"},
	{Name: "ipvlan"},
	{Name: "vxlan"},
	{Name: "tun"},
	{Name: "dummy", Params: "numdummies=0"},
	{Name: "bonding", Params: "max_bonds=0"},
	{Name: "8021q"},
	{Name: "wireguard"},
	{Name: "vrf"},
	{Name: "team"},
	{Name: "team_mode_activebackup"},
	{Name: "team_mode_broadcast"},
	{Name: "team_mode_loadbalance"},
	{Name: "team_mode_random"},
	{Name: "team_mode_roundrobin"},
	{Name: "geneve"},
	{Name: "ip_gre"},
	{Name: "macsec"},
	// Wi-Fi: mac80211 looks its ciphers up by name at key installation;
	// without these, hostapd fails with "key addition failed".
	{Name: "ctr"},
	{Name: "ccm"},
	{Name: "gcm"},
	{Name: "ghash_generic"},
	{Name: "cmac"},
	{Name: "seqiv"},
	{Name: "mac80211_hwsim", Params: "radios=2"},
}

// busyboxApplets are linked to busybox in the guest. The real tools above
// take precedence: busybox's ip applet, in particular, must never shadow
// iproute2's.
var busyboxApplets = []string{
	"ash", "cat", "cp", "mv", "rm", "ln", "ls", "mkdir", "rmdir",
	"mount", "umount", "sleep", "echo", "printf", "true", "false", "test",
	"grep", "sed", "awk", "head", "tail", "wc", "sort", "uniq", "cut", "tr",
	"ps", "kill", "pidof", "env", "id", "uname", "date", "dmesg", "find",
	"xargs", "stat", "touch", "chmod", "chown", "readlink", "realpath",
	"dirname", "basename", "hostname", "sync", "poweroff", "reboot", "free",
	"tee", "nc", "od", "hexdump", "seq", "timeout", "which", "less", "vi",
	"diff", "md5sum", "sha256sum", "unshare", "nsenter", "setsid", "ifconfig",
}

// guestEtc are small files the guest's tools read.
var guestEtc = map[string]string{
	"/etc/passwd":        "root:x:0:0:root:/root:/bin/sh\nmessagebus:x:100:101::/nonexistent:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
	"/etc/group":         "root:x:0:\nmessagebus:x:101:\nnogroup:x:65534:\n",
	"/etc/hosts":         "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
	"/etc/nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\n",
	"/etc/machine-id":    "6f6e6d67756573746d616368696e6531\n",
	"/etc/hostname":      "gonm-vm\n",
}
