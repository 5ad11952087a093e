package otlp

import (
	"context"
	"sync"
	"time"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
)

// withGetenv makes New read variables from get instead of the process's
// environment.
func withGetenv(get func(string) string) Option { return func(o *options) { o.getenv = get } }

// withClock makes the senders see c's time and wait on it.
func withClock(c *fakeClock) Option {
	return func(o *options) {
		o.clock = clock{now: c.Now, sleep: c.Sleep, rand: func() float64 { return c.jitter }}
	}
}

// envMap is a getenv over a map.
func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// fakeClock is a clock whose waits take no time: each moves it on by what
// was asked, and is recorded.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	waits  []time.Duration
	jitter float64 // what rand returns
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) bool {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err() == nil
}

func (c *fakeClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// attrMap turns attributes into Go values: string, bool, int64, float64,
// or []any of these.
func attrMap(kvs []*commonpb.KeyValue) map[string]any {
	out := map[string]any{}
	for _, kv := range kvs {
		out[kv.GetKey()] = anyValue(kv.GetValue())
	}
	return out
}

func anyValue(v *commonpb.AnyValue) any {
	switch x := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return x.StringValue
	case *commonpb.AnyValue_BoolValue:
		return x.BoolValue
	case *commonpb.AnyValue_IntValue:
		return x.IntValue
	case *commonpb.AnyValue_DoubleValue:
		return x.DoubleValue
	case *commonpb.AnyValue_ArrayValue:
		var out []any
		for _, e := range x.ArrayValue.GetValues() {
			out = append(out, anyValue(e))
		}
		return out
	}
	return nil
}
