package setting

import "strings"

// asciiSpaces are the characters NetworkManager treats as white space when
// it splits words (NM_ASCII_SPACES).
const asciiSpaces = " \n\t\r\f"

func isASCIISpace(c byte) bool { return strings.IndexByte(asciiSpaces+"\v", c) >= 0 }

// escapedTokensSplit splits s at unescaped delimiters, drops empty words,
// trims unescaped white space around each word and removes the escaping
// backslashes, as NetworkManager's nm_utils_escaped_tokens_split does.
func escapedTokensSplit(s, delims string) []string {
	isDelim := func(c byte) bool { return strings.IndexByte(delims, c) >= 0 }
	var raw []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\':
			i++ // the next character is taken literally
		case isDelim(s[i]):
			raw = append(raw, s[start:i])
			start = i + 1
		}
	}
	raw = append(raw, s[start:])
	var out []string
	for _, w := range raw {
		w = trimUnescapedSpace(w)
		if w == "" {
			continue
		}
		out = append(out, unescapeBackslashes(w, delims))
	}
	return out
}

// trimUnescapedSpace removes leading white space and trailing white space
// that is not protected by a backslash.
func trimUnescapedSpace(w string) string {
	w = strings.TrimLeft(w, asciiSpaces+"\v")
	for len(w) > 0 && isASCIISpace(w[len(w)-1]) {
		n := 0
		for j := len(w) - 2; j >= 0 && w[j] == '\\'; j-- {
			n++
		}
		if n%2 == 1 {
			break
		}
		w = w[:len(w)-1]
	}
	return w
}

// unescapeBackslashes drops the backslash before a delimiter, a
// backslash or white space; other backslashes are kept, as in
// NetworkManager.
func unescapeBackslashes(w, delims string) string {
	if !strings.Contains(w, `\`) {
		return w
	}
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		if w[i] == '\\' && i+1 < len(w) {
			if n := w[i+1]; n == '\\' || isASCIISpace(n) || strings.IndexByte(delims, n) >= 0 {
				i++
			}
		}
		b.WriteByte(w[i])
	}
	return b.String()
}

// escapeTokens escapes a word so escapedTokensSplit gives it back: a
// backslash before delimiters, before backslashes that precede one, and
// before leading or trailing white space.
func escapeTokens(s, delims string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte(delims, c) >= 0:
			b.WriteByte('\\')
		case c == '\\':
			// escape a backslash when it would otherwise escape what follows
			if i+1 == len(s) || s[i+1] == '\\' || strings.IndexByte(delims, s[i+1]) >= 0 || isASCIISpace(s[i+1]) {
				b.WriteByte('\\')
			}
		case isASCIISpace(c) && (i == 0 || i == len(s)-1):
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// parseInt64Base parses an integer like _nm_utils_ascii_str_to_int64: base
// 0 auto-detects 0x (hex) and leading 0 (octal); surrounding white space
// is allowed.
func parseInt64Base(s string, base int, min, max int64) (int64, bool) {
	s = strings.Trim(s, asciiSpaces+"\v")
	if s == "" {
		return 0, false
	}
	neg := false
	t := s
	if t[0] == '-' || t[0] == '+' {
		neg = t[0] == '-'
		t = t[1:]
	}
	if base == 0 {
		switch {
		case len(t) > 1 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X'):
			base, t = 16, t[2:]
		case len(t) > 1 && t[0] == '0':
			base, t = 8, t[1:]
		default:
			base = 10
		}
	} else if base == 16 && len(t) > 1 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') {
		t = t[2:]
	}
	if t == "" {
		return 0, false
	}
	var u uint64
	for i := 0; i < len(t); i++ {
		d, ok := digitVal(t[i])
		if !ok || d >= base {
			return 0, false
		}
		if u > (1<<63)/uint64(base) {
			return 0, false
		}
		u = u*uint64(base) + uint64(d)
		if u > 1<<63 {
			return 0, false
		}
	}
	var n int64
	if neg {
		n = -int64(u)
	} else {
		if u > 1<<63-1 {
			return 0, false
		}
		n = int64(u)
	}
	if n < min || n > max {
		return 0, false
	}
	return n, true
}

func digitVal(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10, true
	}
	return 0, false
}
