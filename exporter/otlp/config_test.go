package otlp

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// resolved is the part of the settings the precedence table checks.
type resolved struct {
	Protocol Protocol
	Endpoint string // URL or target
	Insecure bool
	Gzip     bool
	Headers  map[string]string
	Timeout  time.Duration
}

// The variables the precedence table sets most.
const (
	tEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
	gEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT"
	tProtocol = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
	gProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL"
)

// precedenceCase is a row of the precedence table: variables and options,
// and how the settings differ from the defaults.
type precedenceCase struct {
	name string
	env  map[string]string
	opts []Option
	want func(r *resolved)
	warn string // a warning that must be logged
}

var precedenceCases = []precedenceCase{
	{name: "defaults", want: func(*resolved) {}},
	{name: "grpc default", env: map[string]string{gProtocol: "grpc"},
		want: func(r *resolved) { r.Protocol, r.Endpoint, r.Insecure = GRPC, "localhost:4317", true }},
	{name: "generic endpoint gets the path", env: map[string]string{gEndpoint: "http://c:4318"},
		want: func(r *resolved) { r.Endpoint = "http://c:4318/v1/traces" }},
	{name: "generic endpoint with a path and a slash", env: map[string]string{gEndpoint: "https://c/otlp/"},
		want: func(r *resolved) { r.Endpoint = "https://c/otlp/v1/traces" }},
	{name: "traces endpoint used as is", env: map[string]string{gEndpoint: "http://g:1", tEndpoint: "http://t:2/custom"},
		want: func(r *resolved) { r.Endpoint = "http://t:2/custom" }},
	{name: "traces endpoint without a path", env: map[string]string{tEndpoint: "http://t:2"},
		want: func(r *resolved) { r.Endpoint = "http://t:2/" }},
	{name: "option over variables", env: map[string]string{tEndpoint: "http://t:2/x"},
		opts: []Option{WithEndpoint("http://o:3")}, want: func(r *resolved) { r.Endpoint = "http://o:3/v1/traces" }},
	{name: "traces option over endpoint option", opts: []Option{WithEndpoint("http://o:3"), WithTracesEndpoint("http://o:4/t")},
		want: func(r *resolved) { r.Endpoint = "http://o:4/t" }},
	{name: "endpoint without scheme is https", opts: []Option{WithEndpoint("o:3")},
		want: func(r *resolved) { r.Endpoint = "https://o:3/v1/traces" }},
	{name: "endpoint without scheme, insecure", opts: []Option{WithEndpoint("o:3"), WithInsecure()},
		want: func(r *resolved) { r.Endpoint, r.Insecure = "http://o:3/v1/traces", true }},
	{name: "traces protocol wins", env: map[string]string{gProtocol: "http/protobuf", tProtocol: "grpc", gEndpoint: "https://g:9"},
		want: func(r *resolved) { r.Protocol, r.Endpoint = GRPC, "g:9" }},
	{name: "grpc URL http is insecure", env: map[string]string{gProtocol: "grpc", tEndpoint: "http://g:9"},
		want: func(r *resolved) { r.Protocol, r.Endpoint, r.Insecure = GRPC, "g:9", true }},
	{name: "grpc host without port", opts: []Option{WithProtocol(GRPC), WithEndpoint("collector")},
		want: func(r *resolved) { r.Protocol, r.Endpoint = GRPC, "collector:4317" }},
	{name: "grpc insecure variable", env: map[string]string{gProtocol: "grpc", gEndpoint: "g:9", "OTEL_EXPORTER_OTLP_TRACES_INSECURE": "TRUE"},
		want: func(r *resolved) { r.Protocol, r.Endpoint, r.Insecure = GRPC, "g:9", true }},
	{name: "bad traces protocol falls to the generic", env: map[string]string{tProtocol: "http/json", gProtocol: "grpc"},
		want: func(r *resolved) { r.Protocol, r.Endpoint, r.Insecure = GRPC, "localhost:4317", true },
		warn: "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"},
	{name: "bad endpoint falls to the default", env: map[string]string{gEndpoint: "ftp://x"},
		want: func(*resolved) {}, warn: "OTEL_EXPORTER_OTLP_ENDPOINT"},
	{name: "compression", env: map[string]string{"OTEL_EXPORTER_OTLP_COMPRESSION": "gzip"},
		want: func(r *resolved) { r.Gzip = true }},
	{name: "traces compression wins", env: map[string]string{"OTEL_EXPORTER_OTLP_COMPRESSION": "gzip", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "none"},
		want: func(*resolved) {}},
	{name: "compression option", env: map[string]string{"OTEL_EXPORTER_OTLP_COMPRESSION": "none"},
		opts: []Option{WithCompression("gzip")}, want: func(r *resolved) { r.Gzip = true }},
	{name: "bad compression", env: map[string]string{"OTEL_EXPORTER_OTLP_COMPRESSION": "zstd"},
		want: func(*resolved) {}, warn: "OTEL_EXPORTER_OTLP_COMPRESSION"},
	{name: "timeout in milliseconds", env: map[string]string{"OTEL_EXPORTER_OTLP_TIMEOUT": "2500"},
		want: func(r *resolved) { r.Timeout = 2500 * time.Millisecond }},
	{name: "traces timeout wins", env: map[string]string{"OTEL_EXPORTER_OTLP_TIMEOUT": "2500", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "700"},
		want: func(r *resolved) { r.Timeout = 700 * time.Millisecond }},
	{name: "timeout option", env: map[string]string{"OTEL_EXPORTER_OTLP_TIMEOUT": "2500"},
		opts: []Option{WithTimeout(time.Second)}, want: func(r *resolved) { r.Timeout = time.Second }},
	{name: "bad timeout", env: map[string]string{"OTEL_EXPORTER_OTLP_TIMEOUT": "10s"},
		want: func(*resolved) {}, warn: "OTEL_EXPORTER_OTLP_TIMEOUT"},
	{name: "headers", env: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "api-key=a%20b, x=1"},
		want: func(r *resolved) { r.Headers = map[string]string{"api-key": "a b", "x": "1"} }},
	{name: "traces headers replace the generic", env: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "a=1", "OTEL_EXPORTER_OTLP_TRACES_HEADERS": "b=2"},
		want: func(r *resolved) { r.Headers = map[string]string{"b": "2"} }},
	{name: "headers option replaces the variables", env: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "a=1"},
		opts: []Option{WithHeaders(map[string]string{"c": "3"})}, want: func(r *resolved) { r.Headers = map[string]string{"c": "3"} }},
	{name: "bad header member skipped", env: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "a=1,bad header=2,noequals"},
		want: func(r *resolved) { r.Headers = map[string]string{"a": "1"} }, warn: "OTEL_EXPORTER_OTLP_HEADERS"},
}

func TestPrecedence(t *testing.T) {
	def := resolved{Protocol: HTTPProtobuf, Endpoint: DefaultHTTPEndpoint, Timeout: DefaultTimeout}
	for _, tt := range precedenceCases {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, nil))
			o := options{getenv: envMap(tt.env)}
			for _, opt := range tt.opts {
				opt(&o)
			}
			s, err := resolve(&o, env{get: o.getenv, warn: logger.Warn})
			if err != nil {
				t.Fatal(err)
			}
			want := def
			tt.want(&want)
			got := resolved{Protocol: s.protocol, Endpoint: s.url, Insecure: s.insecure, Gzip: s.gzip,
				Headers: s.headers, Timeout: s.timeout}
			if s.protocol == GRPC {
				got.Endpoint = s.target
			} else {
				got.Insecure = want.Insecure // meaningless over HTTP
			}
			diff(t, "settings", got, want)
			if tt.warn != "" && !strings.Contains(logs.String(), tt.warn) {
				t.Errorf("no warning names %s; logged:\n%s", tt.warn, logs.String())
			}
			if tt.warn == "" && logs.Len() > 0 {
				t.Errorf("unexpected warnings:\n%s", logs.String())
			}
		})
	}
}

func TestBadOptionsFail(t *testing.T) {
	for _, opts := range [][]Option{
		{WithProtocol("http/json")},
		{WithCompression("zstd")},
		{WithEndpoint("ftp://x")},
		{WithTracesEndpoint("http://")},
		{WithProtocol(GRPC), WithEndpoint("unix:///x")},
	} {
		if exp, err := New(append(opts, withGetenv(envMap(nil)))...); err == nil {
			exp.Shutdown(t.Context())
			t.Errorf("New accepted a malformed option (%d options)", len(opts))
		}
	}
}

func TestResourceFromEnv(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	e := env{get: envMap(map[string]string{
		"OTEL_RESOURCE_ATTRIBUTES": "service.name=from-attrs,team=a%2Cb,host.name=h1",
		"OTEL_SERVICE_NAME":        "from-var",
	}), warn: logger.Warn}
	o := options{resource: map[string]string{"host.name": "h2"}}
	attrs, service := resolveResource(&o, e)
	diff(t, "attributes", attrs, map[string]string{"service.name": "from-var", "team": "a,b", "host.name": "h2"})
	diff(t, "service", service, "from-var")

	e.get = envMap(map[string]string{"OTEL_RESOURCE_ATTRIBUTES": "good=1,bad"})
	attrs, _ = resolveResource(&options{}, e)
	diff(t, "malformed attributes are discarded whole", attrs, map[string]string{})
	if !strings.Contains(logs.String(), "OTEL_RESOURCE_ATTRIBUTES") {
		t.Errorf("no warning about OTEL_RESOURCE_ATTRIBUTES; logged:\n%s", logs.String())
	}
}
