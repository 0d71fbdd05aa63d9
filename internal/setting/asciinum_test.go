package setting

import (
	"math"
	"testing"
)

// The number readers behave as NetworkManager's
// _nm_utils_ascii_str_to_int64/uint64: spaces, sign, base prefixes,
// and the two kinds of error.
func TestASCIIToInt(t *testing.T) {
	for _, c := range []struct {
		in   string
		base int
		n    int64
		r    parseResult
	}{
		{" 42 ", 10, 42, parseOK},
		{"+7", 10, 7, parseOK},
		{"-7", 10, -7, parseOK},
		{"0x1f", 0, 31, parseOK},
		{"0X1F", 16, 31, parseOK},
		{"1f", 16, 31, parseOK},
		{"010", 0, 8, parseOK},
		{"0", 0, 0, parseOK},
		{"0x", 16, 0, parseInvalid},
		{"", 10, 0, parseInvalid},
		{"  ", 10, 0, parseInvalid},
		{"-", 10, 0, parseInvalid},
		{"12a", 10, 0, parseInvalid},
		{"-9223372036854775808", 10, math.MinInt64, parseOK},
		{"9223372036854775808", 10, 0, parseRange},
		{"99999999999999999999", 10, 0, parseRange},
		{"101", 10, 101, parseRange},
	} {
		n, r := asciiToInt64(c.in, c.base, -1<<63, 100)
		if c.in == "-9223372036854775808" {
			n, r = asciiToInt64(c.in, c.base, math.MinInt64, math.MaxInt64)
		}
		if n != c.n || r != c.r {
			t.Errorf("asciiToInt64(%q, %d) = %d, %d; want %d, %d", c.in, c.base, n, r, c.n, c.r)
		}
	}
	for _, c := range []struct {
		in   string
		base int
		n    uint64
		r    parseResult
	}{
		{"18446744073709551615", 10, math.MaxUint64, parseOK},
		{"18446744073709551616", 10, 0, parseRange},
		{"-1", 10, math.MaxUint64, parseOK},
		{" 0x10", 0, 16, parseOK},
		{"x", 10, 0, parseInvalid},
	} {
		n, r := asciiToUint64(c.in, c.base, 0, math.MaxUint64)
		if n != c.n || r != c.r {
			t.Errorf("asciiToUint64(%q, %d) = %d, %d; want %d, %d", c.in, c.base, n, r, c.n, c.r)
		}
	}
}
