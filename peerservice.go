package trace

import "maps"

// Datadog's peer.service: the service a client or producer span talks to.
// Datadog's service map shows it as a service of its own (an "inferred
// service"), even when the peer sends no traces. dd-trace-go v2.3.0 (the
// code v1.74.8 runs) sets it as a span finishes; WithPeerService does the
// same here, with dd-trace-go's tags and in its order.
const (
	tagPeerService         = "peer.service"
	tagPeerServiceSource   = "_dd.peer.service.source"
	tagPeerServiceRemapped = "_dd.peer.service.remapped_from"
	tagSpanKind            = "span.kind"
)

// peerServiceConfig is what WithPeerService sets. Read-only once the
// tracer is made, so spans read it without a lock.
type peerServiceConfig struct {
	on       bool
	defaults bool
	mapping  map[string]string
}

// WithPeerService records, as each span finishes, the peer.service tag
// the way Datadog's backend reads it, as dd-trace-go does
// (ddtrace/tracer's WithPeerServiceDefaults, WithPeerServiceMapping and
// DD_TRACE_PEER_SERVICE_* variables set it):
//
//   - a span that has a peer.service tag gets _dd.peer.service.source =
//     "peer.service";
//   - with defaults, a client or producer span (span.kind "client" or
//     "producer") without one gets peer.service from the first of these
//     tags it has, and _dd.peer.service.source naming that tag: for AWS
//     spans (aws_service) queuename, topicname, streamname, tablename,
//     bucketname; for Cassandra (db.system "cassandra")
//     db.cassandra.contact.points only; for other databases (db.system)
//     db.name, db.instance; for messaging (messaging.system)
//     messaging.kafka.bootstrap.servers; for RPC (rpc.system)
//     rpc.service; then, but for Cassandra, network.destination.name,
//     peer.hostname and out.host;
//   - a peer.service that is a key of mapping becomes its value, and
//     _dd.peer.service.remapped_from keeps the old one.
//
// Only text tags count, as in dd-trace-go, where numbers are not tags but
// metrics. Without this option the tracer adds none of these tags. Spans
// that are not client or producer spans pay two tag lookups at Finish.
func WithPeerService(defaults bool, mapping map[string]string) Option {
	return func(c *config) {
		c.peerService = peerServiceConfig{on: true, defaults: defaults, mapping: maps.Clone(mapping)}
	}
}

// The fallback of every precursor list but Cassandra's: where the
// connection goes.
const (
	tagDestName   = "network.destination.name"
	tagPeerHost   = "peer.hostname"
	tagTargetHost = "out.host"
)

// Precursor lists, in dd-trace-go's order, made once so that Finish does
// not build them.
var (
	precursorsAWS       = []string{"queuename", "topicname", "streamname", "tablename", "bucketname", tagDestName, tagPeerHost, tagTargetHost}
	precursorsCassandra = []string{"db.cassandra.contact.points"}
	precursorsDB        = []string{"db.name", "db.instance", tagDestName, tagPeerHost, tagTargetHost}
	precursorsMessaging = []string{"messaging.kafka.bootstrap.servers", tagDestName, tagPeerHost, tagTargetHost}
	precursorsRPC       = []string{"rpc.service", tagDestName, tagPeerHost, tagTargetHost}
	precursorsOther     = []string{tagDestName, tagPeerHost, tagTargetHost}
)

// applyPeerServiceLocked sets peer.service and its companions as
// WithPeerService says; Finish calls it with s.mu held, before it freezes
// the span. Off, it costs one comparison.
func (s *Span) applyPeerServiceLocked() {
	pc := &s.tracer.cfg.peerService
	if !pc.on {
		return
	}
	peer, ok := s.textTagLocked(tagPeerService)
	if ok {
		s.setValueLocked(tagPeerServiceSource, stringValue(tagPeerService))
	} else {
		if !pc.defaults {
			return
		}
		if kind, _ := s.textTagLocked(tagSpanKind); kind != "client" && kind != "producer" {
			return
		}
		var source string
		if source, peer, ok = s.peerSourceLocked(); !ok {
			return
		}
		s.setValueLocked(tagPeerService, stringValue(peer))
		s.setValueLocked(tagPeerServiceSource, stringValue(source))
	}
	if to, ok := pc.mapping[peer]; ok {
		s.setValueLocked(tagPeerServiceRemapped, stringValue(peer))
		s.setValueLocked(tagPeerService, stringValue(to))
	}
}

// peerSourceLocked returns the first precursor tag of the span, in
// dd-trace-go's order, and its value.
func (s *Span) peerSourceLocked() (source, value string, ok bool) {
	var list []string
	_, aws := s.textTagLocked("aws_service")
	system, db := s.textTagLocked("db.system")
	switch {
	case aws:
		list = precursorsAWS
	case db && system == "cassandra":
		list = precursorsCassandra
	case db:
		list = precursorsDB
	case s.hasTextTagLocked("messaging.system"):
		list = precursorsMessaging
	case s.hasTextTagLocked("rpc.system"):
		list = precursorsRPC
	default:
		list = precursorsOther
	}
	for _, k := range list {
		if v, ok := s.textTagLocked(k); ok {
			return k, v, true
		}
	}
	return "", "", false
}

// textTagLocked returns the text tag key: what dd-trace-go keeps in a
// span's meta. A number under key is not one.
func (s *Span) textTagLocked(key string) (string, bool) {
	v, ok := s.tags.get(key)
	if !ok || v.isNum() {
		return "", false
	}
	return v.text(), true
}

func (s *Span) hasTextTagLocked(key string) bool {
	_, ok := s.textTagLocked(key)
	return ok
}
