package interop

// oursRedisScenario is TestRedisSameWire's scenario written against our
// contrib/redis/go-redis.v9 and tracer. It is a copy of ddRedisScenario in
// contrib_redis_dd_test.go: the two must stay identical apart from their
// names and the file's imports, which TestRedisScenariosIdentical checks.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	redistrace "github.com/ctxtrace/trace/contrib/redis/go-redis.v9"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

func oursRedisScenario(t *testing.T, agentAddr, redisAddr string, extra ...tracer.StartOption) {
	tracer.Start(append([]tracer.StartOption{
		tracer.WithService("svc"),
		tracer.WithEnv("prod"),
		tracer.WithServiceVersion("1.2.3"),
		tracer.WithAgentAddr(agentAddr),
		tracer.WithLogStartup(false),
		tracer.WithLogger(silentLogger{}),
	}, extra...)...)
	defer tracer.Stop()
	// Each step runs in a span of its own; a panic (dd-trace-go's, on a
	// one-word command) is recorded on it as the tag "panicked".
	step := func(name string, fn func(ctx context.Context) error) {
		span, ctx := tracer.StartSpanFromContext(context.Background(), name)
		defer span.Finish()
		defer func() {
			if p := recover(); p != nil {
				span.SetTag("panicked", fmt.Sprint(p))
			}
		}()
		span.SetTag("outcome", fmt.Sprint(fn(ctx)))
	}

	// Defaults.
	client := redistrace.NewClient(&redis.Options{Addr: redisAddr})
	defer client.Close()
	step("step.set", func(ctx context.Context) error { return client.Set(ctx, "k", "hello world", 0).Err() })
	step("step.get", func(ctx context.Context) error { return client.Get(ctx, "k").Err() })
	step("step.get.missing", func(ctx context.Context) error { return client.Get(ctx, "none").Err() })
	step("step.mget", func(ctx context.Context) error { return client.MGet(ctx, "k", "none").Err() })
	step("step.exists", func(ctx context.Context) error { return client.Exists(ctx, "k").Err() })
	step("step.incr.error", func(ctx context.Context) error { return client.Incr(ctx, "k").Err() })
	step("step.del", func(ctx context.Context) error { return client.Del(ctx, "k", "none").Err() })
	step("step.do.args", func(ctx context.Context) error { return client.Do(ctx, "SET", "d", "1").Err() })
	step("step.do.unknown", func(ctx context.Context) error { return client.Do(ctx, "nope", "x").Err() })
	step("step.do.one.word", func(ctx context.Context) error { return client.Do(ctx, "ping").Err() })
	step("step.ping", func(ctx context.Context) error { return client.Ping(ctx).Err() })
	step("step.pipeline", func(ctx context.Context) error {
		_, err := client.Pipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, "n", 1, 0)
			p.Incr(ctx, "n")
			p.Get(ctx, "n")
			return nil
		})
		return err
	})
	step("step.pipeline.error", func(ctx context.Context) error {
		_, err := client.Pipelined(ctx, func(p redis.Pipeliner) error {
			p.Get(ctx, "n")
			p.Do(ctx, "nope")
			return nil
		})
		return err
	})

	// Options, on a client wrapped after it was made, with a database.
	other := redis.NewClient(&redis.Options{Addr: redisAddr, DB: 2})
	defer other.Close()
	redistrace.WrapClient(other,
		redistrace.WithServiceName("cache"),
		redistrace.WithSkipRawCommand(true),
		redistrace.WithAnalyticsRate(0.5),
		redistrace.WithErrorCheck(func(err error) bool { return !strings.Contains(err.Error(), "unknown command") }))
	step("step.other.set", func(ctx context.Context) error { return other.Set(ctx, "o", "v", 0).Err() })
	step("step.other.unknown", func(ctx context.Context) error { return other.Do(ctx, "nope", "y").Err() })
	step("step.other.incr.error", func(ctx context.Context) error { return other.Incr(ctx, "o").Err() })
	step("step.other.pipeline", func(ctx context.Context) error {
		_, err := other.Pipelined(ctx, func(p redis.Pipeliner) error {
			p.Get(ctx, "o")
			return nil
		})
		return err
	})
	analytics := redistrace.NewClient(&redis.Options{Addr: redisAddr}, redistrace.WithAnalytics(true))
	defer analytics.Close()
	step("step.analytics", func(ctx context.Context) error { return analytics.Get(ctx, "o").Err() })
}
