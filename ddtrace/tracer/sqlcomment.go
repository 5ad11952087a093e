package tracer

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/internal/hook"
	"github.com/ctxtrace/trace/internal/id"
)

// DBMPropagationMode says how much an integration tells the database about
// the service and trace a query belongs to, for Datadog Database
// Monitoring (DBM). The integrations of database/sql read it from
// DD_DBM_PROPAGATION_MODE or from their options.
//
// Propagation stores service names in the database, where anyone granted
// access to the database's statistics can read them.
type DBMPropagationMode string

const (
	// DBMPropagationModeUndefined is the mode not being set: the same as
	// DBMPropagationModeDisabled.
	DBMPropagationModeUndefined DBMPropagationMode = ""
	// DBMPropagationModeDisabled propagates nothing.
	DBMPropagationModeDisabled DBMPropagationMode = "disabled"
	// DBMPropagationModeService propagates the service tags: the
	// database's service, the application's service, env and version, and
	// the peer tags.
	DBMPropagationModeService DBMPropagationMode = "service"
	// DBMPropagationModeFull propagates the service tags and the trace: a
	// W3C traceparent with the trace id, the query span's id and the
	// sampled flag.
	DBMPropagationModeFull DBMPropagationMode = "full"
)

// SQLCommentInjectionMode is the former name of DBMPropagationMode.
//
// Deprecated: Use DBMPropagationMode instead.
type SQLCommentInjectionMode DBMPropagationMode

const (
	// SQLInjectionUndefined is DBMPropagationModeUndefined.
	SQLInjectionUndefined = SQLCommentInjectionMode(DBMPropagationModeUndefined)
	// SQLInjectionDisabled is DBMPropagationModeDisabled.
	SQLInjectionDisabled = SQLCommentInjectionMode(DBMPropagationModeDisabled)
	// SQLInjectionModeService is DBMPropagationModeService.
	SQLInjectionModeService = SQLCommentInjectionMode(DBMPropagationModeService)
	// SQLInjectionModeFull is DBMPropagationModeFull.
	SQLInjectionModeFull = SQLCommentInjectionMode(DBMPropagationModeFull)
)

// SQLCommentCarrier puts a span context in a SQL query, as a comment in
// the sqlcommenter format (https://google.github.io/sqlcommenter/spec/)
// before the query's text, and reads one back. A database/sql
// integration fills it, calls Inject, runs Query instead of the original,
// and starts the query's span with WithSpanID(SpanID).
type SQLCommentCarrier struct {
	// Query is the query: Inject puts the comment before it, Extract reads
	// the comment from it.
	Query string
	// Mode says what Inject puts in the comment.
	Mode DBMPropagationMode
	// DBServiceName is the database's service (dddbs).
	DBServiceName string
	// SpanID is written by Inject: a new span id, which a traceparent in
	// the comment names as the parent of the database's work. The
	// integration gives it to the query's span.
	SpanID uint64
	// PeerDBHostname is the database's host (ddh).
	PeerDBHostname string
	// PeerDBName is the database's name (dddb).
	PeerDBName string
	// PeerService is the database's peer.service (ddprs), unless the span
	// has a peer.service tag of its own.
	PeerService string
}

// The comment's keys, in the order they are written: sorted, as the
// sqlcommenter spec asks, in the order dd-trace-go writes them, which is
// what the Datadog Agent expects.
const (
	keyDBService     = iota // dddbs: the database's service
	keyEnv                  // dde: the application's env
	keyParentService        // ddps: the application's service
	keyParentVersion        // ddpv: the application's version
	keyTraceParent          // traceparent: W3C trace context
	keyPeerHostname         // ddh: the database's host
	keyPeerDBName           // dddb: the database's name
	keyPeerService          // ddprs: the peer.service
	numCommentKeys
)

var commentKeys = [numCommentKeys]string{"dddbs", "dde", "ddps", "ddpv", "traceparent", "ddh", "dddb", "ddprs"}

// Inject puts the comment that c.Mode asks for before c.Query, and sets
// c.SpanID to a new span id in every mode. spanCtx is the context of the
// span the query runs in, or nil. The comment holds c's fields, the
// default tracer's service (ddps) and, when spanCtx is the context of one
// of this package's spans, that span's env, version and peer.service
// tags; a SpanContext of another kind gives only its ids.
//
// An unknown mode is an error, and leaves Query as it was: dd-trace-go
// empties the query instead.
func (c *SQLCommentCarrier) Inject(spanCtx SpanContext) error {
	if c == nil {
		return ErrInvalidCarrier
	}
	c.SpanID = id.Span()
	switch c.Mode {
	case DBMPropagationModeUndefined, DBMPropagationModeDisabled:
		return nil
	case DBMPropagationModeService, DBMPropagationModeFull:
	default:
		return fmt.Errorf("tracer: unknown DBM propagation mode %q: want %q, %q or %q; the query is left without a comment",
			shorten(string(c.Mode)), DBMPropagationModeDisabled, DBMPropagationModeService, DBMPropagationModeFull)
	}
	sc := contextOf(spanCtx)
	var vals [numCommentKeys]string
	if c.Mode == DBMPropagationModeFull {
		vals[keyTraceParent] = c.traceParent(sc)
	}
	vals[keyDBService] = c.DBServiceName
	vals[keyEnv] = spanTag(sc, ext.Environment)
	vals[keyParentVersion] = spanTag(sc, ext.Version)
	vals[keyPeerService] = spanTag(sc, ext.PeerService)
	if vals[keyPeerService] == "" {
		vals[keyPeerService] = c.PeerService
	}
	vals[keyPeerHostname] = c.PeerDBHostname
	vals[keyPeerDBName] = c.PeerDBName
	vals[keyParentService] = globalService()
	c.Query = commentQuery(c.Query, &vals)
	return nil
}

// traceParent returns the traceparent that names c.SpanID in sc's trace.
// As dd-trace-go's does, it carries only the lower half of the trace id,
// the upper half zero, and the sampled flag when the trace is kept. With
// no trace, the new span id is the trace id too, and the flag is off.
func (c *SQLCommentCarrier) traceParent(sc trace.SpanContext) string {
	lower, sampled := c.SpanID, false
	if tid := sc.TraceID(); !tid.IsZero() {
		lower = tid.Lower()
		p, ok := sc.Priority()
		sampled = ok && p > 0
	}
	b := make([]byte, 0, 55)
	b = append(b, "00-0000000000000000"...)
	b = id.AppendHex16(b, lower)
	b = append(b, '-')
	b = id.AppendHex16(b, c.SpanID)
	if sampled {
		return string(append(b, "-01"...))
	}
	return string(append(b, "-00"...))
}

// spanTag returns the text tag key of the local span sc was taken from, or
// "".
func spanTag(sc trace.SpanContext, key string) string {
	if hook.SpanTag == nil {
		return ""
	}
	v, _ := hook.SpanTag(sc, key)
	return v
}

// commentQuery returns query with the comment of vals before it, and a
// space between them. Empty values are left out, but for dddbs, always
// written, as dd-trace-go does.
func commentQuery(query string, vals *[numCommentKeys]string) string {
	n := len(query) + 16
	for i := range vals {
		n += len(commentKeys[i]) + 4 + len(vals[i])
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString("/*")
	first := true
	for i, v := range vals {
		if v == "" && i != keyDBService {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(commentKeys[i])
		b.WriteString("='")
		writeEscaped(&b, v)
		b.WriteByte('\'')
	}
	b.WriteString("*/")
	if query != "" {
		b.WriteByte(' ')
		b.WriteString(query)
	}
	return b.String()
}

// escaped are the bytes writeEscaped percent-encodes: those dd-trace-go
// encodes (space and RFC 3986's reserved characters, with % and the
// quote), so that no value can close its quotes or the comment; and, which
// dd-trace-go passes as they are, the control characters (a NUL cuts the
// query short in PostgreSQL's protocol).
var escaped = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c < 0x20 || c == 0x7f
	}
	for _, c := range []byte(" !#$%&'()*+,/:;=?@[]") {
		t[c] = true
	}
	return t
}()

// writeEscaped writes v percent-encoded. Bytes that are not valid UTF-8
// are encoded too, which dd-trace-go does not do: PostgreSQL rejects a
// query that is not valid UTF-8 in a UTF-8 database.
func writeEscaped(b *strings.Builder, v string) {
	const hexDigits = "0123456789ABCDEF"
	for i := 0; i < len(v); {
		c := v[i]
		size := 1
		if c >= utf8.RuneSelf {
			if _, size = utf8.DecodeRuneInString(v[i:]); size > 1 {
				b.WriteString(v[i : i+size])
				i += size
				continue
			}
		}
		if c >= utf8.RuneSelf || escaped[c] {
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		} else {
			b.WriteByte(c)
		}
		i += size
	}
}

// shorten cuts s for an error message.
func shorten(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return strings.ToValidUTF8(s[:limit], "") + "..."
}

// Extract reads the span context of the first comment of c.Query that
// holds a traceparent, as dd-trace-go's does: its trace id, span id, and
// sampled flag as the sampling priority. It returns ErrSpanContextNotFound
// when there is no such comment or its ids are zero, and
// ErrSpanContextCorrupted when the comment is not a list of key=value
// pairs or its traceparent is malformed.
func (c *SQLCommentCarrier) Extract() (SpanContext, error) {
	if c == nil {
		return nil, ErrInvalidCarrier
	}
	body, ok := findTraceComment(c.Query)
	if !ok {
		return nil, ErrSpanContextNotFound
	}
	sc, err := parseTraceComment(body)
	if err != nil {
		return nil, err
	}
	if !sc.IsValid() {
		return nil, ErrSpanContextNotFound
	}
	return spanContext{sc}, nil
}

// findTraceComment returns the text of the first comment of query whose
// text holds the word traceparent. A comment opened inside another one
// starts over, and a */ before any /* ends the search, as in dd-trace-go.
func findTraceComment(query string) (string, bool) {
	open := -1 // where the open comment's text starts
	for i := 0; i+1 < len(query); i++ {
		switch query[i : i+2] {
		case "/*":
			open = i + 2
			i++
		case "*/":
			if open < 0 {
				return "", false
			}
			if text := query[open:i]; strings.Contains(text, commentKeys[keyTraceParent]) {
				return text, true
			}
			open = -1
			i++
		}
	}
	return "", false
}

// parseTraceComment reads the comma-separated key='value' pairs of a
// comment's text; of them only traceparent counts, and the last one wins.
func parseTraceComment(text string) (trace.SpanContext, error) {
	var (
		tid      trace.TraceID
		spanID   uint64
		priority int
	)
	for pair := range strings.SplitSeq(text, ",") {
		key, val, ok := strings.Cut(pair, "=")
		if !ok || strings.Contains(val, "=") {
			return trace.SpanContext{}, ErrSpanContextCorrupted
		}
		if key != commentKeys[keyTraceParent] {
			continue
		}
		var err error
		if tid, spanID, priority, err = parseTraceParent(strings.Trim(val, "'")); err != nil {
			return trace.SpanContext{}, err
		}
	}
	return trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:     tid,
		SpanID:      spanID,
		Priority:    trace.Priority(priority),
		HasPriority: true,
		Remote:      true,
	}), nil
}

// parseTraceParent reads a traceparent as dd-trace-go's SQL comments do:
// at least 55 bytes; for version 00, the 128-bit trace id, the span id
// and the two digits of the flags, read as a decimal number that becomes
// the sampling priority; for any other version, nothing (zero ids).
func parseTraceParent(v string) (tid trace.TraceID, spanID uint64, priority int, err error) {
	if len(v) < 55 {
		return tid, 0, 0, ErrSpanContextCorrupted
	}
	if v[:2] != "00" {
		return tid, 0, 0, nil
	}
	upper, err1 := strconv.ParseUint(v[3:19], 16, 64)
	lower, err2 := strconv.ParseUint(v[19:35], 16, 64)
	spanID, err3 := strconv.ParseUint(v[36:52], 16, 64)
	priority, err4 := strconv.Atoi(v[53:55])
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return trace.TraceID{}, 0, 0, ErrSpanContextCorrupted
	}
	return trace.NewTraceID(upper, lower), spanID, priority, nil
}
