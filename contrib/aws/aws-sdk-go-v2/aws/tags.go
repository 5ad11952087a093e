package aws

import (
	"strings"

	"github.com/ctxtrace/trace"
)

// The tags that name what an operation acts on, as dd-trace-go's
// integration writes them (its ext package's names).
const (
	tagQueueName        = "queuename"
	tagCloudResourceID  = "cloud.resource_id"
	tagBucketName       = "bucketname"
	tagTopicName        = "topicname"
	tagTargetName       = "targetname"
	tagTableName        = "tablename"
	tagStreamName       = "streamname"
	tagRuleName         = "rulename"
	tagStateMachineName = "statemachinename"
)

// ops is a set of operation names.
type ops map[string]bool

func opSet(names ...string) ops {
	s := ops{}
	for _, n := range names {
		s[n] = true
	}
	return s
}

// The operations of each service whose input names the resource, and the
// field that names it: the inputs dd-trace-go's integration switches on.
var (
	sqsQueueOps   = opSet("SendMessage", "DeleteMessage", "DeleteMessageBatch", "ReceiveMessage", "SendMessageBatch")
	s3BucketOps   = opSet("ListObjects", "ListObjectsV2", "PutObject", "GetObject", "DeleteObject", "DeleteObjects")
	snsTopicOps   = opSet("PublishBatch", "GetTopicAttributes", "ListSubscriptionsByTopic", "RemovePermission", "SetTopicAttributes", "Subscribe")
	dynamoDBOps   = opSet("GetItem", "PutItem", "Query", "Scan", "UpdateItem", "DeleteItem")
	kinesisOps    = opSet("PutRecord", "PutRecords", "AddTagsToStream", "RemoveTagsFromStream", "DeleteStream", "DescribeStream", "DescribeStreamSummary")
	ruleNameOps   = opSet("PutRule", "DescribeRule", "DeleteRule", "DisableRule", "EnableRule")
	ruleOps       = opSet("PutTargets", "RemoveTargets")
	sfnMachineOps = opSet("DescribeStateMachine", "StartExecution", "ListExecutions", "UpdateStateMachine", "DeleteStateMachine")
	sfnExecOps    = opSet("StopExecution", "DescribeExecution")
)

// resourceTags appends to dst the tags that name what the operation op of
// service acts on, read from its input params; tags without a value are
// left out, as in dd-trace-go.
func resourceTags(dst []trace.SpanOption, service, op, region string, params any) []trace.SpanOption {
	add := func(tag, v string) {
		if v != "" {
			dst = append(dst, trace.Tag(tag, v))
		}
	}
	str := func(name string) string {
		s, _ := stringField(params, name)
		return s
	}
	switch service {
	case "SQS":
		if sqsQueueOps[op] {
			name, arn := sqsQueue(str("QueueUrl"), region)
			add(tagQueueName, name)
			add(tagCloudResourceID, arn)
		}
	case "S3":
		if s3BucketOps[op] {
			add(tagBucketName, str("Bucket"))
		}
	case "SNS":
		tag, v := snsDestination(op, params)
		add(tag, v)
	case "DynamoDB":
		if dynamoDBOps[op] {
			add(tagTableName, str("TableName"))
		}
	case "Kinesis":
		add(tagStreamName, kinesisStream(op, params))
	case "EventBridge":
		switch {
		case ruleNameOps[op]:
			add(tagRuleName, str("Name"))
		case ruleOps[op]:
			add(tagRuleName, str("Rule"))
		}
	case "SFN":
		add(tagStateMachineName, sfnStateMachine(op, params))
	}
	return dst
}

// sqsQueue returns the queue's name and ARN from its URL,
// https://sqs.<region>.amazonaws.com/<account>/<name>.
func sqsQueue(url, region string) (name, arn string) {
	url = strings.TrimSuffix(url, "/")
	parts := strings.Split(url, "/")
	if len(parts) < 2 {
		return "", ""
	}
	partition := "aws"
	switch {
	case strings.HasPrefix(region, "cn-"):
		partition = "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		partition = "aws-us-gov"
	}
	name, account := parts[len(parts)-1], parts[len(parts)-2]
	return name, "arn:" + partition + ":sqs:" + region + ":" + account + ":" + name
}

// snsDestination returns the tag and the name of the topic or target the
// operation op acts on: a Publish to neither (to a phone number) is
// destination "empty", as in dd-trace-go.
func snsDestination(op string, params any) (tag, value string) {
	topic, hasTopic := stringField(params, "TopicArn")
	switch {
	case op == "Publish" && hasTopic:
		return tagTopicName, lastPart(topic, ':')
	case op == "Publish":
		if target, ok := stringField(params, "TargetArn"); ok {
			return tagTargetName, lastPart(target, ':')
		}
		return "destination", "empty"
	case op == "CreateTopic":
		name, _ := stringField(params, "Name")
		return tagTopicName, name
	case snsTopicOps[op]:
		return tagTopicName, lastPart(topic, ':')
	}
	return tagTopicName, ""
}

// kinesisStream returns the name of the stream the operation op acts on:
// its StreamName, else the end of its StreamARN.
func kinesisStream(op string, params any) string {
	name, hasName := stringField(params, "StreamName")
	arn, hasARN := stringField(params, "StreamARN")
	switch {
	case kinesisOps[op] && hasName, op == "CreateStream":
		return name
	case kinesisOps[op] && hasARN, op == "GetRecords" && hasARN:
		return lastPart(arn, '/')
	}
	return ""
}

// sfnStateMachine returns the name of the state machine the operation op
// acts on, from its name, its ARN (arn:...:stateMachine:<name>) or an
// execution's ARN (arn:...:execution:<machine>:<execution>).
func sfnStateMachine(op string, params any) string {
	switch {
	case op == "CreateStateMachine":
		name, _ := stringField(params, "Name")
		return name
	case sfnMachineOps[op]:
		arn, _ := stringField(params, "StateMachineArn")
		return lastPart(arn, ':')
	case sfnExecOps[op]:
		arn, _ := stringField(params, "ExecutionArn")
		if parts := strings.Split(arn, ":"); len(parts) >= 2 {
			return parts[len(parts)-2]
		}
	}
	return ""
}
