package globalconfig

import (
	"net/textproto"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// TestSetHeaderTags checks the entries against what dd-trace-go v2.3.0's
// normalizer.HeaderTag and setHeaderTags make of them (read from its
// source; interop's TestHeaderTagsSameAsDD compares the tags on the wire).
func TestSetHeaderTags(t *testing.T) {
	t.Cleanup(func() { SetHeaderTags(nil) })
	for _, c := range []struct {
		name    string
		entries []string
		want    []HeaderTag
	}{
		{"none", nil, nil},
		{"plain", []string{"X-Request-Id"}, []HeaderTag{
			{"X-Request-Id", "http.request.headers.x-request-id", "http.response.headers.x-request-id"}}},
		{"trimmed and lower-cased", []string{"  content-TYPE "}, []HeaderTag{
			{"Content-Type", "http.request.headers.content-type", "http.response.headers.content-type"}}},
		{"with a tag, lower-cased too", []string{"X-User: My.User "}, []HeaderTag{
			{"X-User", "my.user", ""}}},
		{"last colon splits", []string{"a:b:c"}, []HeaderTag{{"a:b", "c", ""}}},
		{"characters replaced", []string{"x.dot_under sp/é"}, []HeaderTag{
			{"x.dot_under sp/é", "http.request.headers.x_dot_under sp__", "http.response.headers.x_dot_under sp__"}}},
		{"skipped", []string{"", "  ", ":tag", "header:", " : "}, nil},
		{"later wins, first place kept", []string{"a", "b", "A:t"}, []HeaderTag{
			{"A", "t", ""}, {"B", "http.request.headers.b", "http.response.headers.b"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			SetHeaderTags(c.entries)
			if diff := cmp.Diff(c.want, HeaderTags()); diff != "" {
				t.Errorf("HeaderTags (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSetHeaderTagsCopies: the caller's slice is not kept.
func TestSetHeaderTagsCopies(t *testing.T) {
	t.Cleanup(func() { SetHeaderTags(nil) })
	in := []string{"a"}
	SetHeaderTags(in)
	in[0] = "b"
	if got := HeaderTags(); len(got) != 1 || got[0].Header != "A" {
		t.Errorf("HeaderTags = %v", got)
	}
}

// TestHeaderTagsConcurrent: readers and a writer at once (run with -race).
func TestHeaderTagsConcurrent(t *testing.T) {
	t.Cleanup(func() { SetHeaderTags(nil) })
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 1000 {
			SetHeaderTags([]string{"a", "b:c"})
			SetHeaderTags(nil)
		}
	}()
	for range 1000 {
		for _, h := range HeaderTags() {
			if h.Header == "" || h.Request == "" {
				t.Fatalf("half-set entry %+v", h)
			}
		}
	}
	<-done
}

func FuzzParseHeaderTag(f *testing.F) {
	for _, s := range []string{"x-id", "a:b", "a:b:c", " : ", "é\xff:", "x y z", "\xffa"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, entry string) {
		h, ok := parseHeaderTag(entry)
		if !ok {
			return
		}
		if h.Header == "" || h.Request == "" {
			t.Fatalf("accepted with an empty field: %+v", h)
		}
		if textproto.CanonicalMIMEHeaderKey(h.Header) != h.Header {
			t.Errorf("header %q is not canonical", h.Header)
		}
		if h.Response != "" {
			name := strings.TrimPrefix(h.Response, "http.response.headers.")
			if h.Request != "http.request.headers."+name || !utf8.ValidString(name) {
				t.Errorf("request %q and response %q differ", h.Request, h.Response)
			}
			for _, r := range name {
				if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == ' ' || r == '-' || r == '_') {
					t.Errorf("tag %q keeps %q", name, r)
				}
			}
		}
	})
}
