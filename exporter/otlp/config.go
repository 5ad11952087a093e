package otlp

import (
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/url"
	"strings"
	"time"
)

// settings is the configuration New resolves from its options, the
// environment and the defaults, in that order.
type settings struct {
	protocol      Protocol
	url           string // HTTP: the URL requests are posted to
	target        string // gRPC: host:port
	insecure      bool   // gRPC: without TLS
	gzip          bool
	headers       map[string]string
	timeout       time.Duration
	resource      map[string]string
	service       string // for spans without one
	retry         retryPolicy
	maxRequest    int
	concurrency   int
	sendUnsampled bool
}

// env reads the OTLP exporter's variables: for a setting NAME, the
// traces-specific OTEL_EXPORTER_OTLP_TRACES_NAME first, then the generic
// OTEL_EXPORTER_OTLP_NAME. A value that cannot be used is warned about,
// and the next one down is used instead, down to the default.
type env struct {
	get  func(string) string
	warn func(msg string, args ...any)
}

// envValue is one variable that is set.
type envValue struct{ key, val string }

// values returns the variables of setting name that are set, the most
// specific first.
func (e env) values(name string) []envValue {
	var out []envValue
	for _, key := range []string{"OTEL_EXPORTER_OTLP_TRACES_" + name, "OTEL_EXPORTER_OTLP_" + name} {
		if v := strings.TrimSpace(e.get(key)); v != "" {
			out = append(out, envValue{key, v})
		}
	}
	return out
}

// bad warns that a variable's value cannot be used.
func (e env) bad(v envValue, err error) {
	e.warn("trace/otlp: ignoring a malformed setting", slog.String("variable", v.key),
		slog.String("value", v.val), slog.String("error", err.Error()))
}

// resolve makes the settings of o, reading the environment where o leaves
// a setting unset. It fails only on a malformed option: a malformed
// variable is warned about and its default used.
func resolve(o *options, e env) (settings, error) {
	s := settings{
		timeout:       DefaultTimeout,
		retry:         defaultRetry,
		maxRequest:    DefaultMaxRequestBytes,
		concurrency:   DefaultConcurrency,
		sendUnsampled: o.sendUnsampled,
	}
	var err error
	if s.protocol, err = resolveProtocol(o, e); err != nil {
		return s, err
	}
	s.insecure = resolveInsecure(o, e)
	if err = resolveEndpoint(&s, o, e); err != nil {
		return s, err
	}
	if s.gzip, err = resolveCompression(o, e); err != nil {
		return s, err
	}
	s.headers = resolveHeaders(o, e)
	s.timeout = resolveTimeout(o, e)
	s.resource, s.service = resolveResource(o, e)
	if o.retry != nil {
		s.retry = *o.retry
	}
	if o.maxRequest > 0 {
		s.maxRequest = o.maxRequest
	}
	if o.concurrency > 0 {
		s.concurrency = o.concurrency
	}
	return s, nil
}

func resolveProtocol(o *options, e env) (Protocol, error) {
	if o.protocol != "" {
		if p := Protocol(strings.ToLower(string(o.protocol))); p == HTTPProtobuf || p == GRPC {
			return p, nil
		}
		return "", fmt.Errorf("otlp: unsupported protocol %q (supported: %q, %q)", o.protocol, HTTPProtobuf, GRPC)
	}
	for _, v := range e.values("PROTOCOL") {
		if p := Protocol(strings.ToLower(v.val)); p == HTTPProtobuf || p == GRPC {
			return p, nil
		}
		e.bad(v, fmt.Errorf("unsupported protocol (supported: %s, %s)", HTTPProtobuf, GRPC))
	}
	return HTTPProtobuf, nil
}

func resolveInsecure(o *options, e env) bool {
	if o.insecure {
		return true
	}
	for _, v := range e.values("INSECURE") {
		b, err := parseBool(v.val)
		if err == nil {
			return b
		}
		e.bad(v, err)
	}
	return false
}

// resolveEndpoint sets the URL (HTTP) or target (gRPC): the traces
// endpoint, used as it is, wins over the base endpoint, to which HTTP
// adds /v1/traces; an option wins over a variable.
func resolveEndpoint(s *settings, o *options, e env) error {
	type source struct {
		val, key string // key is the variable's, "" for an option
		base     bool
	}
	sources := []source{{val: o.tracesEndpoint}, {val: o.endpoint, base: true}}
	for _, v := range e.values("ENDPOINT") {
		sources = append(sources, source{val: v.val, key: v.key, base: v.key == "OTEL_EXPORTER_OTLP_ENDPOINT"})
	}
	for _, src := range sources {
		if strings.TrimSpace(src.val) == "" {
			continue
		}
		err := s.setEndpoint(strings.TrimSpace(src.val), src.base)
		if err == nil {
			return nil
		}
		if src.key == "" {
			return fmt.Errorf("otlp: endpoint %q: %w", src.val, err)
		}
		e.bad(envValue{src.key, src.val}, err)
	}
	if s.protocol == GRPC {
		s.target, s.insecure = DefaultGRPCEndpoint, true
		return nil
	}
	s.url = DefaultHTTPEndpoint
	return nil
}

// setEndpoint reads an endpoint for the protocol.
func (s *settings) setEndpoint(v string, base bool) error {
	if s.protocol == GRPC {
		target, insecure, err := grpcTarget(v, s.insecure)
		s.target, s.insecure = target, insecure
		return err
	}
	u, err := httpURL(v, base, s.insecure)
	s.url = u
	return err
}

// httpURL returns the URL requests are posted to: v with the signal's
// path added when it is a base, or "/" when it has none.
func httpURL(v string, base, insecure bool) (string, error) {
	if !strings.Contains(v, "://") {
		if insecure {
			v = "http://" + v
		} else {
			v = "https://" + v
		}
	}
	u, err := url.Parse(v)
	if err != nil {
		return "", err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("scheme %q is not http or https", u.Scheme)
	}
	if u.Host == "" {
		return "", fmt.Errorf("no host")
	}
	switch {
	case base:
		u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/traces"
		u.RawPath = ""
	case u.Path == "":
		u.Path = "/"
	}
	return u.String(), nil
}

// grpcTarget returns the host:port of a gRPC endpoint, "host:port" or a
// URL whose scheme says whether TLS is used (http: not), and whether it is
// used without TLS. A missing port is 4317.
func grpcTarget(v string, insecure bool) (string, bool, error) {
	if strings.Contains(v, "://") {
		u, err := url.Parse(v)
		if err != nil {
			return "", insecure, err
		}
		switch u.Scheme {
		case "http":
			insecure = true
		case "https":
			insecure = false
		default:
			return "", insecure, fmt.Errorf("scheme %q is not http or https", u.Scheme)
		}
		v = u.Host
	}
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		host, port = strings.TrimSuffix(strings.TrimPrefix(v, "["), "]"), "4317"
	}
	if host == "" || strings.ContainsAny(host, "/?#@ []") {
		return "", insecure, fmt.Errorf("no usable host in %q", v)
	}
	return net.JoinHostPort(host, port), insecure, nil
}

func resolveCompression(o *options, e env) (bool, error) {
	read := func(v string) (bool, bool) {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "gzip":
			return true, true
		case "none":
			return false, true
		}
		return false, false
	}
	if o.compression != "" {
		gz, ok := read(o.compression)
		if !ok {
			return false, fmt.Errorf("otlp: unsupported compression %q (supported: gzip, none)", o.compression)
		}
		return gz, nil
	}
	for _, v := range e.values("COMPRESSION") {
		if gz, ok := read(v.val); ok {
			return gz, nil
		}
		e.bad(v, fmt.Errorf("unsupported compression (supported: gzip, none)"))
	}
	return false, nil
}

// resolveHeaders returns the headers of the option, or else of the most
// specific variable set, less the members that are not valid headers.
func resolveHeaders(o *options, e env) map[string]string {
	if o.headers != nil {
		h := map[string]string{}
		for k, v := range o.headers {
			if err := validHeader(k, v); err != nil {
				e.warn("trace/otlp: ignoring a header given to WithHeaders", slog.String("error", err.Error()))
				continue
			}
			h[k] = v
		}
		return h
	}
	vs := e.values("HEADERS")
	if len(vs) == 0 {
		return nil
	}
	h, errs := parseHeaders(vs[0].val)
	for _, err := range errs {
		e.bad(vs[0], err)
	}
	return h
}

func resolveTimeout(o *options, e env) time.Duration {
	if o.timeout > 0 {
		return o.timeout
	}
	for _, v := range e.values("TIMEOUT") {
		d, err := parseTimeout(v.val)
		if err == nil {
			return d
		}
		e.bad(v, err)
	}
	return DefaultTimeout
}

// resolveResource returns the user's resource attributes: those of
// OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME as service.name, then the
// option's; and the service of spans without one.
func resolveResource(o *options, e env) (map[string]string, string) {
	attrs := map[string]string{}
	if v := strings.TrimSpace(e.get("OTEL_RESOURCE_ATTRIBUTES")); v != "" {
		parsed, err := parseResourceAttributes(v)
		if err != nil {
			e.bad(envValue{"OTEL_RESOURCE_ATTRIBUTES", v}, err)
		}
		maps.Copy(attrs, parsed)
	}
	if v := strings.TrimSpace(e.get("OTEL_SERVICE_NAME")); v != "" {
		attrs["service.name"] = v
	}
	maps.Copy(attrs, o.resource)
	return attrs, attrs["service.name"]
}
