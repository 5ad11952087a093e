package profiler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"slices"
	"strings"
	"time"
)

// batch is the profiles of one period: what Datadog's UI calls a profile.
type batch struct {
	seq          uint64 // the profile_seq tag
	start, end   time.Time
	profiles     []profile
	traceEnabled bool // execution tracing is on (a tag)
	traced       bool // the batch holds an execution trace (a tag)
}

// event is event.json, the upload's metadata, with dd-trace-go's fields in
// dd-trace-go's order. endpoint_counts and process_tags, which
// dd-trace-go leaves out by default, are never sent.
type event struct {
	Start            string   `json:"start"`
	End              string   `json:"end"`
	Attachments      []string `json:"attachments"`
	Tags             string   `json:"tags_profiler"`
	Family           string   `json:"family"`
	Version          string   `json:"version"`
	CustomAttributes []string `json:"custom_attributes,omitempty"`
	Info             struct {
		Profiler struct {
			SSI struct {
				Mechanism string `json:"mechanism,omitempty"`
			} `json:"ssi"`
			Activation string         `json:"activation"`
			Settings   map[string]any `json:"settings"`
		} `json:"profiler"`
	} `json:"info"`
}

// batchTags are the tags_profiler of an upload: the configured tags, then
// those of the batch, env and host last.
func (p *profiler) batchTags(b *batch) []string {
	tags := append(slices.Clip(p.cfg.tags),
		"service:"+p.cfg.service,
		// profile_seq tells the first upload of a runtime-id, and missing ones.
		fmt.Sprintf("profile_seq:%d", b.seq),
		"runtime:go",
		fmt.Sprintf("_dd.profiler.go_execution_trace_enabled:%t", b.traceEnabled),
		fmt.Sprintf("pgo:%t", pgoEnabled()),
	)
	if b.traced {
		tags = append(tags, "go_execution_traced:yes")
	}
	if p.cfg.env != "" {
		// Without one, the Agent supplies its own.
		tags = append(tags, "env:"+p.cfg.env)
	}
	if p.cfg.hostname != "" {
		tags = append(tags, "host:"+p.cfg.hostname)
	}
	return tags
}

// encode writes b as the multipart form the profiling intake reads: one
// part per profile, named by its file name, then event.json. It returns
// the body and its Content-Type.
func (p *profiler) encode(b *batch) ([]byte, string, error) {
	var ev event
	ev.Start = b.start.UTC().Format(time.RFC3339Nano)
	ev.End = b.end.UTC().Format(time.RFC3339Nano)
	ev.Tags = strings.Join(p.batchTags(b), ",")
	ev.Family, ev.Version = "go", "4"
	ev.CustomAttributes = p.cfg.customLabels
	ev.Info.Profiler.SSI.Mechanism = "none"
	ev.Info.Profiler.Activation = "manual"
	if p.cfg.autoActivated {
		ev.Info.Profiler.Activation = "auto"
	}
	ev.Info.Profiler.Settings = p.cfg.settings()

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, prof := range b.profiles {
		ev.Attachments = append(ev.Attachments, prof.name)
		w, err := mw.CreateFormFile(prof.name, prof.name)
		if err != nil {
			return nil, "", err
		}
		if _, err := w.Write(prof.data); err != nil {
			return nil, "", err
		}
	}
	w, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Disposition": {`form-data; name="event"; filename="event.json"`},
		"Content-Type":        {"application/json"},
	})
	if err != nil {
		return nil, "", err
	}
	if err := json.NewEncoder(w).Encode(&ev); err != nil {
		return nil, "", err
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), mw.FormDataContentType(), nil
}

// settings describe the configuration in event.json (info.profiler.settings)
// and in the start-up log, under dd-trace-go's names.
func (c *config) settings() map[string]any {
	return map[string]any{
		"delta_profiles":                 c.deltaProfiles,
		"agentless":                      c.agentless,
		"profile_period":                 c.period.String(),
		"cpu_duration":                   c.cpuDuration.String(),
		"cpu_profile_rate":               c.cpuProfileRate,
		"block_profile_rate":             c.blockRate,
		"mutex_profile_fraction":         c.mutexFraction,
		"max_goroutines_wait":            c.maxGoroutines,
		"cpu_profile_enabled":            c.has(CPUProfile),
		"heap_profile_enabled":           c.has(HeapProfile),
		"block_profile_enabled":          c.has(BlockProfile),
		"mutex_profile_enabled":          c.has(MutexProfile),
		"goroutine_profile_enabled":      c.has(GoroutineProfile),
		"goroutine_wait_profile_enabled": false,
		"upload_timeout":                 c.uploadTimeout.String(),
		"execution_trace_enabled":        c.trace.enabled,
		"execution_trace_period":         c.trace.period.String(),
		"execution_trace_size_limit":     c.trace.limit,
		"endpoint_count_enabled":         false,
		"num_custom_profiler_label_keys": len(c.customLabels),
		"flush_on_exit":                  c.flushOnExit,
		"debug_compression_settings":     "",
	}
}
