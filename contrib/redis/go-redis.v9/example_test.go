package redis_test

import (
	"context"

	"github.com/redis/go-redis/v9"

	redistrace "github.com/ctxtrace/trace/contrib/redis/go-redis.v9"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// A traced client: each command is a redis.command span, a child of the
// span in the command's context.
func Example() {
	tracer.Start(tracer.WithService("shop"))
	defer tracer.Stop()
	client := redistrace.NewClient(&redis.Options{Addr: "127.0.0.1:6379"}, redistrace.WithServiceName("cache"))
	defer client.Close()

	span, ctx := tracer.StartSpanFromContext(context.Background(), "checkout")
	defer span.Finish()
	client.Set(ctx, "cart:42", "3 items", 0)
}

// WrapClient traces a client made elsewhere, here without the raw command
// text, which may hold what should not leave the program.
func ExampleWrapClient() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer client.Close()
	redistrace.WrapClient(client, redistrace.WithSkipRawCommand(true))
}
