package trace

// Helpers the tests use to read and write tracestate values whole.

// composeTracestate returns what appendTracestate writes.
func composeTracestate(sc SpanContext) string {
	return string(appendTracestate(nil, sc))
}

// parseTracestate reads the combined tracestate field (repeated fields
// joined with commas) into its members.
func parseTracestate(v string) ([]kv, bool) {
	var out []kv
	ok := scanTracestate(v, func(k, val string) { out = append(out, kv{k, val}) })
	if !ok {
		return nil, false
	}
	return out, true
}
