package otlp

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/ctxtrace/trace"
)

// childEnv, set in a child's environment, makes the test binary a
// counting OTLP/HTTP destination instead of running tests.
const childEnv = "TRACE_OTLP_TEST_SINK"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		runChildSink()
		return
	}
	os.Exit(m.Run())
}

// TestBurst: 200,000 spans finished at once by 16 goroutines, exported
// over OTLP/HTTP with the default settings (a 32 MiB memory budget) to a
// destination in another process: every one arrives.
func TestBurst(t *testing.T) {
	// Whether a burst drains in time depends on the machine being the
	// test's: beside other packages' tests it measures them, not the
	// exporter. Run it on its own:
	//	TRACE_LOAD_TESTS=1 go test -run 'TestBurst$' .
	if os.Getenv("TRACE_LOAD_TESTS") == "" || testing.Short() || raceEnabled || testing.CoverMode() != "" {
		t.Skip("a load test: set TRACE_LOAD_TESTS=1, without -short, -race or -cover")
	}
	url := newChildSink(t)
	exp, err := New(WithEndpoint(url), withGetenv(envMap(nil)))
	if err != nil {
		t.Fatal(err)
	}
	tr := trace.New(trace.WithService("burst"), trace.WithExporter(exp))
	const goroutines, perG = 16, 12_500
	start := time.Now()
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range perG {
				_, s := tr.Start(context.Background(), "op", trace.Resource("/burst"))
				s.SetTag("k", "v")
				s.SetTag("n", 1)
				s.Finish()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	got := childCount(t, url)
	st, es := tr.Stats(), exp.Stats()
	t.Logf("%d spans finished in %v; %d arrived; tracer %+v; exporter %+v", goroutines*perG, elapsed, got, st, es)
	if got != goroutines*perG || es.SpansSent != uint64(got) || st.SpansExported != uint64(got) {
		t.Errorf("%d of %d spans arrived", got, goroutines*perG)
	}
}

// newChildSink starts the test binary as a counting destination and
// returns its base URL. It runs in a process of its own, as a Collector
// does: the operating system, not this process's scheduler, gives it its
// share of the machine.
func newChildSink(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("the destination did not start: %v", err)
	}
	return "http://" + strings.TrimSpace(addr)
}

// childCount returns how many spans the child destination accepted.
func childCount(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url + "/count")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatalf("/count: %q", b)
	}
	return n
}

// runChildSink serves /v1/traces on 127.0.0.1, counting the spans of each
// request without decoding them, and /count, which says how many; it
// prints its address and lives until its standard input closes.
func runChildSink() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var count atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/traces", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		n, ok := countSpans(body)
		if !ok {
			http.Error(w, "malformed request", http.StatusBadRequest)
			return
		}
		count.Add(n)
		w.Header().Set("Content-Type", "application/x-protobuf")
	})
	mux.HandleFunc("/count", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, count.Load())
	})
	go http.Serve(ln, mux)
	fmt.Println(ln.Addr())
	io.Copy(io.Discard, os.Stdin)
}

// countSpans counts the spans of an ExportTraceServiceRequest, walking
// resource_spans, scope_spans and spans and skipping every other field.
func countSpans(b []byte) (int64, bool) {
	var n int64
	ok := walkField(b, fRequestResourceSpans, func(rs []byte) bool {
		return walkField(rs, fResourceSpansScopeSpans, func(ss []byte) bool {
			return walkField(ss, fScopeSpansSpans, func([]byte) bool { n++; return true })
		})
	})
	return n, ok
}

// walkField calls fn with each length-delimited field want of message b,
// and reports whether b, and fn, were well formed.
func walkField(b []byte, want protowire.Number, fn func([]byte) bool) bool {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return false
		}
		b = b[n:]
		if num == want && typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(b)
			if m < 0 || !fn(v) {
				return false
			}
			b = b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return false
		}
		b = b[m:]
	}
	return true
}
