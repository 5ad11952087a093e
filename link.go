package trace

import "maps"

// Link relates a span to another span that is not its parent: the message
// that caused it, a batch it belongs to, a trace it continues from another
// system. The linked span may be in another trace.
type Link struct {
	TraceID    TraceID
	SpanID     uint64
	Attributes map[string]string // describe the relation, such as "link.kind": "follows"
	Tracestate string            // the linked context's W3C tracestate, if any
	Flags      uint32            // the linked context's W3C trace flags, if any
}

// WithLinks adds links to the span as it starts. Links with a zero trace or
// span id are ignored, but for span pointers (see AddLink).
func WithLinks(links ...Link) SpanOption {
	return SpanOption{kind: optLinks, val: links}
}

// AddLink adds a link to the span. A link with a zero trace or span id is
// ignored, unless it is a span pointer (attribute "link.kind" set to
// "span-pointer"): Datadog's span pointers link a span to what it wrote
// (an S3 object, a DynamoDB item) by a hash in their attributes, with zero
// ids.
func (s *Span) AddLink(l Link) {
	if s == nil {
		return
	}
	s.mu.Lock()
	if !s.finished {
		s.addLinkLocked(l)
	}
	s.mu.Unlock()
}

// addLinkLocked keeps a copy of l, so that the caller's map may change
// afterwards without changing the span.
func (s *Span) addLinkLocked(l Link) {
	if (l.TraceID.IsZero() || l.SpanID == 0) && l.Attributes["link.kind"] != "span-pointer" {
		return
	}
	x := s.extraLocked()
	if len(x.links) >= s.tracer.cfg.limits.Tags {
		s.tracer.stats.tagsDropped.Add(1)
		return
	}
	l.Attributes = maps.Clone(l.Attributes)
	x.links = append(x.links, l)
}

// linkList returns the span's links, or nil.
func (s *Span) linkList() []Link {
	if s.extra == nil {
		return nil
	}
	return s.extra.links
}
