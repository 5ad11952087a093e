package sampling

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

// globRegexp compiles a glob the way dd-trace-go's globMatch does
// (rules_sampler.go): metacharacters quoted, then "?" and "*" made "." and
// ".*", then (?i)^...$. Invalid UTF-8 bytes, which regexp refuses in a
// pattern, become U+FFFD each, as regexp reads them in the input.
func globRegexp(pattern string) *regexp.Regexp {
	if pattern == "" || pattern == "*" {
		return nil
	}
	var b strings.Builder
	for i := 0; i < len(pattern); {
		r, w := utf8.DecodeRuneInString(pattern[i:])
		i += w
		switch r {
		case '?':
			b.WriteString(".")
		case '*':
			b.WriteString(".*")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return regexp.MustCompile("(?i)^" + b.String() + "$")
}

func TestGlobAsRegexp(t *testing.T) {
	for _, c := range []struct {
		p, s string
		ok   bool
	}{
		{"k", "\u212a", true},      // Kelvin sign folds to k
		{"S", "\u017f", true},      // long s folds to s
		{"é", "É", true},           // beyond ASCII
		{"?", "é", true},           // one character, two bytes
		{"??", "é", false},         //
		{"a*b", "a\nb", false},     // a star stops at a newline
		{"a?b", "a\nb", false},     // so does "?"
		{"a\n*", "a\nb", true},     // a newline matches a newline
		{"*", "a\nb", true},        // "*" alone: no expression at all
		{"", "\n", true},           //
		{"**", "a\nb", false},      // but "**" is .*.*
		{"a?", "a\xff", true},      // an invalid byte is one character
		{"a\xff", "a\xfe", true},   // both U+FFFD
		{"a\xff", "a\uFFFD", true}, //
		{"*\n", "ab\n", true},      //
		{"*b\nc", "ab\nxb\nc", false},
		{"*b\n*c", "ab\nxb\nc", false},
		{"*b\n*\nc", "ab\nxb\nc", true},
		{"[a]", "a", false},     // no classes: literal brackets
		{"[a]", "[A]", true},    //
		{"a\\*", "a\\bc", true}, // no escapes: backslash is literal
	} {
		if got := glob(c.p, c.s); got != c.ok {
			t.Errorf("glob(%q, %q) = %v", c.p, c.s, got)
		}
		if re := globRegexp(c.p); re != nil && re.MatchString(c.s) != c.ok {
			t.Errorf("the regexp of %q disagrees on %q: the table is wrong", c.p, c.s)
		}
	}
}

// FuzzGlob holds glob to dd-trace-go's meaning: the regular expression
// its glob compiles to.
func FuzzGlob(f *testing.F) {
	for _, s := range [][2]string{
		{"web*", "web.request"}, {"*a*b*c", "xaybzc"}, {"a*\n*b", "ax\nyb"}, {"*\n?*", "\n\n"},
		{"K*", "\u212aelvin"}, {"?\xff", "\xc3\xa9\xff"}, {"*.*", "a.b"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		want := true
		if re := globRegexp(pattern); re != nil {
			want = re.MatchString(s)
		}
		if got := glob(pattern, s); got != want {
			t.Errorf("glob(%q, %q) = %v, regexp says %v", pattern, s, got, want)
		}
		if got := glob(pattern, []byte(s)); got != want {
			t.Errorf("glob(%q, []byte(%q)) = %v, regexp says %v", pattern, s, got, want)
		}
	})
}

// sampleWith starts one root span with opts under a tracer whose sampler
// calls fn with the live parameters, and returns the trace's chunk.
func sampleWith(t *testing.T, s trace.Sampler, opts ...trace.SpanOption) trace.Chunk {
	t.Helper()
	mem := memory.New()
	tr := trace.New(trace.WithService("web"), trace.WithEnv("prod"), trace.WithSampler(s), trace.WithExporter(mem))
	_, sp := tr.Start(context.Background(), "http.request", opts...)
	sp.Finish()
	tr.Shutdown(context.Background())
	chunks := mem.Chunks()
	if len(chunks) != 1 {
		t.Fatalf("%d chunks", len(chunks))
	}
	return chunks[0]
}

func TestRuleRegexpsAndTags(t *testing.T) {
	re := regexp.MustCompile
	cases := []struct {
		name string
		rule Rule
		opts []trace.SpanOption
		ok   bool
	}{
		{"service regexp", Rule{Regexps: Regexps{Service: re("^we")}}, nil, true},
		{"service regexp fails", Rule{Regexps: Regexps{Service: re("^db")}}, nil, false},
		{"glob and regexp both", Rule{Name: "http.*", Regexps: Regexps{Name: re("grpc")}}, nil, false},
		{"resource", Rule{Regexps: Regexps{Resource: re("(?i)^get /posts$")}}, []trace.SpanOption{trace.Resource("GET /posts")}, true},
		{"string tag", Rule{Tags: map[string]string{"tier": "g*"}}, []trace.SpanOption{trace.Tag("tier", "gold")}, true},
		{"missing tag", Rule{Tags: map[string]string{"tier": "g*"}}, nil, false},
		{"star tag, missing", Rule{Tags: map[string]string{"tier": "*"}}, nil, true},
		{"nil regexp tag, missing", Rule{Regexps: Regexps{Tags: map[string]*regexp.Regexp{"tier": nil}}}, nil, true},
		{"numeric tag glob", Rule{Tags: map[string]string{"code": "5??"}}, []trace.SpanOption{trace.Tag("code", 503)}, true},
		{"numeric tag regexp", Rule{Regexps: Regexps{Tags: map[string]*regexp.Regexp{"code": re("^2")}}}, []trace.SpanOption{trace.Tag("code", 200)}, true},
		{"fraction never matches", Rule{Tags: map[string]string{"x": "1.5"}}, []trace.SpanOption{trace.Tag("x", 1.5)}, false},
		{"large number as 'g'", Rule{Tags: map[string]string{"x": "1e+06"}}, []trace.SpanOption{trace.Tag("x", 1e6)}, true},
		{"env tag", Rule{Tags: map[string]string{"env": "PROD"}}, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.rule.SampleRate = 1
			r := NewRules([]Rule{c.rule}, -1, trace.SamplerFunc(func(trace.SamplingParams) trace.Decision {
				return trace.Decision{Priority: trace.PriorityAutoReject}
			}))
			p, _ := sampleWith(t, r, c.opts...).Priority()
			if got := p == trace.PriorityUserKeep; got != c.ok {
				t.Errorf("matched %v, want %v (priority %d)", got, c.ok, p)
			}
		})
	}
}

func TestProvenance(t *testing.T) {
	rules, err := ParseRules(`[{"service":"a","provenance":"customer","sample_rate":1},{"service":"b","provenance":" Dynamic ","sample_rate":1},{"sample_rate":1}]`)
	if err != nil || len(rules) != 3 {
		t.Fatalf("%v %v", rules, err)
	}
	if rules[0].Provenance != ProvenanceCustomer || rules[1].Provenance != ProvenanceDynamic || rules[2].Provenance != ProvenanceLocal {
		t.Errorf("provenances %v %v %v", rules[0].Provenance, rules[1].Provenance, rules[2].Provenance)
	}
	for _, bad := range []string{`[{"provenance":"remote"}]`, `[{"provenance":null}]`, `[{"provenance":1}]`} {
		if _, err := ParseRules(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	r := NewRules(rules, -1, nil)
	for svc, dm := range map[string]string{"a": "-11", "b": "-12", "c": "-3"} {
		c := sampleWith(t, r, trace.Service(svc))
		got := ""
		for k, v := range c.Tags() {
			if k == "_dd.p.dm" {
				got = v
			}
		}
		if got != dm {
			t.Errorf("service %s: _dd.p.dm %q, want %q", svc, got, dm)
		}
	}
	if b, _ := ProvenanceDynamic.MarshalJSON(); string(b) != `"dynamic"` || Provenance(7).String() != "" {
		t.Errorf("%s %q", b, Provenance(7).String())
	}
}

func TestSpanRuleResourceTagsRegexps(t *testing.T) {
	rules, err := ParseSpanRules(`[{"resource":"GET /h*","tags":{"tier":"gold"},"sample_rate":1}]`)
	if err != nil || len(rules) != 1 || rules[0].Resource != "GET /h*" || rules[0].Tags["tier"] != "gold" {
		t.Fatalf("%+v %v", rules, err)
	}
	rules = append(rules, SpanRule{SampleRate: 1, MaxPerSecond: -1, Regexps: Regexps{Name: regexp.MustCompile(`^db\.`)}})
	s := NewSpanSampler(rules)
	mem := memory.New()
	tr := trace.New(trace.WithService("web"), trace.WithExporter(mem))
	start := func(name string, opts ...trace.SpanOption) {
		_, sp := tr.Start(context.Background(), name, opts...)
		sp.Finish()
	}
	start("a", trace.Resource("GET /health"), trace.Tag("tier", "gold")) // rule 0
	start("b", trace.Resource("GET /health"))                            // no tag
	start("c", trace.Resource("POST /x"), trace.Tag("tier", "gold"))     // resource
	start("db.query")                                                    // rule 1, no limit
	start("db.query")
	tr.Shutdown(context.Background())
	var kept []string
	for _, sp := range mem.Spans() {
		if _, _, keep := s.SampleSpan(sp); keep {
			kept = append(kept, sp.Name())
		}
	}
	slices.Sort(kept) // export order is not start order
	if strings.Join(kept, ",") != "a,db.query,db.query" {
		t.Errorf("kept %v", kept)
	}
}

// raceDetector is set under the race detector (race_test.go).
var raceDetector bool

// TestMatchDoesNotAllocate: deciding with glob, regexp and numeric tag
// rules allocates nothing, measured on the live parameters of a root span.
func TestMatchDoesNotAllocate(t *testing.T) {
	if raceDetector {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	re := regexp.MustCompile
	rules := []Rule{
		{Service: "db*", Tags: map[string]string{"code": "5??"}, SampleRate: 0},
		{Regexps: Regexps{Service: re("(?i)^cache-.$"), Tags: map[string]*regexp.Regexp{"tier": re("^g")}}, SampleRate: 0},
		{Name: "http.*", Tags: map[string]string{"code": "2*", "tier": "g*"},
			Regexps: Regexps{Resource: re("^GET "), Tags: map[string]*regexp.Regexp{"code": re("^200$")}}, SampleRate: 1},
	}
	r := NewRules(rules, -1, nil)
	var allocs float64
	var d trace.Decision
	s := trace.SamplerFunc(func(p trace.SamplingParams) trace.Decision {
		d = r.Sample(p) // warm the regexp machines
		allocs = testing.AllocsPerRun(200, func() { d = r.Sample(p) })
		return d
	})
	sampleWith(t, s, trace.Resource("GET /posts"), trace.Tag("code", 200), trace.Tag("tier", "gold"))
	if d.Priority != trace.PriorityUserKeep || d.Rate != 1 {
		t.Errorf("the last rule did not match: %+v", d)
	}
	if allocs != 0 {
		t.Errorf("%v allocations per decision", allocs)
	}
}

// BenchmarkGlob is one glob match of a typical pattern against a name.
func BenchmarkGlob(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = glob("web*.req?est", "web-frontend.request")
	}
}
