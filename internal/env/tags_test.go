package env

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTags(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want map[string]string
	}{
		{"", map[string]string{}},
		{"a:1,b:2", map[string]string{"a": "1", "b": "2"}},
		{"a:1 b:2", map[string]string{"a": "1", "b": "2"}},
		{"a:1 b:2,c:3", map[string]string{"a": "1 b:2", "c": "3"}}, // commas win
		{" a : x:y , flag,:nokey,,", map[string]string{"a": "x:y", "flag": ""}},
		{"a:1,a:2", map[string]string{"a": "2"}},
	} {
		if diff := cmp.Diff(tc.want, ParseTags(tc.in)); diff != "" {
			t.Errorf("ParseTags(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}
