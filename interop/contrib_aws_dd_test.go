package interop

// ddAWSScenario is TestAWSSameWire's scenario written against dd-trace-go
// v1.74.8's contrib/aws/aws-sdk-go-v2/aws, with its parts ddAWSQueues and
// ddAWSStores. oursAWSScenario and its parts in contrib_aws_ours_test.go
// are the same functions against ours: they must stay identical apart from
// their names and the file's imports, which TestAWSScenariosIdentical
// checks.

import (
	"context"
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
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	awstrace "gopkg.in/DataDog/dd-trace-go.v1/contrib/aws/aws-sdk-go-v2/aws"
	"gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	"github.com/ctxtrace/trace/internal/awstest"
)

func ddAWSScenario(t *testing.T, agentAddr string, srv *awstest.Server, extra ...tracer.StartOption) {
	tracer.Start(append([]tracer.StartOption{
		tracer.WithService("svc"),
		tracer.WithEnv("prod"),
		tracer.WithServiceVersion("1.2.3"),
		tracer.WithAgentAddr(agentAddr),
		tracer.WithLogStartup(false),
		tracer.WithLogger(silentLogger{}),
	}, extra...)...)
	defer tracer.Stop()
	step := func(name string, fn func(ctx context.Context) error) {
		span, ctx := tracer.StartSpanFromContext(context.Background(), name)
		defer span.Finish()
		span.SetTag("outcome", fmt.Sprint(fn(ctx) != nil))
	}
	newConfig := func(opts ...awstrace.Option) aws.Config {
		cfg := aws.Config{
			Region:           "us-west-2",
			BaseEndpoint:     aws.String(srv.URL),
			RetryMaxAttempts: 1,
			Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET"}, nil
			}),
		}
		awstrace.AppendMiddleware(&cfg, opts...)
		return cfg
	}
	cfg := newConfig()
	ddAWSQueues(step, cfg, srv)
	ddAWSStores(step, cfg, srv)

	// Options.
	ocfg := newConfig(awstrace.WithServiceName("queues"), awstrace.WithAnalyticsRate(0.5),
		awstrace.WithErrorCheck(func(err error) bool { return !strings.Contains(err.Error(), "ResourceNotFound") }))
	oq := sqs.NewFromConfig(ocfg)
	step("step.options.missing", func(ctx context.Context) error {
		_, err := oq.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(srv.URL + "/123456789012/missing")})
		return err
	})
	step("step.options.broken", func(ctx context.Context) error {
		_, err := oq.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(srv.URL + "/123456789012/broken")})
		return err
	})
	aq := sqs.NewFromConfig(newConfig(awstrace.WithAnalytics(true)))
	queue := aws.String(srv.URL + "/123456789012/orders")
	step("step.analytics", func(ctx context.Context) error {
		_, err := aq.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: queue})
		return err
	})
}

// ddAWSQueues is the SQS and SNS part of ddAWSScenario.
func ddAWSQueues(step func(string, func(context.Context) error), cfg aws.Config, srv *awstest.Server) {
	queue := aws.String(srv.URL + "/123456789012/orders")

	q := sqs.NewFromConfig(cfg)
	step("step.sqs.send", func(ctx context.Context) error {
		_, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: queue, MessageBody: aws.String("hi")})
		return err
	})
	step("step.sqs.send.batch", func(ctx context.Context) error {
		_, err := q.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: queue, Entries: []sqstypes.SendMessageBatchRequestEntry{
			{Id: aws.String("1"), MessageBody: aws.String("a")}, {Id: aws.String("2"), MessageBody: aws.String("b")}}})
		return err
	})
	step("step.sqs.receive", func(ctx context.Context) error {
		_, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: queue})
		return err
	})
	step("step.sqs.list", func(ctx context.Context) error { _, err := q.ListQueues(ctx, &sqs.ListQueuesInput{}); return err })
	step("step.sqs.missing", func(ctx context.Context) error {
		_, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(srv.URL + "/123456789012/missing")})
		return err
	})
	step("step.sqs.broken", func(ctx context.Context) error {
		_, err := q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(srv.URL + "/1/broken"), ReceiptHandle: aws.String("r")})
		return err
	})

	n := sns.NewFromConfig(cfg)
	step("step.sns.publish", func(ctx context.Context) error {
		_, err := n.Publish(ctx, &sns.PublishInput{TopicArn: aws.String("arn:aws:sns:us-west-2:123456789012:events"), Message: aws.String("m")})
		return err
	})
	step("step.sns.publish.phone", func(ctx context.Context) error {
		_, err := n.Publish(ctx, &sns.PublishInput{PhoneNumber: aws.String("+15555550100"), Message: aws.String("m")})
		return err
	})
	step("step.sns.create", func(ctx context.Context) error {
		_, err := n.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("events")})
		return err
	})
}

// ddAWSStores is the S3 and DynamoDB part of ddAWSScenario.
func ddAWSStores(step func(string, func(context.Context) error), cfg aws.Config, srv *awstest.Server) {
	// S3, path-style (as with any custom endpoint) and virtual-hosted
	// (<bucket>.s3.test, every connection sent to the stand-in).
	s3Path := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	vcfg := cfg.Copy()
	vcfg.BaseEndpoint = aws.String("http://s3.test")
	vcfg.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "tcp", srv.Listener.Addr().String())
	}}}
	s3Host := s3.NewFromConfig(vcfg)
	for _, c := range []struct {
		name   string
		client *s3.Client
	}{{"path", s3Path}, {"host", s3Host}} {
		step("step.s3."+c.name+".put", func(ctx context.Context) error {
			_, err := c.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("photos"), Key: aws.String("a/b.png"), Body: strings.NewReader("x")})
			return err
		})
		step("step.s3."+c.name+".get", func(ctx context.Context) error {
			_, err := c.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("a/b.png")})
			return err
		})
		step("step.s3."+c.name+".copy", func(ctx context.Context) error {
			_, err := c.client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("photos"), Key: aws.String("c.png"), CopySource: aws.String("photos/a/b.png")})
			return err
		})
	}
	step("step.s3.list", func(ctx context.Context) error {
		_, err := s3Path.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("photos")})
		return err
	})
	step("step.s3.missing", func(ctx context.Context) error {
		_, err := s3Path.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("missing")})
		return err
	})

	d := dynamodb.NewFromConfig(cfg)
	key := map[string]dyntypes.AttributeValue{"id": &dyntypes.AttributeValueMemberN{Value: "42"}, "kind": &dyntypes.AttributeValueMemberS{Value: "user"}}
	step("step.dynamodb.get", func(ctx context.Context) error {
		_, err := d.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("users"), Key: key})
		return err
	})
	step("step.dynamodb.update", func(ctx context.Context) error {
		_, err := d.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("users"), Key: key})
		return err
	})
	step("step.dynamodb.delete.missing", func(ctx context.Context) error {
		_, err := d.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("missing"), Key: key})
		return err
	})
}
