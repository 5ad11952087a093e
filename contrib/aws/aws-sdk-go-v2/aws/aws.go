// Package aws traces aws/aws-sdk-go-v2 (https://github.com/aws/aws-sdk-go-v2),
// with dd-trace-go v1.74.8's API of the package of that path.
//
// AppendMiddleware adds the tracing middleware to a configuration; every
// operation of the clients made from it is then one span, as
// dd-trace-go's integration makes it:
//
//   - name "<Service>.request" ("SQS.request", "S3.request"); under
//     DD_TRACE_SPAN_ATTRIBUTE_SCHEMA=v1, "aws.<service>.request", or
//     "aws.<service>.send" for SQS SendMessage* and SNS Publish;
//   - service "aws.<Service>" ("aws.SQS"), the tracer's under schema v1 or
//     DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED, or WithServiceName's;
//   - resource "<Service>.<Operation>" ("SQS.SendMessage"), type http;
//   - tags aws.operation, aws_service and aws.service, region and
//     aws.region, aws.agent (the User-Agent), aws.request_id,
//     http.method, http.url, http.status_code, component
//     aws/aws-sdk-go-v2/aws, span.kind client, messaging.system for SQS;
//   - what the operation acts on: queuename and cloud.resource_id (SQS),
//     bucketname (S3), topicname or targetname (SNS), tablename
//     (DynamoDB), streamname (Kinesis), rulename (EventBridge),
//     statemachinename (Step Functions), for the operations dd-trace-go
//     reads them from;
//   - the error the operation returns, unless WithErrorCheck excludes it.
//
// The trace context goes with the messages and events sent (SQS, SNS,
// EventBridge, Step Functions), and the spans of operations that write S3
// objects and DynamoDB items carry span pointers: see inject.go and
// pointers.go.
//
// # Differences from dd-trace-go
//
//   - Span pointers of S3 objects: dd-trace-go v1.74.8 reads the bucket
//     from the first label of the request's host and the key from its
//     path, wrong with path-style addressing (custom endpoints,
//     S3-compatible stores): the bucket becomes "127" or "s3", the key
//     "<bucket>/<key>". We read both from the input. dd-trace-go adds a
//     pointer to every S3 response with an ETag header (GetObject,
//     HeadObject, UploadPart...), which wrote nothing, and none to
//     CopyObject and CompleteMultipartUpload, whose ETag is in the body;
//     we add them to PutObject, CopyObject and CompleteMultipartUpload,
//     as Datadog's rules and its Java and Python tracers do.
//   - A DynamoDB UpdateItem or DeleteItem that fails gets no span
//     pointer: it changed nothing (dd-trace-go adds one).
//   - JSON with the trace context: for an EventBridge detail or a Step
//     Functions input that is an empty object with blanks ("{ }", or
//     "{}" for Step Functions), dd-trace-go writes "{,"_datadog":...}",
//     which is no JSON; we write valid JSON. We write no blanks around the
//     member, and the event bus's name as a JSON string.
//   - Input dd-trace-go panics on is read as absent: a ListExecutions
//     without a state machine ARN, an execution ARN without ":", a nil
//     option; a nil WithErrorCheck function marks every error.
//   - The middleware's names are this package's own, so that a
//     configuration given both dd-trace-go's and ours works (with two
//     spans per operation) instead of failing every operation with a
//     duplicate-middleware error; AppendMiddleware called twice on one
//     configuration traces once, with the first call's options.
//
// Supported: aws-sdk-go-v2 v1.48.0 (the version this module requires;
// built and tested with it) and later v1 releases, with any version of
// the service modules: the integration reads inputs and outputs by their
// field names (see fields.go), so it needs none of them.
package aws

import (
	"context"
	"math"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/internal/env"
	"github.com/ctxtrace/trace/internal/httptrace"
)

const componentName = "aws/aws-sdk-go-v2/aws"

// The middleware's names in the stack.
const (
	initID        = "ctxtrace.InitTrace"
	startID       = "ctxtrace.StartTrace"
	deserializeID = "ctxtrace.DeserializeTrace"
)

// AppendMiddleware takes the aws.Config and adds the Datadog tracing
// middleware into the APIOptions middleware stack. See
// https://aws.github.io/aws-sdk-go-v2/docs/middleware for more information.
func AppendMiddleware(awsCfg *aws.Config, opts ...Option) {
	if awsCfg == nil {
		return
	}
	cfg := defaults()
	for _, o := range opts {
		if o != nil {
			o(cfg)
		}
	}
	mw := &traceMiddleware{cfg: cfg}
	awsCfg.APIOptions = append(awsCfg.APIOptions, mw.add)
}

type traceMiddleware struct{ cfg *config }

type startTimeKey struct{}

// add adds the middleware to an operation's stack, unless it is there.
func (mw *traceMiddleware) add(stack *middleware.Stack) error {
	if _, ok := stack.Initialize.Get(startID); ok {
		return nil
	}
	// The operation's metadata (service, operation, region) is set by
	// middleware the client adds at the front of the initialize step, so
	// the span starts at its end; its start time is taken at the front.
	err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc(initID, func(
		ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler,
	) (middleware.InitializeOutput, middleware.Metadata, error) {
		return next.HandleInitialize(context.WithValue(ctx, startTimeKey{}, time.Now()), in)
	}), middleware.Before)
	if err == nil {
		err = stack.Initialize.Add(middleware.InitializeMiddlewareFunc(startID, mw.startSpan), middleware.After)
	}
	if err == nil {
		err = stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc(deserializeID, httpTags), middleware.Before)
	}
	return err
}

// startSpan runs the operation in its span.
func (mw *traceMiddleware) startSpan(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler,
) (middleware.InitializeOutput, middleware.Metadata, error) {
	op, service, region := awsmiddleware.GetOperationName(ctx), awsmiddleware.GetServiceID(ctx), awsmiddleware.GetRegion(ctx)
	start, ok := ctx.Value(startTimeKey{}).(time.Time)
	if !ok {
		start = time.Now()
	}
	var buf [20]trace.SpanOption
	opts := append(buf[:0],
		trace.Type(ext.SpanTypeHTTP),
		trace.Service(mw.serviceName(service)),
		trace.Resource(service+"."+op),
		trace.Tag("aws.region", region),
		trace.Tag("region", region),
		trace.Tag("aws.operation", op),
		trace.Tag("aws.service", service),
		trace.Tag("aws_service", service),
		trace.StartTime(start),
		trace.Tag(ext.Component, componentName),
		trace.Tag(ext.SpanKind, ext.SpanKindClient),
	)
	opts = resourceTags(opts, service, op, region, in.Parameters)
	if service == "SQS" {
		opts = append(opts, trace.Tag(ext.MessagingSystem, "amazonsqs"))
	}
	if !math.IsNaN(mw.cfg.analyticsRate) {
		opts = append(opts, trace.Tag(ext.EventSampleRate, mw.cfg.analyticsRate))
	}
	ctx, span := trace.Start(ctx, spanName(service, op), opts...)
	injectContext(ctx, service, op, in.Parameters)

	out, metadata, err := next.HandleInitialize(ctx, in)
	if err != nil && (mw.cfg.errCheck == nil || mw.cfg.errCheck(err)) {
		span.SetError(err)
	}
	if err == nil {
		if link, ok := spanPointer(service, op, in.Parameters, out.Result); ok {
			span.AddLink(link)
		}
	}
	span.Finish()
	return out, metadata, err
}

// httpTags tags the span with the request and the response of each
// attempt: the last attempt's stay.
func httpTags(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler,
) (middleware.DeserializeOutput, middleware.Metadata, error) {
	span := trace.SpanFromContext(ctx)
	if req, ok := in.Request.(*smithyhttp.Request); ok && req.Request != nil && req.URL != nil {
		u := *req.URL
		u.User = nil // no credentials in the tag
		span.SetTag(ext.HTTPMethod, req.Method)
		span.SetTag(ext.HTTPURL, u.String())
		span.SetTag("aws.agent", req.Header.Get("User-Agent"))
	}
	out, metadata, err := next.HandleDeserialize(ctx, in)
	if res, ok := out.RawResponse.(*smithyhttp.Response); ok && res.Response != nil {
		span.SetTag(ext.HTTPCode, res.StatusCode)
	}
	if id, ok := awsmiddleware.GetRequestIDMetadata(metadata); ok {
		span.SetTag("aws.request_id", id)
	}
	return out, metadata, err
}

// spanName is the span's name under the naming schema in force.
func spanName(service, op string) string {
	if !strings.EqualFold(env.String("DD_TRACE_SPAN_ATTRIBUTE_SCHEMA", ""), "v1") {
		return service + ".request"
	}
	s, o := strings.ToLower(service), strings.ToLower(op)
	if s == "sqs" && strings.HasPrefix(o, "sendmessage") || s == "sns" && o == "publish" {
		return "aws." + s + ".send"
	}
	return "aws." + s + ".request"
}

// serviceName is the span's service: WithServiceName's, else the
// tracer's when integrations take it, else "aws.<Service>".
func (mw *traceMiddleware) serviceName(service string) string {
	if mw.cfg.serviceName != "" {
		return mw.cfg.serviceName
	}
	if s := httptrace.ClientService(); s != "" {
		return s
	}
	return "aws." + service
}
