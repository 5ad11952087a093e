package agent

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseInfo(t *testing.T) {
	long := strings.Repeat("x", maxPeerTagLen+1)
	i, err := parseInfo(strings.NewReader(`{"version":"7.70.0","endpoints":["/v0.6/stats"],"client_drop_p0s":true,
		"peer_tags":["a","","a","` + long + `","b"],"config":{"default_env":"none"},"unknown":{"x":[1]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !i.Reachable || !i.ClientDropP0s || !i.Supports("/v0.6/stats") || i.DefaultEnv != "none" ||
		strings.Join(i.PeerTags, ",") != "a,b" {
		t.Errorf("%+v", i)
	}
	for _, bad := range []string{"", "{", "[]", `{"endpoints":5}`, `{"peer_tags":"a"}`, `{"config":[]}`, "<html>"} {
		if _, err := parseInfo(strings.NewReader(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	tags := make([]string, 1000)
	for n := range tags {
		tags[n] = `"t` + strconv.Itoa(n) + `"`
	}
	i, err = parseInfo(strings.NewReader(`{"peer_tags":[` + strings.Join(tags, ",") + `]}`))
	if err != nil || len(i.PeerTags) != maxPeerTags {
		t.Errorf("%v, %d peer tags, want %d", err, len(i.PeerTags), maxPeerTags)
	}
}

func FuzzParseInfo(f *testing.F) {
	f.Add(`{"version":"7.70.0","endpoints":["/v0.4/traces","/v0.6/stats"],"client_drop_p0s":true,"peer_tags":["db.instance"],"config":{"default_env":"prod"}}`)
	f.Add(`{"endpoints":null,"peer_tags":[null,""]}`)
	f.Add(`[1,2]`)
	f.Fuzz(func(t *testing.T, s string) {
		i, err := parseInfo(strings.NewReader(s))
		if err != nil {
			return
		}
		if len(i.PeerTags) > maxPeerTags {
			t.Fatalf("%d peer tags", len(i.PeerTags))
		}
		for _, p := range i.PeerTags {
			if p == "" || len(p) > maxPeerTagLen {
				t.Fatalf("peer tag %q", p)
			}
		}
	})
}
