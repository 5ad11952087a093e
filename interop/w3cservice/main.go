// Command w3cservice is the test service that the W3C Trace Context
// conformance suite (github.com/w3c/trace-context, folder test/) drives.
//
// The suite's harness POSTs to /test a JSON list of {"url", "arguments"}.
// For each item the service extracts the incoming context from the request
// headers, starts a child span, and POSTs "arguments" as JSON to "url" with
// the child's context injected; it answers 200 when every call is done.
//
//	go run ./w3cservice -addr 127.0.0.1:5000                  # tracecontext only
//	go run ./w3cservice -addr 127.0.0.1:5000 -styles default  # datadog,tracecontext,baggage
//
// With port 0 it listens on a free port, and logs which.
//
// run-suite.sh, beside this file, runs the suite against it.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ctxtrace/trace"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:5000", "address to listen on")
	styles := flag.String("styles", "tracecontext",
		`propagation styles, comma-separated; "default" for datadog,tracecontext,baggage`)
	flag.Parse()

	var list []string // nil: the default styles
	if *styles != "default" {
		for _, s := range strings.Split(*styles, ",") {
			list = append(list, strings.TrimSpace(s))
		}
	}
	prop, err := trace.NewPropagator(trace.PropagatorConfig{Inject: list, Extract: list})
	if err != nil {
		log.Fatal(err)
	}
	tr := trace.New(trace.WithService("w3cservice"), trace.WithPropagator(prop))
	defer tr.Shutdown(context.Background())

	client := &http.Client{Timeout: 10 * time.Second}
	http.HandleFunc("POST /test", func(w http.ResponseWriter, r *http.Request) {
		var items []struct {
			URL       string          `json:"url"`
			Arguments json.RawMessage `json:"arguments"`
		}
		if err := json.NewDecoder(r.Body).Decode(&items); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		// http.Header keeps repeated fields in order; HeaderCarrier combines them.
		ctx := tr.Extract(r.Context(), trace.HeaderCarrier(r.Header))
		for _, it := range items {
			if err := callback(ctx, tr, client, it.URL, it.Arguments); err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
		}
		w.WriteHeader(http.StatusOK)
	})
	ln, err := net.Listen("tcp", *addr) // port 0 picks a free one
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("w3cservice (styles %q) listening on http://%s/test", *styles, ln.Addr())
	log.Fatal(http.Serve(ln, nil))
}

// callback POSTs args to url from a child span of ctx, with its context injected.
func callback(ctx context.Context, tr *trace.Tracer, client *http.Client, url string, args json.RawMessage) error {
	ctx, span := tr.Start(ctx, "w3c.callback", trace.Resource("POST "+url))
	defer span.Finish()
	if len(args) == 0 {
		args = json.RawMessage("[]")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(args))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if err := tr.Inject(ctx, trace.HeaderCarrier(req.Header)); err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return nil
}
