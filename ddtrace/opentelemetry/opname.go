package opentelemetry

import (
	"strings"

	oteltrace "go.opentelemetry.io/otel/trace"
)

// A Datadog operation name for an OpenTelemetry span, derived when it
// ends from its kind and its semantic-convention attributes, as
// dd-trace-go does (mirroring the Datadog Agent's OTLP conversion): HTTP
// spans are http.server.request or http.client.request, a database
// client's <db.system>.query, and so on.

// The attributes the operation name is derived from, by index in
// naming.vals.
const (
	nHTTPMethod   = iota // http.request.method: whether present, whatever its value
	nDBSystem            // db.system
	nMsgSystem           // messaging.system
	nMsgOperation        // messaging.operation
	nRPCSystem           // rpc.system
	nRPCService          // rpc.service
	nFaaSProvider        // faas.invoked_provider
	nFaaSInvoked         // faas.invoked_name
	nFaaSTrigger         // faas.trigger
	nGraphQLOp           // graphql.operation.type
	nNetProtocol         // network.protocol.name
	nKeys
)

// namingIndex returns the index of key in naming.vals, or -1.
func namingIndex(key string) int {
	switch key {
	case "http.request.method":
		return nHTTPMethod
	case "db.system":
		return nDBSystem
	case "messaging.system":
		return nMsgSystem
	case "messaging.operation":
		return nMsgOperation
	case "rpc.system":
		return nRPCSystem
	case "rpc.service":
		return nRPCService
	case "faas.invoked_provider":
		return nFaaSProvider
	case "faas.invoked_name":
		return nFaaSInvoked
	case "faas.trigger":
		return nFaaSTrigger
	case "graphql.operation.type":
		return nGraphQLOp
	case "network.protocol.name":
		return nNetProtocol
	}
	return -1
}

// Which error tags a span was given as attributes (naming.errTags): its
// status then leaves them as they are (see span.End).
const (
	errMessage uint8 = 1 << iota
	errType
	errStack
)

// naming is what a span's operation name and error tags are decided from
// when it ends: the attributes above, lowercased ("" when absent or not a
// string), the name given explicitly, and the error tags given.
type naming struct {
	vals       [nKeys]string
	httpMethod bool
	name       string // from operation.name or span.name, lowercased
	errTags    uint8
}

// note records the tag k = v, as the span stores it.
func (n *naming) note(k string, v any) {
	s, ok := v.(string)
	n.noteText(k, s, ok)
}

// noteText is note for a value whose text is s when isText (a string), or
// anything else (s is then ignored). It takes the text without putting
// it in an interface, which allocates.
func (n *naming) noteText(k, s string, isText bool) {
	switch k {
	case attrOperationName, tagSpanName:
		if isText {
			n.name = strings.ToLower(s)
		}
		return
	case tagErrorMessage:
		n.errTags |= errMessage
		return
	case tagErrorType:
		n.errTags |= errType
		return
	case tagErrorStack:
		n.errTags |= errStack
		return
	}
	i := namingIndex(k)
	switch {
	case i < 0:
	case i == nHTTPMethod:
		n.httpMethod = true
	case isText:
		n.vals[i] = strings.ToLower(s)
	default:
		n.vals[i] = "" // dd-trace-go panics on a value that is not a string
	}
}

// operation returns the operation name of a span of kind k, and whether it
// is the last resort, "internal", for a span with no kind, which then gets
// the tag span.kind:internal too.
func (n *naming) operation(k oteltrace.SpanKind) (name string, internal bool) {
	client, server := k == oteltrace.SpanKindClient, k == oteltrace.SpanKindServer
	v := &n.vals
	switch {
	case n.httpMethod && server:
		return "http.server.request", false
	case n.httpMethod && client:
		return "http.client.request", false
	case client && v[nDBSystem] != "":
		return v[nDBSystem] + ".query", false
	case v[nMsgSystem] != "" && v[nMsgOperation] != "" && k != oteltrace.SpanKindInternal && k != oteltrace.SpanKindUnspecified:
		return v[nMsgSystem] + "." + v[nMsgOperation], false
	case client && v[nRPCSystem] == "aws-api" && v[nRPCService] != "":
		return "aws." + v[nRPCService] + ".request", false
	case client && v[nRPCSystem] == "aws-api":
		return "aws.client.request", false
	case client && v[nRPCSystem] != "":
		return v[nRPCSystem] + ".client.request", false
	case server && v[nRPCSystem] != "":
		return v[nRPCSystem] + ".server.request", false
	case client && v[nFaaSProvider] != "" && v[nFaaSInvoked] != "":
		return v[nFaaSProvider] + "." + v[nFaaSInvoked] + ".invoke", false
	case server && v[nFaaSTrigger] != "":
		return v[nFaaSTrigger] + ".invoke", false
	case v[nGraphQLOp] != "":
		return "graphql.server.request", false
	case server && v[nNetProtocol] != "":
		return v[nNetProtocol] + ".server.request", false
	case server:
		return "server.request", false
	case client && v[nNetProtocol] != "":
		return v[nNetProtocol] + ".client.request", false
	case client:
		return "client.request", false
	case k != oteltrace.SpanKindUnspecified:
		return k.String(), false
	}
	return oteltrace.SpanKindInternal.String(), true
}
