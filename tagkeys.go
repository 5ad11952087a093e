package trace

// Tag keys that SetTag (and the Tag start option) give a meaning of their
// own, as dd-trace-go v2.3.0's Span.SetTag does (the code dd-trace-go
// v1.74.8 runs). Their names are those of dd-trace-go's ddtrace/ext
// package; the root package does not import it (the root imports no
// subpackage), so they are spelled here.
const (
	// tagServiceName set with SetTag changes the span's service.
	tagServiceName = "service.name"
	// tagResourceName set with SetTag changes the span's resource.
	tagResourceName = "resource.name"
	// tagSpanType set with SetTag changes the span's type.
	tagSpanType = "span.type"
	// tagSpanName set with SetTag changes the span's name.
	tagSpanName = "span.name"
	// tagError set with SetTag marks or clears the error: an error value
	// records it as SetError does, true or any other non-nil value marks the
	// span as an error, false and nil clear the mark.
	tagError = "error"
	// tagErrorMessage, tagErrorType and tagErrorStack describe an error.
	tagErrorMessage = "error.message"
	tagErrorType    = "error.type"
	tagErrorStack   = "error.stack"
	// tagManualKeep set with SetTag to true keeps the trace (PriorityUserKeep).
	tagManualKeep = "manual.keep"
	// tagManualDrop set with SetTag to true drops the trace (PriorityUserReject).
	tagManualDrop = "manual.drop"
	// tagSamplingPriority set with SetTag to a number sets the trace's priority.
	tagSamplingPriority = "sampling.priority"
	// tagAnalyticsEvent set with SetTag to true or false sets
	// tagEventSampleRate to 1 or 0.
	tagAnalyticsEvent = "analytics.event"
	// tagEventSampleRate is the rate at which the span is kept as an App
	// Analytics event: a plain metric.
	tagEventSampleRate = "_dd1.sr.eausr"
	// tagMeasured, the metric 1, asks the Agent to compute statistics for
	// a span that is not top-level (a top-level span has them anyway, and
	// the Agent exporter leaves the key out there, as dd-trace-go does).
	// SetTag with true or false stores 1 or 0.
	tagMeasured = "_dd.measured"
)

// mechanismAppSec is dd-trace-go's AppSec sampling mechanism
// (samplernames.AppSec): SetTag("manual.keep", 5) keeps the trace with it,
// as in dd-trace-go, where AppSec keeps traces that way.
const mechanismAppSec Mechanism = 5

// setSpecialLocked sets one of the keys above, as dd-trace-go's SetTag
// does. It reports false when the value has no special meaning for the key
// and the tag is to be stored as any other. v is raw as toValue converts
// it.
func (s *Span) setSpecialLocked(key string, v Value, raw any) bool {
	// As dd-trace-go, a pointer to a basic value is the value, and a nil
	// one is the zero value: *bool(nil) under "error" clears it.
	if r, ok := derefBasic(raw); ok {
		raw, v = r, toValue(r)
	}
	switch key {
	case tagServiceName:
		s.service = s.cleanLocked(v.String(), maxNameLen)
	case tagResourceName:
		s.resource = s.cleanLocked(v.String(), maxResourceLen)
		s.relabelEndpointLocked()
	case tagSpanType:
		s.spanType = s.cleanLocked(v.String(), maxNameLen)
	case tagSpanName:
		s.name = s.cleanLocked(v.String(), maxNameLen)
	case tagError:
		s.setErrorTagLocked(raw)
	case tagManualKeep, tagManualDrop:
		return s.setManualLocked(key, v, raw)
	case tagSamplingPriority:
		// Only an integer that a Priority holds is a priority: anything
		// else is ignored, not wrapped (256 would become 0, a drop). An
		// out-of-range conversion gives some int8, never equal to v.num().
		if p := Priority(v.num()); v.isNum() && float64(p) == v.num() {
			s.trace.setPriority(p, mechanismManual)
		}
	case tagAnalyticsEvent, tagMeasured:
		b, ok := raw.(bool)
		if !ok {
			return false
		}
		rate := 0.0
		if b {
			rate = 1
		}
		if key == tagAnalyticsEvent {
			key = tagEventSampleRate
		}
		s.setValueLocked(key, numberValue(rate))
	}
	return true
}

// setErrorTagLocked is SetTag("error", raw) for what SetTag did not record
// before taking the lock: a Tag start option's error value, bools, nil and
// anything else.
func (s *Span) setErrorTagLocked(raw any) {
	switch e := raw.(type) {
	case nil:
		s.errored = false
	case bool:
		s.errored = e
	case error: // from a Tag option: newSpan holds no lock yet
		// Skip setErrorTagLocked, setSpecialLocked, setTagLocked,
		// applyTagOptions, applyStartOptions and newSpan: the stack
		// starts where the tracer starts the span (one frame deeper for
		// each Group the option is nested in).
		s.setErrorLocked(describeError(e, s.tracer.cfg.stackDepth, 6))
	default:
		// Marked, with no message: dd-trace-go does the same.
		s.errored = true
	}
}

// setManualLocked is SetTag("manual.keep" or "manual.drop", raw). true keeps
// or drops the trace; false does nothing. dd-trace-go gives no other value
// a meaning, but for one: under "manual.keep" it swallows every number,
// and 5 keeps the trace with its AppSec mechanism; a number under
// "manual.drop" and any other value is stored as a plain tag.
func (s *Span) setManualLocked(key string, v Value, raw any) bool {
	if b, ok := raw.(bool); ok {
		switch {
		case !b:
		case key == tagManualKeep:
			s.trace.setPriority(PriorityUserKeep, mechanismManual)
		default:
			s.trace.setPriority(PriorityUserReject, mechanismManual)
		}
		return true
	}
	if key != tagManualKeep || !v.isNum() {
		return false
	}
	if v.num() == float64(mechanismAppSec) {
		s.trace.setPriority(PriorityUserKeep, mechanismAppSec)
	}
	return true
}

// derefBasic returns the value p points to, the zero value for a nil p,
// when p is a pointer to one of the types dd-trace-go dereferences in
// SetTag; otherwise it returns p and false.
func derefBasic(p any) (any, bool) {
	switch p := p.(type) {
	case *bool:
		return deref(p), true
	case *string:
		return deref(p), true
	case *float64:
		return deref(p), true
	case *float32:
		return deref(p), true
	case *int:
		return deref(p), true
	case *int8:
		return deref(p), true
	case *int16:
		return deref(p), true
	case *int32:
		return deref(p), true
	case *int64:
		return deref(p), true
	case *uint:
		return deref(p), true
	case *uint8:
		return deref(p), true
	case *uint16:
		return deref(p), true
	case *uint32:
		return deref(p), true
	case *uint64:
		return deref(p), true
	}
	return p, false
}

// deref returns *p, or the zero T for a nil p.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
