package trace

import "github.com/ctxtrace/trace/internal/hook"

// For mocktracer (see internal/hook): the spans a tracer finishes, in the
// order they finish, and a tracer without a service. A tracer without
// either pays one nil check per Finish (span.go).
func init() {
	hook.OnFinish = func(f func(span, snapshot any)) any {
		return Option(func(c *config) { c.onFinish = func(s *Span) { f(s, Snapshot{s}) } })
	}
	hook.NoService = func() any {
		return Option(func(c *config) { c.service = "" })
	}
}
