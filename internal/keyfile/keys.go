package keyfile

import (
	"strings"
)

// Group names with a meaning of their own in a keyfile.
const (
	GroupNMMeta            = ".nmmeta"
	GroupVPNSecrets        = "vpn-secrets"
	GroupPrefixWireGuard   = "wireguard-peer."
	groupEthernetS390      = "ethernet-s390-options"
	strdictDataPrefix      = "data."
	certSchemePrefixPath   = "file://"
	certSchemePrefixPKCS11 = "pkcs11:"
	certSchemePrefixBlob   = "data:;base64,"
)

// Keys of the [.nmmeta] group.
const (
	KeyNMGenerated     = "nm-generated"
	KeyVolatile        = "volatile"
	KeyExternal        = "external"
	KeyShadowedStorage = "shadowed-storage"
	KeyShadowedOwned   = "shadowed-owned"
)

// groupAliases are the short group names the keyfile plugin writes for
// three settings (and accepts for them, and in connection.type).
var groupAliases = [...]struct{ setting, alias string }{
	{"802-3-ethernet", "ethernet"},
	{"802-11-wireless", "wifi"},
	{"802-11-wireless-security", "wifi-security"},
}

// AliasFor returns the keyfile alias of a setting name, or "".
func AliasFor(setting string) string {
	for _, a := range groupAliases {
		if a.setting == setting {
			return a.alias
		}
	}
	return ""
}

// SettingForAlias returns the setting name an alias stands for, or "".
func SettingForAlias(alias string) string {
	for _, a := range groupAliases {
		if a.alias == alias {
			return a.setting
		}
	}
	return ""
}

func isXDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func xval(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// keyNeedsEscape tells which bytes of a dictionary key (bond option, vpn
// data item, user data key) cannot appear as they are in a key name: the
// key syntax allows neither '=' nor brackets nor blanks at the ends, and
// the plugin keeps everything outside printable ASCII out as well. A
// backslash is escaped only where it would read back as an escape.
func keyNeedsEscape(name string, i int) bool {
	c := name[i]
	switch {
	case c < 0x20 || c >= 0x7f:
		return true
	case c == '=' || c == '[' || c == ']':
		return true
	case c == '\\':
		return i+2 < len(name) && isXDigit(name[i+1]) && isXDigit(name[i+2])
	case c == ' ':
		return i == 0 || i == len(name)-1
	}
	return false
}

// EncodeKey turns an arbitrary dictionary key into a keyfile key name with
// "\XX" hex escapes; "" becomes "\00".
func EncodeKey(name string) string {
	if name == "" {
		return `\00`
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		if keyNeedsEscape(name, i) {
			const hex = "0123456789ABCDEF"
			b.WriteByte('\\')
			b.WriteByte(hex[name[i]>>4])
			b.WriteByte(hex[name[i]&0xf])
			continue
		}
		b.WriteByte(name[i])
	}
	return b.String()
}

// DecodeKey undoes EncodeKey. "\00" alone is the empty key; elsewhere a
// "\00" stays literal, as does any backslash not followed by two hex
// digits.
func DecodeKey(key string) string {
	if key == `\00` {
		return ""
	}
	if !strings.Contains(key, `\`) {
		return key
	}
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c == '\\' && i+2 < len(key) && isXDigit(key[i+1]) && isXDigit(key[i+2]) {
			if v := xval(key[i+1])<<4 | xval(key[i+2]); v != 0 {
				b.WriteByte(v)
				i += 2
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}
