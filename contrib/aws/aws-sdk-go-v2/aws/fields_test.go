package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/exporter/memory"
)

// tagsOf returns the tags resourceTags gives the operation, read back
// from a span.
func tagsOf(t *testing.T, service, op, region string, params any) map[string]string {
	t.Helper()
	exp := memory.New()
	tr := trace.New(trace.WithExporter(exp))
	_, s := tr.Start(context.Background(), "x", resourceTags(nil, service, op, region, params)...)
	s.Finish()
	tr.Shutdown(context.Background())
	out := map[string]string{}
	for k, v := range exp.Spans()[0].Tags() {
		out[k] = fmt.Sprint(v.Any())
	}
	return out
}

// TestResourceTags reads the real inputs of each service, as
// dd-trace-go's type switches do.
func TestResourceTags(t *testing.T) {
	arn := "arn:aws:states:us-east-1:123456789012:stateMachine:machine"
	exec := "arn:aws:states:us-east-1:123456789012:execution:machine:run-1"
	for _, c := range []struct {
		service, op, region string
		params              any
		want                map[string]string
	}{
		{"SQS", "SendMessageBatch", "cn-north-1", &sqs.SendMessageBatchInput{QueueUrl: aws.String("https://sqs/1/q/")},
			map[string]string{"queuename": "q", "cloud.resource_id": "arn:aws-cn:sqs:cn-north-1:1:q"}},
		{"SQS", "SendMessage", "us-gov-west-1", &sqs.SendMessageInput{QueueUrl: aws.String("q")}, map[string]string{}},
		{"SQS", "ListQueues", "r", &sqs.ListQueuesInput{}, map[string]string{}},
		{"S3", "ListObjectsV2", "r", &s3.ListObjectsV2Input{Bucket: aws.String("b")}, map[string]string{"bucketname": "b"}},
		{"S3", "HeadObject", "r", &s3.HeadObjectInput{Bucket: aws.String("b")}, map[string]string{}},
		{"SNS", "Publish", "r", &sns.PublishInput{TargetArn: aws.String("arn:aws:sns:r:1:endpoint/x")}, map[string]string{"targetname": "endpoint/x"}},
		{"SNS", "CreateTopic", "r", &sns.CreateTopicInput{Name: aws.String("t")}, map[string]string{"topicname": "t"}},
		{"SNS", "Subscribe", "r", &sns.SubscribeInput{TopicArn: aws.String("arn:aws:sns:r:1:t2")}, map[string]string{"topicname": "t2"}},
		{"Kinesis", "PutRecord", "r", &kinesis.PutRecordInput{StreamARN: aws.String("arn:aws:kinesis:r:1:stream/s1")}, map[string]string{"streamname": "s1"}},
		{"Kinesis", "PutRecords", "r", &kinesis.PutRecordsInput{StreamName: aws.String("s2"), StreamARN: aws.String("arn/x")}, map[string]string{"streamname": "s2"}},
		{"Kinesis", "CreateStream", "r", &kinesis.CreateStreamInput{StreamName: aws.String("s3")}, map[string]string{"streamname": "s3"}},
		{"Kinesis", "GetRecords", "r", &kinesis.GetRecordsInput{StreamARN: aws.String("arn:aws:kinesis:r:1:stream/s4")}, map[string]string{"streamname": "s4"}},
		{"EventBridge", "PutRule", "r", &eventbridge.PutRuleInput{Name: aws.String("r1")}, map[string]string{"rulename": "r1"}},
		{"EventBridge", "PutTargets", "r", &eventbridge.PutTargetsInput{Rule: aws.String("r2")}, map[string]string{"rulename": "r2"}},
		{"SFN", "CreateStateMachine", "r", &sfn.CreateStateMachineInput{Name: aws.String("m1")}, map[string]string{"statemachinename": "m1"}},
		{"SFN", "StartExecution", "r", &sfn.StartExecutionInput{StateMachineArn: aws.String(arn)}, map[string]string{"statemachinename": "machine"}},
		{"SFN", "DescribeExecution", "r", &sfn.DescribeExecutionInput{ExecutionArn: aws.String(exec)}, map[string]string{"statemachinename": "machine"}},
		// dd-trace-go panics on these two.
		{"SFN", "ListExecutions", "r", &sfn.ListExecutionsInput{}, map[string]string{}},
		{"SFN", "StopExecution", "r", &sfn.StopExecutionInput{ExecutionArn: aws.String("x")}, map[string]string{}},
		{"DynamoDB", "Query", "r", nil, map[string]string{}},
		{"Other", "Op", "r", &struct{ Bucket string }{"b"}, map[string]string{}},
	} {
		got := tagsOf(t, c.service, c.op, c.region, c.params)
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%s.%s: %s = %q, want %q", c.service, c.op, k, got[k], v)
			}
		}
		for _, k := range []string{"queuename", "cloud.resource_id", "bucketname", "topicname", "targetname", "streamname", "rulename", "statemachinename", "destination"} {
			if _, want := c.want[k]; !want && got[k] != "" {
				t.Errorf("%s.%s: unexpected %s = %q", c.service, c.op, k, got[k])
			}
		}
	}
}

// TestInjectContext: what goes into each kind of input, and what is left
// alone.
func TestInjectContext(t *testing.T) {
	tr := trace.New(trace.WithExporter(trace.Discard))
	defer tr.Shutdown(context.Background())
	ctx, s := tr.Start(context.Background(), "x")
	defer s.Finish()

	full := map[string]sqstypes.MessageAttributeValue{}
	for i := range maxMessageAttributes {
		full[fmt.Sprint(i)] = sqstypes.MessageAttributeValue{}
	}
	batch := &sqs.SendMessageBatchInput{Entries: []sqstypes.SendMessageBatchRequestEntry{{}, {MessageAttributes: full}}}
	injectContext(ctx, "SQS", "SendMessageBatch", batch)
	if a := batch.Entries[0].MessageAttributes[datadogKey]; aws.ToString(a.DataType) != "String" || !hasParent(aws.ToString(a.StringValue)) {
		t.Errorf("sqs entry: %+v", a)
	}
	if _, ok := batch.Entries[1].MessageAttributes[datadogKey]; ok || len(full) != maxMessageAttributes {
		t.Error("an attribute beyond SQS's ten")
	}
	pub := &sns.PublishBatchInput{PublishBatchRequestEntries: []snstypes.PublishBatchRequestEntry{{}}}
	injectContext(ctx, "SNS", "PublishBatch", pub)
	if a := pub.PublishBatchRequestEntries[0].MessageAttributes[datadogKey]; aws.ToString(a.DataType) != "Binary" || !hasParent(string(a.BinaryValue)) {
		t.Errorf("sns entry: %+v", a)
	}
	events := &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{
		{Detail: aws.String(`{"a":1}`), EventBusName: aws.String("bus")}, {Detail: aws.String("{ }")}, {}, {Detail: aws.String("[1]")}}}
	injectContext(ctx, "EventBridge", "PutEvents", events)
	for i, e := range events.Entries[:3] {
		var d map[string]json.RawMessage
		if err := json.Unmarshal([]byte(aws.ToString(e.Detail)), &d); err != nil || !hasParent(string(d[datadogKey])) {
			t.Errorf("event %d: %v %s", i, err, aws.ToString(e.Detail))
		}
	}
	if !json.Valid([]byte(aws.ToString(events.Entries[0].Detail))) || aws.ToString(events.Entries[3].Detail) != "[1]" {
		t.Errorf("events: %s, %s", aws.ToString(events.Entries[0].Detail), aws.ToString(events.Entries[3].Detail))
	}
	var d struct {
		A        int
		Datadog_ map[string]string `json:"_datadog"`
	}
	json.Unmarshal([]byte(aws.ToString(events.Entries[0].Detail)), &d)
	if d.A != 1 || d.Datadog_["x-datadog-resource-name"] != "bus" || d.Datadog_["x-datadog-start-time"] == "" {
		t.Errorf("event 0: %+v", d)
	}
	for _, in := range []string{"{}", `{"k":"v"}`, "", "nope"} {
		exe := &sfn.StartExecutionInput{Input: aws.String(in)}
		injectContext(ctx, "SFN", "StartExecution", exe)
		out := aws.ToString(exe.Input)
		if in == "" || in == "nope" {
			if out != in {
				t.Errorf("input %q became %q", in, out)
			}
			continue
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(out), &m); err != nil || !hasParent(string(m[datadogKey])) {
			t.Errorf("input %q: %v %s", in, err, out)
		}
	}
	injectContext(ctx, "SQS", "SendMessage", nil) // nothing to do, no panic
	injectContext(ctx, "SNS", "Publish", &struct{ MessageAttributes []int }{})
}

func hasParent(carrier string) bool {
	var m map[string]string
	return json.Unmarshal([]byte(carrier), &m) == nil && m["x-datadog-parent-id"] != ""
}

func TestSpanName(t *testing.T) {
	for _, c := range []struct{ schema, service, op, want string }{
		{"", "SQS", "SendMessage", "SQS.request"},
		{"v0", "DynamoDB", "GetItem", "DynamoDB.request"},
		{"v1", "SQS", "SendMessageBatch", "aws.sqs.send"},
		{"v1", "SNS", "Publish", "aws.sns.send"},
		{"V1", "SNS", "PublishBatch", "aws.sns.request"},
		{"v1", "S3", "PutObject", "aws.s3.request"},
	} {
		t.Setenv("DD_TRACE_SPAN_ATTRIBUTE_SCHEMA", c.schema)
		if got := spanName(c.service, c.op); got != c.want {
			t.Errorf("%s %s.%s: %s, want %s", c.schema, c.service, c.op, got, c.want)
		}
	}
}

// TestAppendMiddlewareTwice: one set of middleware, the first call's; a
// nil configuration is ignored.
func TestAppendMiddlewareTwice(t *testing.T) {
	AppendMiddleware(nil)
	var cfg aws.Config
	AppendMiddleware(&cfg, WithServiceName("first"))
	AppendMiddleware(&cfg, WithServiceName("second"), nil)
	if len(cfg.APIOptions) != 2 {
		t.Fatalf("%d API options", len(cfg.APIOptions))
	}
}
