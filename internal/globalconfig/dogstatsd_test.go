package globalconfig

import (
	"slices"
	"testing"
)

func TestDogStatsD(t *testing.T) {
	t.Cleanup(func() { SetDogStatsD("", nil) })
	tags := []string{"lang:go", "env:prod"}
	SetDogStatsD("127.0.0.1:8125", tags)
	tags[0] = "changed"
	addr, got := DogStatsD()
	if addr != "127.0.0.1:8125" || !slices.Equal(got, []string{"lang:go", "env:prod"}) {
		t.Errorf("DogStatsD() = %q, %q", addr, got)
	}
	got[0] = "changed"
	if _, again := DogStatsD(); again[0] != "lang:go" {
		t.Errorf("the tags returned are the recorded ones: %q", again)
	}
}
