// Command otlpsink is a counting OTLP/HTTP trace destination for the
// benchmarks: it takes POST /v1/traces in protobuf (gzip or not), counts
// the spans of each request by walking its protobuf structure (spans are
// skipped, not decoded), discards the request and answers with an empty
// ExportTraceServiceResponse. A request that does not parse is answered
// 400 and counted as bad.
//
// It listens on 127.0.0.1 (a free port, or -addr), prints its base URL on
// stdout, serves until its stdin closes, and serves its counters as JSON at
// /_bench/counts, with the user+system CPU time of its process. The
// benchmarks run it as a child process, so that receiving and counting is
// not charged to the tracer under test.
package main

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// countsPath is where the sink serves its counters.
const countsPath = "/_bench/counts"

// maxBody bounds a request body, compressed or not, as the Collector's
// OTLP/HTTP receiver does (20 MiB by default); larger ones get 413.
const maxBody = 64 << 20

// Counts is what the sink has received, also the JSON of countsPath.
type Counts struct {
	Requests int64 `json:"requests"` // trace requests that parsed
	Spans    int64 `json:"spans"`    // spans in them
	Bytes    int64 `json:"bytes"`    // body bytes as received (compressed if so)
	Bad      int64 `json:"bad"`      // requests refused: not protobuf, undecodable, too large
	Other    int64 `json:"other"`    // requests to any other path
	CPU      int64 `json:"cpu_ns"`   // user+system CPU time of the sink's process
}

type sink struct {
	requests, spans, bytes, bad, other atomic.Int64
}

// bufs holds body buffers between requests, so that the sink's own garbage
// stays small.
var bufs = sync.Pool{New: func() any { return new([]byte) }}

func (s *sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer r.Body.Close()
	switch r.URL.Path {
	case "/v1/traces":
		s.traces(w, r)
	case countsPath:
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(s.counts())
	default:
		io.Copy(io.Discard, r.Body)
		s.other.Add(1)
		http.NotFound(w, r)
	}
}

func (s *sink) traces(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		s.bad.Add(1)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-protobuf" {
		io.Copy(io.Discard, r.Body)
		s.bad.Add(1)
		http.Error(w, "otlpsink: protobuf only, got "+ct, http.StatusUnsupportedMediaType)
		return
	}
	bp := bufs.Get().(*[]byte)
	defer bufs.Put(bp)
	body, wire, err := readBody(r, (*bp)[:0])
	*bp = body[:0]
	s.bytes.Add(wire)
	var n int64
	if err == nil {
		n, err = CountSpans(body)
	}
	if err != nil {
		s.bad.Add(1)
		code := http.StatusBadRequest
		if errors.Is(err, errTooLarge) {
			code = http.StatusRequestEntityTooLarge
		}
		http.Error(w, "otlpsink: "+err.Error(), code)
		return
	}
	s.requests.Add(1)
	s.spans.Add(n)
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.WriteHeader(http.StatusOK) // an empty ExportTraceServiceResponse
}

var errTooLarge = errors.New("request body too large")

// readBody reads the request body into buf, gunzipped if so encoded, and
// returns it with the number of bytes received.
func readBody(r *http.Request, buf []byte) ([]byte, int64, error) {
	counted := &countingReader{r: io.LimitReader(r.Body, maxBody+1)}
	var src io.Reader = counted
	switch enc := r.Header.Get("Content-Encoding"); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(counted)
		if err != nil {
			return buf, counted.n, fmt.Errorf("gzip: %w", err)
		}
		src = io.LimitReader(zr, maxBody+1)
	default:
		return buf, counted.n, fmt.Errorf("unsupported Content-Encoding %q", enc)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := src.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if len(buf) > maxBody || counted.n > maxBody {
			return buf, counted.n, errTooLarge
		}
		if err == io.EOF {
			return buf, counted.n, nil
		}
		if err != nil {
			return buf, counted.n, err
		}
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (s *sink) counts() Counts {
	return Counts{
		Requests: s.requests.Load(),
		Spans:    s.spans.Load(),
		Bytes:    s.bytes.Load(),
		Bad:      s.bad.Load(),
		Other:    s.other.Load(),
		CPU:      int64(cpuTime()),
	}
}

// cpuTime is the user plus system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: &sink{}, ReadHeaderTimeout: time.Minute}
	go srv.Serve(l)
	fmt.Printf("http://%s\n", l.Addr())
	io.Copy(io.Discard, os.Stdin) // until the parent closes it or exits
	srv.Close()
}
