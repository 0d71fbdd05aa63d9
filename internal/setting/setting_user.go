package setting

import (
	"fmt"
	"sort"
	"unicode/utf8"
)

var settingUser = &Info{
	Name:       "user",
	NmcliTitle: "User settings",
	Priority:   prioUser,
	Props: []*Property{
		{Name: "data", Kind: KindStrDict, DBus: "a{ss}", Default: map[string]string{}, AlwaysEmit: true},
	},
	Verify: verifyUser,
}

// CheckUserKey checks a user-data key: dot-separated words of letters,
// digits and "-_+/=", with at least one dot, at most 255 bytes.
func CheckUserKey(key string) error {
	if key == "" {
		return fmt.Errorf("missing key")
	}
	if len(key) > 255 {
		return fmt.Errorf("key is too long")
	}
	if !utf8.ValidString(key) {
		return fmt.Errorf("key must be UTF8")
	}
	regular := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '+' || c == '/' || c == '='
	}
	hasDot := false
	i := 0
	for {
		if i >= len(key) || !regular(key[i]) {
			break
		}
		for i < len(key) && regular(key[i]) {
			i++
		}
		if i == len(key) {
			if !hasDot {
				return fmt.Errorf("key requires a '.' for a namespace")
			}
			return nil
		}
		if key[i] != '.' {
			break
		}
		hasDot = true
		i++
		if i < len(key) && key[i] == '.' {
			return fmt.Errorf("key cannot contain \"..\"")
		}
	}
	return fmt.Errorf("key contains invalid characters")
}

// CheckUserValue checks a user-data value: UTF-8, at most 8 KiB.
func CheckUserValue(v string) error {
	if len(v) > 8*1024 {
		return fmt.Errorf("value is too large")
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("value is not valid UTF8")
	}
	return nil
}

func verifyUser(s *Setting, c *Connection) (Result, *Error) {
	data := s.StrDict("data")
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := CheckUserKey(k); err != nil {
			return Invalid, newError(ErrFailed, "user", "data", "invalid key \"%s\": %s", k, err.Error())
		}
		if err := CheckUserValue(data[k]); err != nil {
			return Invalid, newError(ErrFailed, "user", "data", "invalid value for \"%s\": %s", k, err.Error())
		}
	}
	if len(data) > 256 {
		return Invalid, invalidProp("user", "data", "maximum number of user data entries reached (%d instead of %d)", len(data), 256)
	}
	return Success, nil
}
