package setting

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Priority orders settings the way NetworkManager does when it verifies a
// profile and writes a keyfile: connection first, then the base
// (hardware) settings, auxiliary ones, IP, and user data last.
type Priority int

const (
	prioConnection Priority = 1
	prioHWBase     Priority = 2
	prioHWNonBase  Priority = 3
	prioHWAux      Priority = 4
	prioAux        Priority = 5
	prioIP         Priority = 6
	prioUser       Priority = 10
)

// IntRange limits an integer property; nil means the full range of its type.
type IntRange struct{ Min, Max int64 }

func rng(min, max int64) *IntRange { return &IntRange{min, max} }

// ternaryValues are the members of NMTernary (default, false, true).
var ternaryValues = []int64{-1, 0, 1}

// Property describes one property of a setting: everything the D-Bus,
// keyfile and nmcli faces and validation need to know.
type Property struct {
	Name string
	Kind Kind
	// DBus is the signature of the D-Bus key named Name; empty when the
	// property has no D-Bus key of its own name.
	DBus string
	// Default is the value of an unset property; nil means NULL (unset
	// string, no list).
	Default any
	// Range limits an integer property.
	Range *IntRange
	// Values lists the members of an enum-typed property; a D-Bus value
	// must be one of them.
	Values []int64
	// Mask holds the bits a flags-typed property may have.
	Mask uint64
	// Secret marks secrets: left out of GetSettings, written to keyfiles
	// only when their *-flags say NetworkManager owns them.
	Secret bool
	// SecretFlags marks the "<secret>-flags" property of a secret.
	SecretFlags bool
	// Option marks the name/value options of a "gendata" setting
	// (ethtool): they have no default, they are either set or not.
	Option bool
	// Direct marks properties NetworkManager implements with its "direct"
	// property type: their D-Bus type errors carry a second prefix.
	Direct bool
	// Deprecated properties are kept and round-trip, but clients should
	// not use them.
	Deprecated bool
	// AlwaysEmit properties appear in GetSettings even with their default
	// value (NetworkManager keeps them non-NULL).
	AlwaysEmit bool
	// KeepEmpty lists distinguish "unset" from "set to nothing"
	// (ipv4.dns-options); other lists fold an empty value to unset.
	KeepEmpty bool
	// Normalize canonicalizes a value on every set (MAC address case,
	// lower-case key-mgmt, canonical IP address text).
	Normalize func(v any) any
	// Nmcli is how nmcli names and shows the property; nil when nmcli
	// does not show it.
	Nmcli *Nmcli
	// KF overrides how the keyfile plugin reads and writes the property.
	KF KeyfileHint

	info *Info
}

// KeyfileHint tells the keyfile plugin how a property deviates from the
// generic rules for its kind.
type KeyfileHint struct {
	// Skip: never read nor written (connection.read-only, seen-bssids).
	Skip bool
	// SkipWrite: read, but not written (ipv4.gateway is written as part of
	// the addresses).
	SkipWrite bool
	// WriteDefault: written even with the default value (vlan.flags,
	// ipv6.addr-gen-mode).
	WriteDefault bool
	// AlwaysWrite: lists written even when empty (dns-options).
	AlwaysWrite bool
}

// Info describes a setting: its name, aliases, priority and properties.
type Info struct {
	Name string
	// Alias is nmcli's short name and, for ethernet, wifi and
	// wifi-security, the keyfile group name.
	Alias    string
	Priority Priority
	// Props are sorted by name, which is NetworkManager's order on D-Bus
	// and in keyfiles (connection puts id, uuid and type first).
	Props []*Property
	// Verify checks the setting in the context of its connection.
	Verify func(s *Setting, c *Connection) (Result, *Error)
	// VerifySecrets checks the setting's secrets (PSK length, WEP key
	// format, ...); NetworkManager does it when a client adds or updates a
	// profile.
	VerifySecrets func(s *Setting, c *Connection) *Error
	// Gendata settings (ethtool) take any key on D-Bus and reject unknown
	// or mistyped ones when verified, as NetworkManager does.
	Gendata bool
	// NmcliTitle is nmcli's name for the setting in the editor.
	NmcliTitle string
	// NmcliParts lists, for a connection type, the settings its profiles
	// may have in nmcli, the mandatory ones marked; nil for settings that
	// are not connection types.
	NmcliParts []NmcliPart
	// NmcliInit fills a setting nmcli creates (connection add, the
	// editor) so that it is valid.
	NmcliInit func(s *Setting)
	// dbus lists the keys of the setting's D-Bus dictionary, sorted by
	// name: the properties with a D-Bus type plus the D-Bus-only keys.
	dbus  []*dbusKey
	props map[string]*Property
	order int // index in the priority order
}

// findProp looks a property up before the tables are indexed.
func findProp(i *Info, name string) *Property {
	for _, p := range i.Props {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Prop returns the named property, or nil.
func (i *Info) Prop(name string) *Property { return i.props[name] }

// Setting returns the info of the setting a property belongs to.
func (p *Property) Setting() *Info { return p.info }

// FullName is "setting.property".
func (p *Property) FullName() string { return p.info.Name + "." + p.Name }

// infos lists every setting NetworkManager 1.42 knows, in priority order
// (nm_meta_setting_types_by_priority).
var infos = []*Info{
	settingConnection,
	// hardware base settings
	setting6lowpan,
	settingOlpcMesh,
	settingWifi,
	settingWired,
	settingAdsl,
	settingBond,
	settingBridge,
	settingCdma,
	settingDummy,
	settingGeneric,
	settingGsm,
	settingInfiniband,
	settingIpTunnel,
	settingLoopback,
	settingMacsec,
	settingMacvlan,
	settingOvsBridge,
	settingOvsDpdk,
	settingOvsInterface,
	settingOvsPatch,
	settingOvsPort,
	settingTeam,
	settingTun,
	settingVeth,
	settingVlan,
	settingVpn,
	settingVrf,
	settingVxlan,
	settingWifiP2p,
	settingWimax,
	settingWireguard,
	settingWpan,
	// hardware, not a base type
	settingBluetooth,
	// hardware auxiliary
	settingWifiSecurity,
	setting8021x,
	settingDcb,
	settingSerial,
	settingSriov,
	// auxiliary
	settingBondPort,
	settingBridgePort,
	settingEthtool,
	settingMatch,
	settingOvsExternalIds,
	settingOvsOtherConfig,
	settingPpp,
	settingPppoe,
	settingTeamPort,
	// IP
	settingHostname,
	settingIpv4,
	settingIpv6,
	settingProxy,
	settingTc,
	// user
	settingUser,
}

var infoByName = map[string]*Info{}

// dbusSpecials registers the D-Bus keys that are not plain properties;
// each setting file with such keys contributes one function.
var dbusSpecials = []func(){
	connectionDBusKeys,
	ipDBusKeys,
	bridgeDBusKeys,
	wiredDBusKeys,
	wifiDBusKeys,
	wireguardDBusKeys,
	keptDBusKeys,
	serialDBusKeys,
}

func init() {
	for _, f := range dbusSpecials {
		f()
	}
	for i, info := range infos {
		if infoByName[info.Name] != nil {
			panic("setting: duplicate setting " + info.Name)
		}
		info.order = i
		infoByName[info.Name] = info
		info.props = make(map[string]*Property, len(info.Props))
		for _, p := range info.Props {
			if info.props[p.Name] != nil {
				panic("setting: duplicate property " + info.Name + "." + p.Name)
			}
			p.info = info
			info.props[p.Name] = p
			if p.Kind.goType() == nil {
				panic(fmt.Sprintf("setting: %s.%s has no kind", info.Name, p.Name))
			}
			if p.Default == nil && !p.Option {
				// Gendata options have no default: unset is distinct.
				p.Default = zeroValue(p.Kind)
			}
			if p.Default != nil && !p.Kind.accepts(p.Default) {
				panic(fmt.Sprintf("setting: %s.%s: default %T does not fit kind %v", info.Name, p.Name, p.Default, p.Kind))
			}
		}
		slices.SortFunc(info.Props, func(a, b *Property) int { return comparePropNames(info.Name, a.Name, b.Name) })
		info.buildDBusKeys()
	}
}

// comparePropNames is NetworkManager's property order: by name, except
// that the connection setting lists id, uuid and type first.
func comparePropNames(setting, a, b string) int {
	if setting == "connection" {
		rank := func(n string) int {
			switch n {
			case "id":
				return 0
			case "uuid":
				return 1
			case "type":
				return 2
			}
			return 3
		}
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
	}
	return strings.Compare(a, b)
}

// Lookup returns the setting with the given name (not an alias), or nil.
func Lookup(name string) *Info { return infoByName[name] }

// LookupAlias returns the setting for a name or one of the aliases nmcli
// accepts ("ethernet", "wifi", "wifi-sec", ...), or nil.
func LookupAlias(name string) *Info {
	if i := infoByName[name]; i != nil {
		return i
	}
	for _, i := range infos {
		if i.Alias == name {
			return i
		}
	}
	return nil
}

// All returns every setting in priority order. The slice must not be
// modified.
func All() []*Info { return infos }

func (k Kind) accepts(v any) bool {
	t := k.goType()
	if t == nil || v == nil {
		return false
	}
	return reflect.TypeOf(v) == t
}
