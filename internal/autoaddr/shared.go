package autoaddr

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gonm/gonm/internal/firewall"
	"github.com/gonm/gonm/internal/l3cfg"
	"github.com/gonm/gonm/internal/platform"
)

// DnsmasqPath is Debian's dnsmasq, which NetworkManager runs for shared
// mode.
const DnsmasqPath = "/usr/sbin/dnsmasq"

// SharedIPs hands out the 10.42.N.1/24 subnets of shared profiles without
// an address, one per interface of a network namespace (NetworkManager's
// per-NMNetns reservation): the first free N from 0, and when all 256 are
// taken the last one again. Use one per namespace, on the loop.
type SharedIPs struct {
	refs map[netip.Addr]int
}

// NewSharedIPs returns an empty reservation table.
func NewSharedIPs() *SharedIPs { return &SharedIPs{refs: map[netip.Addr]int{}} }

// Reserve takes a subnet and returns its first address.
func (s *SharedIPs) Reserve() netip.Addr {
	var a netip.Addr
	for n := 0; n < 256; n++ {
		a = netip.AddrFrom4([4]byte{10, 42, byte(n), 1})
		if s.refs[a] == 0 {
			break
		}
	}
	s.refs[a]++
	return a
}

// Release gives a reserved subnet back.
func (s *SharedIPs) Release(a netip.Addr) {
	if s.refs[a] > 1 {
		s.refs[a]--
		return
	}
	delete(s.refs, a)
}

// DnsmasqRange is the DHCP range NetworkManager serves from a shared
// address: within the address's /24 at most (larger subnets are treated
// as their /24), on the larger side of the host address, leaving a
// tenth of that side (up to 8 addresses) free next to it.
func DnsmasqRange(addr netip.Prefix) (first, last netip.Addr, err error) {
	if !addr.Addr().Is4() {
		return first, last, fmt.Errorf("shared address %v is not IPv4", addr)
	}
	plen := addr.Bits()
	if plen > 30 {
		return first, last, fmt.Errorf("Address prefix %d is too small for DHCP.", plen)
	}
	if plen < 24 {
		plen = 24
	}
	b := addr.Addr().As4()
	host := binary.BigEndian.Uint32(b[:])
	mask := ^uint32(0) << (32 - plen)
	switch host {
	case host & mask:
		host++
	case host | ^mask:
		host--
	}
	lo, hi := host&mask+1, host|^mask-1
	mid := host&mask | ((lo+hi)/2)&^mask
	if host > mid {
		reserved := min((host-lo)/10, 8)
		hi = host - 1 - reserved
		if hi > 256 {
			lo = max(lo, hi-256)
		}
	} else {
		reserved := min((hi-host)/10, 8)
		lo = host + 1 + reserved
		hi = min(hi, lo+256)
	}
	return ip4(lo), ip4(hi), nil
}

func ip4(v uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return netip.AddrFrom4(b)
}

// DnsmasqArgs is NetworkManager's dnsmasq command line for shared mode on
// iface with the shared address addr.
func DnsmasqArgs(iface string, addr netip.Prefix, announceMetered bool, leaseFile, pidFile, confDir string) ([]string, error) {
	first, last, err := DnsmasqRange(addr)
	if err != nil {
		return nil, err
	}
	args := []string{"--conf-file=/dev/null", "--no-hosts", "--keep-in-foreground", "--bind-interfaces",
		"--except-interface=lo", "--clear-on-reload", "--strict-order",
		"--listen-address=" + addr.Addr().String(),
		fmt.Sprintf("--dhcp-range=%s,%s,60m", first, last)}
	if announceMetered {
		args = append(args, "--dhcp-option-force=43,ANDROID_METERED")
	}
	args = append(args, "--dhcp-leasefile="+leaseFile, "--pid-file="+pidFile)
	if fi, err := os.Stat(confDir); err == nil && fi.IsDir() {
		args = append(args, "--conf-dir="+confDir)
	}
	return args, nil
}

// sharedRun is ipv4.method shared's state.
type sharedRun struct {
	addr     netip.Prefix
	reserved netip.Addr
	fwUp     bool
	dnsmasq  *exec.Cmd
	exited   chan struct{}
}

func (r *Runner) startShared() error {
	r.set4(StatePending, nil)
	s := &r.v4.shared
	s.addr = r.p.SharedAddr
	if !s.addr.IsValid() {
		if r.o.SharedIPs == nil {
			r.o.SharedIPs = NewSharedIPs()
		}
		s.reserved = r.o.SharedIPs.Reserve()
		s.addr = netip.PrefixFrom(s.reserved, 24)
	}
	log := r.o.LogShared
	if r.p.Firewall != firewall.BackendNone {
		// Routing between the interfaces is the point of shared mode.
		if v, err := r.l3.Platform().SysctlGet("net/ipv4/ip_forward"); err != nil || strings.TrimSpace(v) != "1" {
			if err := r.l3.Platform().SysctlSet("net/ipv4/ip_forward", "1"); err != nil {
				err = fmt.Errorf("error enabling IPv4 forwarding: %w", err)
				log.Warn(err.Error())
				r.set4(StateFailed, err)
				return err
			}
		}
	}
	// As NetworkManager: a failing firewall call is logged, not fatal.
	if err := firewall.ApplyShared(r.p.Firewall, r.o.Command, true, r.p.IfName, s.addr); err != nil {
		log.Warn(fmt.Sprintf("shared (%s): firewall %v: %v", r.p.IfName, r.p.Firewall, err))
	}
	s.fwUp = true
	cfg := &l3cfg.Config{Source: "shared4"}
	cfg.IPv4.Addresses = []l3cfg.Address{{Prefix: s.addr}}
	if r.l3.AddConfig(tag{r, tagShared4}, cfg, r.options4(l3cfg.PriorityShared4)) {
		r.l3.ScheduleCommit(l3cfg.CommitAuto)
	}
	// dnsmasq starts once the address is on the interface (after the
	// commit, see sharedCheck).
	r.sharedCheck()
	return nil
}

// sharedCheck starts dnsmasq when the shared address has been committed.
func (r *Runner) sharedCheck() {
	s := &r.v4.shared
	if r.p.Method4 != MethodShared || s.dnsmasq != nil || r.v4.state != StatePending || !s.addr.IsValid() {
		return
	}
	a := &platform.Address{Index: r.p.IfIndex, Address: s.addr.Addr(), PrefixLen: uint8(s.addr.Bits()), Peer: s.addr.Addr()}
	if _, ok := r.l3.Platform().LookupAddress(a); !ok {
		return
	}
	if err := r.spawnDnsmasq(); err != nil {
		r.o.LogShared.Warn(fmt.Sprintf("shared (%s): could not start dnsmasq: %v", r.p.IfName, err))
		r.set4(StateFailed, fmt.Errorf("could not start dnsmasq: %w", err))
		return
	}
	r.set4(StateReady, nil)
}

func (r *Runner) spawnDnsmasq() error {
	s := &r.v4.shared
	killStaleDnsmasq(r.p.DnsmasqPidFile)
	args, err := DnsmasqArgs(r.p.IfName, s.addr, r.p.AnnounceMetered, r.p.DnsmasqLeaseFile, r.p.DnsmasqPidFile, r.p.DnsmasqConfDir)
	if err != nil {
		return err
	}
	cmdf := r.o.Command
	if cmdf == nil {
		cmdf = exec.CommandContext
	}
	c := cmdf(context.Background(), DnsmasqPath, args...)
	var out strings.Builder
	c.Stdout, c.Stderr = &out, &out
	if err := c.Start(); err != nil {
		return err
	}
	r.o.LogShared.Info(fmt.Sprintf("shared (%s): dnsmasq started (pid %d) on %s", r.p.IfName, c.Process.Pid, s.addr))
	s.dnsmasq = c
	exited := make(chan struct{})
	s.exited = exited
	go func() {
		err := c.Wait()
		close(exited)
		r.post(func() {
			if r.v4.shared.dnsmasq != c {
				return
			}
			r.v4.shared.dnsmasq = nil
			msg := strings.TrimSpace(out.String())
			r.o.LogShared.Warn(fmt.Sprintf("shared (%s): dnsmasq exited: %v %s", r.p.IfName, err, msg))
			r.set4(StateFailed, errors.New("dnsmasq exited"))
		})
	}()
	return nil
}

func (r *Runner) stopShared() {
	s := &r.v4.shared
	if c := s.dnsmasq; c != nil {
		s.dnsmasq = nil
		// As NetworkManager: SIGTERM, then SIGKILL after 2 s.
		_ = c.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(2 * time.Second):
			_ = c.Process.Kill()
			<-s.exited
		}
		_ = os.Remove(r.p.DnsmasqPidFile)
	}
	if s.fwUp {
		s.fwUp = false
		if err := firewall.ApplyShared(r.p.Firewall, r.o.Command, false, r.p.IfName, s.addr); err != nil {
			r.o.LogShared.Debug(fmt.Sprintf("shared (%s): firewall removal: %v", r.p.IfName, err))
		}
	}
	if s.reserved.IsValid() && r.o.SharedIPs != nil {
		r.o.SharedIPs.Release(s.reserved)
		s.reserved = netip.Addr{}
	}
}

// killStaleDnsmasq ends a dnsmasq a previous run left behind, found by its
// pid file, after checking that the process is a dnsmasq using that pid
// file (so no other process is ever signalled).
func killStaleDnsmasq(pidFile string) {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return
	}
	defer os.Remove(pidFile)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 1 {
		return
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return
	}
	argv := strings.Split(string(cmdline), "\x00")
	if len(argv) == 0 || !strings.HasSuffix(argv[0], "dnsmasq") || !strings.Contains(string(cmdline), "--pid-file="+pidFile) {
		return
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
}
