package tracer_test

import (
	"fmt"
	"regexp"

	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// Sampling rules, as dd-trace-go takes them: trace rules decide for the
// traces their root spans start, span rules keep single spans of dropped
// traces. A rule prints as its JSON, the form of DD_TRACE_SAMPLING_RULES.
func ExampleWithSamplingRules() {
	rules := []tracer.SamplingRule{
		tracer.NameServiceRule("http.*", "web", 0.1),
		tracer.TagsResourceRule(map[string]string{"http.status_code": "5??"}, "GET /*", "", "", 1),
		{Service: regexp.MustCompile(`^batch-\d+$`), Rate: 0},
		tracer.SpanNameServiceMPSRule("db.*", "", 1, 100),
	}
	for _, r := range rules {
		fmt.Println(r)
	}
	tracer.Start(tracer.WithSamplingRules(rules), tracer.WithLogStartup(false))
	defer tracer.Stop()
	// Output:
	// {"service":"web","name":"http.*","sample_rate":0.1}
	// {"resource":"GET /*","sample_rate":1,"tags":{"http.status_code":"5??"}}
	// {"service":"^batch-\\d+$","sample_rate":0}
	// {"name":"db.*","sample_rate":1,"max_per_second":100}
}
