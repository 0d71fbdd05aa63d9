package platform

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// routeFilter is a classic BPF program for the event socket: the kernel
// runs it on every notification and drops route notifications the cache
// would ignore (protocols NetworkManager never installs, broadcast and
// multicast types, cached clones) before they are queued. A host where a
// routing daemon churns a full BGP table therefore costs gonm nothing,
// not even a wake-up. Other messages pass.
//
// BPF loads are big-endian while netlink headers are in host order, so the
// program reads single bytes at offsets that depend on the host's order.
func routeFilter() []unix.SockFilter {
	// Byte offsets (within the datagram) of the low and high byte of the
	// 16-bit nlmsg_type, and of the byte of rtm_flags holding
	// RTM_F_CLONED (0x200).
	typeLo, typeHi := uint32(4), uint32(5)
	clonedByte := uint32(16 + rtmFlags + 1)
	if hostBigEndian() {
		typeLo, typeHi = 5, 4
		clonedByte = 16 + rtmFlags + 2
	}
	const (
		ldb  = unix.BPF_LD | unix.BPF_B | unix.BPF_ABS
		jeq  = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		jset = unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K
		ret  = unix.BPF_RET | unix.BPF_K
	)
	protocols := []uint32{unix.RTPROT_UNSPEC, unix.RTPROT_REDIRECT, unix.RTPROT_KERNEL,
		unix.RTPROT_BOOT, unix.RTPROT_STATIC, unix.RTPROT_RA, unix.RTPROT_DHCP}
	types := []uint32{unix.RTN_UNICAST, unix.RTN_LOCAL, unix.RTN_BLACKHOLE,
		unix.RTN_UNREACHABLE, unix.RTN_PROHIBIT, unix.RTN_THROW}

	// The program is assembled with symbolic targets, then the relative
	// jump offsets are filled in.
	type ins struct {
		op     uint16
		k      uint32
		jt, jf string // labels; "" means next instruction
		label  string
	}
	prog := []ins{
		{op: ldb, k: typeHi},
		{op: jeq, k: 0, jf: "accept"},
		{op: ldb, k: typeLo},
		{op: jeq, k: unix.RTM_NEWROUTE, jt: "route"},
		{op: jeq, k: unix.RTM_DELROUTE, jt: "route", jf: "accept"},
		{label: "route", op: ldb, k: 16 + rtmProtocol},
	}
	for _, p := range protocols {
		prog = append(prog, ins{op: jeq, k: p, jt: "type"})
	}
	prog = append(prog, ins{op: ret, k: 0})
	prog = append(prog, ins{label: "type", op: ldb, k: 16 + rtmType})
	for _, t := range types {
		prog = append(prog, ins{op: jeq, k: t, jt: "flags"})
	}
	prog = append(prog,
		ins{op: ret, k: 0},
		ins{label: "flags", op: ldb, k: clonedByte},
		ins{op: jset, k: 0x02, jt: "reject", jf: "accept"},
		ins{label: "reject", op: ret, k: 0},
		ins{label: "accept", op: ret, k: 0xffffffff},
	)
	labels := map[string]int{}
	for i, in := range prog {
		if in.label != "" {
			labels[in.label] = i
		}
	}
	rel := func(from int, l string) uint8 {
		if l == "" {
			return 0
		}
		return uint8(labels[l] - from - 1)
	}
	out := make([]unix.SockFilter, len(prog))
	for i, in := range prog {
		out[i] = unix.SockFilter{Code: in.op, K: in.k, Jt: rel(i, in.jt), Jf: rel(i, in.jf)}
	}
	return out
}

func hostBigEndian() bool {
	var b [2]byte
	binary.NativeEndian.PutUint16(b[:], 1)
	return b[0] == 0
}
