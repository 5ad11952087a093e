package interop

import (
	_ "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
	_ "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)
