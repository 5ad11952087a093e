package bench

import (
	"cmp"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The workload's values. They are variables, not constants, so that every
// tracer pays for what a real caller passes: a value computed at run time.
var (
	spanName      = "web.request"
	childName     = "db.query"
	resourceName  = "/posts"
	keyMethod     = "http.method"
	keyStatusCode = "http.status_code"
	keyWeight     = "sample.weight"
	method        = "GET"
	statusCode    = 200
	weight        = 0.25
)

// The trace of BenchmarkEncode and BenchmarkDelivered: a root span (name
// spanName, resource resourceName) and traceChildren children (name
// childName), each of the traceSpans spans with the same five tags, set one
// SetTag at a time in this order: http.method="GET", http.route="/posts/{id}",
// app.tier="web" (strings), http.status_code=200 (int),
// sample.weight=0.25 (float).
const (
	traceSpans    = 10
	traceChildren = traceSpans - 1
)

var (
	keyRoute = "http.route"
	keyTier  = "app.tier"
	route    = "/posts/{id}"
	tier     = "web"
)

// childrenPerRoot is how many children BenchmarkChildSpan starts under one
// root before it finishes that root and starts another (timer stopped). It
// stays well under dd-trace-go's limit of 100,000 spans per trace, beyond
// which dd-trace-go drops the whole trace.
const childrenPerRoot = 10_000

// A contender is one tracer's implementation of each workload. Each function
// sets its tracer up, runs b.N iterations with the timer on, then stops the
// timer and shuts the tracer down (flushing what is queued). A nil function:
// the tracer does not run that workload.
type contender struct {
	name         string
	rank         int // order in b.Run: ours first
	root         func(b *testing.B)
	rootParallel func(b *testing.B)
	child        func(b *testing.B)
	encode       func(b *testing.B)
	delivered    func(b *testing.B)
}

var contenders []contender

func register(c contender) {
	contenders = append(contenders, c)
	slices.SortStableFunc(contenders, func(x, y contender) int { return cmp.Compare(x.rank, y.rank) })
}

// standIn is the stand-in Datadog Agent shared by every test and benchmark of
// this binary.
var standIn *standInAgent

func TestMain(m *testing.M) {
	if os.Getenv(childAgentEnv) == "1" {
		serveChildAgent() // see startAgentProcess
		return
	}
	standIn = newStandInAgent()
	code := m.Run()
	standIn.close()
	stopSharedAgentProcess()
	os.Exit(code)
}

// discarding makes the stand-in agent read and drop payloads without
// walking them, for the duration of a span benchmark: an Agent's decoding
// costs a real Agent's CPU, not the tracer's, and walking every span in
// this process would charge it to whichever tracer sends the most.
func discarding(b *testing.B) {
	standIn.discard.Store(true)
	b.Cleanup(func() { standIn.discard.Store(false) })
}

// The span workloads also report cpu-ns/op (see withCPU).

func BenchmarkRootSpan3Tags(b *testing.B) {
	discarding(b)
	for _, c := range contenders {
		if c.root != nil {
			b.Run(c.name, withCPU(c.root))
		}
	}
}

func BenchmarkRootSpan3TagsParallel(b *testing.B) {
	discarding(b)
	for _, c := range contenders {
		if c.rootParallel != nil {
			b.Run(c.name, withCPU(c.rootParallel))
		}
	}
}

func BenchmarkChildSpan(b *testing.B) {
	discarding(b)
	for _, c := range contenders {
		if c.child != nil {
			b.Run(c.name, withCPU(c.child))
		}
	}
}

// reportExported reports exported%: the share of the started spans that
// the tracer handed to its exporter (ours: SpansExported, delivered to the
// stand-in agent; OpenTelemetry: given to the exporter by its batch span
// processor, which drops what does not fit its queue). A tracer that drops
// spans does less of the work the others pay for.
func reportExported(b *testing.B, exported, started int64) {
	if started > 0 {
		b.ReportMetric(100*float64(exported)/float64(started), "exported%")
	}
}

// childSpans is how many spans BenchmarkChildSpan starts for n children:
// the children and their roots.
func childSpans(n int) int64 { return int64(n + n/childrenPerRoot + 1) }

// withCPU runs a span workload and reports cpu-ns/op besides: the CPU time
// (user and system) of the whole process per op, the tracer's own
// goroutines and the garbage collector included, from the tracer's start
// to the return of its stop (which flushes what is queued). ns/op is the
// calling goroutine's wall time; cpu-ns/op over ns/op is how many cores the
// workload keeps busy, which bounds what RootSpan3TagsParallel can gain on
// this machine: GOMAXPROCS ÷ (cpu-ns/op ÷ ns/op) at most.
func withCPU(run func(*testing.B)) func(*testing.B) {
	return func(b *testing.B) {
		cpu0 := cpuTime()
		run(b)
		b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkEncode measures encoding into Datadog Agent v0.4 payloads alone:
// one op encodes one recorded trace of traceSpans spans. It reports spans/s
// and B/span (payload bytes per span).
func BenchmarkEncode(b *testing.B) {
	for _, c := range contenders {
		if c.encode != nil {
			b.Run(c.name, c.encode)
		}
	}
}

// encodeFlushEvery is how many traces BenchmarkEncode encodes into one
// payload before it starts a new one, with the timer stopped: about 4 MiB,
// the flush size of both tracers' writers, and far below any payload limit.
const encodeFlushEvery = 1000

func reportEncode(b *testing.B, bytes, spans int64) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N*traceSpans)/s, "spans/s")
	}
	if spans > 0 {
		b.ReportMetric(float64(bytes)/float64(spans), "B/span")
	}
}

// BenchmarkDelivered measures what a tracer delivers to the stand-in agent
// (in a child process, see startAgentProcess) per CPU second of the process
// under test. One op starts and finishes one trace of traceSpans spans with
// five tags each. The b.N traces are started in bursts of deliveredBurst (the
// last one shorter): for each burst a fresh tracer is started (neither timed
// nor counted), GOMAXPROCS goroutines start and finish the burst's traces as
// fast as they can (timed), then the tracer is stopped, which flushes it and
// waits for the agent's answers. Reported:
//
//   - spans/cpu-s: spans the agent counted in the payloads it received,
//     divided by the user+system CPU time of this process from the start of
//     each burst to the return of its tracer's stop, summed over the bursts;
//   - delivered%: those spans as a share of the spans started.
//
// ns/op is suppressed: the producers' wall time says nothing of delivery.
// B/op and allocs/op cover the bursts only (application and pipeline, not the
// flushes at stop).
func BenchmarkDelivered(b *testing.B) {
	for _, c := range contenders {
		if c.delivered != nil {
			b.Run(c.name, c.delivered)
		}
	}
}

// deliveredBurst is how many traces BenchmarkDelivered starts between
// starting a tracer and stopping it: 200,000 spans, the burst that DESIGN.md
// says every tracer must deliver in full.
const deliveredBurst = 20_000

// runDelivered runs BenchmarkDelivered for one tracer. start starts a tracer
// sending to the stand-in agent p and returns how to record one trace with it
// and how to stop it.
func runDelivered(b *testing.B, start func(p *agentProcess) (trace func(), stop func())) {
	b.Helper()
	p, err := sharedAgentProcess()
	if err != nil {
		b.Fatalf("stand-in agent process: %v", err)
	}
	before, err := p.counts()
	if err != nil {
		b.Fatalf("stand-in agent process: %v", err)
	}
	cpu := bursts(b, func() (func(), func()) { return start(p) })
	after, err := p.counts()
	if err != nil {
		b.Fatalf("stand-in agent process: %v", err)
	}
	got := after.sub(before)
	reportDelivered(b, "stand-in agent", got.Spans, got.Bad, cpu)
}

// bursts runs b.N traces in bursts of deliveredBurst (the last one
// shorter): for each burst, start gives a fresh tracer (neither timed nor
// counted), GOMAXPROCS goroutines record the burst's traces with it
// (timed), then its stop flushes it. It returns the CPU time of this
// process from the start of each burst to the return of its stop, summed.
func bursts(b *testing.B, start func() (trace func(), stop func())) time.Duration {
	b.ReportAllocs()
	b.ResetTimer()
	b.StopTimer()
	var cpu time.Duration
	for done := 0; done < b.N; {
		n := min(deliveredBurst, b.N-done)
		trace, stop := start()
		cpu0 := cpuTime()
		b.StartTimer()
		burst(n, trace)
		b.StopTimer()
		stop()
		cpu += cpuTime() - cpu0
		done += n
	}
	return cpu
}

// reportDelivered reports spans/cpu-s and delivered% for the spans the
// destination dest counted over the b.N traces, and suppresses ns/op. It
// fails the benchmark when dest refused payloads or counted more spans
// than were started.
func reportDelivered(b *testing.B, dest string, spans, bad int64, cpu time.Duration) {
	if bad > 0 {
		b.Fatalf("%s refused %d payloads", dest, bad)
	}
	started := int64(b.N) * traceSpans
	if spans > started {
		b.Fatalf("%s counted %d spans, more than the %d started", dest, spans, started)
	}
	if cpu > 0 {
		b.ReportMetric(float64(spans)/cpu.Seconds(), "spans/cpu-s")
	}
	b.ReportMetric(100*float64(spans)/float64(started), "delivered%")
	b.ReportMetric(0, "ns/op")
}

// burst calls trace n times from GOMAXPROCS goroutines.
func burst(n int, trace func()) {
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				trace()
			}
		})
	}
	wg.Wait()
}

// cpuTime is the user plus system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic("bench: getrusage: " + err.Error())
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
