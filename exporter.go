package trace

import (
	"context"
	"errors"
)

// Exporter receives finished traces from a Tracer's pipeline. The pipeline
// calls Export from one goroutine at a time (several at once for a
// NonBlockingExporter), off the application's path, with a context that
// carries the export timeout. The chunks of one trace arrive in order;
// chunks of different traces in no set order.
//
// Export may keep the Chunks and Snapshots it is given (they are immutable)
// but not the batch slice itself, which the pipeline reuses. A returned
// error counts the batch's spans as dropped (an exporter that delivered
// part of a batch should return nil and report the rest as an
// ExportReporter); retrying is the exporter's business. Shutdown is called
// once, after the last Export has returned, from the pipeline's goroutine.
// See "Writing an exporter" in the package documentation, and
// exporter/exportertest to check one.
type Exporter interface {
	Export(ctx context.Context, batch []Chunk) error
	Shutdown(ctx context.Context) error
}

// Flusher is an Exporter that buffers: Tracer.Flush calls Flush after the
// pipeline's own flush, to push what the exporter holds to its destination
// and wait for it, within ctx. It may run concurrently with Export.
type Flusher interface {
	Flush(ctx context.Context) error
}

// rateReceiver is a Sampler that follows sampling rates decided elsewhere:
// the Datadog Agent's rate_by_service, keyed "service:NAME,env:ENV", the key
// "service:,env:" holding the default rate, such as sampling.AgentRates. It
// may be called at any time, concurrently with Sample, and must not keep
// rates after it returns. It is an interface literal, not a named type, so
// that the packages that meet it need not name it.
type rateReceiver = interface {
	ReceiveRates(rates map[string]float64)
}

// rateSource is an Exporter that learns sampling rates, such as the Datadog
// Agent exporter from the Agent's responses. New connects a rateSource
// exporter to a rateReceiver sampler, so priority sampling follows the
// Agent without any wiring by hand.
type rateSource interface {
	SetRateReceiver(r rateReceiver)
}

// NonBlockingExporter is an Exporter whose Export never waits: no I/O, no
// waiting for other goroutines beyond a brief lock, as the Datadog Agent
// exporter, which only encodes and leaves sending to goroutines of its own.
// Its Export may also be called by several goroutines at once. The chunks
// of one trace still reach it in order, from one call at a time. Its
// NonBlocking method does nothing; it says so.
//
// For such an exporter, a goroutine that finishes a span and finds its
// part of the queue holding a batch's share exports a batch of that part
// itself, when no other goroutine is exporting it, instead of waiting for
// the batcher to be scheduled: with more busy goroutines than cores, the
// batcher alone gets too small a share of the CPU to keep up with a
// burst (TestBurst in exporter/agent).
type NonBlockingExporter interface {
	Exporter
	NonBlocking()
}

// Discard is an Exporter that drops everything and reports success.
var Discard Exporter = discard{}

type discard struct{}

func (discard) Export(context.Context, []Chunk) error { return nil }
func (discard) Shutdown(context.Context) error        { return nil }
func (discard) NonBlocking()                          {}

// MultiExporter returns an Exporter that hands every batch to each of
// exporters in turn. Its Export and Shutdown call every exporter and join
// their errors.
func MultiExporter(exporters ...Exporter) Exporter {
	var m multi
	for _, e := range exporters {
		if e != nil {
			m = append(m, e)
		}
	}
	return m
}

type multi []Exporter

func (m multi) Export(ctx context.Context, batch []Chunk) error {
	var errs []error
	for _, e := range m {
		if err := e.Export(ctx, batch); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Flush flushes every member that is a Flusher.
func (m multi) Flush(ctx context.Context) error {
	var errs []error
	for _, e := range m {
		if f, ok := e.(Flusher); ok {
			if err := f.Flush(ctx); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// SetRateReceiver connects r to every member that learns sampling rates.
func (m multi) SetRateReceiver(r rateReceiver) {
	for _, e := range m {
		if s, ok := e.(rateSource); ok {
			s.SetRateReceiver(r)
		}
	}
}

// UseBudget hands b to every member that is a BudgetUser.
func (m multi) UseBudget(b *MemoryBudget) {
	for _, e := range m {
		if u, ok := e.(BudgetUser); ok {
			u.UseBudget(b)
		}
	}
}

func (m multi) Shutdown(ctx context.Context) error {
	var errs []error
	for _, e := range m {
		if err := e.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
