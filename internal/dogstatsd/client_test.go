package dogstatsd

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// listenUDP opens a DogStatsD stand-in on 127.0.0.1.
func listenUDP(t *testing.T) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// socketPath is a short path for a Unix socket (their names are limited to
// about 100 bytes, which t.TempDir can exceed).
func socketPath(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "dsd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "s")
}

func listenUnixgram(t *testing.T, path string) *net.UnixConn {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// readPackets reads n datagrams. The client's writes are done once Flush
// returns, so they are all waiting in the socket; the deadline only turns
// a bug into a failure instead of a hang.
func readPackets(t *testing.T, c net.Conn, n int) [][]byte {
	t.Helper()
	if err := c.SetReadDeadline(time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	buf := make([]byte, 65536)
	for range n {
		k, err := c.Read(buf)
		if err != nil {
			t.Fatalf("after %d of %d packets: %v", len(out), n, err)
		}
		out = append(out, bytes.Clone(buf[:k]))
	}
	return out
}

func lines(packets [][]byte) []string {
	var out []string
	for _, p := range packets {
		out = append(out, strings.SplitAfter(string(p), "\n")...)
	}
	return nonEmpty(out)
}

// nonEmpty drops the empty strings SplitAfter leaves after a final newline.
func nonEmpty(in []string) []string {
	out := in[:0]
	for _, s := range in {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func clearEnvTags(t *testing.T) {
	for _, e := range envTags {
		t.Setenv(e.env, "")
	}
}

func TestFormat(t *testing.T) {
	clearEnvTags(t)
	t.Setenv("DD_ENV", "prod")
	t.Setenv("DD_VERSION", "1.2")
	srv := listenUDP(t)
	c, err := New(WithAddress(srv.LocalAddr().String()), WithTags("lang:go", "env:prod", "bad\ntag"))
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Unix(1700000000, 0)
	c.Gauge("g.plain", 1.5, nil)
	c.Gauge("g.big", 9223372036854775807, []string{"a:b", "c"})
	c.GaugeAt("g.at", 0, []string{"x:y"}, ts)
	c.Count("c.plain", -3, nil)
	c.CountAt("c.at", 1, []string{"metric_name:m"}, ts)
	c.Distribution("d.rated", 0.000125, []string{"k:v"}, 0.25)
	c.Distribution("d.whole", 8833, nil, 1)
	c.Flush()
	got := lines(readPackets(t, srv, int(c.Stats().Packets)))
	const g = "lang:go,env:prod,badtag,version:1.2"
	want := []string{
		"g.plain:1.5|g|#" + g + "\n",
		"g.big:9223372036854776000|g|#" + g + ",a:b,c\n",
		"g.at:0|g|#" + g + ",x:y|T1700000000\n",
		"c.plain:-3|c|#" + g + "\n",
		"c.at:1|c|#" + g + ",metric_name:m|T1700000000\n",
		"d.rated:0.000125|d|@0.25|#" + g + ",k:v\n",
		"d.whole:8833|d|#" + g + "\n",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("datagrams (-want +got):\n%s", diff)
	}
}

func TestContainerID(t *testing.T) {
	clearEnvTags(t)
	srv := listenUDP(t)
	c, err := New(WithAddress(srv.LocalAddr().String()), WithContainerID("in-12|3"), WithTags("lang:go"))
	if err != nil {
		t.Fatal(err)
	}
	c.GaugeAt("a", 1, nil, time.Unix(1700000000, 0))
	c.Count("b", 2, nil)
	c.Flush()
	got := string(readPackets(t, srv, 1)[0])
	if want := "a:1|g|#lang:go|c:in-123|T1700000000\nb:2|c|#lang:go|c:in-123\n"; got != want {
		t.Errorf("packet %q, want %q", got, want)
	}
}

func TestNoTags(t *testing.T) {
	clearEnvTags(t)
	srv := listenUDP(t)
	c, err := New(WithAddress(srv.LocalAddr().String()))
	if err != nil {
		t.Fatal(err)
	}
	c.Gauge("a", 2, nil)
	c.Gauge("b", 3, []string{"t"})
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	got := string(readPackets(t, srv, 1)[0])
	if want := "a:2|g\nb:3|g|#t\n"; got != want {
		t.Errorf("packet %q, want %q", got, want)
	}
	c.Gauge("after.close", 1, nil)
	if s := c.Stats(); s.DroppedMetrics != 1 || s.Packets != 1 {
		t.Errorf("stats after Close: %+v", s)
	}
}

func TestBatching(t *testing.T) {
	clearEnvTags(t)
	srv := listenUDP(t)
	c, err := New(WithAddress(srv.LocalAddr().String()), WithTags("service:svc"))
	if err != nil {
		t.Fatal(err)
	}
	const n = 500
	for range n {
		c.Gauge("runtime.go.mem_stats.heap_alloc", 12345678, []string{"gomaxprocs:2"})
	}
	for range n {
		c.Count("c", 1, nil) // short: the 40-message limit binds first
	}
	c.Flush()
	st := c.Stats()
	packets := readPackets(t, srv, int(st.Packets))
	total := 0
	for _, p := range packets {
		msgs := bytes.Count(p, []byte("\n"))
		if len(p) > UDPPacketSize || msgs > MaxMessages || msgs == 0 {
			t.Errorf("a packet of %d bytes holds %d messages", len(p), msgs)
		}
		total += msgs
	}
	if total != 2*n || st.DroppedPackets != 0 || st.DroppedMetrics != 0 {
		t.Errorf("%d messages arrived in %d packets, stats %+v; want %d", total, len(packets), st, 2*n)
	}
	if st.Packets >= 2*n/MaxMessages+n {
		t.Errorf("%d packets: messages were not batched", st.Packets)
	}
}

func TestTooLongIsDropped(t *testing.T) {
	clearEnvTags(t)
	srv := listenUDP(t)
	c, err := New(WithAddress(srv.LocalAddr().String()), WithMaxPacketSize(100))
	if err != nil {
		t.Fatal(err)
	}
	c.Gauge("ok", 1, nil)
	c.Gauge("long", 1, []string{strings.Repeat("x", 200)})
	c.Gauge("ok2", 2, nil)
	c.Flush()
	if got := string(readPackets(t, srv, 1)[0]); got != "ok:1|g\nok2:2|g\n" {
		t.Errorf("packet %q", got)
	}
	if s := c.Stats(); s.DroppedMetrics != 1 || s.Packets != 1 {
		t.Errorf("stats %+v", s)
	}
	huge, err := New(WithAddress(srv.LocalAddr().String()), WithMaxPacketSize(1<<40))
	if err != nil {
		t.Fatal(err)
	}
	if cap(huge.buf) != maxPacketSize {
		t.Errorf("a packet buffer of %d bytes", cap(huge.buf))
	}
}

func TestUnixgram(t *testing.T) {
	clearEnvTags(t)
	path := socketPath(t)
	srv := listenUnixgram(t, path)
	c, err := New(WithAddress("unix://"+path), WithTags("lang:go"))
	if err != nil {
		t.Fatal(err)
	}
	if n, a := c.Target(); n != Unixgram || a != path {
		t.Fatalf("Target = %q %q", n, a)
	}
	long := strings.Repeat("v", 100)
	for range 100 { // ~13 KB: two packets of at most 8192 bytes
		c.Gauge("m", 1, []string{long})
	}
	c.Close()
	st := c.Stats()
	packets := readPackets(t, srv, int(st.Packets))
	total := 0
	for _, p := range packets {
		if len(p) > UDSPacketSize {
			t.Errorf("a packet of %d bytes", len(p))
		}
		total += bytes.Count(p, []byte("\n"))
	}
	if total != 100 || st.Packets < 3 || st.DroppedPackets != 0 {
		t.Errorf("%d messages in %d packets, stats %+v", total, len(packets), st)
	}
}

// An absent socket, a port nobody listens on, a Unix socket nobody reads:
// sending returns at once each time, and what could not be written is
// counted.
func TestUnreachableNeverBlocks(t *testing.T) {
	clearEnvTags(t)
	t.Run("absent socket", func(t *testing.T) {
		c, err := New(WithAddress("unix://" + socketPath(t)))
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			c.Gauge("m", 1, nil)
			c.Flush()
		}
		if s := c.Stats(); s.DroppedPackets != 3 || s.Packets != 0 {
			t.Errorf("stats %+v", s)
		}
	})
	t.Run("closed port", func(t *testing.T) {
		srv := listenUDP(t)
		addr := srv.LocalAddr().String()
		srv.Close()
		c, err := New(WithAddress(addr))
		if err != nil {
			t.Fatal(err)
		}
		for range 50 {
			c.Gauge("m", 1, nil)
			c.Flush()
		}
		if s := c.Stats(); s.Packets+s.DroppedPackets != 50 {
			t.Errorf("stats %+v: want 50 packets written or dropped", s)
		}
	})
	t.Run("full socket", func(t *testing.T) {
		path := socketPath(t)
		listenUnixgram(t, path) // never read
		c, err := New(WithAddress(path))
		if err != nil {
			t.Fatal(err)
		}
		for range 5000 {
			c.Gauge("m", 1, []string{strings.Repeat("x", 1000)})
			c.Flush()
		}
		s := c.Stats()
		if s.DroppedPackets == 0 || s.Packets+s.DroppedPackets != 5000 {
			t.Errorf("stats %+v: want some of 5000 packets dropped by a full socket", s)
		}
	})
	t.Run("socket appears", func(t *testing.T) {
		path := socketPath(t)
		c, err := New(WithAddress(path))
		if err != nil {
			t.Fatal(err)
		}
		c.Gauge("lost", 1, nil)
		c.Flush()
		srv := listenUnixgram(t, path)
		c.Gauge("found", 1, nil)
		c.Flush()
		if got := string(readPackets(t, srv, 1)[0]); got != "found:1|g\n" {
			t.Errorf("packet %q", got)
		}
	})
}

// recorder is a slog.Handler that keeps the messages.
type recorder struct {
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *recorder) WithGroup(string) slog.Handler            { return r }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, rec.Message)
	return nil
}

func TestFailuresAreLoggedOncePerInterval(t *testing.T) {
	clearEnvTags(t)
	rec := &recorder{}
	c, err := New(WithAddress("unix://"+socketPath(t)), WithLogger(slog.New(rec)))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1000, 0)
	c.limiter.Now = func() time.Time { return now }
	for range 10 {
		c.Gauge("m", 1, nil)
		c.Flush()
	}
	if len(rec.msgs) != 1 {
		t.Fatalf("%d warnings in one interval: %q", len(rec.msgs), rec.msgs)
	}
	now = now.Add(time.Minute)
	c.Gauge("m", 1, nil)
	c.Flush()
	if len(rec.msgs) != 2 {
		t.Errorf("%d warnings after the interval: %q", len(rec.msgs), rec.msgs)
	}
}

func TestBadAddress(t *testing.T) {
	if _, err := New(WithAddress("tcp://h:1")); err == nil {
		t.Error("New accepted a tcp:// address")
	}
}

// After the packet buffer (made by New) and the socket (at the first
// write), sending a metric allocates nothing, packets written included.
func TestSendingDoesNotAllocate(t *testing.T) {
	clearEnvTags(t)
	srv := listenUDP(t) // never read: the kernel drops what overflows
	c, err := New(WithAddress(srv.LocalAddr().String()), WithTags("lang:go", "service:svc"))
	if err != nil {
		t.Fatal(err)
	}
	tags := []string{"goversion:go1.26", "gomaxprocs:2"}
	ts := time.Unix(1700000000, 0)
	c.Gauge("warm", 1, tags)
	c.Flush()
	before := c.Stats().Packets
	allocs := testing.AllocsPerRun(2000, func() {
		c.Gauge("runtime.go.mem_stats.heap_alloc", 123456789, tags)
		c.GaugeAt("runtime.go.metrics.gc_heap_goal.bytes", 4.5e6, tags, ts)
		c.CountAt("runtime.go.metrics.skipped_values", 1, tags, ts)
		c.Distribution("runtime.go.metrics.sched_latencies.seconds", 0.000123, tags, 0.125)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per round of four metrics", allocs)
	}
	if c.Stats().Packets-before < 100 {
		t.Errorf("only %d packets written: the measurement did not cover writes", c.Stats().Packets-before)
	}
}
