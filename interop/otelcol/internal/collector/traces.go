package collector

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// maxLine bounds one line of the output file: one request as OTLP/JSON. The
// receiver's own limits (20 MiB over HTTP, 4 MiB over gRPC, before JSON's
// growth) stay well below it.
const maxLine = 512 << 20

// Traces returns what the Collector wrote, one ptrace.Traces per request it
// accepted, in the order received, over all its runs. The file exporter
// writes a request before the receiver answers it, so everything an exporter
// saw acknowledged is there; a line still being written by a running
// Collector (one with no newline yet) is left out.
func (c *Collector) Traces() ([]ptrace.Traces, error) {
	c.mu.Lock()
	runs := c.runs
	c.mu.Unlock()
	var all []ptrace.Traces
	for run := range runs {
		got, err := readFile(filepath.Join(c.dir, fmt.Sprintf("traces-%d.json", run)))
		if err != nil {
			return nil, err
		}
		all = append(all, got...)
	}
	return all, nil
}

// readFile decodes every complete line of an OTLP/JSON lines file. A
// missing file holds nothing: the Collector creates it on its first write.
func readFile(name string) ([]ptrace.Traces, error) {
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("collector: %w", err)
	}
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[:i+1]
	} else {
		b = nil
	}
	var out []ptrace.Traces
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, maxLine)
	var u ptrace.JSONUnmarshaler
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		td, err := u.UnmarshalTraces(sc.Bytes())
		if err != nil {
			return nil, fmt.Errorf("collector: %s line %d: %w", name, line, err)
		}
		out = append(out, td)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("collector: %s: %w", name, err)
	}
	return out, nil
}
