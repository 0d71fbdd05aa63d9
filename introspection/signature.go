package introspection

import "fmt"

// SplitSignature splits a D-Bus signature into its complete types, for
// example "a{sv}u(ii)" into ["a{sv}", "u", "(ii)"]. It fails on a malformed
// signature.
func SplitSignature(sig string) ([]string, error) {
	var out []string
	for i := 0; i < len(sig); {
		n, err := completeType(sig, i, 0, 0)
		if err != nil {
			return nil, fmt.Errorf("signature %q: %w", sig, err)
		}
		out = append(out, sig[i:i+n])
		i += n
	}
	return out, nil
}

// checkSignature checks that sig is well formed; with single it must be
// exactly one complete type.
func checkSignature(sig string, single bool) error {
	types, err := SplitSignature(sig)
	if err != nil {
		return err
	}
	if single && len(types) != 1 {
		return fmt.Errorf("signature %q is not a single complete type", sig)
	}
	return nil
}

const basicTypes = "ybnqiuxtdhsog"

// completeType returns the length of the complete type starting at sig[i].
// Depths bound nesting as the D-Bus specification does (32 each).
func completeType(sig string, i, arrays, structs int) (int, error) {
	if i >= len(sig) {
		return 0, fmt.Errorf("ends early")
	}
	c := sig[i]
	switch {
	case c == 'v':
		return 1, nil
	case indexByte(basicTypes, c):
		return 1, nil
	case c == 'a':
		if arrays >= 32 {
			return 0, fmt.Errorf("arrays nested too deeply")
		}
		if i+1 < len(sig) && sig[i+1] == '{' {
			j := i + 2
			if j >= len(sig) || !indexByte(basicTypes, sig[j]) {
				return 0, fmt.Errorf("dictionary key at %d is not a basic type", j)
			}
			j++
			n, err := completeType(sig, j, arrays+1, structs+1)
			if err != nil {
				return 0, err
			}
			j += n
			if j >= len(sig) || sig[j] != '}' {
				return 0, fmt.Errorf("dictionary entry at %d not closed", i)
			}
			return j + 1 - i, nil
		}
		n, err := completeType(sig, i+1, arrays+1, structs)
		if err != nil {
			return 0, err
		}
		return n + 1, nil
	case c == '(':
		if structs >= 32 {
			return 0, fmt.Errorf("structs nested too deeply")
		}
		j := i + 1
		if j < len(sig) && sig[j] == ')' {
			return 0, fmt.Errorf("empty struct at %d", i)
		}
		for j < len(sig) && sig[j] != ')' {
			n, err := completeType(sig, j, arrays, structs+1)
			if err != nil {
				return 0, err
			}
			j += n
		}
		if j >= len(sig) {
			return 0, fmt.Errorf("struct at %d not closed", i)
		}
		return j + 1 - i, nil
	}
	return 0, fmt.Errorf("unexpected %q at %d", c, i)
}

func indexByte(s string, c byte) bool {
	for k := 0; k < len(s); k++ {
		if s[k] == c {
			return true
		}
	}
	return false
}
