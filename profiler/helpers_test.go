package profiler

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that only moves when the test says. The profiler's
// loop has at most one timer armed at a time; Next waits until it has one,
// which is how a test knows the loop is idle.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  map[*fakeTimer]bool
	changed chan struct{} // closed and replaced when a timer is armed
}

type fakeTimer struct {
	at time.Time
	c  chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{
		now:     time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		timers:  map[*fakeTimer]bool{},
		changed: make(chan struct{}),
	}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Timer(d time.Duration) (<-chan time.Time, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := &fakeTimer{at: f.now.Add(d), c: make(chan time.Time, 1)}
	if d <= 0 {
		t.c <- f.now
		return t.c, func() {}
	}
	f.timers[t] = true
	close(f.changed)
	f.changed = make(chan struct{})
	return t.c, func() {
		f.mu.Lock()
		delete(f.timers, t)
		f.mu.Unlock()
	}
}

// Next waits until the loop has armed a timer and returns its deadline.
func (f *fakeClock) Next(t *testing.T) time.Time {
	t.Helper()
	deadline := time.NewTimer(time.Minute) // a hang, not a timing
	defer deadline.Stop()
	for {
		f.mu.Lock()
		var next time.Time
		for tm := range f.timers {
			if next.IsZero() || tm.at.Before(next) {
				next = tm.at
			}
		}
		changed := f.changed
		f.mu.Unlock()
		if !next.IsZero() {
			return next
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatal("the profiler's loop armed no timer")
		}
	}
}

// AdvanceTo moves the clock to at and fires the timers due.
func (f *fakeClock) AdvanceTo(at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if at.After(f.now) {
		f.now = at
	}
	for tm := range f.timers {
		if !tm.at.After(f.now) {
			tm.c <- f.now
			delete(f.timers, tm)
		}
	}
}

// step lets the loop run to its next deadline and returns it.
func (f *fakeClock) step(t *testing.T) time.Time {
	t.Helper()
	at := f.Next(t)
	f.AdvanceTo(at)
	return at
}

// part is one part of an upload.
type part struct {
	form, file, contentType string
	data                    []byte
}

// upload is what the stand-in Agent received in one request.
type upload struct {
	path   string
	header http.Header
	parts  []part
	event  map[string]any
	err    string // what was wrong with the request, if anything
}

func (u upload) tags() []string { return strings.Split(u.event["tags_profiler"].(string), ",") }

// tag returns the value of the first tag with key k.
func (u upload) tag(k string) (string, bool) {
	for _, t := range u.tags() {
		if key, v, _ := strings.Cut(t, ":"); key == k {
			return v, true
		}
	}
	return "", false
}

func (u upload) partNames() []string {
	var out []string
	for _, p := range u.parts {
		out = append(out, p.form)
	}
	return out
}

func (u upload) part(form string) (part, bool) {
	for _, p := range u.parts {
		if p.form == form {
			return p, true
		}
	}
	return part{}, false
}

// standin is a stand-in Datadog Agent on 127.0.0.1 that parses every
// upload; status, when set, decides its answer.
type standin struct {
	*httptest.Server
	uploads chan upload
	mu      sync.Mutex
	status  func(n int) int // answer to the n-th request (from 1); nil: 200
	hang    chan struct{}   // when non-nil, requests wait for it or for the client to go
	n       int
}

func newAgent(t *testing.T) *standin {
	a := &standin{uploads: make(chan upload, 100)}
	a.Server = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.Close)
	return a
}

func (a *standin) addr() string { return strings.TrimPrefix(a.URL, "http://") }

func (a *standin) serve(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.n++
	n, status, hang := a.n, a.status, a.hang
	a.mu.Unlock()
	u := parseUpload(r)
	a.uploads <- u
	if hang != nil {
		select {
		case <-hang:
		case <-r.Context().Done():
			return
		}
	}
	code := http.StatusOK
	if status != nil {
		code = status(n)
	}
	w.WriteHeader(code)
}

func parseUpload(r *http.Request) upload {
	u := upload{path: r.URL.Path, header: r.Header.Clone()}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		u.err = "content type " + r.Header.Get("Content-Type")
		return u
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			u.err = err.Error()
			return u
		}
		data, err := io.ReadAll(p)
		if err != nil {
			u.err = err.Error()
			return u
		}
		u.parts = append(u.parts, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), data})
		if p.FormName() == "event" {
			if err := json.Unmarshal(data, &u.event); err != nil {
				u.err = "event.json: " + err.Error()
			}
		}
	}
	return u
}

// next returns the next upload the agent receives.
func (a *standin) next(t *testing.T) upload {
	t.Helper()
	deadline := time.NewTimer(time.Minute) // a hang, not a timing
	defer deadline.Stop()
	select {
	case u := <-a.uploads:
		if u.err != "" {
			t.Fatalf("malformed upload: %s", u.err)
		}
		return u
	case <-deadline.C:
		t.Fatal("no upload arrived")
	}
	return upload{}
}

// logs records the profiler's log lines.
type logs struct {
	mu    sync.Mutex
	lines []string
}

func (l *logs) Enabled(context.Context, slog.Level) bool { return true }
func (l *logs) Handle(_ context.Context, r slog.Record) error {
	var b bytes.Buffer
	b.WriteString(r.Level.String() + " " + r.Message)
	r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.String()); return true })
	l.mu.Lock()
	l.lines = append(l.lines, b.String())
	l.mu.Unlock()
	return nil
}
func (l *logs) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logs) WithGroup(string) slog.Handler      { return l }

func (l *logs) count(prefix string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.lines {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

// testProfiler starts a profiler on a fake clock, configured by the
// environment and opts (its Agent's address among them), and stops it
// when the test ends.
func testProfiler(t *testing.T, opts ...Option) (*profiler, *fakeClock, *logs) {
	t.Helper()
	cfg, err := newConfig(append([]Option{WithLogStartup(false)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	clk, l := newFakeClock(), &logs{}
	p := newProfiler(cfg, clk, slog.New(l))
	p.start()
	t.Cleanup(p.stop)
	return p, clk, l
}

// noProfilerGoroutine fails when a goroutine of the profiler is left. The
// loop's goroutine may still be on its way out when stop returns (it
// closes done as it leaves), so it is given the processor until it is
// gone; a goroutine that never goes fails after a minute.
func noProfilerGoroutine(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		left := profilerGoroutines()
		if left == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("a profiler goroutine is left:\n%s", left)
			return
		}
		runtime.Gosched()
	}
}

func profilerGoroutines() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var left []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "trace/profiler.(*profiler)") {
			left = append(left, g)
		}
	}
	return strings.Join(left, "\n\n")
}

// cleanEnv unsets the variables that would change a test's profiler, and
// checks, once the test has stopped its profilers, that none is left.
func cleanEnv(t *testing.T) {
	t.Cleanup(func() { noProfilerGoroutine(t) })
	for _, k := range []string{"DD_SERVICE", "DD_ENV", "DD_VERSION", "DD_TAGS", "DD_AGENT_HOST",
		"DD_TRACE_AGENT_PORT", "DD_TRACE_AGENT_URL", "DD_API_KEY", "DD_SITE", "DD_PROFILING_ENABLED",
		"DD_PROFILING_DELTA", "DD_PROFILING_UPLOAD_TIMEOUT", "DD_PROFILING_AGENTLESS", "DD_PROFILING_URL",
		"DD_PROFILING_FLUSH_ON_EXIT", "DD_PROFILING_CODE_HOTSPOTS_COLLECTION_ENABLED",
		"DD_PROFILING_EXECUTION_TRACE_ENABLED", "DD_PROFILING_EXECUTION_TRACE_PERIOD",
		"DD_PROFILING_EXECUTION_TRACE_LIMIT_BYTES", "DD_PROFILING_WAIT_PROFILE_MAX_GOROUTINES",
		"DD_TRACE_STARTUP_LOGS", "DD_GIT_REPOSITORY_URL", "DD_GIT_COMMIT_SHA",
		"DD_TRACE_GIT_METADATA_ENABLED", "AWS_LAMBDA_FUNCTION_NAME"} {
		t.Setenv(k, "")
	}
	// Execution tracing is tested on its own: elsewhere it would make the
	// attachments depend on the machine.
	t.Setenv("DD_PROFILING_EXECUTION_TRACE_ENABLED", "false")
}
