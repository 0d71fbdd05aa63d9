package nl

import (
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// Error is an error answer from the kernel: the errno and, when the kernel
// gave one (NETLINK_EXT_ACK), its explanation.
type Error struct {
	Errno syscall.Errno
	Msg   string
}

func (e *Error) Error() string {
	if e.Msg != "" {
		return fmt.Sprintf("%s (%s)", e.Errno.Error(), e.Msg)
	}
	return e.Errno.Error()
}

// Unwrap lets errors.Is(err, unix.EEXIST) and the like work.
func (e *Error) Unwrap() error { return e.Errno }

// parseError decodes an NLMSG_ERROR payload: nil for an acknowledgement
// (error 0), *Error otherwise.
func parseError(h Header, p []byte) error {
	if len(p) < 4 {
		return fmt.Errorf("%w: error message of %d bytes", ErrTruncated, len(p))
	}
	code := int32(ne.Uint32(p))
	if code == 0 {
		return nil
	}
	// After the errno comes the header of the failed request (the whole
	// request unless NETLINK_CAP_ACK), then the extended-ack attributes.
	rest := p[4:]
	tlvs := []byte(nil)
	if len(rest) >= hdrLen {
		reqLen := int(ne.Uint32(rest[0:4]))
		skip := hdrLen
		if h.Flags&unix.NLM_F_CAPPED == 0 && reqLen >= hdrLen {
			skip = align(reqLen)
		}
		if skip <= len(rest) {
			tlvs = rest[skip:]
		}
	}
	return &Error{Errno: syscall.Errno(-code), Msg: extAckMsg(h, tlvs, false)}
}

// extAckMsg finds NLMSGERR_ATTR_MSG in the extended acknowledgement.
func extAckMsg(h Header, tlvs []byte, done bool) string {
	if h.Flags&unix.NLM_F_ACK_TLVS == 0 && !done {
		return ""
	}
	for it := NewAttrs(tlvs); it.Next(); {
		if it.Type() == unix.NLMSGERR_ATTR_MSG {
			return String(it.Value())
		}
	}
	return ""
}
