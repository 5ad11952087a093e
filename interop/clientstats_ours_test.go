package interop

// oursStatsWorkload is the workload of the client-side statistics proofs
// (clientstats_test.go), written against our ddtrace/tracer.
// ddStatsWorkload in clientstats_dd_test.go is the same function
// against dd-trace-go v1.74.8: the two must stay identical apart from
// their names and the file's imports, which
// TestStatsWorkloadsIdentical checks.

import (
	"errors"
	"time"

	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

func oursStatsWorkload(agentAddr string, t0 time.Time, extra ...tracer.StartOption) {
	tracer.Start(append([]tracer.StartOption{
		tracer.WithAgentAddr(agentAddr), tracer.WithService("checkout"), tracer.WithEnv("prod"),
		tracer.WithServiceVersion("1.2.3"), tracer.WithLogStartup(false), tracer.WithStatsComputation(true),
	}, extra...)...)
	defer tracer.Stop()
	for i := range statsTraces {
		start := t0.Add(time.Duration(i) * 7 * time.Millisecond)
		at := func(us int) time.Time { return start.Add(time.Duration(us) * time.Microsecond) }
		root := tracer.StartSpan("web.request", tracer.ResourceName([]string{"GET /posts", "POST /posts"}[i%2]),
			tracer.SpanType("web"), tracer.Tag(ext.SpanKind, ext.SpanKindServer), tracer.StartTime(start))
		root.SetTag(ext.HTTPCode, []int{200, 200, 404, 500}[i%4])
		if i%3 != 0 {
			root.SetTag(ext.ManualDrop, true)
		}
		db := tracer.StartSpan("postgres.query", tracer.ChildOf(root.Context()), tracer.ServiceName("postgres"),
			tracer.ResourceName("SELECT * FROM posts WHERE id = ?"), tracer.SpanType("sql"),
			tracer.Tag(ext.SpanKind, ext.SpanKindClient), tracer.Tag(ext.PeerService, "posts-db"),
			tracer.Tag(ext.DBInstance, "posts"),
			tracer.Tag(ext.TargetHost, []string{"10.0.0.7", "db.internal", "ip-10-1-2-3.ec2.internal"}[i%3]),
			tracer.StartTime(at(100)))
		var dbErr error
		if i%7 == 0 {
			dbErr = errors.New("deadlock detected")
		}
		db.Finish(tracer.FinishTime(at(100+137*(i%11+1))), tracer.WithError(dbErr))
		rpc := tracer.StartSpan("grpc.client", tracer.ChildOf(root.Context()), tracer.ResourceName("/users.Users/Get"),
			tracer.Tag(ext.SpanKind, ext.SpanKindClient), tracer.Tag(ext.PeerService, "users"),
			tracer.Tag("rpc.grpc.status_code", []any{"OK", 14, "NotFound", "StatusCode.CANCELLED"}[i%4]),
			tracer.StartTime(at(200)))
		rpc.Finish(tracer.FinishTime(at(200 + 50*(i%13))))
		cache := tracer.StartSpan("cache.get", tracer.ChildOf(root.Context()), tracer.Measured(),
			tracer.ResourceName("GET post"), tracer.StartTime(at(50)))
		cache.Finish(tracer.FinishTime(at(80 + i%3)))
		render := tracer.StartSpan("render", tracer.ChildOf(root.Context()), tracer.StartTime(at(300)))
		render.Finish(tracer.FinishTime(at(900)))
		pub := tracer.StartSpan("kafka.produce", tracer.ChildOf(root.Context()), tracer.ServiceName("checkout-kafka"),
			tracer.ResourceName("Produce Topic orders"), tracer.Tag(ext.SpanKind, ext.SpanKindProducer),
			tracer.Tag("messaging.destination.name", "orders"), tracer.Tag(ext.PeerService, "kafka"),
			tracer.StartTime(at(950)))
		pub.Finish(tracer.FinishTime(at(1000 + 10*i)))
		root.Finish(tracer.FinishTime(at(2000 + 300*(i%17))))
	}
}
