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
			out := c.ToDBus(WithSecrets)
			for _, k := range []string{"addresses", "routes", "dns"} {
				delete(out["ipv4"], k)
				delete(out["ipv6"], k)
			}
			c2, err := FromDBus(out, ParseStrict)
			if err != nil {
				t.Fatalf("own output rejected: %v\n%s", err, CanonicalText(out))
			}
			if !c.Equal(c2) {
				t.Fatalf("round trip changed the profile:\n%s\n%s", CanonicalText(out), CanonicalText(c2.ToDBus(WithSecrets)))
			}
		}
	})
}
