package format

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// isWide reports whether r takes two terminal columns.
func isWide(r rune) bool {
	i := sort.Search(len(wideRanges), func(i int) bool { return wideRanges[i][1] >= r })
	return i < len(wideRanges) && wideRanges[i][0] <= r
}

// isZeroWidth mirrors GLib's g_unichar_iszerowidth: combining and format
// characters (except the soft hyphen), Hangul medial vowels and final
// consonants, and the zero width space take no column.
func isZeroWidth(r rune) bool {
	if r == 0xad {
		return false
	}
	if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		return true
	}
	return (r >= 0x1160 && r < 0x1200) || r == 0x200b
}

// ScreenWidth is the number of terminal columns s occupies, not counting
// ANSI color sequences, as nmcli computes it for aligning columns.
func ScreenWidth(s string) int {
	w := 0
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		w = len(s)
	} else {
		for _, r := range s {
			switch {
			case isWide(r):
				w += 2
			case isZeroWidth(r):
			default:
				w++
			}
		}
	}
	if strings.IndexByte(s, 0x1b) >= 0 {
		w -= colorEscapeBytes(s)
	}
	return w
}

// padRight appends s followed by spaces so that it fills width screen
// columns. Like printf's "%-*s" with nmcli's byte-width correction, it
// never truncates.
func padRight(b *strings.Builder, s string, width int) {
	b.WriteString(s)
	for n := width - ScreenWidth(s); n > 0; n-- {
		b.WriteByte(' ')
	}
}
