package interop

// TestProfilerSameUpload runs dd-trace-go v1.74.8's profiler (v2.3.0 code
// underneath) and ours with the same options, each against a stand-in
// Agent of its own on 127.0.0.1, waits for the first upload of each, and
// compares them: the parts and their file names and content types, the
// event.json fields (and the values that should agree), the tags_profiler
// keys and values, the headers. Every difference must be listed in
// profKnownDiffs with its reason. Every profile either side uploads must
// parse with github.com/google/pprof/profile, and the two sides' profiles
// of a kind must have the same sample types.
//
//	go test -race -count=1 -run TestProfilerSameUpload -v .

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"
	ddprofiler "gopkg.in/DataDog/dd-trace-go.v1/profiler"

	"github.com/ctxtrace/trace/profiler"
)

// profKnownDiffs are the differences allowed between dd's upload and ours,
// by the name profCompare gives them, with the reason.
var profKnownDiffs = map[string]string{
	"tag runtime-id":               "a random UUID drawn by each library for the process",
	"tag profiler_version":         "each library reports its own version",
	"event start":                  "the two profilers run one after the other",
	"event end":                    "the two profilers run one after the other",
	"part order":                   "dd attaches the profiles in the order their goroutines finish; ours in a fixed order (cpu, heap, block, mutex, goroutines, metrics, go.trace)",
	"header Content-Length":        "the profiles' sizes differ from run to run",
	"header Content-Type boundary": "a random multipart boundary",
}

// profScenario is one configuration, given to both profilers.
type profScenario struct {
	name string
	env  map[string]string
	dd   func(addr string) []ddprofiler.Option
	ours func(addr string) []profiler.Option
}

var profScenarios = []profScenario{
	{
		name: "defaults",
		dd: func(addr string) []ddprofiler.Option {
			return []ddprofiler.Option{ddprofiler.WithAgentAddr(addr), ddprofiler.WithPeriod(time.Second), ddprofiler.WithLogStartup(false)}
		},
		ours: func(addr string) []profiler.Option {
			return []profiler.Option{profiler.WithAgentAddr(addr), profiler.WithPeriod(time.Second), profiler.WithLogStartup(false)}
		},
	},
	{
		name: "every profile",
		dd: func(addr string) []ddprofiler.Option {
			return []ddprofiler.Option{
				ddprofiler.WithAgentAddr(addr), ddprofiler.WithPeriod(time.Second), ddprofiler.CPUDuration(500 * time.Millisecond),
				ddprofiler.WithLogStartup(false), ddprofiler.WithService("interop-svc"), ddprofiler.WithEnv("interop"),
				ddprofiler.WithVersion("1.0"), ddprofiler.WithTags("team:x", "version:0.9"), ddprofiler.WithHostname("interop-host"),
				ddprofiler.WithCustomProfilerLabelKeys("user", "tenant"),
				ddprofiler.WithProfileTypes(ddprofiler.CPUProfile, ddprofiler.HeapProfile, ddprofiler.BlockProfile,
					ddprofiler.MutexProfile, ddprofiler.GoroutineProfile),
			}
		},
		ours: func(addr string) []profiler.Option {
			return []profiler.Option{
				profiler.WithAgentAddr(addr), profiler.WithPeriod(time.Second), profiler.CPUDuration(500 * time.Millisecond),
				profiler.WithLogStartup(false), profiler.WithService("interop-svc"), profiler.WithEnv("interop"),
				profiler.WithVersion("1.0"), profiler.WithTags("team:x", "version:0.9"), profiler.WithHostname("interop-host"),
				profiler.WithCustomProfilerLabelKeys("user", "tenant"),
				profiler.WithProfileTypes(profiler.CPUProfile, profiler.HeapProfile, profiler.BlockProfile,
					profiler.MutexProfile, profiler.GoroutineProfile),
			}
		},
	},
	{
		name: "no delta, no execution trace",
		env:  map[string]string{"DD_PROFILING_DELTA": "false", "DD_PROFILING_EXECUTION_TRACE_ENABLED": "false", "DD_TAGS": "a:1,b:2"},
		dd: func(addr string) []ddprofiler.Option {
			return []ddprofiler.Option{ddprofiler.WithAgentAddr(addr), ddprofiler.WithPeriod(time.Second), ddprofiler.WithLogStartup(false),
				ddprofiler.WithProfileTypes(ddprofiler.HeapProfile, ddprofiler.BlockProfile, ddprofiler.MutexProfile)}
		},
		ours: func(addr string) []profiler.Option {
			return []profiler.Option{profiler.WithAgentAddr(addr), profiler.WithPeriod(time.Second), profiler.WithLogStartup(false),
				profiler.WithProfileTypes(profiler.HeapProfile, profiler.BlockProfile, profiler.MutexProfile)}
		},
	},
}

func TestProfilerSameUpload(t *testing.T) {
	t.Setenv("DD_INSTRUMENTATION_TELEMETRY_ENABLED", "false") // dd's telemetry is no part of the comparison
	for _, k := range []string{"DD_SERVICE", "DD_ENV", "DD_VERSION", "DD_TAGS", "DD_AGENT_HOST", "DD_TRACE_AGENT_PORT",
		"DD_TRACE_AGENT_URL", "DD_PROFILING_ENABLED", "DD_PROFILING_DELTA", "DD_PROFILING_EXECUTION_TRACE_ENABLED"} {
		t.Setenv(k, "") // restored after the test
		os.Unsetenv(k)  // dd reads a variable set to "" as malformed
	}
	used := map[string]bool{}
	for _, sc := range profScenarios {
		t.Run(sc.name, func(t *testing.T) {
			for k, v := range sc.env {
				t.Setenv(k, v)
			}
			dd := profFirstUpload(t, func(addr string) error { return ddprofiler.Start(sc.dd(addr)...) }, ddprofiler.Stop)
			ours := profFirstUpload(t, func(addr string) error { return profiler.Start(sc.ours(addr)...) }, profiler.Stop)
			profCheckParse(t, "dd", dd)
			profCheckParse(t, "ours", ours)
			for _, d := range profCompare(dd, ours) {
				if _, ok := profKnownDiffs[d.name]; ok {
					used[d.name] = true
					continue
				}
				t.Errorf("%s: dd %s, ours %s", d.name, d.dd, d.ours)
			}
			t.Logf("dd parts %q\nours parts %q\ndd tags %s\nours tags %s", dd.order, ours.order, dd.event["tags_profiler"], ours.event["tags_profiler"])
		})
	}
	for name, why := range profKnownDiffs {
		if !used[name] {
			t.Logf("listed difference not seen here: %s (%s)", name, why)
		}
	}
}

// profUpload is one upload as a stand-in Agent received it.
type profUpload struct {
	header http.Header
	order  []string            // form names, in the body's order
	parts  map[string]profPart // by form name
	event  map[string]any
}

type profPart struct {
	file, contentType string
	data              []byte
}

// profFirstUpload starts a profiler against a stand-in Agent, returns its
// first upload, and stops it.
func profFirstUpload(t *testing.T, start func(addr string) error, stop func()) profUpload {
	t.Helper()
	got := make(chan profUpload, 1)
	bad := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/profiling/v1/input" {
			w.Write([]byte("{}"))
			return
		}
		u, err := profParse(r)
		switch {
		case err != nil:
			select {
			case bad <- err:
			default:
			}
		default:
			select {
			case got <- u:
			default: // only the first is kept
			}
		}
	}))
	defer srv.Close()
	if err := start(strings.TrimPrefix(srv.URL, "http://")); err != nil {
		t.Fatal(err)
	}
	defer stop()
	deadline := time.NewTimer(2 * time.Minute) // a hang, not a timing
	defer deadline.Stop()
	select {
	case u := <-got:
		return u
	case err := <-bad:
		t.Fatalf("malformed upload: %v", err)
	case <-deadline.C:
		t.Fatal("no upload arrived")
	}
	return profUpload{}
}

func profParse(r *http.Request) (profUpload, error) {
	u := profUpload{header: r.Header.Clone(), parts: map[string]profPart{}}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return u, fmt.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return u, err
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return u, err
		}
		u.order = append(u.order, p.FormName())
		u.parts[p.FormName()] = profPart{p.FileName(), p.Header.Get("Content-Type"), data}
	}
	ev, ok := u.parts["event"]
	if !ok {
		return u, fmt.Errorf("no event part in %q", u.order)
	}
	if err := json.Unmarshal(ev.data, &u.event); err != nil {
		return u, fmt.Errorf("event.json: %w", err)
	}
	return u, nil
}

// profCheckParse checks that every profile parses: the pprof ones with
// google/pprof, metrics.json as JSON pairs, go.trace by its header.
func profCheckParse(t *testing.T, side string, u profUpload) {
	t.Helper()
	for name, p := range u.parts {
		switch {
		case strings.HasSuffix(name, ".pprof"):
			prof, err := profile.ParseData(p.data)
			if err == nil {
				err = prof.CheckValid()
			}
			if err != nil {
				t.Errorf("%s %s does not parse: %v", side, name, err)
			}
		case name == "metrics.json":
			var points [][2]any
			if err := json.Unmarshal(p.data, &points); err != nil || len(points) == 0 {
				t.Errorf("%s metrics.json: %v %s", side, err, p.data)
			}
		case name == "go.trace":
			if !bytes.HasPrefix(p.data, []byte("go 1.")) {
				t.Errorf("%s go.trace starts with %q", side, p.data[:min(16, len(p.data))])
			}
		case name == "event":
		default:
			t.Errorf("%s uploads %s, of no known kind", side, name)
		}
	}
}

// profDiff is one difference between the two uploads.
type profDiff struct{ name, dd, ours string }

// profCompare lists the differences between dd's upload and ours.
func profCompare(dd, ours profUpload) []profDiff {
	var out []profDiff
	diff := func(name string, d, o any) {
		ds, ourss := fmt.Sprint(d), fmt.Sprint(o)
		if ds != ourss {
			out = append(out, profDiff{name, ds, ourss})
		}
	}
	diff("parts", slices.Sorted(maps.Keys(dd.parts)), slices.Sorted(maps.Keys(ours.parts)))
	diff("part order", dd.order, ours.order)
	diff("last part", dd.order[len(dd.order)-1], ours.order[len(ours.order)-1])
	for name, d := range dd.parts {
		o, ok := ours.parts[name]
		if !ok {
			continue
		}
		diff("part "+name+" file name", d.file, o.file)
		diff("part "+name+" content type", d.contentType, o.contentType)
		if strings.HasSuffix(name, ".pprof") {
			diff("part "+name+" sample types", profSampleTypes(d.data), profSampleTypes(o.data))
		}
		if name == "metrics.json" {
			diff("metrics.json names", profMetricNames(d.data), profMetricNames(o.data))
		}
	}
	out = append(out, profCompareEvents(dd.event, ours.event)...)
	out = append(out, profCompareTags(dd.event["tags_profiler"], ours.event["tags_profiler"])...)
	out = append(out, profCompareHeaders(dd.header, ours.header)...)
	return out
}

func profSampleTypes(data []byte) string {
	p, err := profile.ParseData(data)
	if err != nil {
		return "unparsable"
	}
	var s []string
	for _, st := range p.SampleType {
		s = append(s, st.Type+"/"+st.Unit)
	}
	if p.PeriodType != nil {
		s = append(s, "period "+p.PeriodType.Type+"/"+p.PeriodType.Unit)
	}
	return strings.Join(s, " ")
}

func profMetricNames(data []byte) []string {
	var points [][2]any
	_ = json.Unmarshal(data, &points)
	var names []string
	for _, p := range points {
		names = append(names, fmt.Sprint(p[0]))
	}
	return names
}

// profCompareEvents compares event.json's fields, flattened to dotted
// paths; attachments as sets, tags_profiler apart.
func profCompareEvents(dd, ours map[string]any) []profDiff {
	d, o := map[string]any{}, map[string]any{}
	profFlatten("", dd, d)
	profFlatten("", ours, o)
	var out []profDiff
	for _, k := range slices.Sorted(maps.Keys(profUnion(d, o))) {
		dv, dok := d[k]
		ov, ook := o[k]
		name := "event " + k
		if strings.HasPrefix(k, "info.profiler.settings.") {
			name = "settings " + strings.TrimPrefix(k, "info.profiler.settings.")
		}
		switch {
		case k == "tags_profiler":
		case dok != ook:
			out = append(out, profDiff{name + " presence", fmt.Sprint(dok), fmt.Sprint(ook)})
		case k == "attachments":
			if a, b := profSortedAny(dv), profSortedAny(ov); !slices.Equal(a, b) {
				out = append(out, profDiff{name, fmt.Sprint(a), fmt.Sprint(b)})
			}
		case fmt.Sprint(dv) != fmt.Sprint(ov):
			out = append(out, profDiff{name, fmt.Sprint(dv), fmt.Sprint(ov)})
		}
	}
	return out
}

func profUnion(a, b map[string]any) map[string]any {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

func profFlatten(prefix string, v any, out map[string]any) {
	m, ok := v.(map[string]any)
	if !ok {
		out[prefix] = v
		return
	}
	for k, sub := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		profFlatten(key, sub, out)
	}
}

func profSortedAny(v any) []string {
	var s []string
	l, _ := v.([]any)
	for _, x := range l {
		s = append(s, fmt.Sprint(x))
	}
	slices.Sort(s)
	return s
}

// profCompareTags compares tags_profiler: the keys as multisets, and each
// key's values.
func profCompareTags(dd, ours any) []profDiff {
	parse := func(v any) map[string][]string {
		m := map[string][]string{}
		s, _ := v.(string)
		for _, tag := range strings.Split(s, ",") {
			k, val, _ := strings.Cut(tag, ":")
			m[k] = append(m[k], val)
		}
		return m
	}
	d, o := parse(dd), parse(ours)
	var out []profDiff
	keys := slices.Sorted(maps.Keys(d))
	for k := range o {
		if _, ok := d[k]; !ok {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		dv, dok := d[k]
		ov, ook := o[k]
		switch {
		case dok != ook || len(dv) != len(ov):
			out = append(out, profDiff{"tag " + k + " count", fmt.Sprint(len(dv)), fmt.Sprint(len(ov))})
		case !slices.Equal(dv, ov):
			out = append(out, profDiff{"tag " + k, fmt.Sprint(dv), fmt.Sprint(ov)})
		}
	}
	return out
}

// profCompareHeaders compares the headers: names, and values but for the
// Content-Type's boundary.
func profCompareHeaders(dd, ours http.Header) []profDiff {
	var out []profDiff
	names := slices.Sorted(maps.Keys(dd))
	for k := range ours {
		if _, ok := dd[k]; !ok {
			names = append(names, k)
		}
	}
	for _, k := range names {
		dv, ov := dd.Values(k), ours.Values(k)
		if k == "Content-Type" {
			dt, dp, _ := mime.ParseMediaType(dd.Get(k))
			ot, op, _ := mime.ParseMediaType(ours.Get(k))
			if dt != ot || len(dp) != len(op) {
				out = append(out, profDiff{"header Content-Type", fmt.Sprint(dt, dp), fmt.Sprint(ot, op)})
			} else if dp["boundary"] != op["boundary"] {
				out = append(out, profDiff{"header Content-Type boundary", dp["boundary"], op["boundary"]})
			}
			continue
		}
		if !slices.Equal(dv, ov) {
			out = append(out, profDiff{"header " + k, fmt.Sprint(dv), fmt.Sprint(ov)})
		}
	}
	return out
}

// TestProfilerCompareCatches checks that profCompare reports what it
// should: a test that cannot see a difference proves nothing.
func TestProfilerCompareCatches(t *testing.T) {
	base := func() profUpload {
		return profUpload{
			header: http.Header{"Content-Type": {"multipart/form-data; boundary=x"}, "X-A": {"1"}},
			order:  []string{"metrics.json", "event"},
			parts: map[string]profPart{
				"metrics.json": {"metrics.json", "application/octet-stream", []byte(`[["m",1]]`)},
				"event":        {"event.json", "application/json", nil},
			},
			event: map[string]any{"family": "go", "tags_profiler": "a:1,b:2", "info": map[string]any{"x": 1.0}},
		}
	}
	same := base()
	if d := profCompare(base(), same); len(d) != 0 {
		t.Fatalf("differences in equal uploads: %v", d)
	}
	o := base()
	o.header.Set("X-A", "2")
	o.header.Set("Content-Type", "multipart/form-data; boundary=y")
	o.parts["metrics.json"] = profPart{"m.json", "text/plain", []byte(`[["n",1]]`)}
	o.parts["extra.pprof"] = profPart{"extra.pprof", "application/octet-stream", nil}
	o.event = map[string]any{"family": "java", "tags_profiler": "a:9,c:3", "info": map[string]any{"y": 1.0}}
	var got []string
	for _, d := range profCompare(base(), o) {
		got = append(got, d.name)
	}
	slices.Sort(got)
	want := []string{"event family", "event info.x presence", "event info.y presence", "header Content-Type boundary",
		"header X-A", "metrics.json names", "part metrics.json content type", "part metrics.json file name", "parts",
		"tag a", "tag b count", "tag c count"}
	if !slices.Equal(got, want) {
		t.Errorf("differences %q,\nwant %q", got, want)
	}
}
