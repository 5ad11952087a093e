package ext

// Values for the SpanKind tag, OpenTelemetry's span kinds.
const (
	// SpanKindServer is the server side of a synchronous request: such a
	// span has no local parent, though it may have a remote one.
	SpanKindServer = "server"

	// SpanKindClient is a request to a remote service: such a span has no
	// local children, though it may have remote ones.
	SpanKindClient = "client"

	// SpanKindConsumer is the receiving end of an asynchronous request.
	SpanKindConsumer = "consumer"

	// SpanKindProducer is the sending end of an asynchronous request.
	SpanKindProducer = "producer"

	// SpanKindInternal is an operation inside the process, the default:
	// integrations leave it unset.
	SpanKindInternal = "internal"
)
