package tracer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/internal/env"
)

// WithPeerServiceDefaults, when true, gives client and producer spans
// without a peer.service tag one derived from the tags that name what
// they talk to (db.name, messaging.kafka.bootstrap.servers, rpc.service,
// network.destination.name, out.host...), with _dd.peer.service.source
// naming the tag used: see trace.WithPeerService for the order. It
// defaults to DD_TRACE_PEER_SERVICE_DEFAULTS_ENABLED, or to true with
// DD_TRACE_SPAN_ATTRIBUTE_SCHEMA=v1.
func WithPeerServiceDefaults(enabled bool) StartOption {
	return func(c *config) { c.peerServiceDefaults = enabled }
}

// WithPeerServiceMapping renames the peer.service value from to to, and
// records the old value as _dd.peer.service.remapped_from
// (DD_TRACE_PEER_SERVICE_MAPPING="from:to,from2:to2").
func WithPeerServiceMapping(from, to string) StartOption {
	return func(c *config) {
		if c.peerServiceMappings == nil {
			c.peerServiceMappings = map[string]string{}
		}
		c.peerServiceMappings[from] = to
	}
}

// peerServiceOptions are the tracer options of the peer.service settings.
// They are always given: as in dd-trace-go, a span's own peer.service
// gets its _dd.peer.service.source whatever the settings.
func (c *config) peerServiceOptions() []trace.Option {
	return []trace.Option{trace.WithPeerService(c.peerServiceDefaults, c.peerServiceMappings)}
}

// peerServiceFromEnv reads DD_TRACE_SPAN_ATTRIBUTE_SCHEMA,
// DD_TRACE_PEER_SERVICE_DEFAULTS_ENABLED and DD_TRACE_PEER_SERVICE_MAPPING
// as dd-trace-go does: schema v1 turns the defaults on whatever the
// second says, and an unknown schema is v0. The mapping is read as DD_TAGS
// is (env.ParseTags), as in dd-trace-go.
func peerServiceFromEnv(c *config) error {
	var errs []error
	switch schema := env.String("DD_TRACE_SPAN_ATTRIBUTE_SCHEMA", ""); strings.ToLower(schema) {
	case "v1":
		c.peerServiceDefaults = true
	default:
		errs = append(errs, fmt.Errorf("DD_TRACE_SPAN_ATTRIBUTE_SCHEMA=%q is neither v0 nor v1: v0 is used", schema))
		fallthrough
	case "", "v0":
		var err error
		c.peerServiceDefaults, err = env.Bool("DD_TRACE_PEER_SERVICE_DEFAULTS_ENABLED", false)
		errs = append(errs, err)
	}
	if m := env.ParseTags(env.String("DD_TRACE_PEER_SERVICE_MAPPING", "")); len(m) > 0 {
		c.peerServiceMappings = m
	}
	return errors.Join(errs...)
}
