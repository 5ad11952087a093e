package trace

import "github.com/ctxtrace/trace/internal/hook"

// For ddtrace/tracer's SQLCommentCarrier: the span tags it puts in SQL
// comments (see internal/hook).
func init() { hook.SpanTag = contextSpanTag }

// contextSpanTag returns the text tag key of the span sc was taken from. A
// number is not text: dd-trace-go keeps numbers apart ("metrics") and its
// SQL comments read only text tags ("meta").
func contextSpanTag(sc any, key string) (string, bool) {
	c, ok := sc.(SpanContext)
	if !ok || c.span == nil {
		return "", false
	}
	s := c.span
	s.mu.Lock()
	v, ok := s.tags.get(key)
	s.mu.Unlock()
	if !ok || v.IsNumber() {
		return "", false
	}
	return v.String(), true
}
