package tracer

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/ctxtrace/trace/sampling"
)

// MarshalJSON writes the provenance's name as a JSON string.
func (p provenance) MarshalJSON() ([]byte, error) { return json.Marshal(p.String()) }

// UnmarshalJSON reads "local", "customer" or "dynamic", in any case; any
// other value is an error, and leaves Customer, as in dd-trace-go.
func (p *provenance) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := sampling.ParseProvenance(s)
	*p = provenance(v)
	return err
}

// ruleJSON is a rule as DD_TRACE_SAMPLING_RULES and UnmarshalJSON read it.
type ruleJSON struct {
	Service      string            `json:"service"`
	Name         string            `json:"name"`
	Rate         json.Number       `json:"sample_rate"`
	MaxPerSecond float64           `json:"max_per_second"`
	Resource     string            `json:"resource"`
	Tags         map[string]string `json:"tags"`
	Type         *SamplingRuleType `json:"type,omitempty"`
	Provenance   provenance        `json:"provenance,omitempty"`
}

// String describes the rule in an error message, as dd-trace-go does:
// {Service:web Rate:2}.
func (j *ruleJSON) String() string {
	var parts []string
	add := func(format string, v any) { parts = append(parts, fmt.Sprintf(format, v)) }
	if j.Service != "" {
		add("Service:%s", j.Service)
	}
	if j.Name != "" {
		add("Name:%s", j.Name)
	}
	if j.Rate != "" {
		add("Rate:%s", j.Rate)
	}
	if j.MaxPerSecond != 0 {
		add("MaxPerSecond:%f", j.MaxPerSecond)
	}
	if j.Resource != "" {
		add("Resource:%s", j.Resource)
	}
	if len(j.Tags) != 0 {
		add("Tags:%v", j.Tags)
	}
	if j.Type != nil {
		add("Type: %v", *j.Type)
	}
	if j.Provenance != Local {
		add("Provenance: %v", j.Provenance.String())
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// UnmarshalJSON reads a rule of DD_TRACE_SAMPLING_RULES's form:
// {"service": glob, "name": glob, "resource": glob, "tags": {key: glob},
// "sample_rate": 0 to 1 (1 when left out), "max_per_second": n,
// "type": 1 (trace) or 2 (span), "provenance": "customer"}. A rate that is
// not a number between 0 and 1 is an error, and leaves the rule unchanged.
// Empty input leaves it unchanged too.
func (sr *SamplingRule) UnmarshalJSON(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	var j ruleJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	text := j.Rate
	if text == "" {
		text = "1"
	}
	rate, err := text.Float64()
	if err != nil {
		return fmt.Errorf("at index 0: %v", err)
	}
	if rate < 0 || rate > 1 {
		return fmt.Errorf("at index 0: ignoring rule %s: rate is out of [0.0, 1.0] range", j.String())
	}
	t := SamplingRuleUndefined
	if j.Type != nil {
		t = *j.Type
	}
	r := newRule(t, nonNil(j.Tags), j.Resource, j.Name, j.Service, rate)
	r.MaxPerSecond = j.MaxPerSecond
	r.Provenance = j.Provenance
	for k := range j.Tags {
		if r.Tags[k] == nil { // "" and "*": dd-trace-go keeps them, as nil
			r.Tags[k] = nil
		}
	}
	*sr = r
	return nil
}

// MarshalJSON writes the rule as dd-trace-go does: the globs it was made
// from, or else its expressions' text; the rate always; max_per_second
// when not 0; the provenance when not Local. A rate that JSON cannot hold
// (NaN, infinities) is an error.
func (sr SamplingRule) MarshalJSON() ([]byte, error) {
	out := struct {
		Service      string            `json:"service,omitempty"`
		Name         string            `json:"name,omitempty"`
		Resource     string            `json:"resource,omitempty"`
		Rate         float64           `json:"sample_rate"`
		Tags         map[string]string `json:"tags,omitempty"`
		MaxPerSecond *float64          `json:"max_per_second,omitempty"`
		Provenance   string            `json:"provenance,omitempty"`
	}{Rate: sr.Rate}
	if g := sr.globs; g != nil {
		out.Service, out.Name, out.Resource, out.Tags = g.service, g.name, g.resource, g.tags
	} else {
		out.Service, out.Name, out.Resource = regexpText(sr.Service), regexpText(sr.Name), regexpText(sr.Resource)
		out.Tags = make(map[string]string, len(sr.Tags))
		for k, re := range sr.Tags {
			if re != nil {
				out.Tags[k] = re.String()
			}
		}
	}
	if sr.MaxPerSecond != 0 {
		out.MaxPerSecond = &sr.MaxPerSecond
	}
	if sr.Provenance != Local {
		out.Provenance = sr.Provenance.String()
	}
	return json.Marshal(&out)
}

// String returns the rule's JSON (MarshalJSON), or "" when it has none.
func (sr SamplingRule) String() string {
	b, _ := sr.MarshalJSON()
	return string(b)
}

func regexpText(re *regexp.Regexp) string {
	if re == nil {
		return ""
	}
	return re.String()
}
