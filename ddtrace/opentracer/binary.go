package opentracer

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/opentracing/opentracing-go"

	"github.com/ctxtrace/trace"
)

// The Binary format: the propagator's headers as a uvarint count, then for
// each a uvarint-length-prefixed key and value. Reading is bounded, so a
// hostile carrier cannot make Extract allocate more than maxBinary bytes.
const (
	maxBinary     = 64 << 10
	maxBinaryKeys = 64
)

func injectBinary(t *trace.Tracer, ctx context.Context, carrier any) error {
	w, ok := carrier.(io.Writer)
	if !ok {
		return opentracing.ErrInvalidCarrier
	}
	m := trace.MapCarrier{}
	if err := translate(t.Inject(ctx, m)); err != nil {
		return err
	}
	buf := binary.AppendUvarint(nil, uint64(len(m)))
	for k, v := range m {
		buf = binary.AppendUvarint(buf, uint64(len(k)))
		buf = append(buf, k...)
		buf = binary.AppendUvarint(buf, uint64(len(v)))
		buf = append(buf, v...)
	}
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("opentracer: writing the binary carrier: %w", err)
	}
	return nil
}

var errBinary = fmt.Errorf("%w: malformed binary carrier", opentracing.ErrSpanContextCorrupted)

func readBinary(carrier any) (trace.MapCarrier, error) {
	r, ok := carrier.(io.Reader)
	if !ok {
		return nil, opentracing.ErrInvalidCarrier
	}
	br := bufio.NewReader(io.LimitReader(r, maxBinary))
	n, err := binary.ReadUvarint(br)
	if errors.Is(err, io.EOF) {
		return nil, opentracing.ErrSpanContextNotFound
	}
	if err != nil || n > maxBinaryKeys {
		return nil, errBinary
	}
	m := make(trace.MapCarrier, n)
	for range n {
		k, err := readString(br)
		if err != nil {
			return nil, err
		}
		v, err := readString(br)
		if err != nil {
			return nil, err
		}
		m[k] = v
	}
	return m, nil
}

func readString(br *bufio.Reader) (string, error) {
	n, err := binary.ReadUvarint(br)
	if err != nil || n > maxBinary {
		return "", errBinary
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(br, b); err != nil {
		return "", errBinary
	}
	return string(b), nil
}
