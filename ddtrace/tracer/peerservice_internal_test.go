package tracer

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ctxtrace/trace/internal/globalconfig"
)

// TestPeerServiceFromEnv: DD_TRACE_SPAN_ATTRIBUTE_SCHEMA,
// DD_TRACE_PEER_SERVICE_DEFAULTS_ENABLED and DD_TRACE_PEER_SERVICE_MAPPING
// as dd-trace-go v2.3.0's newConfig reads them, then the options over them.
func TestPeerServiceFromEnv(t *testing.T) {
	for _, c := range []struct {
		name, schema, defaults, mapping string
		opts                            []StartOption
		wantDefaults                    bool
		wantMapping                     map[string]string
		wantProblem                     bool
	}{
		{name: "unset"},
		{name: "defaults on", defaults: "true", wantDefaults: true},
		{name: "defaults bad", defaults: "maybe", wantProblem: true},
		{name: "schema v1", schema: "V1", defaults: "false", wantDefaults: true},
		{name: "schema v0", schema: "v0", defaults: "1", wantDefaults: true},
		{name: "schema unknown is v0", schema: "v2", defaults: "true", wantDefaults: true, wantProblem: true},
		{name: "option over schema v1", schema: "v1", opts: []StartOption{WithPeerServiceDefaults(false)}},
		{name: "mapping by commas", mapping: " a:b , c : d:e ,:x, f", wantMapping: map[string]string{"a": "b", "c": "d:e", "f": ""}},
		{name: "mapping by spaces", mapping: "a:b c:d", wantMapping: map[string]string{"a": "b", "c": "d"}},
		{name: "options add to the mapping", mapping: "a:b,c:d",
			opts:        []StartOption{WithPeerServiceMapping("c", "x"), WithPeerServiceMapping("e", "f")},
			wantMapping: map[string]string{"a": "b", "c": "x", "e": "f"}},
		{name: "options alone", opts: []StartOption{WithPeerServiceMapping("e", "f")}, wantMapping: map[string]string{"e": "f"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("DD_TRACE_SPAN_ATTRIBUTE_SCHEMA", c.schema)
			t.Setenv("DD_TRACE_PEER_SERVICE_DEFAULTS_ENABLED", c.defaults)
			t.Setenv("DD_TRACE_PEER_SERVICE_MAPPING", c.mapping)
			cfg, problems := fromEnv()
			for _, o := range c.opts {
				o(&cfg)
			}
			if cfg.peerServiceDefaults != c.wantDefaults {
				t.Errorf("defaults = %v, want %v", cfg.peerServiceDefaults, c.wantDefaults)
			}
			if diff := cmp.Diff(c.wantMapping, cfg.peerServiceMappings); diff != "" {
				t.Errorf("mapping (-want +got):\n%s", diff)
			}
			if (len(problems) > 0) != c.wantProblem {
				t.Errorf("problems = %v, want some: %v", problems, c.wantProblem)
			}
		})
	}
}

// TestHeaderTagsFromEnv: DD_TRACE_HEADER_TAGS replaces the list, an unset
// one leaves it; DD_TRACE_ANALYTICS_ENABLED=true sets the rate to 1, false
// leaves it.
func TestHeaderTagsFromEnv(t *testing.T) {
	t.Cleanup(func() { globalconfig.SetHeaderTags(nil); globalconfig.SetAnalyticsRate(math.NaN()) })
	t.Setenv("DD_TRACE_HEADER_TAGS", "X-Id, x-user:user ,")
	t.Setenv("DD_TRACE_ANALYTICS_ENABLED", "true")
	globalconfig.SetAnalyticsRate(math.NaN())
	if _, problems := fromEnv(); len(problems) > 0 {
		t.Fatal(problems)
	}
	want := []globalconfig.HeaderTag{
		{Header: "X-Id", Request: "http.request.headers.x-id", Response: "http.response.headers.x-id"},
		{Header: "X-User", Request: "user"},
	}
	if diff := cmp.Diff(want, globalconfig.HeaderTags()); diff != "" {
		t.Errorf("header tags (-want +got):\n%s", diff)
	}
	if r := globalconfig.AnalyticsRate(); r != 1 {
		t.Errorf("analytics rate = %v, want 1", r)
	}

	t.Setenv("DD_TRACE_HEADER_TAGS", "")
	t.Setenv("DD_TRACE_ANALYTICS_ENABLED", "false")
	globalconfig.SetAnalyticsRate(0.5)
	if _, problems := fromEnv(); len(problems) > 0 {
		t.Fatal(problems)
	}
	if diff := cmp.Diff(want, globalconfig.HeaderTags()); diff != "" {
		t.Errorf("unset DD_TRACE_HEADER_TAGS changed the list (-want +got):\n%s", diff)
	}
	if r := globalconfig.AnalyticsRate(); r != 0.5 {
		t.Errorf("analytics rate = %v, want 0.5 left as it was", r)
	}

	t.Setenv("DD_TRACE_ANALYTICS_ENABLED", "sure")
	if _, problems := fromEnv(); len(problems) != 1 {
		t.Errorf("problems = %v, want one for DD_TRACE_ANALYTICS_ENABLED", problems)
	}
	// WithHeaderTags, applied after the environment, replaces its list.
	WithHeaderTags([]string{"x-other"})(nil)
	if got := globalconfig.HeaderTags(); len(got) != 1 || got[0].Header != "X-Other" {
		t.Errorf("after WithHeaderTags: %v", got)
	}
}
