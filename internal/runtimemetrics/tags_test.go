package runtimemetrics

import (
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIdentityTags(t *testing.T) {
	lv := "lang_version:" + runtime.Version()
	tests := []struct {
		name string
		id   Identity
		want []string
	}{
		{name: "empty", want: []string{"lang:go", lv}},
		{
			name: "full",
			id: Identity{Service: "svc", Env: "prod", Hostname: "h", RuntimeID: "rid", TracerVersion: "v1",
				GlobalTags: map[string]any{"b": "2", "a": "1", "n": 3, "runtime-id": "other", "": "x"}},
			want: []string{"lang:go", lv, "env:prod", "host:h", "runtime-id:rid", "a:1", "b:2", "tracer_version:v1", "service:svc"},
		},
		{
			name: "runtime-id from the global tags",
			id:   Identity{GlobalTags: map[string]any{"runtime-id": "g"}},
			want: []string{"lang:go", lv, "runtime-id:g"},
		},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.id.Tags()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[uint64]string{
		0: "0 B", 1023: "1023 B", 1024: "1 KiB", 1536: "2 KiB", 3 << 30: "3 GiB",
		1 << 60: "1 EiB", 1<<64 - 1: "16 EiB",
	} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
