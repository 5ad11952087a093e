package memory_test

import (
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/exportertest"
	"github.com/ctxtrace/trace/exporter/memory"
)

// TestConformance runs the exporter conformance checks: what the memory
// exporter records is the snapshots themselves.
func TestConformance(t *testing.T) {
	exportertest.Run(t, func(t *testing.T) (trace.Exporter, func() []exportertest.Span) {
		exp := memory.New()
		return exp, func() []exportertest.Span {
			var out []exportertest.Span
			for _, s := range exp.Spans() {
				out = append(out, exportertest.FromSnapshot(s))
			}
			return out
		}
	})
}
