// Command demo traces a small program, an online shop taking an order, and
// prints its traces to the terminal with the stdout exporter. It needs no
// agent and no network:
//
//	go run ./cmd/demo
//	go run ./cmd/demo -json   # one JSON object per span instead of a tree
//
// The program shows the main uses of the trace package: nested Do calls,
// tags of both kinds, an error returned by a step, a panic recovered by its
// caller, work spread over two goroutines, and a span started by hand. It
// also runs a second service, inventory, as a real HTTP server on
// 127.0.0.1: the shop calls it through tracehttp.Transport, the server is
// wrapped by tracehttp.Handler, and the trace crosses the connection in
// the request headers. Both services log with log/slog through
// trace.LogHandler, so every log line carries the ids of the span it was
// logged in (dd.trace_id, dd.span_id): the lines are printed before the
// traces, and their ids match the trees'.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/stdout"
	"github.com/ctxtrace/trace/tracehttp"
)

func main() {
	jsonMode := flag.Bool("json", false, "print one JSON object per span instead of a tree")
	flag.Parse()
	if err := run(os.Stdout, os.Stderr, *jsonMode); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// run traces the shop's orders, printing traces to out and the program's
// own messages to errOut.
func run(out, errOut io.Writer, jsonMode bool) error {
	var opts []stdout.Option
	if jsonMode {
		opts = append(opts, stdout.WithJSON())
	}
	tr := trace.New(
		trace.WithService("shop"),
		trace.WithEnv("demo"),
		trace.WithVersion("1.4.2"),
		trace.WithExporter(stdout.New(out, opts...)),
	)
	trace.SetDefault(tr)
	defer trace.SetDefault(nil)

	// Logs go beside the trees, or to errOut when out is JSON lines.
	logOut := out
	if jsonMode {
		logOut = errOut
	}
	logger := slog.New(trace.LogHandler(slog.NewTextHandler(logOut, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.Attr{} // keep the demo's output short
			}
			return a
		},
	})))

	inv, err := startInventory(logger)
	if err != nil {
		return err
	}
	s := &shop{
		log:          logger,
		errOut:       errOut,
		inventoryURL: "http://" + inv.Addr,
		client:       &http.Client{Transport: tracehttp.Transport(nil), Timeout: 5 * time.Second},
	}

	ctx := context.Background()
	for _, order := range []order{
		{id: 1042, user: "ada", items: []string{"tea", "cup", "kettle"}},
		{id: 1043, user: "grace", items: []string{"notebook"}},
	} {
		if err := s.checkout(ctx, order); err != nil {
			fmt.Fprintf(errOut, "order %d: %v\n", order.id, err)
		}
	}
	// The inventory's spans finish before its responses are read, but make
	// sure no request is still in flight before exporting. Nothing between
	// startInventory and here returns early.
	inv.Close()

	// Shutdown exports everything that finished; the stdout exporter prints it.
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := tr.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	st := tr.Stats()
	fmt.Fprintf(errOut, "spans: %d started, %d exported, %d dropped\n", st.SpansStarted, st.SpansExported, st.Dropped.Total())
	return nil
}

type order struct {
	id    int
	user  string
	items []string
}

// startInventory runs the inventory service on a free port of 127.0.0.1,
// traced by tracehttp.Handler as service "inventory".
func startInventory(logger *slog.Logger) (*http.Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /stock/{order}", func(w http.ResponseWriter, r *http.Request) {
		// r.Context() carries the server span, child of the shop's client span.
		_ = trace.Do(r.Context(), "stock.reserve", func(ctx context.Context) error {
			work(2 * time.Millisecond)
			logger.InfoContext(ctx, "stock reserved", "order", r.PathValue("order"))
			return nil
		}, trace.Service("inventory"))
		w.WriteHeader(http.StatusNoContent)
	})
	srv := &http.Server{
		Addr:              ln.Addr().String(),
		Handler:           tracehttp.Handler(mux, tracehttp.WithService("inventory")),
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() { _ = srv.Serve(ln) }()
	return srv, nil
}

// shop is the front service: its checkout calls the inventory over HTTP.
type shop struct {
	log          *slog.Logger
	errOut       io.Writer
	inventoryURL string
	client       *http.Client
}

// checkout is one request: every step below it is a child span.
func (s *shop) checkout(ctx context.Context, o order) error {
	return trace.Do(ctx, "checkout.process", func(ctx context.Context) error {
		span := trace.SpanFromContext(ctx)
		span.SetTag("order.id", o.id)
		span.SetTag("usr.id", o.user)

		cart, err := loadCart(ctx, o)
		if err != nil {
			return err
		}
		if err := s.charge(ctx, o, cart); err != nil {
			return fmt.Errorf("charge: %w", err)
		}
		// A failed e-mail does not fail the order: the error stays on the
		// e-mail's span, and the request goes on.
		if err := sendReceipt(ctx, o); err != nil {
			span.SetTag("receipt.sent", false)
		}
		renderRecommendations(ctx, o, s.errOut)
		s.log.InfoContext(ctx, "order placed", "order", o.id, "total", cart)
		return nil
	}, trace.Resource("POST /checkout"), trace.Type("web"))
}

func loadCart(ctx context.Context, o order) (total float64, err error) {
	err = trace.Do(ctx, "cart.load", func(ctx context.Context) error {
		for _, item := range o.items {
			// A span started by hand, for code that is not a closure.
			_, q := trace.Start(ctx, "postgres.query",
				trace.Service("shop-db"), trace.Type("sql"),
				trace.Resource("SELECT price FROM items WHERE name = $1"))
			work(2 * time.Millisecond)
			q.SetTag("db.item", item)
			q.SetTag("db.rows", 1)
			q.Finish()
			total += 4.5
		}
		trace.SpanFromContext(ctx).SetTag("cart.total", total)
		return nil
	})
	return total, err
}

// charge runs the fraud check and the stock reservation at once, on two
// goroutines; both spans are children of payment.charge.
func (s *shop) charge(ctx context.Context, o order, amount float64) error {
	return trace.Do(ctx, "payment.charge", func(ctx context.Context) error {
		trace.SpanFromContext(ctx).SetTag("payment.amount", amount)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Go(func() {
			errs[0] = trace.Do(ctx, "fraud.check", func(context.Context) error {
				work(3 * time.Millisecond)
				return nil
			}, trace.Tag("fraud.score", 0.02))
		})
		wg.Go(func() {
			errs[1] = trace.Do(ctx, "inventory.reserve", func(ctx context.Context) error {
				return s.reserve(ctx, o)
			}, trace.Tag("items", len(o.items)))
		})
		wg.Wait()
		return errors.Join(errs...)
	}, trace.Resource("stripe.charge"))
}

// reserve asks the inventory service to hold the order's items. The
// request's context carries the span, which Transport continues.
func (s *shop) reserve(ctx context.Context, o order) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf("%s/stock/%d", s.inventoryURL, o.id), nil)
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("inventory: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("inventory: %s", resp.Status)
	}
	return nil
}

var errSMTP = errors.New("smtp: connection refused")

func sendReceipt(ctx context.Context, o order) error {
	return trace.Do(ctx, "email.send", func(ctx context.Context) error {
		work(time.Millisecond)
		if o.id%2 == 0 {
			return errSMTP
		}
		return nil
	}, trace.Tag("email.to", o.user+"@example.com"))
}

// renderRecommendations survives a panic in its step: Do records the panic
// on the span and re-raises it, and the recover here keeps the request up.
func renderRecommendations(ctx context.Context, o order, errOut io.Writer) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(errOut, "order %d: recommendations failed: %v\n", o.id, r)
		}
	}()
	_ = trace.Do(ctx, "recommendations.render", func(context.Context) error {
		work(time.Millisecond)
		var scores map[string]float64
		if o.id%2 == 0 {
			//lint:ignore SA5000 the demo's bug, on purpose: Do records the panic on the span
			scores["tea"] = 1 // a bug: assignment to a nil map panics
		}
		return nil
	})
}

func work(d time.Duration) { time.Sleep(d) }
