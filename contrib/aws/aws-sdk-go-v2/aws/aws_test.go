package aws_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dyntypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/ctxtrace/trace"
	awstrace "github.com/ctxtrace/trace/contrib/aws/aws-sdk-go-v2/aws"
	"github.com/ctxtrace/trace/exporter/memory"
	"github.com/ctxtrace/trace/internal/awstest"
)

// setup starts an AWS stand-in and a default tracer recording into
// memory, and returns a configuration for the stand-in with the
// middleware; spans returns what was recorded once the tracer is shut
// down.
func setup(t *testing.T, opts ...awstrace.Option) (*awstest.Server, aws.Config, func() []trace.Snapshot) {
	t.Helper()
	srv := awstest.Start()
	t.Cleanup(srv.Close)
	exp := memory.New()
	tr := trace.New(trace.WithService("svc"), trace.WithExporter(exp))
	trace.SetDefault(tr)
	t.Cleanup(func() { trace.SetDefault(nil) })
	cfg := aws.Config{
		Region:           "us-west-2",
		BaseEndpoint:     aws.String(srv.URL),
		RetryMaxAttempts: 1,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET"}, nil
		}),
	}
	awstrace.AppendMiddleware(&cfg, opts...)
	return srv, cfg, func() []trace.Snapshot {
		if err := tr.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		return exp.Spans()
	}
}

func byResource(spans []trace.Snapshot) map[string]trace.Snapshot {
	m := map[string]trace.Snapshot{}
	for _, s := range spans {
		m[s.Resource()] = s
	}
	return m
}

func tag(s trace.Snapshot, k string) any {
	if v, ok := s.Tag(k); ok {
		return v.Any()
	}
	return nil
}

func TestSQS(t *testing.T) {
	srv, cfg, spans := setup(t)
	ctx := context.Background()
	c := sqs.NewFromConfig(cfg)
	queue := srv.URL + "/123456789012/orders"
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(queue), MessageBody: aws.String("hi")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(srv.URL + "/123456789012/missing")}); err == nil {
		t.Fatal("no error for a missing queue")
	}
	got := byResource(spans())
	send := got["SQS.SendMessage"]
	want := map[string]any{
		"aws.operation": "SendMessage", "aws_service": "SQS", "aws.service": "SQS", "region": "us-west-2",
		"aws.region": "us-west-2", "queuename": "orders", "cloud.resource_id": "arn:aws:sqs:us-west-2:123456789012:orders",
		"component": "aws/aws-sdk-go-v2/aws", "span.kind": "client", "messaging.system": "amazonsqs",
		"http.method": "POST", "http.url": srv.URL + "/", "aws.request_id": "req-1",
	}
	for k, v := range want {
		if got := tag(send, k); got != v {
			t.Errorf("%s = %v (%T), want %v", k, got, got, v)
		}
	}
	if send.Name() != "SQS.request" || send.Service() != "aws.SQS" || send.Type() != "http" || send.IsError() {
		t.Errorf("span %v", send)
	}
	if a, _ := tag(send, "aws.agent").(string); !strings.Contains(a, "aws-sdk-go-v2") {
		t.Errorf("aws.agent %q", a)
	}
	if recv := got["SQS.ReceiveMessage"]; !recv.IsError() || tag(recv, "queuename") != "missing" {
		t.Errorf("failed receive: %v", recv)
	}
	// The context went with the message, as a String attribute of JSON.
	var body struct {
		MessageAttributes map[string]struct{ DataType, StringValue string }
	}
	if err := json.Unmarshal(srv.Requests()[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	attr := body.MessageAttributes["_datadog"]
	var carrier map[string]string
	if attr.DataType != "String" || json.Unmarshal([]byte(attr.StringValue), &carrier) != nil || carrier["x-datadog-parent-id"] == "" {
		t.Errorf("_datadog attribute: %+v", attr)
	}
}

func TestS3Pointers(t *testing.T) {
	srv, cfg, spans := setup(t)
	ctx := context.Background()
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("photos"), Key: aws.String("a/b.png"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("a/b.png")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("photos"), Key: aws.String("c.png"), CopySource: aws.String("photos/a/b.png")}); err != nil {
		t.Fatal(err)
	}
	got := byResource(spans())
	put, get, cp := got["S3.PutObject"], got["S3.GetObject"], got["S3.CopyObject"]
	if tag(put, "bucketname") != "photos" || tag(put, "http.status_code") == nil || tag(put, "aws.request_id") != "req-1" {
		t.Errorf("put: %v", put)
	}
	// The first 16 bytes of sha256("photos|a/b.png|etag-put") and of
	// sha256("photos|c.png|etag-copy"), computed apart.
	for _, c := range []struct {
		s    trace.Snapshot
		hash string
	}{{put, "a76836ba071f2700366b2176ae6f2576"}, {cp, "ca31a7d951255a5739063932cf61e8e0"}} {
		if c.s.NumLinks() != 1 {
			t.Errorf("%s: %d links", c.s.Resource(), c.s.NumLinks())
			continue
		}
		l := c.s.LinkAt(0)
		if l.Attributes["ptr.kind"] != "aws.s3.object" || l.Attributes["ptr.dir"] != "d" || l.Attributes["link.kind"] != "span-pointer" ||
			l.Attributes["ptr.hash"] != c.hash || l.SpanID != 0 || !l.TraceID.IsZero() {
			t.Errorf("%s: link %+v", c.s.Resource(), l)
		}
	}
	if get.NumLinks() != 0 {
		t.Errorf("GetObject has a span pointer")
	}
	_ = srv
}

func TestDynamoDBAndSNS(t *testing.T) {
	srv, cfg, spans := setup(t, awstrace.WithServiceName("store"), awstrace.WithAnalyticsRate(0.5),
		awstrace.WithErrorCheck(func(err error) bool { return !strings.Contains(err.Error(), "ResourceNotFound") }))
	ctx := context.Background()
	d := dynamodb.NewFromConfig(cfg)
	key := map[string]dyntypes.AttributeValue{"id": &dyntypes.AttributeValueMemberS{Value: "42"}}
	d.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("users"), Key: key})
	d.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("missing"), Key: key})
	n := sns.NewFromConfig(cfg)
	n.Publish(ctx, &sns.PublishInput{TopicArn: aws.String("arn:aws:sns:us-west-2:123456789012:events"), Message: aws.String("m")})
	n.Publish(ctx, &sns.PublishInput{PhoneNumber: aws.String("+15555550100"), Message: aws.String("m")})
	got := spans()
	m := byResource(got)
	upd, del := m["DynamoDB.UpdateItem"], m["DynamoDB.DeleteItem"]
	if tag(upd, "tablename") != "users" || upd.Service() != "store" || tag(upd, "_dd1.sr.eausr") != 0.5 || upd.NumLinks() != 1 ||
		upd.LinkAt(0).Attributes["ptr.hash"] != "96f53ff4e4a955548def1321a0042351" { // sha256("users|id|42||")
		t.Errorf("update: %v links %d", upd, upd.NumLinks())
	}
	if del.IsError() || del.NumLinks() != 0 {
		t.Errorf("delete of a missing table: error %v (excluded by the check), links %d", del.IsError(), del.NumLinks())
	}
	topics := map[string]bool{}
	for _, s := range got {
		if s.Resource() == "SNS.Publish" {
			topics[fmt.Sprint(tag(s, "topicname"), " ", tag(s, "destination"))] = true
		}
	}
	if len(topics) != 2 || !topics["events <nil>"] || !topics["<nil> empty"] {
		t.Errorf("sns tags %v", topics)
	}
	if body := string(srv.Requests()[2].Body); !strings.Contains(body, "_datadog") || !strings.Contains(body, "Binary") {
		t.Errorf("publish without the context: %s", body)
	}
}

// TestVirtualHostedS3: the request goes to <bucket>.s3.test; the stand-in
// answers it whatever the host.
func TestVirtualHostedS3(t *testing.T) {
	srv, cfg, spans := setup(t)
	cfg.BaseEndpoint = aws.String("http://s3.test")
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "tcp", srv.Listener.Addr().String())
	}}}
	c := s3.NewFromConfig(cfg)
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("photos"), Key: aws.String("k"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	put := byResource(spans())["S3.PutObject"]
	if tag(put, "http.url") != "http://photos.s3.test/k?x-id=PutObject" || srv.Requests()[0].Host != "photos.s3.test" {
		t.Errorf("url %v host %s", tag(put, "http.url"), srv.Requests()[0].Host)
	}
}
