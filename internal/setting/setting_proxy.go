package setting

import (
	"strings"
	"unicode/utf8"
)

var settingProxy = &Info{
	Name:       "proxy",
	NmcliTitle: "Proxy",
	NmcliInit:  func(s *Setting) { s.MustSet("method", int32(0)) },
	Priority:   prioIP,
	Props: []*Property{
		{Name: "browser-only", Kind: KindBool, DBus: "b", Direct: true, Nmcli: &Nmcli{Order: 2, Alias: "browser-only"}},
		{Name: "method", Kind: KindInt32, DBus: "i", Direct: true, Nmcli: &Nmcli{Order: 1, Alias: "method", Type: enumType{e: enumProxyMethod, format: enumPrettyText | enumParsableText, preSet: proxyMethodPreSet}}},
		{Name: "pac-script", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 4, Alias: "pac-script", Type: stringType{validate: pacScriptValidate}}},
		{Name: "pac-url", Kind: KindString, DBus: "s", Direct: true, Nmcli: &Nmcli{Order: 3, Alias: "pac-url"}},
	},
	Verify: verifyProxy,
}

// proxy.method values.
const (
	ProxyMethodNone = 0
	ProxyMethodAuto = 1
)

func verifyProxy(s *Setting, c *Connection) (Result, *Error) {
	const n = "proxy"
	m := s.Int32("method")
	if m != ProxyMethodNone && m != ProxyMethodAuto {
		return Invalid, invalidProp(n, "pac-url", "invalid proxy method")
	}
	script, hasScript := s.String("pac-script")
	if m != ProxyMethodAuto {
		if s.IsSet("pac-url") {
			return Invalid, invalidProp(n, "pac-url", "this property is not allowed for method none")
		}
		if hasScript {
			return Invalid, invalidProp(n, "pac-script", "this property is not allowed for method none")
		}
	}
	if hasScript {
		if len(script) > 1024*1024 {
			return Invalid, invalidProp(n, "pac-script", "the script is too large")
		}
		if !utf8.ValidString(script) {
			return Invalid, invalidProp(n, "pac-script", "the script is not valid utf8")
		}
		if !strings.Contains(script, "FindProxyForURL") {
			return Invalid, invalidProp(n, "pac-script", "the script lacks FindProxyForURL function")
		}
	}
	return Success, nil
}
