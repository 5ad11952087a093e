package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tinylib/msgp/msgp"
)

// standInAgent is a minimal Datadog Agent on 127.0.0.1: it reads and discards
// every request body, answers the trace endpoints the way a fresh agent does,
// and counts what it received so tests and benchmarks can check what a tracer
// really delivered.
type standInAgent struct {
	srv *httptest.Server

	payloads atomic.Int64 // requests to /v0.4/traces or /v0.5/traces
	traces   atomic.Int64 // sum of their X-Datadog-Trace-Count headers
	spans    atomic.Int64 // spans counted in their bodies
	bytes    atomic.Int64 // body bytes received on the trace endpoints
	bad      atomic.Int64 // trace payloads that did not decode (answered 400)
	other    atomic.Int64 // requests to any other path
	discard  atomic.Bool  // read payloads without counting their spans (traces still counted)
}

// agentCounts is a snapshot of a standInAgent's counters, also the JSON the
// agent serves at countsPath.
type agentCounts struct {
	Payloads int64 `json:"payloads"`
	Traces   int64 `json:"traces"`
	Spans    int64 `json:"spans"`
	Bytes    int64 `json:"bytes"`
	Bad      int64 `json:"bad"`
	Other    int64 `json:"other"`
	// CPU is the user+system CPU time of the agent's process, in ns.
	CPU int64 `json:"cpu_ns"`
}

func (c agentCounts) sub(d agentCounts) agentCounts {
	return agentCounts{c.Payloads - d.Payloads, c.Traces - d.Traces, c.Spans - d.Spans,
		c.Bytes - d.Bytes, c.Bad - d.Bad, c.Other - d.Other, c.CPU - d.CPU}
}

// countsPath is where a stand-in agent serves its counters (not a Datadog
// endpoint; it is how the benchmark process reads a child process's agent).
const countsPath = "/_bench/counts"

func newStandInAgent() *standInAgent {
	a := &standInAgent{}
	a.srv = httptest.NewUnstartedServer(http.HandlerFunc(a.serveHTTP))
	// httptest listens on 127.0.0.1 by default; make that explicit.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic("bench: stand-in agent: " + err.Error())
	}
	a.srv.Listener = l
	a.srv.Start()
	return a
}

// addr is host:port, the form tracer.WithAgentAddr takes.
func (a *standInAgent) addr() string { return a.srv.Listener.Addr().String() }

// url is the agent's base URL, for exporters that take one.
func (a *standInAgent) url() string { return a.srv.URL }

func (a *standInAgent) close() { a.srv.Close() }

func (a *standInAgent) counts() agentCounts {
	return agentCounts{
		Payloads: a.payloads.Load(),
		Traces:   a.traces.Load(),
		Spans:    a.spans.Load(),
		Bytes:    a.bytes.Load(),
		Bad:      a.bad.Load(),
		Other:    a.other.Load(),
		CPU:      int64(cpuTime()),
	}
}

// countTraces adds the payload's X-Datadog-Trace-Count header to traces.
func (a *standInAgent) countTraces(r *http.Request) {
	if c, err := strconv.ParseInt(r.Header.Get("X-Datadog-Trace-Count"), 10, 64); err == nil {
		a.traces.Add(c)
	}
}

func (a *standInAgent) serveHTTP(w http.ResponseWriter, r *http.Request) {
	defer r.Body.Close()
	switch r.URL.Path {
	case "/v0.4/traces", "/v0.5/traces":
		if a.discard.Load() {
			// Discarding: read and drop, through io.Discard's own small
			// pooled buffer, so that the stand-in allocates nothing that
			// the benchmark would charge to the tracer.
			n, _ := io.Copy(io.Discard, r.Body)
			a.payloads.Add(1)
			a.bytes.Add(n)
			a.countTraces(r)
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"rate_by_service":{}}`)
			return
		}
		buf := bodies.Get().(*bytes.Buffer)
		buf.Reset()
		_, err := buf.ReadFrom(r.Body)
		var spans int64
		if err == nil && !a.discard.Load() {
			spans, err = countSpans(buf.Bytes(), r.URL.Path == "/v0.5/traces")
		}
		a.payloads.Add(1)
		a.bytes.Add(int64(buf.Len()))
		if buf.Cap() <= 64<<20 {
			bodies.Put(buf)
		}
		if err != nil {
			a.bad.Add(1)
			http.Error(w, "stand-in agent: undecodable payload: "+err.Error(), http.StatusBadRequest)
			return
		}
		a.spans.Add(spans)
		a.countTraces(r)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"rate_by_service":{}}`)
	case "/info":
		io.Copy(io.Discard, r.Body)
		a.other.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"version":"bench-stand-in","endpoints":["/v0.4/traces","/v0.5/traces"]}`)
	case "/telemetry/proxy/api/v2/apmtelemetry":
		io.Copy(io.Discard, r.Body)
		a.other.Add(1)
		w.WriteHeader(http.StatusAccepted)
	case countsPath:
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(a.counts())
	default:
		// Remote configuration, stats and anything else: not offered.
		io.Copy(io.Discard, r.Body)
		a.other.Add(1)
		http.NotFound(w, r)
	}
}

// bodies holds request bodies between requests.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// countSpans counts the spans of a trace payload by its array headers alone:
// v0.4 is an array of traces, each an array of spans; v0.5 is a pair of a
// string table and such an array. Spans themselves are skipped, not decoded.
// Bytes after the payload are an error.
func countSpans(b []byte, v05 bool) (int64, error) {
	var err error
	if v05 {
		var n uint32
		if n, b, err = msgp.ReadArrayHeaderBytes(b); err != nil {
			return 0, err
		}
		if n != 2 {
			return 0, fmt.Errorf("v0.5 payload of %d elements, want 2", n)
		}
		if b, err = msgp.Skip(b); err != nil { // the string table
			return 0, err
		}
	}
	traces, b, err := msgp.ReadArrayHeaderBytes(b)
	if err != nil {
		return 0, err
	}
	var spans int64
	for range traces {
		var n uint32
		if n, b, err = msgp.ReadArrayHeaderBytes(b); err != nil {
			return 0, err
		}
		for range n {
			if b, err = msgp.Skip(b); err != nil {
				return 0, err
			}
		}
		spans += int64(n)
	}
	if len(b) != 0 {
		return 0, fmt.Errorf("%d bytes after the payload", len(b))
	}
	return spans, nil
}

// The stand-in agent in a child process.
//
// BenchmarkDelivered divides the spans delivered by the CPU time its process
// used. An agent inside the test binary would add its own work (HTTP, reading
// and counting payloads) to that time, more for the tracer that sends more
// bytes, so that benchmark sends to the same stand-in agent run by the same
// test binary in a child process, and reads the counts over HTTP.

// childAgentEnv, set to 1, makes the test binary run only a stand-in agent:
// it prints the agent's URL on stdout and serves until stdin closes.
const childAgentEnv = "BENCH_STANDIN_AGENT_CHILD"

// serveChildAgent is the child process's whole life.
func serveChildAgent() {
	a := newStandInAgent()
	fmt.Println(a.url())
	io.Copy(io.Discard, os.Stdin) // until the parent closes it or exits
	a.close()
}

type agentProcess struct {
	cmd   *exec.Cmd
	stdin io.Closer
	url   string // http://127.0.0.1:port
	addr  string // 127.0.0.1:port
}

var (
	childAgentOnce sync.Once
	childAgent     *agentProcess
	childAgentErr  error
)

// sharedAgentProcess starts the child stand-in agent on first use; TestMain
// stops it.
func sharedAgentProcess() (*agentProcess, error) {
	childAgentOnce.Do(func() { childAgent, childAgentErr = startAgentProcess() })
	return childAgent, childAgentErr
}

func startAgentProcess() (*agentProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), childAgentEnv+"=1")
	stdin, url, err := startChild(cmd, "stand-in agent process")
	if err != nil {
		return nil, err
	}
	return &agentProcess{cmd: cmd, stdin: stdin, url: url, addr: strings.TrimPrefix(url, "http://")}, nil
}

// startChild starts cmd, a destination process that prints its base URL
// on its first line and exits when its stdin closes, and returns that
// stdin and the URL. what names the process in errors.
func startChild(cmd *exec.Cmd, what string) (io.Closer, string, error) {
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, "", err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stdin.Close()
		cmd.Wait()
		return nil, "", fmt.Errorf("%s: %v", what, err)
	}
	return stdin, strings.TrimSpace(line), nil
}

var countsClient = &http.Client{Timeout: 10 * time.Second}

func (p *agentProcess) counts() (agentCounts, error) {
	var c agentCounts
	resp, err := countsClient.Get(p.url + countsPath)
	if err != nil {
		return c, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return c, errors.New("stand-in agent process: counts: " + resp.Status)
	}
	return c, json.NewDecoder(resp.Body).Decode(&c)
}

func (p *agentProcess) close() {
	p.stdin.Close()
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

func stopSharedAgentProcess() {
	if childAgent != nil {
		childAgent.close()
	}
}
