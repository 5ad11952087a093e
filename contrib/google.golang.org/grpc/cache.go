package grpc

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ctxtrace/trace"
)

// What every call of one method, one target or one peer tags its spans
// with is made once and kept: a tag whose value is a string that is not a
// constant costs an allocation each time it is boxed. The caches are
// bounded (maxCached entries each); past that, values are made per call.
// BenchmarkContribGRPC in bench/ shows the difference.

const maxCached = 4096

// cache is a bounded map from K to V, safe for concurrent use, that makes
// a missing value with its make function.
type cache[K comparable, V any] struct {
	m    sync.Map // K -> V
	n    atomic.Int64
	make func(K) V
}

func (c *cache[K, V]) get(k K) V {
	if v, ok := c.m.Load(k); ok {
		return v.(V)
	}
	v := c.make(k)
	if c.n.Load() < maxCached {
		if _, loaded := c.m.LoadOrStore(k, v); !loaded {
			c.n.Add(1)
		}
	}
	return v
}

// methodTags are the options a method's spans share: resource,
// grpc.method.name, rpc.grpc.full_method and rpc.service.
type methodTags [4]trace.SpanOption

var methods = &cache[string, *methodTags]{make: func(method string) *methodTags {
	full := any(method) // boxed once for both tags
	service, _, _ := strings.Cut(strings.TrimPrefix(method, "/"), "/")
	return &methodTags{trace.Resource(method), trace.Tag(tagMethodName, full), trace.Tag(tagFullMethod, full),
		trace.Tag(tagRPCService, service)}
}}

// groupKey names the options of a shape of span for a method.
type groupKey struct {
	method string
	sh     *shape
}

// groups are the options of each shape of span for each method, but the
// service: sh.first, the method's, sh.last.
var groups = &cache[groupKey, trace.SpanOption]{make: func(k groupKey) trace.SpanOption {
	m := methods.get(k.method)
	opts := append([]trace.SpanOption(nil), k.sh.first...)
	opts = append(opts, m[0], m[1], optType, optSystem, m[2], m[3])
	return trace.Group(append(opts, k.sh.last...)...)
}}

// targetHost is peer.hostname of a client connection's target, if its
// target has a host and a port.
type targetHost struct {
	opt trace.SpanOption
	ok  bool
}

var targets = &cache[string, targetHost]{make: func(target string) targetHost {
	host, _, err := net.SplitHostPort(target)
	if err != nil {
		return targetHost{}
	}
	return targetHost{trace.Tag(tagPeerHostname, host), true}
}}

// peerTags are out.host (nil when the address has no host) and out.port.
type peerTags struct{ host, port any }

var peers = &cache[netip.AddrPort, peerTags]{make: func(ap netip.AddrPort) peerTags {
	return peerTags{ap.Addr().String(), strconv.Itoa(int(ap.Port()))}
}}

// peerTagsOf returns the tags of addr, false when it is not host:port.
func peerTagsOf(addr net.Addr) (peerTags, bool) {
	if a, ok := addr.(*net.TCPAddr); ok && a != nil && a.Zone == "" && a.Port >= 0 && a.Port <= 65535 {
		if ip, ok := netip.AddrFromSlice(a.IP); ok {
			// net.TCPAddr prints an IPv4-mapped address as IPv4: so do we.
			return peers.get(netip.AddrPortFrom(ip.Unmap(), uint16(a.Port))), true
		}
	}
	if addr == nil {
		return peerTags{}, false
	}
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return peerTags{}, false
	}
	var h any
	if host != "" {
		h = host
	}
	return peerTags{h, port}, true
}
