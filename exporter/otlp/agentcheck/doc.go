// Package agentcheck holds a test, in a module of its own, that runs the
// Datadog Agent's OTLP conversion (github.com/DataDog/datadog-agent/pkg/trace
// transform, v0.85.4) on what exporter/otlp sends, and checks that it
// yields the Datadog spans the tracer recorded.
package agentcheck
