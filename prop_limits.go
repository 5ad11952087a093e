package trace

// Bounds on what propagation reads from a carrier and writes to one, where
// the formats set none of their own. A carrier is input from anyone: a
// value kept from it is sent again on every outgoing request of the trace.

// maxOriginLen bounds the origin (x-datadog-origin, and o: in the
// tracestate's dd= member), in bytes. dd-trace-go sets no limit; Datadog's
// origins are short words ("synthetics", "synthetics-browser", "rum",
// "lambda", "ciapp-test"), and 128 bytes keep the dd= member, with the
// priority and the parent beside the origin, within the 256 bytes W3C
// allows a tracestate value.
const maxOriginLen = 128

// maxPropagatedTags bounds the number of propagated trace tags a trace
// holds (Span.SetPropagatedTag): with the shortest tag taking 10 bytes,
// x-datadog-tags (defaultTagsHeaderMax) could not carry more.
const maxPropagatedTags = 64

// Datadog baggage (ot-baggage-* headers) is bounded as W3C baggage is
// (maxBaggageMembers, maxBaggageBytes), on extract and on inject: at most
// 64 items, and at most 8,192 bytes of keys and values (the header names'
// "ot-baggage-" prefix not counted). What is over is dropped item by item,
// never cut, as for W3C baggage.

// originError returns why origin cannot be kept or sent, as the reason
// _dd.propagation_error records, or "" if it can: an origin is printable
// ASCII (a control character in a header value makes net/http refuse the
// whole request) of at most maxOriginLen bytes. inject selects the
// reasons of an inject (inject_max_size, encoding_error) over those of an
// extract (extract_max_size, decoding_error). An invalid origin is
// dropped whole, never cut: a cut one would name another origin.
func originError(origin string, inject bool) string {
	if len(origin) > maxOriginLen {
		if inject {
			return propErrInjectMaxSize
		}
		return propErrExtractSize
	}
	for i := 0; i < len(origin); i++ {
		if c := origin[i]; c < 0x20 || c > 0x7e {
			if inject {
				return propErrEncoding
			}
			return propErrDecoding
		}
	}
	return ""
}

// checkedOrigin returns the origin to read from a carrier, and the
// extraction record of why it was dropped (nil when it was not).
func checkedOrigin(origin string) (string, *extracted) {
	if reason := originError(origin, false); reason != "" {
		return "", &extracted{propError: reason}
	}
	return origin, nil
}

// injectableOrigin returns sc's origin if it can be sent, and "" after
// recording on the trace's local root why it cannot.
func injectableOrigin(sc SpanContext) string {
	if reason := originError(sc.origin, true); reason != "" {
		sc.setPropagationError(reason)
		return ""
	}
	return sc.origin
}

// otBaggage gathers ot-baggage-* items within the limits.
type otBaggage struct {
	items []kv
	size  int // bytes of keys and values
}

// fits reports whether an item of key k and value v may be added to what
// already holds items items of size bytes.
func fits(items, size int, k, v string) bool {
	return items < maxBaggageMembers && size+len(k)+len(v) <= maxBaggageBytes
}

// add keeps the item k=v, its key in lower case, if it fits; one that does
// not is dropped, and a smaller one after it may still fit. The size is
// checked first, so that a huge key is never copied.
func (b *otBaggage) add(k, v string) {
	if !fits(len(b.items), b.size, k, v) {
		return
	}
	b.items = append(b.items, kv{lower(k), v})
	b.size += len(k) + len(v)
}
