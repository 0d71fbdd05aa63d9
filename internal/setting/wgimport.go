package setting

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// ImportWireGuard turns a wg-quick configuration file (its name and
// content) into a WireGuard profile, reading the file the way "wg
// setconf" and "wg-quick" do and giving nmcli 1.42's errors. The profile
// is normalized; the caller adds it.
func ImportWireGuard(filename string, data []byte) (*Connection, error) {
	base := filepath.Base(filename)
	if i := strings.LastIndexByte(filename, '/'); i >= 0 {
		base = filename[i+1:]
	}
	ifname, ok := strings.CutSuffix(base, ".conf")
	if !ok || ifname == "" || len(ifname) >= 16 || ifnameValidKernel(ifname) != nil {
		return nil, errors.New("The name of the WireGuard config must be a valid interface name followed by \".conf\"")
	}
	const (
		tableAuto = -1
		tableOff  = -2
	)
	var (
		addrs              [2][]IPAddress
		dns                [2][]string
		dnsSearch          []string
		peers              []WireGuardPeer
		cur                *WireGuardPeer
		curLine            int
		privateKey         string
		table              int64 = tableAuto
		listenPort, fwmark uint32
		mtu                uint32
		ctx                = 0 // 1 interface, 2 peer
		invalidValue       = func(key string, n int) error {
			return fmt.Errorf("invalid value for '%s' at %s:%d", key, filename, n)
		}
	)
	completePeer := func() error {
		if cur == nil {
			return nil
		}
		if msg := validPeer(*cur, true, true); msg != "" {
			return fmt.Errorf("Invalid peer starting at %s:%d: %s", filename, curLine, msg)
		}
		peers = append(peers, *cur)
		cur = nil
		return nil
	}
	lines := strings.Split(string(data), "\n")
	for i, raw := range lines {
		n := i + 1
		var b strings.Builder
		for j := 0; j < len(raw); j++ {
			c := raw[j]
			if c == '#' {
				break
			}
			if isASCIISpace(c) {
				continue
			}
			b.WriteByte(c)
		}
		line := b.String()
		if line == "" {
			continue
		}
		switch {
		case strings.EqualFold(line, "[Interface]"):
			if err := completePeer(); err != nil {
				return nil, err
			}
			ctx = 1
			continue
		case strings.EqualFold(line, "[Peer]"):
			if err := completePeer(); err != nil {
				return nil, err
			}
			p := NewWireGuardPeer("")
			cur, curLine, ctx = &p, n, 2
			continue
		}
		key, value, _ := strings.Cut(line, "=")
		match := func(k string) bool { return strings.Contains(line, "=") && strings.EqualFold(key, k) }
		words := func() []string {
			if value == "" {
				return nil
			}
			return strings.Split(value, ",")
		}
		switch {
		case ctx == 1 && match("Address"):
			for _, w := range words() {
				a, l, ok := parseInetWithPrefix(0, w)
				if !ok {
					return nil, invalidValue("Address", n)
				}
				af, fam := AFInet, 0
				if a.Is6() {
					af, fam = AFInet6, 1
				}
				if l < 0 {
					l = 32
					if af == AFInet6 {
						l = 128
					}
				}
				addrs[fam] = append(addrs[fam], IPAddress{Addr: a, Prefix: uint8(l)})
			}
		case ctx == 1 && match("MTU"):
			v, res := asciiToInt64(value, 0, 0, 1<<32-1)
			if res != parseOK {
				return nil, invalidValue("MTU", n)
			}
			mtu = uint32(v)
		case ctx == 1 && match("DNS"):
			for _, w := range words() {
				if a, ok := parseInet(0, w); ok {
					fam := 0
					if a.Is6() {
						fam = 1
					}
					dns[fam] = append(dns[fam], inetNtop(a))
					continue
				}
				dnsSearch = append(dnsSearch, w)
			}
		case ctx == 1 && match("Table"):
			switch value {
			case "auto":
				table = tableAuto
			case "off":
				table = tableOff
			default:
				v, res := asciiToInt64(value, 0, 0, 1<<31-1)
				if res != parseOK {
					return nil, invalidValue("Table", n)
				}
				table = v
			}
		case ctx == 1 && (match("PreUp") || match("PreDown") || match("PostUp") || match("PostDown")):
		case ctx == 1 && match("SaveConfig"):
			if value != "true" && value != "false" {
				return nil, invalidValue("SaveConfig", n)
			}
		case ctx == 1 && match("ListenPort"):
			v, res := asciiToInt64(value, 10, 0, 0xffff)
			if res != parseOK {
				return nil, invalidValue("ListenPort", n)
			}
			listenPort = uint32(v)
		case ctx == 1 && match("FwMark"):
			if value == "off" {
				fwmark = 0
			} else {
				v, res := asciiToInt64(value, 0, 0, 1<<31-1)
				if res != parseOK {
					return nil, invalidValue("FwMark", n)
				}
				fwmark = uint32(v)
			}
		case ctx == 1 && match("PrivateKey"):
			if !WGKeyValid(value) {
				return nil, fmt.Errorf("invalid secret '%s' at %s:%d", "PrivateKey", filename, n)
			}
			privateKey = value
		case ctx == 2 && match("Endpoint"):
			if _, _, ok := parseEndpoint(value); !ok {
				return nil, invalidValue("Endpoint", n)
			}
			cur.Endpoint = value
		case ctx == 2 && match("PublicKey"):
			if !WGKeyValid(value) {
				return nil, invalidValue("PublicKey", n)
			}
			cur.PublicKey = normalizeWGKey(value)
		case ctx == 2 && match("AllowedIPs"):
			for _, w := range words() {
				a, ok := normalizeAllowedIP(w)
				if !ok {
					return nil, invalidValue("AllowedIPs", n)
				}
				cur.AllowedIPs = append(cur.AllowedIPs, a)
			}
		case ctx == 2 && match("PersistentKeepalive"):
			if value == "off" {
				cur.PersistentKeepalive = 0
			} else {
				v, res := asciiToInt64(value, 10, 0, 0xffff)
				if res != parseOK {
					return nil, invalidValue("PersistentKeepalive", n)
				}
				cur.PersistentKeepalive = uint32(v)
			}
		case ctx == 2 && match("PresharedKey"):
			if !WGKeyValid(value) {
				return nil, fmt.Errorf("invalid secret '%s' at %s:%d", "PresharedKey", filename, n)
			}
			cur.PresharedKey, cur.HasPresharedKey = normalizeWGKey(value), true
			cur.PresharedKeyFlags = SecretFlagNone
		default:
			return nil, fmt.Errorf("unrecognized line at %s:%d", filename, n)
		}
	}
	if err := completePeer(); err != nil {
		return nil, err
	}

	c := NewConnection()
	con := c.Ensure("connection")
	con.MustSet("id", ifname)
	con.MustSet("uuid", NewUUID())
	con.MustSet("type", "wireguard")
	con.MustSet("interface-name", ifname)
	wg := c.Ensure("wireguard")
	if privateKey != "" {
		wg.MustSet("private-key", privateKey)
	}
	wg.MustSet("listen-port", listenPort)
	wg.MustSet("fwmark", fwmark)
	wg.MustSet("mtu", mtu)
	if peers != nil {
		wg.MustSet("peers", peers)
	}
	for fam, name := range []string{"ipv6", "ipv4"} {
		isV4 := fam == 1
		idx := 1
		if isV4 {
			idx = 0
		}
		s := c.Ensure(name)
		search := dnsSearch
		d := dns[idx]
		if addrs[idx] == nil {
			d, search = nil, nil
			s.MustSet("method", "disabled")
		} else {
			s.MustSet("method", "manual")
			s.MustSet("addresses", addrs[idx])
		}
		if d != nil {
			s.MustSet("dns", d)
			if search == nil {
				s.MustSet("dns-search", []string{"~"})
			}
		}
		if search != nil {
			s.MustSet("dns-search", search)
		}
		switch table {
		case tableAuto:
		case tableOff:
			if isV4 {
				wg.MustSet("peer-routes", false)
			}
		default:
			s.MustSet("route-table", uint32(table))
		}
	}
	if _, err := c.Normalize(); err != nil {
		return nil, fmt.Errorf("Failed to create WireGuard connection: %s", err.Message)
	}
	return c, nil
}
