package stdout

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync/atomic"
	"time"

	"github.com/ctxtrace/trace"
)

var _ trace.Exporter = (*Exporter)(nil)

// ErrShutdown is returned by Export after Shutdown.
var ErrShutdown = errors.New("stdout: exporter is shut down")

// Exporter prints finished traces, as a tree or as JSON lines. It is safe
// for concurrent use: each trace is written with one Write call, and writes
// never interleave. Create one with New.
type Exporter struct {
	cfg config

	// lock is a mutex that a context can give up on: a channel with room
	// for one holder. Export and Shutdown wait for it with a deadline, which
	// sync.Mutex cannot do, so a writer stuck in Write does not hold the
	// tracer's Shutdown past its deadline.
	lock   chan struct{}
	closed atomic.Bool
	buf    bytes.Buffer // one trace's output; guarded by lock
}

// New returns an Exporter that writes to w (os.Stdout when w is nil),
// configured by opts. By default it writes trees, in colour when w is a
// terminal.
func New(w io.Writer, opts ...Option) *Exporter {
	if w == nil {
		w = os.Stdout
	}
	c := config{w: w, barWidth: DefaultBarWidth}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if !c.colorSet {
		c.color = isTerminal(c.w) && os.Getenv("NO_COLOR") == ""
	}
	return &Exporter{cfg: c, lock: make(chan struct{}, 1)}
}

// isTerminal reports whether w is a character device, the cheap test for a
// terminal that needs no system-specific call.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Export writes each chunk of batch, one Write call per chunk, in the
// order the chunks' first spans started (the pipeline hands over chunks of
// different traces in no set order; a person reads them best in time
// order). Empty chunks print nothing.
//
// It returns ctx.Err() when ctx is done, ErrShutdown after Shutdown, and
// the writer's error, wrapped, when a write fails. The first two are
// checked before every chunk, and no chunk is started after an error.
func (e *Exporter) Export(ctx context.Context, batch []trace.Chunk) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if e.closed.Load() {
		return ErrShutdown
	}
	select {
	case e.lock <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-e.lock }()
	for _, c := range byStart(batch) {
		if c.Len() == 0 {
			continue
		}
		// Checked again for each chunk: Shutdown may have come while this
		// call waited for the lock, and the context may end part way.
		if e.closed.Load() {
			return ErrShutdown
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := e.writeChunk(c); err != nil {
			return err
		}
	}
	return nil
}

// byStart returns the chunks of batch sorted by their earliest span start,
// in a new slice: batch belongs to the pipeline.
func byStart(batch []trace.Chunk) []trace.Chunk {
	type keyed struct {
		start time.Time
		c     trace.Chunk
	}
	ks := make([]keyed, 0, len(batch))
	for _, c := range batch {
		var first time.Time
		for _, s := range c.Spans() {
			if first.IsZero() || s.Start().Before(first) {
				first = s.Start()
			}
		}
		ks = append(ks, keyed{first, c})
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return a.start.Compare(b.start) })
	out := make([]trace.Chunk, len(ks))
	for i, k := range ks {
		out[i] = k.c
	}
	return out
}

// maxKeptBuffer is the largest buffer kept between chunks; one huge trace
// should not pin its memory for the exporter's lifetime.
const maxKeptBuffer = 1 << 20

func (e *Exporter) writeChunk(c trace.Chunk) error {
	e.buf.Reset()
	defer func() {
		if e.buf.Cap() > maxKeptBuffer {
			e.buf = bytes.Buffer{}
		}
	}()
	var err error
	if e.cfg.json {
		err = writeJSON(&e.buf, c)
	} else {
		writeTree(&e.buf, c, &e.cfg)
	}
	if err != nil {
		return err
	}
	n, err := e.cfg.w.Write(e.buf.Bytes())
	if err == nil && n < e.buf.Len() {
		err = io.ErrShortWrite
	}
	if err != nil {
		return fmt.Errorf("stdout: writing trace %s: %w", c.TraceID(), err)
	}
	return nil
}

// Shutdown makes every later Export fail with ErrShutdown, then waits for
// an Export in progress to finish writing, so that what was exported is
// on the writer when Shutdown returns. If ctx ends first it returns
// ctx.Err(); the Export in progress may then still write its current
// chunk. Shutdown never closes the writer. Calling it again is harmless.
func (e *Exporter) Shutdown(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	e.closed.Store(true)
	select {
	case e.lock <- struct{}{}: // free at once: do not let a done ctx win a tie
	default:
		select {
		case e.lock <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	<-e.lock
	return nil
}
