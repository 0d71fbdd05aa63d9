package l3cfg

import (
	"strconv"
	"strings"
)

// The per-interface IPv6 settings a commit makes, as NetworkManager 1.42's
// l3cfg: use_tempaddr from ipv6.ip6-privacy, and the neighbour timers of
// router advertisements. (Its hop-limit code never sets anything in 1.42,
// and neither does this.)

// ip6Sysctls is what this L3Cfg set.
type ip6Sysctls struct {
	privacySet     bool
	privacy        IP6Privacy // last value set
	privacyInitial IP6Privacy // the interface's value before
	reachable      uint32
	retrans        uint32
}

func (l *L3Cfg) commitIP6Sysctls(t CommitType) {
	if !l.hasLink {
		return
	}
	name := l.link.Name
	p := l.reg.p
	s := &l.sysctls

	var want IP6Privacy
	var reachable, retrans uint32
	if t >= CommitUpdate && l.committed != nil {
		want = l.committed.cfg.IP6Privacy
		reachable, retrans = l.committed.cfg.NDiscReachableTime, l.committed.cfg.NDiscRetransTimer
	}
	conf := "net/ipv6/conf/" + name + "/use_tempaddr"
	switch {
	case want == IP6PrivacyUnset:
		if s.privacySet {
			// Nobody asks anymore: back to what the interface had.
			s.privacySet = false
			if s.privacyInitial != IP6PrivacyUnset {
				l.setSysctl(conf, strconv.Itoa(int(s.privacyInitial)-1))
			}
		}
	case !s.privacySet:
		s.privacyInitial = IP6PrivacyUnset
		if v, err := p.SysctlGet(conf); err == nil {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				s.privacyInitial = IP6Privacy(min(max(n, 0), 2) + 1)
			}
		}
		s.privacySet, s.privacy = true, want
		l.setSysctl(conf, strconv.Itoa(int(want)-1))
	case s.privacy != want || t == CommitReapply:
		s.privacy = want
		l.setSysctl(conf, strconv.Itoa(int(want)-1))
	}

	if t < CommitUpdate {
		s.reachable, s.retrans = 0, 0
		return
	}
	neigh := "net/ipv6/neigh/" + name + "/"
	if reachable != 0 && reachable != s.reachable {
		s.reachable = reachable
		v := min(max(reachable, 100), 3600000)
		l.setSysctl(neigh+"base_reachable_time_ms", strconv.FormatUint(uint64(v), 10))
		// Stale entries as the kernel itself derives them.
		l.setSysctl(neigh+"gc_stale_time", strconv.FormatUint(uint64(v*3/1000), 10))
	}
	if retrans != 0 && retrans != s.retrans {
		s.retrans = retrans
		l.setSysctl(neigh+"retrans_time_ms", strconv.FormatUint(uint64(min(max(retrans, 10), 3600000)), 10))
	}
}

func (l *L3Cfg) setSysctl(path, value string) {
	if err := l.reg.p.SysctlSet(path, value); err != nil {
		l.logf(levelWarn, "%v", err)
		return
	}
	l.debugf("sysctl %s = %s", path, value)
}
