package interop

// TestAWSSameWire runs one scenario against dd-trace-go v1.74.8's
// contrib/aws/aws-sdk-go-v2/aws and against ours, each with its own tracer
// and stand-in Agent, against one stand-in for AWS on 127.0.0.1
// (internal/awstest, reset between the sides): SQS sends (one message, a
// batch), receives, a list, a missing queue (400) and a broken one (500);
// S3 puts, gets and copies, path-style and virtual-hosted, a list and a
// missing key; DynamoDB get, update and a failed delete; SNS publishes to
// a topic and to a phone, a topic created; every option. It runs twice:
// with the default naming and under DD_TRACE_SPAN_ATTRIBUTE_SCHEMA=v1.
// Both payloads are decoded with the Agent's decoders and compared span
// by span, every field and tag (compareContribSides); the trace contexts
// each side put into the messages it sent are compared by their keys. A
// difference fails the test unless awsKnownDiffs explains it; a listed
// difference that no longer happens fails it too.
//
// The scenario is written once per package (contrib_aws_dd_test.go,
// contrib_aws_ours_test.go); TestAWSScenariosIdentical fails when the two
// differ other than by name.
//
//	go test -run 'TestAWS' -v

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"

	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	"github.com/ctxtrace/trace/internal/awstest"
)

// awsKnownDiffs are the understood differences of TestAWSSameWire,
// keyed "<naming> | " and compareSides's id, with the reason.
var awsKnownDiffs = map[string]string{}

const (
	pathStyleReason = "dd reads an S3 object's bucket from the host's first label and its key from the path, wrong path-style; we read both from the input"
	getPointer      = "dd adds a span pointer to every S3 response with an ETag header, GetObject included, which wrote nothing; we follow Datadog's rules (PutObject, CopyObject, CompleteMultipartUpload)"
	copyPointer     = "dd adds no span pointer to CopyObject, whose ETag is in the body; we do, as Datadog's rules and its Java and Python tracers"
	failedPointer   = "dd adds a span pointer to a DynamoDB DeleteItem that failed; we do not: it deleted nothing"
)

func init() {
	for _, naming := range []string{"v0", "v1"} {
		for _, d := range []struct{ step, span, reason string }{
			{"step.s3.path.put", "S3.request S3.PutObject", pathStyleReason},
			{"step.s3.path.get", "S3.request S3.GetObject", getPointer},
			{"step.s3.host.get", "S3.request S3.GetObject", getPointer},
			{"step.s3.path.copy", "S3.request S3.CopyObject", copyPointer},
			{"step.s3.host.copy", "S3.request S3.CopyObject", copyPointer},
			{"step.dynamodb.delete.missing", "DynamoDB.request DynamoDB.DeleteItem", failedPointer},
		} {
			name, resource, _ := strings.Cut(d.span, " ")
			if naming == "v1" {
				name = "aws." + strings.ToLower(strings.TrimSuffix(name, ".request")) + ".request"
			}
			// The Agent exporters send links twice: as span_links and
			// as the meta _dd.span_links (JSON).
			id := naming + " | " + d.step + " > " + name + " " + resource
			awsKnownDiffs[id+" | span_links"] = d.reason
			awsKnownDiffs[id+" | meta _dd.span_links"] = d.reason
		}
	}
}

// schemaRule: under DD_TRACE_SPAN_ATTRIBUTE_SCHEMA=v1, dd puts the
// schema's version on every local root as _dd.trace_span_attribute_schema;
// our Agent exporter writes 0 whatever the variable says (as
// TestPeerServiceSameWire lists). A span of another service than its
// parent's is a root of its own service.
var schemaRule = diffRule{
	reason: "our Agent exporter writes _dd.trace_span_attribute_schema=0 on local roots; dd writes the schema's version (1)",
	match: func(id string, dd, ours any) bool {
		return strings.HasSuffix(id, "| metric _dd.trace_span_attribute_schema") && dd == 1.0 && ours == 0.0
	},
}

func TestAWSScenariosIdentical(t *testing.T) {
	for _, name := range []string{"AWSScenario", "AWSQueues", "AWSStores"} {
		dd := funcSource(t, "contrib_aws_dd_test.go", "dd"+name)
		// The parts' names, which the scenario calls, differ too.
		ours := strings.ReplaceAll(funcSource(t, "contrib_aws_ours_test.go", "ours"+name), "oursAWS", "ddAWS")
		if dd != ours {
			t.Errorf("dd%[1]s and ours%[1]s differ; keep them identical\n--- dd\n%s\n--- ours\n%s", name, dd, ours)
		}
	}
}

func TestAWSSameWire(t *testing.T) {
	srv := awstest.Start()
	t.Cleanup(srv.Close)
	for _, naming := range []string{"v0", "v1"} {
		t.Run(naming, func(t *testing.T) {
			t.Setenv("DD_TRACE_SPAN_ATTRIBUTE_SCHEMA", naming)
			known := map[string]string{}
			for id, reason := range awsKnownDiffs {
				if rest, ok := strings.CutPrefix(id, naming+" | "); ok {
					known[rest] = reason
				}
			}
			srv.Reset()
			ddAgent, ourAgent := newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)
			ddAWSScenario(t, ddAgent.addr(), srv, ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
			ddReqs := srv.Requests()
			srv.Reset()
			oursAWSScenario(t, ourAgent.addr(), srv)
			var rules []diffRule
			if naming == "v1" {
				rules = append(rules, schemaRule)
			}
			compareContribSides(t, ddAgent, ourAgent, known, rules...)
			compareAWSCarriers(t, ddReqs, srv.Requests())
		})
	}
}

// compareAWSCarriers compares the trace contexts each side put into what it
// sent, request by request, by the keys of each carrier (the values hold
// each tracer's ids).
func compareAWSCarriers(t *testing.T, dd, ours []awstest.Request) {
	t.Helper()
	if len(dd) != len(ours) {
		t.Errorf("requests: dd %d, ours %d", len(dd), len(ours))
		return
	}
	carrying := 0
	for i := range dd {
		dk, ok := carrierKeys(t, dd[i])
		if ok {
			carrying++
		}
		ok2, _ := carrierKeys(t, ours[i])
		if !slices.Equal(dk, ok2) {
			t.Errorf("request %d (%s %s): carrier keys dd %v ours %v", i, dd[i].Method, dd[i].Path, dk, ok2)
		}
	}
	if carrying == 0 {
		t.Error("no request carried a trace context")
	}
	t.Logf("%d requests compared, %d carrying trace contexts", len(dd), carrying)
}

// carrierKeys returns the sorted keys of the "_datadog" carriers in a
// request (one list per carrier, joined by "|"): the message attributes
// of SQS sends (JSON, a String) and of SNS publishes (query, Binary).
func carrierKeys(t *testing.T, r awstest.Request) ([]string, bool) {
	var carriers [][]byte
	if form, err := url.ParseQuery(string(r.Body)); err == nil && form.Get("Action") != "" {
		for k, v := range form {
			if prefix, ok := strings.CutSuffix(k, ".Name"); ok && v[0] == "_datadog" {
				b, err := base64.StdEncoding.DecodeString(form.Get(prefix + ".Value.BinaryValue"))
				if err != nil || form.Get(prefix+".Value.DataType") != "Binary" {
					t.Errorf("SNS carrier: %v, %s", err, r.Body)
				}
				carriers = append(carriers, b)
			}
		}
	} else {
		type attrs map[string]struct{ DataType, StringValue string }
		var body struct {
			MessageAttributes attrs
			Entries           []struct{ MessageAttributes attrs }
		}
		json.Unmarshal(r.Body, &body)
		all := []attrs{body.MessageAttributes}
		for _, e := range body.Entries {
			all = append(all, e.MessageAttributes)
		}
		for _, m := range all {
			if a, ok := m["_datadog"]; ok {
				if a.DataType != "String" {
					t.Errorf("SQS carrier of type %q", a.DataType)
				}
				carriers = append(carriers, []byte(a.StringValue))
			}
		}
	}
	var out []string
	for _, c := range carriers {
		var m map[string]string
		if err := json.Unmarshal(c, &m); err != nil {
			out = append(out, "<not JSON>")
			continue
		}
		keys := slices.Sorted(maps.Keys(m))
		out = append(out, strings.Join(keys, ","))
	}
	return out, len(carriers) > 0
}
