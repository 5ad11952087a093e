package otlp

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// An ExportTraceServiceResponse is read by hand, as requests are written:
// its only field, partial_success, holds two. This keeps the generated
// collector package, and the gRPC gateway it imports, out of programs.
const (
	fResponsePartialSuccess = 1 // ExportTraceServiceResponse.partial_success
	fPartialRejectedSpans   = 1 // ExportTracePartialSuccess.rejected_spans
	fPartialErrorMessage    = 2 // ExportTracePartialSuccess.error_message
)

var errMalformedResponse = errors.New("malformed ExportTraceServiceResponse")

// exportResponse is what an answer says: how many spans the destination
// rejected, and why (a partial success), or only a warning.
type exportResponse struct {
	rejectedSpans int64
	message       string
}

// parseResponse reads an ExportTraceServiceResponse. Unknown fields are
// skipped, as protobuf readers do; a later partial_success merges into an
// earlier one.
func parseResponse(b []byte) (exportResponse, error) {
	var r exportResponse
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return r, fmt.Errorf("%w: %w", errMalformedResponse, protowire.ParseError(n))
		}
		if num > protowire.MaxValidNumber {
			return r, fmt.Errorf("%w: field number %d", errMalformedResponse, num)
		}
		b = b[n:]
		if num == fResponsePartialSuccess && typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return r, fmt.Errorf("%w: %w", errMalformedResponse, protowire.ParseError(m))
			}
			if err := r.partial(v); err != nil {
				return r, err
			}
			b = b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return r, fmt.Errorf("%w: %w", errMalformedResponse, protowire.ParseError(m))
		}
		b = b[m:]
	}
	return r, nil
}

// partial reads an ExportTracePartialSuccess into r.
func (r *exportResponse) partial(b []byte) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("%w: %w", errMalformedResponse, protowire.ParseError(n))
		}
		if num > protowire.MaxValidNumber {
			return fmt.Errorf("%w: field number %d", errMalformedResponse, num)
		}
		b = b[n:]
		var m int
		switch {
		case num == fPartialRejectedSpans && typ == protowire.VarintType:
			var v uint64
			v, m = protowire.ConsumeVarint(b)
			r.rejectedSpans = int64(v)
		case num == fPartialErrorMessage && typ == protowire.BytesType:
			var v []byte
			v, m = protowire.ConsumeBytes(b)
			if m >= 0 && !utf8.Valid(v) {
				return fmt.Errorf("%w: error_message is not UTF-8", errMalformedResponse)
			}
			r.message = string(v)
		default:
			m = protowire.ConsumeFieldValue(num, typ, b)
		}
		if m < 0 {
			return fmt.Errorf("%w: %w", errMalformedResponse, protowire.ParseError(m))
		}
		b = b[m:]
	}
	return nil
}
