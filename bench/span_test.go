package bench

import (
	"cmp"
	"os"
	"slices"
	"testing"
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
	standIn = newStandInAgent()
	code := m.Run()
	standIn.close()
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
