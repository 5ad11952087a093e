package agent_test

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// standIn is a stand-in Datadog Agent on 127.0.0.1 (or a Unix socket). It
// decodes every payload and answers as told.
type standIn struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	requests []request
	// respond answers a request; nil answers 200 with an empty rate map.
	respond func(w http.ResponseWriter, r *http.Request, n int)
	infos   int
	// countOnly counts spans without keeping them: cheap enough for a
	// load test that shares the machine's cores with the stand-in.
	countOnly bool
	counted   int
	// offer05 makes /info offer /v0.5/traces, as a recent Agent does; the
	// stand-in decodes both protocols into the same maps.
	offer05 bool
	// info, when set, is the /info answer (clientstats_standin_test.go);
	// infoStatus, when set, the status of an empty answer instead.
	info       string
	infoStatus int
	// Statistics payloads received at /v0.6/stats, and how to answer
	// them: nil answers 200.
	statsReqs    []statsRequest
	statsRespond func(w http.ResponseWriter, n int)
}

type request struct {
	header http.Header
	size   int
	traces [][]map[string]any
}

func newStandIn(t testing.TB) *standIn {
	s := &standIn{t: t}
	s.srv = httptest.NewServer(http.HandlerFunc(s.handle))
	t.Cleanup(s.srv.Close)
	return s
}

// newUnixStandIn is a stand-in listening on a Unix socket; it returns the
// socket's path.
func newUnixStandIn(t testing.TB) (*standIn, string) {
	path := t.TempDir() + "/apm.socket"
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	s := &standIn{t: t}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.handle))
	s.srv.Listener = ln
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	return s, path
}

func (s *standIn) url() string { return s.srv.URL }

func (s *standIn) handle(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/info":
		s.mu.Lock()
		s.infos++
		offer05, info, status := s.offer05, s.info, s.infoStatus
		s.mu.Unlock()
		if status != 0 {
			w.WriteHeader(status)
		} else if info != "" {
			io.WriteString(w, info)
		} else if offer05 {
			io.WriteString(w, `{"version":"7.99.0","endpoints":["/v0.4/traces","/v0.5/traces"],"client_drop_p0s":true}`)
		} else {
			io.WriteString(w, `{"version":"7.99.0","endpoints":["/v0.4/traces"],"client_drop_p0s":true}`)
		}
		return
	case "/v0.4/traces", "/v0.5/traces":
	case "/v0.6/stats":
		s.handleStats(w, r)
		return
	default:
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	if s.countOnly {
		n, err := countSpans(body)
		if err != nil {
			s.t.Errorf("the stand-in agent could not decode a payload: %v", err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		respond := s.respond
		s.mu.Unlock()
		if respond != nil {
			rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
			respond(rec, r, 0)
			if rec.status/100 != 2 {
				return // not accepted: not counted
			}
		} else {
			io.WriteString(w, `{}`)
		}
		s.mu.Lock()
		s.counted += n
		s.mu.Unlock()
		return
	}
	traces, err := decodePayload(r.URL.Path, body)
	if err != nil {
		s.t.Errorf("the stand-in agent could not decode a payload: %v", err)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, request{header: r.Header.Clone(), size: len(body), traces: traces})
	n := len(s.requests)
	respond := s.respond
	s.mu.Unlock()
	if respond != nil {
		respond(w, r, n)
		return
	}
	io.WriteString(w, `{"rate_by_service":{}}`)
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// countSpans walks a payload's arrays and skips each span, after the
// string table of a v0.5 payload.
func countSpans(body []byte) (int, error) {
	d := msgpack.NewDecoder(bytes.NewReader(body))
	if len(body) > 0 && body[0] == 0x92 { // v0.5: [table, traces]
		if _, err := d.DecodeArrayLen(); err != nil {
			return 0, err
		}
		if err := d.Skip(); err != nil {
			return 0, err
		}
	}
	traces, err := d.DecodeArrayLen()
	if err != nil {
		return 0, err
	}
	n := 0
	for range traces {
		spans, err := d.DecodeArrayLen()
		if err != nil {
			return 0, err
		}
		for range spans {
			if err := d.Skip(); err != nil {
				return 0, err
			}
		}
		n += spans
	}
	return n, nil
}

func (s *standIn) setRespond(f func(w http.ResponseWriter, r *http.Request, n int)) {
	s.mu.Lock()
	s.respond = f
	s.mu.Unlock()
}

// spans returns every span received, with the index of its payload.
func (s *standIn) spans() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, r := range s.requests {
		for _, tr := range r.traces {
			out = append(out, tr...)
		}
	}
	return out
}

func (s *standIn) reqs() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.requests...)
}
