// Package dogstatsd sends metrics to a Datadog Agent's DogStatsD server,
// in the datagram format datadog-go (dd-trace-go's client) writes, over
// UDP or a Unix datagram socket.
//
// A Client packs messages into one packet buffer and writes it when the
// next message would not fit (1432 bytes over UDP, 8192 over a Unix
// socket, as datadog-go; at most 40 messages, as dd-trace-go configures
// it) or on Flush. Writing never waits: a socket whose buffer is full, an
// address where nothing listens, a socket file that is absent, all drop
// the packet, count it in Stats and say so at most once per interval
// through the logger. The one step that can wait is the dial, at the
// first write (and after a failure, at most once per Flush): resolving a
// host name, bounded by a second. After the packet buffer, sending
// allocates nothing.
//
// Unlike datadog-go, a Client neither aggregates (runtime metrics send
// each gauge once per interval: there is nothing to aggregate), nor
// flushes on a timer (its user flushes after each round), nor sends its
// own telemetry metrics (datadog.dogstatsd.client.*), nor finds the
// container for origin detection by itself: WithContainerID gives it.
package dogstatsd

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ctxtrace/trace/internal/env"
	"github.com/ctxtrace/trace/internal/ratelog"
)

// Packet sizes and the number of messages a packet holds.
const (
	UDPPacketSize = 1432 // datadog-go's OptimalUDPPayloadSize
	UDSPacketSize = 8192 // datadog-go's DefaultMaxAgentPayloadSize
	MaxMessages   = 40   // dd-trace-go's WithMaxMessagesPerPayload(40)
)

// dialTimeout bounds the one blocking step: resolving and connecting,
// done at the first write and again after a Unix socket failed.
const dialTimeout = time.Second

// envTags are the variables datadog-go turns into global tags.
var envTags = []struct{ env, tag string }{
	{"DD_ENTITY_ID", "dd.internal.entity_id"},
	{"DD_ENV", "env"},
	{"DD_SERVICE", "service"},
	{"DD_VERSION", "version"},
}

// Option configures New.
type Option func(*options)

type options struct {
	addr      string
	tags      []string
	logger    *slog.Logger
	maxBytes  int
	container string
}

// WithAddress sets where metrics go (see Resolve); empty means from the
// environment.
func WithAddress(addr string) Option { return func(o *options) { o.addr = addr } }

// WithTags adds tags written into every message, before the message's own.
func WithTags(tags ...string) Option {
	return func(o *options) { o.tags = append(o.tags, tags...) }
}

// WithLogger sets where failures are said (at most once per interval);
// nil means slog.Default().
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithContainerID writes id as every message's container field (|c:id),
// from which the Agent tags the metrics with the container's tags (origin
// detection): a container id, or "in-" and a cgroup inode.
func WithContainerID(id string) Option { return func(o *options) { o.container = id } }

// WithMaxPacketSize sets the largest datagram, in bytes, instead of the
// network's default, within 64 and 65467 (the largest UDP payload
// datadog-go allows).
func WithMaxPacketSize(n int) Option {
	return func(o *options) { o.maxBytes = min(max(n, 64), maxPacketSize) }
}

const maxPacketSize = 65467

// Stats counts what a Client did.
type Stats struct {
	Packets, Bytes uint64 // datagrams written, and their bytes
	// DroppedPackets were packed but not written: the dial or the write
	// failed, or the socket's buffer was full.
	DroppedPackets uint64
	// DroppedMetrics were never packed: longer than a packet, or sent
	// after Close.
	DroppedMetrics uint64
}

// Client sends metrics. It is safe for concurrent use.
type Client struct {
	network, address string
	maxBytes         int
	global           []byte // rendered global tags
	container        string
	logger           *slog.Logger
	limiter          ratelog.Limiter

	mu         sync.Mutex
	buf        []byte // the packet being filled
	msgs       int
	scratch    []byte // formatted numbers of the message being added
	conn       *sock
	dialFailed bool // until the next Flush: one dial attempt per round
	closed     bool

	packets, bytes, droppedPackets, droppedMetrics atomic.Uint64
}

// New returns a Client for the address WithAddress or the environment
// gives. It does not touch the network: the first write dials. Its only
// error is an address that cannot be read.
func New(opts ...Option) (*Client, error) {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	network, address, err := Resolve(o.addr)
	if err != nil {
		return nil, err
	}
	if o.maxBytes == 0 {
		o.maxBytes = UDPPacketSize
		if network == Unixgram {
			o.maxBytes = UDSPacketSize
		}
	}
	tags := o.tags
	for _, e := range envTags {
		if v := env.String(e.env, ""); v != "" {
			tags = append(tags[:len(tags):len(tags)], e.tag+":"+v)
		}
	}
	logger := o.logger
	if logger == nil {
		logger = slog.Default()
	}
	return &Client{
		network:  network,
		address:  address,
		maxBytes: o.maxBytes,
		global:   renderTags(tags),
		container: strings.Map(func(r rune) rune {
			if r == '|' || r == '\n' {
				return -1
			}
			return r
		}, o.container),
		logger:  logger,
		buf:     make([]byte, 0, o.maxBytes),
		scratch: make([]byte, 0, 1024), // three numbers, each at most ~330 bytes
	}, nil
}

// Target returns the network (UDP or Unixgram) and address metrics go to.
func (c *Client) Target() (network, address string) { return c.network, c.address }

// Gauge records value as the current value of name.
func (c *Client) Gauge(name string, value float64, tags []string) {
	c.add(name, "g", tags, value, 0, 0, time.Time{})
}

// GaugeAt is Gauge with a timestamp, which the Agent keeps instead of the
// time of arrival, and which bypasses its aggregation.
func (c *Client) GaugeAt(name string, value float64, tags []string, t time.Time) {
	c.add(name, "g", tags, value, 0, 0, t)
}

// Count adds value to the counter name.
func (c *Client) Count(name string, value int64, tags []string) {
	c.add(name, "c", tags, 0, value, 0, time.Time{})
}

// CountAt is Count with a timestamp.
func (c *Client) CountAt(name string, value int64, tags []string, t time.Time) {
	c.add(name, "c", tags, 0, value, 0, t)
}

// Distribution records one sample of name, standing for 1/rate samples:
// rate is the sampling already applied (1 for none).
func (c *Client) Distribution(name string, value float64, tags []string, rate float64) {
	c.add(name, "d", tags, value, 0, rate, time.Time{})
}

// add formats one message and packs it, writing the packet first when the
// message does not fit. Only the count takes ivalue; only a
// distribution a rate.
func (c *Client) add(name, typ string, tags []string, fvalue float64, ivalue int64, rate float64, t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		c.droppedMetrics.Add(1)
		return
	}
	m := message{name: name, typ: typ, tags: tags}
	if typ == "c" {
		c.scratch = appendInt(c.scratch[:0], ivalue)
	} else {
		c.scratch = appendFloat(c.scratch[:0], fvalue)
	}
	m.value = c.scratch
	if typ == "d" && rate < 1 {
		at := len(c.scratch)
		c.scratch = appendFloat(c.scratch, rate)
		m.rate = c.scratch[at:]
	}
	if sec := t.Unix(); !t.IsZero() && sec > 0 {
		at := len(c.scratch)
		c.scratch = appendInt(c.scratch, sec)
		m.ts = c.scratch[at:]
	}
	n := m.size(c.global, c.container)
	if n > c.maxBytes {
		c.droppedMetrics.Add(1)
		c.warn("too long", "dogstatsd: a metric longer than a packet was dropped",
			slog.String("metric", name), slog.Int("bytes", n), slog.Int("max", c.maxBytes))
		return
	}
	if len(c.buf)+n > c.maxBytes || c.msgs >= MaxMessages {
		c.writeLocked()
	}
	c.buf = m.appendTo(c.buf, c.global, c.container)
	c.msgs++
}

// Flush writes the packet being filled.
func (c *Client) Flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writeLocked()
	c.dialFailed = false
}

// Close writes what is packed and closes the socket. Metrics sent after
// Close are dropped.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.writeLocked()
	c.closed = true
	if c.conn == nil {
		return nil
	}
	err := c.conn.Close()
	c.conn = nil
	return err
}

// Stats returns the counts so far.
func (c *Client) Stats() Stats {
	return Stats{
		Packets:        c.packets.Load(),
		Bytes:          c.bytes.Load(),
		DroppedPackets: c.droppedPackets.Load(),
		DroppedMetrics: c.droppedMetrics.Load(),
	}
}

// writeLocked sends the packet and empties the buffer, whatever happens.
func (c *Client) writeLocked() {
	if len(c.buf) == 0 {
		return
	}
	defer func() { c.buf, c.msgs = c.buf[:0], 0 }()
	if c.conn == nil {
		if c.dialFailed {
			c.droppedPackets.Add(1)
			return
		}
		conn, err := c.dial()
		if err != nil {
			c.dialFailed = true
			c.dropped(err)
			return
		}
		c.conn = conn
	}
	n, err := c.conn.write(c.buf)
	if err == nil && n != len(c.buf) {
		err = io.ErrShortWrite
	}
	if err != nil {
		c.dropped(err)
		if c.network == Unixgram && !wouldBlock(err) {
			// The server went away or restarted: connect again next time.
			_ = c.conn.Close()
			c.conn = nil
		}
		return
	}
	c.packets.Add(1)
	c.bytes.Add(uint64(n))
}

func (c *Client) dial() (*sock, error) {
	conn, err := (&net.Dialer{Timeout: dialTimeout}).Dial(c.network, c.address)
	if err != nil {
		return nil, err
	}
	s, err := newSock(conn)
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	return s, nil
}

func (c *Client) dropped(err error) {
	c.droppedPackets.Add(1)
	c.warn("write", "dogstatsd: cannot send metrics",
		slog.String("network", c.network), slog.String("address", c.address),
		slog.String("error", err.Error()), slog.Uint64("dropped_packets", c.droppedPackets.Load()))
}

// warn says a kind of trouble at most once per interval.
func (c *Client) warn(kind, msg string, attrs ...slog.Attr) {
	if c.limiter.Allow(kind) {
		c.logger.LogAttrs(context.Background(), slog.LevelWarn, msg, attrs...)
	}
}
