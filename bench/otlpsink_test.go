package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// The OTLP destinations of the benchmarks.
//
// OTLPDelivered and the otel columns of Delivered send to cmd/otlpsink, a
// counting OTLP/HTTP server in a child process, for the reason Delivered's
// stand-in agent runs in one: the destination's work must not be charged
// to the tracer under test. The span workloads' otel-otlp column sends to
// an in-process server that reads and drops every body, as the stand-in
// agent does for ours and dd-trace-go there (discarding).

// sinkCounts is what cmd/otlpsink serves at countsPath (its Counts).
type sinkCounts struct {
	Requests int64 `json:"requests"`
	Spans    int64 `json:"spans"`
	Bytes    int64 `json:"bytes"`
	Bad      int64 `json:"bad"`
	Other    int64 `json:"other"`
	CPU      int64 `json:"cpu_ns"`
}

func (c sinkCounts) sub(d sinkCounts) sinkCounts {
	return sinkCounts{c.Requests - d.Requests, c.Spans - d.Spans, c.Bytes - d.Bytes, c.Bad - d.Bad, c.Other - d.Other, c.CPU - d.CPU}
}

// sinkProcess is cmd/otlpsink running as a child of the test binary. It
// serves until its stdin closes: when the test binary exits.
type sinkProcess struct {
	cmd   *exec.Cmd
	stdin io.Closer
	url   string // http://127.0.0.1:port; traces go to url + "/v1/traces"
}

var (
	sinkOnce sync.Once
	sink     *sinkProcess
	sinkErr  error
)

// sharedSink builds and starts cmd/otlpsink on first use.
func sharedSink() (*sinkProcess, error) {
	sinkOnce.Do(func() { sink, sinkErr = startSink() })
	return sink, sinkErr
}

// startSink builds cmd/otlpsink (the go command's cache makes a rebuild a
// link), starts it, and removes the binary, which the running process no
// longer needs.
func startSink() (*sinkProcess, error) {
	dir, err := os.MkdirTemp("", "bench-otlpsink-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	exe := filepath.Join(dir, "otlpsink")
	if out, err := exec.Command("go", "build", "-o", exe, "./cmd/otlpsink").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build ./cmd/otlpsink: %v\n%s", err, out)
	}
	cmd := exec.Command(exe)
	stdin, url, err := startChild(cmd, "otlpsink process")
	if err != nil {
		return nil, err
	}
	return &sinkProcess{cmd: cmd, stdin: stdin, url: url}, nil
}

func (p *sinkProcess) counts() (sinkCounts, error) {
	var c sinkCounts
	resp, err := countsClient.Get(p.url + countsPath)
	if err != nil {
		return c, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return c, errors.New("otlpsink process: counts: " + resp.Status)
	}
	return c, json.NewDecoder(resp.Body).Decode(&c)
}

// discardOTLP is an in-process OTLP/HTTP destination that reads and drops
// every body, answering with an empty ExportTraceServiceResponse.
type discardOTLP struct {
	srv      *httptest.Server
	requests atomic.Int64
	bytes    atomic.Int64
}

var (
	discardOTLPOnce sync.Once
	discardOTLPSrv  *discardOTLP
)

// sharedDiscardOTLP starts the discarding destination on first use; it
// lives as long as the test binary.
func sharedDiscardOTLP() *discardOTLP {
	discardOTLPOnce.Do(func() {
		d := &discardOTLP{}
		d.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// io.Discard's pooled buffer: the destination allocates
			// nothing that the benchmark would charge to the tracer.
			n, _ := io.Copy(io.Discard, r.Body)
			r.Body.Close()
			d.requests.Add(1)
			d.bytes.Add(n)
			w.Header().Set("Content-Type", "application/x-protobuf")
		}))
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic("bench: discarding OTLP destination: " + err.Error())
		}
		d.srv.Listener = l
		d.srv.Start()
		discardOTLPSrv = d
	})
	return discardOTLPSrv
}
