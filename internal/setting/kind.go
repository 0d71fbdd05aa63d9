package setting

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
)

// Kind says how a property's value is held in the model and which
// conversions apply to it. The Go type of a value of each kind is listed
// with the constant; Setting.Set refuses anything else.
type Kind uint8

const (
	KindBool             Kind = iota + 1 // bool; D-Bus "b"
	KindInt32                            // int32; "i" (also NetworkManager's enums and ternaries)
	KindUint32                           // uint32; "u" (also flags)
	KindInt64                            // int64; "x"
	KindUint64                           // uint64; "t"
	KindUint8                            // uint8; "y"
	KindString                           // string; "s"
	KindBytes                            // []byte; "ay"
	KindStrv                             // []string; "as"
	KindStrDict                          // map[string]string; "a{ss}"
	KindUint32s                          // []uint32; "au"
	KindMAC                              // string "AA:BB:..."; "ay" on D-Bus
	KindIPAddresses                      // []IPAddress
	KindIPRoutes                         // []IPRoute
	KindRoutingRules                     // []RoutingRule
	KindDNS                              // []string of addresses; "au"/"aay" on D-Bus
	KindBridgeVlans                      // []BridgeVlan
	KindWireGuardPeers                   // []WireGuardPeer
	KindSriovVFs                         // []SriovVF
	KindTCQdiscs                         // []TCQdisc
	KindTCTfilters                       // []TCTfilter
	KindTeamLinkWatchers                 // []TeamLinkWatcher
	KindOvsTrunks                        // []OvsTrunk (ovs-port trunks)
)

var kindNames = map[Kind]string{
	KindBool: "bool", KindInt32: "int32", KindUint32: "uint32", KindInt64: "int64",
	KindUint64: "uint64", KindUint8: "uint8", KindString: "string", KindBytes: "bytes",
	KindStrv: "strv", KindStrDict: "strdict", KindUint32s: "uint32 list", KindMAC: "mac",
	KindIPAddresses: "ip addresses", KindIPRoutes: "ip routes", KindRoutingRules: "routing rules",
	KindDNS: "dns", KindBridgeVlans: "bridge vlans", KindWireGuardPeers: "wireguard peers",
	KindSriovVFs: "sriov vfs", KindTCQdiscs: "tc qdiscs", KindTCTfilters: "tc tfilters",
	KindTeamLinkWatchers: "team link watchers", KindOvsTrunks: "ranges",
}

func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// goType is the Go type a value of the kind must have.
func (k Kind) goType() reflect.Type {
	switch k {
	case KindBool:
		return reflect.TypeFor[bool]()
	case KindInt32:
		return reflect.TypeFor[int32]()
	case KindUint32:
		return reflect.TypeFor[uint32]()
	case KindInt64:
		return reflect.TypeFor[int64]()
	case KindUint64:
		return reflect.TypeFor[uint64]()
	case KindUint8:
		return reflect.TypeFor[uint8]()
	case KindString, KindMAC:
		return reflect.TypeFor[string]()
	case KindBytes:
		return reflect.TypeFor[[]byte]()
	case KindStrv, KindDNS:
		return reflect.TypeFor[[]string]()
	case KindStrDict:
		return reflect.TypeFor[map[string]string]()
	case KindUint32s:
		return reflect.TypeFor[[]uint32]()
	case KindIPAddresses:
		return reflect.TypeFor[[]IPAddress]()
	case KindIPRoutes:
		return reflect.TypeFor[[]IPRoute]()
	case KindRoutingRules:
		return reflect.TypeFor[[]RoutingRule]()
	case KindBridgeVlans:
		return reflect.TypeFor[[]BridgeVlan]()
	case KindWireGuardPeers:
		return reflect.TypeFor[[]WireGuardPeer]()
	case KindSriovVFs:
		return reflect.TypeFor[[]SriovVF]()
	case KindTCQdiscs:
		return reflect.TypeFor[[]TCQdisc]()
	case KindTCTfilters:
		return reflect.TypeFor[[]TCTfilter]()
	case KindTeamLinkWatchers:
		return reflect.TypeFor[[]TeamLinkWatcher]()
	case KindOvsTrunks:
		return reflect.TypeFor[[]OvsTrunk]()
	}
	return nil
}

// zeroValue is the default of scalar kinds without an explicit one; string
// and list kinds default to nil (NULL).
func zeroValue(k Kind) any {
	switch k {
	case KindBool:
		return false
	case KindInt32:
		return int32(0)
	case KindUint32:
		return uint32(0)
	case KindInt64:
		return int64(0)
	case KindUint64:
		return uint64(0)
	case KindUint8:
		return uint8(0)
	}
	return nil
}

// isList reports whether values of the kind are slices or maps, for which
// NetworkManager distinguishes "unset" (nil) from "empty" in some places.
func (k Kind) isList() bool {
	switch k {
	case KindBool, KindInt32, KindUint32, KindInt64, KindUint64, KindUint8, KindString, KindMAC, KindBytes:
		// bytes keep the difference between empty and unset (ssid,
		// 802-1x.password-raw)
		return false
	}
	return true
}

// equalValues compares two model values of the same kind. nil and empty
// lists differ, as they do in NetworkManager for the few properties where
// that matters (ipv4.dns-options); Setting.Set folds them where it does not.
func equalValues(a, b any) bool {
	return reflect.DeepEqual(a, b)
}

// cloneValue returns a deep copy of a model value, so that settings never
// share mutable slices or maps.
func cloneValue(v any) any {
	switch x := v.(type) {
	case nil, bool, int32, uint32, int64, uint64, uint8, string:
		return v
	case []byte:
		if x == nil {
			return x
		}
		return slices.Clone(x)
	case []string:
		if x == nil {
			return x
		}
		return slices.Clone(x)
	case []uint32:
		if x == nil {
			return x
		}
		return slices.Clone(x)
	case map[string]string:
		if x == nil {
			return x
		}
		return maps.Clone(x)
	case []IPAddress:
		return cloneSlice(x, IPAddress.clone)
	case []IPRoute:
		return cloneSlice(x, IPRoute.clone)
	case []RoutingRule:
		return cloneSlice(x, func(r RoutingRule) RoutingRule { return r })
	case []BridgeVlan:
		return cloneSlice(x, func(r BridgeVlan) BridgeVlan { return r })
	case []WireGuardPeer:
		return cloneSlice(x, WireGuardPeer.clone)
	case []SriovVF:
		return cloneSlice(x, SriovVF.clone)
	case []TCQdisc:
		return cloneSlice(x, TCQdisc.clone)
	case []TCTfilter:
		return cloneSlice(x, TCTfilter.clone)
	case []TeamLinkWatcher:
		return cloneSlice(x, TeamLinkWatcher.clone)
	case []OvsTrunk:
		return cloneSlice(x, func(r OvsTrunk) OvsTrunk { return r })
	}
	panic(fmt.Sprintf("setting: cannot clone value of type %T", v))
}

func cloneSlice[T any](s []T, f func(T) T) []T {
	if s == nil {
		return nil
	}
	out := make([]T, len(s))
	for i, v := range s {
		out[i] = f(v)
	}
	return out
}

// isEmptyList reports whether v is a list or map value with no elements.
func isEmptyList(v any) bool {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map:
		return rv.Len() == 0
	}
	return false
}
