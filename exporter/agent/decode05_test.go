package agent_test

import (
	"bytes"
	"fmt"

	"github.com/vmihailenco/msgpack/v5"
)

// decodePayload decodes a /v0.4/traces or /v0.5/traces body into the same
// maps: a v0.5 span becomes the map its v0.4 encoding would decode to.
func decodePayload(path string, body []byte) ([][]map[string]any, error) {
	if path == "/v0.5/traces" {
		return decodeV05(body)
	}
	var traces [][]map[string]any
	err := msgpack.Unmarshal(body, &traces)
	return traces, err
}

func decodeV05(body []byte) ([][]map[string]any, error) {
	d := msgpack.NewDecoder(bytes.NewReader(body))
	if n, err := d.DecodeArrayLen(); err != nil || n != 2 {
		return nil, fmt.Errorf("v0.5: not [table, traces] (%d, %v)", n, err)
	}
	n, err := d.DecodeArrayLen()
	if err != nil {
		return nil, err
	}
	table := make([]string, n)
	for i := range table {
		if table[i], err = d.DecodeString(); err != nil {
			return nil, err
		}
	}
	str := func() (string, error) {
		i, err := d.DecodeUint64()
		if err != nil {
			return "", err
		}
		if i >= uint64(len(table)) {
			return "", fmt.Errorf("v0.5: index %d past a table of %d", i, len(table))
		}
		return table[i], nil
	}
	nt, err := d.DecodeArrayLen()
	if err != nil {
		return nil, err
	}
	traces := make([][]map[string]any, nt)
	for i := range traces {
		ns, err := d.DecodeArrayLen()
		if err != nil {
			return nil, err
		}
		for range ns {
			span, err := decodeSpan05(d, str)
			if err != nil {
				return nil, err
			}
			traces[i] = append(traces[i], span)
		}
	}
	return traces, nil
}

func decodeSpan05(d *msgpack.Decoder, str func() (string, error)) (map[string]any, error) {
	if n, err := d.DecodeArrayLen(); err != nil || n != 12 {
		return nil, fmt.Errorf("v0.5: a span of %d fields (%v)", n, err)
	}
	m := map[string]any{}
	var err error
	for _, k := range []string{"service", "name", "resource"} {
		if m[k], err = str(); err != nil {
			return nil, err
		}
	}
	for _, k := range []string{"trace_id", "span_id", "parent_id", "start", "duration", "error"} {
		if m[k], err = d.DecodeInterface(); err != nil {
			return nil, err
		}
	}
	meta, metrics := map[string]any{}, map[string]any{}
	n, err := d.DecodeMapLen()
	if err != nil {
		return nil, err
	}
	for range n {
		k, err1 := str()
		v, err2 := str()
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("v0.5 meta: %v %v", err1, err2)
		}
		meta[k] = v
	}
	if n, err = d.DecodeMapLen(); err != nil {
		return nil, err
	}
	for range n {
		k, err1 := str()
		v, err2 := d.DecodeInterface()
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("v0.5 metrics: %v %v", err1, err2)
		}
		metrics[k] = v
	}
	m["meta"], m["metrics"] = meta, metrics
	typ, err := str()
	if err != nil {
		return nil, err
	}
	if typ != "" {
		m["type"] = typ
	}
	return m, nil
}
