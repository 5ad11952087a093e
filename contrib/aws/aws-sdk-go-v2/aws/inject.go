package aws

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"time"

	"github.com/ctxtrace/trace"
)

// The trace context travels with the messages and events an operation
// sends, as dd-trace-go's integration puts it there, so that Datadog's
// consumers (its Lambda layers, its SQS and SNS integrations) continue
// the trace: a message attribute "_datadog" for SQS and SNS, a "_datadog"
// member of the JSON of an EventBridge event's detail or of a Step
// Functions execution's input. Like dd-trace-go's, it changes the input
// the caller gave.

const (
	datadogKey = "_datadog"
	// maxMessageAttributes is how many attributes SQS and SNS allow a
	// message: the context goes only where there is room for it.
	maxMessageAttributes = 10
	// maxEventBytes is the size EventBridge allows an entry.
	maxEventBytes = 256 * 1024
)

// injectContext puts the trace context of ctx's span into the input of
// the operations that send messages or start executions.
func injectContext(ctx context.Context, service, op string, params any) {
	switch {
	case service == "SQS" && op == "SendMessage", service == "SNS" && op == "Publish":
		injectAttributes(ctx, service, reflect.ValueOf(params))
	case service == "SQS" && op == "SendMessageBatch":
		injectEntries(ctx, service, field(params, "Entries"))
	case service == "SNS" && op == "PublishBatch":
		injectEntries(ctx, service, field(params, "PublishBatchRequestEntries"))
	case service == "EventBridge" && op == "PutEvents":
		injectEvents(ctx, field(params, "Entries"))
	case service == "SFN" && (op == "StartExecution" || op == "StartSyncExecution"):
		injectExecution(ctx, field(params, "Input"))
	}
}

// carrier is the trace context of ctx's span as text map entries.
func carrier(ctx context.Context) (trace.MapCarrier, bool) {
	c := trace.MapCarrier{}
	if err := trace.Inject(ctx, c); err != nil {
		return nil, false
	}
	return c, true
}

// injectEntries injects the context into each entry of entries, a slice
// of structs with MessageAttributes.
func injectEntries(ctx context.Context, service string, entries reflect.Value) {
	if !entries.IsValid() || entries.Kind() != reflect.Slice {
		return
	}
	for i := range entries.Len() {
		injectAttributes(ctx, service, entries.Index(i).Addr())
	}
}

// injectAttributes adds the "_datadog" attribute to the MessageAttributes
// of the struct msg points to, when there is room: a String of JSON for
// SQS, Binary for SNS, whose subscription filter policies fail on JSON
// strings (DataDog/datadog-lambda-js#269).
func injectAttributes(ctx context.Context, service string, msg reflect.Value) {
	if msg.Kind() != reflect.Pointer || msg.IsNil() || msg.Elem().Kind() != reflect.Struct {
		return
	}
	attrs := msg.Elem().FieldByName("MessageAttributes")
	if !attrs.IsValid() || attrs.Kind() != reflect.Map || attrs.Type().Key().Kind() != reflect.String ||
		!attrs.CanSet() || attrs.Len() >= maxMessageAttributes {
		return
	}
	c, ok := carrier(ctx)
	if !ok {
		return
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return
	}
	attr := reflect.New(attrs.Type().Elem()).Elem()
	if attr.Kind() != reflect.Struct {
		return
	}
	if service == "SNS" {
		value := attr.FieldByName("BinaryValue")
		if !value.IsValid() || value.Type() != reflect.TypeFor[[]byte]() || !setString(attr.FieldByName("DataType"), "Binary") {
			return
		}
		value.SetBytes(payload)
	} else if !setString(attr.FieldByName("DataType"), "String") || !setString(attr.FieldByName("StringValue"), string(payload)) {
		return
	}
	if attrs.IsNil() {
		attrs.Set(reflect.MakeMap(attrs.Type()))
	}
	attrs.SetMapIndex(reflect.ValueOf(datadogKey).Convert(attrs.Type().Key()), attr)
}

// injectEvents adds the context, with the time it was sent and the event
// bus, as the "_datadog" member of each event's detail, a JSON object,
// when the result fits in an entry.
func injectEvents(ctx context.Context, entries reflect.Value) {
	if !entries.IsValid() || entries.Kind() != reflect.Slice {
		return
	}
	c, ok := carrier(ctx)
	if !ok {
		return
	}
	c["x-datadog-start-time"] = strconv.FormatInt(time.Now().UnixMilli(), 10)
	for i := range entries.Len() {
		e := entries.Index(i)
		if e.Kind() != reflect.Struct {
			return
		}
		delete(c, "x-datadog-resource-name")
		if bus, ok := stringOf(e.FieldByName("EventBusName")); ok {
			c["x-datadog-resource-name"] = bus
		}
		detail, _ := stringOf(e.FieldByName("Detail"))
		if out, ok := withContext(detail, c, maxEventBytes); ok {
			setString(e.FieldByName("Detail"), out)
		}
	}
}

// injectExecution adds the context as the "_datadog" member of an
// execution's input, a JSON object, when there is one.
func injectExecution(ctx context.Context, input reflect.Value) {
	in, ok := stringOf(input)
	if !ok || in == "" {
		return
	}
	c, ok := carrier(ctx)
	if !ok {
		return
	}
	if out, ok := withContext(in, c, -1); ok {
		setString(input, out)
	}
}

// withContext returns the JSON object obj ("" for {}) with the member
// "_datadog": c added at its end, and false when obj does not end as an
// object does or the result is longer than max bytes (max < 0: no
// limit). Like dd-trace-go, it checks only the closing brace, so that a
// large payload is not parsed for this.
func withContext(obj string, c trace.MapCarrier, max int) (string, bool) {
	if obj == "" {
		obj = "{}"
	}
	if len(obj) < 2 || obj[len(obj)-1] != '}' {
		return "", false
	}
	ctxJSON, err := json.Marshal(c)
	if err != nil {
		return "", false
	}
	sep := ","
	if isEmptyObject(obj) {
		sep = "" // dd-trace-go writes "{ ," here, which is no JSON
	}
	out := obj[:len(obj)-1] + sep + `"` + datadogKey + `":` + string(ctxJSON) + "}"
	if max >= 0 && len(out) > max {
		return "", false
	}
	return out, true
}

// isEmptyObject reports whether obj holds only blanks between its first
// and last bytes.
func isEmptyObject(obj string) bool {
	for _, r := range obj[1 : len(obj)-1] {
		if r != ' ' && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}
