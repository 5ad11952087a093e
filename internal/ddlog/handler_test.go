package ddlog

import (
	"log/slog"
	"slices"
	"testing"
)

type lines []string

func (l *lines) Log(msg string) { *l = append(*l, msg) }

func TestHandler(t *testing.T) {
	var got lines
	log := slog.New(Handler(&got, slog.LevelInfo))
	log.Debug("hidden")
	log.Info("hello", "a", 1)
	log.With("svc", "x").WithGroup("g").Warn("careful", "k", "v")
	want := lines{"INFO: hello a=1", "WARN: careful svc=x g.k=v"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
