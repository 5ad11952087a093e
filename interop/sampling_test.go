package interop

// TestSamplingDecisionsMatchDD checks that our keep/drop decision under a
// sampling rule is dd-trace-go v1.74.8's, id by id: for 100,000 trace ids
// from a seeded PRNG and rates 0.01, 0.3, 0.5 and 0.99, a root span started
// with WithSpanID(id) (a root's span id is its trace id's lower half in both
// tracers) under one catch-all rule at that rate gets the same sampling
// priority from both tracers. The priority is read the same way on both
// sides: tracer.Inject into a TextMapCarrier, then
// x-datadog-sampling-priority (2 keep, -1 drop, by rule). The rate limit is
// lifted (DD_TRACE_RATE_LIMIT=1e9, read by both Starts) so that only the
// rule decides. sampling.Keep, our pure decision function, is checked
// against the same decisions too.
//
// Spans are left unfinished so that nothing is sent: both tracers decide a
// root's priority as it starts.
//
//	go test -run TestSamplingDecisionsMatchDD -v

import (
	"math/rand/v2"
	"strconv"
	"testing"

	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	"github.com/ctxtrace/trace"
	ourtracer "github.com/ctxtrace/trace/ddtrace/tracer"
	"github.com/ctxtrace/trace/sampling"
)

func TestSamplingDecisionsMatchDD(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	t.Setenv("DD_TRACE_RATE_LIMIT", "1e9")
	for _, rate := range []float64{0.01, 0.3, 0.5, 0.99} {
		t.Run(strconv.FormatFloat(rate, 'g', -1, 64), func(t *testing.T) {
			ddAgent := newFakeAgent(t, infoNoStats)
			ddtracer.Start(append(ddBaseOpts(ddAgent.addr()),
				ddtracer.WithSamplingRules([]ddtracer.SamplingRule{ddtracer.RateRule(rate)}))...)
			defer ddtracer.Stop()
			ourAgent := newFakeAgent(t, infoNoStats)
			ourtracer.Start(ourtracer.WithAgentAddr(ourAgent.addr()), ourtracer.WithService("svc"),
				ourtracer.WithLogStartup(false), ourtracer.WithLogger(silentLogger{}),
				ourtracer.WithSamplingRules([]ourtracer.SamplingRule{ourtracer.RateRule(rate)}))
			defer ourtracer.Stop()

			rng := rand.New(rand.NewPCG(0x5eed, uint64(rate*1000)))
			var mismatch, pureMismatch, kept, badPrio int
			for i := 0; i < n; i++ {
				id := rng.Uint64()
				if id == 0 {
					continue
				}
				ds := ddtracer.StartSpan("web.request", ddtracer.WithSpanID(id))
				dc := ddtracer.TextMapCarrier{}
				if err := ddtracer.Inject(ds.Context(), dc); err != nil {
					t.Fatalf("dd Inject: %v", err)
				}
				osp := ourtracer.StartSpan("web.request", ourtracer.WithSpanID(id))
				oc := ourtracer.TextMapCarrier{}
				if err := ourtracer.Inject(osp.Context(), oc); err != nil {
					t.Fatalf("our Inject: %v", err)
				}
				if ds.Context().TraceID() != id || osp.Context().TraceID() != id {
					t.Fatalf("id %d: trace ids dd=%d ours=%d", id, ds.Context().TraceID(), osp.Context().TraceID())
				}
				dp, op := dc["x-datadog-sampling-priority"], oc["x-datadog-sampling-priority"]
				if (dp != "2" && dp != "-1") || (op != "2" && op != "-1") {
					if badPrio++; badPrio <= 5 {
						t.Errorf("id %d: priority not a rule's: dd=%q ours=%q", id, dp, op)
					}
				}
				if dp != op {
					if mismatch++; mismatch <= 10 {
						t.Errorf("id %d rate %v: dd priority %s, ours %s", id, rate, dp, op)
					}
				}
				pure := sampling.Keep(trace.NewTraceID(0, id), rate)
				if pure != (dp == "2") {
					if pureMismatch++; pureMismatch <= 10 {
						t.Errorf("id %d rate %v: sampling.Keep=%v, dd priority %s", id, rate, pure, dp)
					}
				}
				if dp == "2" {
					kept++
				}
			}
			t.Logf("rate %v: %d ids, dd kept %d (%.4f); mismatches dd vs ours: %d; sampling.Keep vs dd: %d; non-rule priorities: %d",
				rate, n, kept, float64(kept)/float64(n), mismatch, pureMismatch, badPrio)
		})
	}
}
