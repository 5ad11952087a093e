// Package otelcol proves exporter/otlp against a real OpenTelemetry
// Collector (v0.161.0, assembled in cmd/otelcol): its tests send traces
// over OTLP/HTTP and OTLP/gRPC, with and without gzip, and compare what the
// Collector's file exporter wrote with what the tracer recorded, field by
// field. The package has no API; see its tests and internal/collector.
package otelcol
