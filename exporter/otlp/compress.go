package otlp

import (
	"bytes"
	"compress/gzip"
	"fmt"
)

// gzipLevel is the compression of requests over HTTP with gzip: the
// fastest. gzip's default level, which the OpenTelemetry SDKs and the
// Collector use, takes more than twice the CPU for requests an eighth
// smaller (BenchmarkCompress), and Export compresses on the goroutine that
// finishes spans when it helps the tracer's batcher.
const gzipLevel = gzip.BestSpeed

// compressor gzips requests in Export, for HTTP with gzip: the queue
// then holds, and the memory budget counts, their compressed bytes, a
// small part of the encoded ones, and the senders only send. Each pooled
// encoder has one, reused from request to request.
type compressor struct {
	zw  *gzip.Writer
	in  []byte       // the encoded request
	out bytes.Buffer // the compressed one, until Export copies it out
}

// compress returns the request enc built, gzipped, in c's memory: valid
// until the next call.
func (c *compressor) compress(enc *encoder) ([]byte, error) {
	c.in = enc.appendRequest(c.in[:0])
	if c.out.Cap() > 1<<20 {
		c.out = bytes.Buffer{} // as shrink does: keep a buffer of the usual size only
	}
	c.out.Reset()
	if c.zw == nil {
		zw, err := gzip.NewWriterLevel(&c.out, gzipLevel)
		if err != nil {
			return nil, fmt.Errorf("otlp: gzip: %w", err)
		}
		c.zw = zw
	} else {
		c.zw.Reset(&c.out)
	}
	_, err := c.zw.Write(c.in)
	if err == nil {
		err = c.zw.Close()
	}
	c.in = shrink(c.in)
	if err != nil {
		return nil, fmt.Errorf("otlp: gzip: %w", err)
	}
	return c.out.Bytes(), nil
}
