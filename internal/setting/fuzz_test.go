package setting

import (
	"encoding/binary"
	"testing"

	"github.com/godbus/dbus/v5"
)

// fuzzValue makes a D-Bus value of one of the shapes clients send from a
// few fuzz bytes.
func fuzzValue(kind byte, b []byte) dbus.Variant {
	u := uint32(0)
	if len(b) >= 4 {
		u = binary.LittleEndian.Uint32(b)
	}
	s := string(b)
	switch kind % 12 {
	case 0:
		return v(s)
	case 1:
		return v(u)
	case 2:
		return v(int32(u))
	case 3:
		return v(len(b)%2 == 1)
	case 4:
		return v(b)
	case 5:
		return v([]string{s, s + "x"})
	case 6:
		return v([]uint32{u, u >> 8})
	case 7:
		return v(map[string]string{s: s})
	case 8:
		return v([]map[string]dbus.Variant{{"address": v(s), "prefix": v(u % 200), "dest": v(s), "family": v(int32(u % 12))}})
	case 9:
		return v([][]byte{b, b})
	case 10:
		return v(uint64(u) << 20)
	default:
		return v(byte(u))
	}
}

// FuzzFromDBus builds profiles from random settings, properties and values
// and checks that parsing never panics and that whatever it accepts
// survives its own serialization.
func FuzzFromDBus(f *testing.F) {
	f.Add([]byte{0, 0, 0, 4, 't', 'e', 's', 't'})
	f.Add([]byte{3, 7, 1, 4, 0, 0, 0, 1, 9, 2, 8, 8, '1', '.', '2', '.', '3', '.', '4'})
	f.Add([]byte{1, 1, 0, 0})
	infos := All()
	f.Fuzz(func(t *testing.T, data []byte) {
		d := Dict{"connection": {"id": v("f"), "uuid": v(testUUID), "type": v("802-3-ethernet")}}
		for len(data) >= 4 {
			info := infos[int(data[0])%len(infos)]
			n := int(data[3]) % 16
			if len(data) < 4+n {
				n = len(data) - 4
			}
			key := "garbage"
			if len(info.Props) > 0 && data[1] != 255 {
				key = info.Props[int(data[1])%len(info.Props)].Name
			}
			if d[info.Name] == nil {
				d[info.Name] = map[string]dbus.Variant{}
			}
			d[info.Name][key] = fuzzValue(data[2], data[4:4+n])
			data = data[4+n:]
		}
		for _, flags := range []ParseFlags{ParseStrict | ParseNormalize, ParseBestEffort} {
			c, err := FromDBus(d, flags)
			if err != nil {
				continue
			}
			c.Verify()
			c.VerifySecrets()
			if _, verr := c.Normalize(); verr != nil {
				continue
			}
			checkClientRoundTrip(t, c)
		}
	})
}

// FuzzAgentSecrets feeds secrets dictionaries as a secret agent (outside
// input) may return them to the code that filters and merges them: it
// must never panic, never touch anything but secrets, and fail only with
// NetworkManager's two errors.
func FuzzAgentSecrets(f *testing.F) {
	f.Add([]byte{0, 0, 0, 8, 'p', 'a', 's', 's', 'w', 'o', 'r', 'd'})
	f.Add([]byte{1, 1, 7, 4, 'k', 'e', 'y', '1'})
	f.Add([]byte{2, 255, 8, 3, 'x', 'y', 'z'})
	f.Add([]byte{3, 2, 0, 6, 's', 'e', 'c', 'r', 'e', 't'})
	bases := []Dict{
		{"connection": {"id": v("w"), "uuid": v(testUUID), "type": v("802-11-wireless")},
			"802-11-wireless":          {"ssid": v([]byte("n"))},
			"802-11-wireless-security": {"key-mgmt": v("wpa-psk"), "psk": v("12345678"), "psk-flags": v(uint32(1))}},
		{"connection": {"id": v("v"), "uuid": v(testUUID), "type": v("vpn")},
			"vpn": {"service-type": v("org.example.vpn"), "data": v(map[string]string{"password-flags": "1"}),
				"secrets": v(map[string]string{"password": "p", "key1": "k"})}},
		{"connection": {"id": v("g"), "uuid": v(testUUID), "type": v("wireguard"), "interface-name": v("wg0")},
			"wireguard": {"private-key": v("yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="),
				"peers": v([]map[string]dbus.Variant{{"public-key": v("xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="), "preshared-key-flags": v(uint32(0))}})}},
		{"connection": {"id": v("x"), "uuid": v(testUUID), "type": v("802-3-ethernet")},
			"802-1x": {"eap": v([]string{"peap"}), "identity": v("i"), "phase2-auth": v("mschapv2"), "password-flags": v(uint32(1))}},
	}
	names := []string{"802-11-wireless-security", "vpn", "wireguard", "802-1x"}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 {
			return
		}
		which := int(data[0]) % len(bases)
		c, err := FromDBus(bases[which], ParseStrict|ParseNormalize)
		if err != nil {
			t.Fatalf("base %d: %v", which, err)
		}
		name := names[which]
		info := c.Setting(name).Info()
		sd := map[string]dbus.Variant{}
		data = data[1:]
		for len(data) >= 4 {
			n := int(data[3]) % 16
			if len(data) < 4+n {
				n = len(data) - 4
			}
			key := string(data[4 : 4+n])
			if data[1] != 255 {
				key = info.Props[int(data[1])%len(info.Props)].Name
			}
			sd[key] = fuzzValue(data[2], data[4:4+n])
			if data[2]%13 == 12 {
				sd["peers"] = v([]map[string]dbus.Variant{{"public-key": v(key), "preshared-key": v(key)}})
			}
			data = data[4+n:]
		}
		before := c.ToDBus(NoSecrets)
		keep := func(f uint32) bool { return f&uint32(len(sd)) == 0 }
		filtered := c.FilterSecretsDict(name, sd, keep)
		for k := range filtered {
			if _, ok := sd[k]; !ok {
				t.Fatalf("filter invented key %q", k)
			}
		}
		for _, in := range []map[string]dbus.Variant{filtered, sd} {
			err := c.UpdateSecrets(name, in)
			if err != nil && err.Code != ErrPropertyNotFound {
				t.Fatalf("unexpected error %v", err)
			}
			after := c.ToDBus(NoSecrets)
			if CanonicalText(before) != CanonicalText(after) {
				t.Fatalf("merging secrets changed other properties:\n%s\n%s", CanonicalText(before), CanonicalText(after))
			}
			_ = c.ToDBus(OnlySecrets)
			c.NeedSecrets(false)
			c.NeedSecrets(true)
		}
		c.ClearSecretsIf(nil)
		if c.HasSecrets() {
			t.Fatalf("secrets left after clearing: %s", CanonicalText(c.ToDBus(OnlySecrets)))
		}
	})
}
