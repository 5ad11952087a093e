package trace_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
	"github.com/ctxtrace/trace/internal/exporters"
)

// registerFor makes f the factory of name for the test, restoring what
// was registered before at its end.
func registerFor(t *testing.T, name string, f exporters.Factory) {
	t.Helper()
	prev, _ := exporters.Lookup(name)
	exporters.Register(name, f)
	t.Cleanup(func() { exporters.Register(name, prev) })
}

// memoryFactory registers a memory exporter as name and returns it.
func memoryFactory(t *testing.T, name string) *memory.Exporter {
	t.Helper()
	m := memory.New()
	registerFor(t, name, func(*slog.Logger) (any, error) { return m, nil })
	return m
}

// traceOne makes one span with a tracer configured by opts and returns
// the tracer, shut down.
func traceOne(t *testing.T, opts ...trace.Option) *trace.Tracer {
	t.Helper()
	tr := trace.New(opts...)
	_, s := tr.Start(context.Background(), "op")
	s.Finish()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestWithExporterFromEnv(t *testing.T) {
	tests := []struct {
		name, value string
		otlp, cons  bool   // registered
		want        string // "fallback", "otlp", "console", "both", "discard"
		warn        string
	}{
		{name: "unset", want: "fallback"},
		{name: "blank", value: "  ", want: "fallback"},
		{name: "otlp", value: "otlp", otlp: true, want: "otlp"},
		{name: "otlp, any case and spaces", value: " OTLP ", otlp: true, want: "otlp"},
		{name: "otlp not linked", value: "otlp", want: "fallback", warn: "exporter/otlp"},
		{name: "console", value: "console", cons: true, want: "console"},
		{name: "console not linked", value: "console", want: "fallback", warn: "exporter/stdout"},
		{name: "none", value: "none", otlp: true, want: "discard"},
		{name: "unknown", value: "zipkin", otlp: true, want: "fallback", warn: "zipkin"},
		{name: "list", value: "otlp,console", otlp: true, cons: true, want: "both"},
		{name: "list with an unknown", value: "jaeger, otlp", otlp: true, want: "otlp", warn: "jaeger"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("OTEL_TRACES_EXPORTER", tt.value)
			otlpExp, consExp := memory.New(), memory.New()
			registerFor(t, "otlp", nil)
			registerFor(t, "console", nil)
			if tt.otlp {
				otlpExp = memoryFactory(t, "otlp")
			}
			if tt.cons {
				consExp = memoryFactory(t, "console")
			}
			fallback := memory.New()
			var logs bytes.Buffer
			tr := traceOne(t, trace.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
				trace.WithExporterFromEnv(fallback))
			got := map[string]int{"fallback": fallback.Len(), "otlp": otlpExp.Len(), "console": consExp.Len()}
			want := map[string]int{"fallback": 0, "otlp": 0, "console": 0}
			switch tt.want {
			case "both":
				want["otlp"], want["console"] = 1, 1
			case "discard":
				if st := tr.Stats(); st.SpansExported != 1 {
					t.Errorf("Stats = %+v; want the span exported to Discard", st)
				}
			default:
				want[tt.want] = 1
			}
			for k := range want {
				if got[k] != want[k] {
					t.Errorf("spans per exporter = %v; want %v", got, want)
					break
				}
			}
			if tt.warn != "" && !strings.Contains(logs.String(), tt.warn) {
				t.Errorf("no warning mentions %q; logged:\n%s", tt.warn, logs.String())
			}
			if tt.warn == "" && logs.Len() > 0 {
				t.Errorf("unexpected warnings:\n%s", logs.String())
			}
		})
	}
}

func TestWithExporterFromEnvFactoryTrouble(t *testing.T) {
	t.Setenv("OTEL_TRACES_EXPORTER", "otlp")
	for name, f := range map[string]exporters.Factory{
		"error":        func(*slog.Logger) (any, error) { return nil, errors.New("no endpoint") },
		"not exporter": func(*slog.Logger) (any, error) { return "a string", nil },
	} {
		t.Run(name, func(t *testing.T) {
			registerFor(t, "otlp", f)
			fallback := memory.New()
			var logs bytes.Buffer
			traceOne(t, trace.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))), trace.WithExporterFromEnv(fallback))
			if fallback.Len() != 1 || !strings.Contains(logs.String(), "otlp") {
				t.Errorf("fallback got %d spans; logged:\n%s", fallback.Len(), logs.String())
			}
		})
	}
}

// TestWithExporterFromEnvFunc checks that the fallback is made only when
// it is used, and that a nil one means Discard.
func TestWithExporterFromEnvFunc(t *testing.T) {
	registerFor(t, "otlp", nil)
	otlpExp := memoryFactory(t, "otlp")
	made := 0
	fallback := func() trace.Exporter { made++; return memory.New() }

	t.Setenv("OTEL_TRACES_EXPORTER", "otlp")
	traceOne(t, trace.WithExporterFromEnvFunc(fallback))
	if made != 0 || otlpExp.Len() != 1 {
		t.Errorf("with otlp chosen, the fallback was made %d times and otlp got %d spans", made, otlpExp.Len())
	}
	t.Setenv("OTEL_TRACES_EXPORTER", "")
	traceOne(t, trace.WithExporterFromEnvFunc(fallback))
	if made != 1 {
		t.Errorf("with nothing chosen, the fallback was made %d times; want 1", made)
	}
	tr := traceOne(t, trace.WithExporterFromEnvFunc(nil))
	if st := tr.Stats(); st.SpansExported != 1 {
		t.Errorf("a nil fallback: Stats = %+v; want the span exported to Discard", st)
	}
	traceOne(t, trace.WithExporterFromEnvFunc(func() trace.Exporter { return nil }))
}

// TestExporterFromEnvService checks that OTEL_SERVICE_NAME names the
// service when the variable chose an exporter, unless WithService did.
func TestExporterFromEnvService(t *testing.T) {
	registerFor(t, "otlp", nil)
	memoryFactory(t, "otlp")
	t.Setenv("OTEL_SERVICE_NAME", "from-otel")
	def := filepath.Base(os.Args[0])
	for _, tt := range []struct {
		name, exporter string
		opts           []trace.Option
		want           string
	}{
		{"chosen", "otlp", nil, "from-otel"},
		{"not chosen", "", nil, def},
		{"WithService before", "otlp", []trace.Option{trace.WithService("mine")}, "mine"},
		{"WithService after", "otlp", []trace.Option{nil, trace.WithService("mine")}, "mine"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("OTEL_TRACES_EXPORTER", tt.exporter)
			var opts []trace.Option
			if len(tt.opts) > 0 && tt.opts[0] != nil {
				opts = append(opts, tt.opts[0])
			}
			opts = append(opts, trace.WithExporterFromEnv(nil))
			if len(tt.opts) > 1 {
				opts = append(opts, tt.opts[1])
			}
			tr := trace.New(opts...)
			defer tr.Shutdown(context.Background())
			if got := tr.Service(); got != tt.want {
				t.Errorf("service = %q; want %q", got, tt.want)
			}
		})
	}
}
