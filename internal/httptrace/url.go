package httptrace

import (
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
)

// EnvQueryStringRegexp names the regular expression whose matches are
// replaced by "<redacted>" in the query string of http.url. Unset, the
// default (dd-trace-go's) applies; set and empty, query strings are kept
// as they are; set to an expression that does not compile, the default
// applies and a warning is logged.
const EnvQueryStringRegexp = "DD_TRACE_OBFUSCATION_QUERY_STRING_REGEXP"

// defaultQueryStringRegexp is the default of EnvQueryStringRegexp, the
// expression Datadog's tracers share: passwords, secrets, keys, tokens,
// signatures, bearer credentials, GitHub tokens, JWTs, private keys and
// SSH keys, as names followed by a value or as values.
const defaultQueryStringRegexp = `(?i)(?:p(?:ass)?w(?:or)?d|pass(?:_?phrase)?|secret|(?:api_?|private_?|public_?|access_?|secret_?)key(?:_?id)?|token|consumer_?(?:id|key|secret)|sign(?:ed|ature)?|auth(?:entication|orization)?)(?:(?:\s|%20)*(?:=|%3D)[^&]+|(?:"|%22)(?:\s|%20)*(?::|%3A)(?:\s|%20)*(?:"|%22)(?:%2[^2]|%[^2]|[^"%])+(?:"|%22))|bearer(?:\s|%20)+[a-z0-9\._\-]|token(?::|%3A)[a-z0-9]{13}|gh[opsu]_[0-9a-zA-Z]{36}|ey[I-L](?:[\w=-]|%3D)+\.ey[I-L](?:[\w=-]|%3D)+(?:\.(?:[\w.+\/=-]|%3D|%2F|%2B)+)?|[\-]{5}BEGIN(?:[a-z\s]|%20)+PRIVATE(?:\s|%20)KEY[\-]{5}[^\-]+[\-]{5}END(?:[a-z\s]|%20)+PRIVATE(?:\s|%20)KEY|ssh-rsa(?:\s|%20)*(?:[a-z0-9\/\.+]|%2F|%5C|%2B){100,}`

const redacted = "<redacted>"

// queryRegexp is the obfuscating expression, read from the environment on
// first use, as dd-trace-go reads it once; nil means none.
var queryRegexp = sync.OnceValue(func() *regexp.Regexp {
	return QueryRegexp(os.LookupEnv(EnvQueryStringRegexp))
})

// QueryRegexp returns the obfuscating expression for a value of
// EnvQueryStringRegexp (set tells whether it is set): nil when set and
// empty, the default when unset or not a valid expression.
func QueryRegexp(value string, set bool) *regexp.Regexp {
	switch {
	case !set:
		return defaultRegexp()
	case value == "":
		return nil
	}
	re, err := regexp.Compile(value)
	if err != nil {
		slog.Warn("httptrace: "+EnvQueryStringRegexp+" does not compile; using the default", "error", err)
		return defaultRegexp()
	}
	return re
}

var defaultRegexp = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(defaultQueryStringRegexp) })

// URL renders r's URL for http.url as dd-trace-go does: scheme, r.Host and
// the escaped path (the path alone when r.Host is empty), then the query
// string when query is true, obfuscated, then the fragment. User
// information is never part of it.
func URL(r *http.Request, query bool) string {
	return urlWith(r, query, queryRegexp())
}

func urlWith(r *http.Request, query bool, re *regexp.Regexp) string {
	u := r.URL
	if u == nil {
		return ""
	}
	path := u.EscapedPath()
	var q, frag string
	if query && u.RawQuery != "" {
		q = u.RawQuery
		if re != nil && (re != defaultRegexp() || mayHaveSecret(q)) {
			q = re.ReplaceAllLiteralString(q, redacted)
		}
	}
	if u.Fragment != "" {
		frag = u.EscapedFragment()
	}
	if r.Host == "" && q == "" && frag == "" {
		return path
	}
	var b strings.Builder
	b.Grow(len(r.Host) + len(path) + len(q) + len(frag) + 10)
	if r.Host != "" {
		scheme := u.Scheme
		if scheme == "" {
			scheme = "http"
			if r.TLS != nil {
				scheme = "https"
			}
		}
		b.WriteString(scheme)
		b.WriteString("://")
		b.WriteString(r.Host)
	}
	b.WriteString(path)
	if q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	if frag != "" {
		b.WriteByte('#')
		b.WriteString(frag)
	}
	return b.String()
}

// secretWords returns the words starting with c of which every match of
// the default expression contains one, in some case: each of its
// alternatives starts with or contains one of them ("key" stands for the
// private key blocks; "gh" and "ey" are followed by what GitHub tokens and
// JWTs start with).
func secretWords(c byte) []string {
	switch c {
	case 'a':
		return []string{"auth"}
	case 'b':
		return []string{"bearer"}
	case 'c':
		return []string{"consumer"}
	case 'e':
		return []string{"eyi", "eyj", "eyk", "eyl"}
	case 'g':
		return []string{"gho_", "ghp_", "ghs_", "ghu_"}
	case 'k':
		return []string{"key"}
	case 'p':
		return []string{"pw", "pass"}
	case 's':
		return []string{"secret", "sign", "ssh-rsa"}
	case 't':
		return []string{"token"}
	}
	return nil
}

// mayHaveSecret reports whether the default expression could match q: q
// holds one of secretWords in any ASCII case, or a byte that is not ASCII
// (the expression's case folding matches "ſ" for "s" and the Kelvin sign
// for "k"). When it reports false, the expression matches nothing, so the
// cost of running it, most of a traced request's without this test
// (BenchmarkContribHTTP in bench/), is skipped.
func mayHaveSecret(q string) bool {
	for i := 0; i < len(q); i++ {
		if q[i] >= 0x80 {
			return true
		}
		for _, w := range secretWords(q[i] | 0x20) { // ASCII lower case; no other byte starts a word
			if hasPrefixFold(q[i:], w) {
				return true
			}
		}
	}
	return false
}

// hasPrefixFold reports whether s starts with the lower-case ASCII word
// w, in any ASCII case.
func hasPrefixFold(s, w string) bool {
	if len(s) < len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}
