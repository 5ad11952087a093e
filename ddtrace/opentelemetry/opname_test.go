package opentelemetry_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	oteltrace "go.opentelemetry.io/otel/trace"
)

// TestOperationName derives operation names as dd-trace-go does, from the
// span kind and the semantic-convention attributes, one span per case.
func TestOperationName(t *testing.T) {
	var (
		server   = oteltrace.SpanKindServer
		client   = oteltrace.SpanKindClient
		consumer = oteltrace.SpanKindConsumer
		producer = oteltrace.SpanKindProducer
		internal = oteltrace.SpanKindInternal
		none     = oteltrace.SpanKindUnspecified
	)
	s := attribute.String
	cases := []struct {
		kind  oteltrace.SpanKind
		attrs []attribute.KeyValue
		set   []attribute.KeyValue // after start
		want  string
		tag   string // span.kind
	}{
		{server, []attribute.KeyValue{s("http.request.method", "GET")}, nil, "http.server.request", "server"},
		{client, []attribute.KeyValue{s("http.request.method", "GET")}, nil, "http.client.request", "client"},
		{client, []attribute.KeyValue{attribute.Int("http.request.method", 1)}, nil, "http.client.request", "client"},
		{internal, []attribute.KeyValue{s("http.request.method", "GET")}, nil, "internal", "internal"},
		{client, []attribute.KeyValue{s("db.system", "PostgreSQL")}, nil, "postgresql.query", "client"},
		{server, []attribute.KeyValue{s("db.system", "redis")}, nil, "server.request", "server"},
		{client, []attribute.KeyValue{attribute.Int("db.system", 5)}, nil, "client.request", "client"},
		{consumer, []attribute.KeyValue{s("messaging.system", "Kafka"), s("messaging.operation", "Receive")}, nil, "kafka.receive", "consumer"},
		{producer, []attribute.KeyValue{s("messaging.system", "rabbitmq")}, []attribute.KeyValue{s("messaging.operation", "publish")}, "rabbitmq.publish", "producer"},
		{internal, []attribute.KeyValue{s("messaging.system", "kafka"), s("messaging.operation", "x")}, nil, "internal", "internal"},
		{client, []attribute.KeyValue{s("rpc.system", "aws-api"), s("rpc.service", "S3")}, nil, "aws.s3.request", "client"},
		{client, []attribute.KeyValue{s("rpc.system", "aws-api")}, nil, "aws.client.request", "client"},
		{client, []attribute.KeyValue{s("rpc.system", "grpc")}, nil, "grpc.client.request", "client"},
		{server, []attribute.KeyValue{s("rpc.system", "grpc")}, nil, "grpc.server.request", "server"},
		{client, []attribute.KeyValue{s("faas.invoked_provider", "aws"), s("faas.invoked_name", "fn")}, nil, "aws.fn.invoke", "client"},
		{server, []attribute.KeyValue{s("faas.trigger", "Datasource")}, nil, "datasource.invoke", "server"},
		{internal, []attribute.KeyValue{s("graphql.operation.type", "query")}, nil, "graphql.server.request", "internal"},
		{server, []attribute.KeyValue{s("network.protocol.name", "AMQP")}, nil, "amqp.server.request", "server"},
		{client, []attribute.KeyValue{s("network.protocol.name", "amqp")}, nil, "amqp.client.request", "client"},
		{server, nil, nil, "server.request", "server"},
		{client, nil, nil, "client.request", "client"},
		{producer, nil, nil, "producer", "producer"},
		{consumer, nil, nil, "consumer", "consumer"},
		{internal, nil, nil, "internal", "internal"},
		{none, nil, nil, "internal", "internal"},
		{oteltrace.SpanKind(99), nil, nil, "internal", "internal"}, // not a kind: internal, as OpenTelemetry's SDK says
		{server, []attribute.KeyValue{s("operation.name", "Custom.Name"), s("http.request.method", "GET")}, nil, "custom.name", "server"},
		{server, []attribute.KeyValue{s("http.request.method", "GET")}, []attribute.KeyValue{s("operation.name", "Set.Later")}, "set.later", "server"},
		{none, []attribute.KeyValue{s("span.name", "Given")}, nil, "given", ""},
		{none, []attribute.KeyValue{s("operation.name", "")}, nil, "internal", "internal"},
	}
	for _, c := range cases {
		_, tr, done := newProvider(t)
		_, sp := tr.Start(context.Background(), "res", oteltrace.WithSpanKind(c.kind), oteltrace.WithAttributes(c.attrs...))
		sp.SetAttributes(c.set...)
		sp.End()
		got := only(t, done())
		if got.Name() != c.want || tagMap(got)["span.kind"] != c.tag || got.Resource() != "res" {
			t.Errorf("kind %v, %v then %v: name %q span.kind %q resource %q; want %q, %q, res",
				c.kind, c.attrs, c.set, got.Name(), tagMap(got)["span.kind"], got.Resource(), c.want, c.tag)
		}
	}
}
