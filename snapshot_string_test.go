package trace_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

// TestSnapshotString: a snapshot describes itself on one line, and the
// zero Snapshot says it is empty.
func TestSnapshotString(t *testing.T) {
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp), trace.WithService("svc"))
	_, s := tr.Start(context.Background(), "op", trace.Resource("res"))
	s.Finish()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := exp.Spans()[0].String()
	for _, want := range []string{`"op"`, `service="svc"`, `resource="res"`} {
		if !strings.Contains(got, want) || strings.Contains(got, "\n") {
			t.Errorf("String() = %q, want it to contain %s on one line", got, want)
		}
	}
	if (trace.Snapshot{}).String() != "<empty snapshot>" {
		t.Error((trace.Snapshot{}).String())
	}
}
