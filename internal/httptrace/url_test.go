package httptrace

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	def := QueryRegexp("", false)
	for _, c := range []struct {
		name, target, host string
		tls, query         bool
		want               string
	}{
		{name: "path only without a host", target: "/a/b", host: "-", want: "/a/b"},
		{name: "host and path", target: "/a%20b/c", want: "http://example.com/a%20b/c"},
		{name: "TLS", target: "/x", tls: true, want: "https://example.com/x"},
		{name: "query left out", target: "/x?a=1", want: "http://example.com/x"},
		{name: "query kept", target: "/x?a=1&b=2", query: true, want: "http://example.com/x?a=1&b=2"},
		{name: "secrets redacted", target: "/x?token=abc&q=1&password=p&api_key=k", query: true,
			want: "http://example.com/x?<redacted>&q=1&<redacted>&<redacted>"},
		{name: "absolute target", target: "https://h.example:8443/y?z=1", query: true, want: "https://h.example:8443/y?z=1"},
		{name: "fragment", target: "http://example.com/f#sec", want: "http://example.com/f#sec"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", c.target, nil)
			if strings.Contains(c.target, "#") { // a client's request: servers never see one
				r, _ = http.NewRequest("GET", c.target, nil)
			}
			if c.host == "-" {
				r.Host = ""
			}
			if c.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if got := urlWith(r, c.query, def); got != c.want {
				t.Errorf("URL = %q, want %q", got, c.want)
			}
		})
	}
}

func TestURLUserInfoNeverShown(t *testing.T) {
	r := httptest.NewRequest("GET", "http://user:secret@example.com/p", nil)
	if got := URL(r, true); strings.Contains(got, "secret") || got != "http://example.com/p" {
		t.Errorf("URL = %q", got)
	}
}

// TestQueryRegexp: the default applies when the variable is unset or does
// not compile; set and empty, nothing is redacted; set, its expression.
func TestQueryRegexp(t *testing.T) {
	r := httptest.NewRequest("GET", "/x?token=abc&mine=1", nil)
	for _, c := range []struct {
		value string
		set   bool
		want  string
	}{
		{"", false, "http://example.com/x?<redacted>&mine=1"},
		{"", true, "http://example.com/x?token=abc&mine=1"},
		{"mine=[0-9]", true, "http://example.com/x?token=abc&<redacted>"},
		{"(unclosed", true, "http://example.com/x?<redacted>&mine=1"},
	} {
		if got := urlWith(r, true, QueryRegexp(c.value, c.set)); got != c.want {
			t.Errorf("%q (set %v): %q, want %q", c.value, c.set, got, c.want)
		}
	}
}

// TestDefaultRegexpSecrets: what dd-trace-go's expression is for, each
// form of secret it names.
func TestDefaultRegexpSecrets(t *testing.T) {
	re := QueryRegexp("", false)
	for _, q := range []string{
		"password=hunter2", "pwd=x", "pass_phrase=x", "secret=x", "api_key=x", "private_key_id=x", "access_key=x",
		"token=x", "consumer_secret=x", "signature=x", "authorization=x", "auth%3Dx",
		"q=bearer%20abcdef", "x=ghp_" + strings.Repeat("a", 36),
		"jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
	} {
		if got := re.ReplaceAllLiteralString(q, redacted); !strings.Contains(got, redacted) {
			t.Errorf("%q not redacted: %q", q, got)
		}
	}
	for _, q := range []string{"page=2", "q=hello", "sort=asc&limit=10"} {
		if got := re.ReplaceAllLiteralString(q, redacted); got != q {
			t.Errorf("%q redacted: %q", q, got)
		}
	}
}

// FuzzMayHaveSecret: whenever mayHaveSecret says no, the default
// expression matches nothing, so skipping it changes nothing.
func FuzzMayHaveSecret(f *testing.F) {
	for _, s := range []string{"ref=home", "token=x", "TOKEN=x", "ſecret=x", "api%5Fkey=1", "ghp_" + strings.Repeat("A", 36),
		"a=eyJ0.eyJ1", "q=Bearer%20x", "-----BEGIN RSA PRIVATE KEY-----x-----END RSA PRIVATE KEY", "passwd=1", "x=\u212aey"} {
		f.Add(s)
	}
	re := QueryRegexp("", false)
	f.Fuzz(func(t *testing.T, q string) {
		if !mayHaveSecret(q) && re.MatchString(q) {
			t.Errorf("%q matches the default expression, but mayHaveSecret says no", q)
		}
	})
}

func TestMayHaveSecret(t *testing.T) {
	for q, want := range map[string]bool{"ref=home&page=2": false, "": false, "Token=1": true, "x=PassWord": true,
		"q=\u00e9": true, "sort=asc": false, "e=eyK": true, "g=GHU_": true, "s=s": false} {
		if got := mayHaveSecret(q); got != want {
			t.Errorf("mayHaveSecret(%q) = %v", q, got)
		}
	}
}
