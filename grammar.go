package trace

import (
	"strings"

	"github.com/ctxtrace/trace/internal/id"
)

// The grammar of the headers every propagation style reads and writes:
// case-folding of names, HTTP tokens and whitespace, lowercase hex. Each
// helper exists once, here.

// lower returns s in lower case, without allocating when it already is.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// validToken: an HTTP token (RFC 9110), the grammar of baggage keys.
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}

// hex16 formats v as 16 lowercase hexadecimal digits.
func hex16(v uint64) string {
	var b [16]byte
	return string(id.AppendHex16(b[:0], v))
}

// eq reports whether a carrier's key is name, which is lower case: carriers
// differ in the case they keep keys in. The names are ASCII, so folding
// is ASCII's: a key of the same length cannot hold a multi-byte character
// that Unicode folds to one of theirs. Every header of every carrier goes
// through here, once per name (headerSet.add): this is strings.EqualFold
// without its Unicode paths.
func eq(key, name string) bool {
	if len(key) != len(name) {
		return false
	}
	for i := 0; i < len(key); i++ {
		if c, n := key[i], name[i]; c != n && (c|0x20 != n || n < 'a' || n > 'z') {
			return false
		}
	}
	return true
}

// hasPrefixFold reports whether key starts with prefix, which is lower case.
func hasPrefixFold(key, prefix string) bool {
	return len(key) >= len(prefix) && strings.EqualFold(key[:len(prefix)], prefix)
}

// trimOWS removes the spaces and tabs HTTP allows around a value.
func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// isLowerHex reports whether s is made of lowercase hex digits only: W3C
// headers allow no uppercase.
func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// lowerHexByte parses two lowercase hex digits.
func lowerHexByte(s string) (byte, bool) {
	if len(s) != 2 || !isLowerHex(s) {
		return 0, false
	}
	return nibble(s[0])<<4 | nibble(s[1]), true
}

// nibble is the value of a lowercase hex digit.
func nibble(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'a' + 10
}
