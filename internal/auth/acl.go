package auth

import (
	"fmt"
	"os/user"
	"slices"
	"strconv"
)

// ACLError is a refusal by a profile's connection.permissions; its text is
// NetworkManager's.
type ACLError struct{ Msg string }

func (e *ACLError) Error() string { return e.Msg }

// InACL decides whether the user uid may see a profile whose
// connection.permissions lists users (empty: everyone), as NetworkManager
// checks every caller: root always may, others only when their user name
// is listed.
func InACL(users []string, uid uint32) error {
	if uid == 0 {
		return nil
	}
	name, ok := UserName(uid)
	if !ok {
		return &ACLError{fmt.Sprintf("Could not determine username for uid %d", uid)}
	}
	if len(users) == 0 || slices.Contains(users, name) {
		return nil
	}
	return &ACLError{fmt.Sprintf("uid %d has no permission to perform this operation", uid)}
}

// UserName looks up the name of a user.
func UserName(uid uint32) (string, bool) {
	u, err := user.LookupId(strconv.FormatUint(uint64(uid), 10))
	if err != nil {
		return "", false
	}
	return u.Username, true
}

// ProcessStartTime is the start time of a process (clock ticks since
// boot), 0 if it is gone; polkit and the secret agent order use it.
func ProcessStartTime(pid uint32) uint64 { return processStartTime(pid) }
