// Package ext holds dd-trace-go's tag names and tag values: the keys that
// Datadog's backend, the Agent and the integrations give a meaning to, the
// span types, the span kinds and the sampling priorities. Every name and
// value is the one of gopkg.in/DataDog/dd-trace-go.v1/ddtrace/ext at
// v1.74.8, so code that imports it moves over by replacing the module
// prefix.
//
// # Keys with a meaning of their own
//
// Span.SetTag (github.com/ctxtrace/trace) treats some of these keys as
// dd-trace-go does, rather than storing them as plain tags:
//
//   - ServiceName, ResourceName, SpanType and SpanName change the span's
//     service, resource, type and name.
//   - Error marks the span as an error (true, an error value, or any other
//     non-nil value) or clears the mark (false, nil); an error value also
//     records ErrorMsg, ErrorType and ErrorStack.
//   - ManualKeep and ManualDrop set to true keep or drop the trace
//     (PriorityUserKeep, PriorityUserReject); SamplingPriority set to a
//     number sets the trace's priority.
//   - AnalyticsEvent set to true or false sets EventSampleRate to 1 or 0.
//
// The other names are plain tags: the package only spells them.
package ext
