package bench

import (
	"cmp"
	"os"
	"slices"
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
// timer and shuts the tracer down (flushing what is queued).
type contender struct {
	name         string
	rank         int // order in b.Run: ours first
	root         func(b *testing.B)
	rootParallel func(b *testing.B)
	child        func(b *testing.B)
	// encode and delivered are optional (nil: the tracer is not run).
	encode    func(b *testing.B)
	delivered func(b *testing.B)
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

func BenchmarkRootSpan3Tags(b *testing.B) {
	for _, c := range contenders {
		b.Run(c.name, c.root)
	}
}

func BenchmarkRootSpan3TagsParallel(b *testing.B) {
	for _, c := range contenders {
		b.Run(c.name, c.rootParallel)
	}
}

func BenchmarkChildSpan(b *testing.B) {
	for _, c := range contenders {
		b.Run(c.name, c.child)
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
// five tags each; GOMAXPROCS goroutines do so as fast as they can
// (b.RunParallel); then the tracer is stopped, which flushes it. Reported:
//
//   - spans/cpu-s: spans the agent counted in the payloads it received,
//     divided by the user+system CPU time of this process from just before
//     the first span to the return of the tracer's stop;
//   - delivered%: those spans as a share of the spans started.
//
// ns/op is the wall time per trace started, the producers' pace only.
func BenchmarkDelivered(b *testing.B) {
	for _, c := range contenders {
		if c.delivered != nil {
			b.Run(c.name, c.delivered)
		}
	}
}

// deliveredAgent returns the child-process agent and its counts now.
func deliveredAgent(b *testing.B) (*agentProcess, agentCounts) {
	b.Helper()
	p, err := sharedAgentProcess()
	if err != nil {
		b.Fatalf("stand-in agent process: %v", err)
	}
	c, err := p.counts()
	if err != nil {
		b.Fatalf("stand-in agent process: %v", err)
	}
	return p, c
}

// reportDelivered reads what the agent received since before and reports it
// against the CPU time used since cpu0.
func reportDelivered(b *testing.B, p *agentProcess, before agentCounts, cpu0 time.Duration) {
	b.Helper()
	cpu := cpuTime() - cpu0
	after, err := p.counts()
	if err != nil {
		b.Fatalf("stand-in agent process: %v", err)
	}
	got := after.sub(before)
	if got.Bad > 0 {
		b.Fatalf("stand-in agent could not decode %d payloads", got.Bad)
	}
	started := int64(b.N) * traceSpans
	if got.Spans > started {
		b.Fatalf("stand-in agent counted %d spans, more than the %d started", got.Spans, started)
	}
	if cpu > 0 {
		b.ReportMetric(float64(got.Spans)/cpu.Seconds(), "spans/cpu-s")
	}
	b.ReportMetric(100*float64(got.Spans)/float64(started), "delivered%")
}

// cpuTime is the user plus system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic("bench: getrusage: " + err.Error())
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
