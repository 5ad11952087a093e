package sampling

import (
	"math"
	"regexp"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/ctxtrace/trace"
)

// Regexps are compiled regular expressions a span must match, beside a
// rule's globs: dd-trace-go's SamplingRule carries its patterns compiled,
// and its users may set any expression. A nil expression matches anything;
// so does a nil tag expression, even on a span without that tag, as in
// dd-trace-go. A rule with both globs and expressions matches a span that
// both match.
type Regexps struct {
	// Service, Name and Resource are matched against the span's.
	Service, Name, Resource *regexp.Regexp
	// Tags are matched against the span's tags, by key; a numeric tag as
	// the text of a whole number ("200"), a fraction never.
	Tags map[string]*regexp.Regexp
}

// textMatches reports whether s matches both a glob and an expression.
func textMatches(pattern string, re *regexp.Regexp, s string) bool {
	return glob(pattern, s) && (re == nil || re.MatchString(s))
}

// anyTag reports whether a tag pattern is left unchecked: dd-trace-go
// compiles "" and "*" to no expression, which a span lacking the tag
// passes too.
func anyTag(pattern string) bool { return pattern == "" || pattern == "*" }

// numberBufs hold the text of numeric tags while they are matched: a
// buffer on the stack would escape into the regexp package's machine, so
// every numeric match would allocate one (TestMatchDoesNotAllocate).
var numberBufs = sync.Pool{New: func() any { return new([32]byte) }}

// valueMatches reports whether a tag's value matches a glob and an
// expression. A number matches as dd-trace-go matches its metrics: only a
// whole number, written the way strconv.FormatFloat(v, 'g', -1, 64) writes
// it ("200", "1e+06").
func valueMatches(pattern string, re *regexp.Regexp, v trace.Value) bool {
	if !v.IsNumber() {
		return textMatches(pattern, re, v.String())
	}
	f := v.Float64()
	if math.Floor(f) != f { // fractions and NaN
		return false
	}
	buf := numberBufs.Get().(*[32]byte)
	text := strconv.AppendFloat(buf[:0], f, 'g', -1, 64)
	ok := glob(pattern, text) && (re == nil || re.Match(text))
	numberBufs.Put(buf)
	return ok
}

// glob reports whether s matches pattern the way dd-trace-go's glob
// patterns match, which it compiles to the regular expression
// (?i)^pattern$ with "*" as .* and "?" as ., everything else literal:
//
//   - "*" matches any run of characters and "?" any one character, except
//     a newline (a regular expression's "." does not match one);
//   - letters match under Unicode simple case folding ("k" matches "K"
//     and the Kelvin sign);
//   - an invalid UTF-8 byte reads as one U+FFFD;
//   - an empty pattern, or "*" alone, matches anything, newlines included:
//     dd-trace-go compiles no expression for them.
//
// It is the classic iterative glob, where only the last star is ever
// lengthened, so linear in practice, and allocates nothing (BenchmarkGlob).
// Newlines cost nothing extra: only a newline in the pattern matches one,
// so once a newline is matched, what comes before it is settled and the
// star behind it is forgotten; a star that would have to cover a newline
// fails the match. ASCII is compared inline; other characters decoded.
func glob[S string | []byte](pattern string, s S) bool {
	if anyTag(pattern) {
		return true
	}
	p, i := 0, 0
	star, mark := -1, 0 // just after the last star in pattern; where its run ends in s
	for i < len(s) {
		if p < len(pattern) {
			pc, sc := pattern[p], s[i]
			switch {
			case pc == '*':
				p++
				star, mark = p, i
				continue
			case pc < utf8.RuneSelf && sc < utf8.RuneSelf:
				if pc == '?' && sc != '\n' || lowerByte(pc) == lowerByte(sc) {
					if sc == '\n' {
						star = -1 // settled: no star crosses a newline
					}
					p, i = p+1, i+1
					continue
				}
			default:
				pr, pw := decodeAt(pattern, p)
				sr, sw := decodeAt(s, i)
				if pr == '?' || sameFold(pr, sr) {
					p, i = p+pw, i+sw
					continue
				}
			}
		}
		if star < 0 || s[mark] == '\n' {
			return false
		}
		if s[mark] < utf8.RuneSelf {
			mark++
		} else {
			_, w := decodeAt(s, mark)
			mark += w
		}
		p, i = star, mark
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// decodeAt decodes the character at s[i], as regexp reads its input.
func decodeAt[S string | []byte](s S, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	// At most four bytes that do not escape: converted on the stack.
	return utf8.DecodeRuneInString(string(s[i:min(len(s), i+utf8.UTFMax)]))
}

// sameFold reports whether a and b are equal under Unicode simple case
// folding, as a case-insensitive regular expression compares them.
func sameFold(a, b rune) bool {
	if a == b {
		return true
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		return lowerByte(byte(a)) == lowerByte(byte(b))
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
