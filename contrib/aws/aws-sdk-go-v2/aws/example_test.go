package aws_test

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	awstrace "github.com/ctxtrace/trace/contrib/aws/aws-sdk-go-v2/aws"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

// Every operation of the clients made from the configuration is a span,
// a child of the span in the operation's context.
func Example() {
	tracer.Start(tracer.WithService("shop"))
	defer tracer.Stop()
	cfg := aws.Config{Region: "us-east-1"} // or config.LoadDefaultConfig
	awstrace.AppendMiddleware(&cfg)
	client := sqs.NewFromConfig(cfg)

	span, ctx := tracer.StartSpanFromContext(context.Background(), "checkout")
	defer span.Finish()
	client.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:    aws.String("https://sqs.us-east-1.amazonaws.com/123456789012/orders"),
		MessageBody: aws.String(`{"order":1042}`),
	})
}
