package ext

// Network tags.
const (
	// TargetHost is the host an outbound request goes to.
	TargetHost = "out.host"
	// NetworkDestinationName is the host name (or the like) an outbound
	// connection goes to.
	NetworkDestinationName = "network.destination.name"
	// NetworkDestinationIP is the address an outbound connection goes to.
	NetworkDestinationIP = "network.destination.ip"
	// TargetPort is the port an outbound request goes to.
	TargetPort = "out.port"
	// TargetDB is the database an outbound request goes to.
	TargetDB = "out.db"
	// NetworkDestinationPort is the port an outbound connection goes to.
	NetworkDestinationPort = "network.destination.port"
)

// SQL tags.
const (
	// SQLType is the span type of an SQL operation, as SpanTypeSQL.
	SQLType = "sql"
	// SQLQuery holds an SQL query.
	SQLQuery = "sql.query"
)

// HTTP tags.
const (
	// HTTPMethod is the request's method.
	HTTPMethod = "http.method"
	// HTTPCode is the response's status code.
	HTTPCode = "http.status_code"
	// HTTPRoute is the route that matched the request.
	HTTPRoute = "http.route"
	// HTTPURL is the request's URL.
	HTTPURL = "http.url"
	// HTTPUserAgent is the request's User-Agent header.
	HTTPUserAgent = "http.useragent"
	// HTTPClientIP is the client's address.
	HTTPClientIP = "http.client_ip"
	// HTTPRequestHeaders is the prefix of the tags that hold request
	// headers: http.request.headers.<header>.
	HTTPRequestHeaders = "http.request.headers"
)

// Keys that set a span's fields rather than a tag.
const (
	// SpanName set as a tag changes the span's name (its operation name),
	// for frameworks that only know tags.
	SpanName = "span.name"
	// SpanType set as a tag changes the span's type: one of the
	// SpanType* values.
	SpanType = "span.type"
	// ServiceName set as a tag changes the span's service.
	ServiceName = "service.name"
	// ResourceName set as a tag changes the span's resource.
	ResourceName = "resource.name"
)

// Error tags.
const (
	// Error set as a tag marks or clears the span's error: an error value
	// records it (message, type, stack), true or another non-nil value
	// marks the span, false or nil clears the mark.
	Error = "error"
	// ErrorMsg holds the error's message.
	ErrorMsg = "error.message"
	// ErrorType holds the error's Go type.
	ErrorType = "error.type"
	// ErrorStack holds the stack where the error was recorded.
	ErrorStack = "error.stack"
	// ErrorDetails holds the error formatted with %+v, for errors that
	// format themselves.
	ErrorDetails = "error.details"
)

// Sampling tags.
const (
	// SamplingPriority set as a tag to a number sets the trace's sampling
	// priority: one of the Priority* values.
	// It is deprecated (unmarked for tools, as in dd-trace-go, so that
	// moved code gets no new warnings): Use ManualKeep and ManualDrop.
	SamplingPriority = "sampling.priority"
	// EventSampleRate is the rate at which the span is kept as an APM
	// (App Analytics) event.
	EventSampleRate = "_dd1.sr.eausr"
	// AnalyticsEvent set as a tag to true or false sets EventSampleRate
	// to 1 or 0: the span is a Trace Search and Analytics event, or not.
	AnalyticsEvent = "analytics.event"
	// ManualKeep set as a tag to true keeps the trace the span belongs to
	// (PriorityUserKeep).
	ManualKeep = "manual.keep"
	// ManualDrop set as a tag to true drops the trace the span belongs to
	// (PriorityUserReject).
	ManualDrop = "manual.drop"
)

// Unified service tags, and what the tracer adds.
const (
	// Version is the application's version.
	Version = "version"
	// Environment is the environment the application runs in.
	Environment = "env"
	// RuntimeID is a unique id of the process, on every span.
	RuntimeID = "runtime-id"
	// Component names the integration that made the span.
	Component = "component"
	// SpanKind is the span's kind, as OpenTelemetry defines it: one of
	// the SpanKind* values.
	SpanKind = "span.kind"
)
